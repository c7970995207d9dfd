//! The PostgreSQL backend, for a team server: several accord processes over one database.
//!
//! Tables are prefixed `accord_` and live in the connection's current schema (set it with
//! `?options=-csearch_path%3Dmyschema` in the URL to keep several stores in one database).
//! Writers that change definitions serialise on the `generation` row (`FOR UPDATE`); claim
//! appends only share-lock it, so they run side by side.

use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls};

use crate::{
    Applied, Backend, Batch, ClaimRecord, DefKind, DefRecord, Result, Snapshot, Store, StoreError,
};

/// The schema, one migration per entry. **Only ever append.**
pub const MIGRATIONS: &[&str] = &[
    // 1: definitions with versions and history, append-only claims, settings.
    r#"
CREATE TABLE accord_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO accord_meta (key, value) VALUES ('application', 'accord'), ('generation', '0');

CREATE TABLE accord_definitions (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    pos        BIGINT NOT NULL UNIQUE,
    version    BIGINT NOT NULL CHECK (version >= 1),
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE accord_definition_history (
    id          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE accord_claims (
    seq         BIGSERIAL PRIMARY KEY,
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
CREATE INDEX accord_claims_about ON accord_claims (about, valid_start);
CREATE INDEX accord_claims_known ON accord_claims (known);

CREATE FUNCTION accord_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: add a correcting claim or a new version instead', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER accord_claims_append_only BEFORE UPDATE OR DELETE ON accord_claims
    FOR EACH ROW EXECUTE FUNCTION accord_append_only();
CREATE TRIGGER accord_history_append_only BEFORE UPDATE OR DELETE ON accord_definition_history
    FOR EACH ROW EXECUTE FUNCTION accord_append_only();
"#,
];

/// The advisory lock that serialises migrations.
const MIGRATION_LOCK: i64 = 0x4143_5244;

pub struct PgStore {
    client: Client,
    location: String,
}

/// A PostgreSQL error as a message for people.
fn msg(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{}: {}", d.severity(), d.message()),
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(x) = src {
                s.push_str(": ");
                s.push_str(&x.to_string());
                src = x.source();
            }
            s
        }
    }
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Db(msg(&e))
}

enum Attempt {
    Retry(String),
    Fail(StoreError),
}

impl From<postgres::Error> for Attempt {
    fn from(e: postgres::Error) -> Self {
        match e.code() {
            Some(c)
                if *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED =>
            {
                Attempt::Retry(msg(&e))
            }
            _ => Attempt::Fail(db(e)),
        }
    }
}

impl From<StoreError> for Attempt {
    fn from(e: StoreError) -> Self {
        Attempt::Fail(e)
    }
}

fn retry<T>(mut f: impl FnMut() -> std::result::Result<T, Attempt>) -> Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Ok(v) => return Ok(v),
            Err(Attempt::Retry(m)) if start.elapsed() < Duration::from_secs(60) => {
                let _ = m;
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(Attempt::Retry(m)) => return Err(StoreError::Db(m)),
            Err(Attempt::Fail(e)) => return Err(e),
        }
    }
}

fn table_exists(
    c: &mut impl postgres::GenericClient,
) -> std::result::Result<bool, postgres::Error> {
    let row = c.query_one("SELECT to_regclass('accord_meta') IS NOT NULL", &[])?;
    row.try_get(0)
}

