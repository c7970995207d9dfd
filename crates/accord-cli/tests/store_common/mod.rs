//! What the store tests share: the `accord` binary, a tiny dataset, claims to append.

#![allow(dead_code, reason = "each test file uses a part of this module")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn accord() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_accord"));
    c.env_remove("ACCORD_DB");
    c
}

pub fn run(args: &[&str]) -> Output {
    accord().args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A tiny valid dataset: one country, one outlet, one source, one instrument.
pub fn tiny_dataset(dir: &Path) -> PathBuf {
    let d = dir.join("tiny");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("accord.toml"), "[dataset]\nname = \"tiny\"\n").unwrap();
    std::fs::write(
        d.join("defs.toml"),
        r#"
[[party]]
id = "uk"
kind = "country"
name = "United Kingdom"
iso2 = "GB"

[[party]]
id = "paper"
kind = "outlet"
name = "The Paper"

[[source]]
id = "src"
kind = "news"
outlet = "paper"
title = "A report"
published = 2025-01-01

[[instrument]]
id = "deal"
kind = "memorandum_of_understanding"
name = "The deal"
parties = ["uk"]
signed = 2025-01-01
sources = ["src"]
"#,
    )
    .unwrap();
    d
}

/// A new SQLite store at `dir/name` holding the tiny dataset.
pub fn tiny_store(dir: &Path, name: &str) -> String {
    let db = dir.join(name).to_str().unwrap().to_string();
    let o = run(&["init", "--db", &db]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ds = tiny_dataset(dir);
    let o = run(&["import", "--db", &db, ds.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    db
}

/// Claim `i` about the tiny dataset's instrument, as a JSON line.
pub fn claim_line(prefix: &str, i: usize) -> String {
    let words = ["stalled", "suspended", "paused", "in force"];
    format!(
        r#"{{"id":"{prefix}{i}","about":"deal","asserts":"status","value":"{}","valid":"2025-02","known":"2025-03-01","source":"src","quote":"claim number {i}"}}"#,
        words[i % words.len()]
    )
}

/// The claim ids a store holds, in append order.
pub fn claim_ids(db: &str) -> Vec<String> {
    let mut s = accord_store::open(db).unwrap();
    accord_store::load_dataset(s.as_mut())
        .unwrap()
        .claims
        .into_iter()
        .map(|c| c.id)
        .collect()
}

/// The claim id acknowledged by an `added ID (seq N)` line.
pub fn ack_of(line: &str) -> Option<String> {
    let rest = line.strip_prefix("added ")?;
    Some(rest.split_whitespace().next()?.to_string())
}

/// A fresh PostgreSQL schema for one test, dropped afterwards; None (after saying so) when
/// PostgreSQL cannot be reached outside CI. Under CI (`CI` set) PostgreSQL is required.
pub struct PgSchema {
    base: String,
    schema: String,
    pub url: String,
}

impl PgSchema {
    pub fn new() -> Option<PgSchema> {
        let base = std::env::var("ACCORD_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
        let mut c = match postgres::Client::connect(&base, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("PostgreSQL is required under CI but {base} is unreachable: {e}");
                }
                eprintln!("skipped PostgreSQL half: {base} is unreachable ({e})");
                return None;
            }
        };
        let schema = format!(
            "accord_cli_{}_{:08x}",
            std::process::id(),
            fastrand::u32(..)
        );
        c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        Some(PgSchema { base, schema, url })
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}
