//! One probed address, several MX names: the results of the one session go to every MX host that
//! lists the address. A host whose lookup finishes after the probe began gets everything so far
//! replayed, so no host waits for a second session to the same server.

use futures::future::{BoxFuture, Shared};
use mxray_report::model::dane::DaneReason;
use mxray_report::model::event::PortStep;
use mxray_report::model::report::{ProtocolError, RelayReport, ServerClosed};
use mxray_report::{CheckEvent, StepResult};
use rustls::pki_types::CertificateDer;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::Sender;
use tokio::sync::watch;

use super::certificate;
use super::clock::now_unix;
use super::dane::{step_presented, Presented};
use super::provider::{self, RecipientHosts};
use super::tls::TlsContext;

/// The relay recipient's mail hosts, looked up once per check from its start, beside the probing;
/// every address's relay verdict waits for it (usually long done by then; its lookups are bounded
/// by the step timeout).
pub type RecipientLookup = Shared<BoxFuture<'static, Arc<RecipientHosts>>>;

/// How a finished address is summed up (the `address_done` event without the MX index).
#[derive(Clone, Debug)]
pub struct AddressSummary {
    /// Wall time at the address.
    pub duration_ms: u64,
    /// Every line exchanged.
    pub transcript: Vec<mxray_report::model::report::TranscriptLine>,
    /// The deadline ended the session.
    pub deadline_hit: bool,
    /// TCP connections opened.
    pub connections: u8,
    /// Why the session ended early.
    pub failure: Option<mxray_report::model::report::SessionFailure>,
    /// The reply that broke the exchange.
    pub protocol_error: Option<ProtocolError>,
    /// A `421` that closed the session where no step report shows it.
    pub server_closed: Option<ServerClosed>,
    /// Time spent waiting for a connection slot.
    pub queued_ms: u64,
}

