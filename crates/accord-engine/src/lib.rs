//! accord's derivation engine.
//!
//! From a dataset and its claims, the [`Engine`] derives the state of every item as of a
//! valid date `D` and a knowledge date `K`: the reported status (or the contest between
//! sources), progress, the three-valued operative state, knock-on risk with its path, the
//! settlement of loops, pledge exposure, timelines and what-if diffs — each with its
//! explanation down to the claims and their sources. The rules are specified in
//! `docs/semantics.md`.
//!
//! **Architecture Invariant:** the engine is a pure function of (dataset, claims, `D`, `K`):
//! no IO, no clock, no randomness. Internally it works on dense integer ids, per-item sorted
//! claim lists and precomputed dependency graphs; it keeps the snapshots it has derived up to
//! date when claims are added or removed, re-deriving only what depends on the change.

mod cond;
mod derive;
mod explain;
mod exposure;
mod model;
mod peer;
mod store;
mod timeline;
mod whatif;

use std::fmt;

use accord_lang::{Level, Truth};
use accord_model::{Claim, Dataset, ItemKind, Status};
use jiff::civil::Date;
use serde::Serialize;

pub use explain::{
    BasisView, ClaimView, ContestedItem, ItemReport, Node, RiskReport, RiskStep, Side, SourceView,
    StatusReport, Why,
};
pub use exposure::{Deduction, ExposedPledge, Exposure, QuantityTotal, Tie, Total};
pub use peer::ClaimRow;
pub use timeline::{Cause, Change, Timeline, TimelineEntry};
pub use whatif::{ClaimSpecError, ItemChange, WhatIf, parse_claim_spec};

use derive::{Flag, RepVal, Snapshot};
use model::{Ix, Model};

/// Why the engine refused an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// No item has this id.
    UnknownItem {
        id: String,
        suggestion: Option<String>,
    },
    /// No claim has this id.
    UnknownClaim {
        id: String,
        suggestion: Option<String>,
    },
    /// A claim with this id is already stored.
    DuplicateClaim(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::UnknownItem { id, suggestion } => {
                write!(f, "unknown item `{id}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            EngineError::UnknownClaim { id, suggestion } => {
                write!(f, "unknown claim `{id}`")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => Ok(()),
                }
            }
            EngineError::DuplicateClaim(id) => write!(f, "a claim with id `{id}` already exists"),
        }
    }
}

impl std::error::Error for EngineError {}

/// The reported status of an item, as its value (without the evidence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reported {
    /// No claim or record says anything about it.
    None,
    Status {
        status: Status,
    },
    /// Sources disagree (§2 of docs/semantics.md): the canonical status of each side.
    Contested {
        sides: Vec<Status>,
    },
}

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reported::None => f.write_str("none"),
            Reported::Status { status } => write!(f, "{status}"),
            Reported::Contested { sides } => {
                let names: Vec<&str> = sides.iter().map(|s| s.name()).collect();
                write!(f, "contested ({})", names.join(" | "))
            }
        }
    }
}

/// How a loop of mutually dependent items settled (§4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Loop {
    /// The members hold together as a package.
    Package {
        package: String,
        members: Vec<String>,
    },
    /// The members hold only by supporting each other: indeterminate.
    SelfSupportingLoop { members: Vec<String> },
    /// The loop's conditions do not settle (negation inside a loop): indeterminate.
    UnsettledLoop { members: Vec<String> },
}

/// The derived state of one item, without its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub id: String,
    pub reported: Reported,
    pub operative: Truth,
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    pub loop_: Option<Loop>,
    /// The items on the shortest path to trouble, starting with the first step after this item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_risk: Option<Vec<String>>,
}

/// The derivation engine.
#[derive(Debug, Clone)]
pub struct Engine {
    m: Model,
    views: Vec<Snapshot>,
    skipped: Vec<(String, EngineError)>,
}

/// How many derived snapshots the engine keeps up to date.
const MAX_VIEWS: usize = 4;

impl Engine {
    /// Compiles a dataset and stores its claims. Claims that cannot be used (about an unknown
    /// item, a duplicated id) are skipped and listed by [`Engine::skipped`].
    pub fn new(ds: &Dataset) -> Engine {
        Engine::with_model(Model::new(ds), ds)
    }

    /// Like [`Engine::new`], for a dataset the caller keeps too: the engine shares its
    /// definitions instead of copying them (at world scale the copy is a large part of the
    /// engine's memory). [`Engine::dataset`] then returns this dataset, claims included as
    /// given (the engine's claims, with those added later, are in [`Engine::claims`]).
    pub fn new_shared(ds: std::sync::Arc<Dataset>) -> Engine {
        let m = Model::shared(ds.clone());
        Engine::with_model(m, &ds)
    }

