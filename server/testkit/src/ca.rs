//! A throw-away certificate authority and the certificates a test needs.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData, SignatureAlgorithm};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// A certificate chain with its key, ready for a rustls server.
pub struct Identity {
    /// Leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's key.
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Identity { chain: self.chain.clone(), key: self.key.clone_key() }
    }
}

/// A CA that signs leaf certificates for tests (a root, or an intermediate made by [`TestCa::intermediate`]).
pub struct TestCa {
    /// The common name (the whole subject).
    name: String,
    issuer: Issuer<'static, KeyPair>,
    /// The certificates a server sends after a leaf of this CA: its own, then its parents'.
    sent: Vec<CertificateDer<'static>>,
    pem: String,
}

impl TestCa {
    /// A new CA (`mxray test CA`) with a fresh key.
    pub fn new() -> Self {
        Self::named("mxray test CA")
    }

    /// A new root CA with a fresh key and the common name `name`.
    pub fn named(name: &str) -> Self {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("self-sign CA");
        TestCa {
            name: name.to_owned(),
            pem: cert.pem(),
            sent: vec![cert.der().clone()],
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA named `name`, valid between the two moments, signed by this CA.
    pub fn intermediate(&self, name: &str, not_before: OffsetDateTime, not_after: OffsetDateTime) -> TestCa {
        let key = KeyPair::generate().expect("generate intermediate key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("intermediate params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        (params.not_before, params.not_after) = (not_before, not_after);
        let cert = params.signed_by(&key, &self.issuer).expect("sign intermediate");
        let sent = std::iter::once(cert.der().clone()).chain(self.sent.iter().cloned()).collect();
        TestCa { name: name.to_owned(), pem: cert.pem(), sent, issuer: Issuer::new(params, key) }
    }

    /// This CA's name and key in a certificate issued by `by`, valid between the two moments: a
    /// cross-signature, as CAs publish to chain a newer root up to an older one (USERTrust under
    /// AddTrust until 2020). A server may send it along though its clients trust this CA directly.
    pub fn cross_signed_by(
        &self,
        by: &TestCa,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> CertificateDer<'static> {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("cross-sign params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, self.name.as_str());
        (params.not_before, params.not_after) = (not_before, not_after);
        params.signed_by(self.issuer.key(), &by.issuer).expect("cross-sign").der().clone()
    }

    /// This CA's certificate in DER (for a root store).
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.sent[0]
    }

    /// The CA certificate in PEM, for `--ca-file`.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A leaf for `names`, valid from `days_from` to `days_to` days around now, signed by this CA.
    pub fn leaf(&self, names: &[&str], days_from: i64, days_to: i64) -> Identity {
        let now = OffsetDateTime::now_utc();
        self.leaf_between(names, now + Duration::days(days_from), now + Duration::days(days_to))
    }

    /// A leaf for `names`, valid between two fixed moments, signed by this CA; the chain holds the
    /// leaf and this CA's certificates (an intermediate's, then its parents').
    pub fn leaf_between(&self, names: &[&str], not_before: OffsetDateTime, not_after: OffsetDateTime) -> Identity {
        let key = KeyPair::generate().expect("generate leaf key");
        let cert = leaf_params(names, not_before, not_after).signed_by(&key, &self.issuer).expect("sign leaf");
        let chain = std::iter::once(cert.der().clone()).chain(self.sent.iter().cloned()).collect();
        Identity { chain, key: private_key(&key) }
    }

    /// The chain of a leaf with a 1024-bit RSA key (weak), valid between two fixed moments. There is
    /// no private key (ring cannot use one this small), so it serves for judging, not for a server.
    pub fn rsa_1024_chain(
        &self,
        names: &[&str],
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Vec<CertificateDer<'static>> {
        let cert = leaf_params(names, not_before, not_after).signed_by(&Rsa1024, &self.issuer).expect("sign leaf");
        std::iter::once(cert.der().clone()).chain(self.sent.iter().cloned()).collect()
    }

    /// A valid leaf for `names` (one year).
    pub fn valid(&self, names: &[&str]) -> Identity {
        self.leaf(names, -1, 365)
    }

    /// A leaf that expired ten days ago.
    pub fn expired(&self, names: &[&str]) -> Identity {
        self.leaf(names, -400, -10)
    }

    /// A leaf whose validity begins in ten days.
    pub fn not_yet_valid(&self, names: &[&str]) -> Identity {
        self.leaf(names, 10, 375)
    }

    /// A valid leaf signed by an intermediate (`mxray test expired intermediate`) that expired five
    /// days ago; the chain sent is leaf, intermediate, root.
    pub fn with_expired_intermediate(&self, names: &[&str]) -> Identity {
        let now = OffsetDateTime::now_utc();
        let intermediate =
            self.intermediate("mxray test expired intermediate", now - Duration::days(400), now - Duration::days(5));
        intermediate.leaf(names, -30, 335)
    }

    /// A valid leaf signed by an intermediate (`mxray test intermediate`) that the server does not
    /// send: the chain is the leaf alone.
    pub fn without_intermediate(&self, names: &[&str]) -> Identity {
        let now = OffsetDateTime::now_utc();
        let intermediate =
            self.intermediate("mxray test intermediate", now - Duration::days(30), now + Duration::days(700));
        let mut identity = intermediate.valid(names);
        identity.chain.truncate(1);
        identity
    }
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

/// A self-signed certificate for `names`.
pub fn self_signed(names: &[&str]) -> Identity {
    let key = KeyPair::generate().expect("generate key");
    let now = OffsetDateTime::now_utc();
    let mut params = leaf_params(names, now - Duration::days(1), now + Duration::days(365));
    params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("self-signed"));
    let cert = params.self_signed(&key).expect("self-sign");
    Identity { chain: vec![cert.der().clone()], key: private_key(&key) }
}

fn leaf_params(names: &[&str], not_before: OffsetDateTime, not_after: OffsetDateTime) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("leaf params");
    (params.not_before, params.not_after) = (not_before, not_after);
    params
}

/// A fixed 1024-bit RSA public key (PKCS#1 `RSAPublicKey`, made once with `openssl genrsa 1024`;
/// the private key was not kept).
struct Rsa1024;

impl PublicKeyData for Rsa1024 {
    fn der_bytes(&self) -> &[u8] {
        RSA_1024_PUBLIC_KEY
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

const RSA_1024_PUBLIC_KEY: &[u8] = &[
    0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xac, 0x7b, 0x1c, 0x43, 0x13, 0x53, 0x09, 0x96, 0x7e, 0x17, 0xcc, 0x79,
    0xa7, 0x4a, 0x90, 0xd3, 0xf7, 0xe1, 0xff, 0x07, 0x22, 0x57, 0x8f, 0xc6, 0xe8, 0xbd, 0x21, 0x07, 0x26, 0x93, 0x9c,
    0xdf, 0x06, 0xb3, 0x7b, 0xd7, 0x2d, 0x0a, 0x40, 0x48, 0xfe, 0x0c, 0xfc, 0xa4, 0x5f, 0xe3, 0x60, 0x2a, 0x8d, 0x0b,
    0x82, 0x13, 0xe0, 0xc8, 0xf2, 0x08, 0xf2, 0x52, 0xbd, 0xa1, 0x54, 0xb7, 0xe3, 0xf5, 0x82, 0x58, 0x0d, 0xb4, 0x96,
    0x9a, 0xdc, 0x8f, 0x16, 0x63, 0xdb, 0xd7, 0xcc, 0x82, 0x8b, 0x1a, 0xdb, 0xc5, 0xd0, 0xed, 0x7f, 0x62, 0x63, 0xfa,
    0x95, 0x1c, 0x48, 0xd7, 0x00, 0x5c, 0x95, 0xcb, 0xf5, 0xf6, 0x00, 0x5f, 0xab, 0x45, 0x6d, 0xdb, 0x67, 0xda, 0x94,
    0xdd, 0x35, 0xc2, 0x3b, 0x6f, 0x23, 0xd0, 0x69, 0xad, 0x61, 0x34, 0x5d, 0xb5, 0x67, 0x66, 0x15, 0x80, 0xb7, 0x20,
    0x7a, 0xd7, 0x02, 0x03, 0x01, 0x00, 0x01,
];

fn private_key(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}