fn meta_value(
    c: &mut impl postgres::GenericClient,
    key: &str,
) -> std::result::Result<Option<String>, postgres::Error> {
    Ok(
        c.query_opt("SELECT value FROM accord_meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)),
    )
}

fn to_def(r: &postgres::Row) -> Result<DefRecord> {
    let kind: String = r.try_get(0).map_err(db)?;
    let id: String = r.try_get(1).map_err(db)?;
    Ok(DefRecord {
        kind: DefKind::parse(&kind).ok_or_else(|| {
            StoreError::Data(format!("definition `{id}` has unknown kind `{kind}`"))
        })?,
        id,
        version: r.try_get(2).map_err(db)?,
        body: r.try_get(3).map_err(db)?,
        updated_at: r.try_get(4).map_err(db)?,
    })
}

fn to_claim(r: &postgres::Row) -> Result<ClaimRecord> {
    let seq: i64 = r.try_get(0).map_err(db)?;
    let body: String = r.try_get(1).map_err(db)?;
    Ok(ClaimRecord {
        seq,
        claim: serde_json::from_str(&body)
            .map_err(|e| StoreError::Data(format!("claim #{seq}: {e}")))?,
        recorded_at: r.try_get(2).map_err(db)?,
    })
}

impl PgStore {
    /// Connects to the database at `url`; with `create`, makes a new store there (refusing
    /// one that exists), else opens the one there (refusing a database without one).
    pub fn open(url: &str, create: bool) -> Result<PgStore> {
        let location = crate::redact(url);
        let mut client = Client::connect(url, NoTls).map_err(|e| {
            StoreError::Db(format!(
                "could not connect to PostgreSQL at `{location}`: {}",
                msg(&e)
            ))
        })?;
        let exists = table_exists(&mut client).map_err(db)?;
        if create && exists {
            return Err(StoreError::AlreadyExists(format!(
                "there is already an accord store in `{location}`; use it as it is, or choose another database or schema"
            )));
        }
        if !create {
            if !exists {
                return Err(StoreError::NotFound(format!(
                    "there is no accord store in `{location}` (no `accord_meta` table in its current schema); create one with `accord init --db {location}`"
                )));
            }
            let app = meta_value(&mut client, "application").map_err(db)?;
            if app.as_deref() != Some("accord") {
                return Err(StoreError::NotAStore {
                    location,
                    why: "its `accord_meta` table does not name accord".into(),
                });
            }
            let found: i64 = meta_value(&mut client, "schema_version")
                .map_err(db)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let supported = MIGRATIONS.len() as i64;
            if found > supported {
                return Err(StoreError::TooNew {
                    location,
                    found,
                    supported,
                });
            }
        }
        let mut s = PgStore { client, location };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&mut self) -> Result<()> {
        let location = self.location.clone();
        let client = &mut self.client;
        retry(|| {
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
            let have: i64 = if table_exists(&mut tx)? {
                meta_value(&mut tx, "schema_version")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            } else {
                0
            };
            let supported = MIGRATIONS.len() as i64;
            if have > supported {
                return Err(Attempt::Fail(StoreError::TooNew {
                    location: location.clone(),
                    found: have,
                    supported,
                }));
            }
            for (i, m) in MIGRATIONS.iter().enumerate().skip(have as usize) {
                tx.batch_execute(m)?;
                let v = (i as i64 + 1).to_string();
                tx.execute(
                    "INSERT INTO accord_meta (key, value) VALUES ('schema_version', $1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[&v],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}

impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn location(&self) -> String {
        self.location.clone()
    }

    fn schema_version(&mut self) -> Result<i64> {
        Ok(meta_value(&mut self.client, "schema_version")
            .map_err(db)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn snapshot(&mut self, with_claims: bool) -> Result<Snapshot> {
        let client = &mut self.client;
        retry(|| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let generation: i64 = meta_value(&mut tx, "generation")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut defs = Vec::new();
            for r in tx.query(
                "SELECT kind, id, version, body, updated_at FROM accord_definitions ORDER BY pos",
                &[],
            )? {
                defs.push(to_def(&r)?);
            }
            let mut claims = Vec::new();
            if with_claims {
                for r in tx.query(
                    "SELECT seq, body, recorded_at FROM accord_claims ORDER BY seq",
                    &[],
                )? {
                    claims.push(to_claim(&r)?);
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

    fn definition(&mut self, id: &str) -> Result<Option<DefRecord>> {
        self.client
            .query_opt(
                "SELECT kind, id, version, body, updated_at FROM accord_definitions WHERE id = $1",
                &[&id],
            )
            .map_err(db)?
            .as_ref()
            .map(to_def)
            .transpose()
    }

    fn history(&mut self, id: &str) -> Result<Vec<DefRecord>> {
        self.client
            .query(
                "SELECT kind, id, version, body, updated_at FROM accord_definition_history
                 WHERE id = $1 ORDER BY version",
                &[&id],
            )
            .map_err(db)?
            .iter()
            .map(to_def)
            .collect()
    }

    fn claim(&mut self, id: &str) -> Result<Option<ClaimRecord>> {
        self.client
            .query_opt(
                "SELECT seq, body, recorded_at FROM accord_claims WHERE id = $1",
                &[&id],
            )
            .map_err(db)?
            .as_ref()
            .map(to_claim)
            .transpose()
    }

    fn claim_count(&mut self) -> Result<i64> {
        self.client
            .query_one("SELECT count(*) FROM accord_claims", &[])
            .map_err(db)?
            .try_get(0)
            .map_err(db)
    }

    fn apply(&mut self, batch: &Batch) -> Result<Applied> {
        let rows = crate::ops::claim_rows(&batch.claims)?;
        let client = &mut self.client;
        retry(|| {
            let now = crate::now();
            let mut tx = client.transaction()?;
            let lock = if batch.defs.is_empty() {
                "SELECT value FROM accord_meta WHERE key = 'generation' FOR SHARE"
            } else {
                "SELECT value FROM accord_meta WHERE key = 'generation' FOR UPDATE"
            };
            let mut generation: i64 = tx
                .query_one(lock, &[])?
                .get::<_, String>(0)
                .parse()
                .unwrap_or(0);
            if let Some(b) = batch.based_on
                && b != generation
            {
                return Err(Attempt::Fail(StoreError::Stale));
            }
            let mut out = Applied::default();
            for d in &batch.defs {
                let cur = tx
                    .query_opt(
                        "SELECT kind, version FROM accord_definitions WHERE id = $1 FOR UPDATE",
                        &[&d.id],
                    )?
                    .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)));
                let v =
                    crate::ops::check_expectation(d, cur.as_ref().map(|(k, v)| (k.as_str(), *v)))?;
                if v == 1 {
                    tx.execute(
                        "INSERT INTO accord_definitions (id, kind, pos, version, body, updated_at)
                         VALUES ($1, $2, (SELECT coalesce(max(pos), 0) + 1 FROM accord_definitions), 1, $3, $4)",
                        &[&d.id, &d.kind.as_str(), &d.body, &now],
                    )?;
                } else {
                    tx.execute(
                        "INSERT INTO accord_definition_history (id, kind, version, body, updated_at, replaced_at)
                         SELECT id, kind, version, body, updated_at, $2 FROM accord_definitions WHERE id = $1",
                        &[&d.id, &now],
                    )?;
                    tx.execute(
                        "UPDATE accord_definitions SET version = $2, body = $3, updated_at = $4 WHERE id = $1",
                        &[&d.id, &v, &d.body, &now],
                    )?;
                }
                out.defs.push((d.id.clone(), v));
            }
            if !batch.defs.is_empty() {
                generation += 1;
                tx.execute(
                    "UPDATE accord_meta SET value = $1 WHERE key = 'generation'",
                    &[&generation.to_string()],
                )?;
            }
            let ins = tx.prepare(
                "INSERT INTO accord_claims (id, about, asserts, valid_start, valid_end, known, corrects, body, recorded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO NOTHING RETURNING seq",
            )?;
            for c in &rows {
                let r = tx.query_opt(
                    &ins,
                    &[
                        &c.id,
                        &c.about,
                        &c.asserts,
                        &c.valid_start,
                        &c.valid_end,
                        &c.known,
                        &c.corrects,
                        &c.body,
                        &now,
                    ],
                )?;
                match r {
                    Some(r) => out.claims.push((c.id.clone(), r.get(0))),
                    None => {
                        return Err(Attempt::Fail(StoreError::Conflict(format!(
                            "a claim with id `{}` is already in the store; claims are never replaced, so give the new claim another id (to correct it, add a claim with `supersedes = \"{}\"`)",
                            c.id, c.id
                        ))));
                    }
                }
            }
            tx.commit()?;
            out.generation = generation;
            Ok(out)
        })
    }

    fn check_integrity(&mut self) -> Result<Vec<String>> {
        crate::ops::check_rows(self)
    }
}
