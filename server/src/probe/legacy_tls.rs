//! Legacy TLS acceptance: rustls (the main handshake) speaks only TLS 1.2 and 1.3, so whether a
//! server still takes TLS 1.0/1.1 needs one extra, short connection per address that offers
//! STARTTLS: greeting, EHLO, STARTTLS, then a hand-built ClientHello offering at most TLS 1.1 with
//! a broad list of old suites (CBC, RSA key exchange, 3DES, RC4), and the server's first answer —
//! ServerHello or alert — read with tls-parser. The connection then closes; no handshake finishes.
//!
//! One connection shows one version: a ServerHello names the highest legacy version the server
//! accepts (the lower one stays "not tested" when it picked TLS 1.1).

use mxray_report::model::depth::{LegacyAnswer, LegacyOutcome, LegacyTlsProbe};
use mxray_report::model::report::StartTlsOutcome;
use mxray_report::StepResult;
use tls_parser::{parse_tls_message_handshake, TlsMessage, TlsMessageHandshake, TlsVersion};

use super::extra::{self, NotTested};
use super::fanout::Fanout;
use super::hello::{self, Alert, HelloSpec};
use super::net::Connector;
use super::session::{AddressProbe, Target};
use super::transcript::Transcript;

/// Suites offered, strongest first: ECDHE/DHE and plain RSA key exchange with AES-CBC, Camellia,
/// 3DES and RC4, then the renegotiation SCSV (RFC 5746). Never TLS_FALLBACK_SCSV: a server that
/// speaks TLS 1.2 would answer it with inappropriate_fallback instead of showing what it accepts.
const SUITES: [u16; 17] = [
    0xc00a, 0xc014, 0xc009, 0xc013, // ECDHE-ECDSA/RSA with AES-256/128-CBC-SHA
    0x0039, 0x0033, // DHE-RSA with AES-256/128-CBC-SHA
    0x0035, 0x002f, // RSA with AES-256/128-CBC-SHA
    0x0084, 0x0041, // RSA with Camellia-256/128-CBC-SHA
    0xc012, 0x0016, 0x000a, // 3DES-EDE-CBC-SHA with ECDHE-RSA, DHE-RSA, RSA
    0xc011, 0x0005, 0x0004, // RC4: ECDHE-RSA-RC4-SHA, RC4-SHA, RC4-MD5
    0x00ff, // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
];
/// Named groups for the ECDHE suites: x25519, secp256r1, secp384r1, secp521r1.
const GROUPS: [u16; 4] = [0x001d, 0x0017, 0x0018, 0x0019];
/// Records read before giving up (warning alerts may come first; a ServerHello may span records).
const MAX_RECORDS: usize = 4;

/// Runs the legacy probe after the main session, in its connection slot, when STARTTLS got as
/// far as a handshake there. The extra connection is counted in `probe.connections` and its lines
/// are marked in the transcript.
pub async fn run<C: Connector>(probe: &mut AddressProbe<'_, C>) {
    if !reached_tls(probe.sink) {
        return;
    }
    probe.settle().await;
    let mut connected = false;
    let result = attempt(&probe.target, &mut probe.transcript, &mut connected).await;
    probe.connections = probe.connections.saturating_add(u8::from(connected));
    probe.sink.step(StepResult::LegacyTls(result)).await;
}

/// Reports the result of a probe that ran beside the session when the session's STARTTLS reached
/// a handshake. Otherwise the result says nothing (the probe started before the session knew),
/// so it is only noted.
pub async fn report<C: Connector>(probe: &mut AddressProbe<'_, C>, result: LegacyTlsProbe) {
    if reached_tls(probe.sink) {
        probe.sink.step(StepResult::LegacyTls(result)).await;
    } else {
        probe.transcript.event("legacy TLS probe not reported: the session's STARTTLS did not reach a handshake");
    }
}

/// The session's STARTTLS reached a TLS handshake (whatever its outcome), so legacy versions
/// are worth asking about.
pub(super) fn reached_tls(sink: &Fanout) -> bool {
    sink.starttls().is_some_and(|s| {
        matches!(s.outcome, StartTlsOutcome::Ok | StartTlsOutcome::HandshakeFailed) && !s.pipelined_plaintext
    })
}

