//! The engine: resolve, probe every address of every host at once (each host as soon as its own
//! addresses are known, each address once however many MX names list it), and stream the events.

use app::engine::Engine;
use futures::future::{BoxFuture, FutureExt};
use futures::stream::{self, BoxStream, FuturesUnordered, StreamExt};
use mxray_report::model::ports::SMTP;
use mxray_report::{CheckEvent, NormalizedInput, PlannedHost};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
// tokio's clock, the one the timeouts run on: on a test's paused clock the times reported follow it.
use tokio::sync::mpsc::{channel, Sender};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::clock::now_rfc3339;
use super::dane_check::{self, DaneRun};
use super::depth::DepthChecks;
use super::dns::{plan_host, plan_mx, MailDns};
use super::dnssec::Validator;
use super::egress::{self, EgressTarget};
use super::fanout::{AddressSummary, Fanout, RecipientLookup};
use super::legacy_tls;
use super::mta_sts::PolicyCheck;
use super::net::Connector;
use super::provider;
use super::reuse::{AddressCache, Turn};
use super::session::{AddressProbe, SessionConfig, Target};
use super::tls::TlsContext;
use super::tls_quality;
use super::transcript::{Transcript, TranscriptBudget};

/// Events buffered between the engine and a slow reader; probes wait beyond that.
const EVENT_BUFFER: usize = 64;
/// Open connections one check may hold by default, so one domain cannot take the global pool.
pub const DEFAULT_CHECK_CONNECTIONS: usize = 8;
/// A wait for a connection slot longer than this is written into the transcript.
const QUEUED_NOTE: Duration = Duration::from_secs(1);

/// The probe engine: DNS, connector, TLS roots, settings and the connection bounds.
pub struct Prober<D, C> {
    inner: Arc<Shared<D, C>>,
}

struct Shared<D, C> {
    dns: D,
    connector: C,
    tls: TlsContext,
    session: SessionConfig,
    permits: Arc<Semaphore>,
    check_connections: usize,
    deadline: Duration,
    depth: DepthChecks,
    /// The validating resolver for DANE and DNSSEC status; none: not checked.
    dnssec: Option<Arc<Validator>>,
    /// Ports probed when a check names none (`--ports`); 25 always is.
    ports: Vec<u16>,
    /// Where the egress check connects beside each check (`--egress-check`); none: no check.
    egress_check: Option<EgressTarget>,
    /// Finished probes answer later checks of the same address for a while (`batch --reuse-secs`).
    reuse: Option<Arc<AddressCache>>,
}

impl<D: MailDns, C: Connector> Prober<D, C> {
    /// An engine; `max_connections` bounds open TCP connections over all checks, and each check may
    /// hold at most [`DEFAULT_CHECK_CONNECTIONS`] of them.
    pub fn new(
        dns: D,
        connector: C,
        tls: TlsContext,
        session: SessionConfig,
        max_connections: usize,
        deadline: Duration,
    ) -> Self {
        let permits = Arc::new(Semaphore::new(max_connections.max(1)));
        let check_connections = DEFAULT_CHECK_CONNECTIONS;
        Prober {
            inner: Arc::new(Shared {
                dns,
                connector,
                tls,
                session,
                permits,
                check_connections,
                deadline,
                depth: DepthChecks::default(),
                dnssec: None,
                ports: vec![SMTP],
                egress_check: None,
                reuse: None,
            }),
        }
    }

