use super::*;
use crate::model::report::RelayOutcome;
use crate::render::fixtures::{build, good_addr, good_tls, Addr, Host};

const DAY: i64 = 24 * 3600;

fn healthy() -> Vec<Host> {
    vec![Host { name: "mx1.example.com", addrs: vec![good_addr("192.0.2.10"), good_addr("2001:db8::10")] }]
}

fn relay_open() -> Vec<Host> {
    let mut hosts = healthy();
    hosts[0].addrs[0].relay = RelayOutcome::Accepted;
    hosts
}

fn movements(t: &Transition) -> Vec<(Movement, String)> {
    t.alert.iter().flat_map(|a| a.items.iter().map(|i| (i.movement, i.condition.key.clone()))).collect()
}

#[test]
fn a_healthy_domain_raises_nothing_and_keeps_nothing_open() {
    let r = build(&healthy());
    let t = transition(None, &r, &[], 0, 14);
    assert_eq!(t.alert, None);
    assert!(t.open.is_empty());
}

#[test]
fn an_opened_relay_alerts_once_reminds_daily_and_recovers_once() {
    let (good, bad) = (build(&healthy()), build(&relay_open()));
    let t1 = transition(Some(&good), &bad, &[], 1000, 14);
    let m = movements(&t1);
    assert!(m.contains(&(Movement::Started, "open_relay@mx1.example.com/192.0.2.10".into())), "{m:?}");
    let alert = t1.alert.as_ref().unwrap();
    assert_eq!((alert.verdict_before, alert.verdict), (Some(Severity::Info), Severity::Critical));
    let text = alert.text(Lang::En, |t| t.to_string());
    assert!(text.contains("is now critical (was info)") && text.contains("NEW Open relay"), "{text}");
    assert!(text.contains("Fix: "), "an alert carries the remedy: {text}");

    // Six hours later: still open, no second alert.
    let t2 = transition(Some(&bad), &bad, &t1.open, 1000 + 6 * 3600, 14);
    assert_eq!(t2.alert, None);
    assert_eq!(t2.open, t1.open);
    // A day after the alert: one reminder that says since when.
    let t3 = transition(Some(&bad), &bad, &t2.open, 1000 + DAY, 14);
    let a3 = t3.alert.as_ref().expect("a daily reminder");
    assert!(a3.items.iter().all(|i| i.movement == Movement::Reminder && i.since == 1000), "{a3:?}");
    // Closed again: one recovery, nothing left open.
    let t4 = transition(Some(&bad), &good, &t3.open, 1000 + DAY + 3600, 14);
    let a4 = t4.alert.as_ref().expect("a recovery");
    assert!(a4.items.iter().all(|i| i.movement == Movement::Recovered), "{a4:?}");
    assert!(a4.text(Lang::De, |t| t.to_string()).contains("BEHOBEN"));
    assert!(t4.open.is_empty());
}

#[test]
fn a_cut_off_check_neither_raises_nor_clears() {
    let bad = build(&relay_open());
    let t1 = transition(None, &bad, &[], 0, 14);
    let mut cut = build(&healthy());
    cut.complete = false;
    let t2 = transition(Some(&bad), &cut, &t1.open, 3600, 14);
    assert_eq!(t2.alert, None);
    assert_eq!(t2.open, t1.open);
}

#[test]
fn the_certificate_threshold_is_the_watchers_and_not_said_twice() {
    let mut hosts = healthy();
    for a in &mut hosts[0].addrs {
        a.tls = Some(crate::render::fixtures::Tls { days: 10, ..good_tls() });
    }
    let r = build(&hosts);
    let keys: Vec<String> = conditions(&r, None, &[], 30).into_iter().map(|c| c.key).collect();
    assert_eq!(
        keys,
        ["certificate_days@mx1.example.com/192.0.2.10", "certificate_days@mx1.example.com/2001:db8::10"],
        "the report's own 14-day finding gives way to the threshold"
    );
    assert!(conditions(&r, None, &[], 5).is_empty(), "10 days left is fine under a 5-day threshold");
}

#[test]
fn a_lost_address_lasts_until_it_is_back() {
    let full = build(&healthy());
    let mut fewer = healthy();
    fewer[0].addrs.pop();
    let fewer = build(&fewer);
    let t1 = transition(Some(&full), &fewer, &[], 0, 14);
    assert_eq!(movements(&t1), [(Movement::Started, "address_lost@mx1.example.com/2001:db8::10".to_owned())]);
    // The next check compares with `fewer` only; the open condition keeps it lost.
    let t2 = transition(Some(&fewer), &fewer, &t1.open, 3600, 14);
    assert_eq!((t2.alert.clone(), t2.open.len()), (None, 1));
    let t3 = transition(Some(&fewer), &full, &t2.open, 7200, 14);
    assert_eq!(movements(&t3), [(Movement::Recovered, "address_lost@mx1.example.com/2001:db8::10".to_owned())]);
}

#[test]
fn starttls_gone_after_an_upgrade_is_new_and_worse() {
    let good = build(&healthy());
    let mut hosts = healthy();
    hosts[0].addrs[1] = Addr { tls: None, ..good_addr("2001:db8::10") };
    let bad = build(&hosts);
    let t = transition(Some(&good), &bad, &[], 0, 14);
    let alert = t.alert.expect("an alert");
    assert!(alert.items.iter().any(|i| i.movement == Movement::Started
        && i.condition.ip == Some("2001:db8::10".parse().unwrap())
        && i.condition.severity >= Severity::Warning));
    let lines = changes(Some(&good), &bad, Lang::En);
    assert!(lines.iter().any(|(t, _)| *t == Trend::Worse), "{lines:?}");
}
