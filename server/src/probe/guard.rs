//! The SSRF guard: which addresses mxray refuses to connect to unless told otherwise. It is applied
//! by `net::Guarded`, the connector every engine connection goes through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The non-public range an address belongs to, or `None` for a public address. IPv6 is allowed only
/// in global unicast (2000::/3) outside the special-purpose blocks, so IPv4-mapped and -translated
/// forms and blocks assigned in future are closed by default.
pub fn non_public_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(_) => Some("IPv4-mapped"),
            None => v6_range(v6),
        },
    }
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_broadcast() => "broadcast",
        (0, _, _) => "this-network",
        (127, _, _) => "loopback",
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => "private",
        (100, 64..=127, _) => "CGNAT",
        (169, 254, _) => "link-local",
        (192, 0, 0) => "IETF protocol assignment",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (192, 88, 99) => "6to4 relay anycast",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        _ => return None,
    })
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    let s = ip.segments();
    Some(match s[0] {
        _ if ip.is_unspecified() => "unspecified",
        _ if ip.is_loopback() => "loopback",
        0xfe80..=0xfebf => "link-local",
        0xfec0..=0xfeff => "site-local",
        0xfc00..=0xfdff => "unique local (private)",
        0xff00..=0xffff => "multicast",
        0x2001 if s[1] == 0x0db8 => "documentation",
        0x3fff if s[1] <= 0x0fff => "documentation",
        0x2001 if s[1] < 0x0200 => "IETF special purpose",
        0x0100 if s[1..4] == [0, 0, 0] => "discard-only",
        0x0064 if s[1] == 0xff9b => "NAT64",
        0x2002 => "6to4",
        0 if s[1..6] == [0, 0, 0, 0, 0] => "IPv4-compatible (deprecated)",
        0 if s[1..4] == [0, 0, 0] && s[4] == 0xffff => "IPv4-translated (SIIT)",
        0x2000..=0x3fff => return None,
        _ => "not global unicast",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_every_non_public_range() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "2001:db8::25",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::1",
            "3fff::1",
            // Outside global unicast, or IPv4 in IPv6 clothing (a public IPv4 is asked for as A).
            "::ffff:1.1.1.1",
            "::ffff:0:1.1.1.1",
            "4000::1",
            "100::1",
            "5f00::1",
        ] {
            assert!(non_public_range(ip.parse().unwrap()).is_some(), "{ip} should be blocked");
        }
    }

    #[test]
    fn allows_public_addresses() {
        for ip in ["1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2a00:1450:4001:80b::201a", "2606:4700::1111"] {
            assert_eq!(non_public_range(ip.parse().unwrap()), None, "{ip} should be allowed");
        }
    }
}
