//! A whole dataset: definitions and claims, with an index from ids to items.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    Claim, Commitment, Id, Instrument, ItemKind, Link, Package, Party, Pledge, Source, Track,
    Vocabulary,
};

/// Fractions of commitments met at which progress reaches each level.
///
/// `limited` is reached when the fraction met is at least `limited` (and above zero),
/// `substantial` at `substantial`, `complete` at `complete` (normally every commitment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressThresholds {
    #[serde(default = "d_limited")]
    pub limited: f64,
    #[serde(default = "d_substantial")]
    pub substantial: f64,
    #[serde(default = "d_complete")]
    pub complete: f64,
}

fn d_limited() -> f64 {
    0.01
}
fn d_substantial() -> f64 {
    0.5
}
fn d_complete() -> f64 {
    1.0
}

impl Default for ProgressThresholds {
    fn default() -> Self {
        ProgressThresholds {
            limited: d_limited(),
            substantial: d_substantial(),
            complete: d_complete(),
        }
    }
}

/// Settings a dataset may give in its `accord.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub progress: ProgressThresholds,
    /// Claims whose valid times lie within this many days of each other and that disagree make
    /// an item's status contested.
    #[serde(default = "d_window")]
    pub contested_window_days: u32,
    /// Extra status synonyms: phrase → canonical status.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub synonyms: BTreeMap<String, crate::Status>,
}

fn d_window() -> u32 {
    14
}

impl Default for DatasetMeta {
    fn default() -> Self {
        DatasetMeta {
            name: "unnamed".into(),
            title: None,
            description: None,
            progress: ProgressThresholds::default(),
            contested_window_days: d_window(),
            synonyms: BTreeMap::new(),
        }
    }
}

/// Where an id points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "index", rename_all = "snake_case")]
pub enum Entry {
    Party(usize),
    Source(usize),
    Instrument(usize),
    /// instrument index, commitment index within it
    Commitment(usize, usize),
    Track(usize),
    Package(usize),
    Pledge(usize),
    Link(usize),
    Claim(usize),
}

impl Entry {
    /// The item kind, for entries a claim can be about.
    pub fn item_kind(self) -> Option<ItemKind> {
        match self {
            Entry::Instrument(_) => Some(ItemKind::Instrument),
            Entry::Commitment(..) => Some(ItemKind::Commitment),
            Entry::Track(_) => Some(ItemKind::Track),
            Entry::Package(_) => Some(ItemKind::Package),
            Entry::Pledge(_) => Some(ItemKind::Pledge),
            _ => None,
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            Entry::Party(_) => "party",
            Entry::Source(_) => "source",
            Entry::Instrument(_) => "instrument",
            Entry::Commitment(..) => "commitment",
            Entry::Track(_) => "track",
            Entry::Package(_) => "package",
            Entry::Pledge(_) => "pledge",
            Entry::Link(_) => "link",
            Entry::Claim(_) => "claim",
        }
    }
}

/// A dataset as the engine sees it. Ids are unique across every kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub meta: DatasetMeta,
    pub parties: Vec<Party>,
    pub sources: Vec<Source>,
    pub instruments: Vec<Instrument>,
    pub tracks: Vec<Track>,
    pub packages: Vec<Package>,
    pub links: Vec<Link>,
    pub pledges: Vec<Pledge>,
    pub claims: Vec<Claim>,
    #[serde(skip)]
    index: BTreeMap<Id, Entry>,
}

impl Dataset {
    /// Rebuilds the id index. Call after changing the vectors. The first definition of a
    /// duplicated id wins (the loader reports duplicates before this matters).
    pub fn reindex(&mut self) {
        let mut idx = BTreeMap::new();
        let mut put = |id: &Id, e: Entry| {
            idx.entry(id.clone()).or_insert(e);
        };
        for (i, x) in self.parties.iter().enumerate() {
            put(&x.id, Entry::Party(i));
        }
        for (i, x) in self.sources.iter().enumerate() {
            put(&x.id, Entry::Source(i));
        }
        for (i, x) in self.instruments.iter().enumerate() {
            put(&x.id, Entry::Instrument(i));
            for (j, c) in x.commitments.iter().enumerate() {
                put(&c.id, Entry::Commitment(i, j));
            }
        }
        for (i, x) in self.tracks.iter().enumerate() {
            put(&x.id, Entry::Track(i));
        }
        for (i, x) in self.packages.iter().enumerate() {
            put(&x.id, Entry::Package(i));
        }
        for (i, x) in self.pledges.iter().enumerate() {
            put(&x.id, Entry::Pledge(i));
        }
        for (i, x) in self.links.iter().enumerate() {
            put(&x.id, Entry::Link(i));
        }
        for (i, x) in self.claims.iter().enumerate() {
            put(&x.id, Entry::Claim(i));
        }
        self.index = idx;
    }

