//! What the commands do with a store, backend-independent: load the dataset, import files
//! (validated together with the store's content, all or nothing), append claims, edit a
//! definition against a version.

use std::collections::{BTreeMap, BTreeSet};

use accord_dataset::{Loaded, SourceFile};
use accord_model::{Claim, Dataset, DatasetMeta};

use crate::files::{claims_file, definition_files, meta_file};
use crate::{
    Applied, Batch, DATASET_ID, Def, DefKind, DefWrite, Expect, Snapshot, Store, StoreError,
};

/// How often a write is validated again when definitions changed under it.
const STALE_RETRIES: usize = 20;

/// Problems found by validation: nothing was written.
#[derive(Debug, Clone)]
pub struct Problems {
    /// Every diagnostic rendered for a terminal (errors and warnings).
    pub rendered: String,
    pub errors: usize,
    pub warnings: usize,
    /// The diagnostics in the JSON form of `accord check --error-format json`.
    pub json: Vec<serde_json::Value>,
}

/// Why an operation wrote nothing.
#[derive(Debug, Clone)]
pub enum OpError {
    Store(StoreError),
    Invalid(Problems),
    Input(String),
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpError::Store(e) => write!(f, "{e}"),
            OpError::Invalid(p) => write!(
                f,
                "{}{} error(s), {} warning(s); nothing was written",
                p.rendered, p.errors, p.warnings
            ),
            OpError::Input(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OpError {}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        OpError::Store(e)
    }
}

/// The dataset a store holds, indexed, exactly as `accord-dataset` would load it from the
/// exported directory.
pub fn load_dataset(store: &mut dyn Store) -> crate::Result<Dataset> {
    store.load()
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// New definitions by kind.
    pub defs: BTreeMap<String, usize>,
    pub claims: usize,
    /// Whether the dataset settings were written or changed.
    pub settings: bool,
    pub warnings: usize,
    /// Rendered warnings (the import went ahead).
    pub rendered_warnings: String,
}

impl ImportOutcome {
    pub fn total(&self) -> usize {
        self.defs.values().sum::<usize>() + self.claims
    }
}

fn problems(loaded: &Loaded) -> Problems {
    Problems {
        rendered: loaded.render_diagnostics(),
        errors: loaded.error_count(),
        warnings: loaded.warning_count(),
        json: loaded.diagnostics_json(),
    }
}

/// Renames the files of `loaded` (and its diagnostics) so that messages name real paths.
fn relabel(loaded: &mut Loaded, rename: &dyn Fn(&str) -> Option<String>) {
    for f in &mut loaded.files {
        if let Some(n) = rename(&f.path) {
            f.path = n;
        }
    }
    for d in &mut loaded.diagnostics {
        if let Some(n) = rename(&d.file) {
            d.file = n;
        }
    }
}

#[derive(serde::Deserialize)]
struct MetaToml {
    dataset: DatasetMeta,
}

