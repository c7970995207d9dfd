//! accord's store: a living database of definitions and claims.
//!
//! One interface, [`Store`], with two backends: embedded SQLite (the default, one file, nothing
//! to install) and PostgreSQL (a team server). [`open`] picks the backend from what it is
//! given: `postgres://…` or `postgresql://…` is a PostgreSQL connection string, anything else
//! is the path of a SQLite file.
//!
//! What the store keeps:
//! - **definitions** (the dataset settings, parties, sources, instruments, tracks, packages,
//!   links, pledges), one row per entity holding its canonical JSON and a version number;
//!   every edit moves the previous version to a history table, and an edit names the version
//!   it was made against, so a stale edit is refused instead of overwriting someone's work;
//! - **claims**, append-only (the database refuses updates and deletes): a correction is a new
//!   claim that `retracts` or `supersedes` an earlier one;
//! - the **review queue** of proposed claims, and the **articles** and **feed entries** they
//!   were extracted from ([`articles`]), so that ingesting again adds nothing twice.
//!
//! Every write is validated first with `accord-dataset`'s validator on the store's content
//! plus the new content, and is all or nothing: one transaction, or no change at all. A write
//! is acknowledged (the function returns `Ok`) only after its transaction has committed.
//! New claims first go through a fast check of the same rules on the values themselves
//! ([`quick`]); the validator runs whenever that check is not certain.
//!
//! **Architecture Invariant:** the store never rewrites a claim; schema migrations are only
//! ever appended ([`sqlite::MIGRATIONS`], [`pg::MIGRATIONS`]).

pub mod articles;
pub mod export;
pub mod files;
pub mod ops;
pub mod pg;
pub mod quick;
pub mod review;
pub mod sqlite;
pub mod wto;

use std::fmt;

use accord_model::{
    Claim, Dataset, DatasetMeta, Instrument, Link, Package, Party, Pledge, Source, Track,
};

pub use articles::{
    ArticleOutcome, ArticleRecord, FeedEntryRecord, Ingest, Ingested, NewArticle, NewFeedEntry,
};
pub use ops::{
    EditOutcome, ImportOutcome, Problems, add_claims, edit_definition, import_dataset,
    import_dataset_with, import_files, load_dataset,
};
pub use review::{
    Accepted, AddedProposal, ClaimDraft, NewProposal, ProposalRecord, ProposalStatus, Role,
    TokenKind, TokenRecord, User,
};

/// The id under which the dataset settings (`accord.toml`) are kept as a definition. It is
/// not a valid item id, so it can never clash with one.
pub const DATASET_ID: &str = "@dataset";

/// The kinds of definition the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DefKind {
    Dataset,
    Party,
    Source,
    Instrument,
    Track,
    Package,
    Link,
    Pledge,
}

impl DefKind {
    pub const ALL: [DefKind; 8] = [
        DefKind::Dataset,
        DefKind::Party,
        DefKind::Source,
        DefKind::Instrument,
        DefKind::Track,
        DefKind::Package,
        DefKind::Link,
        DefKind::Pledge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DefKind::Dataset => "dataset",
            DefKind::Party => "party",
            DefKind::Source => "source",
            DefKind::Instrument => "instrument",
            DefKind::Track => "track",
            DefKind::Package => "package",
            DefKind::Link => "link",
            DefKind::Pledge => "pledge",
        }
    }

    pub fn parse(s: &str) -> Option<DefKind> {
        DefKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for DefKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored version of a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefRecord {
    pub kind: DefKind,
    pub id: String,
    /// 1 for the first version, one more for each edit.
    pub version: i64,
    /// Canonical JSON of the entity (the model type's serde form).
    pub body: String,
    /// When this version was written (UTC, RFC 3339).
    pub updated_at: String,
}

/// A stored claim with its place in the append order.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRecord {
    pub seq: i64,
    pub claim: Claim,
    pub recorded_at: String,
}

