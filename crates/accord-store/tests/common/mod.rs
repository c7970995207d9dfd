//! What the store's test files share: running one test body on a fresh SQLite store and on
//! a fresh PostgreSQL schema (required under CI, skipped with a note otherwise).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    reason = "test code; not every test file uses every helper"
)]

use accord_store::Store;

fn pg_base() -> String {
    std::env::var("ACCORD_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// Runs `f` on a store in a PostgreSQL schema of its own (named `accord_{prefix}_…`), dropped
/// afterwards even when `f` fails.
pub fn on_postgres(name: &str, prefix: &str, f: fn(&mut dyn Store)) {
    let base = pg_base();
    let mut c = match postgres::Client::connect(&base, postgres::NoTls) {
        Ok(c) => c,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("PostgreSQL is required under CI but {base} is unreachable: {e}");
            }
            eprintln!("skipped PostgreSQL half of `{name}`: {e}");
            return;
        }
    };
    let schema = format!(
        "accord_{prefix}_{}_{:08x}",
        std::process::id(),
        fastrand::u32(..)
    );
    c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let r = std::panic::catch_unwind(|| {
        let mut s = accord_store::create(&url).unwrap();
        f(s.as_mut());
    });
    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    if let Err(p) = r {
        std::panic::resume_unwind(p);
    }
}

/// Runs `f` on a new SQLite store in a temporary directory.
pub fn on_sqlite(f: fn(&mut dyn Store)) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = accord_store::create(dir.path().join("s.db").to_str().unwrap()).unwrap();
    f(s.as_mut());
}
