//! From a claim back to its evidence: an article ingested into a store, its proposal accepted,
//! then `accord why` and `accord status` name the proposal the claim came from
//! (`from review proposal N (accord review show N --db …)`), also when the explanation does
//! not count the claim at the dates asked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::process::Command;

fn accord(args: &[&str], env_db: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_accord"));
    c.args(args).env_remove("ACCORD_DB");
    if let Some(db) = env_db {
        c.env("ACCORD_DB", db);
    }
    let o = c.output().unwrap();
    let r = (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(!r.2.contains("panicked"), "{}", r.2);
    r
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = accord(args, None);
    assert_eq!(code, 0, "accord {args:?}:\n{out}\n{err}");
    out
}

const ARTICLE: &str = "Officials in London were upbeat on Tuesday.\n\nDowning Street said the pharma deal had been \"agreed in full with Washington\" after weeks of talks, and that it would take effect next year.\n";

#[test]
fn why_and_status_lead_from_an_accepted_claim_to_its_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db").to_str().unwrap().to_string();
    let article = dir.path().join("pharma.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    ok(&["init", "--db", &db, "--example", "us-uk"]);
    let out = ok(&[
        "ingest",
        article.to_str().unwrap(),
        "--db",
        &db,
        "--published",
        "2025-12-02",
        "--source",
        "reuters_2025_12_01_pharma",
    ]);
    assert!(
        out.contains("1 proposal added to the review queue (ids 1)"),
        "{out}"
    );
    assert!(out.contains("pharma_track"), "{out}");
    let out = ok(&["review", "accept", "1", "--reviewer", "ann", "--db", &db]);
    assert!(out.contains("as claim review.p1"), "{out}");
    let line = format!("from review proposal 1 (accord review show 1 --db {db})");

    // The claim decides the status: the line follows it in `why` and `status ID`.
    let why = ok(&["why", "pharma_track", "--at", "2025-12-03", "--db", &db]);
    let at = why.find("[review.p1]").expect(&why);
    assert!(
        why[at..].starts_with(&format!("[review.p1]\n        {line}\n")),
        "{why}"
    );
    assert!(why.contains("“agreed in full with Washington”"), "{why}");
    let status = ok(&["status", "pharma_track", "--at", "2025-12-03", "--db", &db]);
    assert!(
        status.contains(&format!("[review.p1]\n      {line}\n")),
        "{status}"
    );
    // The command it names works and shows the article with the quote in context.
    let show = ok(&["review", "show", "1", "--db", &db]);
    assert!(show.contains("«agreed in full with Washington»"), "{show}");
    assert!(show.contains("accepted by ann"), "{show}");

    // Known only after the date asked: not in the explanation, but still listed with its way
    // back.
    let why = ok(&["why", "pharma_track", "--at", "2025-12-01", "--db", &db]);
    let at = why
        .find("accepted from the review queue, not counted here")
        .expect(&why);
    let tail = &why[at..];
    assert!(tail.contains("[review.p1]"), "{why}");
    assert!(
        tail.contains("not yet known on 2025-12-01 (known 2025-12-02)"),
        "{why}"
    );
    assert!(tail.contains(&line), "{why}");

    // With the store from ACCORD_DB the command needs no --db.
    let (code, why, err) = accord(&["why", "pharma_track", "--at", "2025-12-03"], Some(&db));
    assert_eq!(code, 0, "{err}");
    assert!(
        why.contains("from review proposal 1 (accord review show 1)\n"),
        "{why}"
    );

    // The JSON shapes are the engine's, unchanged.
    let json = ok(&[
        "why",
        "pharma_track",
        "--at",
        "2025-12-03",
        "--db",
        &db,
        "--json",
    ]);
    assert!(json.contains("\"review.p1\""), "{json}");
    assert!(!json.contains("from review proposal"), "{json}");

    // Claims not from the queue get no such line.
    let why = ok(&["why", "tpd", "--at", "2025-12-17", "--db", &db]);
    assert!(!why.contains("from review proposal"), "{why}");
}
