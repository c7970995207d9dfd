//! Hostile inputs through the `accord` binary (issue #6): a 100 MB page (served on loopback
//! and as a file), deeply nested pages, a feed with 100,000 entries, an XML bomb, non-UTF-8
//! and binary files. Each must end with exit 0 or 2 and a clear message — never a signal —,
//! nothing in the store's review queue on exit 2, and the process's peak memory (measured
//! with `/usr/bin/time` where it exists) well under 200 MB. Every input is generated here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod store_common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::Value;
use store_common::{run, stderr, stdout};

const MB100: u64 = 100 * 1024 * 1024;
const MAX_RSS_KB: u64 = 200 * 1024;

/// Runs `accord ARGS` under `/usr/bin/time -f %M` when there is one: the output (with the
/// measurement taken off standard error) and the peak resident memory in KiB.
fn accord_measured(args: &[&str]) -> (Output, Option<u64>) {
    let bin = env!("CARGO_BIN_EXE_accord");
    if Path::new("/usr/bin/time").exists() {
        let mut o = Command::new("/usr/bin/time")
            .args(["-f", "ACCORD_MAXRSS_KB=%M", bin])
            .args(args)
            .env_remove("ACCORD_DB")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        let mut kb = None;
        let mut rest = String::new();
        for line in err.lines() {
            if let Some(v) = line.strip_prefix("ACCORD_MAXRSS_KB=") {
                kb = v.trim().parse().ok();
            } else if line.starts_with("Command terminated by signal") {
                panic!("accord {args:?} was killed: {line}");
            } else if !line.starts_with("Command exited with non-zero status") {
                rest.push_str(line);
                rest.push('\n');
            }
        }
        o.stderr = rest.into_bytes();
        return (o, kb);
    }
    let o = Command::new(bin)
        .args(args)
        .env_remove("ACCORD_DB")
        .output()
        .unwrap();
    (o, None)
}

/// An initialised SQLite store in a temporary directory.
fn store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("queue.db").to_str().unwrap().to_string();
    let o = run(&["init", "--db", &db]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, db)
}

fn queue_len(db: &str) -> usize {
    let o = run(&["review", "list", "--status", "all", "--json", "--db", db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["proposals"].as_array().unwrap().len()
}

/// `accord ingest INPUT --db DB …` is refused: exit 2 (not a signal), `error: MESSAGE`,
/// nothing queued, memory bounded.
fn refused(input: &str, extra: &[&str], message: &str) {
    let (_dir, db) = store();
    let mut args = vec!["ingest", input, "--db", &db];
    args.extend_from_slice(extra);
    let (o, kb) = accord_measured(&args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{input}: {:?}\n{}",
        o.status,
        stderr(&o)
    );
    assert_eq!(stderr(&o).trim_end(), format!("error: {message}"));
    assert_eq!(stdout(&o), "");
    assert_eq!(queue_len(&db), 0);
    if let Some(kb) = kb {
        eprintln!("{input}: peak RSS {kb} KiB");
        assert!(kb < MAX_RSS_KB, "{input}: peak RSS {kb} KiB");
    }
}

#[test]
fn a_100mb_page_is_refused_at_the_cap_over_http_and_as_a_file() {
    // Served without a Content-Length, streamed in 64 KiB chunks; the server counts what
    // the client took before closing.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let server = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 4096];
        let mut req = Vec::new();
        while !req.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => req.extend_from_slice(&buf[..k]),
            }
        }
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body><p>";
        if s.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![b'a'; 64 * 1024];
        while counter.load(Ordering::SeqCst) < MB100 {
            match s.write(&chunk) {
                Ok(0) | Err(_) => return,
                Ok(k) => {
                    counter.fetch_add(k as u64, Ordering::SeqCst);
                }
            }
        }
    });
    let url = format!("http://{addr}/big.html");
    refused(
        &url,
        &["--allow-private"],
        &format!(
            "`{url}` sent more than the limit of 5242880 bytes (--max-bytes); the download was stopped there and nothing was read. If it really is one article or feed, pass a larger --max-bytes"
        ),
    );
    server.join().unwrap();
    let sent = sent.load(Ordering::SeqCst);
    eprintln!("the server sent {sent} bytes of 100 MB");
    assert!(sent < 20 * 1024 * 1024, "server sent {sent} bytes");

    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.html");
    std::fs::File::create(&p).unwrap().set_len(MB100).unwrap();
    let p = p.to_str().unwrap();
    refused(
        p,
        &[],
        &format!(
            "`{p}` is 104857600 bytes, more than the limit of 5242880 bytes (--max-bytes); it was refused without reading it all. If it really is one article or feed, pass a larger --max-bytes"
        ),
    );
}

