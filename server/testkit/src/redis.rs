//! A private `redis-server` for tests: its own loopback port and temporary folder, no persistence,
//! in the foreground as a child process, stopped by its PID (never the system's Redis).
//!
//! Without the binary (on PATH or `/usr/bin/redis-server`), [`RedisServer::start`] panics unless
//! `MXRAY_SKIP_REDIS` is set, in which case it returns `None` and the test skips itself.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a start may take before the test gives up (a bound against hanging).
const START_BOUND: Duration = Duration::from_secs(10);

/// A running (or stopped) private Redis.
#[derive(Debug)]
pub struct RedisServer {
    binary: PathBuf,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts one on a free loopback port; `None` only when the binary is missing and
    /// `MXRAY_SKIP_REDIS` is set.
    pub fn start() -> Option<RedisServer> {
        let Some(binary) = find_binary() else {
            if std::env::var_os("MXRAY_SKIP_REDIS").is_some() {
                eprintln!("redis-server is missing; skipped because MXRAY_SKIP_REDIS is set");
                return None;
            }
            panic!("redis-server is missing (apt-get install redis-server, or set MXRAY_SKIP_REDIS to skip)");
        };
        let port =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free port").port();
        let dir = std::env::temp_dir().join(format!("mxray-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the server's folder");
        let mut server = RedisServer { binary, port, dir, child: None };
        server.restart();
        Some(server)
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Stops the server (SIGKILL, as a crash) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty (nothing is saved), and waits until it accepts.
    pub fn restart(&mut self) {
        self.kill();
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--dir"])
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let until = Instant::now() + START_BOUND;
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < until, "redis-server did not accept on {addr}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `redis-server` on PATH, else Debian's.
fn find_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("redis-server"))
        .find(|p| p.is_file());
    on_path.or_else(|| Some(Path::new("/usr/bin/redis-server").to_path_buf()).filter(|p| p.is_file()))
}
