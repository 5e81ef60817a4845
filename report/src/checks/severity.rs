//! How much each finding matters: the one exhaustive `match` from kind to severity.

use crate::model::finding::FindingKind;
use crate::model::finding::Severity;

impl FindingKind {
    /// Severity of this finding.
    pub fn severity(&self) -> Severity {
        use FindingKind::*;
        match self {
            MtaStsMxNotListed { mode, .. } | MtaStsMxTlsInvalid { mode, .. } => match mode {
                crate::model::policy::StsMode::Enforce => Severity::Critical,
                _ => Severity::Warning,
            },
            // Not tested is never ok; under enforce an untested host may be one senders refuse.
            MtaStsMxNotTested { mode, .. } => match mode {
                crate::model::policy::StsMode::Enforce => Severity::Warning,
                _ => Severity::Info,
            },
            // Senders that validate ignore it; only a client building its path through it could fail.
            CertificateIntermediateUnused { .. } | DaneNotInForce { .. } => Severity::Info,
            DaneTaRejected { .. } => Severity::Critical,
            MtaStsProtected { .. } => Severity::Ok,
            // NCSC insufficient is a fail; phase-out suites beside good ones are what Postfix and
            // Exim accept by default for senders that know nothing better: worth knowing.
            TlsWeakSuites { class: crate::model::quality::Class::Insufficient, .. } => Severity::Critical,
            TlsWeakSuites { .. } => Severity::Info,
            // Beside a record senders read, a discarded one is only clutter.
            MtaStsRecordIgnored { counted: Some(_), .. } | TlsRptRecordIgnored { counted: Some(_), .. } => Severity::Info,
            // Without STARTTLS mail crosses the Internet in plaintext; a masked greeting alone is harmless.
            SmtpInspection { starttls_hidden: true, .. } => Severity::Critical,
            SmtpInspection { .. } => Severity::Info,
            // Not a relay test at all: worth knowing, nothing to fix on the server.
            RelayInconclusive { reason: Some(crate::model::report::RelayReason::SameProvider), .. } => Severity::Info,
            // Challenge-response and Kerberos logins put no password on the wire: worth knowing only.
            AuthInPlaintext { mechanisms, .. }
                if !mechanisms.iter().any(|m| crate::checks::ehlo::sends_password_readably(m)) =>
            {
                Severity::Info
            }
            // A limit of the machine running mxray, not a fault of the domain.
            MtaStsPolicyUnavailable { error: crate::model::policy::FetchError::NoRoute { .. }, .. } => Severity::Info,
            DaneMatched { .. } | CertificateDaneEe { .. } => Severity::Ok,
            // Mail clients suffer, not mail to the domain: at most a warning.
            PortCertificate { finding, .. } => finding.severity().min(Severity::Warning),
            DaneNotTested { .. }
            | PortNotServing { .. }
            | SubmissionNoAuth { .. }
            | Port25Timeout { .. }
            | RelayRevisited { .. } => Severity::Info,
            // Not a verdict on the domain: the server may greet later, the network may be the cause.
            GreetingTimeout { .. } | Port25NoAnswer { .. } | EgressBlocked { .. } => Severity::Warning,
            DaneTlsaUnknown { .. } | DnssecResolverBlind { .. } | DaneTlsaInsecure { .. } | DaneUnusableRecords { .. } => Severity::Warning,
            MxDnssecBogus { .. }
            | AddressDnssecBogus { .. }
            | DaneTlsaBogus { .. }
            | DaneNoMatch { .. }
            | DaneNoTls { .. } => Severity::Critical,
            MtaStsMissing
            | PolicyLookupFailed { .. }
            | MtaStsModeNone
            | MtaStsTesting { .. }
            | MtaStsMaxAgeShort { .. }
            | TlsRptMissing { .. } => Severity::Info,
            MtaStsRecordMultiple { .. }
            | MtaStsRecordMalformed { .. }
            | MtaStsRecordIgnored { .. }
            | TlsRptRecordIgnored { .. }
            | MtaStsPolicyUnavailable { .. }
            | MtaStsPolicyInvalid { .. }
            | MtaStsPolicyLenient { .. }
            | TlsRptRecordMultiple { .. }
            | TlsRptRecordMalformed { .. }
            | TlsRptBadTarget { .. } => Severity::Warning,
            TlsOk { .. } | CertificateValid { .. } | RelayRefused { .. } => Severity::Ok,
            NullMx
            | MxHostsCapped { .. }
            | AddressesCapped { .. }
            | BannerLeaksVersion { .. }
            | NoIpv6 { .. }
            | NoRouteFromHere { .. }
            | TlsNotTestable { .. }
            | TlsLegacyNotTested { .. }
            // Every sender offers good suites first; the order only matters for a client that does not.
            | TlsClientOrder { .. }
            | ReverseDnsNotTested { .. }
            | NameNotPtr { .. }
            | DnsblNotTested { .. } => Severity::Info,
            ImplicitMx
            | MxIsCname { .. }
            | TargetBlocked { .. }
            | EhloRefused { .. }
            | CertificateExpiresSoon { .. }
            | CertificateNameMismatch { .. }
            | CertificateSelfSigned { .. }
            | CertificateUntrusted { .. }
            | CertificateUnreadable { .. }
            | CertificateWeakKey { .. }
            | SessionAborted { .. }
            | ServerClosed { .. }
            | TesterRefused { .. }
            | RelayInconclusive { .. }
            | NullMxWithOtherMx
            | DeadlineReached { .. }
            | RelayBypassAccepted { .. }
            | AuthInPlaintext { .. }
            | PortTlsFailed { .. }
            | TlsLegacyAccepted { .. }
            // Ordinary senders encrypt; only modern clients that dropped these suites cannot.
            | TlsOutdatedSuitesOnly { .. }
            | TlsSha1Signature { .. }
            | TlsNoSecureRenegotiation { .. }
            | PtrMissing { .. }
            | PtrNotConfirmed { .. }
            // A listing hurts the mail this host sends; mail to it still arrives: not critical.
            | DnsblListed { .. } => Severity::Warning,
            DomainNotFound
            | NoMailRecords
            | DnsFailed { .. }
            | NoReachableMx
            | MxIsIpLiteral { .. }
            | MxHostNoAddress { .. }
            | Port25Unreachable { .. }
            | BannerNotReady { .. }
            | BannerMissing { .. }
            | HeloFailed { .. }
            | StartTlsNotOffered { .. }
            | StartTlsRejected { .. }
            | TlsHandshakeFailed { .. }
            | StartTlsInjection { .. }
            | CertificateExpired { .. }
            | CertificateNotYetValid { .. }
            | CertificateIntermediateExpired { .. }
            | CertificateIntermediateNotYetValid { .. }
            | UnsolicitedReply { .. }
            | ProtocolViolation { .. }
            | NothingTested { .. }
            | MxNotPublic { .. }
            | TlsLegacyOnly { .. }
            | TlsNoSharedCipher { .. }
            | TlsWeakDh { .. }
            | TlsWeakRsaKey { .. }
            | TlsCompression { .. }
            | OpenRelayLocalSender { .. }
            | OpenRelay { .. } => Severity::Critical,
        }
    }
}
