//! A TLS server's first answer, hand-made: enough to stand for a server that speaks only suites
//! the machine's OpenSSL no longer builds (RC4, 3DES). It reads the ClientHello's version and
//! suites by their lengths and answers with a ServerHello and ServerHelloDone, or an alert.

/// The answer to `client_hello` (one TLS record) of a server that speaks `suites`, its order.
pub fn answer(client_hello: &[u8], suites: &[u16]) -> Vec<u8> {
    let Some((version, offered)) = read(client_hello) else { return record(21, &[2, 50]) }; // decode_error
    let Some(suite) = suites.iter().find(|s| offered.contains(s)) else { return record(21, &[2, 40]) }; // handshake_failure
    let version = version.min(0x0303);
    let mut body = version.to_be_bytes().to_vec();
    body.extend([0x42u8; 32]); // random
    body.push(0); // no session id
    body.extend(suite.to_be_bytes());
    body.push(0); // no compression
    body.extend([0, 5, 0xff, 0x01, 0, 1, 0]); // renegotiation_info, empty
    let mut flight = handshake(2, &body);
    flight.extend(handshake(14, &[]));
    record(22, &flight)
}

/// The ClientHello's `legacy_version` and suites.
fn read(record: &[u8]) -> Option<(u16, Vec<u16>)> {
    let hello = record.get(5..)?;
    let u16_at = |b: &[u8], at: usize| Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]));
    if *hello.first()? != 1 {
        return None;
    }
    let version = u16_at(hello, 4)?;
    let session = usize::from(*hello.get(38)?);
    let at = 39 + session;
    let len = usize::from(u16_at(hello, at)?);
    let list = hello.get(at + 2..at + 2 + len)?;
    Some((version, list.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()))
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let len = u32::try_from(body.len()).unwrap_or(0).to_be_bytes();
    [&[kind, len[1], len[2], len[3]][..], body].concat()
}

fn record(kind: u8, body: &[u8]) -> Vec<u8> {
    let len = u16::try_from(body.len()).unwrap_or(0).to_be_bytes();
    [&[kind, 3, 3, len[0], len[1]][..], body].concat()
}
