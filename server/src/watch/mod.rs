//! Monitoring: `mxray watch FILE` re-checks each domain on a schedule, politely as `mxray batch`,
//! stores every report ([`store`], SQLite or PostgreSQL), compares it with the one before and
//! alerts a webhook when something got worse or recovered ([`webhook`]); `mxray history DOMAIN`
//! prints a domain's timeline ([`history`]); `mxray serve --watch FILE` runs the same loop beside
//! the page, which shows it ([`view`]).

pub mod clock;
pub mod history;
pub mod store;
pub mod view;
pub mod watcher;
pub mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use mxray_report::{Lang, NormalizedInput};
use tokio::sync::Notify;

use crate::batch::list::items;
use crate::batch::polite::{Lanes, Polite};
use crate::probe::tls::TlsContext;
use crate::probe::{build_prober, ProbeOptions};
use clock::{SystemClock, WatchClock};
use store::Store;
use watcher::{NextChecks, Settings, Watcher};
use webhook::Webhook;

/// Exit code for unusable options, list or database (EX_USAGE).
const EXIT_USAGE: u8 = 64;

/// The monitoring settings `mxray watch` and `mxray serve --watch` share.
#[derive(Clone, Debug, clap::Args)]
pub struct WatchSettings {
    /// Where reports, open conditions and pending alerts are kept: a SQLite file
    /// (`sqlite://FILE` or a path) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "MXRAY_DATABASE", default_value = "sqlite://mxray-watch.db")]
    pub database: String,
    /// Time between two checks of a domain, e.g. `6h`, `30m` (each domain gets a fixed offset of up
    /// to a tenth of it).
    #[arg(long, env = "MXRAY_WATCH_EVERY", default_value = "6h", value_parser = every)]
    pub every: Duration,
    /// Alerts go here as JSON POSTs (`text` for Slack and Mattermost); without it they are only
    /// stored and logged.
    #[arg(long, env = "MXRAY_WEBHOOK", value_name = "URL")]
    pub webhook: Option<String>,
    /// Alert when a certificate has fewer days left than this.
    #[arg(long, env = "MXRAY_CERT_DAYS", default_value_t = 14, value_parser = clap::value_parser!(i64).range(0..=3650))]
    pub cert_days: i64,
    /// Keep reports this long, e.g. `90d` (each domain's latest always stays); `0` keeps all.
    #[arg(long, env = "MXRAY_KEEP", default_value = "90d", value_parser = keep)]
    pub keep: Duration,
    /// Language of the alerts (en or de).
    #[arg(long, env = "MXRAY_ALERT_LANG", default_value = "en", value_parser = lang)]
    pub alert_lang: Lang,
}

/// Arguments of `mxray watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// A file with one domain per line (blank lines and # comments skipped).
    pub list: PathBuf,
    /// Monitoring settings.
    #[command(flatten)]
    pub settings: WatchSettings,
    /// Check every domain once, store, alert, and exit (for cron).
    #[arg(long)]
    pub once: bool,
    /// Domains checked at once.
    #[arg(long, env = "MXRAY_WATCH_CONCURRENCY", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub concurrency: u64,
    /// Seconds between two connections to one mail server address (one at a time, always).
    #[arg(long, env = "MXRAY_PER_IP_INTERVAL", default_value_t = 1.0)]
    pub per_ip_interval: f64,
    /// Probe settings.
    #[command(flatten)]
    pub probe: ProbeOptions,
}

fn every(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 6h, 30m)"))?;
    if d < Duration::from_secs(1) {
        return Err("the interval must be at least 1s".into());
    }
    Ok(d)
}

fn keep(s: &str) -> Result<Duration, String> {
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 90d)"))
}

fn lang(tag: &str) -> Result<Lang, String> {
    Lang::from_tag(tag).ok_or_else(|| format!("unknown language {tag:?}, use en or de"))
}

/// The domains of a watch list; an unreadable list or a line that is no domain is an error.
pub fn read_list(path: &std::path::Path) -> Result<Vec<NormalizedInput>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the list {}: {e}", path.display()))?;
    let mut out: Vec<NormalizedInput> = Vec::new();
    for item in items(&text) {
        match item.parsed {
            Ok(input) if out.iter().any(|o| o.domain == input.domain) => {}
            Ok(input) => out.push(input),
            Err(e) => return Err(format!("{}: line {}: {:?}: {e}", path.display(), item.position, item.input)),
        }
    }
    if out.is_empty() {
        return Err(format!("{}: no domain to watch", path.display()));
    }
    Ok(out)
}

