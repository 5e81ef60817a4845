//! `mxray`: serve the web app (default), or check one domain from the command line.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: under load glibc kept the memory freed by finished checks in
/// its arenas, so the server's RSS grew over the first ten thousand checks while the memory in use
/// stayed flat; mimalloc hands freed pages back (README, "Benchmarks", `--bench load`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// SMTP/MX tester: MX records, port 25, banner, EHLO, STARTTLS, certificate, open relay.
#[derive(Parser)]
#[command(name = "mxray", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check one domain (or e-mail address) and print the report.
    Check(server::cli::CheckArgs),
    /// Check many domains, one per line of a file, politely; one output line per domain.
    Batch(server::batch::BatchArgs),
    /// Watch domains: re-check on a schedule, store every report, alert a webhook on changes.
    Watch(server::watch::WatchArgs),
    /// Print a watched domain's timeline from the monitoring store.
    History(server::watch::history::HistoryArgs),
    /// Serve the web app and the HTTP API (the default).
    Serve(server::web::ServeArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(64); // EX_USAGE, so exit 2 keeps meaning "critical finding"
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli.command {
        Some(Command::Check(args)) => server::cli::run(args).await,
        Some(Command::Batch(args)) => server::batch::run(args).await,
        Some(Command::Watch(args)) => server::watch::run(args).await,
        Some(Command::History(args)) => server::watch::history::run(args).await,
        Some(Command::Serve(args)) => server::web::serve(args).await,
        None => server::web::serve(server::web::ServeArgs::from_env()).await,
    }
}
