//! DNSSEC and DANE as seen: validation statuses, TLSA records, and each address's DANE outcome.

use serde::{Deserialize, Serialize};

/// What DNSSEC validation said about an answer (RFC 4035 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DnssecStatus {
    /// Signed, and the signatures chain up to a trust anchor.
    Secure,
    /// Provably unsigned: a signed parent proves there is no DS for the zone.
    Insecure,
    /// Signed, but the signatures or the chain to the anchor fail.
    Bogus,
    /// Not known: the lookup failed or validation could not decide.
    Unknown,
}

/// The DNSSEC status of one lookup, with why it is unknown or bogus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnssecCheck {
    /// The status.
    pub status: DnssecStatus,
    /// The resolver library's own message, when the status is not plain and mxray has no words
    /// of its own for why (shown labelled as the library's).
    #[serde(default)]
    pub detail: Option<String>,
    /// Why the status is what it is, in mxray's words (absent in older reports, which carry an
    /// English `detail` instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DnssecReason>,
}

impl DnssecCheck {
    /// A status with a reason of mxray's own.
    pub fn because(status: DnssecStatus, reason: DnssecReason) -> Self {
        DnssecCheck { status, detail: None, reason: Some(reason) }
    }

    /// True when the resolver mxray asks passes no DNSSEC data on: the status says nothing about
    /// the zone.
    pub fn resolver_blind(&self) -> bool {
        matches!(self.reason, Some(DnssecReason::ResolverBlind { .. }))
    }
}

/// Why a DNSSEC status is what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DnssecReason {
    /// Even the trust anchor's zone does not validate through the resolver: it passes no DNSSEC
    /// data on (some forwarders strip it), so nothing can be said about any zone.
    ResolverBlind {
        /// The trust anchor's zone (`.` for the root).
        anchor: String,
    },
    /// The zone has no DNSKEY records, and its parents could not confirm that it is unsigned.
    ZoneWithoutKeys {
        /// The zone's apex.
        zone: String,
    },
    /// The answer was reached through a CNAME that is not DNSSEC-signed.
    InsecureCname {
        /// The CNAME's owner name.
        cname: String,
    },
    /// No validated answer came within the time limit.
    Timeout {
        /// The limit in seconds.
        secs: u64,
    },
    /// The validating resolver could not be set up (the library's message is in `detail`).
    NoValidator,
}

/// One TLSA record (RFC 6698 §2.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsaRecord {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 full certificate, 1 SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching: u8,
    /// Certificate association data, lower-case hex.
    pub data: String,
}

impl TlsaRecord {
    /// True when SMTP senders use it: usage 2 or 3 with a known selector and matching type
    /// (RFC 7672 §3.1.3: usages 0 and 1 are not for SMTP).
    pub fn usable(&self) -> bool {
        matches!(self.usage, 2 | 3) && self.selector <= 1 && self.matching <= 2
    }

    /// The record in presentation form, e.g. `3 1 1 ab12…`.
    pub fn presentation(&self) -> String {
        format!("{} {} {} {}", self.usage, self.selector, self.matching, self.data)
    }
}

/// The TLSA records of one MX host (`_25._tcp.{host}`) and the DNSSEC status of its lookups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostDane {
    /// The name looked up, e.g. `_25._tcp.mx.example.com`.
    pub name: String,
    /// DNSSEC status of the TLSA answer (or of the proof that there is none).
    pub tlsa: DnssecCheck,
    /// The TLSA records as published (empty when there are none or the lookup failed).
    #[serde(default)]
    pub records: Vec<TlsaRecord>,
    /// DNSSEC status of the host's A/AAAA answers (CNAMEs on the way included).
    #[serde(default)]
    pub addresses: Option<DnssecCheck>,
    /// The TLSA base domain when it is not the MX host name: the host's DNSSEC-signed CNAME
    /// target, where the TLSA records were found (RFC 7672 §2.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_domain: Option<String>,
    /// The owner of an unsigned CNAME the TLSA lookup went through: records reached that way do
    /// not count (RFC 7672 §2.2), however well the zone they are in is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_cname: Option<String>,
}

impl HostDane {
    /// True when DANE is in force for the host: a secure TLSA set with a usable record, reached
    /// without an unsigned CNAME, for a host whose addresses are signed too (RFC 7672 §2.2).
    pub fn in_force(&self) -> bool {
        self.tlsa.status == DnssecStatus::Secure
            && self.records.iter().any(TlsaRecord::usable)
            && self.not_in_force().is_none()
    }

