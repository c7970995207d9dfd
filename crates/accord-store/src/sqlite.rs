//! The embedded SQLite backend: one file, WAL mode, `synchronous=FULL`, writes in
//! `BEGIN IMMEDIATE` transactions, a busy timeout plus retries so that concurrent writers
//! wait for each other instead of failing with "database is locked".
//!
//! A file is recognised as an accord store by its SQLite header and its `application_id`
//! (read from the file's bytes, before SQLite touches it), then by its `meta` table (read
//! through a read-only connection). Anything else is refused and left byte-for-byte unchanged.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};

use crate::articles::{
    self, ArticleOutcome, ArticleRecord, FeedEntryRecord, Ingest, Ingested, NewArticle,
};
use crate::ops::OpError;
use crate::review::{self, already_reviewed};
use accord_model::{Claim, Dataset};

use crate::{
    Accepted, AddedProposal, Applied, Backend, Batch, ClaimDraft, ClaimRecord, DefKind, DefRecord,
    DefWrite, NewProposal, ProposalRecord, ProposalStatus, Result, Role, Snapshot, Store,
    StoreError, TokenKind, TokenRecord, User,
};

/// `PRAGMA application_id` of an accord store: "ACRD".
pub const APPLICATION_ID: i32 = 0x4143_5244;

/// How long one statement waits for a lock before SQLite reports busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The page cache of a large write (an import), in KiB.
const BULK_CACHE_KIB: i64 = 1 << 20;
/// How long a write keeps retrying a busy database before giving up.
const RETRY_FOR: Duration = Duration::from_secs(120);

/// The schema, one migration per entry. **Only ever append**: a store records how many it has
/// applied (`PRAGMA user_version` and `meta.schema_version`), and an accord that knows fewer
/// refuses to open it.
pub const MIGRATIONS: &[&str] = &[
    // 1: definitions with versions and history, append-only claims, settings.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('application', 'accord'), ('generation', '0');

CREATE TABLE definitions (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    pos        INTEGER NOT NULL UNIQUE,
    version    INTEGER NOT NULL CHECK (version >= 1),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE definition_history (
    id          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

CREATE TABLE claims (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    about       TEXT NOT NULL,
    asserts     TEXT NOT NULL,
    valid_start TEXT NOT NULL,
    valid_end   TEXT NOT NULL,
    known       TEXT NOT NULL,
    corrects    TEXT,
    body        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX claims_about ON claims (about, valid_start);
CREATE INDEX claims_known ON claims (known);
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are append-only: add a correcting claim instead'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are append-only: add a retracting claim instead'); END;
CREATE TRIGGER history_no_update BEFORE UPDATE ON definition_history
BEGIN SELECT RAISE(ABORT, 'definition history is never rewritten'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON definition_history
BEGIN SELECT RAISE(ABORT, 'definition history is never rewritten'); END;
"#,
    // 2: users with roles, hashed tokens (API and sessions), the review queue.
    r#"
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    label      TEXT,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
) STRICT;
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE proposals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dedup_key   TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'rejected')),
    draft       TEXT NOT NULL,
    provenance  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    reviewer    TEXT,
    reviewed_at TEXT,
    reason      TEXT,
    claim_id    TEXT,
    edits       TEXT
) STRICT;
CREATE INDEX proposals_status ON proposals (status, id);
"#,
    // 3: ingested articles (keyed by the hash of their normalised text) and feed entries.
    r#"
CREATE TABLE articles (
    content_key    TEXT PRIMARY KEY,
    text           TEXT NOT NULL,
    title          TEXT,
    author         TEXT,
    publisher      TEXT,
    published      TEXT,
    url            TEXT,
    other_urls     TEXT NOT NULL DEFAULT '[]',
    first_ingested TEXT NOT NULL
) STRICT;
CREATE INDEX articles_url ON articles (url);

CREATE TABLE feed_entries (
    feed_url    TEXT NOT NULL,
    entry_key   TEXT NOT NULL,
    content_key TEXT NOT NULL REFERENCES articles (content_key),
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (feed_url, entry_key)
) STRICT;
CREATE INDEX feed_entries_article ON feed_entries (content_key);
"#,
];

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(e.to_string())
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked)
    )
}

/// Runs `f`, retrying while the database is busy (another process holds the write lock).
fn retry<T>(mut f: impl FnMut() -> std::result::Result<T, Attempt>) -> Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(Attempt::Busy(e)) => {
                if start.elapsed() > RETRY_FOR {
                    return Err(StoreError::Db(format!(
                        "the store stayed busy for {} s ({e}); another process is holding it",
                        RETRY_FOR.as_secs()
                    )));
                }
                std::thread::sleep(pause + Duration::from_micros(jitter()));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(Attempt::Fail(e)) => return Err(e),
        }
    }
}

