//! `accord ingest … --db`: proposals go into the store's review queue, end to end, on a
//! SQLite file in a temporary directory and on PostgreSQL (a fresh schema per test at
//! `ACCORD_TEST_PG`; skipped when unreachable, except under CI where it is required).
//!
//! The article is read from `../shared/sources/` beside the repository and never copied into
//! it; the feed is served by an HTTP server on loopback whose body the test changes between
//! runs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod store_common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use store_common::{PgSchema, run, stderr, stdout};

/// A store holding the bundled dataset's definitions but none of its claims, so that an
/// accepted proposal is the only evidence about its item.
struct TestStore {
    db: String,
    _pg: Option<PgSchema>,
    _dir: tempfile::TempDir,
}

fn definitions_only(dir: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let name = e.file_name();
            if name == "claims" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &to.join(&name));
            } else {
                std::fs::copy(e.path(), to.join(&name)).unwrap();
            }
        }
    }
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../datasets/us-uk");
    let to = dir.join("defs");
    copy(&src, &to);
    to
}

fn new_store(postgres: bool) -> Option<TestStore> {
    let dir = tempfile::tempdir().unwrap();
    let (db, pg) = if postgres {
        let pg = PgSchema::new()?;
        (pg.url.clone(), Some(pg))
    } else {
        (
            dir.path().join("queue.db").to_str().unwrap().to_string(),
            None,
        )
    };
    let o = run(&["init", "--db", &db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let defs = definitions_only(dir.path());
    let o = run(&["import", "--db", &db, defs.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    Some(TestStore {
        db,
        _pg: pg,
        _dir: dir,
    })
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)))
}

/// The line that sums up a stored run.
fn summary(out: &str) -> String {
    out.lines()
        .find(|l| l.contains("added to the review queue"))
        .unwrap_or_else(|| panic!("no summary in:\n{out}"))
        .to_string()
}

fn added(line: &str) -> usize {
    line.split_whitespace().next().unwrap().parse().unwrap()
}

fn queue(db: &str) -> Vec<Value> {
    let o = run(&["review", "list", "--status", "all", "--json", "--db", db]);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o)["proposals"].as_array().unwrap().clone()
}

fn report() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/sources/tech-deal-report.txt");
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is not there", p.display());
        None
    }
}

