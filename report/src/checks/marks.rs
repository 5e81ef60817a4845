//! The marks of the page's steps (TCP, banner, EHLO, STARTTLS, certificate, open relay) and a host's status.

use crate::checks::certificate::weak_key;
use crate::checks::certificate::{out_of_date_intermediates, EXPIRY_WARNING_DAYS};
use crate::model::dane::AddressDane;
use crate::model::report::{AddressReport, Mark, MxHost, RelayOutcome, RelayReport, StartTlsOutcome, TcpOutcome};

/// The SMTP greeting code for "service ready".
pub(crate) const READY: u16 = 220;

/// The reply code with which a server closes the session, allowed for every command (RFC 5321 §3.8).
pub(crate) const CLOSING: u16 = 421;

/// The six steps shown for each address, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// TCP connect.
    Tcp,
    /// Greeting.
    Banner,
    /// EHLO.
    Ehlo,
    /// STARTTLS.
    StartTls,
    /// Certificate.
    Certificate,
    /// Open-relay probe.
    OpenRelay,
}

impl Step {
    /// All steps in display order.
    pub const ALL: [Step; 6] =
        [Step::Tcp, Step::Banner, Step::Ehlo, Step::StartTls, Step::Certificate, Step::OpenRelay];

    /// The step's stable name (`tcp`, `starttls`, …) for attributes, labels and columns.
    pub fn id(self) -> &'static str {
        match self {
            Step::Tcp => "tcp",
            Step::Banner => "banner",
            Step::Ehlo => "ehlo",
            Step::StartTls => "starttls",
            Step::Certificate => "certificate",
            Step::OpenRelay => "open_relay",
        }
    }
}

