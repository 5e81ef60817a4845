//! TLS quality after the NCSC guidelines, in two extra, short connections per address that offers
//! STARTTLS (with the legacy TLS probe's one, three at most), each a hand-built TLS 1.2 ClientHello
//! read up to ServerHelloDone and closed without finishing a handshake:
//!
//! 1. **Ordinary** (OpenSSL-like: ECDHE, DHE and RSA key exchange with GCM and CBC), phase-out
//!    suites first and good ones last. Its ServerHello tells at once whether ordinary senders get
//!    TLS when rustls found no suite in common (a), whether the server keeps its own order (c), and
//!    with the Certificate and ServerKeyExchange the key exchange (d), renegotiation_info and the
//!    compression chosen from `[DEFLATE, none]` (e).
//! 2. **Weak**: insufficient suites (RC4, 3DES, DES, NULL, EXPORT, anonymous) first, then phase-out
//!    ones (b). Its ClientHello waits for the ordinary hello's answer (at most one round trip: both
//!    connections have done greeting, EHLO and STARTTLS by then): when the ordinary hello got a
//!    non-good suite, the good suites go in place of the phase-out ones, so the answer also shows
//!    whether the server had a choice between classes (internet.nl #1734: order is judged only
//!    then).
//!
//! Both start beside the session once its first EHLO offered STARTTLS, when two connection slots
//! are free at once (one: one after the other beside it; none: after the session, in its slot),
//! like the legacy probe; a server that allows one connection per client has had its session
//! first. A `421`, a refused connection or a close on these connections is "not tested, because
//! …", never a TLS result. The engine judges nothing: `mxray_report::checks::tls_quality` grades.

use mxray_report::checks::tls_quality::class_of;
use mxray_report::model::depth::LegacyAnswer;
use mxray_report::model::quality::{
    CertificateKey, Class, HelloAnswer, HelloOutcome, KeyExchange, Offer, TlsQualityProbe, Untested,
};
use mxray_report::StepResult;
use std::future::Future;
use tls_parser::TlsVersion;

use super::extra::{self, NotTested};
use super::hello::{self, Alert, HelloSpec, KxParams};
use super::net::Connector;
use super::session::{AddressProbe, Target};
use super::transcript::Transcript;

/// Phase-out suites (RSA key exchange, CBC), in the order the ordinary hello offers them first.
pub const PHASE_OUT: [u16; 16] = [
    0x002f, 0x0035, 0x003c, 0x003d, // RSA with AES-CBC
    0x009c, 0x009d, // RSA with AES-GCM
    0xc013, 0xc014, 0xc027, 0xc028, // ECDHE-RSA with AES-CBC
    0xc009, 0xc00a, 0xc023, 0xc024, // ECDHE-ECDSA with AES-CBC
    0x0033, 0x0039, // DHE-RSA with AES-CBC
];
/// Sufficient suites (DHE with an AEAD cipher).
pub const SUFFICIENT: [u16; 3] = [0x009e, 0x009f, 0xccaa];
/// Good suites (ECDHE with an AEAD cipher), offered last.
pub const GOOD: [u16; 6] = [0xc02f, 0xc030, 0xcca8, 0xc02b, 0xc02c, 0xcca9];
/// Insufficient suites: RC4, 3DES, DES, EXPORT, anonymous and NULL.
pub const INSUFFICIENT: [u16; 22] = [
    0xc011, 0xc007, 0x0005, 0x0004, // RC4
    0xc012, 0xc008, 0x0016, 0x000a, // 3DES
    0x0009, 0x0015, // DES
    0x0003, 0x0008, 0x0014, // EXPORT
    0x0034, 0x003a, 0x00a6, 0xc018, 0xc019, 0x001b, // anonymous
    0x0002, 0x0001, 0xc010, // NULL
];
/// The renegotiation SCSV (RFC 5746), always last: a server that knows it answers with the
/// renegotiation_info extension.
const SCSV: u16 = 0x00ff;
/// Groups: the ECDHE curves senders offer. No RFC 7919 finite-field groups: a server that knows
/// them would answer with ffdhe2048 and hide the DH parameters it gives every sender that does not
/// name them (OpenSSL before 3.0, Exchange).
const GROUPS: [u16; 4] = [0x001d, 0x0017, 0x0018, 0x0019];
/// Signature schemes, SHA-1 last (so a server that picks it had better ones on offer).
const SIGNATURES: [u16; 11] = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];
/// Compression methods: DEFLATE first, so a server that compresses shows it.
const COMPRESSION: [u8; 2] = [1, 0];
/// Records read before giving up: ServerHello, Certificate, ServerKeyExchange and ServerHelloDone,
/// possibly split, behind warnings.
const MAX_RECORDS: usize = 12;

