//! `accord review …`, `accord user …` and `accord token …` end to end on a SQLite store.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::io::Write;
use std::process::{Command, Stdio};

fn accord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_accord"))
}

fn run(args: &[&str]) -> std::process::Output {
    accord().args(args).output().unwrap()
}

fn run_in(args: &[&str], input: &str) -> std::process::Output {
    let mut c = accord()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PROPOSALS: &str = r#"{"dedup_key": "a1", "draft": {"about": "epd_pharma", "asserts": "status", "value": "agreed", "valid": "2025-12-02", "known": "2025-12-02", "source": "bbc_2025_12_16_tech_deal", "quote": "agreed in principle"}, "provenance": {"url": "https://example.org/a"}}
{"dedup_key": "a2", "draft": {"about": "tpd", "asserts": "status", "value": "paused", "valid": "2025-12", "known": "2025-12-16", "source": "bbc_2025_12_16_tech_deal"}}
{"dedup_key": "a3", "draft": {"about": "no_such_item", "asserts": "status", "value": "paused", "valid": "2025-12", "known": "2025-12-16", "source": "bbc_2025_12_16_tech_deal"}}
"#;

#[test]
fn the_review_queue_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db").to_str().unwrap().to_string();
    assert!(
        run(&["init", "--db", &db, "--example", "us-uk"])
            .status
            .success()
    );
    let o = run_in(&["review", "add", "-", "--db", &db], PROPOSALS);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("added 3 proposals (0 already in the queue)"));
    let o = run_in(&["review", "add", "-", "--db", &db], PROPOSALS);
    assert!(
        out(&o).contains("added 0 proposals (3 already in the queue)"),
        "{}",
        out(&o)
    );
    let o = run(&["review", "list", "--db", &db]);
    assert!(out(&o).contains("epd_pharma") && out(&o).contains("no_such_item"));
    let o = run(&["review", "show", "1", "--db", &db]);
    assert!(out(&o).contains("example.org"), "{}", out(&o));
    // Accept as it is.
    let o = run(&["review", "accept", "1", "--reviewer", "ann", "--db", &db]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("accepted proposal 1 as claim review.p1"));
    let o = run(&[
        "status",
        "epd_pharma",
        "--at",
        "2025-12-17",
        "--json",
        "--db",
        &db,
    ]);
    assert!(out(&o).contains("\"agreed\""), "{}", out(&o));
    // Twice: refused as a conflict (exit 3).
    let o = run(&["review", "accept", "1", "--db", &db]);
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
    assert!(err(&o).contains("already accepted by ann"));
    // An invalid proposal is refused with the validator's message; edited, it goes in.
    let o = run(&["review", "accept", "3", "--db", &db]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("no_such_item"), "{}", err(&o));
    let o = run(&[
        "review",
        "edit",
        "3",
        "--about",
        "tech_track",
        "--claim-id",
        "fixed_one",
        "--db",
        &db,
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("as claim fixed_one"));
    let o = run(&["review", "reject", "2", "--reason", "misread", "--db", &db]);
    assert!(o.status.success(), "{}", err(&o));
    let o = run(&["review", "list", "--status", "all", "--json", "--db", &db]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let statuses: Vec<&str> = v["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "rejected", "accepted"]);
    assert!(run(&["verify", "--db", &db]).status.success());
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db").to_str().unwrap().to_string();
    assert!(run(&["init", "--db", &db]).status.success());
    let o = run_in(
        &[
            "user",
            "add",
            "ann",
            "--role",
            "editor",
            "--password-stdin",
            "--db",
            &db,
        ],
        "correct horse battery\n",
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = run_in(
        &[
            "user",
            "add",
            "bob",
            "--role",
            "viewer",
            "--password-stdin",
            "--db",
            &db,
        ],
        "short\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["user", "add", "ann", "--role", "viewer", "--db", &db]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("already a user"));
    let o = run(&["token", "create", "ann", "--db", &db]);
    assert!(o.status.success());
    let token = out(&o).trim().to_string();
    assert!(token.starts_with("acc_") && token.len() == 68, "{token}");
    // Only the hash is stored: the token's text is nowhere in the file.
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(format!("{db}-wal")).unwrap_or_default();
    for b in [&bytes, &wal] {
        assert!(!b.windows(token.len()).any(|w| w == token.as_bytes()));
        assert!(!b.windows(9).any(|w| w == b"correct h"));
    }
    let o = run(&["user", "list", "--db", &db]);
    assert!(out(&o).contains("ann") && out(&o).contains("editor") && out(&o).contains("password"));
    assert!(
        run(&["user", "set", "ann", "--role", "admin", "--db", &db])
            .status
            .success()
    );
    assert!(out(&run(&["user", "list", "--db", &db])).contains("admin"));
    assert!(
        run(&["token", "revoke", &token, "--db", &db])
            .status
            .success()
    );
    assert_eq!(
        run(&["token", "revoke", &token, "--db", &db]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["token", "create", "nobody", "--db", &db])
            .status
            .code(),
        Some(2)
    );
}
