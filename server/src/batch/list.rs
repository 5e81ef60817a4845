//! The batch's input: one domain or e-mail address per line, blank lines and `#` comments skipped,
//! each line through the same normaliser as `mxray check`; and the shard a domain belongs to.

use mxray_report::input::InputError;
use mxray_report::{normalize, NormalizedInput};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// One line of the list that is not blank and not a comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Its line number in the list (from 1): with the input it names the line in the output.
    pub position: usize,
    /// The line as written (trimmed).
    pub input: String,
    /// The normalised domain, or why the line cannot be checked.
    pub parsed: Result<NormalizedInput, InputError>,
}

impl Item {
    /// The domain, when the line is one.
    pub fn domain(&self) -> Option<&str> {
        self.parsed.as_ref().ok().map(|n| n.domain.as_str())
    }
}

/// Reads the list: every line that is not blank and not a `#` comment, in order.
pub fn items(text: &str) -> Vec<Item> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let input = line.trim();
            (!input.is_empty() && !input.starts_with('#')).then(|| Item {
                position: i + 1,
                input: input.to_owned(),
                parsed: normalize(input),
            })
        })
        .collect()
}

/// Shard `index` of `count` (`--shard K/N`, K from 0): which of N processes keeps a domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This process's shard, `0..count`.
    pub index: u64,
    /// How many shards there are.
    pub count: u64,
}

impl Shard {
    /// True when `key` falls in this shard: a stable hash (SHA-256, the same on every machine and
    /// release), so N processes over the same list check each domain exactly once.
    pub fn keeps(&self, key: &str) -> bool {
        let digest = Sha256::digest(key.to_ascii_lowercase().as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a `--shard` value cannot be used.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// Not `K/N`.
    #[error("{0:?} is not K/N (e.g. 0/4)")]
    Form(String),
    /// N is zero or K is not below N.
    #[error("shard {index} of {count} does not exist: K counts from 0 and must be below N")]
    Range {
        /// K.
        index: u64,
        /// N.
        count: u64,
    },
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let form = || ShardError::Form(s.to_owned());
        let (k, n) = s.split_once('/').ok_or_else(form)?;
        let (index, count): (u64, u64) = (k.trim().parse().map_err(|_| form())?, n.trim().parse().map_err(|_| form())?);
        if count == 0 || index >= count {
            return Err(ShardError::Range { index, count });
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_blanks_and_comments_and_keeps_bad_lines_with_their_reason() {
        let list = "# providers\nexample.com\n\n  Postmaster@Example.ORG  \nnot a domain\n#x\nbücher.example\n";
        let items = items(list);
        let seen: Vec<(usize, &str, Option<&str>)> =
            items.iter().map(|i| (i.position, i.input.as_str(), i.domain())).collect();
        assert_eq!(
            seen,
            [
                (2, "example.com", Some("example.com")),
                (4, "Postmaster@Example.ORG", Some("example.org")),
                (5, "not a domain", None),
                (7, "bücher.example", Some("xn--bcher-kva.example")),
            ]
        );
        assert!(items[2].parsed.is_err());
    }

    #[test]
    fn shards_split_a_list_exactly_once_and_stably() {
        let domains: Vec<String> = (0..2000).map(|i| format!("d{i}.example")).collect();
        let shards: Vec<Shard> = (0..4).map(|k| format!("{k}/4").parse().unwrap()).collect();
        let mut sizes = [0usize; 4];
        for d in &domains {
            let keepers: Vec<usize> = (0..4).filter(|&k| shards[k].keeps(d)).collect();
            assert_eq!(keepers.len(), 1, "{d} is kept by exactly one shard");
            sizes[keepers[0]] += 1;
            assert!(shards[keepers[0]].keeps(&d.to_uppercase()), "letter case does not move a domain");
        }
        assert!(sizes.iter().all(|&n| (400..600).contains(&n)), "roughly even: {sizes:?}");
        // The hash is part of the interface (shards of one list may run different releases).
        let pinned: Vec<u64> = (0..4).filter(|&k| Shard { index: k, count: 4 }.keeps("example.com")).collect();
        assert_eq!(pinned, [SHARD_OF_EXAMPLE_COM]);
    }

    /// The shard of `example.com` among 4, from SHA-256 as specified: changing the hash fails here.
    const SHARD_OF_EXAMPLE_COM: u64 = 1;

    #[test]
    fn shard_values_are_checked() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!("4/4".parse::<Shard>(), Err(ShardError::Range { index: 4, count: 4 }));
        assert_eq!("0/0".parse::<Shard>(), Err(ShardError::Range { index: 0, count: 0 }));
        assert!(matches!("x".parse::<Shard>(), Err(ShardError::Form(_))));
        assert!(matches!("1/x".parse::<Shard>(), Err(ShardError::Form(_))));
    }
}