/// What a definition write expects to find, checked inside the write transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The id must not exist yet (an insert).
    Absent,
    /// The definition must be at exactly this version (an edit).
    Version(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefWrite {
    pub kind: DefKind,
    pub id: String,
    pub body: String,
    pub expect: Expect,
}

/// Everything one write changes, applied in one transaction or not at all.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// The definitions generation the batch was validated against. When definitions have
    /// changed since, the write is refused with [`StoreError::Stale`] and the caller
    /// validates again. `None` skips the check.
    pub based_on: Option<i64>,
    pub defs: Vec<DefWrite>,
    pub claims: Vec<Claim>,
}

/// What a committed batch wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// (claim id, seq) in append order.
    pub claims: Vec<(String, i64)>,
    /// (definition id, new version).
    pub defs: Vec<(String, i64)>,
    /// The definitions generation after the write.
    pub generation: i64,
}

/// A consistent read of the store.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub generation: i64,
    /// Definitions in the order they were first written.
    pub defs: Vec<DefRecord>,
    /// Claims in append order (empty when not asked for).
    pub claims: Vec<ClaimRecord>,
}

/// Which backend a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// There is no store there yet.
    NotFound(String),
    /// The file or database is not an accord store (foreign or damaged); it was not modified.
    NotAStore { location: String, why: String },
    /// The store was written by a newer accord.
    TooNew {
        location: String,
        found: i64,
        supported: i64,
    },
    /// `init` on something that already exists.
    AlreadyExists(String),
    /// A precondition failed: a stale version, an id that already exists.
    Conflict(String),
    /// Definitions changed between validation and write; validate again.
    Stale,
    /// The database failed.
    Db(String),
    /// Stored data could not be read back.
    Data(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(m) => f.write_str(m),
            StoreError::NotAStore { location, why } => write!(
                f,
                "`{location}` is not an accord store: {why}; it was left unchanged. Give the path of a store made by `accord init`, or a new path to create one"
            ),
            StoreError::TooNew {
                location,
                found,
                supported,
            } => write!(
                f,
                "the store `{location}` has schema version {found}, but this accord knows versions up to {supported}; it was written by a newer accord, so upgrade accord to use it (the store was left unchanged)"
            ),
            StoreError::AlreadyExists(m) => f.write_str(m),
            StoreError::Conflict(m) => f.write_str(m),
            StoreError::Stale => {
                f.write_str("the definitions changed while this write was being checked; try again")
            }
            StoreError::Db(m) => write!(f, "database error: {m}"),
            StoreError::Data(m) => write!(f, "stored data could not be read: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The storage interface. Both backends implement it; the behaviour suite runs on both.
pub trait Store {
    fn backend(&self) -> Backend;
    /// Where the store is, for messages (a path, or a connection string without password).
    fn location(&self) -> String;
    /// The schema version of the store (the number of migrations applied).
    fn schema_version(&mut self) -> Result<i64>;
    /// A consistent read of definitions (and claims when `with_claims`).
    fn snapshot(&mut self, with_claims: bool) -> Result<Snapshot>;
    /// The current version of one definition.
    fn definition(&mut self, id: &str) -> Result<Option<DefRecord>>;
    /// The previous versions of one definition, oldest first (the current one is not included).
    fn history(&mut self, id: &str) -> Result<Vec<DefRecord>>;
    /// One claim by id.
    fn claim(&mut self, id: &str) -> Result<Option<ClaimRecord>>;
    fn claim_count(&mut self) -> Result<i64>;
    /// Applies a batch in one transaction; returns only after it has committed.
    fn apply(&mut self, batch: &Batch) -> Result<Applied>;
    /// Appends claims (validated by the caller) in one transaction, like [`Store::apply`]
    /// with a batch of claims only, without copying them into a batch.
    fn append_claims(&mut self, based_on: Option<i64>, claims: &[Claim]) -> Result<Applied> {
        self.apply(&Batch {
            based_on,
            defs: Vec::new(),
            claims: claims.to_vec(),
        })
    }
    /// Writes definitions and claims (validated by the caller) in one transaction, for a
    /// large import: rows are serialised as they are inserted, the claims' seqs are not
    /// returned, and `progress(done, total)` is called now and then while claims are
    /// inserted. Returns the definitions generation after the write.
    fn apply_bulk(
        &mut self,
        based_on: Option<i64>,
        defs: &[DefWrite],
        claims: &[Claim],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<i64> {
        let _ = progress;
        Ok(self
            .apply(&Batch {
                based_on,
                defs: defs.to_vec(),
                claims: claims.to_vec(),
            })?
            .generation)
    }
    /// The dataset the store holds (definitions and claims), indexed; what
    /// [`load_dataset`] gives. Backends read it without intermediate copies.
    fn load(&mut self) -> Result<Dataset> {
        self.snapshot(true)?.into_dataset()
    }
    /// Checks the store: the database's own integrity check (SQLite) and that every stored
    /// row reads back. Returns the problems found; empty means healthy.
    fn check_integrity(&mut self) -> Result<Vec<String>>;

    // --- Following the store (several servers over one database). ---

    /// The definitions generation (one more for every write that changed definitions).
    fn generation(&mut self) -> Result<i64>;
    /// The claims appended with a `seq` greater than `seq`, in append order.
    fn claims_after(&mut self, seq: i64) -> Result<Vec<ClaimRecord>>;

    // --- Users, roles and tokens (schema version 2). ---

    /// Adds a user; a name already taken is a [`StoreError::Conflict`].
    fn add_user(&mut self, name: &str, role: Role, password_hash: Option<&str>) -> Result<User>;
    fn user(&mut self, name: &str) -> Result<Option<User>>;
    fn user_by_id(&mut self, id: i64) -> Result<Option<User>>;
    fn users(&mut self) -> Result<Vec<User>>;
    /// Changes a user's role and, when given, password hash; false when there is no such user.
    fn update_user(
        &mut self,
        name: &str,
        role: Option<Role>,
        password_hash: Option<&str>,
    ) -> Result<bool>;
    /// Stores the hash of a new token for `user_id`.
    fn add_token(
        &mut self,
        user_id: i64,
        kind: TokenKind,
        label: Option<&str>,
        hash: &str,
        expires_at: Option<&str>,
    ) -> Result<TokenRecord>;
    /// The token with this hash and its user (revoked and expired ones included: check
    /// [`TokenRecord::usable_at`]).
    fn token(&mut self, hash: &str) -> Result<Option<(TokenRecord, User)>>;
    fn tokens(&mut self, user_id: i64) -> Result<Vec<TokenRecord>>;
    /// Revokes a token by hash; false when there is none (or it was revoked already).
    fn revoke_token(&mut self, hash: &str) -> Result<bool>;

    // --- The review queue (schema version 2). ---

    /// Adds proposals, skipping those whose dedup key is already stored (in one transaction).
    fn add_proposals(&mut self, proposals: &[NewProposal]) -> Result<Vec<AddedProposal>>;
    /// Proposals, oldest first; only those with `status` when given.
    fn list_proposals(&mut self, status: Option<ProposalStatus>) -> Result<Vec<ProposalRecord>>;
    fn get_proposal(&mut self, id: i64) -> Result<Option<ProposalRecord>>;
    /// Accepts a proposal with the reviewer's edits: validates the claim it makes like
    /// `accord claim add`, then in one transaction appends it (with its provenance in `note`)
    /// and marks the proposal accepted. A proposal already reviewed is a conflict.
    fn accept_proposal(
        &mut self,
        id: i64,
        reviewer: &str,
        edits: &ClaimDraft,
    ) -> std::result::Result<Accepted, ops::OpError>;
    /// Rejects a proposal with a reason. A proposal already reviewed is a conflict.
    fn reject_proposal(&mut self, id: i64, reviewer: &str, reason: &str) -> Result<()>;

    // --- Ingested articles and feed entries (schema version 3). ---

    /// Writes one ingestion run in **one transaction**: new articles are stored, known ones
    /// gain the addresses they did not have, feed entries are recorded (known ones left as
    /// they are), and proposals are added to the review queue (those whose dedup key is
    /// stored are skipped). Nothing is written when any part fails.
    fn ingest(&mut self, run: &Ingest) -> Result<Ingested>;
    /// The stored article with this content key.
    fn article(&mut self, content_key: &str) -> Result<Option<ArticleRecord>>;
    /// The entries recorded for a feed, in the order they were first seen.
    fn feed_entries(&mut self, feed_url: &str) -> Result<Vec<FeedEntryRecord>>;
}

/// Whether `target` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// Opens an existing store: a PostgreSQL URL or a SQLite file path. A file that is not an
/// accord store is refused without being modified.
pub fn open(target: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(target) {
        Ok(Box::new(pg::PgStore::open(target, false)?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(
            std::path::Path::new(target),
            false,
        )?))
    }
}

/// Opens an existing store as a value that can move between threads (for the server).
pub fn open_send(target: &str) -> Result<Box<dyn Store + Send>> {
    if is_postgres_url(target) {
        Ok(Box::new(pg::PgStore::open(target, false)?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(
            std::path::Path::new(target),
            false,
        )?))
    }
}

/// Creates a new, empty store (refusing one that exists).
pub fn create(target: &str) -> Result<Box<dyn Store>> {
    if is_postgres_url(target) {
        Ok(Box::new(pg::PgStore::open(target, true)?))
    } else {
        Ok(Box::new(sqlite::SqliteStore::open(
            std::path::Path::new(target),
            true,
        )?))
    }
}

/// The current time as stored in `updated_at` / `recorded_at` (UTC, RFC 3339).
pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// Serialises a model value to its canonical JSON (struct field order, no whitespace).
pub fn canonical_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Data(e.to_string()))
}

/// A definition as a model value.
#[derive(Debug, Clone, PartialEq)]
pub enum Def {
    Dataset(DatasetMeta),
    Party(Party),
    Source(Source),
    Instrument(Instrument),
    Track(Track),
    Package(Package),
    Link(Link),
    Pledge(Pledge),
}

impl Def {
    pub fn kind(&self) -> DefKind {
        match self {
            Def::Dataset(_) => DefKind::Dataset,
            Def::Party(_) => DefKind::Party,
            Def::Source(_) => DefKind::Source,
            Def::Instrument(_) => DefKind::Instrument,
            Def::Track(_) => DefKind::Track,
            Def::Package(_) => DefKind::Package,
            Def::Link(_) => DefKind::Link,
            Def::Pledge(_) => DefKind::Pledge,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Def::Dataset(_) => DATASET_ID,
            Def::Party(x) => &x.id,
            Def::Source(x) => &x.id,
            Def::Instrument(x) => &x.id,
            Def::Track(x) => &x.id,
            Def::Package(x) => &x.id,
            Def::Link(x) => &x.id,
            Def::Pledge(x) => &x.id,
        }
    }

    pub fn to_json(&self) -> Result<String> {
        match self {
            Def::Dataset(x) => canonical_json(x),
            Def::Party(x) => canonical_json(x),
            Def::Source(x) => canonical_json(x),
            Def::Instrument(x) => canonical_json(x),
            Def::Track(x) => canonical_json(x),
            Def::Package(x) => canonical_json(x),
            Def::Link(x) => canonical_json(x),
            Def::Pledge(x) => canonical_json(x),
        }
    }

    /// Reads a definition of the given kind from JSON.
    pub fn from_json(kind: DefKind, body: &str) -> std::result::Result<Def, String> {
        fn de<T: serde::de::DeserializeOwned>(s: &str) -> std::result::Result<T, String> {
            serde_json::from_str(s).map_err(|e| e.to_string())
        }
        Ok(match kind {
            DefKind::Dataset => Def::Dataset(de(body)?),
            DefKind::Party => Def::Party(de(body)?),
            DefKind::Source => Def::Source(de(body)?),
            DefKind::Instrument => Def::Instrument(de(body)?),
            DefKind::Track => Def::Track(de(body)?),
            DefKind::Package => Def::Package(de(body)?),
            DefKind::Link => Def::Link(de(body)?),
            DefKind::Pledge => Def::Pledge(de(body)?),
        })
    }

    /// Every definition of a dataset, settings first, then by kind in dataset order.
    pub fn all_of(ds: &Dataset) -> Vec<Def> {
        let mut v = vec![Def::Dataset(ds.meta.clone())];
        v.extend(ds.parties.iter().cloned().map(Def::Party));
        v.extend(ds.sources.iter().cloned().map(Def::Source));
        v.extend(ds.instruments.iter().cloned().map(Def::Instrument));
        v.extend(ds.tracks.iter().cloned().map(Def::Track));
        v.extend(ds.packages.iter().cloned().map(Def::Package));
        v.extend(ds.links.iter().cloned().map(Def::Link));
        v.extend(ds.pledges.iter().cloned().map(Def::Pledge));
        v
    }

    /// Adds this definition to a dataset.
    pub fn put_into(self, ds: &mut Dataset) {
        match self {
            Def::Dataset(x) => ds.meta = x,
            Def::Party(x) => ds.parties.push(x),
            Def::Source(x) => ds.sources.push(x),
            Def::Instrument(x) => ds.instruments.push(x),
            Def::Track(x) => ds.tracks.push(x),
            Def::Package(x) => ds.packages.push(x),
            Def::Link(x) => ds.links.push(x),
            Def::Pledge(x) => ds.pledges.push(x),
        }
    }
}

impl Snapshot {
    /// Whether the store holds dataset settings (`accord.toml`) yet.
    pub fn has_meta(&self) -> bool {
        self.defs.iter().any(|d| d.kind == DefKind::Dataset)
    }

    /// Builds the model dataset (indexed) from the snapshot, moving the claims out of it.
    pub fn into_dataset(self) -> Result<Dataset> {
        let mut ds = defs_dataset(&self.defs)?;
        ds.claims = self.claims.into_iter().map(|c| c.claim).collect();
        ds.reindex();
        Ok(ds)
    }

    /// Builds the model dataset (indexed) from the snapshot.
    pub fn to_dataset(&self) -> Result<Dataset> {
        let mut ds = Dataset::default();
        for r in &self.defs {
            let def = Def::from_json(r.kind, &r.body).map_err(|e| {
                StoreError::Data(format!("{} `{}` version {}: {e}", r.kind, r.id, r.version))
            })?;
            def.put_into(&mut ds);
        }
        ds.claims = self.claims.iter().map(|c| c.claim.clone()).collect();
        ds.reindex();
        Ok(ds)
    }
}

/// The definitions of `defs` as a dataset (not indexed).
pub(crate) fn defs_dataset(defs: &[DefRecord]) -> Result<Dataset> {
    let mut ds = Dataset::default();
    for r in defs {
        let def = Def::from_json(r.kind, &r.body).map_err(|e| {
            StoreError::Data(format!("{} `{}` version {}: {e}", r.kind, r.id, r.version))
        })?;
        def.put_into(&mut ds);
    }
    Ok(ds)
}

/// Where a PostgreSQL URL points, without its password, for messages.
pub fn redact(target: &str) -> String {
    if !is_postgres_url(target) {
        return target.to_string();
    }
    // scheme://user:password@host…  →  scheme://user@host…
    let Some((scheme, rest)) = target.split_once("://") else {
        return target.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => target.to_string(),
    }
}
