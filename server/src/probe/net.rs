//! How TCP connections are made: a trait, so tests and benchmarks can count or redirect them.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::guard::non_public_range;

/// The guard refused the address: it is not public and private targets are not allowed.
#[derive(Debug, thiserror::Error)]
#[error("not connecting: the address is a {range} address")]
pub struct BlockedTarget {
    /// Which non-public range.
    pub range: &'static str,
}

/// This machine has no route to the address (e.g. no IPv6): a limit of the tester, not of the target.
#[derive(Debug, thiserror::Error)]
#[error("this machine has no route to {0}")]
pub struct NoRouteHere(pub IpAddr);

/// Opens byte streams to mail servers.
pub trait Connector: Send + Sync + 'static {
    /// The stream type.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;
    /// Connects to `addr` (the resolved address: never resolves again).
    fn connect(&self, addr: SocketAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;

    /// The local end of a stream this connector made: the address the server sees as the client's
    /// (unless a NAT is in between), so that a refusal naming it is known to refuse mxray itself.
    /// `None` when the stream has no such address (pipes in tests).
    fn local_addr(&self, _stream: &Self::Stream) -> Option<SocketAddr> {
        None
    }
}

/// Plain TCP via tokio.
#[derive(Clone, Copy, Debug, Default)]
pub struct TcpConnector;

impl Connector for TcpConnector {
    type Stream = QuickAck<TcpStream>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        let stream = match TcpStream::connect(addr).await {
            Ok(stream) => stream,
            Err(e) if no_local_route(&e, addr) => return Err(io::Error::new(e.kind(), NoRouteHere(addr.ip()))),
            Err(e) => return Err(e),
        };
        stream.set_nodelay(true)?;
        Ok(QuickAck::new(stream))
    }

    fn local_addr(&self, stream: &Self::Stream) -> Option<SocketAddr> {
        stream.get_ref().local_addr().ok()
    }
}

/// A socket that can be asked to acknowledge what it received at once instead of delaying the ACK.
pub trait AckNow {
    /// Sends a pending ACK now and leaves delayed-ACK mode where the platform can; else does nothing.
    fn ack_now(&self) -> io::Result<()>;
}

impl AckNow for TcpStream {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn ack_now(&self) -> io::Result<()> {
        socket2::SockRef::from(self).set_tcp_quickack(true)
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    fn ack_now(&self) -> io::Result<()> {
        Ok(())
    }
}

/// A connection that acknowledges at once every read that brought bytes (`TCP_QUICKACK` on Linux).
///
/// Why: Postfix (Nagle on) answers mxray's TLS 1.3 Finished with session tickets, then holds its reply
/// to the EHLO sent right behind the Finished until the tickets are acknowledged, and the kernel
/// delays that ACK by 40 ms. The flag is not sticky (the kernel goes back to delaying once mxray
/// sends), so it is set again after every read. It sits under TLS, at the socket, because the records
/// that need the ACK (the tickets) are consumed by rustls and never reach the SMTP layer.
#[derive(Debug)]
pub struct QuickAck<S> {
    stream: S,
}

impl<S> QuickAck<S> {
    /// `stream`, acknowledging at once what it reads.
    pub fn new(stream: S) -> Self {
        QuickAck { stream }
    }

    /// The connection itself.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }
}

impl<S: AsyncRead + AckNow + Unpin> AsyncRead for QuickAck<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            // A refused hint costs only the delay it would have saved; the read itself succeeded.
            let _ = self.stream.ack_now();
        }
        polled
    }
}

/// Writes of a wrapping stream go straight to its `stream` field: the wrappers here change only
/// what happens around reads or while the connection is open.
macro_rules! forward_writes {
    ([$($bounds:tt)*] $wrapper:ty) => {
        impl<$($bounds)*> AsyncWrite for $wrapper {
            fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.stream).poll_write(cx, buf)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.stream).poll_flush(cx)
            }

            fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.stream).poll_shutdown(cx)
            }

            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                self.stream.is_write_vectored()
            }
        }
    };
}

forward_writes!([S: AsyncWrite + Unpin] QuickAck<S>);

/// After an "unreachable" error: true when this machine itself has no route (a UDP `connect` only
/// looks up the route and sends nothing), false when the network said so.
fn no_local_route(error: &io::Error, addr: SocketAddr) -> bool {
    use io::ErrorKind::{AddrNotAvailable, HostUnreachable, NetworkUnreachable};
    if !matches!(error.kind(), NetworkUnreachable | HostUnreachable | AddrNotAvailable) {
        return false;
    }
    let any: IpAddr = if addr.is_ipv4() { Ipv4Addr::UNSPECIFIED.into() } else { Ipv6Addr::UNSPECIFIED.into() };
    UdpSocket::bind((any, 0)).and_then(|socket| socket.connect(addr)).is_err()
}

/// Every connection of the engine passes here: non-public addresses are refused before a socket is
/// made, unless private targets are allowed (tests, self-hosting).
#[derive(Clone, Debug, Default)]
pub struct Guarded<C> {
    inner: C,
    allow_private_targets: bool,
}

