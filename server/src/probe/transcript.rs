//! The record of everything said at one address, with millisecond offsets.
//!
//! Bounded three ways, so a flooding server costs a fixed amount of memory and report: at most
//! [`MAX_LINES`] lines and [`MAX_BYTES`] bytes of text per address, and at most what a
//! [`TranscriptBudget`] shared by all addresses of one check has left. Bytes are counted after
//! escaping (a control byte grows to up to six), and only what is kept is escaped. The line that
//! crosses a byte cap is cut; everything after it is only counted, and [`Transcript::finish`] closes
//! with a note saying how much was not kept.

use mxray_report::model::report::{Direction, TranscriptLine};

use super::wire::{escaped_len, printable};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
// tokio's clock, the one the timeouts run on: on a test's paused clock the times reported follow it.
use tokio::time::Instant;

/// Most transcript lines kept per address; the rest is counted, not stored.
pub const MAX_LINES: usize = 1000;
/// Most bytes of (escaped) transcript text kept per address.
pub const MAX_BYTES: usize = 64 * 1024;
/// Bytes of transcript text all addresses of one check may keep together (see [`TranscriptBudget`]).
pub const MAX_CHECK_BYTES: usize = 1024 * 1024;
/// A line crossing a byte cap is cut when at least this much of it fits, else dropped whole.
const MIN_CUT: usize = 64;

/// Bytes of transcript text that all addresses of one check may still keep, shared between their
/// transcripts (`Arc`): one flooding address cannot make a check's report larger than this.
#[derive(Debug)]
pub struct TranscriptBudget {
    total: usize,
    remaining: AtomicUsize,
}

impl TranscriptBudget {
    /// A budget of `bytes` bytes of transcript text.
    pub fn new(bytes: usize) -> Self {
        TranscriptBudget { total: bytes, remaining: AtomicUsize::new(bytes) }
    }

    /// The budget of one check, [`MAX_CHECK_BYTES`], ready to share.
    pub fn per_check() -> Arc<Self> {
        Arc::new(Self::new(MAX_CHECK_BYTES))
    }

    /// Bytes still available.
    pub fn remaining(&self) -> usize {
        self.remaining.load(Ordering::Relaxed)
    }

    /// Bytes the budget started with.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Takes up to `want` bytes; returns how many were granted.
    fn take(&self, want: usize) -> usize {
        let granted = |left: usize| want.min(left);
        self.remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| Some(left - granted(left)))
            .map_or(0, granted)
    }

    /// Returns bytes taken but not used.
    fn give_back(&self, bytes: usize) {
        if bytes > 0 {
            self.remaining.fetch_add(bytes, Ordering::Relaxed);
        }
    }
}

/// Which cap stopped the transcript.
#[derive(Debug, Clone, Copy)]
enum Cut {
    Lines,
    Bytes,
    Check,
}

/// Lines sent and received at one address, timed from its first connect attempt.
#[derive(Debug)]
pub struct Transcript {
    start: Instant,
    lines: Vec<TranscriptLine>,
    bytes: usize,
    budget: Option<Arc<TranscriptBudget>>,
    cut: Option<Cut>,
    dropped_lines: usize,
    dropped_bytes: usize,
}

impl Transcript {
    /// An empty transcript starting now, with the per-address caps but no check budget.
    pub fn new() -> Self {
        Transcript {
            start: Instant::now(),
            lines: Vec::new(),
            bytes: 0,
            budget: None,
            cut: None,
            dropped_lines: 0,
            dropped_bytes: 0,
        }
    }

    /// An empty transcript starting now whose text also comes out of `budget`, shared with the
    /// other addresses of the same check.
    pub fn with_budget(budget: Arc<TranscriptBudget>) -> Self {
        Transcript { budget: Some(budget), ..Self::new() }
    }

    /// An empty transcript for a connection made beside this one: the same start (so times
    /// compare) and the same check budget; [`Transcript::absorb`] brings its lines back.
    pub fn beside(&self) -> Self {
        Transcript { start: self.start, budget: self.budget.clone(), ..Self::new() }
    }

    /// Appends the lines of a transcript made by [`Transcript::beside`] as one block, as far as this
    /// transcript's caps allow (their times stay as they were).
    pub fn absorb(&mut self, other: Transcript) {
        for line in other.finish() {
            let need = line.text.len();
            if self.cut.is_some() || self.lines.len() >= MAX_LINES || self.bytes + need > MAX_BYTES {
                // What the other took from the shared budget stays taken: the check's bound holds.
                self.cut.get_or_insert(if self.lines.len() >= MAX_LINES { Cut::Lines } else { Cut::Bytes });
                self.drop_line(need);
                continue;
            }
            self.bytes += need;
            self.lines.push(line);
        }
    }

