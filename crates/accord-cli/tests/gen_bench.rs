//! `accord gen` and `accord bench` as a user runs them: a generated world is a valid dataset
//! that `accord check` and the queries accept, the same seed gives the same files, a store can
//! be filled directly, bad counts are refused clearly, and a tiny benchmark prints its table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use std::path::Path;
use std::process::{Command, Output};

fn accord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env_remove("ACCORD_DB")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_generated_world_checks_clean_and_the_same_seed_gives_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let c = tmp.path().join("c");
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = accord(&[
            "gen",
            "--items",
            "2k",
            "--claims",
            "1e4",
            "--seed",
            seed,
            "--out",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("generated a realistic world (seed"), "{s}");
        assert!(s.contains("10000 claims"), "{s}");
    }
    assert_eq!(read_all(&a), read_all(&b), "same seed, same files");
    assert_ne!(read_all(&a), read_all(&c), "another seed, another world");

    let out = accord(&["check", a.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("0 error(s)"));

    // The queries run on it.
    let out = accord(&[
        "status",
        "--dataset",
        a.to_str().unwrap(),
        "--at",
        "2025-12-31",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.to_string().contains("\"d0\""),
        "the first deal's framework is listed"
    );
}

#[test]
fn gen_fills_a_store_and_refuses_a_used_directory_and_bad_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("w.accord");
    let out = accord(&[
        "gen",
        "--items",
        "500",
        "--claims",
        "2000",
        "--family",
        "giant-cycle",
        "--db",
        db.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["family"], "giant-cycle");
    assert_eq!(v["claims"], 2000);
    let out = accord(&["verify", "--db", db.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // A directory that holds files is never written into.
    let used = tmp.path().join("used");
    std::fs::create_dir_all(&used).unwrap();
    std::fs::write(used.join("keep.txt"), "mine").unwrap();
    let out = accord(&[
        "gen",
        "--items",
        "10",
        "--claims",
        "10",
        "--out",
        used.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not empty"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(read_all(&used).len(), 1);

    let out = accord(&["gen", "--items", "lots", "--claims", "10", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let e = text(&out.stderr);
    assert!(
        e.contains("`lots` is not a count") && e.contains("1e6"),
        "{e}"
    );
    let out = accord(&[
        "gen", "--items", "10", "--claims", "10", "--family", "huge", "--out", "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`huge` is not a family"));
}

#[test]
fn a_tiny_benchmark_prints_its_table_and_writes_its_report() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("r.json");
    let out = accord(&[
        "bench",
        "--items",
        "300",
        "--claims",
        "1500",
        "--peers",
        "sqlite",
        "--runs",
        "2",
        "--stream",
        "100",
        "--retractions",
        "20",
        "--durable",
        "3",
        "--ingest",
        "200",
        "--explanations",
        "20",
        "--work",
        tmp.path().join("w").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    let s = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{s}{}", text(&out.stderr));
    for w in [
        "W1 cold",
        "W1 warm",
        "W3 add one claim",
        "W3d",
        "W4",
        "W5",
        "W6",
        "W7",
        "sqlite",
    ] {
        assert!(s.contains(w), "{w} missing:\n{s}");
    }
    assert!(
        s.contains("match"),
        "the SQLite peer agrees with accord:\n{s}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["claims"], 1500);
    assert_eq!(v["peers"][0]["peer"], "sqlite");
    assert_eq!(v["peers"][0]["latest_match"], true);

    let out = accord(&["bench", "--peers", "oracle"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`oracle` is not a peer"));
}
