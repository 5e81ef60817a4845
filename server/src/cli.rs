//! `mxray check`: normalise the input, run the engine, fold its events, print one renderer's output.

use futures::StreamExt;
use mxray_report::render::{render, text, Format};
use mxray_report::{normalize, Lang, Report, Severity};
use std::io::IsTerminal;
use std::process::ExitCode;

use crate::probe::{build_engine, ProbeOptions};

/// Exit code for unusable input (EX_USAGE).
const EXIT_USAGE: u8 = 64;
/// Exit code when a finding is critical.
const EXIT_CRITICAL: u8 = 2;

/// Arguments of `mxray check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Domain or e-mail address to check.
    pub domain: String,
    /// Output format: text, json, html or md.
    #[arg(long, default_value = "text")]
    pub format: Format,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Language of the text, HTML and Markdown output (en or de).
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    /// Add every address's SMTP transcript to the text output.
    #[arg(long)]
    pub transcript: bool,
    /// Colour the text output: auto (on a terminal), always or never.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub color: String,
    /// Probe settings.
    #[command(flatten)]
    pub probe: ProbeOptions,
}

fn parse_lang(tag: &str) -> Result<Lang, String> {
    Lang::from_tag(tag).ok_or_else(|| format!("unknown language {tag:?}, use en or de"))
}

/// Runs one check and prints the report; exit 0 (no critical finding), 2 (critical) or 64 (bad input).
pub async fn run(args: CheckArgs) -> ExitCode {
    let input = match normalize(&args.domain) {
        Ok(input) => input,
        Err(e) => return usage(&format!("cannot check {:?}: {e}", args.domain)),
    };
    let engine = match build_engine(&args.probe) {
        Ok(engine) => engine,
        Err(e) => return usage(&e.to_string()),
    };
    let mut events = engine.check(input);
    let mut report = Report::empty();
    while let Some(event) = events.next().await {
        mxray_report::fold(&mut report, &event);
    }
    let format = if args.json { Format::Json } else { args.format };
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let output = match format {
        Format::Text => text::render(&report, args.lang, text::TextOptions { color, transcript: args.transcript }),
        other => render(&report, other, args.lang, color),
    };
    println!("{output}");
    if report.worst_severity() == Severity::Critical {
        ExitCode::from(EXIT_CRITICAL)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("mxray: {message}");
    ExitCode::from(EXIT_USAGE)
}