/// The suites of an offer, in order, the SCSV last.
pub fn suites(offer: Offer) -> Vec<u16> {
    let lists: [&[u16]; 3] = match offer {
        Offer::Ordinary => [&PHASE_OUT, &SUFFICIENT, &GOOD],
        Offer::Weak => [&INSUFFICIENT, &PHASE_OUT, &[]],
        Offer::InsufficientThenGood => [&INSUFFICIENT, &GOOD, &[]],
    };
    lists.concat().into_iter().chain([SCSV]).collect()
}

/// The weak hello's list, chosen from the ordinary hello's answer: good suites instead of
/// phase-out ones when the server chose a non-good suite (to learn whether it had a choice).
pub fn weak_offer(ordinary: &HelloAnswer) -> Offer {
    let chose = ordinary.suite.as_deref().filter(|_| ordinary.outcome == HelloOutcome::Chosen);
    match chose.and_then(class_of) {
        Some(class) if class != Class::Good => Offer::InsufficientThenGood,
        _ => Offer::Weak,
    }
}

/// Runs after the session, in its slot, the two hellos one after the other (no second slot was
/// free beside it); reported only when the session's STARTTLS reached a handshake.
pub async fn run<C: Connector>(probe: &mut AddressProbe<'_, C>) {
    if !super::legacy_tls::reached_tls(probe.sink) {
        return;
    }
    probe.settle().await;
    let mut connected = [false; 2];
    let [first, second] = &mut connected;
    let result = in_turn(&probe.target, &mut probe.transcript, [first, second]).await;
    probe.connections = probe.connections.saturating_add(connected.iter().map(|c| u8::from(*c)).sum::<u8>());
    probe.sink.step(StepResult::TlsQuality(result)).await;
}

/// Reports the result of hellos that ran beside the session, when its STARTTLS reached a
/// handshake (else it is only noted, as the legacy probe's).
pub async fn report<C: Connector>(probe: &mut AddressProbe<'_, C>, result: TlsQualityProbe) {
    if super::legacy_tls::reached_tls(probe.sink) {
        probe.sink.step(StepResult::TlsQuality(result)).await;
    } else {
        probe.transcript.event("TLS quality probe not reported: the session's STARTTLS did not reach a handshake");
    }
}

/// Reports that the deadline ran out before the hellos were answered, when the session's STARTTLS
/// reached a handshake.
pub async fn deadline<C: Connector>(probe: &mut AddressProbe<'_, C>) {
    if super::legacy_tls::reached_tls(probe.sink) {
        let cut = |offer| untested(offer, Untested::Deadline, String::new());
        probe
            .sink
            .step(StepResult::TlsQuality(TlsQualityProbe { ordinary: cut(Offer::Ordinary), weak: cut(Offer::Weak) }))
            .await;
    }
}

/// Both hellos on two connections at once, each with its own transcript; the weak hello's
/// ClientHello waits for the ordinary one's answer.
pub async fn beside<C: Connector>(
    target: &Target<'_, C>,
    transcripts: [&mut Transcript; 2],
    connected: [&mut bool; 2],
) -> TlsQualityProbe {
    let [t_ordinary, t_weak] = transcripts;
    let [c_ordinary, c_weak] = connected;
    let (decided, decision) = tokio::sync::oneshot::channel();
    let ordinary = async {
        let answer = one(target, t_ordinary, c_ordinary, Offer::Ordinary, async { Offer::Ordinary }).await;
        let _ = decided.send(weak_offer(&answer));
        answer
    };
    // When the ordinary hello's task ends without a decision, the plain weak list goes out.
    let weak = one(target, t_weak, c_weak, Offer::Weak, async { decision.await.unwrap_or(Offer::Weak) });
    let (ordinary, weak) = tokio::join!(ordinary, weak);
    TlsQualityProbe { ordinary, weak }
}

