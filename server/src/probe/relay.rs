//! What a reply to the relay probe means. Pure: the reply's code, its RFC 3463 enhanced status code
//! and its wording (and whether it names the address mxray connected from) decide whether the server
//! refused to relay, accepted, or rejected the probe for a reason that says nothing about relaying
//! (sender, HELO name, mxray's own address, the recipient's domain, greylisting, a bare refusal).
//! Only a refusal about relaying or of the unknown outside recipient may read as "not an open relay".

use mxray_report::model::report::{RelayOutcome, RelayReason, RelayReport, RevisitReason};
use std::net::IpAddr;

use super::wire::Reply;

/// The command whose reply is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayStage {
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO` with the outside recipient.
    Rcpt,
}

/// Wordings that refuse relaying, from Postfix, Exim, Sendmail, Exchange, qmail, Courier, Kerio,
/// MDaemon, hMailServer and friends (matched in lower case, with `<addresses>` removed).
const RELAY_DENIED: &[&str] = &[
    "relay access denied",
    "relaying denied",
    "relay denied",
    "relay not permitted",
    "relaying not permitted",
    "not permitted to relay",
    "relay not allowed",
    "relaying not allowed",
    "relaying is not allowed",
    "relaying to",
    "unable to relay",
    "cannot relay",
    "can't relay",
    "we do not relay",
    "no relaying",
    "relaying prohibited",
    "relay prohibited",
    "relaying disallowed",
    "not allowed to relay",
    "rcpthosts",
    "user not local",
    "not a local domain",
    "not accepting mail for",
    "non-accepted domain",
    "delivery is not allowed to this address",
    "i cannot deliver mail for",
];

/// Wordings that ask for authentication first: without it, no relaying.
const AUTH_REQUIRED: &[&str] =
    &["authentication required", "must authenticate", "not authenticated", "authentication is required"];

const GREYLISTED: &[&str] = &["greylist", "graylist", "grey-list", "gray-list", "grey list", "gray list"];

const SENDER: &[&str] = &[
    "sender address rejected",
    "sender verify failed",
    "sender verification",
    "verification failed for",
    "sender rejected",
    "sender domain",
    "domain of sender",
    "unverified sender",
    "sender address",
    "invalid sender",
    "unknown sender",
    "null sender",
    "bounce address",
    "reverse-path",
    "return path",
    "spf",
    "dmarc",
];

const HELO: &[&str] = &["helo", "ehlo"];

/// Wordings that refuse the client: mxray's own address (blocklists, reputation, reverse DNS, rate
/// limits), from Postfix, Exchange Online (5.7.606–649 "banned sending IP", 5.7.708 "traffic not
/// accepted from this IP"), Proofpoint ("Blocked - see https://ipcheck.proofpoint.com/…"), Comcast
/// (`BL000000`…) and Yahoo (`[TSS04]`, user complaints).
const CLIENT: &[&str] = &[
    "client host rejected",
    "client host",
    "client address",
    "blocked using",
    "listed at",
    "listed on",
    "listed in",
    "blacklist",
    "blocklist",
    "block list",
    "black list",
    "dnsbl",
    "rbl",
    "spamhaus",
    "spamcop",
    "barracuda",
    "your ip",
    "ip address",
    "reverse dns",
    "reverse hostname",
    "rdns",
    "ptr record",
    "cannot find your hostname",
    "reputation",
    "too many connections",
    "rate limit",
    "banned",
    "blocked -",
    "blocked by",
    "blocked ip",
    "ip blocked",
    "host blocked",
    "ipcheck",
    "sending ip",
    "client ip",
    "this ip",
    "from ip",
    "bl0000",
    "[ts0",
    "[tss",
    "user complaints",
];

/// The outside recipient's domain cannot take mail (does not resolve, null MX): says nothing about
/// relaying.
const RECIPIENT_DOMAIN: &[&str] = &[
    "domain not found",
    "does not accept mail",
    "nullmx",
    "null mx",
    "unrouteable",
    "unroutable",
    "no mx",
    "recipient domain",
];

/// The outside recipient itself is refused as unknown here ("User unknown", OpenSMTPD's "Invalid
/// recipient"): the server declines an address it does not serve, which is how a non-relay answers.
const RECIPIENT_UNKNOWN: &[&str] = &[
    "user unknown",
    "unknown user",
    "no such user",
    "unknown recipient",
    "recipient unknown",
    "invalid recipient",
    "recipient not found",
    "no such recipient",
    "mailbox not found",
    "no such mailbox",
];

/// What the reply means; `client` is the address mxray connected from (the local end of the
/// connection), when known: a reply that names it refuses mxray itself. `Reply` codes outside 200–599
/// never reach here (the parser rejects them).
pub fn classify(reply: &Reply, stage: RelayStage, client: Option<IpAddr>) -> RelayReason {
    match (stage, reply.code) {
        (RelayStage::Mail, 250) | (RelayStage::Rcpt, 250 | 251) => return RelayReason::Accepted,
        (RelayStage::Rcpt, 252) => return RelayReason::AcceptedUnverified,
        (_, code) if code < 400 => return RelayReason::ProtocolError,
        _ => {}
    }
    let text = wording(reply);
    let has = |list: &[&str]| list.iter().any(|w| text.contains(w));
    // 421 closes the session whatever it says (RFC 5321 §3.8); Yahoo's "[TSS04] Messages from
    // <address> temporarily deferred" is still about mxray's address.
    if reply.code == 421 {
        return if names_the_client(reply, &text, client) {
            RelayReason::ClientRejected
        } else {
            RelayReason::ServerClosing
        };
    }
    let enhanced = enhanced_code(reply);
    let permanent = reply.code >= 500;
    // Greylisting first: postgrey says "Recipient address rejected: Greylisted".
    if has(GREYLISTED) {
        return RelayReason::Greylisted;
    }
    if has(RELAY_DENIED) || matches!(enhanced, Some((_, 7, 54 | 57))) || reply.code == 551 {
        return RelayReason::RelayDenied;
    }
    // Exchange Online's edge: "550 5.4.1 Recipient address rejected: Access denied".
    if matches!(enhanced, Some((_, 4, 1))) && text.contains("access denied") {
        return RelayReason::RelayDenied;
    }
    if has(HELO) {
        return RelayReason::HeloRejected;
    }
    if names_the_client(reply, &text, client) {
        return RelayReason::ClientRejected;
    }
    if has(SENDER) || matches!(enhanced, Some((_, 1, 7 | 8) | (_, 7, 23 | 26 | 27))) {
        return RelayReason::SenderRejected;
    }
    if text.contains("starttls") || text.contains("tls required") || text.contains("encryption required") {
        return RelayReason::TlsRequired;
    }
    if has(AUTH_REQUIRED) || reply.code == 530 || (matches!(enhanced, Some((_, 7, 0))) && text.contains("auth")) {
        return RelayReason::RelayDenied;
    }
    if stage == RelayStage::Rcpt && (has(RECIPIENT_DOMAIN) || matches!(enhanced, Some((_, 1, 2 | 10) | (_, 4, 4)))) {
        return RelayReason::RecipientRejected;
    }
    if stage == RelayStage::Rcpt && permanent && (has(RECIPIENT_UNKNOWN) || matches!(enhanced, Some((_, 1, 1)))) {
        return RelayReason::RecipientUnknown;
    }
    match (stage, permanent) {
        // A rejected MAIL FROM without another reason is about the sender.
        (RelayStage::Mail, true) => RelayReason::SenderRejected,
        // A bare refusal, a bare 5.7.1 ("Delivery not authorized", "Go away") included: it does not
        // say that relaying was refused, so it is reported as what it is.
        (RelayStage::Rcpt, true) => RelayReason::RefusedUnstated,
        (_, false) => RelayReason::Temporary,
    }
}

/// Whether a refusal is about the client, i.e. mxray's own address: blocklist, reputation or
/// reverse-DNS wording, x.7.25, or the address itself named in the reply.
fn names_the_client(reply: &Reply, text: &str, client: Option<IpAddr>) -> bool {
    CLIENT.iter().any(|w| text.contains(w))
        || matches!(enhanced_code(reply), Some((_, 7, 25)))
        || client.is_some_and(|ip| names_address(text, ip))
}

/// Whether `text` contains `ip` as an address of its own (not inside a longer number), in any
/// spelling that parses to it (`[203.0.113.5]`, `ip=203.0.113.5`, `IPv6:2001:db8::5`, an
/// IPv4-mapped IPv6 address).
fn names_address(text: &str, ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    let is_ip = |candidate: &str| candidate.parse::<IpAddr>().is_ok_and(|c| c.to_canonical() == ip);
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':')).any(|token| {
        let token = token.trim_matches(['.', ':']);
        // A prefix such as "6:" of "IPv6:2001:db8::5" sticks to the address: try every suffix too.
        is_ip(token) || token.match_indices(':').any(|(i, _)| is_ip(&token[i + 1..]))
    })
}

/// The reply's text in lower case, without `<…>` addresses (the probe's own addresses contain
/// "relay", which must not count as wording).
fn wording(reply: &Reply) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in reply.text().chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// Whether a refused greeting or EHLO/HELO names the tester rather than the server: mxray's own
/// address (blocklist, reverse DNS, the address `client` itself) or its HELO name. Such a refusal says
/// nothing about how the server treats other senders, so it must not read as "the server refuses
/// sessions".
pub fn refuses_the_tester(reply: &Reply, client: Option<IpAddr>) -> Option<RelayReason> {
    if reply.code < 400 {
        return None;
    }
    let text = wording(reply);
    if names_the_client(reply, &text, client) {
        Some(RelayReason::ClientRejected)
    } else if HELO.iter().any(|w| text.contains(w)) {
        Some(RelayReason::HeloRejected)
    } else {
        None
    }
}

/// Whether a relay probe that ended on `report` looks like Postfix postscreen's after-220 tests,
/// which answer a new client `450 4.3.2 Service currently unavailable` at RCPT and pass it to the
/// real server only on its next connection: a temporary refusal at RCPT (not 421, which closes;
/// not greylisting or any other stated reason) in postscreen's exact wording, or after a greeting
/// of several lines (`multiline_greeting`, postscreen's greet banner). Why to come back, if so.
pub fn postscreen_like(report: &RelayReport, multiline_greeting: bool) -> Option<RevisitReason> {
    if report.outcome != RelayOutcome::Inconclusive || report.reason != Some(RelayReason::Temporary) {
        return None;
    }
    let reply = report.rcpt_to.as_deref()?.to_ascii_lowercase();
    let mut words = reply.split_whitespace();
    let code = words.next()?;
    if !code.starts_with('4') || code == "421" {
        return None;
    }
    if words.next() == Some("4.3.2") && reply.contains("service currently unavailable") {
        Some(RevisitReason::PostscreenReply)
    } else {
        multiline_greeting.then_some(RevisitReason::MultiLineGreeting)
    }
}

/// The RFC 3463 enhanced status code at the start of the first line (`5.7.1` → (5, 7, 1)), when its
/// class agrees with the reply code.
pub fn enhanced_code(reply: &Reply) -> Option<(u16, u16, u16)> {
    let first = reply.lines.first()?.split_whitespace().next()?;
    let mut parts = first.split('.').map(|p| p.parse::<u16>().ok());
    let (class, subject, detail) = (parts.next()??, parts.next()??, parts.next()??);
    (parts.next().is_none() && class == reply.code / 100 && subject <= 7 && detail <= 999)
        .then_some((class, subject, detail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use RelayReason::*;

    fn reply(line: &str) -> Reply {
        let (code, text) = line.split_at(3);
        Reply { code: code.parse().unwrap(), lines: vec![text.trim_start_matches([' ', '-']).to_owned()] }
    }

    /// The address mxray connected from in these tables.
    const CLIENT_IP: &str = "203.0.113.5";

    fn rcpt(line: &str) -> RelayReason {
        classify(&reply(line), RelayStage::Rcpt, Some(CLIENT_IP.parse().unwrap()))
    }

    #[test]
    fn rcpt_replies_from_real_servers() {
        let cases: &[(&str, RelayReason)] = &[
            // Postfix: defer_unauth_destination (Debian's default) and reject_unauth_destination.
            ("454 4.7.1 <relay-test@example.net>: Relay access denied", RelayDenied),
            ("554 5.7.1 <relay-test@example.net>: Relay access denied", RelayDenied),
            // Exim's default ACL, Sendmail, Exchange, qmail, Courier, Kerio, MDaemon.
            ("550 relay not permitted", RelayDenied),
            ("550 5.7.1 <relay-test@example.net>... Relaying denied", RelayDenied),
            ("550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain", RelayDenied),
            ("550 5.7.1 Unable to relay", RelayDenied),
            ("550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", RelayDenied),
            ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", RelayDenied),
            ("513 Relaying denied.", RelayDenied),
            ("550 5.7.1 Relaying to <relay-test@example.net> denied", RelayDenied),
            ("551 5.7.1 User not local; please try <forward-path>", RelayDenied),
            ("530 5.7.0 Authentication required", RelayDenied),
            ("550 5.7.57 Client was not authenticated to send anonymous mail", RelayDenied),
            // A bare 5.7.1 does not say that relaying was refused (issue 15: it used to read as
            // RelayDenied, a false "not an open relay").
            ("554 5.7.1 Delivery not authorized", RefusedUnstated),
            ("550 5.7.1 Go away", RefusedUnstated),
            ("450 4.7.1 Try again later", Temporary),
            // Accepted.
            ("250 2.1.5 Ok", Accepted),
            ("251 2.1.5 User not local; will forward", Accepted),
            ("252 2.1.5 Cannot VRFY user, but will accept message", AcceptedUnverified),
            // About something else.
            ("450 4.1.8 <relay-probe@mxray.invalid>: Sender address rejected: Domain not found", SenderRejected),
            ("550-Verification failed for <relay-probe@mxray.invalid>", SenderRejected),
            ("553 5.1.8 <relay-probe@mxray.invalid>... Domain of sender address does not exist", SenderRejected),
            ("550 5.7.1 <relay-probe@mxray.invalid>: Sender address rejected: Access denied", SenderRejected),
            ("550 5.7.27 Sender address has null MX", SenderRejected),
            ("504 5.5.2 <mxray.invalid>: Helo command rejected: need fully-qualified hostname", HeloRejected),
            ("450 4.7.1 <mxray.invalid>: Helo command rejected: Host not found", HeloRejected),
            ("450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]", ClientRejected),
            ("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org", ClientRejected),
            ("550 5.7.25 The sending IP has no PTR", ClientRejected),
            ("450 4.2.0 <relay-test@example.net>: Recipient address rejected: Greylisted, see postgrey", Greylisted),
            ("451 4.7.1 Greylisting in action, please come back later", Greylisted),
            ("556 5.1.10 <relay-test@example.net>: Recipient address rejected: Domain example.net does not accept mail (nullMX)", RecipientRejected),
            // The outside recipient is unknown here: how a non-relay answers (these were
            // RefusedUnstated, which no longer reads as a refusal).
            ("550 5.1.1 <relay-test@example.net>: Recipient address rejected: User unknown", RecipientUnknown),
            ("550 Invalid recipient: <relay-test@example.net>", RecipientUnknown),
            ("550 5.1.1 The email account that you tried to reach does not exist", RecipientUnknown),
            ("450 4.1.1 <relay-test@example.net>: Recipient address rejected: unverified address", Temporary),
            ("450 4.1.2 <relay-test@example.net>: Recipient address rejected: Domain not found", RecipientRejected),
            ("550 5.4.4 Unrouteable address", RecipientRejected),
            ("530 5.7.0 Must issue a STARTTLS command first", TlsRequired),
            // 421 closes the session, whatever else it says (it was Temporary).
            ("421 4.7.0 mx.example.com Error: too many errors", ServerClosing),
            ("421 4.3.2 Service not available, closing transmission channel", ServerClosing),
            // Refusals of mxray's own address (issue 15: these read as "not an open relay").
            ("550 5.7.606 Access denied, banned sending IP [203.0.113.5]", ClientRejected),
            ("550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP", ClientRejected),
            ("554 Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.5", ClientRejected),
            ("554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org", ClientRejected),
            (
                "554 resimta-po-01v.sys.comcast.net comcast 203.0.113.5 found on one or more DNSBLs, see BL000010",
                ClientRejected,
            ),
            ("554 5.7.1 Mail refused: see BL000004 in the postmaster pages", ClientRejected),
            (
                "421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user complaints",
                ClientRejected,
            ),
            ("550 5.7.1 Connections from 203.0.113.5 are not welcome here", ClientRejected),
            ("550 5.7.1 Mail from [IPv6:2001:db8::5] refused", RefusedUnstated),
            // Another address, or the client's address inside a longer number, is not mxray's.
            ("550 5.7.1 Connections from 203.0.113.50 are not welcome here", RefusedUnstated),
            ("550 5.7.1 Mail from 1203.0.113.5 refused", RefusedUnstated),
            ("451 4.3.0 Temporary lookup failure", Temporary),
            ("550 Go away", RefusedUnstated),
            // Codes RCPT does not allow.
            ("220 mx.example.com ESMTP", ProtocolError),
            ("354 End data with <CR><LF>.<CR><LF>", ProtocolError),
        ];
        for (line, want) in cases {
            assert_eq!(rcpt(line), *want, "{line}");
        }
    }

    #[test]
    fn the_client_address_is_found_in_any_spelling() {
        let v6: IpAddr = "2001:db8::5".parse().unwrap();
        let mapped: IpAddr = "::ffff:203.0.113.5".parse().unwrap();
        for (text, ip, want) in [
            ("mail from [ipv6:2001:db8::5] refused", v6, true),
            ("client 2001:0db8:0000:0000:0000:0000:0000:0005 listed", v6, true),
            ("client 2001:db8::50 listed", v6, false),
            ("messages from 203.0.113.5.", mapped, true),
            ("ip=203.0.113.5&x=1", "203.0.113.5".parse().unwrap(), true),
            ("203.0.113.55", "203.0.113.5".parse().unwrap(), false),
            ("", v6, false),
        ] {
            assert_eq!(names_address(text, ip), want, "{text} / {ip}");
        }
        // Without a known client address only the wording counts.
        let r = reply("550 5.7.1 Connections from 203.0.113.5 are not welcome here");
        assert_eq!(classify(&r, RelayStage::Rcpt, None), RefusedUnstated);
    }

    #[test]
    fn mail_from_replies() {
        let cases: &[(&str, RelayReason)] = &[
            ("250 2.1.0 Ok", Accepted),
            ("251 2.1.0 Ok", ProtocolError),
            ("550 5.1.8 Sender domain must resolve", SenderRejected),
            ("553 5.1.7 Bad sender address syntax", SenderRejected),
            ("501 5.5.4 Syntax error", SenderRejected),
            ("530 5.7.0 Must issue a STARTTLS command first", TlsRequired),
            ("530 5.7.0 Authentication required", RelayDenied),
            ("554 5.7.1 Client host [192.0.2.1] blocked using b.barracudacentral.org", ClientRejected),
            ("550 5.7.1 Your IP 203.0.113.5 is on our list", ClientRejected),
            ("452 4.3.1 Insufficient system storage", Temporary),
            ("421 4.7.0 mx.example.com closing connection", ServerClosing),
            ("250 2.0.0 Ok: queued", Accepted),
        ];
        for (line, want) in cases {
            let client = Some(CLIENT_IP.parse().unwrap());
            assert_eq!(classify(&reply(line), RelayStage::Mail, client), *want, "{line}");
        }
    }

    #[test]
    fn the_probe_addresses_do_not_count_as_wording() {
        // "relay-probe" and "relay-test" sit inside angle brackets; only the rest counts.
        let r = reply("550 <relay-test@example.net>... <relay-probe@mxray.invalid> no");
        assert_eq!(classify(&r, RelayStage::Rcpt, None), RefusedUnstated);
    }

    #[test]
    fn refusals_that_name_the_tester() {
        let cases: &[(&str, Option<RelayReason>)] = &[
            (
                "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
                Some(ClientRejected),
            ),
            ("550 5.7.25 The sending IP has no PTR", Some(ClientRejected)),
            ("550 5.7.1 <mxray.invalid>: Helo command rejected: Host not found", Some(HeloRejected)),
            ("550 5.7.606 Access denied, banned sending IP [203.0.113.5]", Some(ClientRejected)),
            ("554 Blocked - see https://ipcheck.proofpoint.com/?ip=203.0.113.5", Some(ClientRejected)),
            ("421 4.7.0 [TSS04] Messages from 203.0.113.5 temporarily deferred", Some(ClientRejected)),
            ("554 mx.example.com says go away, 203.0.113.5", Some(ClientRejected)),
            ("554 5.3.2 mx.example.com Service currently unavailable", None),
            ("421 4.3.2 Service not available, closing channel", None),
            ("220 mx.example.com ESMTP", None),
            ("220 mx.example.com ESMTP ready for 203.0.113.5", None),
        ];
        for (line, want) in cases {
            assert_eq!(refuses_the_tester(&reply(line), Some(CLIENT_IP.parse().unwrap())), *want, "{line}");
        }
    }

    #[test]
    fn only_a_postscreen_like_temporary_refusal_brings_mxray_back() {
        let report = |outcome, reason, rcpt: &str| RelayReport {
            outcome,
            mail_from: Some("250 2.1.0 Ok".into()),
            rcpt_to: (!rcpt.is_empty()).then(|| rcpt.to_owned()),
            sender: String::new(),
            recipient: String::new(),
            over_tls: false,
            reason: Some(reason),
            attempts: Vec::new(),
            bypass: Vec::new(),
            local_sender: None,
            revisit: None,
        };
        let postscreen = "450 4.3.2 Service currently unavailable";
        let cases: &[(RelayOutcome, RelayReason, &str, bool, Option<RevisitReason>)] = &[
            (RelayOutcome::Inconclusive, Temporary, postscreen, false, Some(RevisitReason::PostscreenReply)),
            (RelayOutcome::Inconclusive, Temporary, postscreen, true, Some(RevisitReason::PostscreenReply)),
            (
                RelayOutcome::Inconclusive,
                Temporary,
                "451 4.3.0 Temporary lookup failure",
                true,
                Some(RevisitReason::MultiLineGreeting),
            ),
            (RelayOutcome::Inconclusive, Temporary, "451 4.3.0 Temporary lookup failure", false, None),
            // Greylisting waits minutes; 421 closes; a refusal at MAIL never reached RCPT.
            (
                RelayOutcome::Inconclusive,
                Greylisted,
                "450 4.2.0 <a@b>: Recipient address rejected: Greylisted",
                true,
                None,
            ),
            (RelayOutcome::Inconclusive, Temporary, "421 4.3.2 Service currently unavailable", true, None),
            (RelayOutcome::Inconclusive, Temporary, "", true, None),
            (RelayOutcome::Inconclusive, SenderRejected, "450 4.1.8 <a@b>: Sender address rejected", true, None),
            // A verdict needs no second look.
            (RelayOutcome::Refused, RelayDenied, "454 4.7.1 <a@b>: Relay access denied", true, None),
            (RelayOutcome::Accepted, Accepted, "250 2.1.5 Ok", true, None),
            // The wording with another enhanced code is not postscreen's.
            (RelayOutcome::Inconclusive, Temporary, "450 4.7.1 Service currently unavailable", false, None),
        ];
        for (outcome, reason, rcpt, multiline, want) in cases {
            assert_eq!(postscreen_like(&report(*outcome, *reason, rcpt), *multiline), *want, "{rcpt} {multiline}");
        }
    }

    #[test]
    fn enhanced_codes_must_match_the_reply_class() {
        assert_eq!(enhanced_code(&reply("554 5.7.1 Relay access denied")), Some((5, 7, 1)));
        assert_eq!(enhanced_code(&reply("454 5.7.1 mismatched class")), None);
        assert_eq!(enhanced_code(&reply("550 relay not permitted")), None);
        assert_eq!(enhanced_code(&reply("550 5.7.1.2 four parts")), None);
    }
}
