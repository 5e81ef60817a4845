//! A throw-away certificate authority and the certificates a test needs.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
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

/// A CA that signs leaf certificates for tests.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert: CertificateDer<'static>,
    pem: String,
}

impl TestCa {
    /// A new CA with a fresh key.
    pub fn new() -> Self {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "mxray test CA");
        let cert = params.self_signed(&key).expect("self-sign CA");
        TestCa { pem: cert.pem(), cert: cert.der().clone(), issuer: Issuer::new(params, key) }
    }

    /// The CA certificate in PEM, for `--ca-file`.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A leaf for `names`, valid from `days_from` to `days_to` days around now, signed by this CA.
    pub fn leaf(&self, names: &[&str], days_from: i64, days_to: i64) -> Identity {
        let key = KeyPair::generate().expect("generate leaf key");
        let params = leaf_params(names, days_from, days_to);
        let cert = params.signed_by(&key, &self.issuer).expect("sign leaf");
        Identity { chain: vec![cert.der().clone(), self.cert.clone()], key: private_key(&key) }
    }

    /// A valid leaf for `names` (one year).
    pub fn valid(&self, names: &[&str]) -> Identity {
        self.leaf(names, -1, 365)
    }

    /// A leaf that expired ten days ago.
    pub fn expired(&self, names: &[&str]) -> Identity {
        self.leaf(names, -400, -10)
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
    let mut params = leaf_params(names, -1, 365);
    params.distinguished_name.push(DnType::CommonName, names.first().copied().unwrap_or("self-signed"));
    let cert = params.self_signed(&key).expect("self-sign");
    Identity { chain: vec![cert.der().clone()], key: private_key(&key) }
}

fn leaf_params(names: &[&str], days_from: i64, days_to: i64) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("leaf params");
    let now = OffsetDateTime::now_utc();
    params.not_before = now + Duration::days(days_from);
    params.not_after = now + Duration::days(days_to);
    params
}

fn private_key(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}
