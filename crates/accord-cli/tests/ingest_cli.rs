//! `accord ingest` end to end without a store: a shared article as JSON, a page served on
//! loopback. With a store: `ingest_store.rs`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

fn accord(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env_remove("ACCORD_DB")
        .output()
        .expect("run accord");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ingest_the_tech_deal_report_as_json() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/sources/tech-deal-report.txt");
    if !path.exists() {
        eprintln!("skipped: {} is not there", path.display());
        return;
    }
    let (code, out, err) = accord(&[
        "ingest",
        path.to_str().unwrap(),
        "--published",
        "2025-12-16",
        "--outlet",
        "BBC News",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["format"], "text");
    let doc = &v["documents"][0];
    assert_eq!(doc["published"], "2025-12-16");
    assert_eq!(doc["content_key"].as_str().map(str::len), Some(64));
    let ps = doc["proposals"].as_array().expect("proposals");
    let no10 = ps
        .iter()
        .find(|p| p["cue"]["text"] == "has affirmed")
        .expect("Downing Street");
    assert_eq!(no10["speaker"]["party_id"], "downing_street");
    assert_eq!(no10["item"]["id"], "tech_track");
    assert_eq!(no10["status"], "active");
    assert_eq!(no10["asserts"], "status");
    assert_eq!(no10["valid"], "2025-12-16");
    // With the outlet given, "it is understood" is the BBC's.
    let u = ps
        .iter()
        .find(|p| p["kind"] == "understood" && p["status"] == "affirmed")
        .expect("understood");
    assert_eq!(u["speaker"]["party_id"], "bbc");
    // The same article twice gives the same keys.
    let (_, again, _) = accord(&[
        "ingest",
        path.to_str().unwrap(),
        "--published",
        "2025-12-16",
        "--outlet",
        "BBC News",
        "--json",
    ]);
    let w: serde_json::Value = serde_json::from_str(&again).expect("json");
    assert_eq!(
        w["documents"][0]["proposals"][0]["dedup_key"],
        doc["proposals"][0]["dedup_key"]
    );
}

#[test]
fn urls_on_loopback_need_the_allowance() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf);
            let body = "<html><head><meta property=\"og:site_name\" content=\"Example\"><meta property=\"article:published_time\" content=\"2025-12-16\"></head><body><div><p>Downing Street said the tech deal talks were active.</p></div></body></html>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let url = format!("http://{addr}/story");
    let (code, _, err) = accord(&["ingest", &url]);
    assert_eq!(code, 2);
    assert!(err.contains("loopback, private or link-local"), "{err}");
    let (code, out, err) = accord(&["ingest", &url, "--allow-private"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("published 2025-12-16, Example): 1 proposal"),
        "{out}"
    );
    assert!(out.contains("→ downing_street"), "{out}");
    // Without a store nothing is written, and the output says how to store.
    assert!(
        out.ends_with(
            "nothing was stored: to add these proposals to a review queue, give a store with --db PATH|URL (or set ACCORD_DB)\n"
        ),
        "{out}"
    );
}
