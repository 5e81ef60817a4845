//! The words of the headline verdict: how a named finding, the rest and the lower severities read.

use crate::model::finding::Severity;
use crate::model::lang::Lang;
use crate::texts::pick;

/// A finding's title with where it was seen: `Open relay at mx.example (192.0.2.1)`.
pub fn at(title: &str, place: Option<&str>, lang: Lang) -> String {
    match place {
        Some(place) => format!("{title} {} {place}", pick(lang, "at", "bei")),
        None => title.to_owned(),
    }
}

/// How the sentence begins before the named findings, by the worst severity.
pub fn lead(worst: Severity, untested: bool, domain: &str, lang: Lang) -> String {
    match (worst, untested) {
        (Severity::Critical, _) => {
            pick(lang, format!("Mail to {domain} is at risk: "), format!("Mail an {domain} ist gefährdet: "))
        }
        (_, true) => pick(
            lang,
            format!("Mail to {domain} could not be tested: "),
            format!("Mail an {domain} ließ sich nicht testen: "),
        ),
        _ => pick(lang, format!("Mail to {domain} works, but: "), format!("Mail an {domain} funktioniert, aber: ")),
    }
}

/// The findings of the named severity beyond the ones named: `And 2 more critical findings`.
pub fn more(n: usize, severity: Severity, lang: Lang) -> String {
    let one = n == 1;
    match (severity, lang) {
        (Severity::Critical, Lang::En) => format!("And {n} more critical finding{}", if one { "" } else { "s" }),
        (Severity::Critical, Lang::De) => {
            format!("Dazu {n} {}", if one { "weiterer kritischer Befund" } else { "weitere kritische Befunde" })
        }
        (_, Lang::En) => format!("And {n} more warning{}", if one { "" } else { "s" }),
        (_, Lang::De) => format!("Dazu {n} {}", if one { "weitere Warnung" } else { "weitere Warnungen" }),
    }
}

/// The warnings beside named critical findings: `Also: 3 warnings.`
pub fn also(warnings: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Also: {warnings} warning{}.", if warnings == 1 { "" } else { "s" }),
        Lang::De => format!("Außerdem: {warnings} {}.", if warnings == 1 { "Warnung" } else { "Warnungen" }),
    }
}

/// The headline when nothing is worse than information.
pub fn clean(domain: &str, untested: bool, lang: Lang) -> String {
    match untested {
        true => pick(
            lang,
            format!("Mail to {domain} could not be tested."),
            format!("Mail an {domain} ließ sich nicht testen."),
        ),
        false => {
            pick(lang, format!("No problems found for {domain}."), format!("Keine Probleme bei {domain} gefunden."))
        }
    }
}