    /// Why records that are published do not count, when that is what stops DANE.
    pub fn not_in_force(&self) -> Option<NotInForce> {
        if let Some(cname) = &self.insecure_cname {
            return Some(NotInForce::InsecureCname { cname: cname.clone() });
        }
        // RFC 7672 §2.2.2: with unsigned address records the client does not look for TLSA at all.
        let unsigned = self.addresses.as_ref().is_some_and(|a| a.status == DnssecStatus::Insecure);
        unsigned.then_some(NotInForce::InsecureAddresses)
    }

    /// The records SMTP senders do not use (usage 0/1, unknown selector or matching type).
    pub fn unusable(&self) -> impl Iterator<Item = &TlsaRecord> {
        self.records.iter().filter(|r| !r.usable())
    }
}

/// Why signed TLSA records do not put DANE in force (RFC 7672 §2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotInForce {
    /// The TLSA lookup went through a CNAME that is not DNSSEC-signed.
    InsecureCname {
        /// The CNAME's owner name.
        cname: String,
    },
    /// The MX host's address records (or a CNAME leading to them) are not DNSSEC-signed.
    InsecureAddresses,
}

/// What DANE-TA senders still check after a DANE-TA record matched (RFC 7672 §3.1.2, §3.2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaProblem {
    /// The server's certificate names none of the reference identifiers.
    NameMismatch {
        /// The DNS names in the certificate (its subject CN when it has none).
        names: Vec<String>,
        /// The names senders accept: the MX host, the TLSA base domain, the mail domain.
        expected: Vec<String>,
    },
    /// A certificate from the server's up to the trust anchor is out of date.
    OutOfDate {
        /// Its position in the chain (0 = the server's own).
        depth: usize,
        /// Its subject.
        subject: String,
        /// Start of its validity.
        not_before: String,
        /// End of its validity.
        not_after: String,
    },
}

/// What the chain one address presented means for DANE senders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaneOutcome {
    /// A usable TLSA record matched the chain the address presented.
    Matched,
    /// DANE is in force, but no usable record matches the chain: DANE senders will not deliver.
    NoMatch,
    /// DANE is in force, but no TLS session was established: DANE senders will not deliver.
    NoTls,
    /// A DANE-TA record matched a CA certificate of the chain, but the server's certificate fails
    /// what DANE-TA still checks (name, dates): DANE senders will not deliver.
    TaRejected,
    /// DANE is not in force for the host (no secure, usable TLSA records).
    NotApplicable,
    /// Could not be judged (see `detail`).
    NotTested,
}

/// The DANE verdict for one address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressDane {
    /// The verdict.
    pub outcome: DaneOutcome,
    /// The record that matched.
    #[serde(default)]
    pub matched: Option<TlsaRecord>,
    /// Position in the presented chain of the certificate it matched (0 = the server's own).
    #[serde(default)]
    pub depth: Option<usize>,
    /// A library's message that goes with `reason` (a TLS or resolver error), or, in older
    /// reports, why it did not match or was not tested in English.
    #[serde(default)]
    pub detail: Option<String>,
    /// What DANE-TA senders reject, when the outcome is `ta_rejected`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ta_problems: Vec<TaProblem>,
    /// Why it did not match, is not in force or was not tested, in mxray's own terms (absent in
    /// older reports, which have `detail` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DaneReason>,
}