/// A few hundred microseconds of jitter so that retrying writers do not move in lock-step.
fn jitter() -> u64 {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    u64::from((n ^ std::process::id().wrapping_mul(2_654_435_761)) % 500)
}

enum Attempt {
    Busy(String),
    Fail(StoreError),
}

impl From<rusqlite::Error> for Attempt {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            Attempt::Busy(e.to_string())
        } else {
            Attempt::Fail(db(e))
        }
    }
}

impl From<StoreError> for Attempt {
    fn from(e: StoreError) -> Self {
        Attempt::Fail(e)
    }
}

/// What the first 100 bytes of a file say about it.
fn check_header(path: &Path) -> Result<()> {
    let location = path.display().to_string();
    let refuse = |why: String| StoreError::NotAStore {
        location: location.clone(),
        why,
    };
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("it cannot be read ({e})")))?;
    if meta.is_dir() {
        return Err(refuse("it is a directory".into()));
    }
    let mut head = [0u8; 100];
    let n = {
        use std::io::Read;
        let mut f =
            std::fs::File::open(path).map_err(|e| refuse(format!("it cannot be read ({e})")))?;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(refuse(format!("it cannot be read ({e})"))),
            }
        }
        n
    };
    if n == 0 {
        return Err(refuse("the file is empty".into()));
    }
    if n < 100 || &head[..16] != b"SQLite format 3\0" {
        return Err(refuse(
            "it is not a SQLite database (the file does not start with the SQLite header)".into(),
        ));
    }
    let app = i32::from_be_bytes([head[68], head[69], head[70], head[71]]);
    if app != APPLICATION_ID {
        return Err(refuse(format!(
            "it is a SQLite database made by another program (application id {app:#010x}, an accord store has {APPLICATION_ID:#010x})"
        )));
    }
    Ok(())
}

fn read_version(conn: &Connection) -> rusqlite::Result<(i64, Option<String>, Option<i64>)> {
    let uv: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'application'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let sv: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok((uv, app, sv.and_then(|s| s.parse().ok())))
}

