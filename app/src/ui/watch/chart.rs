//! The timeline's two small charts, drawn as inline SVG from the stored checks: each check as a
//! bar as high as its worst severity, and the certificate's fewest days left as a line. Each is
//! one image for assistive technology (`role="img"`, named by a sentence that sums it up); the
//! table under the charts holds the same data. The geometry is plain functions, tested below.

use leptos::prelude::*;

use crate::ui::findings::severity_id;
use mxray_report::model::finding::Severity;
use mxray_report::model::lang::Lang;
use mxray_report::render::facts::{severity_symbol, timestamp};
use mxray_report::render::time::Utc;
use mxray_report::texts::ui::Text;
use mxray_report::texts::{count, pick};
use mxray_report::watch::view::HistoryPoint;

/// The drawing's width in SVG units; it is stretched to the page's width. Whole units, fine
/// enough for any screen: formatting floating-point numbers would add its code to the WASM.
const WIDTH: i64 = 6000;
/// The drawing's height in SVG units.
const HEIGHT: i64 = 1000;
/// Room at either end of the time axis, so the first and last bars are whole.
const PAD: i64 = 80;
/// Severities from the top of the chart down.
const WORST_FIRST: [Severity; 4] = [Severity::Critical, Severity::Warning, Severity::Info, Severity::Ok];

/// Where times fall along the drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axis {
    from: i64,
    span: i64,
}

impl Axis {
    /// The axis from the first to the last check that has a readable time.
    fn of(points: &[HistoryPoint]) -> Option<Axis> {
        let times = points.iter().filter_map(at);
        let (from, to) = times
            .fold(None, |range: Option<(i64, i64)>, t| Some(range.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t)))))?;
        Some(Axis { from, span: to - from })
    }

    /// The x of a time; a single moment sits in the middle.
    fn x(self, at: i64) -> i64 {
        if self.span == 0 {
            return WIDTH / 2;
        }
        PAD + (at - self.from) * (WIDTH - 2 * PAD) / self.span
    }
}

/// A check's time in seconds.
fn at(point: &HistoryPoint) -> Option<i64> {
    Utc::parse(&point.checked_at).map(Utc::unix)
}

/// How high a severity stands: a quarter of the chart per step, critical at the top.
fn level(severity: Severity) -> i64 {
    let below = WORST_FIRST.iter().position(|s| *s == severity).unwrap_or(3) as i64;
    (4 - below) * HEIGHT / 4
}

/// One bar of the severity chart.
#[derive(Clone, Debug, PartialEq)]
struct Bar {
    x: i64,
    width: i64,
    height: i64,
    severity: Severity,
    complete: bool,
}

/// A bar per check: centred on its time, as high as its worst severity, narrower when many.
fn bars(points: &[HistoryPoint]) -> Vec<Bar> {
    let Some(axis) = Axis::of(points) else { return Vec::new() };
    // Even, so that a bar's middle is its time.
    let width = (WIDTH * 3 / 5 / points.len() as i64).clamp(20, 140) / 2 * 2;
    points
        .iter()
        .filter_map(|p| {
            let x = axis.x(at(p)?) - width / 2;
            Some(Bar { x, width, height: level(p.worst), severity: p.worst, complete: p.complete })
        })
        .collect()
}

/// The certificate line: `points` attributes of polylines, broken where a check saw no
/// certificate (a lone point is drawn as a dot: a zero-length line with round caps), and the
/// range of days the chart spans (from 0 or below, to the most days seen).
fn cert_lines(points: &[HistoryPoint]) -> Option<(Vec<String>, (i64, i64))> {
    let axis = Axis::of(points)?;
    let days = points.iter().filter_map(|p| p.cert_days);
    let (lo, hi) =
        days.fold(None, |range: Option<(i64, i64)>, d| Some(range.map_or((d, d), |(l, h)| (l.min(d), h.max(d)))))?;
    // Zero is always on the chart: expired certificates fall below it.
    let (lo, hi) = (lo.min(0), hi.max(0).max(lo + 1));
    let y = |d: i64| HEIGHT - (d - lo) * HEIGHT / (hi - lo);
    let mut lines = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for p in points {
        match (at(p), p.cert_days) {
            (Some(t), Some(d)) => current.push(format!("{},{}", axis.x(t), y(d))),
            _ => lines.extend(finish(std::mem::take(&mut current))),
        }
    }
    lines.extend(finish(current));
    Some((lines, (lo, hi)))
}

/// A run of points as a polyline's `points` (none when empty).
fn finish(run: Vec<String>) -> Option<String> {
    match run.as_slice() {
        [] => None,
        [only] => Some(format!("{only} {only}")),
        _ => Some(run.join(" ")),
    }
}