    /// Milliseconds since the start.
    pub fn elapsed_ms(&self) -> u64 {
        self.start.elapsed().as_millis().try_into().unwrap_or(u64::MAX)
    }

    /// Bytes of text kept so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Records a line (non-printable bytes escaped), as far as the caps allow.
    pub fn push(&mut self, dir: Direction, text: &str) {
        let need = escaped_len(text);
        if self.cut.is_none() && self.lines.len() >= MAX_LINES {
            self.cut = Some(Cut::Lines);
        }
        if self.cut.is_some() {
            self.drop_line(need);
            return;
        }
        let want = need.min(MAX_BYTES - self.bytes);
        let granted = self.budget.as_ref().map_or(want, |b| b.take(want));
        let text = if granted == need {
            printable(text, need)
        } else {
            self.cut = Some(if granted < want { Cut::Check } else { Cut::Bytes });
            if granted < MIN_CUT {
                self.give_back(granted);
                self.drop_line(need);
                return;
            }
            let kept = printable(text, granted);
            self.give_back(granted - kept.len());
            self.dropped_bytes += need - kept.len();
            kept
        };
        self.bytes += text.len();
        self.lines.push(TranscriptLine { at_ms: self.elapsed_ms(), dir, text });
    }

    /// Records something that is not a line (connect, TLS handshake, timeout).
    pub fn event(&mut self, text: &str) {
        self.push(Direction::Event, text);
    }

    /// The lines, with a closing note when the caps kept some out, e.g.
    /// `transcript cut at 64 KiB: 412 more lines (1.3 MiB) not kept`.
    pub fn finish(mut self) -> Vec<TranscriptLine> {
        if let Some(cut) = self.cut {
            let at = match cut {
                Cut::Lines => format!("{MAX_LINES} lines"),
                Cut::Bytes => size(MAX_BYTES),
                Cut::Check => {
                    let total = self.budget.as_ref().map_or(0, |b| b.total());
                    format!("{} (all addresses together may keep {})", size(self.bytes), size(total))
                }
            };
            let rest = match self.dropped_lines {
                0 => format!("the rest of the last line ({})", size(self.dropped_bytes)),
                1 => format!("1 more line ({})", size(self.dropped_bytes)),
                n => format!("{n} more lines ({})", size(self.dropped_bytes)),
            };
            let at_ms = self.elapsed_ms();
            let text = format!("transcript cut at {at}: {rest} not kept");
            self.lines.push(TranscriptLine { at_ms, dir: Direction::Event, text });
        }
        self.lines
    }

    fn drop_line(&mut self, bytes: usize) {
        self.dropped_lines += 1;
        self.dropped_bytes += bytes;
    }

    fn give_back(&self, bytes: usize) {
        if let Some(budget) = &self.budget {
            budget.give_back(bytes);
        }
    }
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

/// `900 B`, `64 KiB`, `1.3 MiB`: one decimal, dropped when zero.
fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    let (unit, name) = match bytes {
        b if b < KIB => return format!("{b} B"),
        b if b < KIB * KIB => (KIB, "KiB"),
        _ => (KIB * KIB, "MiB"),
    };
    let tenths = (bytes * 10 + unit / 2) / unit;
    match tenths % 10 {
        0 => format!("{} {name}", tenths / 10),
        d => format!("{}.{d} {name}", tenths / 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[TranscriptLine]) -> usize {
        lines.iter().map(|l| l.text.len()).sum()
    }

    #[test]
    fn a_transcript_made_beside_comes_back_as_one_block_within_the_caps() {
        let mut main = Transcript::new();
        main.event("connecting");
        let mut aside = main.beside();
        aside.event("legacy TLS probe: connecting");
        main.push(Direction::Server, "220 mx");
        main.absorb(aside);
        let lines = main.finish();
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["connecting", "220 mx", "legacy TLS probe: connecting"]);
        assert!(lines[2].at_ms <= lines[1].at_ms, "times stay as they were");

        let mut full = Transcript::new();
        for _ in 0..MAX_LINES {
            full.event("x");
        }
        let mut aside = full.beside();
        aside.event("one more");
        aside.event("and another");
        full.absorb(aside);
        let lines = full.finish();
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(lines[MAX_LINES].text, format!("transcript cut at {MAX_LINES} lines: 2 more lines (19 B) not kept"));
    }