    /// Sets which depth checks run (legacy TLS, reverse DNS, blocklists); none by default.
    pub fn with_depth(mut self, depth: DepthChecks) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.depth = depth;
        }
        self
    }

    /// Checks DANE and the DNSSEC status of the lookups with this validating resolver.
    pub fn with_dnssec(mut self, validator: Validator) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.dnssec = Some(Arc::new(validator));
        }
        self
    }

    /// Sets the ports probed at each address when a check names none (25 is always probed; 465
    /// and 587 add one connection each).
    pub fn with_ports(mut self, ports: Vec<u16>) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.ports = ports;
        }
        self
    }

    /// Connects once to `target` beside every check, to tell a network that blocks port 25 from
    /// dead servers (`--egress-check`); `None` turns it off.
    pub fn with_egress_check(mut self, target: Option<EgressTarget>) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.egress_check = target;
        }
        self
    }

    /// Lets a finished probe of an address answer later checks of it for `window` (none: every
    /// check probes every address itself, as the web server does).
    pub fn with_reuse(mut self, window: Option<Duration>) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.reuse = window.map(AddressCache::new);
        }
        self
    }

    /// Sets how many connections one check may hold at once (at least one).
    pub fn with_check_connections(mut self, n: usize) -> Self {
        if let Some(shared) = Arc::get_mut(&mut self.inner) {
            shared.check_connections = n.max(1);
        }
        self
    }
}

impl<D: MailDns, C: Connector> Engine for Prober<D, C> {
    fn check(&self, input: NormalizedInput) -> BoxStream<'static, CheckEvent> {
        let (tx, rx) = channel(EVENT_BUFFER);
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

/// What one check shares between its probes.
struct CheckContext<'a, D, C> {
    shared: &'a Shared<D, C>,
    /// The tested domain (normalised).
    domain: String,
    recipient: String,
    /// The recipient's mail hosts, for the relay verdicts.
    recipient_hosts: RecipientLookup,
    slots: Arc<Semaphore>,
    budget: Arc<TranscriptBudget>,
    dane: DaneRun,
    /// Submission ports probed after port 25 at each address.
    extra_ports: Vec<u16>,
}

async fn run_check<D: MailDns, C: Connector>(
    shared: Arc<Shared<D, C>>,
    input: NormalizedInput,
    tx: Sender<CheckEvent>,
) {
    let started = Instant::now();
    let _ = tx
        .send(CheckEvent::Started {
            input: input.input.clone(),
            domain: input.domain.clone(),
            checked_at: now_rfc3339(),
            resolver: shared.dns.label(),
        })
        .await;
    let limit = shared.session.step_timeout;
    // Domain-level policies run beside the MX probing and report on their own; `done` waits for them.
    let mut policies = AbortOnDrop(tokio::spawn(check_policies(Arc::clone(&shared), input.domain.clone(), tx.clone())));
    // The MX answer's DNSSEC status comes from the validating resolver, beside the main lookup.
    let mx_status = dane_check::MxStatus::default();
    let mx_dnssec = shared.dnssec.clone().map(|v| {
        AbortOnDrop(tokio::spawn(dane_check::mx_status(v, input.domain.clone(), limit, tx.clone(), mx_status.clone())))
    });
    // One TCP connect beside the check, to tell a network that drops port 25 from dead servers.
    let egress = shared
        .egress_check
        .clone()
        .map(|target| AbortOnDrop(tokio::spawn(check_egress(Arc::clone(&shared), target, tx.clone()))));
    // The relay recipient's mail hosts, looked up from the start so no relay verdict waits for them.
    let recipient = shared.session.recipient_outside(&input.domain);
    let recipient_hosts = recipient_lookup(Arc::clone(&shared), &recipient);
    let _recipient_lookup = AbortOnDrop(tokio::spawn(recipient_hosts.clone().map(drop)));
    let plan = plan_mx(&shared.dns, &input.domain, limit).await;
    let _ = tx
        .send(CheckEvent::Resolved {
            mx_source: plan.mx_source,
            hosts: plan.hosts.clone(),
            error: plan.error.clone(),
            mx_hosts_skipped: plan.mx_hosts_skipped,
            null_mx_mixed: plan.null_mx_mixed,
        })
        .await;
    let check = CheckContext {
        shared: &shared,
        domain: input.domain.clone(),
        recipient,
        recipient_hosts,
        slots: Arc::new(Semaphore::new(shared.check_connections)),
        budget: TranscriptBudget::per_check(),
        dane: DaneRun::new(shared.dnssec.clone(), &input.domain, mx_status, &plan.hosts, limit),
        extra_ports: if input.ports.is_empty() { &shared.ports } else { &input.ports }
            .iter()
            .copied()
            .filter(|p| *p != SMTP)
            .collect(),
    };
    let dns = &shared.dns;
    let mut lookups: FuturesUnordered<_> = plan
        .hosts
        .iter()
        .enumerate()
        .filter(|(_, h)| h.resolving)
        .map(|(mx, h)| async move { (mx, plan_host(dns, &h.host, h.preference, limit).await) })
        .collect();
    let mut fanouts: HashMap<IpAddr, Arc<Fanout>> = HashMap::new();
    let mut probes: FuturesUnordered<BoxFuture<'_, ()>> = check.dane.host_lookups(&tx).map(FutureExt::boxed).collect();
    for (mx, host) in plan.hosts.iter().enumerate().filter(|(_, h)| !h.resolving) {
        start_probes(&check, &tx, &mut fanouts, &mut probes, mx, host).await;
    }
    loop {
        tokio::select! {
            Some((mx, host)) = lookups.next(), if !lookups.is_empty() => {
                let _ = tx.send(CheckEvent::HostResolved { mx, host: host.clone() }).await;
                start_probes(&check, &tx, &mut fanouts, &mut probes, mx, &host).await;
            }
            Some(()) = probes.next(), if !probes.is_empty() => {}
            else => break,
        }
    }
    let _ = (&mut policies.0).await;
    for mut task in mx_dnssec.into_iter().chain(egress) {
        let _ = (&mut task.0).await;
    }
    let _ = tx.send(CheckEvent::Done { duration_ms: millis(started.elapsed()) }).await;
}