/// "from … to …" (or "at …" for one moment) for the summaries.
fn span(points: &[HistoryPoint], lang: Lang) -> String {
    let (first, last) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (timestamp(&f.checked_at), timestamp(&l.checked_at)),
        _ => return String::new(),
    };
    if first == last {
        pick(lang, format!("at {first}"), format!("am {first}"))
    } else {
        pick(lang, format!("from {first} to {last}"), format!("von {first} bis {last}"))
    }
}

/// The severity chart in one sentence: how many checks, when, how many of each severity, and the
/// latest.
fn severity_summary(points: &[HistoryPoint], lang: Lang) -> String {
    let tally = WORST_FIRST
        .iter()
        .filter_map(|s| {
            let n = points.iter().filter(|p| p.worst == *s).count();
            (n > 0).then(|| format!("{}: {n}", s.label(lang)))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let checks = pick(lang, count(points.len(), "check", "checks"), count(points.len(), "Prüfung", "Prüfungen"));
    let latest = points.last().map(|p| p.worst.label(lang)).unwrap_or_default();
    pick(
        lang,
        format!("{checks} {}: {tally}. Latest: {latest}.", span(points, lang)),
        format!("{checks} {}: {tally}. Zuletzt: {latest}.", span(points, lang)),
    )
}

/// The certificate chart in one sentence: the days left at the first and the latest check that
/// saw a certificate, and the fewest.
fn cert_summary(points: &[HistoryPoint], lang: Lang) -> String {
    let days: Vec<i64> = points.iter().filter_map(|p| p.cert_days).collect();
    let (Some(first), Some(last), Some(fewest)) = (days.first(), days.last(), days.iter().min()) else {
        return Text::NoCertificateSeen.get(lang).to_owned();
    };
    let n = |d: i64| pick(lang, count(d, "day", "days"), count(d, "Tag", "Tage"));
    pick(
        lang,
        format!(
            "Fewest days left of a certificate: {} at the first check, {} at the latest, {} at the lowest.",
            n(*first),
            n(*last),
            n(*fewest)
        ),
        format!(
            "Wenigste verbleibende Tage eines Zertifikats: {} bei der ersten Prüfung, {} bei der letzten, {} am niedrigsten.",
            n(*first),
            n(*last),
            n(*fewest)
        ),
    )
}

/// The chart of checks by worst severity, with its time axis and legend.
pub fn severity_chart(points: &[HistoryPoint], lang: Lang) -> AnyView {
    let grid = [1, 2, 3].map(|quarter| {
        let y = quarter * HEIGHT / 4;
        view! { <line class="grid" x1="0" x2=WIDTH y1=y y2=y /> }
    });
    let drawn = bars(points)
        .into_iter()
        .map(|b| {
            view! {
                <rect
                    class="bar"
                    data-severity=severity_id(b.severity)
                    data-complete=b.complete.to_string()
                    x=b.x
                    y=HEIGHT - b.height
                    width=b.width
                    height=b.height
                />
            }
        })
        .collect_view();
    let legend = WORST_FIRST
        .iter()
        .map(|s| {
            view! {
                <li data-severity=severity_id(*s)>
                    <span class="swatch" aria-hidden="true">{severity_symbol(*s)}</span>
                    " "
                    {s.label(lang)}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-chart="severity">
            <figcaption>{Text::SeverityChart.get(lang)}</figcaption>
            <svg
                role="img"
                aria-label=severity_summary(points, lang)
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
            >
                {grid.into_iter().collect_view()}
                {drawn}
            </svg>
            {time_axis(points)}
            <ul class="legend">{legend}</ul>
        </figure>
    }
    .into_any()
}

/// The chart of the certificate's fewest days left, with its range and time axis (or a note that
/// no check saw a certificate).
pub fn cert_chart(points: &[HistoryPoint], lang: Lang) -> AnyView {
    let drawing = cert_lines(points).map(|(lines, (lo, hi))| {
        let zero = HEIGHT - (-lo) * HEIGHT / (hi - lo);
        let lines = lines.into_iter().map(|points| view! { <polyline class="line" points=points /> }).collect_view();
        let days = |d: i64| pick(lang, count(d, "day", "days"), count(d, "Tag", "Tage"));
        view! {
            <div class="chart-body">
                <p class="chart-range" aria-hidden="true">
                    <span>{days(hi)}</span>
                    <span>{days(lo)}</span>
                </p>
                <svg
                    role="img"
                    aria-label=cert_summary(points, lang)
                    viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                    preserveAspectRatio="none"
                >
                    <line class="grid zero" x1="0" x2=WIDTH y1=zero y2=zero />
                    {lines}
                </svg>
            </div>
            {time_axis(points)}
        }
    });
    let none = drawing.is_none().then(|| view! { <p class="note">{Text::NoCertificateSeen.get(lang)}</p> });
    view! {
        <figure class="chart" data-chart="certificate">
            <figcaption>{Text::CertificateChart.get(lang)}</figcaption>
            {drawing}
            {none}
        </figure>
    }
    .into_any()
}

/// The first and last check's times under a chart, one when they are the same (hidden from
/// assistive technology: the chart's name says them).
fn time_axis(points: &[HistoryPoint]) -> AnyView {
    let first = points.first().map(|p| timestamp(&p.checked_at)).unwrap_or_default();
    let last = points.last().map(|p| timestamp(&p.checked_at)).filter(|last| *last != first);
    view! {
        <p class="time-axis" aria-hidden="true">
            <span>{first}</span>
            {last.map(|last| view! { <span>{last}</span> })}
        </p>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(checked_at: &str, worst: Severity, cert_days: Option<i64>) -> HistoryPoint {
        HistoryPoint { id: 1, checked_at: checked_at.into(), worst, cert_days, changes: Vec::new(), complete: true }
    }

    fn week() -> Vec<HistoryPoint> {
        vec![
            point("2026-12-01T00:00:00Z", Severity::Ok, Some(30)),
            point("2026-12-04T12:00:00Z", Severity::Critical, None),
            point("2026-12-08T00:00:00Z", Severity::Warning, Some(23)),
        ]
    }

    #[test]
    fn bars_sit_on_their_time_and_stand_as_high_as_their_severity() {
        let drawn = bars(&week());
        let centres: Vec<i64> = drawn.iter().map(|b| b.x + b.width / 2).collect();
        assert_eq!(centres, [PAD, WIDTH / 2, WIDTH - PAD]);
        let heights: Vec<i64> = drawn.iter().map(|b| b.height).collect();
        assert_eq!(heights, [HEIGHT / 4, HEIGHT, HEIGHT * 3 / 4]);
        let one = bars(&week()[..1]);
        assert_eq!(one[0].x + one[0].width / 2, WIDTH / 2, "a single check sits in the middle");
        assert_eq!(one[0].width, 140);
        let many = vec![week()[0].clone(); 1000];
        assert_eq!(bars(&many)[0].width, 20, "never thinner than this");
        assert!(bars(&[point("yesterday", Severity::Ok, None)]).is_empty());
    }

    #[test]
    fn the_certificate_line_breaks_where_no_certificate_was_seen() {
        let (lines, range) = cert_lines(&week()).unwrap();
        assert_eq!(range, (0, 30));
        assert_eq!(lines, ["80,0 80,0", "5920,234 5920,234"]);
        let mut expired = week();
        expired[1].cert_days = Some(-10);
        let (lines, range) = cert_lines(&expired).unwrap();
        assert_eq!(range, (-10, 30));
        assert_eq!(lines, ["80,0 3000,1000 5920,175"]);
        let all_expired: Vec<HistoryPoint> =
            week().into_iter().map(|p| HistoryPoint { cert_days: Some(-10), ..p }).collect();
        assert_eq!(cert_lines(&all_expired).unwrap().1, (-10, 0), "zero stays on the chart");
        let none: Vec<HistoryPoint> = week().into_iter().map(|p| HistoryPoint { cert_days: None, ..p }).collect();
        assert_eq!(cert_lines(&none), None);
    }

    #[test]
    fn summaries_say_the_chart_in_both_languages() {
        assert_eq!(
            severity_summary(&week(), Lang::En),
            "3 checks from 2026-12-01 00:00:00 UTC to 2026-12-08 00:00:00 UTC: critical: 1, warning: 1, ok: 1. Latest: warning."
        );
        assert_eq!(
            severity_summary(&week()[..1], Lang::De),
            "1 Prüfung am 2026-12-01 00:00:00 UTC: ok: 1. Zuletzt: ok."
        );
        assert_eq!(
            cert_summary(&week(), Lang::En),
            "Fewest days left of a certificate: 30 days at the first check, 23 days at the latest, 23 days at the lowest."
        );
        assert!(cert_summary(&week(), Lang::De).starts_with("Wenigste verbleibende Tage eines Zertifikats: 30 Tage"));
        assert_eq!(cert_summary(&week()[1..2], Lang::De), Text::NoCertificateSeen.get(Lang::De));
    }
}
