//! Crash test: a process appending claims is killed with SIGKILL at random points, again and
//! again, over 10,000 writes. Afterwards every claim whose write was acknowledged (`added …`
//! printed, which happens only after the commit) is in the store, the store passes its
//! integrity check, and accord opens it normally.
//!
//! Set `ACCORD_CRASH_WRITES` / `ACCORD_CRASH_KILLS` to change the figures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod store_common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use store_common::*;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn acknowledged_claims_survive_sigkill() {
    let writes = env_or("ACCORD_CRASH_WRITES", 10_000);
    let kills_planned = env_or("ACCORD_CRASH_KILLS", 24);
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_store(dir.path(), "crash.db");
    let base = claim_ids(&db).len();
    let start = Instant::now();

    // Kill points: after these many acknowledged writes in total (distinct, sorted), plus a
    // random delay so that kills also land inside transactions and between commit and ack.
    let mut cuts: Vec<usize> = Vec::new();
    while cuts.len() < kills_planned {
        let c = fastrand::usize(1..writes);
        if !cuts.contains(&c) {
            cuts.push(c);
        }
    }
    cuts.sort_unstable();

    let mut acked: Vec<String> = Vec::new();
    let mut kills = 0usize;
    let mut rounds = 0usize;
    let mut next = 0usize; // the first claim not yet in the store
    while next < writes {
        rounds += 1;
        let cut = cuts.iter().copied().find(|c| *c > acked.len());
        let mut child = accord()
            .args(["claim", "add", "--db", &db, "--jsonl", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let lines: Vec<String> = (next..writes).map(|i| claim_line("cl_", i)).collect();
        let feeder = std::thread::spawn(move || {
            for l in lines {
                // The child may be killed at any time: a broken pipe ends the feed.
                if writeln!(stdin, "{l}").is_err() {
                    return;
                }
            }
        });
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut killed = false;
        for line in out.lines() {
            let Ok(line) = line else { break };
            if let Some(id) = ack_of(&line) {
                acked.push(id);
            }
            if !killed && cut.is_some_and(|c| acked.len() >= c) {
                std::thread::sleep(Duration::from_micros(fastrand::u64(0..3000)));
                child.kill().unwrap(); // SIGKILL
                killed = true;
                kills += 1;
            }
        }
        let status = child.wait().unwrap();
        let _ = feeder.join();
        let err = std::io::read_to_string(child.stderr.take().unwrap()).unwrap_or_default();
        assert!(
            !err.contains("locked") && !err.contains("busy"),
            "round {rounds}: {err}"
        );
        if !killed {
            assert!(status.success(), "round {rounds} failed: {err}");
        }
        // After every crash: accord opens the store normally, every acknowledged claim is in
        // it, and the claims form an unbroken prefix (nothing lost in the middle).
        let ids = claim_ids(&db);
        let ours: Vec<&String> = ids.iter().skip(base).collect();
        for (i, id) in ours.iter().enumerate() {
            assert_eq!(**id, format!("cl_{i}"), "claims out of order or missing");
        }
        assert!(ours.len() >= acked.len(), "an acknowledged claim was lost");
        next = ours.len();
    }

    let ids = claim_ids(&db);
    let present: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(present.len(), ids.len(), "a claim is stored twice");
    let missing: Vec<&String> = acked.iter().filter(|a| !present.contains(a)).collect();
    assert!(missing.is_empty(), "acknowledged but missing: {missing:?}");
    assert_eq!(ids.len() - base, writes);

    // The integrity check passes and the store opens normally for a query.
    let v = run(&["verify", "--db", &db]);
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    {
        let c = rusqlite_check(&db);
        assert_eq!(c, "ok");
    }
    let q = run(&["status", "--db", &db, "--at", "2025-03-02"]);
    assert!(q.status.success(), "{}", stderr(&q));

    eprintln!(
        "crash test: {kills} SIGKILLs over {writes} writes in {rounds} runs; {} acknowledged, {} present ({} committed but killed before the ack), integrity check ok; {:.1} s",
        acked.len(),
        ids.len() - base,
        ids.len() - base - acked.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(kills >= 20.min(kills_planned), "only {kills} kills");
}

/// `PRAGMA integrity_check` through the store's own check.
fn rusqlite_check(db: &str) -> String {
    let mut s = accord_store::open(db).unwrap();
    let p = s.check_integrity().unwrap();
    if p.is_empty() {
        "ok".into()
    } else {
        p.join("\n")
    }
}
