//! The PostgreSQL backend, for a team server: several accord processes over one database.
//!
//! Tables are prefixed `accord_` and live in the connection's current schema (set it with
//! `?options=-csearch_path%3Dmyschema` in the URL to keep several stores in one database).
//! Writers that change definitions serialise on the `generation` row (`FOR UPDATE`); claim
//! appends only share-lock it, so they run side by side.

use std::time::{Duration, Instant};

use postgres::error::SqlState;
use postgres::{Client, IsolationLevel, NoTls};

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
    // 2: users with roles, hashed tokens (API and sessions), the review queue.
    r#"
CREATE TABLE accord_users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    password_hash TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE accord_tokens (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES accord_users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    label      TEXT,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);
CREATE INDEX accord_tokens_user ON accord_tokens (user_id);

CREATE TABLE accord_proposals (
    id          BIGSERIAL PRIMARY KEY,
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
);
CREATE INDEX accord_proposals_status ON accord_proposals (status, id);
"#,
    // 3: ingested articles (keyed by the hash of their normalised text) and feed entries.
    r#"
CREATE TABLE accord_articles (
    content_key    TEXT PRIMARY KEY,
    text           TEXT NOT NULL,
    title          TEXT,
    author         TEXT,
    publisher      TEXT,
    published      TEXT,
    url            TEXT,
    other_urls     TEXT NOT NULL DEFAULT '[]',
    first_ingested TEXT NOT NULL
);
CREATE INDEX accord_articles_url ON accord_articles (url);

CREATE TABLE accord_feed_entries (
    seq         BIGSERIAL NOT NULL UNIQUE,
    feed_url    TEXT NOT NULL,
    entry_key   TEXT NOT NULL,
    content_key TEXT NOT NULL REFERENCES accord_articles (content_key),
    first_seen  TEXT NOT NULL,
    PRIMARY KEY (feed_url, entry_key)
);
CREATE INDEX accord_feed_entries_article ON accord_feed_entries (content_key);
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

/// How many rows one multi-row statement writes.
const CHUNK: usize = 1000;