impl SqliteStore {
    /// Opens the store at `path`; with `create`, makes a new one (refusing an existing file).
    pub fn open(path: &Path, create: bool) -> Result<SqliteStore> {
        let location = path.display().to_string();
        if create {
            if path.exists() {
                check_header(path)?;
                // An accord file whose `init` was interrupted before its schema was written
                // (the application id is set first) is finished now; a complete one is refused.
                if Self::has_schema(path)? {
                    return Err(StoreError::AlreadyExists(format!(
                        "there is already an accord store at `{location}`; use it as it is, or give another path"
                    )));
                }
                let conn = Self::connect(path)?;
                let mut s = SqliteStore {
                    conn,
                    path: path.to_path_buf(),
                };
                s.migrate()?;
                return Ok(s);
            }
            return Self::create_new(path);
        }
        if !path.exists() {
            return Err(StoreError::NotFound(format!(
                "there is no store at `{location}`; create one with `accord init --db {location}` (add `--example us-uk` to load the bundled dataset)"
            )));
        }
        check_header(path)?;
        // Look before touching: a read-only connection cannot modify the file.
        {
            let ro = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| StoreError::NotAStore {
                location: location.clone(),
                why: format!("SQLite cannot open it ({e})"),
            })?;
            let _ = ro.busy_timeout(BUSY_TIMEOUT);
            let v = retry(|| Ok(read_version(&ro)?)).map_err(|e| StoreError::NotAStore {
                location: location.clone(),
                why: format!(
                    "it is damaged or incomplete ({e}); if `accord init` was interrupted, run it again on this path to finish it"
                ),
            })?;
            Self::check_version(&location, v)?;
        }
        let conn = Self::connect(path)?;
        let mut s = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        s.migrate()?;
        Ok(s)
    }

    /// Whether the file holds accord's schema (its first migration committed), read through a
    /// read-only connection.
    fn has_schema(path: &Path) -> Result<bool> {
        let refuse = |e: rusqlite::Error| StoreError::NotAStore {
            location: path.display().to_string(),
            why: format!("it is damaged ({e})"),
        };
        let ro = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(refuse)?;
        let _ = ro.busy_timeout(BUSY_TIMEOUT);
        let n: i64 = ro
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                [],
                |r| r.get(0),
            )
            .map_err(refuse)?;
        Ok(n > 0)
    }

    fn check_version(
        location: &str,
        (uv, app, sv): (i64, Option<String>, Option<i64>),
    ) -> Result<()> {
        if app.as_deref() != Some("accord") {
            return Err(StoreError::NotAStore {
                location: location.to_string(),
                why: "its `meta` table does not name accord".into(),
            });
        }
        let found = sv.unwrap_or(uv).max(uv);
        let supported = MIGRATIONS.len() as i64;
        if found > supported {
            return Err(StoreError::TooNew {
                location: location.to_string(),
                found,
                supported,
            });
        }
        Ok(())
    }

    fn connect(path: &Path) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        retry(|| {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Attempt::Fail(StoreError::Db(format!(
                    "could not switch the store to WAL mode (it is in `{mode}` mode)"
                ))));
            }
            conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
            Ok(())
        })?;
        Ok(conn)
    }

    fn create_new(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(StoreError::NotFound(format!(
                "the directory `{}` does not exist; create it first",
                dir.display()
            )));
        }
        // The application id goes into the file header before WAL mode is switched on, so
        // that it is always in the main file and the header check can trust it.
        {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(db)?;
            conn.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA synchronous = FULL;"
            ))
            .map_err(db)?;
        }
        let conn = Self::connect(path)?;
        let mut s = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        s.migrate()?;
        Ok(s)
    }

    /// Applies the migrations this store has not had yet, in one transaction.
    fn migrate(&mut self) -> Result<()> {
        let location = self.path.display().to_string();
        let conn = &mut self.conn;
        retry(|| {
            let uv: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if uv >= MIGRATIONS.len() as i64 {
                return Ok(());
            }
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let uv: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let supported = MIGRATIONS.len() as i64;
            if uv > supported {
                return Err(Attempt::Fail(StoreError::TooNew {
                    location: location.clone(),
                    found: uv,
                    supported,
                }));
            }
            for (i, m) in MIGRATIONS.iter().enumerate().skip(uv as usize) {
                tx.execute_batch(m)?;
                let v = i as i64 + 1;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![v.to_string()],
                )?;
                tx.execute_batch(&format!("PRAGMA user_version = {v}"))?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Writes definitions and claims in one `BEGIN IMMEDIATE` transaction (one fsync at
    /// commit). Claims are inserted through one prepared statement, each row serialised as it
    /// goes (a large import never holds all rows at once). With `keep`, the claims' seqs are
    /// returned.
    fn write(
        &mut self,
        based_on: Option<i64>,
        defs: &[DefWrite],
        claims: &[Claim],
        keep: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Applied> {
        let conn = &mut self.conn;
        let total = claims.len() as u64;
        // A large write keeps its pages in memory instead of spilling them to the WAL
        // again and again before the commit (SQLite's default cache is 2 MiB).
        let bulk = claims.len() + defs.len() > 65_536;
        if bulk {
            conn.execute_batch(&format!("PRAGMA cache_size = -{BULK_CACHE_KIB}"))
                .map_err(db)?;
        }
        let r = retry(|| {
            let now = crate::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut gen_now = generation(&tx)?;
            if let Some(b) = based_on
                && b != gen_now
            {
                return Err(Attempt::Fail(StoreError::Stale));
            }
            let mut out = Applied::default();
            {
                let mut cur_of =
                    tx.prepare_cached("SELECT kind, version FROM definitions WHERE id = ?1")?;
                let mut ins_def = tx.prepare_cached(
                    "INSERT INTO definitions (id, kind, pos, version, body, updated_at)
                     VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                )?;
                let mut pos: Option<i64> = None;
                for d in defs {
                    let cur: Option<(String, i64)> = cur_of
                        .query_row([&d.id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    let v = crate::ops::check_expectation(
                        d,
                        cur.as_ref().map(|(k, v)| (k.as_str(), *v)),
                    )?;
                    if v == 1 {
                        let p = match pos {
                            Some(p) => p + 1,
                            None => tx.query_row(
                                "SELECT coalesce(max(pos), 0) + 1 FROM definitions",
                                [],
                                |r| r.get(0),
                            )?,
                        };
                        pos = Some(p);
                        ins_def.execute(params![d.id, d.kind.as_str(), p, d.body, now])?;
                    } else {
                        tx.execute(
                            "INSERT INTO definition_history (id, kind, version, body, updated_at, replaced_at)
                             SELECT id, kind, version, body, updated_at, ?2 FROM definitions WHERE id = ?1",
                            params![d.id, now],
                        )?;
                        tx.execute(
                            "UPDATE definitions SET version = ?2, body = ?3, updated_at = ?4 WHERE id = ?1",
                            params![d.id, v, d.body, now],
                        )?;
                    }
                    if keep || defs.len() <= 1024 {
                        out.defs.push((d.id.clone(), v));
                    }
                }
            }
            if !defs.is_empty() {
                gen_now += 1;
                tx.execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'generation'",
                    [gen_now.to_string()],
                )?;
            }
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO claims (id, about, asserts, valid_start, valid_end, known, corrects, body, recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                let mut row = crate::ops::RowBuf::default();
                for (i, c) in claims.iter().enumerate() {
                    if i % 65_536 == 0 && total > 65_536 {
                        progress(i as u64, total);
                    }
                    row.fill(c)?;
                    let r = ins.execute(params![
                        c.id,
                        c.about,
                        crate::ops::asserts_name(c.asserts),
                        row.valid_start,
                        row.valid_end,
                        row.known,
                        c.corrects(),
                        row.body,
                        now
                    ]);
                    match r {
                        Ok(_) => {}
                        Err(e) if e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation) => {
                            let taken = tx
                                .prepare_cached("SELECT 1 FROM claims WHERE id = ?1")?
                                .exists([&c.id])?;
                            if taken {
                                return Err(Attempt::Fail(StoreError::Conflict(
                                    crate::ops::claim_taken(&c.id),
                                )));
                            }
                            return Err(e.into());
                        }
                        Err(e) => return Err(e.into()),
                    }
                    if keep {
                        out.claims.push((c.id.clone(), tx.last_insert_rowid()));
                    }
                }
            }
            tx.commit()?;
            if total > 65_536 {
                progress(total, total);
            }
            out.generation = gen_now;
            Ok(out)
        });
        if bulk {
            // Back to the default, and the WAL folded into the file so that readers do not
            // search a WAL as large as the import.
            let _ = conn.execute_batch("PRAGMA cache_size = -2000");
            if r.is_ok() {
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            }
        }
        r
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn def_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_def(
    (kind, id, version, body, updated_at): (String, String, i64, String, String),
) -> Result<DefRecord> {
    let kind = DefKind::parse(&kind)
        .ok_or_else(|| StoreError::Data(format!("definition `{id}` has unknown kind `{kind}`")))?;
    Ok(DefRecord {
        kind,
        id,
        version,
        body,
        updated_at,
    })
}

fn to_claim((seq, body, recorded_at): (i64, String, String)) -> Result<ClaimRecord> {
    let claim =
        serde_json::from_str(&body).map_err(|e| StoreError::Data(format!("claim #{seq}: {e}")))?;
    Ok(ClaimRecord {
        seq,
        claim,
        recorded_at,
    })
}

fn generation(c: &Connection) -> rusqlite::Result<i64> {
    let g: String = c.query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
        r.get(0)
    })?;
    Ok(g.parse().unwrap_or(0))
}

impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn schema_version(&mut self) -> Result<i64> {
        retry(|| {
            Ok(self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?)
        })
    }

    fn snapshot(&mut self, with_claims: bool) -> Result<Snapshot> {
        let conn = &mut self.conn;
        retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let generation = generation(&tx)?;
            let mut defs = Vec::new();
            {
                let mut st = tx.prepare(
                    "SELECT kind, id, version, body, updated_at FROM definitions ORDER BY pos",
                )?;
                let rows = st.query_map([], def_row)?;
                for r in rows {
                    defs.push(to_def(r?)?);
                }
            }
            let mut claims = Vec::new();
            if with_claims {
                let mut st =
                    tx.prepare("SELECT seq, body, recorded_at FROM claims ORDER BY seq")?;
                let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                for r in rows {
                    claims.push(to_claim(r?)?);
                }
            }
            tx.commit()?;
            Ok(Snapshot {
                generation,
                defs,
                claims,
            })
        })
    }

    fn load(&mut self) -> Result<Dataset> {
        let conn = &mut self.conn;
        retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let mut defs = Vec::new();
            {
                let mut st = tx.prepare(
                    "SELECT kind, id, version, body, updated_at FROM definitions ORDER BY pos",
                )?;
                let rows = st.query_map([], def_row)?;
                for r in rows {
                    defs.push(to_def(r?)?);
                }
            }
            let mut ds = crate::defs_dataset(&defs)?;
            drop(defs);
            let last: Option<i64> =
                tx.query_row("SELECT max(seq) FROM claims", [], |r| r.get(0))?;
            ds.claims
                .reserve(last.unwrap_or(0).clamp(0, 1 << 28) as usize);
            {
                // The body is parsed straight from SQLite's buffer: no String per row.
                let mut st = tx.prepare("SELECT seq, body FROM claims ORDER BY seq")?;
                let mut rows = st.query([])?;
                while let Some(r) = rows.next()? {
                    let body = r.get_ref(1)?.as_bytes().map_err(|e| {
                        StoreError::Data(format!("claim #{}: {e}", r.get::<_, i64>(0).unwrap_or(0)))
                    })?;
                    let claim: Claim = serde_json::from_slice(body).map_err(|e| {
                        StoreError::Data(format!("claim #{}: {e}", r.get::<_, i64>(0).unwrap_or(0)))
                    })?;
                    ds.claims.push(claim);
                }
            }
            tx.commit()?;
            ds.reindex();
            Ok(ds)
        })
    }

    fn definition(&mut self, id: &str) -> Result<Option<DefRecord>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(
                    "SELECT kind, id, version, body, updated_at FROM definitions WHERE id = ?1",
                    [id],
                    def_row,
                )
                .optional()?)
        })?;
        row.map(to_def).transpose()
    }

    fn history(&mut self, id: &str) -> Result<Vec<DefRecord>> {
        let rows = retry(|| {
            let mut st = self.conn.prepare(
                "SELECT kind, id, version, body, updated_at FROM definition_history
                 WHERE id = ?1 ORDER BY version",
            )?;
            let rows = st.query_map([id], def_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(to_def).collect()
    }

    fn claim(&mut self, id: &str) -> Result<Option<ClaimRecord>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(
                    "SELECT seq, body, recorded_at FROM claims WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?)
        })?;
        row.map(to_claim).transpose()
    }

    fn claim_count(&mut self) -> Result<i64> {
        retry(|| {
            Ok(self
                .conn
                .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))?)
        })
    }

    fn apply(&mut self, batch: &Batch) -> Result<Applied> {
        self.write(
            batch.based_on,
            &batch.defs,
            &batch.claims,
            true,
            &mut |_, _| {},
        )
    }

    fn append_claims(&mut self, based_on: Option<i64>, claims: &[Claim]) -> Result<Applied> {
        self.write(based_on, &[], claims, true, &mut |_, _| {})
    }

    fn apply_bulk(
        &mut self,
        based_on: Option<i64>,
        defs: &[DefWrite],
        claims: &[Claim],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<i64> {
        Ok(self
            .write(based_on, defs, claims, false, progress)?
            .generation)
    }

    fn check_integrity(&mut self) -> Result<Vec<String>> {
        let mut problems: Vec<String> = retry(|| {
            let mut st = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?
        .into_iter()
        .filter(|r| r != "ok")
        .collect();
        problems.extend(crate::ops::check_rows(self)?);
        Ok(problems)
    }

    fn generation(&mut self) -> Result<i64> {
        retry(|| Ok(generation(&self.conn)?))
    }

    fn claims_after(&mut self, seq: i64) -> Result<Vec<ClaimRecord>> {
        let rows = retry(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT seq, body, recorded_at FROM claims WHERE seq > ?1 ORDER BY seq",
            )?;
            let rows = st.query_map([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(to_claim).collect()
    }

    fn add_user(&mut self, name: &str, role: Role, password_hash: Option<&str>) -> Result<User> {
        review::check_user_name(name).map_err(StoreError::Conflict)?;
        let now = crate::now();
        let conn = &mut self.conn;
        let id = retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let taken = tx
                .prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
                .exists([name])?;
            if taken {
                return Err(Attempt::Fail(StoreError::Conflict(format!(
                    "there is already a user `{name}`"
                ))));
            }
            tx.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), password_hash, now],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(id)
        })?;
        Ok(User {
            id,
            name: name.to_string(),
            role,
            password_hash: password_hash.map(str::to_string),
            created_at: now,
        })
    }

    fn user(&mut self, name: &str) -> Result<Option<User>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(&format!("{USER_COLS} WHERE name = ?1"), [name], user_row)
                .optional()?)
        })?;
        row.map(to_user).transpose()
    }

    fn user_by_id(&mut self, id: i64) -> Result<Option<User>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(&format!("{USER_COLS} WHERE id = ?1"), [id], user_row)
                .optional()?)
        })?;
        row.map(to_user).transpose()
    }

    fn users(&mut self) -> Result<Vec<User>> {
        let rows = retry(|| {
            let mut st = self.conn.prepare(&format!("{USER_COLS} ORDER BY id"))?;
            let rows = st.query_map([], user_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(to_user).collect()
    }

    fn update_user(
        &mut self,
        name: &str,
        role: Option<Role>,
        password_hash: Option<&str>,
    ) -> Result<bool> {
        let conn = &mut self.conn;
        retry(|| {
            let n = conn.execute(
                "UPDATE users SET role = coalesce(?2, role), password_hash = coalesce(?3, password_hash)
                 WHERE name = ?1",
                params![name, role.map(Role::as_str), password_hash],
            )?;
            Ok(n > 0)
        })
    }

    fn add_token(
        &mut self,
        user_id: i64,
        kind: TokenKind,
        label: Option<&str>,
        hash: &str,
        expires_at: Option<&str>,
    ) -> Result<TokenRecord> {
        let now = crate::now();
        let conn = &mut self.conn;
        let id = retry(|| {
            conn.execute(
                "INSERT INTO tokens (user_id, kind, label, hash, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![user_id, kind.as_str(), label, hash, now, expires_at],
            )?;
            Ok(conn.last_insert_rowid())
        })?;
        Ok(TokenRecord {
            id,
            user_id,
            kind,
            label: label.map(str::to_string),
            created_at: now,
            expires_at: expires_at.map(str::to_string),
            revoked: false,
        })
    }

    fn token(&mut self, hash: &str) -> Result<Option<(TokenRecord, User)>> {
        let row = retry(|| {
            Ok(self
                .conn
                .prepare_cached(&format!("{TOKEN_COLS} WHERE hash = ?1"))?
                .query_row([hash], token_row)
                .optional()?)
        })?;
        let Some(row) = row else { return Ok(None) };
        let t = to_token(row)?;
        Ok(self.user_by_id(t.user_id)?.map(|u| (t, u)))
    }

    fn tokens(&mut self, user_id: i64) -> Result<Vec<TokenRecord>> {
        let rows = retry(|| {
            let mut st = self
                .conn
                .prepare(&format!("{TOKEN_COLS} WHERE user_id = ?1 ORDER BY id"))?;
            let rows = st.query_map([user_id], token_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(to_token).collect()
    }

    fn revoke_token(&mut self, hash: &str) -> Result<bool> {
        let now = crate::now();
        let conn = &mut self.conn;
        retry(|| {
            let n = conn.execute(
                "UPDATE tokens SET revoked_at = ?2 WHERE hash = ?1 AND revoked_at IS NULL",
                params![hash, now],
            )?;
            Ok(n > 0)
        })
    }

    fn add_proposals(&mut self, proposals: &[NewProposal]) -> Result<Vec<AddedProposal>> {
        let now = crate::now();
        let rows = proposal_rows(proposals)?;
        let conn = &mut self.conn;
        retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = insert_proposals(&tx, &rows, &now)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn list_proposals(&mut self, status: Option<ProposalStatus>) -> Result<Vec<ProposalRecord>> {
        let rows = retry(|| {
            let mut st = self.conn.prepare(&format!(
                "{PROPOSAL_COLS} WHERE ?1 IS NULL OR status = ?1 ORDER BY id"
            ))?;
            let rows = st.query_map([status.map(|s| s.as_str())], proposal_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        rows.into_iter().map(to_proposal).collect()
    }

    fn get_proposal(&mut self, id: i64) -> Result<Option<ProposalRecord>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(
                    &format!("{PROPOSAL_COLS} WHERE id = ?1"),
                    [id],
                    proposal_row,
                )
                .optional()?)
        })?;
        row.map(to_proposal).transpose()
    }

    fn accept_proposal(
        &mut self,
        id: i64,
        reviewer: &str,
        edits: &ClaimDraft,
    ) -> std::result::Result<Accepted, OpError> {
        for _ in 0..20 {
            let (p, claim, based_on) = review::prepare_acceptance(self, id, reviewer, edits)?;
            let rows = crate::ops::claim_rows(std::slice::from_ref(&claim))?;
            let edits_json = crate::canonical_json(edits)?;
            let conn = &mut self.conn;
            let r = retry(|| {
                let now = crate::now();
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                if generation(&tx)? != based_on {
                    return Err(Attempt::Fail(StoreError::Stale));
                }
                let n = tx.execute(
                    "UPDATE proposals SET status = 'accepted', reviewer = ?2, reviewed_at = ?3,
                         claim_id = ?4, edits = ?5
                     WHERE id = ?1 AND status = 'proposed'",
                    params![id, reviewer, now, claim.id, edits_json],
                )?;
                if n == 0 {
                    return Err(Attempt::Fail(already_reviewed(&p)));
                }
                if tx
                    .prepare_cached("SELECT 1 FROM claims WHERE id = ?1")?
                    .exists([&claim.id])?
                {
                    return Err(Attempt::Fail(StoreError::Conflict(format!(
                        "a claim with id `{}` is already in the store; give the accepted claim another id",
                        claim.id
                    ))));
                }
                let mut seq = 0;
                for c in &rows {
                    tx.execute(
                        "INSERT INTO claims (id, about, asserts, valid_start, valid_end, known, corrects, body, recorded_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![
                            c.id,
                            c.about,
                            c.asserts,
                            c.valid_start,
                            c.valid_end,
                            c.known,
                            c.corrects,
                            c.body,
                            now
                        ],
                    )?;
                    seq = tx.last_insert_rowid();
                }
                tx.commit()?;
                Ok(seq)
            });
            match r {
                Ok(seq) => {
                    return Ok(Accepted {
                        proposal: id,
                        claim_id: claim.id,
                        seq,
                    });
                }
                Err(StoreError::Stale) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Stale.into())
    }

    fn reject_proposal(&mut self, id: i64, reviewer: &str, reason: &str) -> Result<()> {
        let Some(p) = self.get_proposal(id)? else {
            return Err(StoreError::NotFound(format!("there is no proposal {id}")));
        };
        let now = crate::now();
        let conn = &mut self.conn;
        let n = retry(|| {
            Ok(conn.execute(
                "UPDATE proposals SET status = 'rejected', reviewer = ?2, reviewed_at = ?3, reason = ?4
                 WHERE id = ?1 AND status = 'proposed'",
                params![id, reviewer, now, reason],
            )?)
        })?;
        if n == 0 {
            let p = self.get_proposal(id)?.unwrap_or(p);
            return Err(already_reviewed(&p));
        }
        Ok(())
    }

    fn ingest(&mut self, run: &Ingest) -> Result<Ingested> {
        let rows = proposal_rows(&run.proposals)?;
        let conn = &mut self.conn;
        retry(|| {
            let now = crate::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut out = Ingested::default();
            for a in &run.articles {
                out.articles.push(upsert_article(&tx, a, &now)?);
            }
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO feed_entries (feed_url, entry_key, content_key, first_seen)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (feed_url, entry_key) DO NOTHING",
                )?;
                for e in &run.feed_entries {
                    let n = ins.execute(params![e.feed_url, e.entry_key, e.content_key, now])?;
                    out.feed_entries.push(n > 0);
                }
            }
            out.proposals = insert_proposals(&tx, &rows, &now)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn article(&mut self, content_key: &str) -> Result<Option<ArticleRecord>> {
        let row = retry(|| {
            Ok(self
                .conn
                .query_row(
                    &format!("{ARTICLE_COLS} WHERE content_key = ?1"),
                    [content_key],
                    article_row,
                )
                .optional()?)
        })?;
        row.map(to_article).transpose()
    }

    fn feed_entries(&mut self, feed_url: &str) -> Result<Vec<FeedEntryRecord>> {
        retry(|| {
            let mut st = self.conn.prepare_cached(
                "SELECT feed_url, entry_key, content_key, first_seen FROM feed_entries
                 WHERE feed_url = ?1 ORDER BY first_seen, rowid",
            )?;
            let rows = st.query_map([feed_url], |r| {
                Ok(FeedEntryRecord {
                    feed_url: r.get(0)?,
                    entry_key: r.get(1)?,
                    content_key: r.get(2)?,
                    first_seen: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}

type ProposalInsert = (String, String, String);

fn proposal_rows(proposals: &[NewProposal]) -> Result<Vec<ProposalInsert>> {
    proposals
        .iter()
        .map(|p| {
            Ok((
                p.dedup_key.clone(),
                crate::canonical_json(&p.draft)?,
                crate::canonical_json(&p.provenance)?,
            ))
        })
        .collect()
}

/// Adds proposals inside a transaction, skipping dedup keys already stored.
fn insert_proposals(
    tx: &rusqlite::Transaction<'_>,
    rows: &[ProposalInsert],
    now: &str,
) -> std::result::Result<Vec<AddedProposal>, Attempt> {
    let mut out = Vec::new();
    let mut find = tx.prepare_cached("SELECT id FROM proposals WHERE dedup_key = ?1")?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO proposals (dedup_key, draft, provenance, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (key, draft, prov) in rows {
        if let Some(id) = find.query_row([key], |r| r.get(0)).optional()? {
            out.push(AddedProposal { id, new: false });
            continue;
        }
        ins.execute(params![key, draft, prov, now])?;
        out.push(AddedProposal {
            id: tx.last_insert_rowid(),
            new: true,
        });
    }
    Ok(out)
}

/// Stores an article, or adds the addresses a stored one did not have.
fn upsert_article(
    tx: &rusqlite::Transaction<'_>,
    a: &NewArticle,
    now: &str,
) -> std::result::Result<ArticleOutcome, Attempt> {
    let cur: Option<(Option<String>, String)> = tx
        .prepare_cached("SELECT url, other_urls FROM articles WHERE content_key = ?1")?
        .query_row([&a.content_key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match cur {
        None => {
            let (url, others, added) = articles::merge_urls(None, &[], &a.urls);
            tx.execute(
                "INSERT INTO articles (content_key, text, title, author, publisher, published, url, other_urls, first_ingested)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    a.content_key,
                    a.text,
                    a.title,
                    a.author,
                    a.publisher,
                    a.published.map(|d| d.to_string()),
                    url,
                    articles::urls_to_json(&others)?,
                    now
                ],
            )?;
            Ok(ArticleOutcome {
                content_key: a.content_key.clone(),
                new: true,
                urls_added: added,
            })
        }
        Some((url, others)) => {
            let others = articles::urls_from_json(&a.content_key, &others)?;
            let (url, others, added) = articles::merge_urls(url.as_deref(), &others, &a.urls);
            if !added.is_empty() {
                tx.execute(
                    "UPDATE articles SET url = ?2, other_urls = ?3 WHERE content_key = ?1",
                    params![a.content_key, url, articles::urls_to_json(&others)?],
                )?;
            }
            Ok(ArticleOutcome {
                content_key: a.content_key.clone(),
                new: false,
                urls_added: added,
            })
        }
    }
}

const ARTICLE_COLS: &str = "SELECT content_key, text, title, author, publisher, published, url, other_urls, first_ingested FROM articles";

pub(crate) type ArticleRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn article_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

pub(crate) fn to_article(
    (content_key, text, title, author, publisher, published, url, other_urls, first_ingested): ArticleRow,
) -> Result<ArticleRecord> {
    Ok(ArticleRecord {
        published: articles::date_from_text(&content_key, published)?,
        other_urls: articles::urls_from_json(&content_key, &other_urls)?,
        content_key,
        text,
        title,
        author,
        publisher,
        url,
        first_ingested,
    })
}

const USER_COLS: &str = "SELECT id, name, role, password_hash, created_at FROM users";
const TOKEN_COLS: &str =
    "SELECT id, user_id, kind, label, created_at, expires_at, revoked_at IS NOT NULL FROM tokens";
const PROPOSAL_COLS: &str = "SELECT id, dedup_key, status, draft, provenance, created_at, reviewer, reviewed_at, reason, claim_id, edits FROM proposals";

type UserRow = (i64, String, String, Option<String>, String);

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_user((id, name, role, password_hash, created_at): UserRow) -> Result<User> {
    Ok(User {
        id,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Data(format!("user `{name}` has unknown role `{role}`")))?,
        name,
        password_hash,
        created_at,
    })
}

type TokenRow = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    bool,
);

fn token_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn to_token(
    (id, user_id, kind, label, created_at, expires_at, revoked): TokenRow,
) -> Result<TokenRecord> {
    Ok(TokenRecord {
        id,
        user_id,
        kind: TokenKind::parse(&kind)
            .ok_or_else(|| StoreError::Data(format!("token {id} has unknown kind `{kind}`")))?,
        label,
        created_at,
        expires_at,
        revoked,
    })
}

pub(crate) type ProposalRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn proposal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ProposalRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ))
}

pub(crate) fn to_proposal(
    (
        id,
        dedup_key,
        status,
        draft,
        provenance,
        created_at,
        reviewer,
        reviewed_at,
        reason,
        claim_id,
        edits,
    ): ProposalRow,
) -> Result<ProposalRecord> {
    let bad = |what: &str, e: String| StoreError::Data(format!("proposal {id}: {what}: {e}"));
    Ok(ProposalRecord {
        id,
        dedup_key,
        status: ProposalStatus::parse(&status).ok_or_else(|| bad("status", status.clone()))?,
        draft: serde_json::from_str(&draft).map_err(|e| bad("draft", e.to_string()))?,
        provenance: serde_json::from_str(&provenance)
            .map_err(|e| bad("provenance", e.to_string()))?,
        created_at,
        reviewer,
        reviewed_at,
        reason,
        claim_id,
        edits: edits
            .map(|e| serde_json::from_str(&e))
            .transpose()
            .map_err(|e| bad("edits", e.to_string()))?,
    })
}
