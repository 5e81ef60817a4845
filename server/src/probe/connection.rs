//! One SMTP connection over any byte stream: bounded line reading, reply assembly, commands.
//! Generic over `AsyncRead + AsyncWrite`, so tests drive it over `tokio::io::duplex`.

use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::time::timeout;

use super::transcript::Transcript;
use super::wire::{Reply, ReplyParser, WireError, MAX_LINE};
use mxray_report::model::report::Direction;

/// Most bytes read from one connection; a flooding server is cut off here.
pub const MAX_SESSION_BYTES: usize = 256 * 1024;

/// Why a dialogue step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No complete reply within the step timeout.
    #[error("no complete reply within {} s", .0.as_secs())]
    Timeout(Duration),
    /// The server closed the connection.
    #[error("the server closed the connection")]
    Closed,
    /// The server sent something that is not SMTP.
    #[error("{0}")]
    Invalid(#[from] WireError),
    /// The server sent more than [`MAX_SESSION_BYTES`].
    #[error("the server sent more than {MAX_SESSION_BYTES} bytes")]
    TooMuchData,
    /// A socket error.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The server sent something before a command asked for it.
    #[error("after {after}, the server sent a reply nobody asked for: {data:?}")]
    Unsolicited {
        /// The last command before it (its verb), or `greeting`.
        after: String,
        /// The first unrequested line (or bytes), as received.
        data: String,
    },
}

/// An SMTP connection: a stream, a read buffer and the byte budget.
#[derive(Debug)]
pub struct SmtpConnection<S> {
    stream: S,
    buf: Vec<u8>,
    received: usize,
    step_timeout: Duration,
    last_verb: Option<String>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> SmtpConnection<S> {
    /// Wraps a connected stream; every reply must arrive whole within `step_timeout`.
    pub fn new(stream: S, step_timeout: Duration) -> Self {
        SmtpConnection { stream, buf: Vec::new(), received: 0, step_timeout, last_verb: None }
    }

    /// The same connection continued after `verb` on another layer (TLS after STARTTLS), so an
    /// unrequested reply is reported as coming after it.
    pub fn continued_after(mut self, verb: &str) -> Self {
        self.last_verb = Some(verb.to_owned());
        self
    }

    /// Reads one complete reply within the step timeout, recording each line.
    pub async fn read_reply(&mut self, transcript: &mut Transcript) -> Result<Reply, SessionError> {
        self.read_reply_within(self.step_timeout, transcript).await
    }

    /// Reads one complete reply within `limit` (the greeting has a wait of its own: RFC 5321
    /// §4.5.3.2.1 lets senders wait 5 minutes for it), recording each line.
    pub async fn read_reply_within(
        &mut self,
        limit: Duration,
        transcript: &mut Transcript,
    ) -> Result<Reply, SessionError> {
        timeout(limit, self.read_reply_unbounded(transcript)).await.map_err(|_| SessionError::Timeout(limit))?
    }

    async fn read_reply_unbounded(&mut self, transcript: &mut Transcript) -> Result<Reply, SessionError> {
        let mut parser = ReplyParser::default();
        loop {
            let line = self.read_line(transcript).await?;
            transcript.push(Direction::Server, &line);
            if let Some(reply) = parser.push_line(&line)? {
                return Ok(reply);
            }
        }
    }

    async fn read_line(&mut self, transcript: &mut Transcript) -> Result<String, SessionError> {
        loop {
            if let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.len() > MAX_LINE {
                    return Err(WireError::LineTooLong.into());
                }
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            if self.buf.len() > MAX_LINE + 1 {
                return Err(WireError::LineTooLong.into());
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                if !self.buf.is_empty() {
                    transcript.push(Direction::Server, &String::from_utf8_lossy(&self.buf));
                }
                return Err(SessionError::Closed);
            }
            self.received += n;
            if self.received > MAX_SESSION_BYTES {
                return Err(SessionError::TooMuchData);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends one command line (CRLF added), recording it, without looking for unread replies (for
    /// the goodbye after a protocol error, when replies no longer pair with commands).
    pub async fn send(&mut self, line: &str, transcript: &mut Transcript) -> Result<(), SessionError> {
        self.write_lines(&[line], transcript).await
    }

    /// Sends a command and reads its reply. Refuses to send while anything unread is waiting: a reply
    /// nobody asked for would otherwise be taken as this command's reply, and every later one shifts.
    pub async fn command(&mut self, line: &str, transcript: &mut Transcript) -> Result<Reply, SessionError> {
        self.send_group(&[line], transcript).await?;
        self.read_reply(transcript).await
    }

    /// Sends commands in one write (an RFC 2920 command group when there are several), after checking
    /// that nothing unread waits. Their replies come in the same order; the caller reads one per
    /// command with [`SmtpConnection::read_reply`], so each reply still pairs with its command.
    pub async fn send_group(&mut self, lines: &[&str], transcript: &mut Transcript) -> Result<(), SessionError> {
        if let Some(data) = self.unsolicited(transcript).await {
            let after = self.last_verb.clone().unwrap_or_else(|| "greeting".to_owned());
            return Err(SessionError::Unsolicited { after, data });
        }
        self.write_lines(lines, transcript).await
    }

    async fn write_lines(&mut self, lines: &[&str], transcript: &mut Transcript) -> Result<(), SessionError> {
        let mut bytes = Vec::new();
        for line in lines {
            transcript.push(Direction::Client, line);
            self.last_verb = line.split([' ', ':']).next().map(str::to_owned);
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        let limit = self.step_timeout;
        let write = async {
            self.stream.write_all(&bytes).await?;
            self.stream.flush().await
        };
        timeout(limit, write).await.map_err(|_| SessionError::Timeout(limit))??;
        Ok(())
    }

    /// Reads what the socket has ready right now, without waiting, into the buffer (counted against
    /// the byte cap like any read).
    async fn read_ready(&mut self) {
        let mut chunk = [0u8; 4096];
        let mut ready = ReadBuf::new(&mut chunk);
        let stream = &mut self.stream;
        let polled = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *stream).poll_read(cx, &mut ready))).await;
        if matches!(polled, Poll::Ready(Ok(()))) {
            self.received += ready.filled().len();
            self.buf.extend_from_slice(ready.filled());
        }
    }

    /// What the server sent that no command asked for, looking without waiting: the read buffer, then
    /// whatever the socket has ready right now. The first line goes into the transcript.
    async fn unsolicited(&mut self, transcript: &mut Transcript) -> Option<String> {
        if self.buf.is_empty() {
            self.read_ready().await;
        }
        if self.buf.is_empty() {
            return None;
        }
        if self.received > MAX_SESSION_BYTES {
            return Some(format!("more than {MAX_SESSION_BYTES} bytes"));
        }
        let end = self.buf.iter().position(|b| *b == b'\n').unwrap_or(self.buf.len()).min(MAX_LINE);
        let line = String::from_utf8_lossy(&self.buf[..end]).trim_end_matches('\r').to_owned();
        transcript.push(Direction::Server, &line);
        Some(line)
    }

    /// Records the complete lines that already arrived, without waiting: the replies to commands
    /// nobody waits for (`RSET`, `QUIT`) when they came in time.
    pub async fn record_ready(&mut self, transcript: &mut Transcript) {
        if self.received <= MAX_SESSION_BYTES {
            self.read_ready().await;
        }
        while let Some(end) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line[..line.len().min(MAX_LINE)]);
            transcript.push(Direction::Server, text.trim_end_matches(['\r', '\n']));
        }
    }

    /// Reads and drops whatever else comes until the server closes, at most `limit` and the byte cap,
    /// so a server answering `QUIT` sees an orderly close rather than a reset.
    pub async fn linger(mut self, limit: Duration) {
        let drain = async {
            let mut chunk = [0u8; 4096];
            while self.received <= MAX_SESSION_BYTES {
                match self.stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => self.received += n,
                }
            }
        };
        let _ = timeout(limit, drain).await;
    }

