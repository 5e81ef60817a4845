//! DNS blocklists: each address asked in each configured zone (RFC 5782: reversed octets for IPv4,
//! reversed nibbles for IPv6), an A answer in 127.0.0.0/8 meaning "listed" with the TXT record as
//! the reason. Answers in 127.255.255.0/24 are the lists' error codes (Spamhaus: .252 typo in the
//! zone, .254 query through a public or open resolver, .255 too many queries) and mean "unknown",
//! never "listed"; so does any answer outside 127.0.0.0/8, a timeout or SERVFAIL. NXDOMAIN is "not
//! listed". Off unless zones are configured.

use futures::future::join_all;
use mxray_report::model::depth::{DnsblProblem, DnsblResult, DnsblStatus};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use super::dns::{bounded, LookupError, MailDns};
use super::ProbeError;

/// Most zones one engine asks.
pub const MAX_ZONES: usize = 10;
/// Most TXT strings kept per listing, and most characters of each.
const MAX_REASONS: usize = 4;
const MAX_REASON_CHARS: usize = 300;

/// Checks `--dnsbl` zones: host names (the normaliser's rules), at most [`MAX_ZONES`], each once;
/// empty entries (`--dnsbl ''`) are skipped.
pub fn zones(values: &[String]) -> Result<Vec<String>, ProbeError> {
    let mut zones: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let bad = |reason: String| ProbeError::BadOption { option: "--dnsbl", value: value.to_owned(), reason };
        let zone = mxray_report::normalize(value).map_err(|e| bad(e.to_string()))?.domain;
        if !zones.contains(&zone) {
            zones.push(zone);
        }
    }
    if zones.len() > MAX_ZONES {
        let reason = format!("at most {MAX_ZONES} zones");
        return Err(ProbeError::BadOption { option: "--dnsbl", value: values.join(","), reason });
    }
    Ok(zones)
}

/// The name to ask `zone` about `ip`: `4.3.2.1.zone` for 1.2.3.4, 32 nibbles for IPv6 (an
/// IPv4-mapped IPv6 address is asked as the IPv4 address it carries).
pub fn query_name(ip: IpAddr, zone: &str) -> String {
    let zone = zone.trim_end_matches('.');
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.{zone}")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => query_name(IpAddr::V4(v4), zone),
            None => {
                let mut name = String::with_capacity(64 + zone.len());
                for byte in v6.octets().iter().rev() {
                    let _ = write!(name, "{:x}.{:x}.", byte & 0x0f, byte >> 4);
                }
                name + zone
            }
        },
    }
}

/// What each zone says about `ip`, in the order of `zones`; the zones are asked at once.
pub async fn check<D: MailDns>(dns: &D, ip: IpAddr, zones: &[String], limit: Duration) -> Vec<DnsblResult> {
    join_all(zones.iter().map(|zone| ask(dns, ip, zone, limit))).await
}

async fn ask<D: MailDns>(dns: &D, ip: IpAddr, zone: &str, limit: Duration) -> DnsblResult {
    let query = query_name(ip, zone);
    let mut result = DnsblResult {
        zone: zone.to_owned(),
        query: query.clone(),
        status: DnsblStatus::NotListed,
        codes: Vec::new(),
        reason: Vec::new(),
        detail: None,
        problem: None,
    };
    let codes: Vec<IpAddr> = match bounded(limit, dns.addresses(&query)).await {
        Ok(found) => found.ips,
        Err(LookupError::NxDomain | LookupError::NoRecords) => return result,
        Err(LookupError::Timeout(secs)) => {
            result.status = DnsblStatus::Unknown;
            result.problem = Some(DnsblProblem::Timeout { secs });
            return result;
        }
        Err(LookupError::Failed(detail)) => {
            result.status = DnsblStatus::Unknown;
            (result.problem, result.detail) = (Some(DnsblProblem::LookupFailed), Some(detail));
            return result;
        }
    };
    result.codes = codes.iter().take(8).map(IpAddr::to_string).collect();
    let (status, problem) = judge(&codes);
    (result.status, result.problem) = (status, problem);
    if status == DnsblStatus::Listed {
        // The reason is a courtesy: a listing stands without it.
        if let Ok(texts) = bounded(limit, dns.txt(&query)).await {
            result.reason =
                texts.iter().take(MAX_REASONS).map(|t| t.chars().take(MAX_REASON_CHARS).collect()).collect();
        }
    }
    result
}

/// The meaning of a list's A answers.
pub fn judge(codes: &[IpAddr]) -> (DnsblStatus, Option<DnsblProblem>) {
    let v4: Vec<Ipv4Addr> = codes
        .iter()
        .filter_map(|c| match c {
            IpAddr::V4(v4) => Some(*v4),
            IpAddr::V6(_) => None,
        })
        .collect();
    if v4.is_empty() {
        return (DnsblStatus::NotListed, None);
    }
    // The error codes' meanings (.252 typo, .254 open resolver, .255 too many queries) are in the
    // catalogue's words.
    if let Some(code) = v4.iter().find(|c| c.octets()[..3] == [127, 255, 255]) {
        return (DnsblStatus::Unknown, Some(DnsblProblem::ErrorCode { code: code.to_string() }));
    }
    if let Some(code) = v4.iter().find(|c| c.octets()[0] != 127) {
        return (DnsblStatus::Unknown, Some(DnsblProblem::NotACode { code: code.to_string() }));
    }
    (DnsblStatus::Listed, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_names_reverse_octets_and_nibbles() {
        assert_eq!(query_name("192.0.2.25".parse().unwrap(), "bl.example."), "25.2.0.192.bl.example");
        let v6 = query_name("2001:db8::25".parse().unwrap(), "bl.example");
        assert_eq!(v6, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example");
        assert_eq!(query_name("::ffff:192.0.2.25".parse().unwrap(), "bl.example"), "25.2.0.192.bl.example");
    }

    #[test]
    fn zones_are_host_names_listed_once() {
        let given = |v: &[&str]| zones(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(given(&["Zen.Spamhaus.org.", "zen.spamhaus.org", " "]).unwrap(), ["zen.spamhaus.org"]);
        assert!(given(&["bad zone"]).is_err());
        assert!(given(&["x\r\n.example"]).is_err());
        let many: Vec<String> = (0..=MAX_ZONES).map(|i| format!("bl{i}.example")).collect();
        assert!(zones(&many).is_err());
    }

    #[test]
    fn error_codes_are_never_listings() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(judge(&[ip("127.0.0.2")]).0, DnsblStatus::Listed);
        assert_eq!(judge(&[ip("127.0.0.2"), ip("127.0.0.11")]).0, DnsblStatus::Listed);
        for code in ["127.255.255.252", "127.255.255.254", "127.255.255.255", "127.255.255.1"] {
            assert_eq!(judge(&[ip(code)]).0, DnsblStatus::Unknown, "{code}");
        }
        assert_eq!(judge(&[ip("127.0.0.2"), ip("127.255.255.254")]).0, DnsblStatus::Unknown);
        assert_eq!(judge(&[ip("198.51.100.7")]).0, DnsblStatus::Unknown, "NXDOMAIN rewriting");
        assert_eq!(judge(&[]).0, DnsblStatus::NotListed);
    }
}