/// The mark of one step at one address.
pub fn step_mark(a: &AddressReport, step: Step) -> Mark {
    let unknown = if a.done { Mark::NotApplicable } else { Mark::Pending };
    match step {
        Step::Tcp => match a.tcp.as_ref().map(|t| t.outcome) {
            None => unknown,
            Some(TcpOutcome::Connected) => Mark::Ok,
            Some(TcpOutcome::Blocked) => Mark::Warning,
            Some(TcpOutcome::NoRoute) => Mark::Inconclusive,
            // No address of the domain answered: maybe this network drops port 25, not the server.
            Some(TcpOutcome::Timeout) if a.timeout_may_be_local => Mark::Inconclusive,
            Some(_) => Mark::Critical,
        },
        Step::Banner => match &a.banner {
            None => unknown,
            Some(b) if b.code == Some(READY) => Mark::Ok,
            Some(b) if b.refuses_tester.is_some() => Mark::Inconclusive,
            // Slow, not dead: the greeting may still come (senders wait 5 minutes).
            Some(b) if b.code.is_none() && b.greeting_timeout_secs.is_some() => Mark::Inconclusive,
            Some(_) => Mark::Critical,
        },
        Step::Ehlo => match &a.ehlo {
            None => unknown,
            // Refused for mxray itself, or the server is closing: not tested, never a fault.
            Some(e) if e.code != Some(250) && e.refuses_tester.is_some() => Mark::Inconclusive,
            Some(e) if e.code == Some(CLOSING) => Mark::Inconclusive,
            Some(e) if e.code != Some(250) => Mark::Critical,
            Some(e) if e.helo_fallback => Mark::Warning,
            Some(_) => Mark::Ok,
        },
        Step::StartTls => match &a.starttls {
            // EHLO worked, then the session ended (deadline, broken connection): not tested, not n/a.
            None if a.done && step_mark(a, Step::Ehlo) == Mark::Ok => Mark::Inconclusive,
            None => unknown,
            Some(s) if s.pipelined_plaintext => Mark::Critical,
            Some(s) => match s.outcome {
                StartTlsOutcome::Ok => Mark::Ok,
                StartTlsOutcome::Skipped => Mark::NotApplicable,
                StartTlsOutcome::NotTestable => Mark::Inconclusive,
                // Ordinary senders encrypt, only with outdated suites.
                StartTlsOutcome::HandshakeFailed if crate::checks::tls_quality::ordinary_fallback(a).is_some() => {
                    Mark::Warning
                }
                _ => Mark::Critical,
            },
        },
        Step::Certificate => match &a.certificate {
            // No chain to judge because STARTTLS itself could not be tested: not tested either.
            None if a.done && step_mark(a, Step::StartTls) == Mark::Inconclusive => Mark::Inconclusive,
            None => unknown,
            // Unreadable: nothing could be judged, and other parsers may accept it; a warning.
            Some(c) if c.parse_error.is_some() => Mark::Warning,
            // DANE-EE pins the certificate: its names, dates and issuer do not count (RFC 7672 §3.1.1).
            Some(c) if dane(a, AddressDane::ee_matched) => {
                if weak_key(c).is_some() {
                    Mark::Warning
                } else {
                    Mark::Ok
                }
            }
            // DANE-TA vouched for the issuer, but the name or the dates fail: DANE senders defer.
            Some(_) if dane(a, AddressDane::ta_rejected) => Mark::Critical,
            Some(c) if c.expired || c.not_yet_valid || out_of_date_intermediates(c).next().is_some() => Mark::Critical,
            Some(c)
                if ((!c.trusted || c.self_signed) && !dane(a, AddressDane::ta_anchored))
                    || !c.hostname_matches
                    || c.days_until_expiry < EXPIRY_WARNING_DAYS
                    || weak_key(c).is_some() =>
            {
                Mark::Warning
            }
            Some(_) => Mark::Ok,
        },
        Step::OpenRelay => match a.open_relay.as_ref().map(|r| r.outcome) {
            // The server greeted but the probe never ran: not tested, never "ok".
            None if a.done && step_mark(a, Step::Banner) == Mark::Ok => Mark::Inconclusive,
            None => unknown,
            Some(RelayOutcome::Accepted) => Mark::Critical,
            // Refused for a stranger, but relayed for a forged local sender: open all the same.
            Some(RelayOutcome::Refused) if a.open_relay.as_ref().is_some_and(RelayReport::relays_for_local_sender) => {
                Mark::Critical
            }
            // Refused, but a routing address was taken: a warning, never critical on its own.
            Some(RelayOutcome::Refused)
                if a.open_relay.as_ref().is_some_and(|r| r.bypass.iter().any(|b| b.accepted)) =>
            {
                Mark::Warning
            }
            Some(RelayOutcome::Refused) if a.open_relay.as_ref().is_some_and(refusal_shown) => Mark::Ok,
            // "Refused" without the reply that shows it (an old or hand-made report): not tested.
            Some(RelayOutcome::Refused) => Mark::Inconclusive,
            Some(RelayOutcome::Inconclusive) => Mark::Inconclusive,
            Some(RelayOutcome::Skipped) => Mark::NotApplicable,
        },
    }
}

/// True when the deciding attempt's reply to `RCPT TO` of the outside recipient shows that the server
/// does not relay (refused about relaying, or the recipient unknown there). Only then may the probe
/// read as "not an open relay".
pub(crate) fn refusal_shown(r: &RelayReport) -> bool {
    let shows = |rcpt_to: &Option<String>, reason: Option<crate::model::report::RelayReason>| {
        rcpt_to.is_some() && reason.is_some_and(|r| r.refuses_relaying())
    };
    shows(&r.rcpt_to, r.reason) && r.attempts.last().is_none_or(|last| shows(&last.rcpt_to, Some(last.reason)))
}

/// True when the address has a DANE verdict for which `test` holds.
pub(crate) fn dane(a: &AddressReport, test: fn(&AddressDane) -> bool) -> bool {
    a.dane.as_ref().is_some_and(test)
}

