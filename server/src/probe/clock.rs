//! Wall-clock time as the report writes it.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Now as RFC 3339 UTC with milliseconds, e.g. `2026-11-27T23:59:00.123Z`: two checks of one
/// domain in the same second still get different start times (browsers key kept reports by it).
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| rfc3339(now.unix_timestamp()))
}

/// RFC 3339 UTC text for Unix seconds (`1970-01-01T00:00:00Z` for out-of-range values).
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn now_has_milliseconds() {
        let now = super::now_rfc3339();
        assert!(now.ends_with('Z') && now.len() <= "2026-11-27T23:59:00.123Z".len(), "{now}");
    }

    #[test]
    fn formats_utc() {
        assert_eq!(super::rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }
}
