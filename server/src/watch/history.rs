//! `mxray history DOMAIN`: a watched domain's timeline from the store, as text or JSON.

use std::process::ExitCode;

use mxray_report::diff::Trend;
use mxray_report::watch::view::DomainHistory;
use mxray_report::{normalize, Lang};
use serde::Serialize;

use super::store::Store;

/// Arguments of `mxray history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The domain.
    pub domain: String,
    /// The store `mxray watch` writes (SQLite file or PostgreSQL URL).
    #[arg(long, env = "MXRAY_DATABASE", default_value = "sqlite://mxray-watch.db")]
    pub database: String,
    /// Print JSON: the timeline and the conditions open now.
    #[arg(long)]
    pub json: bool,
    /// Language (en or de).
    #[arg(long, default_value = "en", value_parser = |t: &str| Lang::from_tag(t).ok_or_else(|| format!("unknown language {t:?}, use en or de")))]
    pub lang: Lang,
}

/// The JSON output.
#[derive(Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    history: &'a DomainHistory,
    open: Vec<mxray_report::watch::view::OpenLine>,
}

/// Prints the timeline; exit 0, or 64 for an unusable domain or database, 1 when nothing is stored.
pub async fn run(args: HistoryArgs) -> ExitCode {
    let domain = match normalize(&args.domain) {
        Ok(input) => input.domain,
        Err(e) => return fail(64, &format!("cannot read {:?}: {e}", args.domain)),
    };
    let store = match Store::open(&args.database).await {
        Ok(store) => store,
        Err(e) => return fail(64, &format!("{}: {e}", args.database)),
    };
    let lang = args.lang;
    let result = async {
        let history = super::view::history(&store, &domain, lang).await?;
        let open = super::view::watched(&store, std::slice::from_ref(&domain), &Default::default(), lang).await?;
        Ok::<_, super::store::StoreError>((history, open.into_iter().next().map(|w| w.open).unwrap_or_default()))
    }
    .await;
    store.close().await;
    let (history, open) = match result {
        Ok(found) => found,
        Err(e) => return fail(1, &format!("reading the history failed: {e}")),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Output { history: &history, open }).unwrap_or_default());
    } else if history.checks.is_empty() {
        return fail(1, &format!("no stored check of {domain} in {}", args.database));
    } else {
        print!("{}", text(&history, &open, lang));
    }
    ExitCode::SUCCESS
}

/// The timeline as lines: each check with its worst severity and the certificate's days, then
/// what changed at it; then the conditions open now.
fn text(h: &DomainHistory, open: &[mxray_report::watch::view::OpenLine], lang: Lang) -> String {
    let pick = |en: &'static str, de: &'static str| mxray_report::texts::pick(lang, en, de);
    let mut out = format!(
        "{} {} ({})\n",
        pick("History of", "Verlauf von"),
        h.domain,
        mxray_report::texts::count(h.checks.len(), pick("check", "Prüfung"), pick("checks", "Prüfungen"))
    );
    for (i, c) in h.checks.iter().enumerate() {
        let cert = c.cert_days.map(|d| format!("  {} {d}", pick("cert days", "Zert.-Tage"))).unwrap_or_default();
        let cut = if c.complete { "" } else { pick("  (cut off)", "  (abgebrochen)") };
        out.push_str(&format!("{}  {:<8}{cert}{cut}  #{}\n", c.checked_at, c.worst.label(lang), c.id));
        if i == 0 {
            out.push_str(&format!("    {}\n", pick("first stored check", "erste gespeicherte Prüfung")));
        }
        for line in &c.changes {
            let mark = match line.trend {
                Trend::Worse => "✗",
                Trend::Better => "✓",
                Trend::Changed => "•",
            };
            out.push_str(&format!("    {mark} {}\n", line.text));
        }
    }
    if open.is_empty() {
        out.push_str(pick("Nothing open now.\n", "Derzeit nichts offen.\n"));
    } else {
        out.push_str(pick("Open now:\n", "Derzeit offen:\n"));
        for o in open {
            out.push_str(&format!("  {} {} ({} {})\n", o.severity.label(lang), o.text, pick("since", "seit"), o.since));
        }
    }
    out
}

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("mxray: {message}");
    ExitCode::from(code)
}
