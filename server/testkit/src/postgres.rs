//! A private PostgreSQL for tests: `initdb` into a temporary folder, the server on its own loopback
//! port with its socket in that folder, in the foreground as a child process, stopped by
//! `pg_ctl stop` (never the system's cluster, nothing under /etc). PostgreSQL refuses to run as
//! root, so as root the folder is handed to the `postgres` user and the programs run as it
//! (`setpriv`, which execs in place, so the child is the server itself).
//!
//! Without Debian's binaries (`/usr/lib/postgresql/*/bin`), [`PostgresServer::start`] panics unless
//! `MXRAY_SKIP_POSTGRES` is set, in which case it returns `None` and the test skips itself.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a start may take before the test gives up (a bound against hanging).
const START_BOUND: Duration = Duration::from_secs(30);

/// A running private PostgreSQL.
#[derive(Debug)]
pub struct PostgresServer {
    bin: PathBuf,
    port: u16,
    dir: PathBuf,
    as_postgres: bool,
    child: Option<Child>,
}

impl PostgresServer {
    /// Creates a cluster and starts it on a free loopback port (user `mxray`, trust auth on
    /// loopback only); `None` only when PostgreSQL is missing and `MXRAY_SKIP_POSTGRES` is set.
    pub fn start() -> Option<PostgresServer> {
        let Some(bin) = find_bin() else {
            if std::env::var_os("MXRAY_SKIP_POSTGRES").is_some() {
                eprintln!("PostgreSQL is missing; skipped because MXRAY_SKIP_POSTGRES is set");
                return None;
            }
            panic!("PostgreSQL is missing (apt-get install postgresql, or set MXRAY_SKIP_POSTGRES to skip)");
        };
        let port =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).and_then(|l| l.local_addr()).expect("a free port").port();
        let dir = std::env::temp_dir().join(format!("mxray-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).expect("the cluster's folder");
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status();
            assert!(status.is_ok_and(|s| s.success()), "chown of {} to postgres", dir.display());
        }
        let mut server = PostgresServer { bin, port, dir, as_postgres, child: None };
        let initdb = server
            .command("initdb")
            .args(["-A", "trust", "-U", "mxray", "--no-sync", "-E", "UTF8", "-D"])
            .arg(server.data())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        assert!(initdb.is_ok_and(|s| s.success()), "initdb in {}", server.dir.display());
        let child = server
            .command("postgres")
            .arg("-D")
            .arg(server.data())
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-k"])
            .arg(&server.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        server.child = Some(child);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let until = Instant::now() + START_BOUND;
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < until, "postgres did not accept on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Accepting TCP comes a moment before accepting logins: wait until pg_ctl says it is ready.
        while !server
            .command("pg_isready")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            assert!(Instant::now() < until, "postgres did not get ready on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// `postgres://mxray@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://mxray@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=postgres", "--regid=postgres", "--init-groups"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = self
                .command("pg_ctl")
                .args(["stop", "-m", "immediate", "-D"])
                .arg(self.data())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Debian's newest PostgreSQL binaries.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file() && b.join("postgres").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        && Path::new("/usr/bin/setpriv").exists()
}