fn the_article_into_the_queue(db: &str, path: &Path) {
    let path = path.to_str().unwrap();
    // Without a publication date the relative and missing dates would be 1970-01-01: refused,
    // and nothing is written.
    let o = run(&["ingest", path, "--db", db]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("has no publication date"), "{e}");
    assert!(e.contains("nothing was stored"), "{e}");
    assert!(e.contains("--published YYYY-MM-DD"), "{e}");
    assert!(queue(db).is_empty());

    let args = [
        "ingest",
        path,
        "--published",
        "2025-12-16",
        "--outlet",
        "BBC News",
        "--db",
        db,
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let line = summary(&out);
    let n = added(&line);
    assert!(n > 3, "{out}");
    // The article was not stored by the refused run: it is new now.
    assert_eq!(
        line,
        format!(
            "{n} proposals added to the review queue (ids 1–{n}), 0 already there; 1 article new"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "source bbc_2025_12_16_tech_deal (the outlet's one source published that day)"
        ),
        "{out}"
    );
    assert!(
        out.contains("review them with `accord review list --db"),
        "{out}"
    );
    let listed = run(&["review", "list", "--db", db]);
    assert_eq!(stdout(&listed).lines().count(), n, "{}", stdout(&listed));

    // Again: nothing new, and --json gives every proposal its queue id.
    let mut again = args.to_vec();
    again.push("--json");
    let o = run(&again);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["stored"]["added"], 0);
    assert_eq!(v["stored"]["already"], n);
    assert_eq!(v["stored"]["articles_new"], 0);
    assert_eq!(v["stored"]["articles_known"], 1);
    let doc = &v["documents"][0];
    assert_eq!(doc["article_new"], false);
    let ps = doc["proposals"].as_array().unwrap();
    let mut ids: Vec<i64> = ps.iter().map(|p| p["queue_id"].as_i64().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=n as i64).collect::<Vec<_>>());
    assert!(ps.iter().all(|p| p["queue_new"] == false));
    let o = run(&args);
    assert_eq!(
        summary(&stdout(&o)),
        format!(
            "0 proposals added to the review queue, {n} already there; 0 articles new (1 stored before)"
        )
    );
    assert_eq!(queue(db).len(), n);

    // Downing Street on the tech track: show it with the quote in its context, accept it.
    let p = ps
        .iter()
        .find(|p| {
            p["cue"]["text"] == "has affirmed"
                && p["item"]["id"] == "tech_track"
                && p["status"] == "active"
        })
        .expect("Downing Street's proposal");
    let id = p["queue_id"].as_i64().unwrap().to_string();
    let quote = p["quote"]["text"].as_str().unwrap();
    let key = doc["content_key"].as_str().unwrap();
    let o = run(&["review", "show", &id, "--db", db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(shown.contains(&format!("«{quote}»")), "{shown}");
    assert!(
        shown.contains(&format!(
            "in context (characters {}–{})",
            p["quote"]["start"], p["quote"]["end"]
        )),
        "{shown}"
    );
    assert!(shown.contains(&format!("content key {key}")), "{shown}");
    assert!(shown.contains("published 2025-12-16, BBC News"), "{shown}");
    assert!(
        shown.contains("source      bbc_2025_12_16_tech_deal"),
        "{shown}"
    );
    assert!(shown.contains("speaker     downing_street"), "{shown}");
    assert!(shown.contains("cue “has affirmed”"), "{shown}");
    assert!(shown.contains("rules:\n  · cue: `has affirmed`"), "{shown}");
    let o = run(&["review", "show", &id, "--json", "--db", db]);
    let sj = json(&o);
    assert_eq!(sj["article"]["content_key"], key);
    assert_eq!(sj["context"]["text"], quote);
    assert!(sj["context"]["before"].as_str().unwrap().len() > 10);

    let o = run(&["review", "accept", &id, "--reviewer", "ann", "--db", db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let claim = format!("review.p{id}");
    assert!(stdout(&o).contains(&format!("as claim {claim}")));

    // The claim is the tech track's evidence now, with its quote, speaker and source.
    let o = run(&[
        "status",
        "tech_track",
        "--at",
        "2025-12-17",
        "--json",
        "--db",
        db,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = stdout(&o);
    assert!(st.contains(&format!("\"{claim}\"")), "{st}");
    let o = run(&["why", "tech_track", "--at", "2025-12-17", "--db", db]);
    let why = stdout(&o);
    assert!(why.contains(&format!("[{claim}]")), "{why}");
    assert!(why.contains(quote), "{why}");
    let o = run(&[
        "why",
        "tech_track",
        "--at",
        "2025-12-17",
        "--json",
        "--db",
        db,
    ]);
    let wj = stdout(&o);
    assert!(wj.contains("\"bbc_2025_12_16_tech_deal\""), "{wj}");
    // The claim's note leads back to the proposal, the reviewer and the article.
    let mut s = accord_store::open(db).unwrap();
    let c = s.claim(&claim).unwrap().unwrap();
    let note = c.claim.note.unwrap();
    assert!(
        note.starts_with(&format!(
            "accepted from review proposal {id} by ann; from the article"
        )),
        "{note}"
    );
    assert!(note.contains(&key[..12]), "{note}");
    assert!(
        note.contains(&format!(
            "quote at characters {}–{}",
            p["quote"]["start"], p["quote"]["end"]
        )),
        "{note}"
    );
    assert_eq!(c.claim.speaker.as_deref(), Some("downing_street"));
    assert_eq!(c.claim.quote.as_deref(), Some(quote));
    let o = run(&["review", "show", &id, "--db", db]);
    assert!(stdout(&o).contains("accepted by ann at "), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("as claim {claim}")));
    // A rejected one keeps its reason.
    let other = ids
        .iter()
        .find(|x| x.to_string() != id)
        .unwrap()
        .to_string();
    let o = run(&[
        "review",
        "reject",
        &other,
        "--reason",
        "not about the deal",
        "--reviewer",
        "bob",
        "--db",
        db,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["review", "show", &other, "--db", db]);
    assert!(
        stdout(&o).contains("rejected by bob") && stdout(&o).contains("reason: not about the deal"),
        "{}",
        stdout(&o)
    );
    assert!(run(&["verify", "--db", db]).status.success());
}

#[test]
fn an_article_into_the_review_queue_on_sqlite() {
    let Some(path) = report() else { return };
    let s = new_store(false).unwrap();
    the_article_into_the_queue(&s.db, &path);
}

#[test]
fn an_article_into_the_review_queue_on_postgres() {
    let Some(path) = report() else { return };
    let Some(s) = new_store(true) else { return };
    the_article_into_the_queue(&s.db, &path);
}

/// An HTTP server on loopback answering every request with the current feed.
fn feed_server() -> (String, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let body = Arc::new(Mutex::new(String::new()));
    let shared = Arc::clone(&body);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let body = shared.lock().unwrap().clone();
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (format!("http://{addr}/feed.xml"), body)
}

fn item(title: &str, guid: Option<&str>, link: &str, date: Option<&str>, text: &str) -> String {
    format!(
        "<item><title>{title}</title><link>{link}</link>{}{}<description>{text}</description></item>\n",
        guid.map(|g| format!("<guid>{g}</guid>"))
            .unwrap_or_default(),
        date.map(|d| format!("<pubDate>{d}</pubDate>"))
            .unwrap_or_default(),
    )
}

fn rss(items: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Example Wire</title>\n{}</channel></rss>\n",
        items.concat()
    )
}

const TALKS: &str =
    "Downing Street said on Tuesday that the tech deal talks with Washington were active.";
const NO_ANSWER: &str =
    "The White House did not respond to requests for comment on the Technology Prosperity Deal.";
const PAUSED: &str =
    "The New York Times reported that the Technology Prosperity Deal had been paused last week.";
const UNDATED: &str =
    "The White House said on Monday that it wanted the Technology Prosperity Deal to resume.";

/// The stored article of the proposal that came from a feed entry.
fn article_of_entry(db: &str, entry: &str) -> accord_store::ArticleRecord {
    let p = queue(db)
        .into_iter()
        .find(|p| p["provenance"]["feed"]["entry_key"] == entry)
        .unwrap_or_else(|| panic!("no proposal from entry {entry}"));
    let key = p["provenance"]["article"]["content_key"].as_str().unwrap();
    let mut s = accord_store::open(db).unwrap();
    s.article(key).unwrap().unwrap()
}

fn a_feed_into_the_queue(db: &str) {
    let (url, body) = feed_server();
    let set = |items: &[String]| *body.lock().unwrap() = rss(items);
    let tue = Some("Tue, 16 Dec 2025 10:00:00 GMT");
    let wed = Some("Wed, 17 Dec 2025 09:00:00 GMT");
    let e1 = |link: &str| item("Talks go on", Some("urn:wire:1"), link, tue, TALKS);
    // No GUID: keyed by its link.
    let e2 = |link: &str| item("No answer", None, link, tue, NO_ANSWER);
    let e3 = item(
        "Paused",
        Some("urn:wire:3"),
        "https://wire.example/c",
        wed,
        PAUSED,
    );
    let e4 = item(
        "Resume",
        Some("urn:wire:4"),
        "https://wire.example/d",
        None,
        UNDATED,
    );
    let ingest = |extra: &[&str]| {
        let mut args = vec!["ingest", url.as_str(), "--allow-private", "--db", db];
        args.extend_from_slice(extra);
        run(&args)
    };

    set(&[e1("https://wire.example/a"), e2("https://wire.example/b")]);
    let o = ingest(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line = summary(&stdout(&o));
    assert!(added(&line) >= 2, "{}", stdout(&o));
    assert!(
        line.ends_with(", 0 already there; 2 articles new, feed: 2 new entries, 0 seen before"),
        "{line}"
    );
    let first = queue(db).len();

    // The same feed again: every entry seen before, none read again.
    let o = ingest(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        summary(&stdout(&o)),
        "0 proposals added to the review queue, 0 already there; 0 articles new, feed: 0 new entries, 2 seen before"
    );

    // Both links change, the texts do not. The entry with a GUID is seen before; the one
    // without is a new entry, but its text is a stored article. No new proposals; both new
    // addresses are recorded.
    set(&[
        e1("https://wire.example/a-moved"),
        e2("https://wire.example/b-moved"),
    ]);
    let o = ingest(&["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let st = &v["stored"];
    assert_eq!(st["added"], 0, "{v}");
    assert_eq!(st["articles_new"], 0);
    assert_eq!(st["articles_known"], 1);
    assert_eq!(st["urls_added"], 2);
    assert_eq!(st["feed"]["new_entries"], 1);
    assert_eq!(st["feed"]["seen_before"], 1);
    assert_eq!(st["feed"]["seen_entries"][0], "urn:wire:1");
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["entry_key"], "https://wire.example/b-moved");
    assert!(
        docs[0]["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["queue_new"] == false)
    );
    assert_eq!(queue(db).len(), first);
    assert_eq!(
        article_of_entry(db, "urn:wire:1").urls(),
        ["https://wire.example/a", "https://wire.example/a-moved"]
    );
    assert_eq!(
        article_of_entry(db, "https://wire.example/b").urls(),
        ["https://wire.example/b", "https://wire.example/b-moved"]
    );
    let b = queue(db)
        .into_iter()
        .find(|p| p["provenance"]["feed"]["entry_key"] == "https://wire.example/b")
        .unwrap();
    let o = run(&["review", "show", &b["id"].to_string(), "--db", db]);
    assert!(
        stdout(&o).contains("also at   https://wire.example/b-moved"),
        "{}",
        stdout(&o)
    );

    // A new entry: only it is read.
    set(&[
        e1("https://wire.example/a-moved"),
        e2("https://wire.example/b-moved"),
        e3.clone(),
    ]);
    let o = ingest(&["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{v}");
    assert_eq!(docs[0]["entry_key"], "urn:wire:3");
    assert_eq!(docs[0]["article_new"], true);
    let ps = docs[0]["proposals"].as_array().unwrap();
    assert!(!ps.is_empty());
    assert!(ps.iter().all(|p| p["queue_new"] == true));
    assert_eq!(v["stored"]["added"], ps.len());
    assert_eq!(v["stored"]["feed"]["new_entries"], 1);
    assert_eq!(v["stored"]["feed"]["seen_before"], 2);
    let before = queue(db).len();
    assert_eq!(before, first + ps.len());

    // A new entry without a date whose proposal needs one: the whole run is refused, and
    // nothing of it is written (the entry is still new afterwards).
    let all = [
        e1("https://wire.example/a-moved"),
        e2("https://wire.example/b-moved"),
        e3.clone(),
        e4,
    ];
    set(&all);
    let o = ingest(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("`Resume` has no publication date"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("nothing was stored"));
    assert_eq!(queue(db).len(), before);
    let mut s = accord_store::open(db).unwrap();
    assert_eq!(s.feed_entries(&url).unwrap().len(), 4);
    drop(s);
    let o = ingest(&["--published", "2025-12-18"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let line = summary(&stdout(&o));
    assert!(
        line.ends_with("; 1 article new, feed: 1 new entry, 3 seen before"),
        "{line}"
    );
    assert!(queue(db).len() > before);
    assert!(run(&["verify", "--db", db]).status.success());
}

#[test]
fn a_feed_into_the_review_queue_on_sqlite() {
    let s = new_store(false).unwrap();
    a_feed_into_the_queue(&s.db);
}

#[test]
fn a_feed_into_the_review_queue_on_postgres() {
    let Some(s) = new_store(true) else { return };
    a_feed_into_the_queue(&s.db);
}
