//! EHLO parsing and the report fields of any reply: the input's lines are the text of a `250`
//! reply (and of a reply with the code from the first two bytes). Host name, extensions and
//! parameters keep their caps and carry no control characters; summaries and fields stay bounded;
//! the relay classifier reads any reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use server::probe::relay::{classify, enhanced_code, RelayStage};
use server::probe::wire::{detect_software, parse_ehlo, Reply, MAX_EXTENSIONS, MAX_FIELD};

/// `wire`'s private caps on EHLO words (bytes per keyword or parameter, parameters per extension).
const MAX_WORD: usize = 128;
const MAX_PARAMS: usize = 16;

fn clean(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && c != '\n')
}

fuzz_target!(|data: &[u8]| {
    let Some((code, text)) = data.split_first_chunk::<2>() else { return };
    let text = String::from_utf8_lossy(text);
    let lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    for code in [250, u16::from_le_bytes(*code)] {
        let reply = Reply { code, lines: lines.clone() };
        let (host, extensions, size) = parse_ehlo(&reply);
        let word_ok = |w: &str| w.len() <= MAX_WORD && !w.chars().any(char::is_control) && !w.contains(' ');
        assert!(word_ok(&host), "{host:?}");
        assert!(extensions.len() <= MAX_EXTENSIONS);
        for e in &extensions {
            assert!(!e.keyword.is_empty() && word_ok(&e.keyword), "{:?}", e.keyword);
            assert!(!e.keyword.bytes().any(|b| b.is_ascii_lowercase()));
            assert!(e.params.len() <= MAX_PARAMS);
            assert!(e.params.iter().all(|p| !p.is_empty() && word_ok(p)), "{:?}", e.params);
        }
        let from_size = extensions.iter().find(|e| e.keyword == "SIZE").and_then(|e| e.params.first()?.parse().ok());
        assert_eq!(size, from_size);

        let (summary, field) = (reply.summary(), reply.field_text());
        assert!(summary.len() <= MAX_FIELD && clean(&summary), "{summary:?}");
        assert!(field.len() <= MAX_FIELD && clean(&field), "{field:?}");
        if let Some(software) = detect_software(&field) {
            let version = software.version.unwrap_or_default();
            assert!(field.contains(&version) && !version.contains('\n'));
        }
        for stage in [RelayStage::Mail, RelayStage::Rcpt] {
            classify(&reply, stage, Some(std::net::IpAddr::from([192, 0, 2, 1])));
        }
        if let Some((class, subject, detail)) = enhanced_code(&reply) {
            assert!(class == code / 100 && subject <= 7 && detail <= 999);
        }
    }
});
