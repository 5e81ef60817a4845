//! DANE in the engine: the per-host TLSA lookups (started as soon as the MX names are known, beside
//! the probes) joined with the chain each address presents in its one STARTTLS handshake.

use app::dane::HostDane;
use app::{CheckEvent, PlannedHost, StepResult};
use hickory_resolver::proto::rr::RecordType;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::Sender;
use tokio::sync::OnceCell;

use super::clock::now_unix;
use super::dane::verdict;
use super::dnssec::{tlsa_name, Validator};
use super::fanout::Fanout;
use super::tls::TlsContext;

/// The DANE side of one check: one TLSA lookup per MX host, shared by its addresses.
pub struct DaneRun {
    validator: Option<Arc<Validator>>,
    hosts: HashMap<usize, (String, Arc<OnceCell<HostDane>>)>,
    limit: Duration,
}

impl DaneRun {
    /// The lookups for the planned `hosts`; nothing runs without a validator.
    pub fn new(validator: Option<Arc<Validator>>, hosts: &[PlannedHost], limit: Duration) -> Self {
        let hosts = hosts.iter().enumerate().map(|(mx, h)| (mx, (h.host.clone(), Arc::default()))).collect();
        DaneRun { validator, hosts, limit }
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

    /// Sends the DANE verdict for the fan-out's address under host `mx`, once both the host's TLSA
    /// answer and what the address presented are known; nothing without a validator.
    pub async fn address(&self, mx: usize, fanout: &Fanout, tls: &TlsContext, tx: &Sender<CheckEvent>) {
        let (Some(validator), Some((host, cell))) = (&self.validator, self.hosts.get(&mx)) else { return };
        let (dane, presented) =
            tokio::join!(cell.get_or_init(|| lookup(validator, host, self.limit)), fanout.presented());
        let step = StepResult::Dane(verdict(dane, &presented, &tls.provider, now_unix()));
        let _ = tx.send(CheckEvent::Step { mx, ip: fanout.ip(), step: Box::new(step) }).await;
    }
}

/// One host's TLSA records and the DNSSEC status of its addresses, each bounded by `limit`.
async fn lookup(validator: &Validator, host: &str, limit: Duration) -> HostDane {
    let (tlsa, addresses) =
        tokio::join!(bounded(limit, validator.tlsa(host)), bounded(limit, validator.address_status(host)));
    let (tlsa, records) = match tlsa {
        Ok(answer) => (answer.check, answer.records),
        Err(check) => (check, Vec::new()),
    };
    HostDane {
        name: tlsa_name(host).trim_end_matches('.').to_owned(),
        tlsa,
        records,
        addresses: Some(addresses.unwrap_or_else(|c| c)),
    }
}

/// The DNSSEC status of the domain's MX answer, as a `mx_dnssec` event.
pub async fn mx_status(validator: Arc<Validator>, domain: String, limit: Duration, tx: Sender<CheckEvent>) {
    let check = bounded(limit, validator.status(&domain, RecordType::MX)).await.unwrap_or_else(|c| c);
    let _ = tx.send(CheckEvent::MxDnssec { check }).await;
}

/// A validated lookup that gives up after `limit` with an unknown status.
async fn bounded<T>(
    limit: Duration,
    lookup: impl std::future::Future<Output = T>,
) -> Result<T, app::dane::DnssecCheck> {
    tokio::time::timeout(limit, lookup).await.map_err(|_| app::dane::DnssecCheck {
        status: app::dane::DnssecStatus::Unknown,
        detail: Some(format!("no validated answer within {} s", limit.as_secs())),
    })
}