    /// Gives the stream back for a TLS handshake, with the number of bytes the server sent too early.
    pub fn into_stream(self) -> (S, usize) {
        (self.stream, self.buf.len())
    }

    /// Bytes received so far.
    pub fn received(&self) -> usize {
        self.received
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    const STEP: Duration = Duration::from_secs(2);

    #[tokio::test]
    async fn reads_a_multi_line_reply_split_across_writes() {
        let (client, mut server) = duplex(64);
        let mut conn = SmtpConnection::new(client, STEP);
        let mut t = Transcript::new();
        tokio::spawn(async move {
            server.write_all(b"250-mx.example.com\r\n250-PIPE").await.unwrap();
            server.write_all(b"LINING\r\n250 STARTTLS\r\n").await.unwrap();
            let mut got = vec![0; 64];
            let n = server.read(&mut got).await.unwrap();
            assert_eq!(&got[..n], b"QUIT\r\n");
        });
        let reply = conn.read_reply(&mut t).await.unwrap();
        assert_eq!(reply.lines, ["mx.example.com", "PIPELINING", "STARTTLS"]);
        conn.send("QUIT", &mut t).await.unwrap();
        let lines = t.finish();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3].text, "QUIT");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dripping_server_hits_the_step_timeout() {
        let (client, mut server) = duplex(64);
        tokio::spawn(async move {
            for b in b"220 slow banner that never ends" {
                server.write_all(&[*b]).await.unwrap();
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        });
        let mut conn = SmtpConnection::new(client, STEP);
        let err = conn.read_reply(&mut Transcript::new()).await.unwrap_err();
        assert!(matches!(err, SessionError::Timeout(_)), "{err}");
    }

    #[tokio::test]
    async fn a_flood_without_newlines_is_cut_off() {
        let (client, mut server) = duplex(8192);
        tokio::spawn(async move {
            let _ = server.write_all(&vec![b'A'; 100_000]).await;
        });
        let mut conn = SmtpConnection::new(client, STEP);
        let err = conn.read_reply(&mut Transcript::new()).await.unwrap_err();
        assert!(matches!(err, SessionError::Invalid(WireError::LineTooLong)), "{err}");
        assert!(conn.received() < 3 * MAX_LINE + 8192);
    }

    #[tokio::test]
    async fn a_flood_of_lines_ends_at_the_line_cap() {
        let (client, mut server) = duplex(8192);
        tokio::spawn(async move {
            let _ = server.write_all(&b"250-x\r\n".repeat(60_000)).await;
        });
        let mut conn = SmtpConnection::new(client, STEP);
        let err = conn.read_reply(&mut Transcript::new()).await.unwrap_err();
        assert!(matches!(err, SessionError::Invalid(WireError::TooManyLines)), "{err}");
    }

    #[tokio::test]
    async fn garbage_and_close_are_reported() {
        let (client, mut server) = duplex(64);
        tokio::spawn(async move {
            server.write_all(b"SSH-2.0-OpenSSH_9.2\r\n").await.unwrap();
        });
        let mut conn = SmtpConnection::new(client, STEP);
        let err = conn.read_reply(&mut Transcript::new()).await.unwrap_err();
        assert!(matches!(err, SessionError::Invalid(WireError::NotAReply { .. })), "{err}");

        let (client, server) = duplex(64);
        drop(server);
        let mut conn = SmtpConnection::new(client, STEP);
        assert!(matches!(conn.read_reply(&mut Transcript::new()).await, Err(SessionError::Closed)));
    }
}
