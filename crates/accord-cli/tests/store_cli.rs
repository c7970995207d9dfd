//! The store commands end to end: init, import (all or nothing), claim add/retract, def edit
//! against a version, export, and every query command on `--db` agreeing with the same query
//! on the exported dataset directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod store_common;

use store_common::*;

#[test]
fn queries_on_the_store_agree_with_queries_on_its_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db").to_str().unwrap().to_string();
    let o = run(&["init", "--db", &db, "--example", "us-uk"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("with the bundled dataset `us-uk`"));
    let out = dir.path().join("export");
    let o = run(&["export", "--db", &db, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["check", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));

    let queries: &[&[&str]] = &[
        &["status", "--at", "2025-12-17", "--json"],
        &[
            "status",
            "--at",
            "2025-12-10",
            "--known-at",
            "2025-12-10",
            "--json",
        ],
        &["why", "tpd", "--at", "2025-12-17", "--json"],
        &["timeline", "tpd", "--json"],
        &["contested", "--at", "2025-12-17", "--json"],
        &["exposure", "--at", "2025-12-17", "--json"],
        &[
            "whatif",
            "--claim",
            "commitments(epd, by: uk) met",
            "--at",
            "2025-12-17",
            "--json",
        ],
        &["status", "--at", "2025-12-17"],
    ];
    for q in queries {
        let mut a: Vec<&str> = q.to_vec();
        a.extend(["--db", &db]);
        let on_store = run(&a);
        let mut b: Vec<&str> = q.to_vec();
        b.extend(["--dataset", out.to_str().unwrap()]);
        let on_dir = run(&b);
        assert!(on_store.status.success(), "{q:?}: {}", stderr(&on_store));
        assert_eq!(on_store.status.code(), on_dir.status.code(), "{q:?}");
        assert_eq!(stdout(&on_store), stdout(&on_dir), "{q:?}");
        assert!(!stdout(&on_store).is_empty(), "{q:?}");
    }
    // ACCORD_DB works like --db; --dataset wins over it.
    let o = accord()
        .args(["status", "--at", "2025-12-17", "--json"])
        .env("ACCORD_DB", &db)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let bogus = dir.path().join("nothing.db");
    let o = accord()
        .args([
            "status",
            "--at",
            "2025-12-17",
            "--dataset",
            out.to_str().unwrap(),
        ])
        .env("ACCORD_DB", &bogus)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["status", "--db", bogus.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("accord init"), "{}", stderr(&o));
    assert!(!bogus.exists());
}

#[test]
fn writes_are_validated_all_or_nothing_and_versioned() {
    let dir = tempfile::tempdir().unwrap();
    let db = tiny_store(dir.path(), "s.db");

    // An import with two problems: both reported, nothing written.
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("claims.jsonl"),
        format!(
            "{}\n{}\n",
            claim_line("cl_ok_", 1),
            claim_line("cl_bad_", 2).replace("\"src\"", "\"nowhere\"")
        ),
    )
    .unwrap();
    std::fs::write(
        bad.join("more.toml"),
        "[[link]]\nid = \"l1\"\nkind = \"linked_to\"\nfrom = \"deal\"\nto = \"ghost\"\n",
    )
    .unwrap();
    let o = run(&["import", "--db", &db, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("nowhere") && e.contains("ghost"), "{e}");
    assert!(e.contains("bad/claims.jsonl:2"), "{e}");
    assert!(e.contains("nothing was written"), "{e}");
    assert_eq!(claim_ids(&db).len(), 0);

    // claim add from flags, then a retraction (a new claim).
    let o = run(&[
        "claim",
        "add",
        "--db",
        &db,
        "--id",
        "cl_a",
        "--about",
        "deal",
        "--asserts",
        "status",
        "--value",
        "on hold",
        "--valid",
        "2025-02",
        "--known",
        "2025-02-10",
        "--source",
        "src",
        "--quote",
        "=HYPERLINK(\"http://x\")",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("added cl_a (seq "), "{}", stdout(&o));
    let o = run(&[
        "claim",
        "retract",
        "--db",
        &db,
        "cl_a",
        "--reason",
        "misquoted",
        "--known",
        "2025-02-11",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("retracts cl_a"));
    assert_eq!(claim_ids(&db), ["cl_a", "cl_a_retracted"]);
    // The same id again: refused as a conflict, nothing written.
    let o = run(&[
        "claim",
        "add",
        "--db",
        &db,
        "--json",
        &claim_line("cl_a", 0).replace("cl_a0", "cl_a"),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("already in the store"));

    // def edit with a version precondition; a stale one is refused with a clear message.
    let o = run(&["def", "show", "--db", &db, "deal"]);
    assert!(
        stdout(&o).starts_with("instrument `deal` version 1"),
        "{}",
        stdout(&o)
    );
    let edit = dir.path().join("deal.toml");
    std::fs::write(
        &edit,
        "[[instrument]]\nid = \"deal\"\nkind = \"memorandum_of_understanding\"\nname = \"The deal, renamed\"\nparties = [\"uk\"]\nsigned = 2025-01-01\n",
    )
    .unwrap();
    let e = edit.to_str().unwrap();
    let o = run(&[
        "def",
        "edit",
        "--db",
        &db,
        "deal",
        "--expect-version",
        "1",
        "--file",
        e,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("version 1 -> 2"));
    let o = run(&[
        "def",
        "edit",
        "--db",
        &db,
        "deal",
        "--expect-version",
        "1",
        "--file",
        e,
    ]);
    assert_eq!(o.status.code(), Some(3));
    let m = stderr(&o);
    assert!(
        m.contains("now at version 2") && m.contains("--expect-version 2"),
        "{m}"
    );
    let o = run(&["def", "history", "--db", &db, "deal"]);
    assert!(stdout(&o).contains("version 1,") && stdout(&o).contains("version 2 (current)"));
    // An edit that breaks a reference is refused.
    std::fs::write(
        &edit,
        "[[instrument]]\nid = \"deal\"\nkind = \"treaty\"\nname = \"x\"\nparties = [\"atlantis\"]\n",
    )
    .unwrap();
    let o = run(&[
        "def",
        "edit",
        "--db",
        &db,
        "deal",
        "--expect-version",
        "2",
        "--file",
        e,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("atlantis"));

    // CSV export: UTF-8, ISO dates, formula-injection guard.
    let csv = dir.path().join("csv");
    let o = run(&[
        "export",
        "--db",
        &db,
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let claims = std::fs::read_to_string(csv.join("claims.csv")).unwrap();
    assert!(claims.contains("'=HYPERLINK"), "{claims}");
    assert!(claims.contains("2025-02-01,2025-02-28"), "{claims}");
    // Exporting into a non-empty directory is refused.
    let o = run(&[
        "export",
        "--db",
        &db,
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));

    // JSON export, re-imported into a new store, gives the same canonical JSON.
    let j1 = dir.path().join("a.json");
    assert!(
        run(&[
            "export",
            "--db",
            &db,
            "--format",
            "json",
            "--out",
            j1.to_str().unwrap()
        ])
        .status
        .success()
    );
    let db2 = dir.path().join("s2.db").to_str().unwrap().to_string();
    assert!(run(&["init", "--db", &db2]).status.success());
    let o = run(&["import", "--db", &db2, j1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j2 = dir.path().join("b.json");
    assert!(
        run(&[
            "export",
            "--db",
            &db2,
            "--format",
            "json",
            "--out",
            j2.to_str().unwrap()
        ])
        .status
        .success()
    );
    assert_eq!(std::fs::read(&j1).unwrap(), std::fs::read(&j2).unwrap());

    let o = run(&["verify", "--db", &db]);
    assert!(o.status.success(), "{}", stdout(&o));
}

#[test]
fn a_foreign_file_is_refused_by_every_command_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("thesis.docx");
    std::fs::write(&p, "PK\u{3}\u{4} not a database at all".repeat(50)).unwrap();
    let before = std::fs::read(&p).unwrap();
    let f = p.to_str().unwrap();
    for args in [
        vec!["init", "--db", f],
        vec!["verify", "--db", f],
        vec!["status", "--db", f],
        vec!["claim", "add", "--db", f, "--json", "{}"],
        vec!["export", "--db", f, "--out", "x"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        if args[0] != "claim" {
            assert!(e.contains("is not an accord store"), "{args:?}: {e}");
        }
    }
    assert_eq!(std::fs::read(&p).unwrap(), before);
}

/// The team set-up: a store on PostgreSQL, filled and queried through the CLI, agrees with the
/// same dataset in SQLite.
#[test]
fn a_postgresql_store_works_like_a_sqlite_one() {
    let Some(pg) = PgSchema::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["init", "--db", &pg.url, "--example", "us-uk"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("PostgreSQL store"), "{}", stdout(&o));
    let sq = dir.path().join("s.db").to_str().unwrap().to_string();
    assert!(
        run(&["init", "--db", &sq, "--example", "us-uk"])
            .status
            .success()
    );
    let add = claim_line("cl_team_", 1)
        .replace("\"deal\"", "\"tpd\"")
        .replace("\"src\"", "\"wh_2025_05_08_fact_sheet\"")
        .replace("2025-03-01", "2025-12-20")
        .replace("2025-02", "2025-12");
    for db in [&pg.url, &sq] {
        let o = run(&["claim", "add", "--db", db, "--json", &add]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let q = ["status", "--at", "2025-12-21", "--json"];
    let a = accord().args(q).args(["--db", &pg.url]).output().unwrap();
    let b = accord().args(q).args(["--db", &sq]).output().unwrap();
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
    let o = run(&["verify", "--db", &pg.url]);
    assert!(o.status.success(), "{}", stdout(&o));
    // `init` again on the same schema is refused.
    let o = run(&["init", "--db", &pg.url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already an accord store"),
        "{}",
        stderr(&o)
    );
}