/// Both hellos one after the other on one transcript (one connection slot).
pub async fn in_turn<C: Connector>(
    target: &Target<'_, C>,
    t: &mut Transcript,
    connected: [&mut bool; 2],
) -> TlsQualityProbe {
    let [c_ordinary, c_weak] = connected;
    let ordinary = one(target, t, c_ordinary, Offer::Ordinary, async { Offer::Ordinary }).await;
    let offer = weak_offer(&ordinary);
    let weak = one(target, t, c_weak, offer, async move { offer }).await;
    TlsQualityProbe { ordinary, weak }
}

/// One extra connection: up to STARTTLS's 220, then the hello `offer` decides (`default` names
/// it in an answer that ends before), then its answer.
async fn one<C: Connector>(
    target: &Target<'_, C>,
    t: &mut Transcript,
    connected: &mut bool,
    default: Offer,
    offer: impl Future<Output = Offer>,
) -> HelloAnswer {
    let mut known = default;
    let result = dialogue(target, t, connected, offer, &mut known).await;
    let answer = result.unwrap_or_else(|n| untested(known, Untested::Answer { answer: n.answer }, n.detail));
    t.event(&format!("TLS quality probe ({}): {}; connection closed", offer_name(known), transcript_words(&answer)));
    answer
}

async fn dialogue<C: Connector>(
    target: &Target<'_, C>,
    t: &mut Transcript,
    connected: &mut bool,
    offer: impl Future<Output = Offer>,
    known: &mut Offer,
) -> Result<HelloAnswer, NotTested> {
    t.event("TLS quality probe: one extra connection for a TLS 1.2 ClientHello");
    let mut stream = extra::starttls(target, t, connected, "TLS quality probe").await?;
    let limit = target.config.step_timeout;
    *known = tokio::time::timeout(limit, offer).await.unwrap_or(*known);
    let suites = suites(*known);
    let spec = HelloSpec {
        version: TlsVersion::Tls12,
        suites: &suites,
        groups: &GROUPS,
        signatures: &SIGNATURES,
        compression: &COMPRESSION,
    };
    let random = extra::random(target)?;
    let bytes = hello::client_hello(&spec, target.host, &random).ok_or(NotTested::from(LegacyAnswer::HelloNotBuilt))?;
    t.event(&format!(
        "TLS quality probe ({}): ClientHello sent (TLS 1.2, {} suites, SNI {})",
        offer_name(*known),
        suites.len(),
        target.host
    ));
    extra::send(&mut stream, &bytes, limit).await?;
    let mut flight = Flight { offer: *known, buffer: Vec::new(), answer: None };
    let read = extra::read_records(&mut stream, limit, MAX_RECORDS, |kind, body| flight.record(kind, body)).await;
    // A ServerHello stands even when the rest of the flight did not come (closed, cut, too long).
    match (read, flight.answer.take()) {
        (Ok(answer), _) => Ok(answer),
        (Err(_), Some(partial)) => Ok(partial),
        (Err(e), None) => Err(e),
    }
}

/// The server's first flight, read record by record (no socket): ServerHello, then what the
/// Certificate and ServerKeyExchange tell, up to ServerHelloDone.
pub struct Flight {
    /// The hello that was sent.
    pub offer: Offer,
    /// Handshake bytes not yet read as a whole message.
    pub buffer: Vec<u8>,
    /// The answer so far, once the ServerHello is in.
    pub answer: Option<HelloAnswer>,
}