/// The egress check as one `egress` event; its connection counts against the engine's cap.
async fn check_egress<D: MailDns, C: Connector>(
    shared: Arc<Shared<D, C>>,
    target: EgressTarget,
    tx: Sender<CheckEvent>,
) {
    let Ok(_slot) = Arc::clone(&shared.permits).acquire_owned().await else { return };
    let egress = egress::check(&target, &shared.dns, &shared.connector, shared.session.step_timeout).await;
    let _ = tx.send(CheckEvent::Egress { egress }).await;
}

/// The mail hosts of the relay recipient's domain, looked up once and shared by every address.
fn recipient_lookup<D: MailDns, C: Connector>(shared: Arc<Shared<D, C>>, recipient: &str) -> RecipientLookup {
    let domain = recipient.rsplit_once('@').map_or("", |(_, d)| d).to_owned();
    async move {
        let limit = shared.session.step_timeout;
        Arc::new(provider::lookup(&shared.dns, &domain, limit).await)
    }
    .boxed()
    .shared()
}

/// MTA-STS and TLS-RPT of the domain, as one `policies` event.
async fn check_policies<D: MailDns, C: Connector>(shared: Arc<Shared<D, C>>, domain: String, tx: Sender<CheckEvent>) {
    let check = PolicyCheck {
        dns: &shared.dns,
        connector: &shared.connector,
        tls: &shared.tls,
        limit: shared.session.step_timeout,
        permits: &shared.permits,
    };
    let policies = check.run(&domain).await;
    let _ = tx.send(CheckEvent::Policies { policies: Box::new(policies) }).await;
}

