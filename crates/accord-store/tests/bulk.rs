//! The lean import path and the batch appends, on SQLite and PostgreSQL (a fresh schema per
//! test at `ACCORD_TEST_PG`, dropped afterwards; skipped when unreachable, except under CI):
//! a generated world imports in one go, reads back exactly, reports progress, passes the
//! integrity check; claim batches keep their order; a duplicate in a batch is refused with
//! nothing written; an import with a bad claim falls back to the full validator's
//! diagnostics and writes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod common;
use accord_store::Store;
use accord_store::ops::{ClaimWriter, OpError};
use common::{on_postgres, on_sqlite};

fn world(items: usize, claims: usize) -> accord_model::Dataset {
    let cfg = accord_gen::Config::new(items, claims, 7);
    accord_gen::generate(&cfg, &mut |_, _, _| {})
        .unwrap()
        .dataset
}

fn imports_reads_back_and_appends_in_order(s: &mut dyn Store) {
    let ds = world(400, 70_000);
    let mut phases: Vec<(String, u64, u64)> = Vec::new();
    let o = accord_store::import_dataset_with(s, &ds, "(generated)", &mut |p, a, b| {
        phases.push((p.to_string(), a, b));
    })
    .unwrap();
    assert_eq!(o.claims, ds.claims.len());
    assert!(
        phases
            .iter()
            .any(|(p, a, b)| p == "writing" && a == b && *b == ds.claims.len() as u64),
        "{phases:?}"
    );
    assert!(
        !phases.iter().any(|(p, _, _)| p.contains("full validator")),
        "a valid world takes the lean path: {phases:?}"
    );
    let back = accord_store::load_dataset(s).unwrap();
    assert_eq!(back, ds, "the store gives back the world it was given");
    assert!(s.check_integrity().unwrap().is_empty());

    // Batches of claims keep their order, across statements of a batch too (PostgreSQL
    // writes 1,000 rows per statement).
    let day = jiff::civil::date(2025, 12, 31);
    let stream = accord_gen::stream(&ds, 2_500, 3, day, 0.3, "more_");
    let mut w = ClaimWriter::new();
    let mut last = 0;
    for chunk in stream.chunks(1_200) {
        let a = w.add(s, chunk, "stream").unwrap();
        assert_eq!(a.claims.len(), chunk.len());
        for ((id, seq), c) in a.claims.iter().zip(chunk) {
            assert_eq!(id, &c.id);
            assert!(*seq > last, "seqs rise in batch order");
            last = *seq;
        }
    }
    assert!(w.fast_accepted >= 3, "the fast check took them");
    let n = s.claim_count().unwrap();
    // A batch whose last claim is already stored: refused, nothing of it written.
    let mut again = accord_gen::stream(&ds, 1_500, 4, day, 0.0, "again_");
    again.retain(|c| c.retracts.is_none() && c.supersedes.is_none());
    again.push(stream[0].clone());
    let e = w.add(s, &again, "again").unwrap_err();
    assert!(
        matches!(&e, OpError::Store(accord_store::StoreError::Conflict(m)) if m.contains(&stream[0].id)),
        "{e}"
    );
    assert_eq!(s.claim_count().unwrap(), n);
    let back = accord_store::load_dataset(s).unwrap();
    assert_eq!(back.claims.len() as i64, n);
    assert_eq!(back.claims[ds.claims.len()..], stream[..]);
}

fn a_bad_claim_gets_the_full_diagnostics(s: &mut dyn Store) {
    let mut ds = world(100, 2_000);
    let mut bad = ds.claims[10].clone();
    bad.id = "bad_claim".into();
    bad.source = "no_such_source".into();
    ds.claims.push(bad);
    let mut phases = Vec::new();
    let e = accord_store::import_dataset_with(s, &ds, "(generated)", &mut |p, _, _| {
        phases.push(p.to_string())
    })
    .unwrap_err();
    let OpError::Invalid(p) = e else {
        panic!("{e}")
    };
    assert!(
        p.rendered.contains("unknown source `no_such_source`"),
        "{}",
        p.rendered
    );
    assert!(
        p.rendered.contains("(generated)/claims/claims.jsonl"),
        "{}",
        p.rendered
    );
    assert!(phases.iter().any(|p| p.contains("full validator")));
    assert_eq!(s.claim_count().unwrap(), 0);
    assert!(s.snapshot(false).unwrap().defs.is_empty());
}

#[test]
fn sqlite_imports_reads_back_and_appends_in_order() {
    on_sqlite(imports_reads_back_and_appends_in_order);
}

#[test]
fn postgres_imports_reads_back_and_appends_in_order() {
    on_postgres(
        "imports_reads_back_and_appends_in_order",
        "bk",
        imports_reads_back_and_appends_in_order,
    );
}

#[test]
fn sqlite_a_bad_claim_gets_the_full_diagnostics() {
    on_sqlite(a_bad_claim_gets_the_full_diagnostics);
}

#[test]
fn postgres_a_bad_claim_gets_the_full_diagnostics() {
    on_postgres(
        "a_bad_claim_gets_the_full_diagnostics",
        "bk",
        a_bad_claim_gets_the_full_diagnostics,
    );
}
