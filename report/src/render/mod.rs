//! One renderer per output format, all reading the same [`Report`]: plain text for the terminal,
//! JSON (the contract itself), Markdown for tickets and one self-contained HTML file. Pure
//! functions without I/O or clock, shared by the CLI and the page (WASM).

pub mod facts;
pub mod headline;
pub mod html;
pub mod json;
pub mod markdown;
pub mod rows;
pub mod text;
pub mod time;

use std::str::FromStr;

use crate::model::lang::Lang;
use crate::model::report::{Report, SCHEMA};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Readable plain text (optionally with ANSI colours).
    Text,
    /// The JSON report contract, pretty-printed.
    Json,
    /// One self-contained HTML file that embeds the JSON.
    Html,
    /// A short Markdown summary.
    Markdown,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Html, Format::Markdown];

    /// File name extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }

    /// MIME type for downloads.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Text => "text/plain;charset=utf-8",
            Format::Json => "application/json",
            Format::Html => "text/html;charset=utf-8",
            Format::Markdown => "text/markdown;charset=utf-8",
        }
    }
}

/// A format name that is not one of `text|json|html|md|markdown`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?} (expected text, json, html, md or markdown)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

/// Renders a report in a format (`color` only affects text).
pub fn render(report: &Report, format: Format, lang: Lang, color: bool) -> String {
    match format {
        Format::Text => text::render(report, lang, text::TextOptions { color, transcript: false }),
        Format::Json => json::render(report),
        Format::Html => html::render(report, lang),
        Format::Markdown => markdown::render(report, lang),
    }
}

/// `mxray-{domain}-{UTC timestamp}.{ext}`, e.g. `mxray-example.com-20261127T235900Z.json`; safe on
/// every file system whatever the report holds.
pub fn file_name(report: &Report, ext: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect()
    };
    let domain = safe(report.domain.trim_matches('.'));
    let domain = if domain.is_empty() { "report".to_owned() } else { domain };
    let stamp = time::Utc::parse(&report.checked_at).map_or_else(|| "undated".to_owned(), time::Utc::compact);
    format!("mxray-{domain}-{stamp}.{}", safe(ext.trim_start_matches('.')))
}

/// Why a saved file could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The HTML file has no embedded report.
    #[error("the HTML file holds no mxray report")]
    NoReportBlock,
    /// The JSON does not match the report contract.
    #[error("not an mxray report: {0}")]
    Json(#[from] serde_json::Error),
    /// The report is of another schema.
    #[error("unsupported report schema {0:?} (expected {SCHEMA})")]
    Schema(String),
}

/// Reads a saved report: a JSON export or an HTML export (its embedded JSON).
pub fn import(saved: &str) -> Result<Report, ImportError> {
    let trimmed = saved.trim_start_matches('\u{feff}').trim_start();
    let report: Report =
        if trimmed.starts_with('{') { serde_json::from_str(trimmed)? } else { html::extract_report(saved)? };
    if report.schema != SCHEMA {
        return Err(ImportError::Schema(report.schema));
    }
    Ok(report)
}

/// Sample reports built through the fold, for tests here and in the crates above.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

#[cfg(test)]
mod golden;

#[cfg(test)]
mod wording;

#[cfg(test)]
mod tests {
    use super::*;
    use fixtures::sample;

    #[test]
    fn parses_every_format_name() {
        for (name, f) in
            [("text", Format::Text), ("JSON", Format::Json), ("html", Format::Html), ("md", Format::Markdown)]
        {
            assert_eq!(name.parse::<Format>(), Ok(f));
        }
        assert_eq!("markdown".parse::<Format>(), Ok(Format::Markdown));
        assert!("pdf".parse::<Format>().unwrap_err().to_string().contains("pdf"));
    }

    #[test]
    fn file_names_carry_domain_and_utc_time() {
        let mut r = sample();
        assert_eq!(file_name(&r, "json"), "mxray-example.com-20261127T235900Z.json");
        r.checked_at = "2026-11-28T01:59:00+02:00".into();
        r.domain = "../evil/<x>".into();
        assert_eq!(file_name(&r, ".html"), "mxray-_evil__x_-20261127T235900Z.html");
        r.checked_at = "yesterday".into();
        r.domain.clear();
        assert_eq!(file_name(&r, "md"), "mxray-report-undated.md");
    }

    #[test]
    fn every_format_renders_and_json_and_html_import_back() {
        let r = sample();
        for f in Format::ALL {
            for lang in Lang::ALL {
                assert!(render(&r, f, lang, false).contains("mx1.example.com"), "{f:?} {lang:?}");
            }
        }
        assert_eq!(import(&render(&r, Format::Json, Lang::En, false)).unwrap(), r);
        assert_eq!(import(&render(&r, Format::Html, Lang::De, false)).unwrap(), r);
        assert!(matches!(import("<html></html>"), Err(ImportError::NoReportBlock)));
        let other = json::render(&r).replace(SCHEMA, "other.v9");
        assert!(matches!(import(&other), Err(ImportError::Schema(s)) if s == "other.v9"));
    }
}
