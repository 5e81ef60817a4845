//! Turning what a user typed into a domain to test. The same code runs in the browser (WASM),
//! the server and the CLI, so a rejection reads the same everywhere.

use crate::model::ports::ALLOWED;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Why a port list cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PortsError {
    /// Nothing listed.
    #[error("no port given (allowed: 25, 465, 587)")]
    Empty,
    /// An entry that is not a port number.
    #[error("{entry:?} is not a port number (allowed: 25, 465, 587)")]
    NotANumber {
        /// The entry as given.
        entry: String,
    },
    /// A port mxray does not probe.
    #[error("port {port} is not one mxray probes (allowed: 25, 465, 587)")]
    NotAllowed {
        /// The port.
        port: u16,
    },
}

/// Parses `25,465,587` (spaces allowed, duplicates dropped) into sorted ports.
pub fn parse_ports(text: &str) -> Result<Vec<u16>, PortsError> {
    let mut ports = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let port: u16 =
            entry.parse().map_err(|_| PortsError::NotANumber { entry: entry.chars().take(32).collect() })?;
        if !ALLOWED.contains(&port) {
            return Err(PortsError::NotAllowed { port });
        }
        ports.push(port);
    }
    ports.sort_unstable();
    ports.dedup();
    if ports.is_empty() {
        return Err(PortsError::Empty);
    }
    Ok(ports)
}

/// Longest name in octets (RFC 1035 §2.3.4, without the root dot).
const MAX_NAME: usize = 253;

/// Longest label in octets.
const MAX_LABEL: usize = 63;

/// Why an input is not a testable domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Nothing was typed.
    #[error("no domain given")]
    Empty,
    /// Whitespace inside or around the input.
    #[error("the input contains whitespace")]
    Whitespace,
    /// Control characters (CR/LF injection and the like).
    #[error("the input contains control characters")]
    ControlCharacter,
    /// An e-mail address with nothing after or before the `@`.
    #[error("the e-mail address has no domain part")]
    BadEmail,
    /// An IP address instead of a name.
    #[error("IP addresses cannot be tested, give a domain name")]
    IpLiteral,
    /// A label longer than 63 octets.
    #[error("the label '{label}' is longer than 63 characters")]
    LabelTooLong {
        /// The label, A-label form.
        label: String,
    },
    /// A name longer than 253 octets.
    #[error("the name is {len} characters long, at most 253 are allowed")]
    NameTooLong {
        /// Its length in octets.
        len: usize,
    },
    /// An empty label (`a..b`, a leading dot).
    #[error("the name has an empty label")]
    EmptyLabel,
    /// A label that starts or ends with a hyphen.
    #[error("the label '{label}' starts or ends with a hyphen")]
    HyphenEdge {
        /// The label.
        label: String,
    },
    /// A character a host name cannot hold.
    #[error("'{ch}' is not allowed in a host name")]
    BadCharacter {
        /// The offending character.
        ch: char,
    },
    /// A single label such as `localhost`.
    #[error("a domain needs at least two labels, e.g. example.com")]
    SingleLabel,
    /// The internationalised name cannot be converted (UTS-46).
    #[error("the internationalised name is invalid")]
    InvalidIdn,
}

/// A user's input after normalisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedInput {
    /// What was typed.
    pub input: String,
    /// The domain in A-label form, lower case, without trailing dot.
    pub domain: String,
    /// The ports to probe at each address (see `ports::parse_ports`); empty: the engine's default.
    #[serde(default)]
    pub ports: Vec<u16>,
}

/// Normalises a domain or e-mail address: IDN to A-label, lower case, no trailing dot.
pub fn normalize(input: &str) -> Result<NormalizedInput, InputError> {
    if input.is_empty() {
        return Err(InputError::Empty);
    }
    if input.chars().any(char::is_control) {
        return Err(InputError::ControlCharacter);
    }
    if input.chars().any(char::is_whitespace) {
        return Err(InputError::Whitespace);
    }
    let name = match input.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => domain,
        Some(_) => return Err(InputError::BadEmail),
        None => input,
    };
    let bare = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    if bare.parse::<IpAddr>().is_ok() || bare.to_ascii_lowercase().starts_with("ipv6:") {
        return Err(InputError::IpLiteral);
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(ch) = name.chars().find(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.')) {
        return Err(InputError::BadCharacter { ch });
    }
    if name.split('.').any(str::is_empty) {
        return Err(InputError::EmptyLabel);
    }
    let ascii = to_ascii(name)?;
    check_hostname(&ascii)?;
    Ok(NormalizedInput { input: input.to_owned(), domain: ascii, ports: Vec::new() })
}

