//! Concurrency test: several processes append claims to one SQLite store at once. Nothing is
//! lost or stored twice, and no writer fails with "database is locked".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod store_common;

use std::process::Stdio;
use std::time::Instant;

use store_common::*;

const WRITERS: usize = 4;
const EACH: usize = 250;

#[test]
fn concurrent_writers_lose_nothing_and_never_see_locked() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_store(dir.path(), "busy.db");
    writers(dir.path(), &db, "SQLite");
}

/// The same on PostgreSQL (a fresh schema, dropped afterwards).
#[test]
fn concurrent_writers_on_postgresql() {
    let Some(pg) = PgSchema::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["init", "--db", &pg.url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ds = tiny_dataset(dir.path());
    let o = run(&["import", "--db", &pg.url, ds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    writers(dir.path(), &pg.url, "PostgreSQL");
}

fn writers(dir: &std::path::Path, db: &str, backend: &str) {
    let db = db.to_string();
    let base = claim_ids(&db).len();

    // Each writer has its own claims, plus the same 40 shared ones: each shared claim must end
    // up stored once, the other attempts refused as duplicates.
    let mut files = vec![];
    for w in 0..WRITERS {
        let mut text = String::new();
        for i in 0..EACH {
            text.push_str(&claim_line(&format!("cl_w{w}_"), i));
            text.push('\n');
            if i % 6 == 0 && i / 6 < 40 {
                text.push_str(&claim_line("cl_shared_", i / 6));
                text.push('\n');
            }
        }
        let p = dir.join(format!("w{w}.jsonl"));
        std::fs::write(&p, text).unwrap();
        files.push(p);
    }
    let start = Instant::now();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            accord()
                .args(["claim", "add", "--db", &db, "--jsonl", f.to_str().unwrap()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // A reader runs queries meanwhile.
    let reader = accord()
        .args(["status", "--db", &db, "--at", "2025-03-02"])
        .output()
        .unwrap();
    assert!(reader.status.success(), "{}", stderr(&reader));

    let mut acks = Vec::new();
    let mut duplicates = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(
            !err.contains("locked") && !err.contains("busy"),
            "a writer saw a lock error: {err}"
        );
        for l in err.lines().filter(|l| l.contains("error: ")) {
            assert!(
                l.contains("cl_shared_") && l.contains("already in the store")
                    || l.contains("were not added"),
                "unexpected error: {l}"
            );
            if l.contains("already in the store") {
                duplicates += 1;
            }
        }
        acks.extend(stdout(&o).lines().filter_map(ack_of));
    }
    let elapsed = start.elapsed();
    let ids = claim_ids(&db);
    let ours = &ids[base..];
    let set: std::collections::BTreeSet<&String> = ours.iter().collect();
    assert_eq!(set.len(), ours.len(), "a claim was stored twice");
    assert_eq!(ours.len(), WRITERS * EACH + 40, "claims lost");
    assert_eq!(
        acks.len(),
        ours.len(),
        "every stored claim was acknowledged once"
    );
    assert_eq!(duplicates, (WRITERS - 1) * 40);
    let v = run(&["verify", "--db", &db]);
    assert!(v.status.success(), "{}", stdout(&v));
    eprintln!(
        "concurrency test ({backend}): {WRITERS} processes, {} claims written ({} acknowledged), {duplicates} duplicate attempts refused, 0 lock errors, {:.1} s",
        ours.len(),
        acks.len(),
        elapsed.as_secs_f64()
    );
}
