//! One extra, short connection up to the point where a hand-built ClientHello goes out (connect,
//! greeting, EHLO, STARTTLS, its 220 with nothing behind it), and the reading of the server's TLS
//! records after it: shared by the legacy TLS probe and the TLS quality probe.
//!
//! Anything else than that path — a refused connection, a `421` greeting (a server limiting
//! connections per client), no STARTTLS — is no TLS result: it comes back as a [`LegacyAnswer`]
//! saying what happened, which the reports show as "not tested, because …".

use mxray_report::model::depth::LegacyAnswer;
use mxray_report::model::report::ConnectFailure;
use std::net::SocketAddr;
use std::time::Duration;
use tls_parser::MAX_RECORD_LEN;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::connection::SmtpConnection;
use super::net::Connector;
use super::session::{connect_failed, read_failure, Target};
use super::transcript::Transcript;
use super::wire::parse_ehlo;

/// Nothing learned: mxray's terms, and a library's or the operating system's message beside them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotTested {
    /// What happened.
    pub answer: LegacyAnswer,
    /// The message beside it (empty when mxray's words say it all).
    pub detail: String,
}

impl From<LegacyAnswer> for NotTested {
    fn from(answer: LegacyAnswer) -> Self {
        NotTested { answer, detail: String::new() }
    }
}

/// A wait in whole seconds, rounded up.
pub fn secs(limit: Duration) -> u64 {
    u64::try_from(limit.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
}

/// Connects, reads the greeting, sends EHLO and STARTTLS and hands back the stream right after the
/// server's 220; `connected` turns true once the connection is open (so it is counted even when a
/// deadline cuts the probe short). `label` marks the transcript's lines.
pub async fn starttls<C: Connector>(
    target: &Target<'_, C>,
    t: &mut Transcript,
    connected: &mut bool,
    label: &str,
) -> Result<C::Stream, NotTested> {
    let limit = target.config.step_timeout;
    let addr = SocketAddr::new(target.ip, target.config.port);
    t.event(&format!("{label}: connecting to {addr}"));
    let stream = match tokio::time::timeout(limit, target.connector.connect(addr)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => {
            let (_, failure, detail) = connect_failed(&e);
            return Err(NotTested {
                answer: LegacyAnswer::ConnectFailed { failure },
                detail: detail.unwrap_or_default(),
            });
        }
        Err(_) => {
            let failure = Some(ConnectFailure::NoAnswer { secs: secs(limit) });
            return Err(LegacyAnswer::ConnectFailed { failure }.into());
        }
    };
    *connected = true;
    let mut conn = SmtpConnection::new(stream, limit);
    let refused = |step: &str, reply: String| LegacyAnswer::Refused { step: step.to_owned(), reply }.into();
    let no_reply = |step: &str, e| LegacyAnswer::NoReply { step: step.to_owned(), failure: read_failure(&e) }.into();
    match conn.read_reply_within(target.config.greeting_timeout, t).await {
        Ok(r) if r.code == 220 => {}
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return Err(refused("greeting", r.summary()));
        }
        Err(e) => return Err(no_reply("greeting", e)),
    }
    match conn.command(&format!("EHLO {}", target.config.helo_name), t).await {
        Ok(r) if r.code == 250 && parse_ehlo(&r).1.iter().any(|e| e.keyword == "STARTTLS") => {}
        Ok(r) if r.code == 250 => {
            let _ = conn.send("QUIT", t).await;
            return Err(LegacyAnswer::NoStarttls { reply: r.summary() }.into());
        }
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return Err(refused("EHLO", r.summary()));
        }
        Err(e) => return Err(no_reply("EHLO", e)),
    }
    match conn.command("STARTTLS", t).await {
        Ok(r) if r.code == 220 => {}
        Ok(r) => {
            let _ = conn.send("QUIT", t).await;
            return Err(refused("STARTTLS", r.summary()));
        }
        Err(e) => return Err(no_reply("STARTTLS", e)),
    }
    let (stream, early) = conn.into_stream();
    if early > 0 {
        return Err(LegacyAnswer::EarlyData { bytes: u64::try_from(early).unwrap_or(u64::MAX) }.into());
    }
    Ok(stream)
}

/// A fresh ClientHello random from the context's provider.
pub fn random<C: Connector>(target: &Target<'_, C>) -> Result<[u8; 32], NotTested> {
    let mut random = [0u8; 32];
    target.tls.provider.secure_random.fill(&mut random).map_err(|_| NotTested::from(LegacyAnswer::NoRandom))?;
    Ok(random)
}

/// Sends `hello` within `limit`.
pub async fn send<S: AsyncWrite + Unpin>(stream: &mut S, hello: &[u8], limit: Duration) -> Result<(), NotTested> {
    match tokio::time::timeout(limit, stream.write_all(hello)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(NotTested { answer: LegacyAnswer::SendFailed, detail: e.to_string() }),
        Err(_) => Err(LegacyAnswer::SendTimeout { secs: secs(limit) }.into()),
    }
}

/// Reads TLS records (alert 21 or handshake 22) and hands each to `on_record` until it has the
/// answer, at most `max_records` records within `limit`.
pub async fn read_records<S, T>(
    stream: &mut S,
    limit: Duration,
    max_records: usize,
    mut on_record: impl FnMut(u8, &[u8]) -> Option<Result<T, NotTested>>,
) -> Result<T, NotTested>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let work = async {
        for _ in 0..max_records {
            let mut header = [0u8; 5];
            if let Err(e) = stream.read_exact(&mut header).await {
                return Err(match e.kind() {
                    std::io::ErrorKind::UnexpectedEof => LegacyAnswer::Closed.into(),
                    _ => NotTested { answer: LegacyAnswer::ReadFailed, detail: e.to_string() },
                });
            }
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            if !matches!(header[0], 21 | 22) || header[1] != 3 || len > usize::from(MAX_RECORD_LEN) {
                return Err(LegacyAnswer::NotTls { bytes: super::hello::hex(&header) }.into());
            }
            let mut body = vec![0u8; len];
            if let Err(e) = stream.read_exact(&mut body).await {
                return Err(NotTested { answer: LegacyAnswer::BrokeOff, detail: e.to_string() });
            }
            if let Some(answer) = on_record(header[0], &body) {
                return answer;
            }
        }
        Err(LegacyAnswer::NoVerdict { records: max_records as u64 }.into())
    };
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| Err(LegacyAnswer::Timeout { secs: secs(limit) }.into()))
}
