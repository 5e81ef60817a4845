//! `mxray batch`: many domains in one run, politely. Each list line becomes one output line (the
//! report of `check --json`, or why it was not checked); at most `--concurrency` domains run at
//! once; one connection at a time to each mail server address with `--per-ip-interval` between
//! them ([`polite`]); domains whose addresses are free go first, so one busy provider does not hold
//! up the rest ([`schedule`]); `--resume` continues a killed run; `--shard K/N` keeps one of N parts
//! of the list for schedulers that run many processes.

pub mod list;
pub mod output;
pub mod polite;
pub mod progress;
pub mod schedule;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::probe::{build_prober, ProbeOptions};
use list::{items, Shard};
use output::{BatchFormat, Sink};
use polite::{Lanes, Polite};

/// Exit code for unusable options or an unreadable list (EX_USAGE).
const EXIT_USAGE: u8 = 64;
/// Exit code with `--fail-on critical` when a domain has a critical finding.
const EXIT_CRITICAL: u8 = 2;

/// What decides a shard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ShardBy {
    /// The domain's name.
    #[default]
    Domain,
    /// The registrable domain of the domain's first MX host (resolved first): one provider's
    /// addresses stay in one shard, so politeness holds across shards too.
    Mx,
}

/// When the exit code says something was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 2 when any domain has a critical finding.
    Critical,
}

/// Arguments of `mxray batch`.
#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// A file with one domain or e-mail address per line (blank lines and # comments skipped), or
    /// `-` for standard input.
    pub list: String,
    /// Output: one NDJSON line per list line, or CSV rows (one per MX address).
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: BatchFormat,
    /// Write to this file, one whole line at a time (standard output when absent).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Skip the lines already in `--output` (a killed run goes on where it stopped).
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Domains checked at once.
    #[arg(long, env = "MXRAY_BATCH_CONCURRENCY", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub concurrency: u64,
    /// Seconds between two connections to one mail server address (one at a time, always).
    #[arg(long, env = "MXRAY_PER_IP_INTERVAL", default_value_t = 1.0, value_parser = interval)]
    pub per_ip_interval: f64,
    /// Seconds a finished probe of a mail server address answers for other domains at the same
    /// address (no new session; the certificate is judged against each domain's MX name); 0: every
    /// domain gets sessions of its own.
    #[arg(long, env = "MXRAY_REUSE_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub reuse_secs: u64,
    /// Keep only shard K of N (K from 0), e.g. `--shard 2/8` or `--shard "$JOB_COMPLETION_INDEX/8"`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Shard by the domain's name, or by its MX provider (resolved first).
    #[arg(long, value_enum, default_value = "domain", requires = "shard")]
    pub shard_by: ShardBy,
    /// Exit 2 when a domain has a critical finding (else 0 whenever every domain was checked).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Probe settings.
    #[command(flatten)]
    pub probe: ProbeOptions,
}

fn interval(s: &str) -> Result<f64, String> {
    let secs: f64 = s.parse().map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(0.0..=3600.0).contains(&secs) {
        return Err(format!("{secs} s is outside 0 to 3600 s"));
    }
    Ok(secs)
}

/// Runs the batch; exit 0 (every line done), 2 (`--fail-on critical` and a critical finding) or 64.
pub async fn run(args: BatchArgs) -> ExitCode {
    let text = match read_list(&args.list) {
        Ok(text) => text,
        Err(e) => return usage(&format!("cannot read the list {:?}: {e}", args.list)),
    };
    let mut lines = items(&text);
    if let Some(shard) = args.shard {
        // By MX provider the schedule decides after the lookup; a line that is no domain has no
        // provider and goes by its text, so it is written by exactly one shard either way.
        lines.retain(|i| match (i.domain(), args.shard_by) {
            (Some(domain), ShardBy::Domain) => shard.keeps(domain),
            (Some(_), ShardBy::Mx) => true,
            (None, _) => shard.keeps(&i.input),
        });
    }
    let (sink, done) = match &args.output {
        Some(path) => match output::open(path, args.format, args.resume) {
            Ok(opened) => opened,
            Err(e) => return usage(&format!("cannot write {}: {e}", path.display())),
        },
        None => {
            let mut sink = Sink::Stdout;
            if args.format == BatchFormat::Csv {
                let _ = sink.write(&output::header());
            }
            (sink, Default::default())
        }
    };
    lines.retain(|i| !done.contains(&(i.position, i.input.clone())));
    let lanes = Lanes::new(Duration::from_secs_f64(args.per_ip_interval));
    let (engine, dns) = match build_prober(&args.probe, |guarded| Polite::new(guarded, lanes.clone())) {
        Ok((engine, dns)) => {
            (engine.with_reuse((args.reuse_secs > 0).then(|| Duration::from_secs(args.reuse_secs))), dns)
        }
        Err(e) => return usage(&e.to_string()),
    };
    let plan = schedule::Plan {
        concurrency: usize::try_from(args.concurrency).unwrap_or(1),
        shard: args.shard.filter(|_| args.shard_by == ShardBy::Mx),
        limit: args.probe.step_timeout(),
        format: args.format,
    };
    let summary = schedule::run(plan, lines, &engine, &dns, &lanes, sink).await;
    eprintln!("{}", summary.sentence());
    if let Some(e) = &summary.write_error {
        eprintln!("mxray: writing the output failed: {e}");
        return ExitCode::FAILURE;
    }
    match args.fail_on {
        Some(FailOn::Critical) if summary.critical > 0 => ExitCode::from(EXIT_CRITICAL),
        _ => ExitCode::SUCCESS,
    }
}

fn read_list(path: &str) -> std::io::Result<String> {
    let mut text = String::new();
    if path == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(path)?;
    }
    Ok(text)
}

fn usage(message: &str) -> ExitCode {
    eprintln!("mxray: {message}");
    ExitCode::from(EXIT_USAGE)
}