/// What happened at the address so far, kept for hosts that subscribe late.
#[derive(Clone, Debug)]
enum Record {
    Step(Box<StepResult>),
    Chain(Vec<CertificateDer<'static>>),
    /// The chain presented on a submission port (465, 587).
    PortChain(u16, Vec<CertificateDer<'static>>),
    Done(Box<AddressSummary>),
}

/// Everything one address's probe found, in order: kept to answer later checks of the same address
/// (the address cache of `reuse.rs`).
#[derive(Clone, Debug, Default)]
pub struct History(Vec<Record>);

/// The MX hosts (index and name) listing one address, and the events sent for it so far.
#[derive(Debug, Default)]
struct Subscribers {
    hosts: Vec<(usize, String)>,
    history: Vec<Record>,
}

/// Sends one address's results to every MX host that lists it.
pub struct Fanout {
    ip: IpAddr,
    tls: TlsContext,
    events: Sender<CheckEvent>,
    state: Mutex<Subscribers>,
    /// What the address presented for DANE, once known (the first TLS outcome of the session).
    presented: watch::Sender<Option<Presented>>,
    /// The relay recipient's mail hosts: a relay probe to a domain this server hosts is no test.
    recipient: Option<RecipientLookup>,
}

impl Fanout {
    /// A fan-out for `ip` with no host yet.
    pub fn new(ip: IpAddr, tls: TlsContext, events: Sender<CheckEvent>) -> Self {
        Fanout { ip, tls, events, state: Mutex::default(), presented: watch::Sender::new(None), recipient: None }
    }

    /// Judges the relay verdicts against the relay recipient's mail hosts.
    pub fn with_recipient(mut self, lookup: RecipientLookup) -> Self {
        self.recipient = Some(lookup);
        self
    }

    /// The address.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// Waits until it is known what the address presented for DANE: a chain, no TLS, or nothing.
    pub async fn presented(&self) -> Presented {
        let mut seen = self.presented.subscribe();
        let result = seen.wait_for(Option::is_some).await.map(|p| p.clone());
        result.ok().flatten().unwrap_or(Presented::NotReached(DaneReason::SessionEnded { failure: None }, None))
    }

    /// Records what the address presented, unless something was already recorded.
    fn present(&self, what: Presented) {
        self.presented.send_if_modified(|p| p.is_none() && p.replace(what).is_none());
    }

    /// Adds MX host `mx` (named `host`) and sends it everything recorded so far.
    pub async fn subscribe(&self, mx: usize, host: &str) {
        let (first, replay) = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.hosts.push((mx, host.to_owned()));
            (state.hosts[0].1.clone(), state.history.clone())
        };
        for record in replay {
            self.send_to(mx, host, &first, &record).await;
        }
    }

    /// Records a result and sends it to every subscribed host.
    async fn publish(&self, record: Record) {
        let hosts = {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.history.push(record.clone());
            state.hosts.clone()
        };
        let first = hosts.first().map(|(_, h)| h.clone()).unwrap_or_default();
        for (mx, host) in &hosts {
            self.send_to(*mx, host, &first, &record).await;
        }
    }

    /// What the address's probe found so far.
    pub fn history(&self) -> History {
        History(self.state.lock().unwrap_or_else(|e| e.into_inner()).history.clone())
    }

    /// Plays another check's probe of this address as if it happened here: each host gets the
    /// certificate judged against its own name and the relay verdict against this check's
    /// recipient; the transcript says where it came from and no connection is counted.
    pub async fn replay(&self, history: &History, note: &str) {
        for record in &history.0 {
            match record.clone() {
                Record::Step(step) => self.step(*step).await,
                Record::Chain(chain) => self.certificate(&chain).await,
                Record::PortChain(port, chain) => self.port_certificate(port, &chain).await,
                Record::Done(mut summary) => {
                    summary.connections = 0;
                    summary.queued_ms = 0;
                    let line = mxray_report::model::report::TranscriptLine {
                        at_ms: 0,
                        dir: mxray_report::model::report::Direction::Event,
                        text: note.to_owned(),
                    };
                    summary.transcript.insert(0, line);
                    self.done(*summary).await;
                }
            }
        }
    }

    /// The first STARTTLS step's result at this address (the main session's), when it ran; the
    /// legacy TLS probe follows it.
    pub fn starttls(&self) -> Option<mxray_report::model::report::StartTlsReport> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.history.iter().find_map(|r| match r {
            Record::Step(step) => match &**step {
                StepResult::Starttls(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        })
    }

    /// One step finished.
    pub async fn step(&self, mut step: StepResult) {
        if let StepResult::OpenRelay(relay) = &mut step {
            self.judge_recipient(relay).await;
        }
        if let Some(without_chain) = step_presented(&step) {
            self.present(without_chain);
        }
        self.publish(Record::Step(Box::new(step))).await;
    }

    /// A relay verdict is no relay test when the recipient's domain is served by this server (its
    /// address, one of its MX names, or their provider): the server may take that mail as its own.
    async fn judge_recipient(&self, relay: &mut RelayReport) {
        let Some(lookup) = &self.recipient else { return };
        let recipient = lookup.clone().await;
        let names: Vec<String> = {
            let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.hosts.iter().map(|(_, host)| host.clone()).collect()
        };
        if provider::served_here(&recipient, &names, self.ip).is_some() {
            provider::not_a_relay_test(relay);
        }
    }

    /// The chain presented on submission port `port`, judged like the MX port's.
    pub async fn port_certificate(&self, port: u16, chain: &[CertificateDer<'static>]) {
        self.publish(Record::PortChain(port, chain.to_vec())).await;
    }

    /// The chain the server presented; each host gets it judged against its own name.
    pub async fn certificate(&self, chain: &[CertificateDer<'static>]) {
        self.present(Presented::Chain(chain.to_vec()));
        self.publish(Record::Chain(chain.to_vec())).await;
    }

    /// The address is done.
    pub async fn done(&self, summary: AddressSummary) {
        let why = DaneReason::SessionEnded { failure: summary.failure.clone() };
        self.present(Presented::NotReached(why, None));
        self.publish(Record::Done(Box::new(summary))).await;
    }

    /// One record as the event for host `mx`. The chain is judged against that host's own name; the
    /// transcript goes to the host whose name the session used, the others point there.
    async fn send_to(&self, mx: usize, host: &str, probed_as: &str, record: &Record) {
        let ip = self.ip;
        let event = match record {
            Record::Step(step) => CheckEvent::Step { mx, ip, step: step.clone() },
            Record::Chain(chain) => match certificate::judge(&self.tls, chain, host, now_unix()) {
                Some(c) => CheckEvent::Step { mx, ip, step: Box::new(StepResult::Certificate(c)) },
                None => return,
            },
            Record::PortChain(port, chain) => match certificate::judge(&self.tls, chain, host, now_unix()) {
                Some(c) => {
                    let step = StepResult::Port(PortStep { port: *port, step: Box::new(StepResult::Certificate(c)) });
                    CheckEvent::Step { mx, ip, step: Box::new(step) }
                }
                None => return,
            },
            Record::Done(s) => {
                let shared = host != probed_as;
                CheckEvent::AddressDone {
                    mx,
                    ip,
                    duration_ms: s.duration_ms,
                    transcript: if shared { Vec::new() } else { s.transcript.clone() },
                    deadline_hit: s.deadline_hit,
                    connections: if shared { 0 } else { s.connections },
                    // Said in `failure`, in the report's terms.
                    error: None,
                    failure: s.failure.clone(),
                    protocol_error: s.protocol_error.clone(),
                    server_closed: s.server_closed.clone(),
                    queued_ms: s.queued_ms,
                    same_server_as: shared.then(|| probed_as.to_owned()),
                }
            }
        };
        // A closed channel means the client left; the check task is being dropped anyway.
        let _ = self.events.send(event).await;
    }
}