    #[test]
    fn escapes_controls_and_keeps_umlauts() {
        let mut t = Transcript::new();
        t.push(Direction::Server, "220 mx.bäckerei.de\tready\x01\x1f");
        let lines = t.finish();
        assert_eq!(lines[0].text, "220 mx.bäckerei.de\\tready\\u{1}\\u{1f}");
        assert_eq!(escaped_len("220 mx.bäckerei.de\tready\x01\x1f"), lines[0].text.len());
    }

    #[test]
    fn control_bytes_reach_the_byte_cap_after_escaping() {
        // 1000 raw bytes become 5000 escaped ones: 13 whole lines fit in 64 KiB, the 14th is cut to
        // 107 escapes (535 bytes), the remaining 6 lines are only counted.
        let flood = "\x01".repeat(1000);
        let mut t = Transcript::new();
        for _ in 0..20 {
            t.push(Direction::Server, &flood);
        }
        assert_eq!(t.bytes(), 13 * 5000 + 535);
        let lines = t.finish();
        assert_eq!(lines.len(), 15);
        assert_eq!(lines[13].text, "\\u{1}".repeat(107));
        assert_eq!(texts(&lines[..14]), 65_535);
        // 4465 bytes of the cut line and 6 × 5000: 34,465 bytes = 33.66 KiB.
        assert_eq!(lines[14].text, "transcript cut at 64 KiB: 6 more lines (33.7 KiB) not kept");
        assert_eq!(lines[14].dir, Direction::Event);
    }

    #[test]
    fn a_huge_line_costs_no_more_than_the_cap() {
        let mut t = Transcript::new();
        t.push(Direction::Server, &"\x1f".repeat(1 << 20));
        let lines = t.finish();
        assert!(lines[0].text.capacity() <= MAX_BYTES, "{}", lines[0].text.capacity());
        assert_eq!(lines[0].text.len(), MAX_BYTES / 6 * 6);
        assert_eq!(lines[1].text, "transcript cut at 64 KiB: the rest of the last line (5.9 MiB) not kept");
    }

    #[test]
    fn the_line_cap_still_holds() {
        let mut t = Transcript::new();
        for _ in 0..MAX_LINES + 5 {
            t.push(Direction::Client, "QUIT");
        }
        let lines = t.finish();
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(lines[MAX_LINES].text, "transcript cut at 1000 lines: 5 more lines (20 B) not kept");
        let mut t = Transcript::new();
        t.event("connected");
        assert_eq!(t.finish().len(), 1, "no note when nothing was dropped");
    }

    #[test]
    fn two_transcripts_share_one_check_budget() {
        let budget = Arc::new(TranscriptBudget::new(10_000));
        let mut first = Transcript::with_budget(Arc::clone(&budget));
        let mut second = Transcript::with_budget(Arc::clone(&budget));
        let line = "a".repeat(3000);
        for _ in 0..3 {
            first.push(Direction::Server, &line);
        }
        assert_eq!(budget.remaining(), 1000);
        second.push(Direction::Server, &line);
        second.push(Direction::Server, &line);
        assert_eq!(budget.remaining(), 0);
        // A line too short to be worth cutting is dropped whole and takes nothing.
        first.push(Direction::Client, "QUIT");
        let (first, second) = (first.finish(), second.finish());
        assert_eq!(texts(&first[..3]) + texts(&second[..1]), 10_000);
        assert_eq!(second[0].text.len(), 1000);
        assert_eq!(
            second[1].text,
            "transcript cut at 1000 B (all addresses together may keep 9.8 KiB): 1 more line (4.9 KiB) not kept"
        );
        assert_eq!(
            first[3].text,
            "transcript cut at 8.8 KiB (all addresses together may keep 9.8 KiB): 1 more line (4 B) not kept"
        );
        assert_eq!(budget.remaining(), 0);
    }

    #[test]
    fn a_dropped_line_gives_its_share_back() {
        let budget = Arc::new(TranscriptBudget::new(MIN_CUT - 1));
        let mut t = Transcript::with_budget(Arc::clone(&budget));
        t.push(Direction::Server, &"x".repeat(MIN_CUT));
        assert_eq!(budget.remaining(), MIN_CUT - 1);
        let mut other = Transcript::with_budget(Arc::clone(&budget));
        other.push(Direction::Client, "EHLO a");
        assert_eq!(budget.remaining(), MIN_CUT - 1 - 6);
        assert_eq!(
            t.finish()[0].text,
            "transcript cut at 0 B (all addresses together may keep 63 B): 1 more line (64 B) not kept"
        );
    }

    #[test]
    fn sizes_read_well() {
        let cases = [(0, "0 B"), (1023, "1023 B"), (1024, "1 KiB"), (65_536, "64 KiB"), (1_363_149, "1.3 MiB")];
        for (bytes, want) in cases {
            assert_eq!(size(bytes), want);
        }
    }
}
