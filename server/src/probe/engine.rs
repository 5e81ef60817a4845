//! The engine: resolve, probe every address of every host at once, and stream the events.

use app::engine::Engine;
use app::{CheckEvent, NormalizedInput};
use futures::stream::{self, BoxStream, FuturesUnordered, StreamExt};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use super::clock::now_rfc3339;
use super::dns::{resolve, MailDns};
use super::net::Connector;
use super::session::{AddressProbe, SessionConfig};
use super::tls::TlsContext;

/// The probe engine: DNS, connector, TLS roots, settings and the global connection bound.
pub struct Prober<D, C> {
    inner: Arc<Shared<D, C>>,
}

struct Shared<D, C> {
    dns: D,
    connector: C,
    tls: TlsContext,
    session: SessionConfig,
    permits: Arc<Semaphore>,
    deadline: Duration,
}

impl<D: MailDns, C: Connector> Prober<D, C> {
    /// An engine; `max_connections` bounds open TCP connections over all checks.
    pub fn new(
        dns: D,
        connector: C,
        tls: TlsContext,
        session: SessionConfig,
        max_connections: usize,
        deadline: Duration,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(max_connections.max(1)));
        Prober { inner: Arc::new(Shared { dns, connector, tls, session, permits, deadline }) }
    }
}

impl<D: MailDns, C: Connector> Engine for Prober<D, C> {
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent> {
        let (tx, rx) = unbounded_channel();
        let task = AbortOnDrop(tokio::spawn(run_check(Arc::clone(&self.inner), input, tx)));
        stream::unfold((rx, task), |(mut rx, task)| async move { rx.recv().await.map(|e| (e, (rx, task))) }).boxed()
    }
}

/// Cancels the check when its event stream is dropped (the client went away).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run_check<D: MailDns, C: Connector>(
    shared: Arc<Shared<D, C>>,
    input: NormalizedInput,
    tx: UnboundedSender<CheckEvent>,
) {
    let started = Instant::now();
    let send = |event| {
        let _ = tx.send(event);
    };
    send(CheckEvent::Started {
        input: input.input.clone(),
        domain: input.domain.clone(),
        checked_at: now_rfc3339(),
        resolver: shared.dns.label(),
    });
    let plan = resolve(&shared.dns, &input.domain).await;
    send(CheckEvent::Resolved {
        mx_source: plan.mx_source,
        hosts: plan.hosts.clone(),
        error: plan.error.clone(),
        mx_hosts_skipped: plan.mx_hosts_skipped,
    });
    let recipient = shared.session.recipient_outside(&input.domain);
    let mut probes: FuturesUnordered<_> = plan
        .hosts
        .iter()
        .enumerate()
        .flat_map(|(mx, host)| host.addresses.iter().map(move |ip| (mx, host.host.as_str(), *ip)))
        .map(|(mx, host, ip)| probe_address(&shared, mx, host, ip, &recipient, tx.clone()))
        .collect();
    while probes.next().await.is_some() {}
    send(CheckEvent::Done { duration_ms: millis(started.elapsed()) });
}

async fn probe_address<D, C: Connector>(
    shared: &Shared<D, C>,
    mx: usize,
    host: &str,
    ip: IpAddr,
    recipient: &str,
    tx: UnboundedSender<CheckEvent>,
) {
    let mut probe = AddressProbe::new(
        mx,
        host,
        ip,
        &shared.session,
        &shared.tls,
        &shared.connector,
        Arc::clone(&shared.permits),
        tx.clone(),
    );
    probe.recipient = recipient.to_owned();
    let deadline_hit = tokio::time::timeout(shared.deadline, probe.run()).await.is_err();
    if deadline_hit {
        probe.transcript.event(&format!("deadline of {} s reached", shared.deadline.as_secs()));
    }
    let _ = tx.send(CheckEvent::AddressDone {
        mx,
        ip,
        duration_ms: probe.transcript.elapsed_ms(),
        connections: probe.connections,
        error: probe.error.take(),
        deadline_hit,
        transcript: std::mem::take(&mut probe.transcript).finish(),
    });
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}