/// Imports dataset files (paths relative to the dataset, as `accord_dataset::read_dir_files`
/// gives them). The files are validated together with everything already in the store; any
/// error and nothing is written. New definitions are inserted, new claims appended; ids already
/// in the store are errors (edit definitions with [`edit_definition`]). When the store has no
/// settings yet, the files' `accord.toml` becomes them; otherwise its extra synonyms are added.
///
/// `label` (a directory or file name) is put before file names in messages.
pub fn import_files(
    store: &mut dyn Store,
    files: Vec<SourceFile>,
    label: &str,
) -> Result<ImportOutcome, OpError> {
    for _ in 0..STALE_RETRIES {
        let p = prepare_import(store, &files, label)?;
        if p.loaded.has_errors() {
            return Err(OpError::Invalid(problems(&p.loaded)));
        }
        if p.batch.defs.is_empty() && p.batch.claims.is_empty() {
            return Ok(p.outcome);
        }
        match store.apply(&p.batch) {
            Ok(_) => return Ok(p.outcome),
            Err(StoreError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Stale.into())
}

/// An import validated but not yet written.
pub struct Prepared {
    /// The store's content plus the new files, validated; new files are named `{label}/{path}`.
    pub loaded: Loaded,
    /// What to write (meaningful only when `loaded` has no errors).
    pub batch: Batch,
    pub outcome: ImportOutcome,
}

/// Validates `files` together with the store's content and works out the batch that would
/// import them. Does not write. Problems are in `loaded.diagnostics`.
pub fn prepare_import(
    store: &mut dyn Store,
    files: &[SourceFile],
    label: &str,
) -> Result<Prepared, OpError> {
    let snap = store.snapshot(true)?;
    let store_ds = snap.to_dataset()?;
    let new_meta_file = files.iter().find(|f| f.path == "accord.toml");
    let mut vfiles: Vec<SourceFile> = Vec::new();
    let mut meta_write: Option<(DatasetMeta, Expect)> = None;
    let had_meta = snap.has_meta();
    match (had_meta, new_meta_file) {
        (true, Some(nf)) => {
            let parsed: MetaToml = toml::from_str(&nf.text).map_err(|e| {
                OpError::Input(format!(
                    "could not read `{label}/accord.toml`: {}",
                    e.message()
                ))
            })?;
            let mut merged = store_ds.meta.clone();
            for (k, v) in &parsed.dataset.synonyms {
                merged.synonyms.entry(k.clone()).or_insert(*v);
            }
            if merged != store_ds.meta {
                let version = snap
                    .defs
                    .iter()
                    .find(|d| d.kind == DefKind::Dataset)
                    .map(|d| d.version)
                    .unwrap_or(1);
                meta_write = Some((merged.clone(), Expect::Version(version)));
            }
            vfiles.push(meta_file(&merged)?);
        }
        (true, None) => vfiles.push(meta_file(&store_ds.meta)?),
        // Validated as written, so that problems in it point at the user's file.
        (false, Some(nf)) => vfiles.push(nf.clone()),
        (false, None) => vfiles.push(meta_file(&DatasetMeta::default())?),
    }
    vfiles.extend(crate::files::definition_files_chunked(
        &store_ds,
        "(store)/",
        crate::files::ENTRIES_PER_FILE,
    )?);
    vfiles.extend(claims_file("(store)/claims.jsonl", &store_ds.claims)?);
    let new_paths: BTreeSet<String> = files
        .iter()
        .filter(|f| f.path != "accord.toml")
        .map(|f| f.path.clone())
        .collect();
    vfiles.extend(files.iter().filter(|f| f.path != "accord.toml").cloned());
    let mut loaded = accord_dataset::load_files(vfiles);
    let user_meta = !had_meta && new_meta_file.is_some();
    relabel(&mut loaded, &|p| {
        (new_paths.contains(p) || (p == "accord.toml" && user_meta)).then(|| format!("{label}/{p}"))
    });
    let old_ids: BTreeSet<&str> = snap.defs.iter().map(|d| d.id.as_str()).collect();
    let old_claims: BTreeSet<&str> = store_ds.claims.iter().map(|c| c.id.as_str()).collect();
    let mut outcome = ImportOutcome {
        warnings: loaded.warning_count(),
        rendered_warnings: if loaded.warning_count() > 0 {
            loaded.render_diagnostics()
        } else {
            String::new()
        },
        ..Default::default()
    };
    let mut batch = Batch {
        based_on: Some(snap.generation),
        ..Default::default()
    };
    if user_meta {
        meta_write = Some((loaded.dataset.meta.clone(), Expect::Absent));
    }
    if let Some((m, expect)) = meta_write {
        outcome.settings = true;
        batch.defs.push(DefWrite {
            kind: DefKind::Dataset,
            id: DATASET_ID.into(),
            body: crate::canonical_json(&m)?,
            expect,
        });
    }
    for def in Def::all_of(&loaded.dataset).into_iter().skip(1) {
        if old_ids.contains(def.id()) {
            continue;
        }
        *outcome
            .defs
            .entry(def.kind().as_str().to_string())
            .or_default() += 1;
        batch.defs.push(DefWrite {
            kind: def.kind(),
            id: def.id().to_string(),
            body: def.to_json()?,
            expect: Expect::Absent,
        });
    }
    batch.claims = loaded
        .dataset
        .claims
        .iter()
        .filter(|c| !old_claims.contains(c.id.as_str()))
        .cloned()
        .collect();
    outcome.claims = batch.claims.len();
    Ok(Prepared {
        loaded,
        batch,
        outcome,
    })
}

/// Imports a whole dataset (e.g. a bundled one, or one read from canonical JSON). See
/// [`import_dataset_with`].
pub fn import_dataset(
    store: &mut dyn Store,
    ds: &Dataset,
    label: &str,
) -> Result<ImportOutcome, OpError> {
    import_dataset_with(store, ds, label, &mut |_, _, _| {})
}

/// [`import_dataset`], reporting progress: `progress(phase, done, total)` is called when a
/// phase starts and ends, and now and then in between (for claims, every 65,536 or so).
///
/// When the store holds no claims yet (a new store, or one with definitions only), the lean
/// path is taken: the definitions (the store's and the new ones) go through
/// `accord-dataset`'s validator as files, once; the claims are checked as values against
/// the validated definitions by the fast check ([`crate::quick::ClaimIndex`]), never written
/// out as text; everything is written in one transaction, rows serialised as they are
/// inserted. If either check finds anything, the import goes the full way
/// ([`import_files`]), which reports every problem with file, line and column exactly as
/// before. A store that holds claims already always goes the full way.
pub fn import_dataset_with(
    store: &mut dyn Store,
    ds: &Dataset,
    label: &str,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<ImportOutcome, OpError> {
    const DEFS: &str = "checking definitions";
    const CLAIMS: &str = "checking claims";
    const WRITE: &str = "writing";
    let full = |store: &mut dyn Store, progress: &mut dyn FnMut(&str, u64, u64)| {
        progress("checking everything (full validator)", 0, 1);
        let mut files = vec![meta_file(&ds.meta)?];
        files.extend(crate::files::definition_files_chunked(
            ds,
            "",
            crate::files::ENTRIES_PER_FILE,
        )?);
        files.extend(claims_file("claims/claims.jsonl", &ds.claims)?);
        let r = import_files(store, files, label);
        progress("checking everything (full validator)", 1, 1);
        r
    };
    if store.claim_count()? > 0 {
        return full(store, progress);
    }
    for _ in 0..STALE_RETRIES {
        progress(DEFS, 0, 1);
        let mut files = vec![meta_file(&ds.meta)?];
        files.extend(crate::files::definition_files_chunked(
            ds,
            "",
            crate::files::ENTRIES_PER_FILE,
        )?);
        let p = prepare_import(store, &files, label)?;
        drop(files);
        progress(DEFS, 1, 1);
        if p.loaded.has_errors() {
            return full(store, progress);
        }
        let Prepared {
            loaded,
            batch,
            mut outcome,
        } = p;
        let generation = batch.based_on;
        let mut index = crate::quick::ClaimIndex::new(loaded.dataset);
        let total = ds.claims.len() as u64;
        progress(CLAIMS, 0, total);
        let sure = index.accepts_with_progress(
            &ds.claims,
            // The store holds no claims: a correction must name one of the import's.
            &mut |_| Ok(None),
            &mut |done| progress(CLAIMS, done, total),
        )?;
        drop(index);
        progress(CLAIMS, total, total);
        if !sure {
            return full(store, progress);
        }
        if batch.defs.is_empty() && ds.claims.is_empty() {
            return Ok(outcome);
        }
        progress(WRITE, 0, total);
        match store.apply_bulk(generation, &batch.defs, &ds.claims, &mut |done, total| {
            progress(WRITE, done, total)
        }) {
            Ok(_) => {
                progress(WRITE, total, total);
                outcome.claims = ds.claims.len();
                return Ok(outcome);
            }
            Err(StoreError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Stale.into())
}

/// Appends claims, validating each batch against the store's definitions (and the claims it
/// corrects). Keeps the definitions it validated against, indexed, so that a stream of claims
/// is checked cheaply; a change of definitions under it is noticed and the check redone.
///
/// Each batch goes first through the fast check ([`crate::quick::ClaimIndex`]), which reads
/// the `Claim` values against the index and covers every rule the validator applies to a
/// claim. Only when it is not certain (it found something) does the batch go through
/// `accord-dataset`'s validator, which then gives the usual diagnostics: that check feeds the
/// validator only the definitions the new claims name (their item, with its whole instrument
/// for a commitment; their source; their speaker, side and `by` parties; anything already
/// holding one of their ids) and the claims they correct, and counts only the problems it
/// finds in the new claims. The store's content is valid already, so this finds exactly what
/// validating the whole store plus the claims would, at a cost that does not grow with the
/// store.
#[derive(Default)]
pub struct ClaimWriter {
    base: Option<(i64, crate::quick::ClaimIndex)>,
    /// How many batches the fast check accepted, and how many went to the full validator.
    pub fast_accepted: u64,
    pub full_checked: u64,
}

impl ClaimWriter {
    pub fn new() -> Self {
        ClaimWriter::default()
    }

    fn refresh(&mut self, store: &mut dyn Store) -> Result<(), OpError> {
        let snap = store.snapshot(false)?;
        let generation = snap.generation;
        let ds = snap.into_dataset()?;
        self.base = Some((generation, crate::quick::ClaimIndex::new(ds)));
        Ok(())
    }

    /// The part of `ds` that `claims` name.
    fn relevant(ds: &Dataset, claims: &[Claim]) -> Dataset {
        use accord_model::Entry;
        let mut out = Dataset::default();
        out.meta = ds.meta.clone();
        let mut seen = std::collections::HashSet::new();
        for c in claims {
            let ids = [Some(&c.id), Some(&c.about), Some(&c.source)]
                .into_iter()
                .chain([c.speaker.as_ref(), c.side.as_ref(), c.by.as_ref()])
                .flatten();
            for id in ids {
                let Some(e) = ds.lookup(id) else { continue };
                let e = match e {
                    Entry::Commitment(i, _) => Entry::Instrument(i),
                    e => e,
                };
                if !seen.insert(e) {
                    continue;
                }
                match e {
                    Entry::Party(i) => out.parties.extend(ds.parties.get(i).cloned()),
                    Entry::Source(i) => out.sources.extend(ds.sources.get(i).cloned()),
                    Entry::Instrument(i) => out.instruments.extend(ds.instruments.get(i).cloned()),
                    Entry::Track(i) => out.tracks.extend(ds.tracks.get(i).cloned()),
                    Entry::Package(i) => out.packages.extend(ds.packages.get(i).cloned()),
                    Entry::Pledge(i) => out.pledges.extend(ds.pledges.get(i).cloned()),
                    Entry::Link(i) => out.links.extend(ds.links.get(i).cloned()),
                    Entry::Commitment(..) | Entry::Claim(_) => {}
                }
            }
        }
        out
    }

    /// Validates `claims` against the store's definitions (and the claims they correct)
    /// without writing; returns the definitions generation they were checked against, for a
    /// write's `based_on`. `label` names the input in messages.
    pub fn check(
        &mut self,
        store: &mut dyn Store,
        claims: &[Claim],
        label: &str,
    ) -> Result<i64, OpError> {
        if self.base.is_none() {
            self.refresh(store)?;
        }
        let Some((generation, index)) = &mut self.base else {
            return Err(StoreError::Stale.into());
        };
        let generation = *generation;
        let sure = index.accepts(claims, &mut |id| {
            Ok(store.claim(id)?.map(|r| r.claim.about))
        })?;
        if sure {
            self.fast_accepted += 1;
            return Ok(generation);
        }
        self.full_checked += 1;
        self.check_full(store, claims, label)
    }

    /// [`ClaimWriter::check`] through `accord-dataset`'s validator only (no fast check): the
    /// reference the fast check is tested against, and what gives the diagnostics.
    pub fn check_full(
        &mut self,
        store: &mut dyn Store,
        claims: &[Claim],
        label: &str,
    ) -> Result<i64, OpError> {
        if self.base.is_none() {
            self.refresh(store)?;
        }
        let Some((generation, index)) = &self.base else {
            return Err(StoreError::Stale.into());
        };
        let generation = *generation;
        let part = Self::relevant(index.dataset(), claims);
        let mut vfiles = vec![meta_file(&part.meta)?];
        vfiles.extend(definition_files(&part, "(store)/")?);
        // The claims these corrections name, so the validator can check them.
        let batch_ids: BTreeSet<&str> = claims.iter().map(|c| c.id.as_str()).collect();
        let mut referenced = Vec::new();
        let mut seen = BTreeSet::new();
        for c in claims {
            for t in [&c.retracts, &c.supersedes].into_iter().flatten() {
                if batch_ids.contains(t.as_str()) || !seen.insert(t.clone()) {
                    continue;
                }
                if let Some(r) = store.claim(t)? {
                    referenced.push(r.claim);
                }
            }
        }
        vfiles.extend(claims_file("(store)/claims.jsonl", &referenced)?);
        let path = if label.ends_with(".jsonl") {
            label.to_string()
        } else {
            format!("{label}.jsonl")
        };
        vfiles.extend(claims_file(&path, claims)?);
        let mut loaded = accord_dataset::load_files(vfiles);
        // Only the new claims' problems count (the store's part was valid, and is partial).
        loaded.diagnostics.retain(|d| d.file == path);
        if loaded.has_errors() {
            return Err(OpError::Invalid(problems(&loaded)));
        }
        Ok(generation)
    }

    /// Forgets the definitions it validated against (they changed).
    pub fn forget(&mut self) {
        self.base = None;
    }

    /// Validates and appends `claims` in one transaction. `label` names the input in messages.
    pub fn add(
        &mut self,
        store: &mut dyn Store,
        claims: &[Claim],
        label: &str,
    ) -> Result<Applied, OpError> {
        for _ in 0..STALE_RETRIES {
            let generation = self.check(store, claims, label)?;
            match store.append_claims(Some(generation), claims) {
                Ok(a) => return Ok(a),
                Err(StoreError::Stale) => self.base = None,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Stale.into())
    }
}

/// Appends claims (validated, in one transaction).
pub fn add_claims(
    store: &mut dyn Store,
    claims: &[Claim],
    label: &str,
) -> Result<Applied, OpError> {
    ClaimWriter::new().add(store, claims, label)
}

/// What an edit wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditOutcome {
    pub id: String,
    pub kind: DefKind,
    pub old_version: i64,
    pub new_version: i64,
    /// False when the new body equals the current one (nothing written).
    pub changed: bool,
}

/// Replaces definition `id` with `new`, provided it is still at `expect_version`. The whole
/// dataset with the change is validated first. A stale version is refused with a message that
/// says what to do; nothing is ever overwritten silently.
pub fn edit_definition(
    store: &mut dyn Store,
    id: &str,
    new: Def,
    expect_version: i64,
) -> Result<EditOutcome, OpError> {
    if new.id() != id {
        return Err(OpError::Input(format!(
            "the new definition has id `{}`, but you are editing `{id}`; ids never change (add a new definition instead)",
            new.id()
        )));
    }
    for _ in 0..STALE_RETRIES {
        let snap: Snapshot = store.snapshot(true)?;
        let Some(cur) = snap.defs.iter().find(|d| d.id == id) else {
            return Err(OpError::Input(format!(
                "there is no definition `{id}` in the store; add it with `accord import FILE`"
            )));
        };
        if cur.kind != new.kind() {
            return Err(OpError::Input(format!(
                "`{id}` is a {}, and the new definition is a {}; the kind of a definition never changes",
                cur.kind,
                new.kind()
            )));
        }
        if cur.version != expect_version {
            return Err(
                StoreError::Conflict(stale_message(id, expect_version, cur.version)).into(),
            );
        }
        let body = new.to_json()?;
        if body == cur.body {
            return Ok(EditOutcome {
                id: id.into(),
                kind: cur.kind,
                old_version: cur.version,
                new_version: cur.version,
                changed: false,
            });
        }
        // The dataset with the edit, validated as a whole.
        let mut ds = Dataset::default();
        for r in &snap.defs {
            let d = if r.id == id {
                new.clone()
            } else {
                Def::from_json(r.kind, &r.body).map_err(StoreError::Data)?
            };
            d.put_into(&mut ds);
        }
        ds.claims = snap.claims.iter().map(|c| c.claim.clone()).collect();
        let mut vfiles = vec![meta_file(&ds.meta)?];
        vfiles.extend(crate::files::definition_files_chunked(
            &ds,
            "(store)/",
            crate::files::ENTRIES_PER_FILE,
        )?);
        vfiles.extend(claims_file("(store)/claims.jsonl", &ds.claims)?);
        let loaded = accord_dataset::load_files(vfiles);
        if loaded.has_errors() {
            return Err(OpError::Invalid(problems(&loaded)));
        }
        let batch = Batch {
            based_on: Some(snap.generation),
            defs: vec![DefWrite {
                kind: cur.kind,
                id: id.into(),
                body,
                expect: Expect::Version(expect_version),
            }],
            claims: vec![],
        };
        match store.apply(&batch) {
            Ok(a) => {
                let new_version = a.defs.first().map(|d| d.1).unwrap_or(expect_version + 1);
                return Ok(EditOutcome {
                    id: id.into(),
                    kind: cur.kind,
                    old_version: cur.version,
                    new_version,
                    changed: true,
                });
            }
            Err(StoreError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Stale.into())
}

pub(crate) fn stale_message(id: &str, expected: i64, found: i64) -> String {
    format!(
        "refused: `{id}` is now at version {found}, but this edit was made against version {expected}; someone changed it in the meantime, and nothing was written. See the current version with `accord def show {id}`, apply your change to it, and retry with `--expect-version {found}`"
    )
}

/// Checks a write's expectation against what the store holds (kind, version); returns the
/// version the definition will have after the write.
pub(crate) fn check_expectation(d: &DefWrite, cur: Option<(&str, i64)>) -> Result<i64, StoreError> {
    match (d.expect, cur) {
        (Expect::Absent, None) => Ok(1),
        (Expect::Absent, Some((k, v))) => Err(StoreError::Conflict(format!(
            "`{}` is already in the store (a {k}, version {v}); ids are unique across the dataset. To change it, use `accord def edit {} --expect-version {v}`",
            d.id, d.id
        ))),
        (Expect::Version(_), None) => Err(StoreError::Conflict(format!(
            "there is no definition `{}` to edit",
            d.id
        ))),
        (Expect::Version(_), Some((k, _))) if k != d.kind.as_str() => {
            Err(StoreError::Conflict(format!(
                "`{}` is a {k}, not a {}; the kind of a definition never changes",
                d.id, d.kind
            )))
        }
        (Expect::Version(e), Some((_, v))) if e != v => {
            Err(StoreError::Conflict(stale_message(&d.id, e, v)))
        }
        (Expect::Version(_), Some((_, v))) => Ok(v + 1),
    }
}

/// A claim as stored: its body and the columns queries index.
pub(crate) struct ClaimRow {
    pub id: String,
    pub about: String,
    pub asserts: String,
    pub valid_start: String,
    pub valid_end: String,
    pub known: String,
    pub corrects: Option<String>,
    pub body: String,
}

pub(crate) fn claim_rows(claims: &[Claim]) -> Result<Vec<ClaimRow>, StoreError> {
    let mut buf = RowBuf::default();
    claims
        .iter()
        .map(|c| {
            buf.fill(c)?;
            Ok(ClaimRow {
                id: c.id.clone(),
                about: c.about.clone(),
                asserts: asserts_name(c.asserts).to_string(),
                valid_start: buf.valid_start.clone(),
                valid_end: buf.valid_end.clone(),
                known: buf.known.clone(),
                corrects: c.corrects().cloned(),
                body: buf.body.clone(),
            })
        })
        .collect()
}

/// The serde name of an assertion (the `asserts` column).
pub(crate) fn asserts_name(a: accord_model::Asserts) -> &'static str {
    use accord_model::Asserts as A;
    match a {
        A::Status => "status",
        A::Met => "met",
        A::Missed => "missed",
        A::Progress => "progress",
        A::Statement => "statement",
        A::DeclinedToComment => "declined_to_comment",
        A::NoResponse => "no_response",
    }
}

/// The message for a claim id that is already stored.
pub(crate) fn claim_taken(id: &str) -> String {
    format!(
        "a claim with id `{id}` is already in the store; claims are never replaced, so give the new claim another id (to correct it, add a claim with `supersedes = \"{id}\"`)"
    )
}

/// The text columns of one claim row, in buffers reused from row to row.
#[derive(Default)]
pub(crate) struct RowBuf {
    pub valid_start: String,
    pub valid_end: String,
    pub known: String,
    pub body: String,
    bytes: Vec<u8>,
}

impl RowBuf {
    pub(crate) fn fill(&mut self, c: &Claim) -> Result<(), StoreError> {
        use std::fmt::Write;
        self.valid_start.clear();
        self.valid_end.clear();
        self.known.clear();
        let _ = write!(self.valid_start, "{}", c.valid.start);
        let _ = write!(self.valid_end, "{}", c.valid.end);
        let _ = write!(self.known, "{}", c.known);
        self.bytes.clear();
        serde_json::to_writer(&mut self.bytes, c).map_err(|e| StoreError::Data(e.to_string()))?;
        self.body.clear();
        self.body.push_str(
            std::str::from_utf8(&self.bytes).map_err(|e| StoreError::Data(e.to_string()))?,
        );
        Ok(())
    }
}

/// Application-level checks shared by both backends: every row reads back, and the stored
/// dataset is valid.
pub(crate) fn check_rows(store: &mut dyn Store) -> Result<Vec<String>, StoreError> {
    let snap = match store.snapshot(true) {
        Ok(s) => s,
        Err(StoreError::Data(m)) => return Ok(vec![m]),
        Err(e) => return Err(e),
    };
    let ds = match snap.to_dataset() {
        Ok(d) => d,
        Err(StoreError::Data(m)) => return Ok(vec![m]),
        Err(e) => return Err(e),
    };
    let mut problems = Vec::new();
    let mut seqs = BTreeSet::new();
    for c in &snap.claims {
        if !seqs.insert(c.seq) {
            problems.push(format!("claim seq {} appears twice", c.seq));
        }
    }
    let mut files = vec![meta_file(&ds.meta)?];
    files.extend(crate::files::definition_files_chunked(
        &ds,
        "",
        crate::files::ENTRIES_PER_FILE,
    )?);
    files.extend(claims_file("claims/claims.jsonl", &ds.claims)?);
    let loaded = accord_dataset::load_files(files);
    if loaded.has_errors() {
        problems.push(format!(
            "the stored dataset does not validate:\n{}",
            loaded.render_diagnostics()
        ));
    }
    Ok(problems)
}
