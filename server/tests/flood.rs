//! A domain whose 8 addresses all flood (every reply 128 lines of 2 KiB control bytes) still makes a
//! small report: each transcript stops at its byte cap with a note, the whole report stays ≤ 1 MiB.
//! Sizes only; nothing about time (`cargo bench -p server --bench flood` measures the real binary).

mod common;

use common::Lab;
use mxray_testkit::Scenario;
use server::probe::transcript::MAX_BYTES;

#[tokio::test]
async fn eight_flooding_addresses_make_a_report_under_one_mib() {
    let mut lab = Lab::new();
    for i in 0..8 {
        let mut s = Scenario::plaintext("mx.flood.test");
        s.flood_replies = true;
        lab.mx("flood.test", 10, "mx.flood.test", &format!("192.0.2.{}", 20 + i), s).await;
    }
    let (report, _) = lab.check("flood.test").await;
    let json = serde_json::to_string(&report).expect("serialise");
    assert!(json.len() <= 1024 * 1024, "report is {} bytes", json.len());
    let addresses: Vec<_> = report.mx.iter().flat_map(|h| &h.addresses).collect();
    assert_eq!(addresses.len(), 8);
    for a in addresses {
        let (note, kept) = a.transcript.split_last().expect("a transcript");
        let text: usize = kept.iter().map(|l| l.text.len()).sum();
        assert!(text <= MAX_BYTES, "{}: {text} bytes kept", a.ip);
        assert!(note.text.starts_with("transcript cut at "), "{}: {}", a.ip, note.text);
        assert!(note.text.ends_with(" not kept"), "{}: {}", a.ip, note.text);
        assert!(
            kept.iter().any(|l| l.text.starts_with("250-\\u{1}\\u{2}")),
            "{}: the flood's escaped control bytes are in the transcript",
            a.ip
        );
    }
}
