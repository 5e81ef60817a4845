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
