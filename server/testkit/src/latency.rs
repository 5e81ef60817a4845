//! A TCP proxy on loopback that puts a network path between client and server: each direction is
//! delayed by half the round-trip time, and a connection reaches the server one and a half round
//! trips after the client's connect (SYN, SYN-ACK, ACK), so the greeting arrives two round trips
//! after it, as over a real path. It also counts the round trips the client waited for, exactly and
//! without clocks: a client flight that follows server data it received is one turn.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Counters shared by every connection of one proxy.
#[derive(Debug, Default)]
struct Counts {
    connections: AtomicUsize,
    /// Client flights that followed server data delivered to the client since the client's last
    /// flight (the first flight follows the greeting).
    turns: AtomicUsize,
}

/// A running latency proxy. Dropping it stops accepting; open connections end with their peers.
pub struct LatencyProxy {
    /// Where clients connect.
    pub addr: SocketAddr,
    counts: Arc<Counts>,
    task: JoinHandle<()>,
}

impl LatencyProxy {
    /// Listens on `bind` and forwards every connection to `upstream` with round-trip time `rtt`.
    pub async fn start(bind: SocketAddr, upstream: SocketAddr, rtt: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let counts = Arc::new(Counts::default());
        let shared = Arc::clone(&counts);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(relay(client, upstream, rtt, Arc::clone(&shared)));
            }
        });
        Ok(LatencyProxy { addr, counts, task })
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.counts.connections.load(Ordering::SeqCst)
    }

    /// Client flights that waited for server data, over all connections.
    pub fn turns(&self) -> usize {
        self.counts.turns.load(Ordering::SeqCst)
    }

    /// Round trips the clients paid: the TCP handshake of each connection, then one per turn (each
    /// turn ends a wait for the server: the first for the greeting, the last for the replies the
    /// client's final flight answered, e.g. `RSET`+`QUIT` after the `RCPT` reply).
    pub fn round_trips(&self) -> usize {
        self.connections() + self.turns()
    }
}

impl Drop for LatencyProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Which side spoke last, as the client sees it: set when server bytes are delivered to the client,
/// cleared by the client's next flight.
#[derive(Debug, Default)]
struct Turn {
    server_spoke: std::sync::atomic::AtomicBool,
}

async fn relay(client: TcpStream, upstream: SocketAddr, rtt: Duration, counts: Arc<Counts>) {
    let half = rtt / 2;
    // The client's SYN, the SYN-ACK and the ACK: the server accepts 1.5 round trips later.
    tokio::time::sleep(rtt + half).await;
    let Ok(server) = TcpStream::connect(upstream).await else { return };
    let _ = (client.set_nodelay(true), server.set_nodelay(true));
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let turn = Arc::new(Turn::default());
    let up = {
        let (counts, turn) = (Arc::clone(&counts), Arc::clone(&turn));
        pipe(
            client_read,
            server_write,
            half,
            move || {
                if turn.server_spoke.swap(false, Ordering::SeqCst) {
                    counts.turns.fetch_add(1, Ordering::SeqCst);
                }
            },
            || {},
        )
    };
    let down = {
        let turn = Arc::clone(&turn);
        pipe(server_read, client_write, half, || {}, move || turn.server_spoke.store(true, Ordering::SeqCst))
    };
    tokio::join!(up, down);
}

/// Copies `from` to `to`, each chunk delivered `delay` after it was read. `on_read` runs when a chunk
/// is read, `on_delivered` just before it is written on.
async fn pipe(
    mut from: OwnedReadHalf,
    to: OwnedWriteHalf,
    delay: Duration,
    on_read: impl Fn() + Send + 'static,
    on_delivered: impl Fn() + Send + 'static,
) {
    let (tx, rx) = unbounded_channel::<(Instant, Option<Vec<u8>>)>();
    let writer = tokio::spawn(deliver(rx, to, on_delivered));
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let n = from.read(&mut chunk).await.unwrap_or(0);
        let due = Instant::now() + delay;
        if n == 0 {
            let _ = tx.send((due, None));
            break;
        }
        on_read();
        if tx.send((due, Some(chunk[..n].to_vec()))).is_err() {
            break;
        }
    }
    drop(tx);
    let _ = writer.await;
}

/// Writes each chunk at its due time; `None` shuts the write side down (the peer's FIN, delayed).
async fn deliver(
    mut rx: UnboundedReceiver<(Instant, Option<Vec<u8>>)>,
    mut to: OwnedWriteHalf,
    on_delivered: impl Fn(),
) {
    while let Some((due, chunk)) = rx.recv().await {
        tokio::time::sleep_until(due).await;
        match chunk {
            Some(bytes) => {
                // Before the write: the client cannot answer bytes it has not got, so its next
                // flight is always read after this.
                on_delivered();
                if to.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            None => {
                let _ = to.shutdown().await;
                return;
            }
        }
    }
}
