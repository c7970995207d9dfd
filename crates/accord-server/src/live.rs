//! The derived state the server answers from, kept in step with the store.
//!
//! One [`Engine`] holds the store's definitions and claims. A follower ([`Live::sync`]) asks
//! the store, every few hundred milliseconds and right after this process writes, for the
//! definitions generation and the claims appended since the last one it saw: new claims are
//! added to the engine incrementally; a change of definitions reloads everything. So several
//! `accord serve` processes over one PostgreSQL database see each other's writes within a
//! second.
//!
//! PostgreSQL hands out claim `seq` numbers before commit, so a transaction with a smaller seq
//! can commit after one with a larger: the follower remembers the holes it saw and asks again
//! from the oldest hole until it is filled or 30 seconds old (a rolled-back insert leaves a
//! hole for ever).
//!
//! **Permalinks.** A read names the valid date, the knowledge date, and optionally `rev`, the
//! store's claim `seq` it was made at: claims appended after `rev` are left out, so the same URL
//! gives the same answer later even when a claim recorded later says it was known earlier. An
//! engine for an old `rev` is built on demand and a few are kept.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use accord_engine::Engine;
use accord_model::Dataset;
use accord_store::{ClaimRecord, Store, StoreError};

/// How long a hole in the claim sequence is waited for.
const HOLE_WAIT: Duration = Duration::from_secs(30);
/// How many engines for old revisions are kept.
const REV_CACHE: usize = 4;

pub struct Live {
    /// Definitions only (no claims).
    pub base: Dataset,
    pub generation: i64,
    pub engine: Engine,
    /// Every claim with its seq, in the order the engine received them.
    pub claims: Vec<ClaimRecord>,
    seqs: HashSet<i64>,
    pub max_seq: i64,
    holes: Vec<(i64, Instant)>,
    revs: Vec<(i64, Engine)>,
}

impl Live {
    /// Loads everything from the store.
    pub fn load(store: &mut dyn Store) -> Result<Live, StoreError> {
        let snap = store.snapshot(true)?;
        let mut ds = snap.to_dataset()?;
        let claims = snap.claims;
        let engine = Engine::new(&ds);
        ds.claims.clear();
        ds.reindex();
        let seqs: HashSet<i64> = claims.iter().map(|c| c.seq).collect();
        let max_seq = claims.iter().map(|c| c.seq).max().unwrap_or(0);
        Ok(Live {
            base: ds,
            generation: snap.generation,
            engine,
            claims,
            seqs,
            max_seq,
            holes: Vec::new(),
            revs: Vec::new(),
        })
    }

    /// The name of the dataset.
    pub fn name(&self) -> &str {
        &self.base.meta.name
    }

    /// Where to ask the store from, and whether a reload is due: (generation, floor seq).
    pub fn cursor(&self) -> (i64, i64) {
        let floor = self
            .holes
            .iter()
            .map(|(s, _)| s - 1)
            .min()
            .unwrap_or(self.max_seq)
            .min(self.max_seq);
        (self.generation, floor)
    }

    /// Applies claims read from the store after [`Live::cursor`]'s floor. Returns false when
    /// the engine refused one (the caller reloads).
    pub fn apply(&mut self, new: Vec<ClaimRecord>) -> bool {
        let now = Instant::now();
        let mut ok = true;
        for rec in new {
            if !self.seqs.insert(rec.seq) {
                continue;
            }
            self.holes.retain(|(s, _)| *s != rec.seq);
            if rec.seq < self.max_seq {
                // A hole filled: engines for revisions after it lack this claim.
                self.revs.retain(|(r, _)| *r < rec.seq);
            }
            if rec.seq > self.max_seq {
                // Everything between the last seq and this one is a hole (at most a thousand
                // are remembered; more would be a mass rollback, which leaves them for ever).
                let from = self.max_seq + 1;
                for s in from..rec.seq {
                    if self.holes.len() >= 1000 {
                        break;
                    }
                    if !self.seqs.contains(&s) {
                        self.holes.push((s, now));
                    }
                }
                self.max_seq = rec.seq;
            }
            if self.engine.add_claim(rec.claim.clone()).is_err() {
                ok = false;
            }
            self.claims.push(rec);
        }
        self.holes
            .retain(|(_, t)| now.duration_since(*t) < HOLE_WAIT);
        ok
    }

    /// The engine for a read at revision `rev` (`None` or a revision at or after the latest:
    /// the live engine).
    pub fn engine_at(&mut self, rev: Option<i64>) -> &mut Engine {
        let Some(rev) = rev.filter(|r| *r < self.max_seq) else {
            return &mut self.engine;
        };
        let pos = match self.revs.iter().position(|(r, _)| *r == rev) {
            Some(p) => p,
            None => {
                let mut ds = self.base.clone();
                ds.claims = self
                    .claims
                    .iter()
                    .filter(|c| c.seq <= rev)
                    .map(|c| c.claim.clone())
                    .collect();
                ds.reindex();
                if self.revs.len() >= REV_CACHE {
                    self.revs.remove(0);
                }
                self.revs.push((rev, Engine::new(&ds)));
                self.revs.len() - 1
            }
        };
        match self.revs.get_mut(pos) {
            Some((_, e)) => e,
            None => &mut self.engine,
        }
    }

    /// The claims visible at `rev`.
    pub fn claims_at(&self, rev: Option<i64>) -> impl Iterator<Item = &ClaimRecord> {
        let rev = rev.unwrap_or(i64::MAX);
        self.claims.iter().filter(move |c| c.seq <= rev)
    }
}

/// Brings `live` up to date with the store: new claims incrementally, a reload when
/// definitions changed (or the engine refused a claim). The store is read without holding the
/// lock on `live`.
pub fn sync(live: &std::sync::Mutex<Live>, store: &mut dyn Store) -> Result<(), StoreError> {
    let (generation, floor) = match live.lock() {
        Ok(l) => l.cursor(),
        Err(_) => return Err(StoreError::Db("the server state is poisoned".into())),
    };
    let now_gen = store.generation()?;
    if now_gen != generation {
        let fresh = Live::load(store)?;
        if let Ok(mut l) = live.lock() {
            *l = fresh;
        }
        return Ok(());
    }
    let new = store.claims_after(floor)?;
    if new.is_empty() {
        return Ok(());
    }
    let ok = match live.lock() {
        Ok(mut l) => l.apply(new),
        Err(_) => false,
    };
    if !ok {
        let fresh = Live::load(store)?;
        if let Ok(mut l) = live.lock() {
            *l = fresh;
        }
    }
    Ok(())
}
