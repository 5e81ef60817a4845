//! Legacy TLS acceptance: rustls (the main handshake) speaks only TLS 1.2 and 1.3, so whether a
//! server still takes TLS 1.0/1.1 needs one extra, short connection per address that offers
//! STARTTLS: greeting, EHLO, STARTTLS, then a hand-built ClientHello offering at most TLS 1.1 with
//! a broad list of old suites (CBC, RSA key exchange, 3DES, RC4), and the server's first answer —
//! ServerHello or alert — read with tls-parser. The connection then closes; no handshake finishes.
//!
//! One connection shows one version: a ServerHello names the highest legacy version the server
//! accepts (the lower one stays "not tested" when it picked TLS 1.1).

use mxray_report::model::depth::{LegacyAnswer, LegacyOutcome, LegacyTlsProbe, SSL3, TLS10, TLS11, TLS12, TLS13};
use mxray_report::model::report::ConnectFailure;
use mxray_report::model::report::StartTlsOutcome;
use mxray_report::StepResult;
use std::net::SocketAddr;
use std::time::Duration;
use tls_parser::{
    parse_tls_message_alert, parse_tls_message_handshake, Serialize, TlsAlertDescription, TlsAlertSeverity,
    TlsCipherSuite, TlsCipherSuiteID, TlsClientHelloContents, TlsCompressionID, TlsMessage, TlsMessageHandshake,
    TlsPlaintext, TlsRecordHeader, TlsRecordType, TlsVersion, MAX_RECORD_LEN,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::connection::SmtpConnection;
use super::fanout::Fanout;
use super::net::Connector;
use super::session::{connect_failed, read_failure, AddressProbe, Target};
use super::transcript::Transcript;
use super::wire::parse_ehlo;

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
fn reached_tls(sink: &Fanout) -> bool {
    sink.starttls().is_some_and(|s| {
        matches!(s.outcome, StartTlsOutcome::Ok | StartTlsOutcome::HandshakeFailed) && !s.pipelined_plaintext
    })
}

/// Nothing learned, in mxray's terms.
fn not_tested(answer: LegacyAnswer) -> LegacyTlsProbe {
    not_tested_with(answer, String::new())
}

/// Nothing learned, with the operating system's message beside mxray's terms.
fn not_tested_with(answer: LegacyAnswer, detail: String) -> LegacyTlsProbe {
    LegacyTlsProbe { outcome: LegacyOutcome::NotTested, version: None, cipher: None, detail, answer: Some(answer) }
}

/// A wait in whole seconds, rounded up.
fn secs(limit: Duration) -> u64 {
    u64::try_from(limit.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
}

/// One short connection: connect, greeting, EHLO, STARTTLS, ClientHello, answer; its lines go
/// into `t`, marked, and `connected` turns true once the connection is open (so it is counted even
/// when a deadline cuts the probe short).
pub async fn attempt<C: Connector>(target: &Target<'_, C>, t: &mut Transcript, connected: &mut bool) -> LegacyTlsProbe {
    t.event("legacy TLS probe: one extra connection, ClientHello of at most TLS 1.1");
    let result = dialogue(target, t, connected).await;
    t.event(&format!("legacy TLS probe: {}; connection closed", transcript_words(&result)));
    result
}

async fn dialogue<C: Connector>(target: &Target<'_, C>, t: &mut Transcript, connected: &mut bool) -> LegacyTlsProbe {
    let limit = target.config.step_timeout;
    let addr = SocketAddr::new(target.ip, target.config.port);
    t.event(&format!("legacy TLS probe: connecting to {addr}"));
    let stream = match tokio::time::timeout(limit, target.connector.connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            let (_, failure, detail) = connect_failed(&e);
            return not_tested_with(LegacyAnswer::ConnectFailed { failure }, detail.unwrap_or_default());
        }
        Err(_) => {
            let failure = Some(ConnectFailure::NoAnswer { secs: secs(limit) });
            return not_tested(LegacyAnswer::ConnectFailed { failure });
        }
    };
    *connected = true;
    let mut conn = SmtpConnection::new(stream, limit);
    let refused = |step: &str, reply: String| not_tested(LegacyAnswer::Refused { step: step.to_owned(), reply });
    let no_reply =
        |step: &str, e| not_tested(LegacyAnswer::NoReply { step: step.to_owned(), failure: read_failure(&e) });
    match conn.read_reply_within(target.config.greeting_timeout, t).await {
        Ok(r) if r.code == 220 => {}
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return refused("greeting", r.summary());
        }
        Err(e) => return no_reply("greeting", e),
    }
    match conn.command(&format!("EHLO {}", target.config.helo_name), t).await {
        Ok(r) if r.code == 250 && parse_ehlo(&r).1.iter().any(|e| e.keyword == "STARTTLS") => {}
        Ok(r) if r.code == 250 => {
            let _ = conn.send("QUIT", t).await;
            return not_tested(LegacyAnswer::NoStarttls { reply: r.summary() });
        }
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return refused("EHLO", r.summary());
        }
        Err(e) => return no_reply("EHLO", e),
    }
    match conn.command("STARTTLS", t).await {
        Ok(r) if r.code == 220 => {}
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return refused("STARTTLS", r.summary());
        }
        Err(e) => return no_reply("STARTTLS", e),
    }
    let (mut stream, early) = conn.into_stream();
    if early > 0 {
        return not_tested(LegacyAnswer::EarlyData { bytes: u64::try_from(early).unwrap_or(u64::MAX) });
    }
    let mut random = [0u8; 32];
    if target.tls.provider.secure_random.fill(&mut random).is_err() {
        return not_tested(LegacyAnswer::NoRandom);
    }
    let Some(hello) = client_hello(target.host, &random) else {
        return not_tested(LegacyAnswer::HelloNotBuilt);
    };
    t.event(&format!(
        "legacy TLS probe: ClientHello sent (at most TLS 1.1, {} suites, SNI {})",
        SUITES.len(),
        target.host
    ));
    match tokio::time::timeout(limit, stream.write_all(&hello)).await {
        Ok(Ok(())) => read_answer(&mut stream, limit).await,
        Ok(Err(e)) => not_tested_with(LegacyAnswer::SendFailed, e.to_string()),
        Err(_) => not_tested(LegacyAnswer::SendTimeout { secs: secs(limit) }),
    }
}