/// Nothing learned, in mxray's terms.
fn not_tested(answer: LegacyAnswer) -> LegacyTlsProbe {
    from_not_tested(answer.into())
}

/// Nothing learned, with the operating system's message beside mxray's terms.
fn from_not_tested(n: NotTested) -> LegacyTlsProbe {
    LegacyTlsProbe {
        outcome: LegacyOutcome::NotTested,
        version: None,
        cipher: None,
        detail: n.detail,
        answer: Some(n.answer),
    }
}

/// The legacy hello: at most TLS 1.1, the broad list of old suites, no signature_algorithms (a
/// TLS 1.1 extension does not exist), no compression.
const LEGACY: HelloSpec<'static> =
    HelloSpec { version: TlsVersion::Tls11, suites: &SUITES, groups: &GROUPS, signatures: &[], compression: &[0] };

/// One short connection: connect, greeting, EHLO, STARTTLS, ClientHello, answer; its lines go
/// into `t`, marked, and `connected` turns true once the connection is open (so it is counted even
/// when a deadline cuts the probe short).
pub async fn attempt<C: Connector>(target: &Target<'_, C>, t: &mut Transcript, connected: &mut bool) -> LegacyTlsProbe {
    t.event("legacy TLS probe: one extra connection, ClientHello of at most TLS 1.1");
    let result = dialogue(target, t, connected).await.unwrap_or_else(from_not_tested);
    t.event(&format!("legacy TLS probe: {}; connection closed", transcript_words(&result)));
    result
}

async fn dialogue<C: Connector>(
    target: &Target<'_, C>,
    t: &mut Transcript,
    connected: &mut bool,
) -> Result<LegacyTlsProbe, NotTested> {
    let mut stream = extra::starttls(target, t, connected, "legacy TLS probe").await?;
    let random = extra::random(target)?;
    let hello = client_hello(target.host, &random).ok_or(NotTested::from(LegacyAnswer::HelloNotBuilt))?;
    t.event(&format!(
        "legacy TLS probe: ClientHello sent (at most TLS 1.1, {} suites, SNI {})",
        SUITES.len(),
        target.host
    ));
    let limit = target.config.step_timeout;
    extra::send(&mut stream, &hello, limit).await?;
    let mut handshake = Vec::new();
    extra::read_records(&mut stream, limit, MAX_RECORDS, |kind, body| {
        let step = if kind == 21 { alert(body) } else { self::hello(&mut handshake, body) };
        step.map(Ok)
    })
    .await
}

/// A TLS record holding a ClientHello with `legacy_version` TLS 1.1, no supported_versions
/// extension (so TLS 1.2/1.3 cannot be chosen), SNI `host` and the groups and point formats the
/// ECDHE suites need.
pub fn client_hello(host: &str, random: &[u8; 32]) -> Option<Vec<u8>> {
    hello::client_hello(&LEGACY, host, random)
}

/// An alert record: the answer, or `None` for a warning to read past.
pub fn alert(body: &[u8]) -> Option<LegacyTlsProbe> {
    Some(match hello::alert(body) {
        Alert::Warning => return None,
        // "Not with these versions and suites": a refusal of TLS 1.0/1.1 as offered.
        Alert::Refusal(name) => {
            let answer = Some(LegacyAnswer::Alert { name });
            LegacyTlsProbe {
                outcome: LegacyOutcome::Refused,
                version: None,
                cipher: None,
                detail: String::new(),
                answer,
            }
        }
        Alert::Other(name) => not_tested(LegacyAnswer::OtherAlert { name }),
        Alert::Unreadable => not_tested(LegacyAnswer::UnreadableAlert { bytes: hello::hex(body) }),
    })
}