/// Subscribes host `mx` to each of its addresses, starting a probe for every address not probed yet.
async fn start_probes<'a, D: MailDns, C: Connector>(
    check: &'a CheckContext<'a, D, C>,
    tx: &Sender<CheckEvent>,
    fanouts: &mut HashMap<IpAddr, Arc<Fanout>>,
    probes: &mut FuturesUnordered<BoxFuture<'a, ()>>,
    mx: usize,
    host: &PlannedHost,
) {
    for ip in &host.addresses {
        let fanout = match fanouts.get(ip) {
            Some(fanout) => Arc::clone(fanout),
            None => {
                let fanout = Fanout::new(*ip, check.shared.tls.clone(), tx.clone())
                    .with_recipient(check.recipient_hosts.clone());
                let fanout = Arc::new(fanout);
                fanouts.insert(*ip, Arc::clone(&fanout));
                probes.push(probe_address(check, Arc::clone(&fanout), host.host.clone(), *ip).boxed());
                fanout
            }
        };
        fanout.subscribe(mx, &host.host).await;
        // The address's DANE verdict under this host: its chain against this host's TLSA records.
        let tx = tx.clone();
        probes.push(async move { check.dane.address(mx, &fanout, &check.shared.tls, &tx).await }.boxed());
    }
}

/// One address: its session and, beside it, its DNS depth checks; then its summary.
async fn probe_address<D: MailDns, C: Connector>(
    check: &CheckContext<'_, D, C>,
    fanout: Arc<Fanout>,
    host: String,
    ip: IpAddr,
) {
    let shared = check.shared;
    let probing = match &shared.reuse {
        Some(cache) => match cache.turn(ip, &check.extra_ports).await {
            Turn::Reuse(finished) => {
                let ago = finished.at.elapsed().as_secs();
                let note = format!("results reused from the check of {} {ago} s ago (no new session)", finished.domain);
                fanout.replay(&finished.history, &note).await;
                return;
            }
            Turn::Probe(probing) => Some(probing),
        },
        None => None,
    };
    let lookups = shared.depth.lookups(&shared.dns, &fanout, ip, shared.session.step_timeout);
    let (summary, ()) = tokio::join!(session(check, &fanout, host, ip), lookups);
    if let Some(summary) = summary {
        fanout.done(summary).await;
        if let Some(probing) = probing {
            probing.finish(&check.domain, fanout.history());
        }
    }
}