/// IDN to A-label by UTS-46 as the WHATWG URL standard applies it, which is what the idna crate
/// implements and what every browser's URL parser does. The page asks the browser, so the WASM
/// does not carry idna's Unicode tables (about 57 KB gzipped); the server checks again with idna.
/// Chosen by the target, not by the `hydrate` feature: `cargo build` at the workspace root turns that
/// feature on in the native build too (feature unification), where a browser call would panic.
fn to_ascii(name: &str) -> Result<String, InputError> {
    #[cfg(target_arch = "wasm32")]
    {
        let url = web_sys::Url::new(&format!("http://{name}/")).map_err(|_| InputError::InvalidIdn)?;
        Ok(url.hostname())
    }
    #[cfg(not(target_arch = "wasm32"))]
    idna::domain_to_ascii(name).map_err(|_| InputError::InvalidIdn)
}

/// Checks an A-label name against the host name rules (RFC 952/1123, lengths of RFC 1035).
fn check_hostname(name: &str) -> Result<(), InputError> {
    if name.len() > MAX_NAME {
        return Err(InputError::NameTooLong { len: name.len() });
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(InputError::EmptyLabel);
        }
        if label.len() > MAX_LABEL {
            return Err(InputError::LabelTooLong { label: (*label).to_owned() });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(InputError::HyphenEdge { label: (*label).to_owned() });
        }
        if let Some(ch) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(InputError::BadCharacter { ch });
        }
    }
    if labels.len() < 2 {
        return Err(InputError::SingleLabel);
    }
    // A numeric last label makes the name an address in disguise (`1.2.3.4`, `999.1`).
    if labels.last().is_some_and(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return Err(InputError::IpLiteral);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        normalize(input).unwrap_or_else(|e| panic!("{input:?}: {e}")).domain
    }

    #[test]
    fn accepts_domains_in_any_form() {
        assert_eq!(ok("example.com"), "example.com");
        assert_eq!(ok("Example.COM."), "example.com");
        assert_eq!(ok("postmaster@Example.org"), "example.org");
        assert_eq!(ok("a@b@mail.example.net"), "mail.example.net");
        assert_eq!(ok("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(ok("BÜCHER.example."), "xn--bcher-kva.example");
        assert_eq!(ok("xn--bcher-kva.example"), "xn--bcher-kva.example");
        assert_eq!(ok("a-b.c0.example"), "a-b.c0.example");
    }

    #[test]
    fn rejects_what_is_not_a_host_name() {
        let cases: &[(&str, InputError)] = &[
            ("", InputError::Empty),
            (".", InputError::Empty),
            ("exa mple.com", InputError::Whitespace),
            (" example.com", InputError::Whitespace),
            ("example.com\r\nRCPT TO:<x@y>", InputError::ControlCharacter),
            ("example.com\0", InputError::ControlCharacter),
            ("192.0.2.1", InputError::IpLiteral),
            ("[192.0.2.1]", InputError::IpLiteral),
            ("2001:db8::1", InputError::IpLiteral),
            ("[IPv6:2001:db8::1]", InputError::IpLiteral),
            ("user@[192.0.2.1]", InputError::IpLiteral),
            ("1.2.3", InputError::IpLiteral),
            ("@example.com", InputError::BadEmail),
            ("user@", InputError::BadEmail),
            ("-a.example", InputError::HyphenEdge { label: "-a".into() }),
            ("a-.example", InputError::HyphenEdge { label: "a-".into() }),
            ("a..example", InputError::EmptyLabel),
            (".example.com", InputError::EmptyLabel),
            ("under_score.example", InputError::BadCharacter { ch: '_' }),
            ("example.com/path", InputError::BadCharacter { ch: '/' }),
            ("localhost", InputError::SingleLabel),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input).as_ref().err(), Some(want), "{input:?}");
        }
    }

    #[test]
    fn enforces_lengths() {
        let long_label = format!("{}.example", "a".repeat(64));
        assert!(matches!(normalize(&long_label), Err(InputError::LabelTooLong { .. })));
        assert_eq!(ok(&format!("{}.example", "a".repeat(63))).len(), 71);
        let long_name = vec!["a".repeat(63); 4].join(".");
        assert_eq!(normalize(&long_name), Err(InputError::NameTooLong { len: 255 }));
        let max_name = format!("{}.{}", vec!["a".repeat(63); 3].join("."), "b".repeat(61));
        assert_eq!(ok(&max_name).len(), 253);
    }
}