/// A handshake record: the answer once the first handshake message is complete, else `None`.
pub fn hello(handshake: &mut Vec<u8>, body: &[u8]) -> Option<LegacyTlsProbe> {
    handshake.extend_from_slice(body);
    let message = match parse_tls_message_handshake(handshake) {
        Err(tls_parser::Err::Incomplete(_)) => return None,
        Err(_) => {
            return Some(not_tested(LegacyAnswer::UnreadableHandshake {
                bytes: hello::hex(&handshake[..4.min(handshake.len())]),
            }))
        }
        Ok((_, message)) => message,
    };
    let TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)) = message else {
        return Some(not_tested(LegacyAnswer::NotServerHello));
    };
    if !matches!(sh.version, TlsVersion::Tls11 | TlsVersion::Tls10 | TlsVersion::Ssl30) {
        return Some(not_tested(LegacyAnswer::VersionNotOffered { version: hello::version_name(sh.version) }));
    }
    let (version, cipher) = (hello::version_name(sh.version), hello::suite_name(sh.cipher.0));
    Some(LegacyTlsProbe {
        outcome: LegacyOutcome::Accepted,
        version: Some(version.clone()),
        detail: String::new(),
        answer: Some(LegacyAnswer::ServerHello { version, cipher: cipher.clone() }),
        cipher: Some(cipher),
    })
}

/// The result for the transcript, in English (the transcript is the engine's log).
fn transcript_words(result: &LegacyTlsProbe) -> String {
    let words = result.answer.as_ref().map(|a| a.text(mxray_report::Lang::En)).unwrap_or_default();
    match result.detail.as_str() {
        "" => words,
        detail => format!("{words} ({detail})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxray_report::model::depth::TLS10;
    use tls_parser::{parse_tls_plaintext, TlsCipherSuiteID};

    #[test]
    fn the_client_hello_offers_tls_1_1_at_most_with_sni() {
        let bytes = client_hello("mx.example.com.", &[7; 32]).unwrap();
        let (rest, record) = parse_tls_plaintext(&bytes).expect("a TLS record");
        assert!(rest.is_empty());
        let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch)) = &record.msg[0] else { panic!() };
        assert_eq!(ch.version, TlsVersion::Tls11);
        assert!(ch.ciphers.contains(&TlsCipherSuiteID(0x002f)), "plain RSA AES-CBC is offered");
        assert!(!ch.ciphers.contains(&TlsCipherSuiteID(0x5600)), "no fallback SCSV");
        let (_, extensions) = tls_parser::parse_tls_client_hello_extensions(ch.ext.unwrap()).unwrap();
        assert!(extensions
            .contains(&tls_parser::TlsExtension::SNI(vec![(tls_parser::SNIType::HostName, b"mx.example.com")])));
        assert!(!extensions.iter().any(|e| matches!(e, tls_parser::TlsExtension::SupportedVersions(_))));
    }

    #[test]
    fn answers_are_read_as_they_come() {
        assert_eq!(alert(&[2, 70]).unwrap().outcome, LegacyOutcome::Refused);
        let name = "protocol_version".to_owned();
        assert_eq!(alert(&[2, 70]).unwrap().answer, Some(LegacyAnswer::Alert { name }));
        assert_eq!(alert(&[2, 40]).unwrap().outcome, LegacyOutcome::Refused);
        assert_eq!(alert(&[2, 80]).unwrap().outcome, LegacyOutcome::NotTested, "internal_error says nothing");
        assert!(alert(&[1, 112]).is_none(), "a warning is read past");
        // ServerHello, TLS 1.0, session id empty, TLS_RSA_WITH_AES_128_CBC_SHA, no compression.
        let mut sh = vec![2, 0, 0, 38, 3, 1];
        sh.extend([0u8; 32]);
        sh.extend([0, 0x00, 0x2f, 0]);
        let mut buffer = Vec::new();
        assert!(hello(&mut buffer, &sh[..10]).is_none(), "half a ServerHello waits for the next record");
        let answer = hello(&mut buffer, &sh[10..]).unwrap();
        assert_eq!((answer.outcome, answer.version.as_deref()), (LegacyOutcome::Accepted, Some(TLS10)));
        assert_eq!(answer.cipher.as_deref(), Some("TLS_RSA_WITH_AES_128_CBC_SHA"));
        sh[5] = 3;
        assert_eq!(hello(&mut Vec::new(), &sh).unwrap().outcome, LegacyOutcome::NotTested, "TLS 1.2 to a 1.1 hello");
    }
}
