//! Splitting a byte stream into lines: a chunk may hold several lines, or half of one (even half
//! of a multi-byte character), so bytes are kept until their `\n` arrives.

/// Bytes received but not yet ended by `\n`.
#[derive(Debug, Default)]
pub struct LineBuffer {
    pending: Vec<u8>,
}

impl LineBuffer {
    /// Adds a chunk and returns every line it completes, without the `\n` (empty lines dropped).
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        self.pending.extend_from_slice(chunk);
        let Some(end) = self.pending.iter().rposition(|b| *b == b'\n') else { return Vec::new() };
        let rest = self.pending.split_off(end + 1);
        let complete = std::mem::replace(&mut self.pending, rest);
        complete.split(|b| *b == b'\n').filter(|line| !line.trim_ascii().is_empty()).map(<[u8]>::to_vec).collect()
    }

    /// True when no partial line is waiting.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_lines_and_splits_joined_ones() {
        let mut b = LineBuffer::default();
        assert!(b.push(b"{\"a\":").is_empty());
        assert!(!b.is_empty());
        assert_eq!(b.push(b"1}\n{\"b\":2}\n{\"c\""), [b"{\"a\":1}".to_vec(), b"{\"b\":2}".to_vec()]);
        assert_eq!(b.push(b":3}\n\n"), [b"{\"c\":3}".to_vec()]);
        assert!(b.is_empty());
    }

    #[test]
    fn keeps_a_multibyte_character_cut_in_half() {
        let text = "{\"t\":\"Grüße\"}\n".as_bytes();
        let cut = text.iter().position(|b| *b >= 0x80).unwrap() + 1;
        let mut b = LineBuffer::default();
        assert!(b.push(&text[..cut]).is_empty());
        let lines = b.push(&text[cut..]);
        assert_eq!(std::str::from_utf8(&lines[0]).unwrap(), "{\"t\":\"Grüße\"}");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    /// The lines a whole stream holds: everything up to its last `\n`, split there, blank lines
    /// dropped (the rest is an unfinished line).
    fn lines_of(stream: &[u8]) -> Vec<Vec<u8>> {
        let Some(end) = stream.iter().rposition(|b| *b == b'\n') else { return Vec::new() };
        stream[..end].split(|b| *b == b'\n').filter(|l| !l.trim_ascii().is_empty()).map(<[u8]>::to_vec).collect()
    }

    /// NDJSON as the server streams it, with multi-byte text, blank lines, CRs and stray bytes.
    fn stream() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            4 => "[a-z{}\":,0-9 ]{0,12}".prop_map(String::into_bytes),
            2 => prop::sample::select(vec!["ü", "€", "😀", "Grüße", "\u{10ffff}"]).prop_map(|s| s.as_bytes().to_vec()),
            3 => prop::sample::select(vec![&b"\n"[..], b"\r\n", b"\n\n", b" \n", b"\t"]).prop_map(<[u8]>::to_vec),
            1 => prop::collection::vec(any::<u8>(), 0..4),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    proptest! {
        // proptest's default persistence: a failing seed is kept in app/proptest-regressions/ui/lines.txt.
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// However a stream is cut into chunks (inside a multi-byte character too), the buffer
        /// yields the same lines as the whole stream, and is empty exactly when the stream ends
        /// with `\n`.
        #[test]
        fn any_chunking_yields_the_same_lines(stream in stream(), cuts in prop::collection::vec(any::<Index>(), 0..12)) {
            let mut at: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
            at.extend([0, stream.len()]);
            at.sort_unstable();
            at.dedup();
            let mut buffer = LineBuffer::default();
            let mut got = Vec::new();
            for w in at.windows(2) {
                got.extend(buffer.push(&stream[w[0]..w[1]]));
            }
            prop_assert_eq!(&got, &lines_of(&stream));
            prop_assert!(got.iter().all(|l| !l.contains(&b'\n')));
            prop_assert_eq!(buffer.is_empty(), stream.is_empty() || stream.ends_with(b"\n"));
        }
    }
}