/// Waits for a connection slot (not counted against the deadline), then runs the session within
/// the deadline. The legacy TLS probe and the TLS quality probe's two hellos start beside it as
/// soon as the session's EHLO offered STARTTLS, each when a slot is free at once (else after the
/// session, in its slot): three extra connections at most (see `tls_quality`).
/// Connections still closing in the background after their goodbye keep the slot until they are
/// gone (they are still open), without holding up the address's result.
async fn session<D, C: Connector>(
    check: &CheckContext<'_, D, C>,
    fanout: &Fanout,
    host: String,
    ip: IpAddr,
) -> Option<AddressSummary> {
    let shared = check.shared;
    let queued = Instant::now();
    let slot = check.slot().await?;
    let queued = queued.elapsed();
    let mut transcript = Transcript::with_budget(Arc::clone(&check.budget));
    if queued >= QUEUED_NOTE {
        transcript.event(&format!("queued {} ms for a free connection slot", millis(queued)));
    }
    // The extra connections' transcripts and whether each connected, kept outside the deadline:
    // the legacy probe's, then the TLS quality probe's two.
    let mut beside: [Transcript; 3] = [transcript.beside(), transcript.beside(), transcript.beside()];
    let mut beside_connected = [false; 3];
    let target = Target { host: &host, ip, config: &shared.session, tls: &shared.tls, connector: &shared.connector };
    let mut probe = AddressProbe::new(target, fanout, transcript);
    probe.recipient = check.recipient.clone();
    probe.domain = check.domain.clone();
    let (legacy_on, quality_on) = (shared.depth.legacy_tls, shared.depth.tls_quality);
    let mut quality_reported = false;
    let run = async {
        if legacy_on || quality_on {
            let (offered, on_offer) = tokio::sync::oneshot::channel();
            probe.starttls_offered = Some(offered);
            let main = async {
                probe.run().await;
                probe.starttls_offered = None;
            };
            let [t_legacy, t_ordinary, t_weak] = &mut beside;
            let [c_legacy, c_ordinary, c_weak] = &mut beside_connected;
            let aside = async {
                if on_offer.await.is_err() {
                    return (None, None);
                }
                // Slots are taken at once or not at all: the session never waits for the extra ones.
                let legacy_slot = legacy_on.then(|| check.slot_now()).flatten();
                let quality_slots = if quality_on { [check.slot_now(), check.slot_now()] } else { [None, None] };
                let legacy = async {
                    let _slot = legacy_slot?;
                    Some(legacy_tls::attempt(&target, t_legacy, c_legacy).await)
                };
                let quality = async {
                    let connected = [c_ordinary, c_weak];
                    match quality_slots {
                        [Some(_a), Some(_b)] => {
                            Some(tls_quality::beside(&target, [t_ordinary, t_weak], connected).await)
                        }
                        [Some(_a), None] => Some(tls_quality::in_turn(&target, t_ordinary, connected).await),
                        _ => None,
                    }
                };
                tokio::join!(legacy, quality)
            };
            let (legacy, quality) = tokio::join!(main, aside).1;
            for (t, connected) in beside.iter_mut().zip(beside_connected.iter_mut()) {
                probe.transcript.absorb(std::mem::take(t));
                probe.connections = probe.connections.saturating_add(u8::from(std::mem::take(connected)));
            }
            match legacy {
                Some(result) => legacy_tls::report(&mut probe, result).await,
                None if legacy_on => legacy_tls::run(&mut probe).await,
                None => {}
            }
            match quality {
                Some(result) => tls_quality::report(&mut probe, result).await,
                None if quality_on => tls_quality::run(&mut probe).await,
                None => {}
            }
            quality_reported = true;
        } else {
            probe.run().await;
        }
        for port in &check.extra_ports {
            probe.run_port(*port).await;
        }
    };
    let deadline_hit = tokio::time::timeout(shared.deadline, run).await.is_err();
    // What the extra connections said (and opened) before the deadline cut them short.
    for (t, connected) in beside.into_iter().zip(beside_connected) {
        probe.transcript.absorb(t);
        probe.connections = probe.connections.saturating_add(u8::from(connected));
    }
    if deadline_hit {
        probe.transcript.event(&format!("deadline of {} s reached", shared.deadline.as_secs()));
        if quality_on && !quality_reported {
            tls_quality::deadline(&mut probe).await;
        }
    }
    let summary = AddressSummary {
        duration_ms: probe.transcript.elapsed_ms(),
        connections: probe.connections,
        failure: probe.failure.take(),
        protocol_error: probe.protocol_error.take(),
        server_closed: probe.server_closed.take(),
        deadline_hit,
        queued_ms: millis(queued),
        transcript: std::mem::take(&mut probe.transcript).finish(),
    };
    let lingering = probe.take_lingering();
    tokio::spawn(async move {
        for closing in lingering {
            let _ = closing.await;
        }
        drop(slot);
    });
    Some(summary)
}

/// One open connection's place under both caps: the check's and the engine's.
type Slot = (OwnedSemaphorePermit, OwnedSemaphorePermit);

impl<D, C> CheckContext<'_, D, C> {
    /// Waits for a slot: the check's own first, so a check waiting on its cap holds no global one.
    async fn slot(&self) -> Option<Slot> {
        let mine = Arc::clone(&self.slots).acquire_owned().await.ok()?;
        let global = Arc::clone(&self.shared.permits).acquire_owned().await.ok()?;
        Some((mine, global))
    }

    /// A slot if one is free right now.
    fn slot_now(&self) -> Option<Slot> {
        let mine = Arc::clone(&self.slots).try_acquire_owned().ok()?;
        let global = Arc::clone(&self.shared.permits).try_acquire_owned().ok()?;
        Some((mine, global))
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis().try_into().unwrap_or(u64::MAX)
}