/// How bad a mark is, for "the worst of several" (pending ranks highest: the answer is not in yet).
fn badness(m: Mark) -> u8 {
    match m {
        Mark::NotApplicable => 0,
        Mark::Ok => 1,
        Mark::Inconclusive => 2,
        Mark::Warning => 3,
        Mark::Critical => 4,
        Mark::Pending => 5,
    }
}

/// The worst mark of one step over a host's addresses.
pub(crate) fn worst(host: &MxHost, step: Step) -> Mark {
    host.addresses.iter().map(|a| step_mark(a, step)).max_by_key(|m| badness(*m)).unwrap_or(Mark::NotApplicable)
}

/// The one-glance status of a host.
pub fn host_status(host: &MxHost) -> crate::model::report::HostStatus {
    crate::model::report::HostStatus {
        reachable: reachability(host),
        starttls: worst(host, Step::StartTls),
        certificate_valid: worst(host, Step::Certificate),
        open_relay: worst(host, Step::OpenRelay),
    }
}

fn reachability(host: &MxHost) -> Mark {
    let reaches: Vec<Reach> = host.addresses.iter().map(reach).collect();
    if host.resolving || reaches.contains(&Reach::Pending) {
        return Mark::Pending;
    }
    let count = |r: Reach| reaches.iter().filter(|x| **x == r).count();
    let (tested, ready) = (reaches.len() - count(Reach::Untested), count(Reach::Greeted));
    match (tested, ready) {
        (0, _) if host.addresses.is_empty() => Mark::Critical,
        (0, _) => Mark::Inconclusive,
        (n, r) if r == n => Mark::Ok,
        (_, 0) if count(Reach::Failed) > 0 => Mark::Critical,
        // Only slow greetings, or timeouts that may be this network: not decided.
        (_, 0) => Mark::Inconclusive,
        _ => Mark::Warning,
    }
}

/// What one address showed about reaching a mail server on its port 25.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Still running.
    Pending,
    /// Greeted with 220.
    Greeted,
    /// Not tried, or turned away as mxray itself (guard, no route from here, mxray's address refused).
    Untested,
    /// Connected, but no complete greeting within the wait or the deadline: it may greet later.
    Slow,
    /// The connect timed out while no address of the domain answered: maybe this network.
    Silent,
    /// Refused, reset, unreachable, timed out while others answered, closed or not 220: a fault.
    Failed,
}

/// How far `a` got towards a greeting ([`Reach`]).
pub(crate) fn reach(a: &AddressReport) -> Reach {
    if a.banner.is_none() && !a.done {
        return Reach::Pending;
    }
    if !attempted(a) {
        return Reach::Untested;
    }
    match (&a.banner, a.tcp.as_ref().map(|t| t.outcome)) {
        (Some(b), _) if b.code == Some(READY) => Reach::Greeted,
        (Some(b), _) if b.code.is_none() && b.greeting_timeout_secs.is_some() => Reach::Slow,
        (None, Some(TcpOutcome::Connected)) if a.deadline_hit => Reach::Slow,
        (None, Some(TcpOutcome::Timeout)) if a.timeout_may_be_local => Reach::Silent,
        _ => Reach::Failed,
    }
}

/// True when mxray could try the address: not refused by the guard, routable from here, not
/// turned away at the greeting for mxray's own address, and finished (a deadline before the connect
/// still counts as a try).
pub(crate) fn attempted(a: &AddressReport) -> bool {
    match &a.tcp {
        Some(t) => !matches!(t.outcome, TcpOutcome::Blocked | TcpOutcome::NoRoute) && !refused_tester(a),
        None => a.done,
    }
}

/// The greeting refused mxray itself (its address), not senders in general.
pub(crate) fn refused_tester(a: &AddressReport) -> bool {
    a.banner.as_ref().is_some_and(|b| b.code != Some(READY) && b.refuses_tester.is_some())
}
