//! RFC 3339 timestamps from the report, read without a clock or a date crate: the renderers only
//! reformat `checked_at` and certificate dates and compare them with each other.

const DAY: i64 = 86_400;

/// A point in time as seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Utc(i64);

impl Utc {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (a space for `T` is accepted).
    pub fn parse(s: &str) -> Option<Utc> {
        let b = s.trim().as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let digits = b.get(from..from + len)?;
            digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut at = 19;
        if b.get(at) == Some(&b'.') {
            at += 1;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
        }
        let offset = match b.get(at..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let minutes = num(at + 1, 2)? * 60 + num(at + 4, 2)?;
                if *sign == b'+' {
                    minutes * 60
                } else {
                    -minutes * 60
                }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        Some(Utc(days * DAY + hour * 3600 + minute * 60 + second - offset))
    }

    /// Seconds since 1970-01-01T00:00:00Z (for placing times on an axis).
    pub fn unix(self) -> i64 {
        self.0
    }

    /// `20261127T235900Z`: sortable and safe in file names.
    pub fn compact(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    /// `2026-11-27 23:59:00 UTC`: for people.
    pub fn readable(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
    }

    /// Whole days from `self` until `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Utc) -> i64 {
        (later.0 - self.0).div_euclid(DAY)
    }

    fn fields(self) -> (i64, i64, i64, i64, i64, i64) {
        let (days, secs) = (self.0.div_euclid(DAY), self.0.rem_euclid(DAY));
        let (y, mo, d) = civil_from_days(days);
        (y, mo, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utc_offsets_and_fractions() {
        let t = Utc::parse("2026-11-27T23:59:00Z").unwrap();
        assert_eq!(t.compact(), "20261127T235900Z");
        assert_eq!(t.readable(), "2026-11-27 23:59:00 UTC");
        assert_eq!(Utc::parse("2026-11-28T01:59:00.123+02:00"), Some(t));
        assert_eq!(Utc::parse("2026-11-27 20:59:00-03:00"), Some(t));
        assert_eq!(Utc::parse("1970-01-01T00:00:00Z"), Some(Utc(0)));
        assert_eq!(Utc::parse("2024-02-29T12:00:00Z").unwrap().compact(), "20240229T120000Z");
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in ["", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T00:00:00", "2026-11-27T00:00:00Zjunk", "x"] {
            assert_eq!(Utc::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_whole_days() {
        let a = Utc::parse("2026-01-01T12:00:00Z").unwrap();
        assert_eq!(a.days_until(Utc::parse("2026-01-31T12:00:00Z").unwrap()), 30);
        assert_eq!(a.days_until(Utc::parse("2025-12-31T13:00:00Z").unwrap()), -1);
    }
}
