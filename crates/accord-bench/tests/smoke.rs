//! The harness at tiny sizes, so that it cannot rot: every workload runs, every peer that runs
//! agrees with accord, the what-if leaves the base unchanged, and a generated world is a valid
//! dataset. SQLite always runs; DuckDB and PostgreSQL are required when `CI` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use accord_bench::peers::{self, Peer};
use accord_bench::{Options, render, run};
use accord_gen::{Config, Family};

fn ci() -> bool {
    std::env::var_os("CI").is_some()
}

fn options(dir: &std::path::Path, family: Family) -> Options {
    let mut o = Options::new(400, 2_000, dir.to_path_buf());
    o.family = family;
    o.seed = 7;
    o.runs = 2;
    o.stream = 150;
    o.retractions = 40;
    o.durable = 5;
    o.ingest = 200;
    o.explanations = 50;
    o
}

fn check(family: Family) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path(), family);
    let mut wanted = vec![Peer::Sqlite];
    for p in [Peer::DuckDb, Peer::Postgres] {
        match peers::available(p, &o.peer_options) {
            Ok(_) => wanted.push(p),
            Err(why) if ci() => panic!("{} is required when CI is set: {why}", p.name()),
            Err(why) => eprintln!("note: skipping {}: {why}", p.name()),
        }
    }
    o.peers = wanted.clone();
    let mut phases = Vec::new();
    let r = run(&o, &mut |p, _, _| phases.push(p.to_string())).unwrap();
    let text = render(&r);
    println!("{text}");
    assert!(r.items >= 400 && r.claims == 2_000, "{text}");
    assert_eq!(r.peers.len(), wanted.len(), "{text}");
    for p in &r.peers {
        assert!(
            p.latest_match && p.risk_match,
            "{} disagrees with accord:\n{text}",
            p.peer
        );
    }
    assert!(r.latest_rows > 0, "some item has a latest claim");
    assert!(
        r.w6_base_unchanged,
        "a what-if must leave the base as it was"
    );
    assert_eq!(r.w1_warm.n, 2);
    assert_eq!(r.w3_add.n, 150);
    assert_eq!(r.w3_retract_claim.n, 40);
    assert_eq!(r.w3_remove.n, 40);
    assert_eq!(r.w3d.as_ref().map(|d| d.n), Some(5));
    assert!(r.w4_claims_per_s.unwrap() > 0.0);
    assert!(r.w7.n > 0 && r.w7_max_depth >= 1);
    // The engine's own share is an RSS difference: at this size the allocator may reuse
    // freed memory and show none, so only the peak is checked.
    assert!(r.peak_rss > 0 && r.peak_rss >= r.engine_bytes);
    for phase in [
        "items",
        "claims",
        "build engine",
        "W3 single claims",
        "done",
    ] {
        assert!(phases.iter().any(|p| p == phase), "no progress for {phase}");
    }
    // The text names every workload.
    for w in [
        "W1 cold",
        "W1 warm",
        "W3 add",
        "W3 retraction",
        "W3d",
        "W4",
        "W5",
        "W6",
        "W7",
        "memory",
    ] {
        assert!(text.contains(w), "{w} missing from\n{text}");
    }
}

#[test]
fn realistic_world_every_workload_and_peer_agrees() {
    check(Family::Realistic);
}

#[test]
fn giant_cycle_world_every_workload_and_peer_agrees() {
    check(Family::GiantCycle);
}

#[test]
fn a_generated_world_is_a_valid_dataset_that_round_trips() {
    for family in [Family::Realistic, Family::GiantCycle] {
        let mut cfg = Config::new(1_500, 6_000, 11);
        cfg.family = family;
        let w = accord_gen::generate(&cfg, &mut |_, _, _| {}).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("world");
        accord_store::export::export_dataset(&w.dataset, &out).unwrap();
        let loaded = accord_dataset::load_dir(&out).unwrap();
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == accord_dataset::Severity::Error)
            .take(5)
            .map(|d| format!("{} {}: {}", d.code, d.file, d.message))
            .collect();
        assert!(
            errors.is_empty(),
            "{family}: the generated world has errors: {errors:#?}"
        );
        let ds = loaded.into_result().unwrap();
        assert_eq!(ds.claims.len(), 6_000);
        assert_eq!(ds.instruments.len(), w.stats.instruments);
        assert_eq!(ds.links.len(), w.stats.links);
    }
}
