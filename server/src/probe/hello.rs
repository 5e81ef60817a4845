//! Hand-built TLS ClientHellos and the server's first flight, as bytes (no socket): shared by the
//! legacy TLS probe (a hello of at most TLS 1.1, read up to the ServerHello) and the TLS quality
//! probe (TLS 1.2 hellos, read up to ServerHelloDone for the certificate key and the
//! ServerKeyExchange).
//!
//! tls-parser frames the record and the ClientHello and reads the ServerHello; its serializer
//! writes only a few extension types and needs cookie-factory to drive them, so the extensions are
//! written here, and the Certificate and ServerKeyExchange bodies (whose layout depends on the
//! suite) are read here.

use tls_parser::{
    parse_tls_message_alert, parse_tls_message_handshake, parse_tls_server_hello_extensions, Serialize,
    TlsAlertDescription, TlsAlertSeverity, TlsCipherSuite, TlsCipherSuiteID, TlsClientHelloContents, TlsCompressionID,
    TlsExtension, TlsMessage, TlsMessageHandshake, TlsPlaintext, TlsRecordHeader, TlsRecordType, TlsVersion,
};

/// What a hand-built ClientHello offers.
#[derive(Clone, Copy, Debug)]
pub struct HelloSpec<'a> {
    /// `legacy_version` of the hello (no supported_versions extension is sent, so the server
    /// cannot choose anything newer).
    pub version: TlsVersion,
    /// Cipher suites, in order of preference.
    pub suites: &'a [u16],
    /// Named groups (supported_groups).
    pub groups: &'a [u16],
    /// Signature schemes (signature_algorithms, TLS 1.2 only); empty: the extension is left out.
    pub signatures: &'a [u16],
    /// Compression methods, in order (0 is none, 1 DEFLATE).
    pub compression: &'a [u8],
}

/// A TLS record holding a ClientHello after `spec`, with SNI `host`, the groups and point formats
/// the ECDHE suites need and, when given, the signature schemes.
pub fn client_hello(spec: &HelloSpec<'_>, host: &str, random: &[u8; 32]) -> Option<Vec<u8>> {
    let name = host.trim_end_matches('.').as_bytes();
    let mut ext = Vec::new();
    let sni_entry = [&[0u8][..], &u16_be(name.len())?, name].concat();
    push_extension(&mut ext, 0x0000, &[&u16_be(sni_entry.len())?[..], &sni_entry].concat())?;
    let groups: Vec<u8> = spec.groups.iter().flat_map(|g| g.to_be_bytes()).collect();
    push_extension(&mut ext, 0x000a, &[&u16_be(groups.len())?[..], &groups].concat())?;
    push_extension(&mut ext, 0x000b, &[1, 0])?; // ec_point_formats: uncompressed
    if !spec.signatures.is_empty() {
        let schemes: Vec<u8> = spec.signatures.iter().flat_map(|s| s.to_be_bytes()).collect();
        push_extension(&mut ext, 0x000d, &[&u16_be(schemes.len())?[..], &schemes].concat())?;
    }
    let contents = TlsClientHelloContents::new(
        spec.version.0,
        random,
        None,
        spec.suites.iter().map(|s| TlsCipherSuiteID(*s)).collect(),
        spec.compression.iter().map(|c| TlsCompressionID(*c)).collect(),
        Some(&ext),
    );
    let record = TlsPlaintext {
        // The record layer says TLS 1.0, as clients do for their first flight.
        hdr: TlsRecordHeader { record_type: TlsRecordType::Handshake, version: TlsVersion::Tls10, len: 0 },
        msg: vec![TlsMessage::Handshake(TlsMessageHandshake::ClientHello(contents))],
    };
    record.serialize().ok()
}

fn u16_be(n: usize) -> Option<[u8; 2]> {
    u16::try_from(n).ok().map(u16::to_be_bytes)
}

fn push_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) -> Option<()> {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&u16_be(data.len())?);
    out.extend_from_slice(data);
    Some(())
}

