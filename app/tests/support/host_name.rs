//! The host name rules the input normaliser promises, checked independently of it (shared by the
//! property tests and the `normalize` fuzz target): lower-case ASCII letters, digits, hyphens and
//! dots; at least two labels of 1–63 octets without a hyphen at either end; at most 253 octets; not
//! an address in disguise (all-digit last label); and every `xn--` label valid Punycode (RFC 3492)
//! for a label outside ASCII.

/// RFC 3492 Punycode decoding of the part after `xn--`; `None` when it is not valid Punycode.
pub fn punycode_decode(input: &str) -> Option<Vec<u32>> {
    const BASE: u32 = 36;
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut out: Vec<u32> = basic.chars().map(u32::from).collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = rest.bytes().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let d = match digits.next()? {
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = if k <= bias {
                1
            } else if k >= bias + 26 {
                26
            } else {
                k - bias
            };
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        let mut delta = if old_i == 0 { (i - old_i) / 700 } else { (i - old_i) / 2 };
        delta += delta / len;
        let mut k = 0;
        while delta > 455 {
            delta /= 35;
            k += BASE;
        }
        bias = k + 36 * delta / (delta + 38);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, n);
        i += 1;
    }
    Some(out)
}

/// Panics unless `name` is a valid A-label host name by the rules above.
pub fn assert_host_name(name: &str) {
    assert!(name.len() <= 253, "{name:?} is {} octets", name.len());
    assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'), "{name:?}");
    let labels: Vec<&str> = name.split('.').collect();
    assert!(labels.len() >= 2, "{name:?}");
    for label in &labels {
        assert!((1..=63).contains(&label.len()), "{name:?}: label {label:?}");
        assert!(!label.starts_with('-') && !label.ends_with('-'), "{name:?}: label {label:?}");
        if let Some(encoded) = label.strip_prefix("xn--") {
            let decoded = punycode_decode(encoded).unwrap_or_else(|| panic!("{name:?}: {label:?} is not Punycode"));
            assert!(decoded.iter().any(|c| *c >= 0x80), "{name:?}: {label:?} decodes to plain ASCII");
            assert!(decoded.iter().all(|c| char::from_u32(*c).is_some()), "{name:?}: {label:?}");
        }
    }
    assert!(!labels[labels.len() - 1].bytes().all(|b| b.is_ascii_digit()), "{name:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(label: &str) -> Option<String> {
        punycode_decode(label).map(|c| c.into_iter().filter_map(char::from_u32).collect())
    }

    #[test]
    fn the_punycode_decoder_reads_known_labels() {
        assert_eq!(decoded("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(decoded("mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(decoded("wgv71a119e").as_deref(), Some("日本語"));
        assert_eq!(decoded("abc-").as_deref(), Some("abc"));
        assert_eq!(decoded("a$b"), None);
        assert_host_name("xn--bcher-kva.example");
        assert_eq!(decoded("99999999999999"), None, "an overflowing label is not Punycode");
        assert!(std::panic::catch_unwind(|| assert_host_name("xn--99999999999999.example")).is_err());
    }
}
