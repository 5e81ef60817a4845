//! The input normaliser on any text: never a panic; either a typed error, or a host name that
//! passes the host name rules checked here independently (and whose `xn--` labels decode as
//! Punycode to a label outside ASCII), and that normalises to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// RFC 3492 Punycode decoding of the part after `xn--`; `None` when it is not valid Punycode.
fn punycode_decode(input: &str) -> Option<Vec<u32>> {
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
            let t = if k <= bias { 1 } else if k >= bias + 26 { 26 } else { k - bias };
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

fn assert_host_name(name: &str) {
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

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    if let Ok(n) = app::normalize(input) {
        assert_host_name(&n.domain);
        assert_eq!(n.input, input);
        assert_eq!(app::normalize(&n.domain).map(|again| again.domain), Ok(n.domain.clone()));
    }
});