/// An alert record, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// A warning (not close_notify): read past it.
    Warning,
    /// protocol_version, handshake_failure or insufficient_security: "not with these versions
    /// and suites", a refusal of what was offered.
    Refusal(String),
    /// Another fatal alert (or close_notify), which says nothing about what was offered.
    Other(String),
    /// Not an alert.
    Unreadable,
}

/// Reads an alert record's body.
pub fn alert(body: &[u8]) -> Alert {
    let Ok((_, TlsMessage::Alert(a))) = parse_tls_message_alert(body) else { return Alert::Unreadable };
    if a.severity == TlsAlertSeverity::Warning && a.code != TlsAlertDescription::CloseNotify {
        return Alert::Warning;
    }
    let refusal = [
        TlsAlertDescription::ProtocolVersion,
        TlsAlertDescription::HandshakeFailure,
        TlsAlertDescription::InsufficientSecurity,
    ];
    if refusal.contains(&a.code) {
        Alert::Refusal(alert_name(a.code))
    } else {
        Alert::Other(alert_name(a.code))
    }
}

/// The alert's RFC name, e.g. `protocol_version` (tls-parser writes `ProtocolVersion`).
fn alert_name(code: TlsAlertDescription) -> String {
    let mut name = String::new();
    for c in code.to_string().chars() {
        if c.is_ascii_uppercase() && !name.is_empty() {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// The first bytes of `bytes` in hex, for "not TLS" and "unreadable" answers.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// A suite's IANA name, or its hex code.
pub fn suite_name(id: u16) -> String {
    TlsCipherSuite::from_id(id).map_or_else(|| format!("0x{id:04x}"), |c| c.name.to_owned())
}

/// What a ServerHello says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// The version chosen.
    pub version: TlsVersion,
    /// The suite chosen.
    pub suite: u16,
    /// The compression method chosen.
    pub compression: u8,
    /// The renegotiation_info extension is there (RFC 5746).
    pub renegotiation_info: bool,
}

/// One handshake message off the front of `buffer`, when it is complete: its type and body.
pub fn message(buffer: &[u8]) -> Option<(u8, &[u8])> {
    let (&kind, rest) = buffer.split_first()?;
    let len = usize::from(*rest.first()?) << 16 | usize::from(*rest.get(1)?) << 8 | usize::from(*rest.get(2)?);
    Some((kind, rest.get(3..3 + len)?))
}

/// A whole ServerHello message (header included), read.
pub fn server_hello(message: &[u8]) -> Option<ServerHello> {
    let Ok((_, TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh)))) = parse_tls_message_handshake(message)
    else {
        return None;
    };
    let extensions = sh.ext.and_then(|e| parse_tls_server_hello_extensions(e).ok()).map(|(_, e)| e).unwrap_or_default();
    Some(ServerHello {
        version: sh.version,
        suite: sh.cipher.0,
        compression: sh.compression.0,
        renegotiation_info: extensions.iter().any(|e| matches!(e, TlsExtension::RenegotiationInfo(_))),
    })
}

/// The first certificate (the server's own) of a Certificate message body.
pub fn leaf_certificate(body: &[u8]) -> Option<&[u8]> {
    let u24 = |b: &[u8]| Some(usize::from(*b.first()?) << 16 | usize::from(*b.get(1)?) << 8 | usize::from(*b.get(2)?));
    let list = body.get(3..3 + u24(body)?)?;
    list.get(3..3 + u24(list)?)
}

/// The key exchange parameters of a ServerKeyExchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KxParams {
    /// ECDHE over a named group (its code).
    Ecdhe(u16),
    /// Finite-field DHE with a prime of this many bits.
    Dhe(u32),
}

/// A ServerKeyExchange body (TLS 1.2), read for an ECDHE (`ecdhe`) or a DHE suite: the parameters
/// and, when signed (not for anonymous suites), the signature scheme.
pub fn server_key_exchange(body: &[u8], ecdhe: bool) -> Option<(KxParams, Option<u16>)> {
    let u16_at = |at: usize| Some(u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]));
    let (params, end) = if ecdhe {
        // curve_type 3 (named_curve), the group, then the point behind a one-byte length.
        if *body.first()? != 3 {
            return None;
        }
        let group = u16_at(1)?;
        (KxParams::Ecdhe(group), 4 + usize::from(*body.get(3)?))
    } else {
        // dh_p, dh_g, dh_Ys, each behind a two-byte length.
        let p_len = usize::from(u16_at(0)?);
        let p = body.get(2..2 + p_len)?;
        let g_at = 2 + p_len;
        let ys_at = g_at + 2 + usize::from(u16_at(g_at)?);
        let end = ys_at + 2 + usize::from(u16_at(ys_at)?);
        (KxParams::Dhe(bit_length(p)), end)
    };
    if end > body.len() {
        return None;
    }
    Some((params, u16_at(end)))
}

