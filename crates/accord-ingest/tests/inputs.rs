//! Inputs: HTML pages, feeds, fetching under the address guard and the caps. Pages are
//! served on 127.0.0.1 by a tiny server in the test, with the allowance for private
//! addresses where a test needs it.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use accord_ingest::feed::read_feed;
use accord_ingest::fetch::{FetchError, FetchOptions, fetch};
use accord_ingest::input::{self, Format, InputError, Limits, read_html};
use accord_ingest::{ProposalKind, extract};

const PAGE: &str = r#"<!DOCTYPE html>
<html><head>
<title>Fallback title</title>
<meta property="og:title" content="Talks on the tech deal resume">
<meta name="author" content="By Ann Writer">
<meta property="og:site_name" content="BBC News">
<meta property="article:published_time" content="2025-12-18T09:30:00Z">
<link rel="canonical" href="https://news.example/tech-deal">
</head><body>
<nav><p>Home</p><p>World</p></nav>
<div class="promo"><p>Sign up for our newsletter.</p></div>
<article><div class="story">
<p>Talks on the tech deal have resumed, officials said.</p>
<p>Peter Kyle said: “We are back at the table.”</p>
<p>The White House did not respond to a request for comment.</p>
</div></article>
<footer><p>Copyright</p></footer>
</body></html>"#;

fn ds() -> accord_model::Dataset {
    accord_dataset::load_bundled("us-uk")
        .map(|l| l.dataset)
        .unwrap_or_default()
}

/// Serves `routes` (path → (status line, headers, body)) for `n` requests, on loopback.
fn serve(routes: Vec<(&'static str, String, String)>, n: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for _ in 0..n {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let mut req = Vec::new();
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => req.extend_from_slice(&buf[..k]),
                }
            }
            let req = String::from_utf8_lossy(&req);
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, headers, body) = routes
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, h, b)| {
                    (
                        if h.starts_with("Location") {
                            "302 Found"
                        } else {
                            "200 OK"
                        },
                        h.clone(),
                        b.clone(),
                    )
                })
                .unwrap_or(("404 Not Found", String::new(), String::new()));
            let resp = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(resp.as_bytes());
        }
    });
    format!("http://{addr}")
}

#[test]
fn html_metadata_and_main_text() {
    let d = read_html(PAGE);
    assert_eq!(d.title.as_deref(), Some("Talks on the tech deal resume"));
    assert_eq!(d.author.as_deref(), Some("Ann Writer"));
    assert_eq!(d.publisher.as_deref(), Some("BBC News"));
    assert_eq!(
        d.published.map(|x| x.to_string()).as_deref(),
        Some("2025-12-18")
    );
    assert_eq!(d.url.as_deref(), Some("https://news.example/tech-deal"));
    assert!(d.text.starts_with("Talks on the tech deal have resumed"));
    assert!(
        !d.text.contains("newsletter") && !d.text.contains("Copyright") && !d.text.contains("Home")
    );
    assert_eq!(d.text.split("\n\n").count(), 3);
    let ps = extract(&d, &ds());
    let kyle = ps
        .iter()
        .find(|p| p.speaker.as_ref().and_then(|s| s.party_id.as_deref()) == Some("kyle"))
        .expect("Kyle");
    assert_eq!(kyle.kind, ProposalKind::Direct);
    assert_eq!(kyle.valid.to_string(), "2025-12-18");
    assert!(ps.iter().any(|p| p.kind == ProposalKind::NoResponse));
}

