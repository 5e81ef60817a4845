//! What the batch writes: one NDJSON line per list line (the `mxray.report.v1` report of
//! `check --json` plus the input line and its position), or CSV rows (one per MX address) for
//! spreadsheets; each domain's output goes out in one write, so a killed run leaves whole lines (a
//! cut-off last line, should a kill land inside the write, is dropped when the run is resumed).

use mxray_report::checks::marks::{step_mark, Step};
use mxray_report::model::report::{Mark, Report};
use mxray_report::render::facts::verdict;
use mxray_report::{Lang, Severity};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::list::Item;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BatchFormat {
    /// One JSON object per line: position, input, and the report (or why there is none).
    Ndjson,
    /// One row per MX address with each step's mark, for spreadsheets.
    Csv,
}

/// One NDJSON line.
#[derive(Debug, Serialize, Deserialize)]
pub struct BatchLine {
    /// The line number in the list (from 1).
    pub position: usize,
    /// The line as written.
    pub input: String,
    /// The normalised domain (absent when the line is not one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The worst severity of the report's findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<Severity>,
    /// The verdict sentence (English), as `check` heads its text with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The report, as `mxray check --json` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// Why the line was not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<LineError>,
}

/// Why a line of the list was not checked.
#[derive(Debug, Serialize, Deserialize)]
pub struct LineError {
    /// Stable code (`invalid_input`).
    pub code: String,
    /// In words.
    pub reason: String,
}

/// The result of one list line, ready to be written.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// The line could not be checked (bad input).
    Invalid(&'a Item, String),
    /// The check's report.
    Checked(&'a Item, &'a Report),
}

impl Outcome<'_> {
    fn item(&self) -> &Item {
        match self {
            Outcome::Invalid(item, _) | Outcome::Checked(item, _) => item,
        }
    }
}

/// The bytes of one list line's output in `format` (whole lines, ending in a newline).
pub fn encode(outcome: &Outcome<'_>, format: BatchFormat) -> Vec<u8> {
    match format {
        BatchFormat::Ndjson => {
            let line = ndjson_line(outcome);
            let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
            bytes.push(b'\n');
            bytes
        }
        BatchFormat::Csv => csv_rows(outcome),
    }
}

fn ndjson_line(outcome: &Outcome<'_>) -> BatchLine {
    let item = outcome.item();
    let mut line = BatchLine {
        position: item.position,
        input: item.input.clone(),
        domain: item.domain().map(str::to_owned),
        worst: None,
        headline: None,
        report: None,
        error: None,
    };
    match outcome {
        Outcome::Invalid(_, reason) => {
            line.error = Some(LineError { code: "invalid_input".into(), reason: reason.clone() });
        }
        Outcome::Checked(_, report) => {
            line.worst = Some(report.worst_severity());
            line.headline = Some(verdict(report, Lang::En).1);
            line.report = serde_json::to_value(report).ok();
        }
    }
    line
}

/// The CSV header.
pub const CSV_HEADER: [&str; 16] = [
    "position",
    "input",
    "domain",
    "mx",
    "preference",
    "ip",
    "tcp",
    "banner",
    "ehlo",
    "starttls",
    "certificate",
    "open_relay",
    "relay_outcome",
    "certificate_days_left",
    "worst_severity",
    "error",
];

fn mark(m: Mark) -> String {
    serde_json::to_value(m).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn snake<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn csv_rows(outcome: &Outcome<'_>) -> Vec<u8> {
    let item = outcome.item();
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    let head = [item.position.to_string(), item.input.clone(), item.domain().unwrap_or_default().to_owned()];
    let empty = |n: usize| std::iter::repeat_n(String::new(), n);
    match outcome {
        Outcome::Invalid(_, reason) => {
            let row: Vec<String> = head.into_iter().chain(empty(12)).chain([reason.clone()]).collect();
            let _ = w.write_record(&row);
        }
        Outcome::Checked(_, report) => {
            let worst = snake(&report.worst_severity());
            let mut any = false;
            for host in &report.mx {
                for a in &host.addresses {
                    any = true;
                    let steps =
                        [Step::Tcp, Step::Banner, Step::Ehlo, Step::StartTls, Step::Certificate, Step::OpenRelay];
                    let row: Vec<String> = head
                        .iter()
                        .cloned()
                        .chain([host.host.clone(), host.preference.to_string(), a.ip.to_string()])
                        .chain(steps.iter().map(|s| mark(step_mark(a, *s))))
                        .chain([
                            a.open_relay.as_ref().map(|r| snake(&r.outcome)).unwrap_or_default(),
                            a.certificate.as_ref().map(|c| c.days_until_expiry.to_string()).unwrap_or_default(),
                            worst.clone(),
                            String::new(),
                        ])
                        .collect();
                    let _ = w.write_record(&row);
                }
            }
            if !any {
                // No address to test (null MX, NXDOMAIN, …): one row with the domain's verdict.
                let row: Vec<String> = head.into_iter().chain(empty(11)).chain([worst, String::new()]).collect();
                let _ = w.write_record(&row);
            }
        }
    }
    w.into_inner().unwrap_or_default()
}

/// Where the output goes: standard output, or a file written line by line.
pub enum Sink {
    /// Standard output.
    Stdout,
    /// A file, appended to.
    File(File),
}

impl Sink {
    /// Writes one domain's bytes in one write and flushes.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
            Sink::File(f) => {
                f.write_all(bytes)?;
                f.flush()
            }
        }
    }
}