    fn with_model(mut m: Model, ds: &Dataset) -> Engine {
        let skipped = m.insert_claims_bulk(&ds.claims);
        m.resolve_corrections();
        Engine {
            m,
            views: Vec::new(),
            skipped,
        }
    }

    /// The dataset's definitions (its claims are held by the engine: see [`Engine::claims`]).
    pub fn dataset(&self) -> &Dataset {
        &self.m.ds
    }

    /// The dataset's definitions, shared.
    pub fn dataset_arc(&self) -> std::sync::Arc<Dataset> {
        self.m.ds.clone()
    }

    /// Claims of the dataset that could not be used, with the reason.
    pub fn skipped(&self) -> &[(String, EngineError)] {
        &self.skipped
    }

    /// Every stored claim (hypotheses included), in the order added. (Claims are stored
    /// compactly: each is rebuilt as it is read.)
    pub fn claims(&self) -> impl Iterator<Item = Claim> + '_ {
        self.m.claims.live().filter_map(|c| self.m.full_claim(c))
    }

    /// Every item id with its kind, in dataset order.
    pub fn items(&self) -> impl Iterator<Item = (&str, ItemKind)> {
        self.m.items.iter().map(|d| (d.id.as_str(), d.kind))
    }

    /// The kind of the item `id`, or an error with a suggestion.
    pub fn item_kind(&self, id: &str) -> Result<ItemKind, EngineError> {
        self.ix(id).map(|x| self.m.items[x as usize].kind)
    }

    fn ix(&self, id: &str) -> Result<Ix, EngineError> {
        self.m.item_ix(id).ok_or_else(|| EngineError::UnknownItem {
            id: id.to_string(),
            suggestion: self.m.suggest_item(id),
        })
    }

    fn touch(&mut self, items: &[Ix]) {
        let m = &self.m;
        for v in &mut self.views {
            v.update(m, items);
        }
    }

    /// The item of a claim and of every claim down its chain of corrections: withdrawing a
    /// correction reinstates what it corrected, and so on.
    fn chain_items(&self, ix: model::ClaimIx) -> Vec<Ix> {
        let mut out: Vec<Ix> = Vec::new();
        let mut cur = Some(ix);
        let mut steps = 0usize;
        while let Some(c) = cur {
            let Some(s) = self.m.claim(c) else { break };
            if !out.contains(&s.item) {
                out.push(s.item);
            }
            steps += 1;
            if steps > self.m.claims.len() {
                break;
            }
            cur = s.corrects;
        }
        out
    }

    fn add(&mut self, claim: Claim, hypo: bool) -> Result<(), EngineError> {
        if let Some(t) = claim.corrects()
            && self.m.claims.find(t).is_none()
        {
            return Err(EngineError::UnknownClaim {
                id: t.clone(),
                suggestion: accord_lang::suggest(t, self.m.claims.ids()).map(str::to_string),
            });
        }
        let ix = self.m.insert_claim(&claim, hypo)?;
        let touched = self.chain_items(ix);
        self.touch(&touched);
        Ok(())
    }

    /// Adds a claim and updates every kept snapshot incrementally. A claim that `retracts` or
    /// `supersedes` must name a stored claim.
    pub fn add_claim(&mut self, claim: Claim) -> Result<(), EngineError> {
        self.add(claim, false)
    }

    /// Adds a hypothetical claim: a record, taken as fact from its valid date (§8).
    pub fn add_hypothesis(&mut self, claim: Claim) -> Result<(), EngineError> {
        self.add(claim, true)
    }

    /// Removes a stored claim (an undo, not a retraction: a retraction is a new claim) and
    /// updates every kept snapshot incrementally.
    pub fn remove_claim(&mut self, id: &str) -> Result<Claim, EngineError> {
        let Some(ix) = self.m.claims.find(id) else {
            return Err(EngineError::UnknownClaim {
                id: id.to_string(),
                suggestion: accord_lang::suggest(id, self.m.claims.ids()).map(str::to_string),
            });
        };
        let touched = self.chain_items(ix);
        let full = self.m.full_claim(ix);
        let (Some(_), Some(full)) = (self.m.remove_claim(ix), full) else {
            return Err(EngineError::UnknownClaim {
                id: id.to_string(),
                suggestion: None,
            });
        };
        self.touch(&touched);
        Ok(full)
    }

    /// Makes sure the snapshot for `(d, k)` exists and returns its position.
    fn view(&mut self, d: Date, k: Date) -> usize {
        if let Some(i) = self.views.iter().position(|v| v.d == d && v.k == k) {
            return i;
        }
        if self.views.len() >= MAX_VIEWS {
            self.views.remove(0);
        }
        self.views.push(Snapshot::derive(&self.m, d, k));
        self.views.len() - 1
    }

    /// Derives every item as of valid date `d` and knowledge date `k`. The snapshot is kept
    /// (a few are) and updated incrementally by later claims.
    pub fn derive_all(&mut self, d: Date, k: Date) -> Derived<'_> {
        let i = self.view(d, k);
        Derived {
            m: &self.m,
            s: &self.views[i],
        }
    }

    /// Derives from scratch without keeping the snapshot (for comparison and timelines).
    pub fn derive_fresh(&self, d: Date, k: Date) -> OwnedDerived<'_> {
        OwnedDerived {
            m: &self.m,
            s: Snapshot::derive(&self.m, d, k),
        }
    }
}