#[test]
fn deeply_nested_pages_end_with_a_message_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for (name, open, close, n) in [
        ("divs.html", "<div>", "</div>", 100_000),
        ("bold.html", "<b>", "", 1_000_000),
    ] {
        let page = format!(
            "<!DOCTYPE html><html><body>{}<p>Deep words.</p>{}</body></html>",
            open.repeat(n),
            close.repeat(n)
        );
        let p = dir.path().join(name);
        std::fs::write(&p, page).unwrap();
        let p = p.to_str().unwrap();
        let offset = 27 + 1000 * open.len();
        refused(
            p,
            &[],
            &format!(
                "`{p}` nests HTML elements more than 1000 deep (at byte offset {offset} of its UTF-8 text); a page that deep is not an article and would take the HTML parser far too long, so it was refused. If it is an article, save its text as a .txt file and ingest that"
            ),
        );
    }
}

#[test]
fn a_feed_of_100000_entries_is_read_up_to_max_entries() {
    let dir = tempfile::tempdir().unwrap();
    let items: String = (0..100_000)
        .map(|i| format!("<item><description>T{i}</description></item>"))
        .collect();
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>"
    );
    assert!(feed.len() < 5 * 1024 * 1024, "{}", feed.len());
    let p = dir.path().join("many.rss");
    std::fs::write(&p, feed).unwrap();
    let p = p.to_str().unwrap();
    let (_d, db) = store();
    let (o, kb) = accord_measured(&["ingest", p, "--db", &db, "--published", "2025-12-16"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let summary = out
        .lines()
        .rev()
        .find(|l| l.contains("added to the review queue"))
        .unwrap();
    assert!(
        summary.contains("feed: 50 new entries, 0 seen before, 99950 left out by --max-entries 50"),
        "{summary}"
    );
    if let Some(kb) = kb {
        eprintln!("100,000-entry feed: peak RSS {kb} KiB");
        assert!(kb < MAX_RSS_KB, "peak RSS {kb} KiB");
    }
}

#[test]
fn an_xml_bomb_and_an_external_entity_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bomb.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bomb.push_str("]>\n<rss version=\"2.0\"><channel><title>T</title><item><guid>a</guid><description>&lol9;</description></item></channel></rss>");
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss version=\"2.0\"><channel><title>T</title><item><guid>a</guid><description>&x;</description></item></channel></rss>";
    for (name, body) in [("bomb.rss", bomb.as_str()), ("xxe.xml", xxe)] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let p = p.to_str().unwrap();
        let offset = body.find("<!ENTITY").unwrap();
        refused(
            p,
            &[],
            &format!(
                "`{p}`: refused: the feed declares XML entities (`<!ENTITY` in its DOCTYPE, at byte offset {offset}). Entity declarations are how entity-expansion (\"billion laughs\") and external-entity (file or network) attacks work, and feeds do not need them; nothing was expanded or read. If the feed is genuine, remove its DOCTYPE or ask its publisher for one without"
            ),
        );
    }
}

#[test]
fn non_utf8_and_binary_files_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut latin = b"Line one.\nThe caf".to_vec();
    latin.push(0xE9);
    latin.extend_from_slice(b" said talks resumed.\n");
    let p = dir.path().join("latin1.txt");
    std::fs::write(&p, &latin).unwrap();
    let p = p.to_str().unwrap();
    refused(
        p,
        &[],
        &format!(
            "`{p}` is not UTF-8 text: the byte at offset 17 (line 2) is 0xE9, and no encoding is declared (no byte-order mark, XML `encoding`, HTML `<meta charset>` or HTTP charset). Convert it to UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8` for Latin-1, or declare its encoding"
        ),
    );
    let p = dir.path().join("zeros.bin");
    std::fs::write(&p, [0x7fu8, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0]).unwrap();
    let p = p.to_str().unwrap();
    refused(
        p,
        &[],
        &format!(
            "`{p}` is not text: it holds a NUL byte at byte offset 7. Give an article as plain text, Markdown or HTML, or an RSS/Atom feed"
        ),
    );
    // Declared Latin-1 HTML is read (exit 0, printed without a store).
    let mut html = b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>The caf".to_vec();
    html.push(0xE9);
    html.extend_from_slice(b" said talks resumed.</p></body></html>");
    let p = dir.path().join("latin1.html");
    std::fs::write(&p, &html).unwrap();
    let o = run(&[
        "ingest",
        p.to_str().unwrap(),
        "--json",
        "--published",
        "2025-12-16",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["documents"][0]["proposals"][0]["speaker"]["text"], "The café",
        "{v}"
    );
}