/// Why an address's DANE verdict is not a match, in mxray's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DaneReason {
    /// The TLSA answer failed DNSSEC validation.
    TlsaBogus,
    /// The TLSA lookup gave no usable answer (the resolver's message, if any, is in `detail`).
    TlsaUnknown {
        /// Why, when mxray can say it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<DnssecReason>,
    },
    /// The TLSA records are reached through a CNAME that is not DNSSEC-signed: senders ignore them.
    InsecureCname {
        /// The CNAME's owner name.
        cname: String,
    },
    /// The TLSA records are not DNSSEC-signed: senders ignore them.
    RecordsUnsigned,
    /// The zone is not DNSSEC-signed.
    ZoneUnsigned,
    /// No TLSA records are published.
    NoRecords,
    /// No TLSA record is usable for SMTP (only usages 0/1 or unknown parameters).
    NoUsableRecords,
    /// The host's address records are not DNSSEC-signed, so senders do not use its TLSA records.
    AddressesUnsigned,
    /// The server does not offer STARTTLS.
    StarttlsNotOffered,
    /// STARTTLS was refused, or got no valid reply (a socket error's message is in `detail`).
    StarttlsRefused {
        /// The refusal as received.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply: Option<String>,
        /// What came instead of a reply, when none came.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_reply: Option<crate::model::session::ReadFailure>,
    },
    /// No TLS session was established (the handshake error is in `detail`).
    NoTlsSession,
    /// TLS works only with suites mxray's library refuses (an OpenSSL-like hello got this one), so
    /// the chain was not matched.
    OutdatedSuitesOnly {
        /// The suite the server chose.
        suite: String,
    },
    /// STARTTLS is offered but could not be tested.
    StarttlsNotTestable {
        /// Why, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<crate::model::session::NotTestable>,
    },
    /// STARTTLS was not tried.
    StarttlsNotTried,
    /// The session ended before TLS.
    SessionEnded {
        /// How it ended, when it is known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<crate::model::session::SessionFailure>,
    },
    /// The server sent no certificate.
    NoCertificate,
    /// None of the usable TLSA records matches the chain presented.
    NoMatch {
        /// How many usable records there are.
        usable: usize,
        /// The data of the `3 1 1` record the server's key would match (hex), when it can be read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key_would_match: Option<String>,
    },
    /// A DANE-TA record matches a certificate of the chain, but the server's certificate cannot be
    /// verified up to it (the library's message is in `detail`).
    TaUnchained {
        /// The record, in presentation form.
        record: String,
        /// The matched certificate's subject.
        subject: String,
        /// What failed.
        problem: TaChainProblem,
    },
    /// A DANE-TA record matched, but the certificate fails the checks in `ta_problems`.
    TaProblems,
}

/// Why a certificate matched by a DANE-TA record does not anchor the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaChainProblem {
    /// The server's certificate cannot be read.
    LeafUnreadable,
    /// The matched certificate cannot serve as a trust anchor.
    NotAnAnchor,
    /// The server's certificate does not chain up to it.
    NoChain,
}

impl AddressDane {
    /// A verdict with a reason and no match.
    pub fn without_match(outcome: DaneOutcome, detail: impl Into<String>) -> Self {
        AddressDane {
            outcome,
            matched: None,
            depth: None,
            detail: Some(detail.into()),
            ta_problems: Vec::new(),
            reason: None,
        }
    }

    /// A verdict with a reason of mxray's own, the library's message beside it when there is one,
    /// and no match.
    pub fn because(outcome: DaneOutcome, reason: DaneReason, detail: Option<String>) -> Self {
        AddressDane { outcome, matched: None, depth: None, detail, ta_problems: Vec::new(), reason: Some(reason) }
    }

    /// A verdict for `record`, which matched the certificate at `depth` of the chain.
    pub fn matched(record: &TlsaRecord, depth: usize) -> Self {
        AddressDane {
            outcome: DaneOutcome::Matched,
            matched: Some(record.clone()),
            depth: Some(depth),
            detail: None,
            ta_problems: Vec::new(),
            reason: None,
        }
    }

    /// True when a DANE-EE (usage 3) record matched: the certificate's names, dates and issuer do
    /// not matter to DANE senders (RFC 7672 §3.1.1).
    pub fn ee_matched(&self) -> bool {
        self.outcome == DaneOutcome::Matched && self.matched.as_ref().is_some_and(|r| r.usage == 3)
    }

    /// True when a DANE-TA (usage 2) record matched: the chain is trusted through the DNS, the
    /// name and dates still count (RFC 7672 §3.1.2).
    pub fn ta_matched(&self) -> bool {
        self.outcome == DaneOutcome::Matched && self.matched.as_ref().is_some_and(|r| r.usage == 2)
    }

    /// True when a DANE-TA record vouches for the issuer, whether or not the certificate then
    /// passes the name and date checks (its own finding says so when it does not).
    pub fn ta_anchored(&self) -> bool {
        matches!(self.outcome, DaneOutcome::Matched | DaneOutcome::TaRejected)
            && self.matched.as_ref().is_some_and(|r| r.usage == 2)
    }

    /// True when a DANE-TA record matched but DANE senders reject the certificate.
    pub fn ta_rejected(&self) -> bool {
        self.outcome == DaneOutcome::TaRejected
    }
}