impl Flight {
    /// One record: the answer when it is complete (or nothing more will tell), else `None`.
    pub fn record(&mut self, kind: u8, body: &[u8]) -> Option<Result<HelloAnswer, NotTested>> {
        if kind == 21 {
            return match (hello::alert(body), self.answer.take()) {
                (Alert::Warning, answer) => {
                    self.answer = answer;
                    None
                }
                // An alert after the ServerHello: what was read stands.
                (_, Some(answer)) => Some(Ok(answer)),
                (Alert::Refusal(name), None) => Some(Ok(refused(self.offer, name))),
                (Alert::Other(name), None) => Some(Err(LegacyAnswer::OtherAlert { name }.into())),
                (Alert::Unreadable, None) => {
                    Some(Err(LegacyAnswer::UnreadableAlert { bytes: hello::hex(body) }.into()))
                }
            };
        }
        self.buffer.extend_from_slice(body);
        while let Some((kind, message)) = hello::message(&self.buffer) {
            let len = 4 + message.len();
            match (kind, self.answer.as_mut()) {
                (2, None) => match hello::server_hello(&self.buffer[..len]) {
                    Some(sh) => self.answer = Some(chosen(self.offer, &sh)),
                    None => {
                        return Some(Err(LegacyAnswer::UnreadableHandshake { bytes: hello::hex(&self.buffer) }.into()))
                    }
                },
                (_, None) => return Some(Err(LegacyAnswer::NotServerHello.into())),
                (11, Some(a)) => {
                    let key = hello::leaf_certificate(message).and_then(super::certificate::key_of);
                    a.certificate_key = key.map(|(algorithm, bits)| CertificateKey { algorithm, bits });
                }
                (12, Some(a)) => {
                    let name = a.suite.clone().unwrap_or_default();
                    let ecdhe = name.contains("_ECDHE_") || name.contains("_ECDH_anon_");
                    if let Some((params, scheme)) = hello::server_key_exchange(message, ecdhe) {
                        a.key_exchange = Some(match params {
                            KxParams::Ecdhe(group) => KeyExchange::Ecdhe { group: hello::group_name(group) },
                            KxParams::Dhe(bits) => KeyExchange::Dhe { bits },
                        });
                        a.signature = scheme.map(hello::signature_name);
                    }
                }
                (14, Some(_)) => return self.answer.take().map(Ok),
                _ => {}
            }
            self.buffer.drain(..len);
        }
        None
    }
}

/// A ServerHello's facts as an answer (RSA key exchange is known from the suite already).
fn chosen(offer: Offer, sh: &hello::ServerHello) -> HelloAnswer {
    let suite = hello::suite_name(sh.suite);
    let rsa = suite.starts_with("TLS_RSA_");
    HelloAnswer {
        offer,
        outcome: HelloOutcome::Chosen,
        version: Some(hello::version_name(sh.version)),
        suite: Some(suite),
        compression: Some(sh.compression),
        secure_renegotiation: Some(sh.renegotiation_info),
        key_exchange: rsa.then_some(KeyExchange::Rsa),
        signature: None,
        certificate_key: None,
        alert: None,
        untested: None,
        detail: String::new(),
    }
}

/// Every suite offered refused, with this alert.
fn refused(offer: Offer, alert: String) -> HelloAnswer {
    let mut answer = untested(offer, Untested::NoServerHello, String::new());
    (answer.outcome, answer.alert, answer.untested) = (HelloOutcome::Refused, Some(alert), None);
    answer
}

/// Nothing learned from the hello `offer`.
fn untested(offer: Offer, why: Untested, detail: String) -> HelloAnswer {
    HelloAnswer {
        offer,
        outcome: HelloOutcome::NotTested,
        version: None,
        suite: None,
        compression: None,
        secure_renegotiation: None,
        key_exchange: None,
        signature: None,
        certificate_key: None,
        alert: None,
        untested: Some(why),
        detail,
    }
}

fn offer_name(offer: Offer) -> &'static str {
    match offer {
        Offer::Ordinary => "ordinary hello",
        Offer::Weak => "weak hello",
        Offer::InsufficientThenGood => "weak hello with good suites last",
    }
}

