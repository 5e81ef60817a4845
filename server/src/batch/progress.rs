//! The batch's progress on standard error: a bar on a terminal (done/total, rate, time left, how many
//! were critical or not domains), a plain line every ten seconds otherwise (logs of a scheduled job).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mxray_report::Severity;
use std::io::IsTerminal;
use std::time::Duration;
use tokio::time::Instant;

/// How often the plain progress line is written when standard error is no terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(10);

/// Progress of one run.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    critical: usize,
    invalid: usize,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// Progress over `total` lines: a bar when standard error is a terminal.
    pub fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} · {per_sec} · ETA {eta} · {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        let now = Instant::now();
        Progress { bar, total, done: 0, critical: 0, invalid: 0, started: now, last_line: now }
    }

    /// One line done: its worst severity, or `None` when it was no domain.
    pub fn done(&mut self, worst: Option<Severity>) {
        match worst {
            None => self.invalid += 1,
            Some(Severity::Critical) => self.critical += 1,
            Some(_) => {}
        }
        self.advance();
    }

    /// One line left to another shard.
    pub fn skip(&mut self) {
        self.advance();
    }

    fn advance(&mut self) {
        self.done += 1;
        let failures = format!("{} critical · {} invalid", self.critical, self.invalid);
        match &self.bar {
            Some(bar) => {
                bar.set_message(failures);
                bar.set_position(self.done as u64);
            }
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
                let left = (self.total - self.done.min(self.total)) as f64 / rate.max(f64::MIN_POSITIVE);
                eprintln!(
                    "mxray batch: {}/{} done, {rate:.1}/s, about {:.0} s left, {failures}",
                    self.done, self.total, left
                );
            }
            None => {}
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