/// The number of significant bits of a big-endian unsigned integer.
fn bit_length(n: &[u8]) -> u32 {
    let n: &[u8] = match n.iter().position(|b| *b != 0) {
        Some(first) => &n[first..],
        None => return 0,
    };
    let whole = u32::try_from(n.len().saturating_sub(1)).unwrap_or(u32::MAX).saturating_mul(8);
    whole.saturating_add(8 - n[0].leading_zeros())
}

/// A signature scheme's RFC 8446 name (or the TLS 1.2 hash/signature pair), e.g. `rsa_pkcs1_sha1`.
pub fn signature_name(scheme: u16) -> String {
    match scheme {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0101 => "rsa_pkcs1_md5",
        other => return format!("0x{other:04x}"),
    }
    .to_owned()
}

/// A named group's name, e.g. `x25519`, `secp256r1`, `ffdhe2048`.
pub fn group_name(group: u16) -> String {
    match group {
        0x0017 => "secp256r1",
        0x0018 => "secp384r1",
        0x0019 => "secp521r1",
        0x001d => "x25519",
        0x001e => "x448",
        0x0100 => "ffdhe2048",
        0x0101 => "ffdhe3072",
        0x0102 => "ffdhe4096",
        other => return format!("0x{other:04x}"),
    }
    .to_owned()
}

/// A version's name as the report writes it, e.g. `TLSv1.2`.
pub fn version_name(version: TlsVersion) -> String {
    use mxray_report::model::depth::{SSL3, TLS10, TLS11, TLS12, TLS13};
    match version {
        TlsVersion::Ssl30 => SSL3.to_owned(),
        TlsVersion::Tls10 => TLS10.to_owned(),
        TlsVersion::Tls11 => TLS11.to_owned(),
        TlsVersion::Tls12 => TLS12.to_owned(),
        TlsVersion::Tls13 => TLS13.to_owned(),
        TlsVersion(code) => format!("0x{code:04x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_exchange_parameters_are_read_for_ecdhe_and_dhe() {
        // ECDHE x25519, a 32-byte point, signed rsa_pkcs1_sha1.
        let mut ecdhe = vec![3, 0x00, 0x1d, 32];
        ecdhe.extend([9u8; 32]);
        ecdhe.extend([0x02, 0x01, 0, 2, 0xaa, 0xbb]);
        assert_eq!(server_key_exchange(&ecdhe, true), Some((KxParams::Ecdhe(0x1d), Some(0x0201))));
        // DHE with a 1024-bit prime (128 bytes, top bit set), g = 2, Ys of 128 bytes, unsigned (anon).
        let mut dhe = vec![0, 128, 0x80];
        dhe.extend([1u8; 127]);
        dhe.extend([0, 1, 2, 0, 128]);
        dhe.extend([5u8; 128]);
        assert_eq!(server_key_exchange(&dhe, false), Some((KxParams::Dhe(1024), None)));
        assert_eq!(server_key_exchange(&dhe[..100], false), None, "cut short");
        assert_eq!(bit_length(&[0, 0x01, 0xff]), 9);
    }

    #[test]
    fn messages_and_certificates_are_cut_out_by_their_lengths() {
        let flight = [14u8, 0, 0, 0, 99];
        assert_eq!(message(&flight), Some((14, &[][..])));
        assert_eq!(message(&[11, 0, 0, 5, 1]), None, "incomplete");
        let body = [0, 0, 7, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef];
        assert_eq!(leaf_certificate(&body), Some(&[0xde, 0xad, 0xbe, 0xef][..]));
    }
}
