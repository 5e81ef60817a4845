//! `mxray check` as a user runs it: exit codes, formats, and unusable input.

use mxray_testkit::{FakeSmtp, Scenario, TestCa, Zone, ZoneServer};
use std::process::{Command, Output};

/// A resolver address on loopback where nothing answers: checks whose input is refused never ask it.
const NO_RESOLVER: &str = "127.0.0.1:9";

/// Runs `mxray` with `args`, which must name a resolver on loopback (no test asks the machine's own
/// resolver), and without the caller's `MXRAY_*` variables.
fn mxray(args: &[&str]) -> Output {
    let resolver = args.iter().position(|a| *a == "--resolver").and_then(|i| args.get(i + 1));
    let loopback = resolver.and_then(|r| r.parse::<std::net::SocketAddr>().ok()).is_some_and(|a| a.ip().is_loopback());
    assert!(loopback, "a CLI test must pass --resolver with a loopback address: {args:?}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_mxray"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MXRAY_") {
            command.env_remove(name);
        }
    }
    command.args(args).output().expect("run mxray")
}

#[test]
fn unusable_input_exits_64_with_a_one_line_reason() {
    for input in ["", "exa mple.com", "example.com\r\nQUIT", "192.0.2.1", "[2001:db8::1]", "-bad.example", "a..b"] {
        let out = mxray(&["check", "--resolver", NO_RESOLVER, "--", input]);
        assert_eq!(out.status.code(), Some(64), "{input:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.starts_with("mxray: cannot check"), "{err}");
    }
    let out = mxray(&["check", "example.com", "--resolver", NO_RESOLVER, "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(64));
    let out = mxray(&["check", "example.com", "--resolver", NO_RESOLVER, "--step-timeout-secs", "0"]);
    assert_eq!(out.status.code(), Some(64));
    // The greeting wait must end before the deadline, or a slow greeting could never be reported.
    let wait = ["--greeting-timeout-secs", "60", "--deadline-secs", "60"];
    let out = mxray(&[&["check", "example.com", "--resolver", NO_RESOLVER][..], &wait].concat());
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shorter than --deadline-secs (60 s)"));
    for target in ["smtp.example.net:smtp", "smtp.example.net:0", "a b"] {
        let out = mxray(&["check", "example.com", "--resolver", NO_RESOLVER, "--egress-check", target]);
        assert_eq!(out.status.code(), Some(64), "{target}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--egress-check"), "{target}");
    }
    for (flag, value) in
        [("--relay-sender", "a@b.example\r\nDATA"), ("--relay-recipient", "<x@y.example>"), ("--helo-name", "a b")]
    {
        let out = mxray(&["check", "example.com", "--resolver", NO_RESOLVER, flag, value]);
        assert_eq!(out.status.code(), Some(64), "{flag} {value}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_code_and_formats_follow_the_findings() {
    let ca = TestCa::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let good_mx = Scenario::good("mx.good.cli.test", ca.valid(&["mx.good.cli.test"]));
    let _good = FakeSmtp::start("127.0.0.31", port, good_mx.clone()).await.unwrap();
    let _good6 = FakeSmtp::start("::1", port, good_mx).await.unwrap();
    let mut relay = Scenario::plaintext("mx.open.cli.test");
    relay.rcpt_reply = "250 2.1.5 Ok".into();
    let _open = FakeSmtp::start("127.0.0.32", port, relay).await.unwrap();
    let zone = Zone::new("cli.test")
        .mx("good.cli.test", 10, "mx.good.cli.test")
        .address("mx.good.cli.test", "127.0.0.31".parse().unwrap())
        .address("mx.good.cli.test", "::1".parse().unwrap())
        .mx("open.cli.test", 10, "mx.open.cli.test")
        .address("mx.open.cli.test", "127.0.0.32".parse().unwrap());
    let dns = ZoneServer::start("127.0.0.1:0".parse().unwrap(), zone).await.unwrap();
    let ca_file = std::env::temp_dir().join(format!("mxray-cli-test-{}.pem", std::process::id()));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let (resolver, port, ca) = (dns.addr.to_string(), port.to_string(), ca_file.display().to_string());
    let run = |domain: &'static str, extra: &'static [&'static str]| {
        let mut args = vec!["check", domain, "--resolver", &resolver, "--smtp-port", &port, "--ca-file", &ca];
        args.extend_from_slice(extra);
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        tokio::task::spawn_blocking(move || mxray(&args.iter().map(String::as_str).collect::<Vec<_>>()))
    };

    // Without --allow-private-targets nothing on loopback is contacted.
    let blocked = run("good.cli.test", &["--json"]).await.unwrap();
    let report: serde_json::Value = serde_json::from_slice(&blocked.stdout).expect("JSON report");
    assert_eq!(report["mx"][0]["addresses"][0]["tcp"]["outcome"], "blocked");
    assert_eq!(_good.connections(), 0);

    let good = run("good.cli.test", &["--allow-private-targets", "--json"]).await.unwrap();
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).expect("JSON report");
    assert_eq!(report["schema"], "mxray.report.v1");
    assert_eq!(report["mx_source"], "mx");
    let addresses = report["mx"][0]["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 2);
    assert_eq!(addresses[0]["family"], "ipv4");
    assert_eq!(addresses[0]["starttls"]["outcome"], "ok");
    assert_eq!(addresses[0]["certificate"]["trusted"], true);
    assert_eq!(addresses[1]["family"], "ipv6");
    assert!(addresses[0]["transcript"].as_array().unwrap().len() > 10);

    let open = run("open.cli.test", &["--allow-private-targets", "--color", "never", "--transcript"]).await.unwrap();
    assert_eq!(open.status.code(), Some(2));
    let text = String::from_utf8_lossy(&open.stdout);
    assert!(text.contains("mx.open.cli.test") && text.contains("Open relay"), "{text}");
    assert!(text.contains("RCPT TO:<relay-test@example.net>"), "the transcript is shown: {text}");
    assert!(!text.contains('\u{1b}'), "no colour when asked for none");

    for (format, needle) in [("md", "mx.open.cli.test"), ("html", "id=\"mxray-report\"")] {
        let out = run(
            "open.cli.test",
            if format == "md" {
                &["--allow-private-targets", "--format", "md"]
            } else {
                &["--allow-private-targets", "--format", "html", "--lang", "de"]
            },
        )
        .await
        .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stdout).contains(needle), "{format}");
    }
    std::fs::remove_file(&ca_file).ok();
}
