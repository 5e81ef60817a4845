//! TLS quality of an address, graded after the NCSC TLS guidelines: what two hand-built TLS 1.2
//! ClientHellos (an ordinary, OpenSSL-like one and a weak one) were answered, and the graded lines
//! the check derives from them, the main handshake and the legacy probe.

use crate::model::depth::LegacyAnswer;
use serde::{Deserialize, Serialize};

/// The NCSC classes of a TLS setting, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Good: e.g. ECDHE with an AEAD cipher, TLS 1.3.
    Good,
    /// Sufficient: e.g. finite-field DHE (2048 bits and up) with an AEAD cipher.
    Sufficient,
    /// Phase out: e.g. RSA key exchange, CBC ciphers, SHA-1 signatures.
    PhaseOut,
    /// Insufficient: e.g. RC4, 3DES, NULL, EXPORT, anonymous suites, DH under 2048 bits.
    Insufficient,
}

/// Which suites a hand-built TLS 1.2 ClientHello offered, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    /// OpenSSL-like: ECDHE, DHE and RSA key exchange with GCM and CBC; phase-out suites first and
    /// good ones last, so the choice also shows whether the server keeps its own order.
    Ordinary,
    /// Insufficient suites (RC4, 3DES, NULL, EXPORT, anonymous), then phase-out ones (RSA key
    /// exchange, CBC).
    Weak,
    /// Insufficient suites, then good ones (sent when the ordinary hello got a non-good suite, so
    /// the answer also shows whether the server takes a good suite at all).
    InsufficientThenGood,
}

/// What the server did with a hand-built ClientHello.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelloOutcome {
    /// It answered with a ServerHello.
    Chosen,
    /// It refused every suite offered (a handshake_failure, insufficient_security or
    /// protocol_version alert).
    Refused,
    /// Nothing was learned (see `untested`).
    NotTested,
}

/// The key exchange a server used, read from its ServerKeyExchange (or the suite, for RSA).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyExchange {
    /// Elliptic-curve Diffie-Hellman over a named group.
    Ecdhe {
        /// The group, e.g. `x25519`, `secp256r1`, or its hex code.
        group: String,
    },
    /// Finite-field Diffie-Hellman.
    Dhe {
        /// The size of the prime in bits.
        bits: u32,
    },
    /// RSA key transport (no forward secrecy): the certificate's key is the key exchange.
    Rsa,
}

/// The certificate key a hand-built handshake saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateKey {
    /// `RSA`, `EC`, … (as the certificate check names it).
    pub algorithm: String,
    /// Its size in bits, when known.
    #[serde(default)]
    pub bits: Option<u32>,
}

/// What one hand-built TLS 1.2 ClientHello got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelloAnswer {
    /// Which suites were offered.
    pub offer: Offer,
    /// What the server did.
    pub outcome: HelloOutcome,
    /// The version chosen, e.g. `TLSv1.2`.
    #[serde(default)]
    pub version: Option<String>,
    /// The suite chosen (IANA name, or the hex code).
    #[serde(default)]
    pub suite: Option<String>,
    /// The compression method chosen (0 is none; 1 is DEFLATE).
    #[serde(default)]
    pub compression: Option<u8>,
    /// The ServerHello carried the renegotiation_info extension (RFC 5746).
    #[serde(default)]
    pub secure_renegotiation: Option<bool>,
    /// The key exchange, when the server sent far enough.
    #[serde(default)]
    pub key_exchange: Option<KeyExchange>,
    /// The signature scheme of the ServerKeyExchange, e.g. `rsa_pkcs1_sha256`.
    #[serde(default)]
    pub signature: Option<String>,
    /// The server's certificate key, from its Certificate message.
    #[serde(default)]
    pub certificate_key: Option<CertificateKey>,
    /// The alert's RFC name, when the server refused.
    #[serde(default)]
    pub alert: Option<String>,
    /// Why nothing was learned, when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untested: Option<Untested>,
    /// A library's or the operating system's message beside `untested`.
    #[serde(default)]
    pub detail: String,
}

/// Why a hand-built ClientHello, or a graded line, says nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Untested {
    /// The extra connection's answer (closed, 421, refused connection, timeout, …).
    Answer {
        /// What it was.
        answer: LegacyAnswer,
    },
    /// The address's deadline ran out first.
    Deadline,
    /// No hand-built hello got a ServerHello, so there is nothing to read this from.
    NoServerHello,
    /// The answers do not decide it (e.g. whether the server takes a good TLS 1.2 suite at all).
    Undecided,
}

/// The two hand-built hellos' answers, as the engine reports them (facts, no judgement).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsQualityProbe {
    /// The ordinary, OpenSSL-like hello.
    pub ordinary: HelloAnswer,
    /// The weak hello (its `offer` says which list it sent).
    pub weak: HelloAnswer,
}

/// What one graded line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The suite an ordinary sender gets (rustls's, or the OpenSSL-like hello's when rustls failed).
    OrdinarySenders,
    /// Whether the server accepts insufficient or phase-out suites.
    WeakSuites,
    /// Whether the server chooses by its own order when it has a choice between classes.
    ServerPreference,
    /// The key exchange: group, DH size, certificate key and signature hash.
    KeyExchange,
    /// Secure renegotiation (RFC 5746).
    Renegotiation,
    /// TLS compression (CRIME).
    Compression,
}

/// What shows a line's class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// The suite the server chose.
    Suite {
        /// IANA name (or hex code).
        suite: String,
        /// The version it was chosen with.
        version: String,
        /// It was chosen only on the OpenSSL-like hello after rustls's handshake failed.
        #[serde(default)]
        fallback: bool,
    },
    /// The server refused every suite offered.
    Refused {
        /// The alert's RFC name.
        alert: String,
    },
    /// The server chose the good suite offered last, over phase-out ones offered first.
    OwnOrder {
        /// The suite chosen.
        chosen: String,
    },
    /// The server chose a suite offered first although it also takes a good one.
    ClientOrder {
        /// The suite chosen.
        chosen: String,
        /// A good suite it takes (from another handshake).
        good: String,
    },
    /// The server had no choice between classes (internet.nl #1734): order is not judged.
    NoChoice {
        /// The suite chosen.
        chosen: String,
    },
    /// The key exchange seen, with the signature scheme and certificate key when known.
    KeyExchange {
        /// What it was.
        kx: KeyExchange,
        /// The ServerKeyExchange's signature scheme.
        #[serde(default)]
        signature: Option<String>,
        /// The certificate key (the key exchange's strength for RSA).
        #[serde(default)]
        certificate: Option<CertificateKey>,
    },
    /// The renegotiation_info extension was there or not.
    Renegotiation {
        /// It was there.
        secure: bool,
    },
    /// The compression method chosen (0: none).
    Compression {
        /// The method.
        method: u8,
    },
}

/// One graded line of the TLS quality table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityLine {
    /// What it is about.
    pub aspect: Aspect,
    /// The NCSC class, when graded (absent when not tested, or order not judged for lack of choice).
    #[serde(default)]
    pub class: Option<Class>,
    /// What shows it.
    #[serde(default)]
    pub evidence: Option<Evidence>,
    /// Why it was not tested, when it was not.
    #[serde(default)]
    pub untested: Option<Untested>,
}

/// The `tls_quality` section of an address: the graded lines and the probe they came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsQuality {
    /// One line per aspect, in [`Aspect`] order.
    pub items: Vec<QualityLine>,
    /// The hand-built hellos' answers.
    pub probe: TlsQualityProbe,
}