/// A TLS record holding a ClientHello with `legacy_version` TLS 1.1, no supported_versions
/// extension (so TLS 1.2/1.3 cannot be chosen), SNI `host` and the groups and point formats the
/// ECDHE suites need. tls-parser frames the record and the message; its serializer writes only a
/// few extension types and needs cookie-factory to drive them, so the extensions are written here.
pub fn client_hello(host: &str, random: &[u8; 32]) -> Option<Vec<u8>> {
    let name = host.trim_end_matches('.').as_bytes();
    let mut ext = Vec::new();
    let sni_entry = [&[0u8][..], &u16_be(name.len())?, name].concat();
    push_extension(&mut ext, 0x0000, &[&u16_be(sni_entry.len())?[..], &sni_entry].concat())?;
    let groups: Vec<u8> = GROUPS.iter().flat_map(|g| g.to_be_bytes()).collect();
    push_extension(&mut ext, 0x000a, &[&u16_be(groups.len())?[..], &groups].concat())?;
    push_extension(&mut ext, 0x000b, &[1, 0])?; // ec_point_formats: uncompressed
    let contents = TlsClientHelloContents::new(
        TlsVersion::Tls11.0,
        random,
        None,
        SUITES.iter().map(|s| TlsCipherSuiteID(*s)).collect(),
        vec![TlsCompressionID(0)],
        Some(&ext),
    );
    let record = TlsPlaintext {
        // The record layer says TLS 1.0, as clients do for their first flight.
        hdr: TlsRecordHeader { record_type: TlsRecordType::Handshake, version: TlsVersion::Tls10, len: 0 },
        msg: vec![TlsMessage::Handshake(TlsMessageHandshake::ClientHello(contents))],
    };
    record.serialize().ok()
}

fn u16_be(n: usize) -> Option<[u8; 2]> {
    u16::try_from(n).ok().map(u16::to_be_bytes)
}

fn push_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) -> Option<()> {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&u16_be(data.len())?);
    out.extend_from_slice(data);
    Some(())
}

