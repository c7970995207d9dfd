//! A fast check of new claims against the store's definitions, on the `Claim` values
//! themselves, without writing them out as text and running the dataset loader.
//!
//! It covers every rule `accord-dataset`'s validator applies to a claim (`validate.rs`, the
//! id pass and `claim`), plus what the reading of the claim's JSON line would refuse:
//!
//! - the id is a valid id, used by no definition and by no other claim of the batch (a claim
//!   already in the store with the same id is refused by the write itself);
//! - `about` names an item (instrument, commitment, track, package or pledge);
//! - `source` names a source, and `known` is not before the source was published (the
//!   validator only warns about that; a warning is sent to the full validator too);
//! - `speaker`, `side` and `by` name parties;
//! - `confidence` is from 0 to 1 (NaN and infinities are refused);
//! - `status`: a `value` the vocabulary maps to a status of the item's kind; `progress`: a
//!   `value` that is a level; `met` / `missed`: only about a commitment;
//! - `retracts` / `supersedes`: not both; not itself; the target is a claim in the store or
//!   earlier in the batch, about the same item;
//! - `valid` and `known` read back from their text as the same dates (a date that would not,
//!   such as a year before 0001 or a `FuzzyDate` whose bounds do not match its precision, is
//!   sent to the full validator).
//!
//! The check is one-sided on purpose: when it accepts, the full validator accepts (the
//! differential test in `tests/quick_check.rs` holds it to that); when it finds anything at
//! all, the caller runs the full validator, which gives its usual spanned diagnostics.

use std::collections::{HashMap, HashSet};

use accord_model::{Asserts, Claim, Dataset, Entry, FuzzyDate, ItemKind, Vocabulary};

use crate::StoreError;

/// The progress levels `accord-lang` reads (`Level::from_keyword`, lowercase only).
const LEVELS: [&str; 4] = ["none", "limited", "substantial", "complete"];

/// The store's definitions, indexed for [`ClaimIndex::accepts`]. Built once per definitions
/// generation.
pub struct ClaimIndex {
    ds: Dataset,
    vocab: Vocabulary,
    /// (kind, wording) → whether the vocabulary maps it; wordings repeat a lot.
    wordings: HashMap<(ItemKind, String), bool>,
}

/// How many wordings are remembered at most (a stream of new wordings does not grow it
/// without bound).
const WORDINGS_CAP: usize = 4096;

impl ClaimIndex {
    /// An index over the definitions of `ds` (its claims, if any, are not used: claims are
    /// looked up through the `stored` function given to [`ClaimIndex::accepts`]).
    pub fn new(mut ds: Dataset) -> ClaimIndex {
        if !ds.claims.is_empty() {
            ds.claims = Vec::new();
            ds.reindex();
        }
        let vocab = ds.vocabulary();
        ClaimIndex {
            ds,
            vocab,
            wordings: HashMap::new(),
        }
    }

    /// The definitions it indexes.
    pub fn dataset(&self) -> &Dataset {
        &self.ds
    }

    fn status_ok(&mut self, kind: ItemKind, wording: &str) -> bool {
        if let Some(ok) = self.wordings.get(&(kind, wording.to_string())) {
            return *ok;
        }
        let ok = self.vocab.canonical(kind, wording).is_some();
        if self.wordings.len() < WORDINGS_CAP {
            self.wordings.insert((kind, wording.to_string()), ok);
        }
        ok
    }

    /// Whether every claim of `claims` certainly passes the full validator, given the
    /// definitions indexed and the claims already stored. `stored(id)` gives the `about` of
    /// the stored claim `id`, if there is one (asked only for correction targets not in the
    /// batch). `false` means "not certain": run the full validator.
    pub fn accepts(
        &mut self,
        claims: &[Claim],
        stored: &mut dyn FnMut(&str) -> Result<Option<String>, StoreError>,
    ) -> Result<bool, StoreError> {
        self.accepts_with_progress(claims, stored, &mut |_| {})
    }

    /// [`ClaimIndex::accepts`], calling `progress(done)` every 65,536 claims.
    pub fn accepts_with_progress(
        &mut self,
        claims: &[Claim],
        stored: &mut dyn FnMut(&str) -> Result<Option<String>, StoreError>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<bool, StoreError> {
        let mut seen: HashMap<&str, &str> = HashMap::with_capacity(claims.len());
        let mut later: HashSet<&str> = HashSet::new();
        for (i, c) in claims.iter().enumerate() {
            if i % 65_536 == 0 && i > 0 {
                progress(i as u64);
            }
            if !self.accepts_one(c, &seen)? {
                return Ok(false);
            }
            for t in [&c.retracts, &c.supersedes].into_iter().flatten() {
                if !seen.contains_key(t.as_str()) {
                    later.insert(t.as_str());
                }
            }
            if seen.insert(c.id.as_str(), c.about.as_str()).is_some() {
                return Ok(false);
            }
        }
        // Corrections of claims that are not earlier in the batch: in the store, same item.
        for c in claims {
            for t in [&c.retracts, &c.supersedes].into_iter().flatten() {
                if !later.contains(t.as_str()) {
                    continue;
                }
                // A target later in the batch: the validator accepts it, but keep it simple.
                if seen.contains_key(t.as_str()) {
                    return Ok(false);
                }
                match stored(t)? {
                    Some(about) if about == c.about => {}
                    _ => return Ok(false),
                }
            }
        }
        Ok(true)
    }

    fn accepts_one(
        &mut self,
        c: &Claim,
        earlier: &HashMap<&str, &str>,
    ) -> Result<bool, StoreError> {
        let ds = &self.ds;
        if !accord_model::is_valid_id(&c.id) || ds.lookup(&c.id).is_some() {
            return Ok(false);
        }
        let Some(kind) = ds.lookup(&c.about).and_then(Entry::item_kind) else {
            return Ok(false);
        };
        let published = match ds.lookup(&c.source) {
            Some(Entry::Source(i)) => match ds.sources.get(i) {
                Some(s) => s.published,
                None => return Ok(false),
            },
            _ => return Ok(false),
        };
        if c.known < published {
            return Ok(false);
        }
        for p in [&c.speaker, &c.side, &c.by].into_iter().flatten() {
            if !matches!(ds.lookup(p), Some(Entry::Party(_))) {
                return Ok(false);
            }
        }
        if !(0.0..=1.0).contains(&c.confidence) {
            return Ok(false);
        }
        let value_ok = match c.asserts {
            Asserts::Status => match &c.value {
                Some(v) => self.status_ok(kind, v),
                None => false,
            },
            Asserts::Progress => c.value.as_deref().is_some_and(|v| LEVELS.contains(&v)),
            Asserts::Met | Asserts::Missed => kind == ItemKind::Commitment,
            Asserts::Statement | Asserts::DeclinedToComment | Asserts::NoResponse => true,
        };
        if !value_ok {
            return Ok(false);
        }
        if c.retracts.is_some() && c.supersedes.is_some() {
            return Ok(false);
        }
        for t in [&c.retracts, &c.supersedes].into_iter().flatten() {
            if *t == c.id {
                return Ok(false);
            }
            if let Some(about) = earlier.get(t.as_str())
                && *about != c.about
            {
                return Ok(false);
            }
        }
        // The dates must read back as themselves from the text the store keeps.
        if !reads_back(&c.valid)
            || accord_model::date::parse_day(&c.known.to_string()).ok() != Some(c.known)
        {
            return Ok(false);
        }
        Ok(true)
    }
}

fn reads_back(d: &FuzzyDate) -> bool {
    FuzzyDate::parse(&d.to_string()).ok().as_ref() == Some(d)
}
