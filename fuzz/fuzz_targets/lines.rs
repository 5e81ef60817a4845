//! The page's NDJSON line buffer: any bytes, cut into any chunks (chunk sizes come from the first
//! input bytes), yield the lines of the whole stream, each without `\n`, blank ones dropped.
#![no_main]

// The buffer is a private module of the page's UI; included as it is, not copied.
#[path = "../../app/src/ui/lines.rs"]
#[allow(dead_code)]
mod lines;

use libfuzzer_sys::fuzz_target;
use lines::LineBuffer;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else { return };
    let n = usize::from(n % 16).min(rest.len());
    let (sizes, stream) = rest.split_at(n);
    let expected: Vec<Vec<u8>> = match stream.iter().rposition(|b| *b == b'\n') {
        Some(end) => {
            stream[..end].split(|b| *b == b'\n').filter(|l| !l.trim_ascii().is_empty()).map(<[u8]>::to_vec).collect()
        }
        None => Vec::new(),
    };
    let mut buffer = LineBuffer::default();
    let mut got = Vec::new();
    let mut at = 0;
    for size in sizes.iter().map(|s| usize::from(*s)).chain(std::iter::repeat(usize::MAX)) {
        if at >= stream.len() {
            break;
        }
        let end = at.saturating_add(size).min(stream.len());
        got.extend(buffer.push(&stream[at..end]));
        at = end;
    }
    assert_eq!(got, expected);
    assert_eq!(buffer.is_empty(), stream.is_empty() || stream.ends_with(b"\n"));
});