/// The lines a previous run already wrote, by (position, input).
pub type Done = HashSet<(usize, String)>;

/// Opens `path` for the run: with `resume`, reads what a previous run wrote (dropping a cut-off
/// last line) and appends; without, starts it afresh. Writes the CSV header when the file is empty.
pub fn open(path: &Path, format: BatchFormat, resume: bool) -> io::Result<(Sink, Done)> {
    let mut file = OpenOptions::new().read(true).create(true).append(true).open(path)?;
    if !resume {
        file.set_len(0)?;
    }
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    // A line without its newline was cut off by a kill: it was never finished, so it goes.
    let whole = text.rfind('\n').map_or(0, |i| i + 1);
    if whole < text.len() {
        file.set_len(whole as u64)?;
        text.truncate(whole);
    }
    file.seek(SeekFrom::End(0))?;
    let done = match format {
        BatchFormat::Ndjson => text
            .lines()
            .filter_map(|l| serde_json::from_str::<BatchLine>(l).ok())
            .map(|l| (l.position, l.input))
            .collect(),
        BatchFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
            reader
                .records()
                .filter_map(Result::ok)
                .filter_map(|r| Some((r.get(0)?.parse().ok()?, r.get(1)?.to_owned())))
                .collect()
        }
    };
    let mut sink = Sink::File(file);
    if format == BatchFormat::Csv && text.is_empty() {
        sink.write(&header())?;
    }
    Ok((sink, done))
}

/// The CSV header line.
pub fn header() -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(CSV_HEADER);
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::list::items;
    use mxray_report::render::fixtures::sample;

    #[test]
    fn ndjson_lines_carry_position_input_and_the_report_or_the_reason() {
        let list = items("example.com\nnot a domain\n");
        let report = sample();
        let ok = encode(&Outcome::Checked(&list[0], &report), BatchFormat::Ndjson);
        let bad = encode(&Outcome::Invalid(&list[1], "the input contains whitespace".into()), BatchFormat::Ndjson);
        assert!(ok.ends_with(b"\n") && !ok[..ok.len() - 1].contains(&b'\n'), "one line");
        let ok: serde_json::Value = serde_json::from_slice(&ok).unwrap();
        assert_eq!((ok["position"].as_u64(), ok["input"].as_str()), (Some(1), Some("example.com")));
        assert_eq!(ok["report"]["schema"], "mxray.report.v1");
        assert_eq!(ok["worst"], "critical");
        assert!(ok["headline"].as_str().unwrap().starts_with("Mail to example.com is at risk: "));
        let back: Report = serde_json::from_value(ok["report"].clone()).unwrap();
        assert_eq!(back, report, "the report as check --json writes it");
        let bad: serde_json::Value = serde_json::from_slice(&bad).unwrap();
        assert_eq!(bad["error"]["code"], "invalid_input");
        assert!(bad.get("report").is_none());
    }

    #[test]
    fn csv_has_a_row_per_mx_address_with_each_step() {
        let list = items("example.com\n");
        let rows = String::from_utf8(encode(&Outcome::Checked(&list[0], &sample()), BatchFormat::Csv)).unwrap();
        let lines: Vec<&str> = rows.lines().collect();
        assert_eq!(lines.len(), 3, "{rows}");
        assert_eq!(
            lines[0],
            "1,example.com,example.com,mx1.example.com,10,192.0.2.10,ok,ok,ok,ok,ok,ok,refused,89,critical,"
        );
        assert!(
            lines[2].starts_with("1,example.com,example.com,mx2.example.com,20,192.0.2.20,ok,ok,ok,critical,"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains(",accepted,"), "{}", lines[2]);
        assert_eq!(String::from_utf8(header()).unwrap().trim_end(), CSV_HEADER.join(","));
    }

    #[test]
    fn resume_reads_whole_lines_and_drops_a_cut_off_one() {
        let dir = std::env::temp_dir().join(format!("mxray-batch-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.ndjson");
        let list = items("a.example\nb.example\n");
        let report = sample();
        let first = encode(&Outcome::Checked(&list[0], &report), BatchFormat::Ndjson);
        let second = encode(&Outcome::Checked(&list[1], &report), BatchFormat::Ndjson);
        std::fs::write(&path, [&first[..], &second[..second.len() / 2]].concat()).unwrap();
        let (mut sink, done) = open(&path, BatchFormat::Ndjson, true).unwrap();
        assert_eq!(done, HashSet::from([(1, "a.example".to_owned())]));
        sink.write(&second).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), [&first[..], &second[..]].concat());
        // Without --resume the file starts afresh.
        let (_, done) = open(&path, BatchFormat::Ndjson, false).unwrap();
        assert!(done.is_empty() && std::fs::read(&path).unwrap().is_empty());
        // CSV: the header once, rows read back by position and input.
        let csv = dir.join("out.csv");
        let (mut sink, _) = open(&csv, BatchFormat::Csv, false).unwrap();
        sink.write(&encode(&Outcome::Checked(&list[0], &report), BatchFormat::Csv)).unwrap();
        let (_, done) = open(&csv, BatchFormat::Csv, true).unwrap();
        assert_eq!(done, HashSet::from([(1, "a.example".to_owned())]));
        assert_eq!(std::fs::read_to_string(&csv).unwrap().matches("position,input").count(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
