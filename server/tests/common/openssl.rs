//! Real OpenSSL servers for the TLS tests: `openssl s_server`, spawned by the test on a loopback
//! address and killed when dropped, reached through a small plaintext SMTP front that hands the
//! socket over after STARTTLS (s_server has no server-side STARTTLS). s_server serves one
//! connection at a time, and mxray's extra connections run beside the session (the weak TLS
//! quality hello even waits for another's answer), so each server is [`INSTANCES`] processes on
//! their own ports and the front hands each connection to an idle one, as a real MTA would serve
//! them at once. A missing `openssl` fails the tests, it never skips them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// `openssl s_server` on one loopback address, with its key and certificate in a temporary
/// folder of its own; killed and the folder removed when dropped.
pub struct OpenSsl {
    children: Vec<Child>,
    /// Where its processes listen.
    pub addrs: Vec<SocketAddr>,
    dir: PathBuf,
}

/// Processes per server: the session and three extra connections at once.
pub const INSTANCES: usize = 4;

impl OpenSsl {
    /// An ECDSA P-256 certificate for `host` (rcgen), `-cipher DEFAULT@SECLEVEL=0` (OpenSSL 3
    /// refuses TLS 1.0/1.1 at every higher level), then `args` (a later `-cipher` wins).
    pub fn start(listen: &str, host: &str, args: &[&str]) -> OpenSsl {
        let dir = folder(listen);
        let key = rcgen::generate_simple_self_signed(vec![host.to_owned()]).expect("certificate");
        std::fs::write(dir.join("cert.pem"), key.cert.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), key.signing_key.serialize_pem()).unwrap();
        spawn(listen, dir, args)
    }

    /// A self-signed certificate for `host` with an RSA key of `bits` made by openssl (rcgen's
    /// ring backend makes no RSA keys), then `args`; with `dh_bits`, `-dhparam` with a file of
    /// that size made in the server's folder.
    pub fn start_rsa(listen: &str, host: &str, bits: u32, dh_bits: Option<u32>, args: &[&str]) -> OpenSsl {
        let dir = folder(listen);
        let subject = format!("/CN={host}");
        let san = format!("subjectAltName=DNS:{host}");
        let rsa = format!("rsa:{bits}");
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", &rsa, "-nodes", "-days", "2", "-subj", &subject, "-addext", &san])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl must be installed for the TLS tests");
        assert!(made.success(), "openssl req failed");
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        if let Some(dh) = dh_bits {
            let file = dir.join("dh.pem");
            // A safe prime (PKCS#3): s_server does not load -dsaparam's X9.42 parameters.
            let made = Command::new("openssl")
                .args(["dhparam", "-out"])
                .arg(&file)
                .arg(dh.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl dhparam");
            assert!(made.success(), "openssl dhparam failed");
            all.extend(["-dhparam".to_owned(), file.display().to_string()]);
        }
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        spawn(listen, dir, &all)
    }
}

fn folder(listen: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mxray-openssl-{}-{listen}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spawn(listen: &str, dir: PathBuf, args: &[&str]) -> OpenSsl {
    let file = |name: &str| -> PathBuf { Path::new(&dir).join(name) };
    let mut server = OpenSsl { children: Vec::new(), addrs: Vec::new(), dir: dir.clone() };
    for _ in 0..INSTANCES {
        let port = std::net::TcpListener::bind((listen, 0)).unwrap().local_addr().unwrap().port();
        let addr = SocketAddr::new(listen.parse().unwrap(), port);
        let child = Command::new("openssl")
            .args(["s_server", "-accept", &addr.to_string(), "-quiet", "-rev", "-cipher", "DEFAULT@SECLEVEL=0"])
            .arg("-cert")
            .arg(file("cert.pem"))
            .arg("-key")
            .arg(file("key.pem"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl must be installed for the TLS tests");
        server.children.push(child);
        server.addrs.push(addr);
    }
    for addr in server.addrs.clone() {
        if !(0..200).any(|_| {
            let up = std::net::TcpStream::connect(addr).is_ok();
            if !up {
                std::thread::sleep(Duration::from_millis(25));
            }
            up
        }) {
            panic!("openssl s_server did not listen on {addr}");
        }
    }
    server
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Which of a server's processes are serving a connection.
type Busy = Arc<Mutex<Vec<bool>>>;

/// A plaintext SMTP front on `listen` that offers STARTTLS and, after its 220, joins the client's
/// socket byte for byte to an idle one of `tls` (the first when all are busy).
pub async fn smtp_front(listen: &str, tls: &[SocketAddr]) -> SocketAddr {
    let listener = TcpListener::bind((listen, 0)).await.expect("bind front");
    let addr = listener.local_addr().unwrap();
    let (tls, busy): (Vec<SocketAddr>, Busy) = (tls.to_vec(), Arc::new(Mutex::new(vec![false; tls.len()])));
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(front_session(client, tls.clone(), busy.clone()));
        }
    });
    addr
}

/// Takes an idle process (or the first), and gives it back when dropped.
struct Lease(Busy, usize);

impl Lease {
    fn take(busy: &Busy) -> Lease {
        let mut flags = busy.lock().unwrap();
        let i = flags.iter().position(|b| !b).unwrap_or(0);
        flags[i] = true;
        Lease(busy.clone(), i)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.0.lock().unwrap()[self.1] = false;
    }
}

async fn front_session(client: TcpStream, tls: Vec<SocketAddr>, busy: Busy) -> std::io::Result<()> {
    let mut client = BufReader::new(client);
    client.get_mut().write_all(b"220 mx.legacy.test ESMTP front\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if client.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let reply: &[u8] = match line.split_whitespace().next().unwrap_or("").to_ascii_uppercase().as_str() {
            "EHLO" => b"250-mx.legacy.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
            "HELO" | "MAIL" | "RSET" => b"250 2.0.0 Ok\r\n",
            "RCPT" => b"554 5.7.1 <relay-test@example.net>: Relay access denied\r\n",
            "QUIT" => return client.get_mut().write_all(b"221 2.0.0 Bye\r\n").await,
            "STARTTLS" => {
                client.get_mut().write_all(b"220 2.0.0 Ready to start TLS\r\n").await?;
                assert!(client.buffer().is_empty(), "the client sent bytes before the 220");
                let lease = Lease::take(&busy);
                let mut upstream = TcpStream::connect(tls[lease.1]).await?;
                let _ = tokio::io::copy_bidirectional(&mut client.into_inner(), &mut upstream).await;
                drop(lease);
                return Ok(());
            }
            _ => b"502 5.5.2 Error: command not recognized\r\n",
        };
        client.get_mut().write_all(reply).await?;
    }
}
