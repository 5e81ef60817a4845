//! The input normaliser on any text: never a panic; either a typed error, or a host name that
//! passes the host name rules checked independently (app/tests/support/host_name.rs: lengths,
//! characters, hyphens, `xn--` labels valid Punycode for a label outside ASCII), and that
//! normalises to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The same independent check as the property tests, included, not copied.
#[path = "../../app/tests/support/host_name.rs"]
mod host_name;

use host_name::assert_host_name;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    if let Ok(n) = mxray_report::normalize(input) {
        assert_host_name(&n.domain);
        assert_eq!(n.input, input);
        assert_eq!(mxray_report::normalize(&n.domain).map(|again| again.domain), Ok(n.domain.clone()));
    }
});