/// A derived snapshot, borrowed from the engine.
pub struct Derived<'a> {
    m: &'a Model,
    s: &'a Snapshot,
}

/// A derived snapshot owned by the caller.
pub struct OwnedDerived<'a> {
    m: &'a Model,
    s: Snapshot,
}

impl OwnedDerived<'_> {
    pub fn view(&self) -> Derived<'_> {
        Derived {
            m: self.m,
            s: &self.s,
        }
    }
}

impl<'a> Derived<'a> {
    pub fn as_of(&self) -> Date {
        self.s.d
    }

    pub fn known_at(&self) -> Date {
        self.s.k
    }

    fn ix(&self, id: &str) -> Option<Ix> {
        self.m.item_ix(id)
    }

    /// The summary of every item, in dataset order.
    pub fn summaries(&self) -> Vec<Summary> {
        (0..self.m.items.len())
            .map(|x| summary(self.m, self.s, x as Ix))
            .collect()
    }

    /// The summary of one item.
    pub fn summary(&self, id: &str) -> Option<Summary> {
        self.ix(id).map(|x| summary(self.m, self.s, x))
    }

    /// `progress(id, by: party)` as conditions see it.
    pub fn progress(&self, id: &str, by: Option<&str>) -> Option<Level> {
        let x = self.ix(id)?;
        let set = self.m.commitments_of(x, by);
        derive::progress_for(self.m, &self.s.rep, x, by, &set, self.s.d, self.s.k)
    }

    /// The progress pairs conditions read, with their values: `(item, by, level)`.
    pub fn condition_progress(&self) -> Vec<(String, Option<String>, Option<Level>)> {
        self.m
            .pairs
            .iter()
            .zip(&self.s.progress)
            .filter_map(|((x, by), l)| self.m.item(*x).map(|d| (d.id.clone(), by.clone(), *l)))
            .collect()
    }

    pub(crate) fn model(&self) -> &'a Model {
        self.m
    }

    pub(crate) fn snapshot(&self) -> &'a Snapshot {
        self.s
    }
}

pub(crate) fn reported_of(v: RepVal) -> Reported {
    match v {
        RepVal::None => Reported::None,
        RepVal::Status(status) => Reported::Status { status },
        RepVal::Contested(mask) => Reported::Contested {
            sides: derive::statuses_of(mask),
        },
    }
}

pub(crate) fn loop_of(m: &Model, s: &Snapshot, x: Ix) -> Option<Loop> {
    let flag = s.op.get(x as usize)?.flag;
    if flag == Flag::None {
        return None;
    }
    let si = *m.scc_of.get(x as usize)?;
    let members: Vec<String> = m
        .sccs
        .get(si as usize)?
        .iter()
        .filter(|y| s.op.get(**y as usize).is_some_and(|o| o.flag == flag))
        .filter_map(|y| m.item(*y).map(|d| d.id.clone()))
        .collect();
    Some(match flag {
        Flag::Package(p) => Loop::Package {
            package: m.item(p).map(|d| d.id.clone()).unwrap_or_default(),
            members,
        },
        Flag::SelfSupporting => Loop::SelfSupportingLoop { members },
        _ => Loop::UnsettledLoop { members },
    })
}

pub(crate) fn summary(m: &Model, s: &Snapshot, x: Ix) -> Summary {
    let id = m.item(x).map(|d| d.id.clone()).unwrap_or_default();
    Summary {
        id,
        reported: reported_of(s.rep.get(x as usize).map_or(RepVal::None, |r| r.val)),
        operative: s.op.get(x as usize).map_or(Truth::Unknown, |o| o.t),
        loop_: loop_of(m, s, x),
        at_risk: derive::risk_path(m, s, x).map(|p| {
            p.iter()
                .filter_map(|e| m.item(e.to).map(|d| d.id.clone()))
                .collect()
        }),
    }
}