impl PgStore {
    /// Writes definitions and claims in one transaction. New definitions and claims go in
    /// chunks of [`CHUNK`] rows per statement (`unnest` of arrays), claims with seqs drawn
    /// from the sequence in order beforehand, so the append order is the batch order.
    fn write(
        &mut self,
        based_on: Option<i64>,
        defs: &[DefWrite],
        claims: &[Claim],
        keep: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Applied> {
        let client = &mut self.client;
        let total = claims.len() as u64;
        retry(|| {
            let now = crate::now();
            let mut tx = client.transaction()?;
            let lock = if defs.is_empty() {
                "SELECT value FROM accord_meta WHERE key = 'generation' FOR SHARE"
            } else {
                "SELECT value FROM accord_meta WHERE key = 'generation' FOR UPDATE"
            };
            let mut generation: i64 = tx
                .query_one(lock, &[])?
                .get::<_, String>(0)
                .parse()
                .unwrap_or(0);
            if let Some(b) = based_on
                && b != generation
            {
                return Err(Attempt::Fail(StoreError::Stale));
            }
            let mut out = Applied::default();
            // Definitions: what is there now, in chunks; then new ones in bulk, edits one by one.
            let mut current: std::collections::HashMap<String, (String, i64)> =
                std::collections::HashMap::new();
            for chunk in defs.chunks(CHUNK) {
                let ids: Vec<&str> = chunk.iter().map(|d| d.id.as_str()).collect();
                for r in tx.query(
                    "SELECT id, kind, version FROM accord_definitions WHERE id = ANY($1) FOR UPDATE",
                    &[&ids],
                )? {
                    current.insert(r.get(0), (r.get(1), r.get(2)));
                }
            }
            let mut new_defs: Vec<&DefWrite> = Vec::new();
            for d in defs {
                let cur = current.get(&d.id);
                let v = crate::ops::check_expectation(d, cur.map(|(k, v)| (k.as_str(), *v)))?;
                if v == 1 {
                    new_defs.push(d);
                    // A second write of the same new id in the batch is refused like an insert
                    // of an existing one.
                    current.insert(d.id.clone(), (d.kind.as_str().to_string(), 1));
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
                    current.insert(d.id.clone(), (d.kind.as_str().to_string(), v));
                }
                if keep || defs.len() <= 1024 {
                    out.defs.push((d.id.clone(), v));
                }
            }
            if !new_defs.is_empty() {
                let base: i64 = tx
                    .query_one("SELECT coalesce(max(pos), 0) FROM accord_definitions", &[])?
                    .get(0);
                let ins = tx.prepare(
                    "INSERT INTO accord_definitions (id, kind, pos, version, body, updated_at)
                     SELECT id, kind, $1 + n, 1, body, $5
                     FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(id, kind, body, n)",
                )?;
                let mut at = base;
                for chunk in new_defs.chunks(CHUNK) {
                    let ids: Vec<&str> = chunk.iter().map(|d| d.id.as_str()).collect();
                    let kinds: Vec<&str> = chunk.iter().map(|d| d.kind.as_str()).collect();
                    let bodies: Vec<&str> = chunk.iter().map(|d| d.body.as_str()).collect();
                    tx.execute(&ins, &[&at, &ids, &kinds, &bodies, &now])?;
                    at += chunk.len() as i64;
                }
            }
            if !defs.is_empty() {
                generation += 1;
                tx.execute(
                    "UPDATE accord_meta SET value = $1 WHERE key = 'generation'",
                    &[&generation.to_string()],
                )?;
            }
            if !claims.is_empty() {
                let seqs_st = tx.prepare(
                    "SELECT nextval(pg_get_serial_sequence('accord_claims', 'seq')) FROM generate_series(1, $1::int)",
                )?;
                let ins = tx.prepare(
                    "INSERT INTO accord_claims (seq, id, about, asserts, valid_start, valid_end, known, corrects, body, recorded_at)
                     SELECT * , $10 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
                     ON CONFLICT (id) DO NOTHING RETURNING id",
                )?;
                let mut row = crate::ops::RowBuf::default();
                let mut done = 0u64;
                for chunk in claims.chunks(CHUNK) {
                    if total > 65_536 && done % 65_536 < CHUNK as u64 {
                        progress(done, total);
                    }
                    let mut seqs: Vec<i64> = tx
                        .query(&seqs_st, &[&(chunk.len() as i32)])?
                        .iter()
                        .map(|r| r.get(0))
                        .collect();
                    seqs.sort_unstable();
                    let n = chunk.len();
                    let (mut ids, mut abouts, mut asserts) = (
                        Vec::with_capacity(n),
                        Vec::with_capacity(n),
                        Vec::with_capacity(n),
                    );
                    let (mut vs, mut ve, mut kn) = (
                        Vec::with_capacity(n),
                        Vec::with_capacity(n),
                        Vec::with_capacity(n),
                    );
                    let (mut co, mut bo) = (Vec::with_capacity(n), Vec::with_capacity(n));
                    for c in chunk {
                        row.fill(c)?;
                        ids.push(c.id.as_str());
                        abouts.push(c.about.as_str());
                        asserts.push(crate::ops::asserts_name(c.asserts));
                        vs.push(row.valid_start.clone());
                        ve.push(row.valid_end.clone());
                        kn.push(row.known.clone());
                        co.push(c.corrects().map(String::as_str));
                        bo.push(row.body.clone());
                    }
                    let inserted = tx.query(
                        &ins,
                        &[
                            &seqs, &ids, &abouts, &asserts, &vs, &ve, &kn, &co, &bo, &now,
                        ],
                    )?;
                    if inserted.len() != n {
                        let got: std::collections::HashSet<&str> =
                            inserted.iter().map(|r| r.get::<_, &str>(0)).collect();
                        let taken = ids
                            .iter()
                            .find(|id| !got.contains(**id))
                            .copied()
                            .unwrap_or("");
                        return Err(Attempt::Fail(StoreError::Conflict(
                            crate::ops::claim_taken(taken),
                        )));
                    }
                    if keep {
                        out.claims
                            .extend(chunk.iter().zip(&seqs).map(|(c, s)| (c.id.clone(), *s)));
                    }
                    done += n as u64;
                }
            }
            tx.commit()?;
            if total > 65_536 {
                progress(total, total);
            }
            out.generation = generation;
            Ok(out)
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

    fn load(&mut self) -> Result<Dataset> {
        let client = &mut self.client;
        retry(|| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let mut defs = Vec::new();
            for r in tx.query(
                "SELECT kind, id, version, body, updated_at FROM accord_definitions ORDER BY pos",
                &[],
            )? {
                defs.push(to_def(&r)?);
            }
            let mut ds = crate::defs_dataset(&defs)?;
            drop(defs);
            // Streamed row by row; each body parsed from the row's buffer.
            let mut rows = tx.query_raw(
                "SELECT seq, body FROM accord_claims ORDER BY seq",
                std::iter::empty::<i64>(),
            )?;
            while let Some(r) = postgres::fallible_iterator::FallibleIterator::next(&mut rows)? {
                let seq: i64 = r.try_get(0).map_err(db)?;
                let body: &str = r.try_get(1).map_err(db)?;
                let claim: Claim = serde_json::from_str(body)
                    .map_err(|e| StoreError::Data(format!("claim #{seq}: {e}")))?;
                ds.claims.push(claim);
            }
            drop(rows);
            tx.commit()?;
            ds.reindex();
            Ok(ds)
        })
    }

    fn check_integrity(&mut self) -> Result<Vec<String>> {
        crate::ops::check_rows(self)
    }

    fn generation(&mut self) -> Result<i64> {
        Ok(meta_value(&mut self.client, "generation")
            .map_err(db)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn claims_after(&mut self, seq: i64) -> Result<Vec<ClaimRecord>> {
        self.client
            .query(
                "SELECT seq, body, recorded_at FROM accord_claims WHERE seq > $1 ORDER BY seq",
                &[&seq],
            )
            .map_err(db)?
            .iter()
            .map(to_claim)
            .collect()
    }

    fn add_user(&mut self, name: &str, role: Role, password_hash: Option<&str>) -> Result<User> {
        review::check_user_name(name).map_err(StoreError::Conflict)?;
        let now = crate::now();
        let row = self
            .client
            .query_opt(
                "INSERT INTO accord_users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO NOTHING RETURNING id",
                &[&name, &role.as_str(), &password_hash, &now],
            )
            .map_err(db)?;
        let Some(row) = row else {
            return Err(StoreError::Conflict(format!(
                "there is already a user `{name}`"
            )));
        };
        Ok(User {
            id: row.try_get(0).map_err(db)?,
            name: name.to_string(),
            role,
            password_hash: password_hash.map(str::to_string),
            created_at: now,
        })
    }

    fn user(&mut self, name: &str) -> Result<Option<User>> {
        self.client
            .query_opt(&format!("{USER_COLS} WHERE name = $1"), &[&name])
            .map_err(db)?
            .as_ref()
            .map(to_user)
            .transpose()
    }

    fn user_by_id(&mut self, id: i64) -> Result<Option<User>> {
        self.client
            .query_opt(&format!("{USER_COLS} WHERE id = $1"), &[&id])
            .map_err(db)?
            .as_ref()
            .map(to_user)
            .transpose()
    }

    fn users(&mut self) -> Result<Vec<User>> {
        self.client
            .query(&format!("{USER_COLS} ORDER BY id"), &[])
            .map_err(db)?
            .iter()
            .map(to_user)
            .collect()
    }

    fn update_user(
        &mut self,
        name: &str,
        role: Option<Role>,
        password_hash: Option<&str>,
    ) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE accord_users SET role = coalesce($2, role), password_hash = coalesce($3, password_hash)
                 WHERE name = $1",
                &[&name, &role.map(Role::as_str), &password_hash],
            )
            .map_err(db)?;
        Ok(n > 0)
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
        let row = self
            .client
            .query_one(
                "INSERT INTO accord_tokens (user_id, kind, label, hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[&user_id, &kind.as_str(), &label, &hash, &now, &expires_at],
            )
            .map_err(db)?;
        Ok(TokenRecord {
            id: row.try_get(0).map_err(db)?,
            user_id,
            kind,
            label: label.map(str::to_string),
            created_at: now,
            expires_at: expires_at.map(str::to_string),
            revoked: false,
        })
    }

    fn token(&mut self, hash: &str) -> Result<Option<(TokenRecord, User)>> {
        let row = self
            .client
            .query_opt(
                "SELECT t.id, t.user_id, t.kind, t.label, t.created_at, t.expires_at, t.revoked_at IS NOT NULL,
                        u.id, u.name, u.role, u.password_hash, u.created_at
                 FROM accord_tokens t JOIN accord_users u ON u.id = t.user_id WHERE t.hash = $1",
                &[&hash],
            )
            .map_err(db)?;
        let Some(r) = row else { return Ok(None) };
        let t = to_token(&r)?;
        let role: String = r.try_get(9).map_err(db)?;
        let name: String = r.try_get(8).map_err(db)?;
        let u = User {
            id: r.try_get(7).map_err(db)?,
            role: Role::parse(&role).ok_or_else(|| {
                StoreError::Data(format!("user `{name}` has unknown role `{role}`"))
            })?,
            name,
            password_hash: r.try_get(10).map_err(db)?,
            created_at: r.try_get(11).map_err(db)?,
        };
        Ok(Some((t, u)))
    }

    fn tokens(&mut self, user_id: i64) -> Result<Vec<TokenRecord>> {
        self.client
            .query(
                &format!("{TOKEN_COLS} WHERE user_id = $1 ORDER BY id"),
                &[&user_id],
            )
            .map_err(db)?
            .iter()
            .map(to_token)
            .collect()
    }

    fn revoke_token(&mut self, hash: &str) -> Result<bool> {
        let now = crate::now();
        let n = self
            .client
            .execute(
                "UPDATE accord_tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL",
                &[&hash, &now],
            )
            .map_err(db)?;
        Ok(n > 0)
    }

    fn add_proposals(&mut self, proposals: &[NewProposal]) -> Result<Vec<AddedProposal>> {
        let now = crate::now();
        let rows = proposal_rows(proposals)?;
        let client = &mut self.client;
        retry(|| {
            let mut tx = client.transaction()?;
            let out = insert_proposals(&mut tx, &rows, &now)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn list_proposals(&mut self, status: Option<ProposalStatus>) -> Result<Vec<ProposalRecord>> {
        self.client
            .query(
                &format!("{PROPOSAL_COLS} WHERE $1::TEXT IS NULL OR status = $1::TEXT ORDER BY id"),
                &[&status.map(|s| s.as_str())],
            )
            .map_err(db)?
            .iter()
            .map(to_proposal)
            .collect()
    }

    fn get_proposal(&mut self, id: i64) -> Result<Option<ProposalRecord>> {
        self.client
            .query_opt(&format!("{PROPOSAL_COLS} WHERE id = $1"), &[&id])
            .map_err(db)?
            .as_ref()
            .map(to_proposal)
            .transpose()
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
            let client = &mut self.client;
            let r = retry(|| {
                let now = crate::now();
                let mut tx = client.transaction()?;
                let generation: i64 = tx
                    .query_one(
                        "SELECT value FROM accord_meta WHERE key = 'generation' FOR SHARE",
                        &[],
                    )?
                    .get::<_, String>(0)
                    .parse()
                    .unwrap_or(0);
                if generation != based_on {
                    return Err(Attempt::Fail(StoreError::Stale));
                }
                let n = tx.execute(
                    "UPDATE accord_proposals SET status = 'accepted', reviewer = $2, reviewed_at = $3,
                         claim_id = $4, edits = $5
                     WHERE id = $1 AND status = 'proposed'",
                    &[&id, &reviewer, &now, &claim.id, &edits_json],
                )?;
                if n == 0 {
                    return Err(Attempt::Fail(already_reviewed(&p)));
                }
                let mut seq = 0;
                for c in &rows {
                    let r = tx.query_opt(
                        "INSERT INTO accord_claims (id, about, asserts, valid_start, valid_end, known, corrects, body, recorded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT (id) DO NOTHING RETURNING seq",
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
                        Some(r) => seq = r.try_get(0)?,
                        None => {
                            return Err(Attempt::Fail(StoreError::Conflict(format!(
                                "a claim with id `{}` is already in the store; give the accepted claim another id",
                                c.id
                            ))));
                        }
                    }
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
        let n = self
            .client
            .execute(
                "UPDATE accord_proposals SET status = 'rejected', reviewer = $2, reviewed_at = $3, reason = $4
                 WHERE id = $1 AND status = 'proposed'",
                &[&id, &reviewer, &now, &reason],
            )
            .map_err(db)?;
        if n == 0 {
            let p = self.get_proposal(id)?.unwrap_or(p);
            return Err(already_reviewed(&p));
        }
        Ok(())
    }

    fn ingest(&mut self, run: &Ingest) -> Result<Ingested> {
        let rows = proposal_rows(&run.proposals)?;
        let client = &mut self.client;
        retry(|| {
            let now = crate::now();
            let mut tx = client.transaction()?;
            let mut out = Ingested::default();
            for a in &run.articles {
                out.articles.push(upsert_article(&mut tx, a, &now)?);
            }
            for e in &run.feed_entries {
                let n = tx.execute(
                    "INSERT INTO accord_feed_entries (feed_url, entry_key, content_key, first_seen)
                     VALUES ($1, $2, $3, $4) ON CONFLICT (feed_url, entry_key) DO NOTHING",
                    &[&e.feed_url, &e.entry_key, &e.content_key, &now],
                )?;
                out.feed_entries.push(n > 0);
            }
            out.proposals = insert_proposals(&mut tx, &rows, &now)?;
            tx.commit()?;
            Ok(out)
        })
    }

    fn article(&mut self, content_key: &str) -> Result<Option<ArticleRecord>> {
        self.client
            .query_opt(
                "SELECT content_key, text, title, author, publisher, published, url, other_urls, first_ingested
                 FROM accord_articles WHERE content_key = $1",
                &[&content_key],
            )
            .map_err(db)?
            .as_ref()
            .map(to_article)
            .transpose()
    }

    fn feed_entries(&mut self, feed_url: &str) -> Result<Vec<FeedEntryRecord>> {
        self.client
            .query(
                "SELECT feed_url, entry_key, content_key, first_seen FROM accord_feed_entries
                 WHERE feed_url = $1 ORDER BY seq",
                &[&feed_url],
            )
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(FeedEntryRecord {
                    feed_url: r.try_get(0).map_err(db)?,
                    entry_key: r.try_get(1).map_err(db)?,
                    content_key: r.try_get(2).map_err(db)?,
                    first_seen: r.try_get(3).map_err(db)?,
                })
            })
            .collect()
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
    tx: &mut postgres::Transaction<'_>,
    rows: &[ProposalInsert],
    now: &str,
) -> std::result::Result<Vec<AddedProposal>, Attempt> {
    let mut out = Vec::new();
    for (key, draft, prov) in rows {
        let r = tx.query_opt(
            "INSERT INTO accord_proposals (dedup_key, draft, provenance, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
            &[key, draft, prov, &now],
        )?;
        match r {
            Some(r) => out.push(AddedProposal {
                id: r.try_get(0)?,
                new: true,
            }),
            None => {
                let r = tx.query_one(
                    "SELECT id FROM accord_proposals WHERE dedup_key = $1",
                    &[key],
                )?;
                out.push(AddedProposal {
                    id: r.try_get(0)?,
                    new: false,
                });
            }
        }
    }
    Ok(out)
}

/// Stores an article, or adds the addresses a stored one did not have (the row locked).
fn upsert_article(
    tx: &mut postgres::Transaction<'_>,
    a: &NewArticle,
    now: &str,
) -> std::result::Result<ArticleOutcome, Attempt> {
    let (url, others, added) = articles::merge_urls(None, &[], &a.urls);
    let inserted = tx.query_opt(
        "INSERT INTO accord_articles (content_key, text, title, author, publisher, published, url, other_urls, first_ingested)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (content_key) DO NOTHING RETURNING content_key",
        &[
            &a.content_key,
            &a.text,
            &a.title,
            &a.author,
            &a.publisher,
            &a.published.map(|d| d.to_string()),
            &url,
            &articles::urls_to_json(&others)?,
            &now,
        ],
    )?;
    if inserted.is_some() {
        return Ok(ArticleOutcome {
            content_key: a.content_key.clone(),
            new: true,
            urls_added: added,
        });
    }
    let r = tx.query_one(
        "SELECT url, other_urls FROM accord_articles WHERE content_key = $1 FOR UPDATE",
        &[&a.content_key],
    )?;
    let url: Option<String> = r.try_get(0)?;
    let others: String = r.try_get(1)?;
    let others = articles::urls_from_json(&a.content_key, &others)?;
    let (url, others, added) = articles::merge_urls(url.as_deref(), &others, &a.urls);
    if !added.is_empty() {
        tx.execute(
            "UPDATE accord_articles SET url = $2, other_urls = $3 WHERE content_key = $1",
            &[&a.content_key, &url, &articles::urls_to_json(&others)?],
        )?;
    }
    Ok(ArticleOutcome {
        content_key: a.content_key.clone(),
        new: false,
        urls_added: added,
    })
}

fn to_article(r: &postgres::Row) -> Result<ArticleRecord> {
    crate::sqlite::to_article((
        r.try_get(0).map_err(db)?,
        r.try_get(1).map_err(db)?,
        r.try_get(2).map_err(db)?,
        r.try_get(3).map_err(db)?,
        r.try_get(4).map_err(db)?,
        r.try_get(5).map_err(db)?,
        r.try_get(6).map_err(db)?,
        r.try_get(7).map_err(db)?,
        r.try_get(8).map_err(db)?,
    ))
}

const USER_COLS: &str = "SELECT id, name, role, password_hash, created_at FROM accord_users";
const TOKEN_COLS: &str = "SELECT id, user_id, kind, label, created_at, expires_at, revoked_at IS NOT NULL FROM accord_tokens";
const PROPOSAL_COLS: &str = "SELECT id, dedup_key, status, draft, provenance, created_at, reviewer, reviewed_at, reason, claim_id, edits FROM accord_proposals";

fn to_user(r: &postgres::Row) -> Result<User> {
    let name: String = r.try_get(1).map_err(db)?;
    let role: String = r.try_get(2).map_err(db)?;
    Ok(User {
        id: r.try_get(0).map_err(db)?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Data(format!("user `{name}` has unknown role `{role}`")))?,
        name,
        password_hash: r.try_get(3).map_err(db)?,
        created_at: r.try_get(4).map_err(db)?,
    })
}

fn to_token(r: &postgres::Row) -> Result<TokenRecord> {
    let id: i64 = r.try_get(0).map_err(db)?;
    let kind: String = r.try_get(2).map_err(db)?;
    Ok(TokenRecord {
        id,
        user_id: r.try_get(1).map_err(db)?,
        kind: TokenKind::parse(&kind)
            .ok_or_else(|| StoreError::Data(format!("token {id} has unknown kind `{kind}`")))?,
        label: r.try_get(3).map_err(db)?,
        created_at: r.try_get(4).map_err(db)?,
        expires_at: r.try_get(5).map_err(db)?,
        revoked: r.try_get(6).map_err(db)?,
    })
}

fn to_proposal(r: &postgres::Row) -> Result<ProposalRecord> {
    crate::sqlite::to_proposal((
        r.try_get(0).map_err(db)?,
        r.try_get(1).map_err(db)?,
        r.try_get(2).map_err(db)?,
        r.try_get(3).map_err(db)?,
        r.try_get(4).map_err(db)?,
        r.try_get(5).map_err(db)?,
        r.try_get(6).map_err(db)?,
        r.try_get(7).map_err(db)?,
        r.try_get(8).map_err(db)?,
        r.try_get(9).map_err(db)?,
        r.try_get(10).map_err(db)?,
    ))
}
