//! The record of everything said at one address, with millisecond offsets.

use app::report::{Direction, TranscriptLine};
use std::time::Instant;

/// Most transcript lines kept per address; the rest is counted, not stored.
const MAX_LINES: usize = 1000;

/// Lines sent and received at one address, timed from its first connect attempt.
#[derive(Debug)]
pub struct Transcript {
    start: Instant,
    lines: Vec<TranscriptLine>,
    dropped: usize,
}

impl Transcript {
    /// An empty transcript starting now.
    pub fn new() -> Self {
        Transcript { start: Instant::now(), lines: Vec::new(), dropped: 0 }
    }

    /// Milliseconds since the start.
    pub fn elapsed_ms(&self) -> u64 {
        self.start.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
    }

    /// Records a line (non-printable bytes escaped).
    pub fn push(&mut self, dir: Direction, text: &str) {
        if self.lines.len() >= MAX_LINES {
            self.dropped += 1;
            return;
        }
        let text = printable(text);
        self.lines.push(TranscriptLine { at_ms: self.elapsed_ms(), dir, text });
    }

    /// Records something that is not a line (connect, TLS handshake, timeout).
    pub fn event(&mut self, text: &str) {
        self.push(Direction::Event, text);
    }

    /// The lines, with a closing note when some were dropped.
    pub fn finish(mut self) -> Vec<TranscriptLine> {
        if self.dropped > 0 {
            let at_ms = self.elapsed_ms();
            let text = format!("{} more lines not kept", self.dropped);
            self.lines.push(TranscriptLine { at_ms, dir: Direction::Event, text });
        }
        self.lines
    }
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

/// Escapes control characters only, so umlauts in banners stay readable.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