/// A running watcher: its loop and webhook delivery as tasks, and what the page reads.
pub struct Running {
    /// The store (the page reads it).
    pub store: Store,
    /// The watched domains, in the list's order.
    pub domains: Vec<String>,
    /// The next check of each domain.
    pub next: NextChecks,
    /// The watch loop.
    pub task: tokio::task::JoinHandle<()>,
}

/// Opens the store and starts the loop and the webhook delivery on the runtime (the loop ends after
/// one round with `once`).
pub async fn start<K: WatchClock>(
    domains: Vec<NormalizedInput>,
    settings: &WatchSettings,
    probe: &ProbeOptions,
    concurrency: usize,
    per_ip_interval: Duration,
    clock: Arc<K>,
    once: bool,
) -> Result<Running, String> {
    let store = Store::open(&settings.database).await.map_err(|e| format!("{}: {e}", settings.database))?;
    let wake = Arc::new(Notify::new());
    if let Some(url) = &settings.webhook {
        let tls = TlsContext::new(probe.ca_file.as_deref()).map_err(|e| e.to_string())?;
        let hook = Webhook::new(url, Arc::new(tls)).map_err(|e| e.to_string())?;
        tokio::spawn(webhook::deliver(store.clone(), hook, Arc::clone(&clock), Arc::clone(&wake)));
    }
    let lanes = Lanes::new(per_ip_interval);
    let (engine, _) = build_prober(probe, |guarded| Polite::new(guarded, lanes)).map_err(|e| e.to_string())?;
    let next = NextChecks::default();
    let watcher = Watcher {
        engine,
        store: store.clone(),
        clock,
        settings: Settings {
            every: settings.every,
            cert_days: settings.cert_days,
            keep: (!settings.keep.is_zero()).then_some(settings.keep),
            lang: settings.alert_lang,
            concurrency,
        },
        wake,
        next: Arc::clone(&next),
    };
    let names = domains.iter().map(|d| d.domain.clone()).collect();
    let task = tokio::spawn(async move { watcher.run(&domains, once.then_some(1)).await });
    Ok(Running { store, domains: names, next, task })
}

/// Runs `mxray watch` until Ctrl-C or SIGTERM (or after one round with `--once`).
pub async fn run(args: WatchArgs) -> ExitCode {
    crate::process::init_logging();
    let domains = match read_list(&args.list) {
        Ok(domains) => domains,
        Err(e) => return usage(&e),
    };
    if !(0.0..=3600.0).contains(&args.per_ip_interval) {
        return usage("--per-ip-interval must be between 0 and 3600 seconds");
    }
    let count = domains.len();
    let concurrency = usize::try_from(args.concurrency).unwrap_or(8);
    let interval = Duration::from_secs_f64(args.per_ip_interval);
    let running = match start(
        domains,
        &args.settings,
        &args.probe,
        concurrency,
        interval,
        Arc::new(SystemClock),
        args.once,
    )
    .await
    {
        Ok(running) => running,
        Err(e) => return usage(&e),
    };
    tracing::info!("watching {count} domains every {}", humantime::format_duration(args.settings.every));
    let mut task = running.task;
    tokio::select! {
        _ = &mut task => {
            if args.once && args.settings.webhook.is_some() {
                // One round for cron: give the queued alerts a moment to leave (pending ones
                // stay in the store for the next run).
                drain(&running.store).await;
            }
        }
        () = crate::process::shutdown() => tracing::info!("watch: stopping"),
    }
    running.store.close().await;
    ExitCode::SUCCESS
}

/// Waits up to 30 s for the pending alerts to be delivered.
async fn drain(store: &Store) {
    for _ in 0..60 {
        match store.next_alert_due().await {
            Ok(None) | Err(_) => return,
            Ok(Some(at)) if at > SystemClock.now() + 30 => return,
            Ok(Some(_)) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("mxray: {message}");
    ExitCode::from(EXIT_USAGE)
}