    pub fn lookup(&self, id: &str) -> Option<Entry> {
        self.index.get(id).copied()
    }

    /// Every indexed id, sorted.
    pub fn ids(&self) -> impl Iterator<Item = (&Id, Entry)> {
        self.index.iter().map(|(k, v)| (k, *v))
    }

    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            extra: self
                .meta
                .synonyms
                .iter()
                .map(|(k, v)| (crate::vocab::fold(k), *v))
                .collect(),
        }
    }

    pub fn party(&self, id: &str) -> Option<&Party> {
        match self.lookup(id)? {
            Entry::Party(i) => self.parties.get(i),
            _ => None,
        }
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        match self.lookup(id)? {
            Entry::Source(i) => self.sources.get(i),
            _ => None,
        }
    }

    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        match self.lookup(id)? {
            Entry::Instrument(i) => self.instruments.get(i),
            _ => None,
        }
    }

    /// A commitment and the instrument that holds it.
    pub fn commitment(&self, id: &str) -> Option<(&Instrument, &Commitment)> {
        match self.lookup(id)? {
            Entry::Commitment(i, j) => {
                let ins = self.instruments.get(i)?;
                Some((ins, ins.commitments.get(j)?))
            }
            _ => None,
        }
    }

    pub fn track(&self, id: &str) -> Option<&Track> {
        match self.lookup(id)? {
            Entry::Track(i) => self.tracks.get(i),
            _ => None,
        }
    }

    pub fn package(&self, id: &str) -> Option<&Package> {
        match self.lookup(id)? {
            Entry::Package(i) => self.packages.get(i),
            _ => None,
        }
    }

    pub fn pledge(&self, id: &str) -> Option<&Pledge> {
        match self.lookup(id)? {
            Entry::Pledge(i) => self.pledges.get(i),
            _ => None,
        }
    }

    pub fn claim(&self, id: &str) -> Option<&Claim> {
        match self.lookup(id)? {
            Entry::Claim(i) => self.claims.get(i),
            _ => None,
        }
    }

    /// The kind of item an id names, if it is an item claims can be about.
    pub fn item_kind(&self, id: &str) -> Option<ItemKind> {
        self.lookup(id)?.item_kind()
    }

    /// A display name for any id.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        Some(match self.lookup(id)? {
            Entry::Party(i) => self.parties.get(i)?.name.as_str(),
            Entry::Source(i) => self.sources.get(i)?.title.as_str(),
            Entry::Instrument(i) => self.instruments.get(i)?.name.as_str(),
            Entry::Commitment(i, j) => self
                .instruments
                .get(i)?
                .commitments
                .get(j)?
                .summary
                .as_str(),
            Entry::Track(i) => self.tracks.get(i)?.name.as_str(),
            Entry::Package(i) => self.packages.get(i)?.name.as_str(),
            Entry::Pledge(i) => self.pledges.get(i)?.name.as_str(),
            Entry::Link(i) => self.links.get(i)?.id.as_str(),
            Entry::Claim(i) => self.claims.get(i)?.id.as_str(),
        })
    }

    /// Every item id claims can be about, with its kind, in definition order.
    pub fn items(&self) -> Vec<(Id, ItemKind)> {
        let mut v = Vec::new();
        for ins in &self.instruments {
            v.push((ins.id.clone(), ItemKind::Instrument));
            for c in &ins.commitments {
                v.push((c.id.clone(), ItemKind::Commitment));
            }
        }
        v.extend(self.tracks.iter().map(|t| (t.id.clone(), ItemKind::Track)));
        v.extend(
            self.packages
                .iter()
                .map(|p| (p.id.clone(), ItemKind::Package)),
        );
        v.extend(
            self.pledges
                .iter()
                .map(|p| (p.id.clone(), ItemKind::Pledge)),
        );
        v
    }
}
