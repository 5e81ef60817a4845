//! DANE in the engine: the per-host TLSA lookups (started as soon as the MX names are known, beside
//! the probes) joined with the chain each address presents in its one STARTTLS handshake.

use hickory_resolver::proto::rr::RecordType;
use mxray_report::model::dane::{DnssecCheck, DnssecReason, DnssecStatus, HostDane};
use mxray_report::{CheckEvent, PlannedHost, StepResult};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::Sender;
use tokio::sync::OnceCell;

use super::clock::now_unix;
use super::dane::{reference_names, verdict};
use super::dnssec::{tlsa_name, TlsaAnswer, Validator};
use super::fanout::Fanout;
use super::tls::TlsContext;

/// The DNSSEC status of the domain's MX answer, looked up once and shared by the `mx_dnssec`
/// event and the DANE-TA name checks (the mail domain is a name senders accept only when it is signed).
pub type MxStatus = Arc<OnceCell<DnssecCheck>>;

/// The DANE side of one check: one TLSA lookup per MX host, shared by its addresses.
pub struct DaneRun {
    validator: Option<Arc<Validator>>,
    hosts: HashMap<usize, (String, Arc<OnceCell<HostDane>>)>,
    limit: Duration,
    domain: String,
    mx: MxStatus,
}

impl DaneRun {
    /// The lookups for the planned `hosts` of `domain`; nothing runs without a validator.
    pub fn new(
        validator: Option<Arc<Validator>>,
        domain: &str,
        mx: MxStatus,
        hosts: &[PlannedHost],
        limit: Duration,
    ) -> Self {
        let hosts = hosts.iter().enumerate().map(|(mx, h)| (mx, (h.host.clone(), Arc::default()))).collect();
        DaneRun { validator, hosts, limit, domain: domain.to_owned(), mx }
    }

    /// Looks up every host's TLSA records and address status and sends each as a `host_dane` event.
    pub fn host_lookups<'a>(
        &'a self,
        tx: &'a Sender<CheckEvent>,
    ) -> impl Iterator<Item = impl std::future::Future<Output = ()> + 'a> {
        self.validator.iter().flat_map(move |validator| {
            self.hosts.iter().map(move |(mx, (host, cell))| async move {
                let dane = cell.get_or_init(|| lookup(validator, host, self.limit)).await.clone();
                let _ = tx.send(CheckEvent::HostDane { mx: *mx, dane }).await;
            })
        })
    }

    /// Sends the DANE verdict for the fan-out's address under host `mx`, once the host's TLSA
    /// answer, the MX answer's status and what the address presented are known; nothing without a
    /// validator.
    pub async fn address(&self, mx: usize, fanout: &Fanout, tls: &TlsContext, tx: &Sender<CheckEvent>) {
        let (Some(validator), Some((host, cell))) = (&self.validator, self.hosts.get(&mx)) else { return };
        let (dane, mx_status, presented) = tokio::join!(
            cell.get_or_init(|| lookup(validator, host, self.limit)),
            self.mx.get_or_init(|| mx_lookup(validator, &self.domain, self.limit)),
            fanout.presented()
        );
        let signed_domain = (mx_status.status == DnssecStatus::Secure).then_some(self.domain.as_str());
        let names = reference_names(host, dane, signed_domain);
        let step = StepResult::Dane(verdict(dane, &names, &presented, &tls.provider, now_unix()));
        let _ = tx.send(CheckEvent::Step { mx, ip: fanout.ip(), step: Box::new(step) }).await;
    }
}

/// One host's TLSA records and the DNSSEC status of its addresses, each lookup bounded by `limit`.
/// A host name that is a signed CNAME has its TLSA records looked up at the CNAME's target first,
/// at its own name only when the target has none (RFC 7672 §2.2.2); with unsigned addresses the
/// records are still shown, and the verdict says DANE is not in force.
async fn lookup(validator: &Validator, host: &str, limit: Duration) -> HostDane {
    let (tlsa, addresses) =
        tokio::join!(bounded(limit, validator.tlsa(host)), bounded(limit, validator.addresses(host)));
    let (addresses, target) = match addresses {
        Ok(answer) => (answer.check, answer.target),
        Err(check) => (check, None),
    };
    let mut tlsa = tlsa.unwrap_or_else(TlsaAnswer::failed);
    let mut base_domain = None;
    if let Some(target) = target.filter(|_| addresses.status == DnssecStatus::Secure) {
        let expanded = bounded(limit, validator.tlsa(&target)).await.unwrap_or_else(TlsaAnswer::failed);
        // Unsigned records count as none (as Postfix's lookup does): the host's own name is next.
        let none_there = match expanded.check.status {
            DnssecStatus::Secure => expanded.records.is_empty(),
            DnssecStatus::Insecure => true,
            DnssecStatus::Bogus | DnssecStatus::Unknown => false,
        };
        if !none_there {
            (tlsa, base_domain) = (expanded, Some(target));
        }
    }
    HostDane {
        name: tlsa_name(base_domain.as_deref().unwrap_or(host)).trim_end_matches('.').to_owned(),
        tlsa: tlsa.check,
        records: tlsa.records,
        addresses: Some(addresses),
        base_domain,
        insecure_cname: tlsa.insecure_cname,
    }
}

/// The DNSSEC status of the domain's MX answer, as a `mx_dnssec` event; the result also fills
/// `cell`, which the DANE verdicts read.
pub async fn mx_status(
    validator: Arc<Validator>,
    domain: String,
    limit: Duration,
    tx: Sender<CheckEvent>,
    cell: MxStatus,
) {
    let check = cell.get_or_init(|| mx_lookup(&validator, &domain, limit)).await.clone();
    let _ = tx.send(CheckEvent::MxDnssec { check }).await;
}

/// The MX answer's DNSSEC status, bounded by `limit`.
async fn mx_lookup(validator: &Validator, domain: &str, limit: Duration) -> DnssecCheck {
    bounded(limit, validator.status(domain, RecordType::MX)).await.unwrap_or_else(|c| c)
}

/// A validated lookup that gives up after `limit` with an unknown status.
async fn bounded<T>(limit: Duration, lookup: impl std::future::Future<Output = T>) -> Result<T, DnssecCheck> {
    tokio::time::timeout(limit, lookup)
        .await
        .map_err(|_| DnssecCheck::because(DnssecStatus::Unknown, DnssecReason::Timeout { secs: limit.as_secs() }))
}