fn rss(n: usize) -> String {
    let items: String = (0..n)
        .map(|i| {
            format!(
                "<item><title>Story {i}</title><link>https://news.example/{i}</link><guid>urn:story:{i}</guid><pubDate>Tue, 16 Dec 2025 10:00:00 GMT</pubDate><description>&lt;p&gt;Downing Street said talks on the tech deal were active.&lt;/p&gt;</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example News</title><link>https://news.example</link><description>d</description>{items}</channel></rss>"
    )
}

#[test]
fn feeds_are_capped_and_entries_keyed() {
    let f = read_feed(rss(7).as_bytes(), 5).expect("feed");
    assert_eq!(f.entries.len(), 5);
    assert_eq!(f.skipped, 2);
    assert_eq!(f.title.as_deref(), Some("Example News"));
    let e = &f.entries[0];
    assert_eq!(e.key, "urn:story:0");
    assert_eq!(e.document.url.as_deref(), Some("https://news.example/0"));
    assert_eq!(
        e.document.published.map(|x| x.to_string()).as_deref(),
        Some("2025-12-16")
    );
    assert_eq!(
        e.document.text,
        "Downing Street said talks on the tech deal were active."
    );
    let ps = extract(&e.document, &ds());
    assert_eq!(
        ps[0].speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("downing_street")
    );
    // Atom too.
    let atom = r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2025-12-16T00:00:00Z</updated><entry><title>E</title><id>urn:e</id><updated>2025-12-16T00:00:00Z</updated><content type="html">&lt;p&gt;The BBC understands the talks stalled.&lt;/p&gt;</content></entry></feed>"#;
    let f = read_feed(atom.as_bytes(), 10).expect("atom");
    assert_eq!(f.entries[0].key, "urn:e");
    assert_eq!(
        f.entries[0].document.text,
        "The BBC understands the talks stalled."
    );
    assert!(read_feed(b"not xml at all", 10).is_err());
}

#[test]
fn loopback_is_refused_without_the_allowance() {
    let base = serve(vec![("/a", String::new(), "hello".into())], 1);
    let err = fetch(&format!("{base}/a"), &FetchOptions::default()).expect_err("refused");
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("--allow-private"));
    let ok = fetch(
        &format!("{base}/a"),
        &FetchOptions {
            allow_private: true,
            ..FetchOptions::default()
        },
    )
    .expect("allowed");
    assert_eq!(ok.body, b"hello");
}

#[test]
fn pages_feeds_and_redirects_are_served_with_the_allowance() {
    let base = serve(
        vec![
            ("/page", "Content-Type: text/html\r\n".into(), PAGE.into()),
            ("/moved", "Location: /page\r\n".into(), String::new()),
            (
                "/feed",
                "Content-Type: application/rss+xml\r\n".into(),
                rss(3),
            ),
        ],
        3,
    );
    let opts = FetchOptions {
        allow_private: true,
        ..FetchOptions::default()
    };
    let l = input::load(&format!("{base}/moved"), &Limits::default(), &opts).expect("page");
    assert_eq!(l.format, Format::Html);
    assert_eq!(l.url.as_deref(), Some(format!("{base}/page").as_str()));
    assert_eq!(l.documents[0].publisher.as_deref(), Some("BBC News"));
    let l = input::load(
        &format!("{base}/feed"),
        &Limits {
            max_entries: 2,
            ..Limits::default()
        },
        &opts,
    )
    .expect("feed");
    assert_eq!(l.format, Format::Feed);
    assert_eq!(l.documents.len(), 2);
    assert_eq!(l.entry_keys, ["urn:story:0", "urn:story:1"]);
    assert_eq!(l.skipped_entries, 1);
}

#[test]
fn size_caps() {
    let big = "x".repeat(10_000);
    let base = serve(vec![("/big", String::new(), big.clone())], 1);
    let opts = FetchOptions {
        allow_private: true,
        max_bytes: 1_000,
        ..FetchOptions::default()
    };
    let err = fetch(&format!("{base}/big"), &opts).expect_err("too large");
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
    let dir = std::env::temp_dir().join(format!("accord-ingest-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let f = dir.join("big.txt");
    std::fs::write(&f, &big).expect("write");
    let err = input::load(
        f.to_str().unwrap_or(""),
        &Limits {
            max_bytes: 1_000,
            ..Limits::default()
        },
        &FetchOptions::default(),
    )
    .expect_err("too large");
    assert!(matches!(err, InputError::TooLarge { .. }));
    let _ = std::fs::remove_dir_all(&dir);
}