impl<C> Guarded<C> {
    /// Guards `inner`; `allow_private_targets` opens loopback, private and the other special ranges.
    pub fn new(inner: C, allow_private_targets: bool) -> Self {
        Guarded { inner, allow_private_targets }
    }
}

impl<C: Connector> Connector for Guarded<C> {
    type Stream = C::Stream;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Stream> {
        if !self.allow_private_targets {
            if let Some(range) = non_public_range(addr.ip()) {
                return Err(io::Error::new(io::ErrorKind::PermissionDenied, BlockedTarget { range }));
            }
        }
        self.inner.connect(addr).await
    }

    fn local_addr(&self, stream: &Self::Stream) -> Option<SocketAddr> {
        self.inner.local_addr(stream)
    }
}

/// A connection with something held as long as it is open (a politeness turn, a place in a count):
/// what a wrapping connector hands out; reads and writes go straight through.
#[derive(Debug)]
pub struct Holding<S, T> {
    stream: S,
    _held: T,
}

impl<S, T> Holding<S, T> {
    /// `stream`, holding `held` until it is dropped.
    pub fn new(stream: S, held: T) -> Self {
        Holding { stream, _held: held }
    }

    /// The connection itself.
    pub fn stream(&self) -> &S {
        &self.stream
    }
}

impl<S: AsyncRead + Unpin, T: Unpin> AsyncRead for Holding<S, T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

forward_writes!([S: AsyncWrite + Unpin, T: Unpin] Holding<S, T>);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    /// A pipe that counts the ACK hints it is given.
    struct Hinted {
        inner: DuplexStream,
        hints: Arc<AtomicUsize>,
    }

    impl AsyncRead for Hinted {
        fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl AckNow for Hinted {
        fn ack_now(&self) -> io::Result<()> {
            self.hints.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    #[tokio::test]
    async fn every_read_that_brings_bytes_asks_for_an_immediate_ack() {
        let (client, mut server) = tokio::io::duplex(64);
        let hints = Arc::new(AtomicUsize::new(0));
        let mut stream = QuickAck::new(Hinted { inner: client, hints: hints.clone() });
        let mut buf = [0u8; 64];
        for (round, reply) in [&b"220 ready\r\n"[..], b"250 ok\r\n"].into_iter().enumerate() {
            server.write_all(reply).await.unwrap();
            assert_eq!(stream.read(&mut buf).await.unwrap(), reply.len());
            assert_eq!(hints.load(Ordering::SeqCst), round + 1);
        }
        drop(server);
        assert_eq!(stream.read(&mut buf).await.unwrap(), 0);
        assert_eq!(hints.load(Ordering::SeqCst), 2, "the end of the stream brings nothing to acknowledge");
    }

    /// The kernel's side of it, on a loopback socket: after a read, the connector's stream is out of
    /// delayed-ACK ("pingpong") mode, which `TCP_QUICKACK` reads back as set. Without the hint the
    /// socket stays in that mode until its delayed-ACK timer fires (40 ms), so this would fail
    /// unless the machine stalled that long between the write and the check; no clock is read.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[tokio::test]
    async fn the_tcp_connectors_stream_leaves_delayed_ack_mode_after_each_read() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpConnector.connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let quickack = |s: &QuickAck<TcpStream>| socket2::SockRef::from(s.get_ref()).tcp_quickack().unwrap();
        let mut buf = [0u8; 64];
        for reply in [&b"220 ready\r\n"[..], b"250 ok\r\n"] {
            // What sending right after receiving does: the kernel delays ACKs, hoping to piggyback them.
            socket2::SockRef::from(client.get_ref()).set_tcp_quickack(false).unwrap();
            assert!(!quickack(&client));
            server.write_all(reply).await.unwrap();
            assert_eq!(client.read(&mut buf).await.unwrap(), reply.len());
            assert!(quickack(&client), "still delaying ACKs after reading {reply:?}");
        }
    }

    #[derive(Default)]
    struct Counting(AtomicUsize);

    impl Connector for Counting {
        type Stream = tokio::io::DuplexStream;
        async fn connect(&self, _: SocketAddr) -> io::Result<Self::Stream> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(tokio::io::duplex(8).0)
        }
    }

    #[tokio::test]
    async fn the_guard_refuses_before_the_inner_connector_is_asked() {
        let guarded = Guarded::new(Counting::default(), false);
        let error = guarded.connect("10.0.0.25:25".parse().unwrap()).await.unwrap_err();
        let blocked = error.get_ref().and_then(|e| e.downcast_ref::<BlockedTarget>()).expect("typed refusal");
        assert_eq!(blocked.range, "private");
        assert!(guarded.connect("[::ffff:8.8.8.8]:25".parse().unwrap()).await.is_err());
        assert_eq!(guarded.inner.0.load(Ordering::SeqCst), 0);
        assert!(guarded.connect("8.8.8.8:25".parse().unwrap()).await.is_ok());
        let open = Guarded::new(Counting::default(), true);
        assert!(open.connect("127.0.0.1:25".parse().unwrap()).await.is_ok());
        assert_eq!((guarded.inner.0.load(Ordering::SeqCst), open.inner.0.load(Ordering::SeqCst)), (1, 1));
    }
}