/// Reads records until the answer is clear, at most [`MAX_RECORDS`] records within `limit`.
async fn read_answer<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, limit: Duration) -> LegacyTlsProbe {
    let work = async {
        let mut handshake = Vec::new();
        for _ in 0..MAX_RECORDS {
            let mut header = [0u8; 5];
            if let Err(e) = stream.read_exact(&mut header).await {
                return match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => not_tested(LegacyAnswer::Closed),
                    _ => not_tested_with(LegacyAnswer::ReadFailed, e.to_string()),
                };
            }
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            if !matches!(header[0], 21 | 22) || header[1] != 3 || len > usize::from(MAX_RECORD_LEN) {
                return not_tested(LegacyAnswer::NotTls { bytes: hex(&header) });
            }
            let mut body = vec![0u8; len];
            if let Err(e) = stream.read_exact(&mut body).await {
                return not_tested_with(LegacyAnswer::BrokeOff, e.to_string());
            }
            let step = if header[0] == 21 { alert(&body) } else { hello(&mut handshake, &body) };
            if let Some(answer) = step {
                return answer;
            }
        }
        not_tested(LegacyAnswer::NoVerdict { records: MAX_RECORDS as u64 })
    };
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| not_tested(LegacyAnswer::Timeout { secs: secs(limit) }))
}

/// An alert record: the answer, or `None` for a warning to read past.
pub fn alert(body: &[u8]) -> Option<LegacyTlsProbe> {
    let Ok((_, TlsMessage::Alert(a))) = parse_tls_message_alert(body) else {
        return Some(not_tested(LegacyAnswer::UnreadableAlert { bytes: hex(body) }));
    };
    let name = alert_name(a.code);
    if a.severity == TlsAlertSeverity::Warning && a.code != TlsAlertDescription::CloseNotify {
        return None;
    }
    // These three say "not with these versions and suites": a refusal of TLS 1.0/1.1 as offered.
    let refusal = [
        TlsAlertDescription::ProtocolVersion,
        TlsAlertDescription::HandshakeFailure,
        TlsAlertDescription::InsufficientSecurity,
    ];
    Some(if refusal.contains(&a.code) {
        let answer = Some(LegacyAnswer::Alert { name });
        LegacyTlsProbe { outcome: LegacyOutcome::Refused, version: None, cipher: None, detail: String::new(), answer }
    } else {
        not_tested(LegacyAnswer::OtherAlert { name })
    })
}

/// A handshake record: the answer once the first handshake message is complete, else `None`.
pub fn hello(handshake: &mut Vec<u8>, body: &[u8]) -> Option<LegacyTlsProbe> {
    handshake.extend_from_slice(body);
    let message = match parse_tls_message_handshake(handshake) {
        Err(tls_parser::Err::Incomplete(_)) => return None,
        Err(_) => {
            return Some(not_tested(LegacyAnswer::UnreadableHandshake {
                bytes: hex(&handshake[..4.min(handshake.len())]),
            }))
        }
        Ok((_, message)) => message,
    };
    let TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)) = message else {
        return Some(not_tested(LegacyAnswer::NotServerHello));
    };
    let version = match sh.version {
        TlsVersion::Tls11 => TLS11,
        TlsVersion::Tls10 => TLS10,
        TlsVersion::Ssl30 => SSL3,
        other => {
            let version = match other {
                TlsVersion::Tls12 => TLS12.to_owned(),
                TlsVersion::Tls13 => TLS13.to_owned(),
                TlsVersion(code) => format!("0x{code:04x}"),
            };
            return Some(not_tested(LegacyAnswer::VersionNotOffered { version }));
        }
    };
    let cipher =
        TlsCipherSuite::from_id(sh.cipher.0).map_or_else(|| format!("0x{:04x}", sh.cipher.0), |c| c.name.to_owned());
    Some(LegacyTlsProbe {
        outcome: LegacyOutcome::Accepted,
        version: Some(version.to_owned()),
        detail: String::new(),
        answer: Some(LegacyAnswer::ServerHello { version: version.to_owned(), cipher: cipher.clone() }),
        cipher: Some(cipher),
    })
}

/// The alert's RFC name, e.g. `protocol_version` (tls-parser writes `ProtocolVersion`).
fn alert_name(code: TlsAlertDescription) -> String {
    let mut name = String::new();
    for c in code.to_string().chars() {
        if c.is_ascii_uppercase() && !name.is_empty() {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// The result for the transcript, in English (the transcript is the engine's log).
fn transcript_words(result: &LegacyTlsProbe) -> String {
    let words = result.answer.as_ref().map(|a| a.text(mxray_report::Lang::En)).unwrap_or_default();
    match result.detail.as_str() {
        "" => words,
        detail => format!("{words} ({detail})"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tls_parser::parse_tls_plaintext;

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
