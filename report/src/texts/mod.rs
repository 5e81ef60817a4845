//! The words: every finding, label and page text in English and German. English and German each
//! have one exhaustive `match` over the findings ([`en`], [`de`]), so a missing text does not compile.

pub mod bypass;
pub mod dane;
pub mod de;
pub mod depth;
pub mod egress;
pub mod ehlo;
pub mod en;
pub mod enums;
pub mod failures;
pub mod headline;
pub mod input;
pub mod policy;
pub mod ports;
pub mod quality;
pub mod session;
#[cfg(test)]
pub(crate) mod tests;
pub mod trust;
pub mod ui;

use crate::model::finding::{Finding, FindingKind};
use crate::model::lang::Lang;

/// Implements `label(self, lang)` for an enum from one line per variant: English, German.
#[macro_export]
macro_rules! labels {
    ($ty:path, $doc:literal, { $($variant:ident => ($en:literal, $de:literal),)* }) => {
        impl $ty {
            #[doc = $doc]
            pub fn label(self, lang: $crate::model::lang::Lang) -> &'static str {
                let (en, de) = match self {
                    $(Self::$variant => ($en, $de),)*
                };
                $crate::texts::pick(lang, en, de)
            }
        }
    };
}
pub use crate::labels;

/// The English or the German text.
pub fn pick<T>(lang: Lang, en: T, de: T) -> T {
    match lang {
        Lang::En => en,
        Lang::De => de,
    }
}

impl Finding {
    /// The finding's texts in a language.
    pub fn texts(&self, lang: Lang) -> FindingTexts {
        self.kind.texts(lang)
    }
}

/// The three texts of a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingTexts {
    /// One-line title.
    pub title: String,
    /// What was seen.
    pub detail: String,
    /// What to do.
    pub remedy: String,
}

/// Items as a sentence's list: `a`, `a and b`, `a, b and c` (`and` in the text's language).
pub(crate) fn and_list(items: &[String], and: &str) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {and} {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// A message in a library's own words (rustls, hickory, the operating system's socket errors), or
/// a free text kept from an older report: quoted and labelled, never passed off as the report's own
/// sentence. Every such text reaches the page, the CLI and the exports through here.
pub fn library_message(text: &str, lang: Lang) -> String {
    pick(lang, format!("library message: \"{text}\""), format!("Meldung der Bibliothek: „{text}“"))
}

/// [`library_message`] for a text that may be absent.
pub fn library_message_opt(text: Option<&str>, lang: Lang) -> Option<String> {
    text.map(|t| library_message(t, lang))
}

/// A connect outcome as a finding stores it (its snake_case name, e.g. `refused`) in words.
pub fn tcp_outcome(outcome: &str, lang: Lang) -> String {
    let parsed = serde_json::from_value::<crate::model::report::TcpOutcome>(serde_json::Value::from(outcome));
    parsed.map_or_else(|_| outcome.to_owned(), |o| o.label(lang).to_owned())
}

/// The singular or the plural form for `n` things: the singular for exactly one, the plural for
/// every other count (0 too), in English and in German alike. The caller gives the forms in the
/// case the sentence needs (`Tag`/`Tagen` after "in", `Tag`/`Tage` after "noch").
pub fn plural<'a, N: PartialEq + From<u8>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) {
        one
    } else {
        many
    }
}

/// A count with its noun in the right number: `count(1, "host", "hosts")` is `1 host`,
/// `count(2, "Tag", "Tage")` is `2 Tage`. Every place where a number meets a noun goes through it,
/// so no text writes `host(s)`.
pub fn count<N: PartialEq + From<u8> + std::fmt::Display + Copy>(n: N, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

/// A duration in milliseconds as seconds, with one decimal when it is not whole.
pub(crate) fn seconds(ms: u64, lang: Lang) -> String {
    let text =
        if ms.is_multiple_of(1000) { format!("{} s", ms / 1000) } else { format!("{:.1} s", ms as f64 / 1000.0) };
    if lang == Lang::De {
        text.replace('.', ",")
    } else {
        text
    }
}

impl FindingKind {
    /// The finding as written into the report (English texts).
    pub fn into_finding(self) -> Finding {
        let t = self.texts(Lang::En);
        Finding {
            severity: self.severity(),
            code: self.code().to_owned(),
            title: t.title,
            detail: t.detail,
            remedy: t.remedy,
            kind: self,
        }
    }

    /// Title, detail and remedy in a language.
    pub fn texts(&self, lang: Lang) -> FindingTexts {
        let (title, detail, remedy) = match lang {
            Lang::En => self.english(),
            Lang::De => self.german(),
        };
        FindingTexts { title, detail, remedy }
    }
}
