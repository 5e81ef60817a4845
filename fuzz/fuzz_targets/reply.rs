//! SMTP reply framing and parsing: any bytes from a server, cut into reads of any size (the first
//! input byte sets the pipe's capacity, so reads end at every possible boundary). Replies are read
//! until the connection gives up; the outcome and the transcript must be the same as when the
//! same bytes arrive in one read, and every reply must keep the caps.
#![no_main]

use libfuzzer_sys::fuzz_target;
use server::probe::connection::SmtpConnection;
use server::probe::transcript::Transcript;
use server::probe::wire::{Reply, MAX_LINE, MAX_REPLY_LINES};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Replies read at most per input (a long input of tiny replies would only repeat itself).
const MAX_REPLIES: usize = 64;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"))
}

/// Every reply (or the error that ended the reading, as text), the transcript lines, the bytes read.
fn read_all(bytes: &[u8], capacity: usize) -> (Vec<Result<Reply, String>>, Vec<String>, usize) {
    runtime().block_on(async {
        let (client, mut server) = tokio::io::duplex(capacity);
        let stream = bytes.to_vec();
        let writer = tokio::spawn(async move {
            for piece in stream.chunks(capacity) {
                if server.write_all(piece).await.is_err() {
                    return;
                }
                tokio::task::yield_now().await;
            }
        });
        let mut conn = SmtpConnection::new(client, Duration::from_secs(3600));
        let mut transcript = Transcript::new();
        let mut out = Vec::new();
        while out.len() < MAX_REPLIES {
            match conn.read_reply(&mut transcript).await {
                Ok(reply) => out.push(Ok(reply)),
                Err(e) => {
                    out.push(Err(e.to_string()));
                    break;
                }
            }
        }
        let received = conn.received();
        drop(conn);
        let _ = writer.await;
        let lines = transcript.finish().into_iter().map(|l| format!("{:?} {}", l.dir, l.text)).collect();
        (out, lines, received)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, stream)) = data.split_first() else { return };
    let capacity = usize::from(first % 64) + 1;
    let (cut, cut_transcript, received) = read_all(stream, capacity);
    let (whole, whole_transcript, _) = read_all(stream, stream.len().max(1));
    assert_eq!(cut, whole, "the replies depend on how the bytes were cut");
    assert_eq!(cut_transcript, whole_transcript);
    assert!(received <= stream.len());
    for reply in cut.iter().flatten() {
        assert!((200..600).contains(&reply.code), "code {}", reply.code);
        assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_REPLY_LINES);
        assert!(reply.lines.iter().all(|l| l.len() <= MAX_LINE && !l.contains('\n')));
    }
});