/// The answer for the transcript, in English (the transcript is the engine's log).
fn transcript_words(a: &HelloAnswer) -> String {
    match a.outcome {
        HelloOutcome::Chosen => format!(
            "the server chose {} ({})",
            a.suite.as_deref().unwrap_or_default(),
            a.version.as_deref().unwrap_or_default()
        ),
        HelloOutcome::Refused => format!("the server refused every suite ({})", a.alert.as_deref().unwrap_or_default()),
        HelloOutcome::NotTested => {
            let words = a.untested.as_ref().map(|u| u.text(mxray_report::Lang::En)).unwrap_or_default();
            if a.detail.is_empty() {
                words
            } else {
                format!("{words} ({})", a.detail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_holds_the_class_it_claims() {
        let class = |id: u16| class_of(&hello::suite_name(id));
        assert!(PHASE_OUT.iter().all(|s| class(*s) == Some(Class::PhaseOut)), "phase out");
        assert!(SUFFICIENT.iter().all(|s| class(*s) == Some(Class::Sufficient)), "sufficient");
        assert!(GOOD.iter().all(|s| class(*s) == Some(Class::Good)), "good");
        assert!(INSUFFICIENT.iter().all(|s| class(*s) == Some(Class::Insufficient)), "insufficient");
        let ordinary = suites(Offer::Ordinary);
        assert_eq!(ordinary.first().copied().and_then(class), Some(Class::PhaseOut), "phase-out first");
        assert_eq!(ordinary[ordinary.len() - 2..].first().copied().and_then(class), Some(Class::Good), "good last");
        assert_eq!(ordinary.last(), Some(&SCSV));
    }

    #[test]
    fn a_flight_is_read_up_to_server_hello_done_across_records() {
        // ServerHello TLS 1.2, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, no compression, renegotiation_info.
        let mut sh = vec![2, 0, 0, 45, 3, 3];
        sh.extend([0u8; 32]);
        sh.extend([0, 0x00, 0x9e, 0, 0, 5, 0xff, 0x01, 0, 1, 0]);
        // ServerKeyExchange: DHE with a 1024-bit prime, g, Ys, signed rsa_pkcs1_sha1.
        let mut ske_body = vec![0, 128, 0x80];
        ske_body.extend([1u8; 127]);
        ske_body.extend([0, 1, 2, 0, 1, 7, 0x02, 0x01, 0, 1, 0]);
        let mut ske = vec![12, 0, 0, u8::try_from(ske_body.len()).unwrap()];
        ske.extend(&ske_body);
        let done = [14u8, 0, 0, 0];
        let mut flight = Flight { offer: Offer::Ordinary, buffer: Vec::new(), answer: None };
        assert!(flight.record(22, &sh).is_none());
        assert!(flight.record(22, &ske[..50]).is_none(), "half a ServerKeyExchange waits");
        let mut rest = ske[50..].to_vec();
        rest.extend(done);
        let answer = flight.record(22, &rest).expect("complete").expect("chosen");
        assert_eq!(answer.suite.as_deref(), Some("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
        assert_eq!((answer.compression, answer.secure_renegotiation), (Some(0), Some(true)));
        assert_eq!(answer.key_exchange, Some(KeyExchange::Dhe { bits: 1024 }));
        assert_eq!(answer.signature.as_deref(), Some("rsa_pkcs1_sha1"));
        // A handshake_failure alert is a refusal of every suite offered.
        let mut refusing = Flight { offer: Offer::Weak, buffer: Vec::new(), answer: None };
        let answer = refusing.record(21, &[2, 40]).unwrap().unwrap();
        assert_eq!((answer.outcome, answer.alert.as_deref()), (HelloOutcome::Refused, Some("handshake_failure")));
        assert_eq!(answer.untested, None);
    }

    #[test]
    fn the_weak_hello_asks_for_good_suites_when_the_ordinary_one_got_another_class() {
        let mut ordinary = chosen(
            Offer::Ordinary,
            &hello::ServerHello { version: TlsVersion::Tls12, suite: 0x002f, compression: 0, renegotiation_info: true },
        );
        assert_eq!(weak_offer(&ordinary), Offer::InsufficientThenGood);
        ordinary.suite = Some(hello::suite_name(0xc02f));
        assert_eq!(weak_offer(&ordinary), Offer::Weak);
        assert_eq!(weak_offer(&refused(Offer::Ordinary, "handshake_failure".into())), Offer::Weak);
    }
}
