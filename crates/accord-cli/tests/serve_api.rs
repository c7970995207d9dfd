//! `accord serve` as a process: the first start says how to sign in; the API answers with
//! exactly the JSON of the CLI's `--json`; two servers over one PostgreSQL store see each
//! other's writes within a second.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

fn run(args: &[&str]) -> std::process::Output {
    accord().args(args).output().unwrap()
}

/// A running `accord serve`; killed when dropped.
struct Server {
    child: Child,
    url: String,
    printed: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(db: &str) -> Server {
    let mut child = accord()
        .args(["serve", "--db", db, "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let mut url = String::new();
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            panic!("the server stopped: {printed}");
        }
        printed.push_str(&line);
        if let Some(rest) = line.split("listening on ").nth(1) {
            url = rest.split_whitespace().next().unwrap().to_string();
        }
        if line.contains("Stop with Ctrl-C") {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = out.read_to_string(&mut sink);
    });
    Server {
        child,
        url,
        printed,
    }
}

/// A minimal HTTP/1.1 client: (status, body).
fn http(method: &str, url: &str, token: &str, body: Option<&str>) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    let mut s = TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let text = String::from_utf8(resp).unwrap();
    let (head, mut rest) = text.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let mut body = String::new();
    if chunked {
        loop {
            let (size, after) = rest.split_once("\r\n").unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            body.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
    } else {
        body = rest.to_string();
    }
    (status, body)
}

fn token_of(printed: &str) -> String {
    printed
        .split_whitespace()
        .find(|w| w.starts_with("acc_") && w.len() == 68)
        .unwrap_or_else(|| panic!("no token in: {printed}"))
        .to_string()
}

#[test]
fn the_api_answers_with_the_cli_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_str().unwrap().to_string();
    assert!(
        run(&["init", "--db", &db, "--example", "us-uk"])
            .status
            .success()
    );
    let srv = serve(&db);
    assert!(srv.printed.contains("No users yet"), "{}", srv.printed);
    assert!(srv.printed.contains("/signin"), "{}", srv.printed);
    let token = token_of(&srv.printed);
    let pairs: &[(&[&str], String)] = &[
        (
            &["status", "--at", "2025-12-17"],
            "/api/status?as_of=2025-12-17".into(),
        ),
        (
            &[
                "status",
                "tpd",
                "tech_track",
                "--at",
                "2025-12-10",
                "--known-at",
                "2025-12-10",
            ],
            "/api/status?id=tpd&id=tech_track&as_of=2025-12-10&known_at=2025-12-10".into(),
        ),
        (
            &["why", "tpd", "--at", "2025-12-17"],
            "/api/why/tpd?as_of=2025-12-17".into(),
        ),
        (&["timeline", "epd_steel"], "/api/timeline/epd_steel".into()),
        (
            &["contested", "--at", "2025-12-17"],
            "/api/contested?as_of=2025-12-17".into(),
        ),
        (
            &["exposure", "tpd", "--at", "2025-12-17"],
            "/api/exposure?id=tpd&as_of=2025-12-17".into(),
        ),
        (
            &[
                "whatif",
                "--at",
                "2025-12-17",
                "--claim",
                "commitments(epd, by: uk) met",
            ],
            "/api/whatif?as_of=2025-12-17&claim=commitments(epd,%20by:%20uk)%20met".into(),
        ),
    ];
    for (cli, path) in pairs {
        let mut args: Vec<&str> = cli.to_vec();
        args.extend(["--json", "--db", &db]);
        let o = run(&args);
        assert!(
            o.status.success(),
            "{cli:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let want: Value = serde_json::from_slice(&o.stdout).unwrap();
        let (status, body) = http("GET", &format!("{}{path}", srv.url), &token, None);
        assert_eq!(status, 200, "{path}: {body}");
        let got: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(got, want, "{path} differs from accord {cli:?} --json");
    }
    // A second start has users already: it says how to make a token instead of making one.
    drop(srv);
    let again = serve(&db);
    assert!(!again.printed.contains("No users yet"));
    assert!(
        again.printed.contains("accord token create"),
        "{}",
        again.printed
    );
}

fn pg_base() -> String {
    std::env::var("ACCORD_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

#[test]
fn two_servers_over_one_postgres_store_see_each_others_writes_within_a_second() {
    let base = pg_base();
    let mut c = match postgres::Client::connect(&base, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("PostgreSQL is required under CI but {base} is unreachable: {e}");
            }
            eprintln!("skipped: {base} is unreachable ({e})");
            return;
        }
    };
    let schema = format!(
        "accord_srv_{}_{:08x}",
        std::process::id(),
        fastrand::u32(..)
    );
    c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let result = std::panic::catch_unwind(|| {
        assert!(
            run(&["init", "--db", &url, "--example", "us-uk"])
                .status
                .success()
        );
        let o = run(&[
            "user", "add", "ed", "--role", "editor", "--token", "--db", &url,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let token = token_of(&String::from_utf8_lossy(&o.stdout));
        let a = serve(&url);
        let b = serve(&url);
        let q = "/api/status?id=tech_track&as_of=2025-12-17";
        let (_, before) = http("GET", &format!("{}{q}", b.url), &token, None);
        let mut worst = Duration::ZERO;
        for i in 0..5 {
            let claim = format!(
                r#"{{"id": "multi_{i}", "about": "tech_track", "asserts": "status", "value": "active",
                    "valid": "2025-12-17", "known": "2025-12-17", "source": "bbc_2025_12_16_tech_deal",
                    "speaker": "downing_street", "quote": "write {i} through A"}}"#
            );
            let (status, body) = http(
                "POST",
                &format!("{}/api/claims", a.url),
                &token,
                Some(&claim),
            );
            assert_eq!(status, 201, "{body}");
            let written = Instant::now();
            // Seen by B?
            loop {
                let (status, body) = http(
                    "GET",
                    &format!("{}/api/claims/multi_{i}", b.url),
                    &token,
                    None,
                );
                if status == 200 {
                    assert!(body.contains(&format!("write {i} through A")));
                    break;
                }
                assert!(
                    written.elapsed() < Duration::from_secs(1),
                    "B did not see claim {i} within a second"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            worst = worst.max(written.elapsed());
        }
        let (_, after) = http("GET", &format!("{}{q}", b.url), &token, None);
        assert_ne!(before, after, "the derived state on B follows A's writes");
        eprintln!("slowest propagation from A to B: {worst:?}");
    });
    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
}
