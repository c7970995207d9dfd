//! SQLite-only behaviour: what is refused as a store (and left byte-for-byte unchanged),
//! schema versions, the database's own guards, the pragmas a store runs with.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::Path;

use accord_store::StoreError;

fn open(p: &Path) -> Result<Box<dyn accord_store::Store>, StoreError> {
    accord_store::open(p.to_str().unwrap())
}

/// Opening `path` is refused as "not an accord store" and the file is not modified.
fn assert_refused_unchanged(path: &Path, why: &str) {
    let before = std::fs::read(path).unwrap();
    let e = match open(path) {
        Ok(_) => panic!("{} was accepted as a store", path.display()),
        Err(e) => e,
    };
    let m = e.to_string();
    assert!(
        matches!(e, StoreError::NotAStore { .. }),
        "wrong error for {}: {m}",
        path.display()
    );
    assert!(m.contains(why), "{m}");
    assert!(m.contains("left unchanged"), "{m}");
    // `init` on it is refused too.
    assert!(accord_store::create(path.to_str().unwrap()).is_err());
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "{} was modified",
        path.display()
    );
}

#[test]
fn foreign_and_corrupted_files_are_refused_and_not_modified() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.db");
    std::fs::write(&text, "these are my notes, not a database\n".repeat(20)).unwrap();
    assert_refused_unchanged(&text, "not a SQLite database");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert_refused_unchanged(&empty, "empty");

    let noise = dir.path().join("noise.db");
    let bytes: Vec<u8> = (0..8192).map(|_| fastrand::u8(..)).collect();
    std::fs::write(&noise, bytes).unwrap();
    assert_refused_unchanged(&noise, "not a SQLite database");

    // Another program's SQLite database, in rollback and in WAL mode.
    for wal in [false, true] {
        let foreign = dir.path().join(format!("foreign-{wal}.db"));
        {
            let c = rusqlite::Connection::open(&foreign).unwrap();
            if wal {
                c.execute_batch("PRAGMA journal_mode = WAL").unwrap();
            }
            c.execute_batch(
                "CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('application', 'accord');
                 CREATE TABLE t (x); INSERT INTO t VALUES (1), (2);",
            )
            .unwrap();
        }
        assert_refused_unchanged(&foreign, "made by another program");
    }

    // An accord store damaged after its header: pages overwritten with noise.
    let damaged = dir.path().join("damaged.db");
    {
        let mut s = accord_store::create(damaged.to_str().unwrap()).unwrap();
        let files = accord_dataset::bundled_files("us-uk").unwrap();
        accord_store::import_files(s.as_mut(), files, "us-uk").unwrap();
    }
    let mut bytes = std::fs::read(&damaged).unwrap();
    assert!(bytes.len() > 8192);
    for b in &mut bytes[4096..] {
        *b = fastrand::u8(..);
    }
    std::fs::write(&damaged, &bytes).unwrap();
    assert_refused_unchanged(&damaged, "damaged");

    // A directory.
    let e = open(dir.path()).err().unwrap();
    assert!(e.to_string().contains("directory"), "{e}");
}

#[test]
fn a_missing_store_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("none.db");
    let e = open(&p).err().unwrap();
    assert!(e.to_string().contains("accord init"), "{e}");
    assert!(!p.exists(), "opening must not create the file");
}

#[test]
fn a_store_from_a_newer_accord_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("new.db");
    drop(accord_store::create(p.to_str().unwrap()).unwrap());
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "PRAGMA user_version = 99; UPDATE meta SET value = '99' WHERE key = 'schema_version';",
        )
        .unwrap();
    }
    let before = std::fs::read(&p).unwrap();
    let e = open(&p).err().unwrap();
    assert!(matches!(e, StoreError::TooNew { found: 99, .. }), "{e}");
    assert!(e.to_string().contains("newer accord"), "{e}");
    assert_eq!(std::fs::read(&p).unwrap(), before);
}

#[test]
fn the_database_refuses_to_rewrite_claims_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.db");
    {
        let mut s = accord_store::create(p.to_str().unwrap()).unwrap();
        let files = accord_dataset::bundled_files("us-uk").unwrap();
        accord_store::import_files(s.as_mut(), files, "us-uk").unwrap();
    }
    let c = rusqlite::Connection::open(&p).unwrap();
    for sql in [
        "UPDATE claims SET body = '{}'",
        "DELETE FROM claims",
        "INSERT INTO definition_history VALUES ('x','party',1,'{}','t','t'); UPDATE definition_history SET body = ''",
    ] {
        let e = c.execute_batch(sql).unwrap_err().to_string();
        assert!(
            e.contains("append-only") || e.contains("never rewritten"),
            "{sql}: {e}"
        );
    }
}

#[test]
fn a_store_runs_in_wal_mode_with_full_sync_and_its_application_id() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.db");
    drop(accord_store::create(p.to_str().unwrap()).unwrap());
    let c = rusqlite::Connection::open(&p).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let app: i32 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, accord_store::sqlite::APPLICATION_ID);
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, accord_store::sqlite::MIGRATIONS.len() as i64);
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn an_interrupted_init_is_finished_by_init() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("half.db");
    // What `init` leaves when killed after writing the application id, before the schema.
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(&format!(
            "PRAGMA application_id = {}",
            accord_store::sqlite::APPLICATION_ID
        ))
        .unwrap();
    }
    let e = open(&p).err().unwrap();
    assert!(e.to_string().contains("run it again"), "{e}");
    let mut s = accord_store::create(p.to_str().unwrap()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
    drop(s);
    assert!(open(&p).is_ok());
    assert!(matches!(
        accord_store::create(p.to_str().unwrap()).err().unwrap(),
        StoreError::AlreadyExists(_)
    ));
}
