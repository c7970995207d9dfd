//! The claim store, kept compact for tens of millions of claims: what derivation reads of a
//! claim sits in a small fixed-size record (`StoredClaim`, 40 bytes); its provenance (source,
//! speaker, wording, …) in a second record of interned numbers; ids in a chunked string arena
//! with its own hash index; the rare free texts (quote, reason, note) and correction targets
//! aside. Storage grows by whole chunks, never by copying what is stored (no latency spike
//! when a vector doubles), and the id index is split into shards that grow one at a time.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use accord_model::{Asserts, Channel, Claim, FuzzyDate, Precision};

use crate::model::{ClaimIx, StoredClaim};

/// No string (an absent optional field).
pub(crate) const NONE: u32 = u32::MAX;

const CHUNK: usize = 1 << 14;

/// A vector that grows by fixed chunks: pushing never moves what is stored.
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(v),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(v);
                self.chunks.push(c);
            }
        }
        self.len += 1;
    }
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
    }
    fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks
            .get_mut(i / CHUNK)
            .and_then(|c| c.get_mut(i % CHUNK))
    }
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// Interned strings (sources, speakers, wordings, parties): each distinct text once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strings {
    map: HashMap<Box<str>, u32>,
    list: Vec<Box<str>>,
}

impl Strings {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.map.get(s) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.into());
        self.map.insert(s.into(), i);
        i
    }
    fn intern_opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.intern(s))
    }
    pub(crate) fn get(&self, i: u32) -> Option<&str> {
        self.list.get(i as usize).map(|s| &**s)
    }
}

/// Claim ids, appended to 1 MiB chunks.
#[derive(Debug, Clone, Default)]
struct Arena {
    chunks: Vec<String>,
}

const ARENA_CHUNK: usize = 1 << 20;

impl Arena {
    fn push(&mut self, s: &str) -> (u32, u32) {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.len() + s.len() <= c.capacity());
        if !fits {
            self.chunks
                .push(String::with_capacity(ARENA_CHUNK.max(s.len())));
        }
        let ci = self.chunks.len().saturating_sub(1);
        match self.chunks.last_mut() {
            Some(c) => {
                let off = c.len();
                c.push_str(s);
                (ci as u32, off as u32)
            }
            None => (0, 0),
        }
    }
    fn get(&self, chunk: u32, off: u32, len: u32) -> &str {
        self.chunks
            .get(chunk as usize)
            .and_then(|c| c.get(off as usize..(off as usize + len as usize)))
            .unwrap_or("")
    }
}

/// Provenance of a claim, as numbers.
#[derive(Debug, Clone, Copy)]
struct Cold {
    id_chunk: u32,
    id_off: u32,
    id_len: u32,
    source: u32,
    speaker: u32,
    value: u32,
    role: u32,
    side: u32,
    confidence: f64,
    asserts: Asserts,
    channel: Channel,
    precision: Precision,
    approximate: bool,
}

/// The rare parts of a claim.
#[derive(Debug, Clone, Default)]
struct Extra {
    quote: Option<String>,
    retracts: Option<String>,
    supersedes: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

const SHARDS: usize = 256;
const EMPTY: u32 = u32::MAX;
const TOMB: u32 = u32::MAX - 1;

fn hash_id(s: &str) -> u64 {
    // SipHash with fixed keys: deterministic.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Open-addressing index from id to claim, in shards that each grow on their own (a shard
/// holds 1/256 of the ids, so growing one rehashes a small part).
#[derive(Debug, Clone)]
struct IdIndex {
    shards: Vec<Shard>,
}

#[derive(Debug, Clone, Default)]
struct Shard {
    slots: Vec<u32>,
    used: usize,
}

impl Default for IdIndex {
    fn default() -> Self {
        IdIndex {
            shards: vec![Shard::default(); SHARDS],
        }
    }
}

/// The claim store.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClaimStore {
    hot: Chunked<StoredClaim>,
    cold: Chunked<Cold>,
    ids: Arena,
    index: IdIndex,
    pub strings: Strings,
    extra: HashMap<ClaimIx, Box<Extra>>,
}

impl ClaimStore {
    /// Slots used so far (stored and removed claims).
    pub(crate) fn len(&self) -> usize {
        self.hot.len()
    }

    pub(crate) fn get(&self, c: ClaimIx) -> Option<&StoredClaim> {
        self.hot.get(c as usize).filter(|s| s.live)
    }

    pub(crate) fn get_mut(&mut self, c: ClaimIx) -> Option<&mut StoredClaim> {
        self.hot.get_mut(c as usize).filter(|s| s.live)
    }

    pub(crate) fn id(&self, c: ClaimIx) -> &str {
        match self.cold.get(c as usize) {
            Some(k) => self.ids.get(k.id_chunk, k.id_off, k.id_len),
            None => "",
        }
    }

    pub(crate) fn confidence(&self, c: ClaimIx) -> f64 {
        self.cold.get(c as usize).map_or(0.0, |k| k.confidence)
    }

    pub(crate) fn asserts(&self, c: ClaimIx) -> Option<Asserts> {
        self.cold.get(c as usize).map(|k| k.asserts)
    }

    /// The id of the claim that `c` retracts or supersedes, as written.
    pub(crate) fn corrects_id(&self, c: ClaimIx) -> Option<&str> {
        let e = self.extra.get(&c)?;
        e.retracts.as_deref().or(e.supersedes.as_deref())
    }

    /// The claim stored under `id`.
    pub(crate) fn find(&self, id: &str) -> Option<ClaimIx> {
        let h = hash_id(id);
        let shard = self.index.shards.get((h >> 56) as usize % SHARDS)?;
        let n = shard.slots.len();
        if n == 0 {
            return None;
        }
        let mut i = (h as usize) & (n - 1);
        for _ in 0..n {
            match shard.slots.get(i).copied() {
                Some(EMPTY) | None => return None,
                Some(TOMB) => {}
                Some(c) => {
                    if self.get(c).is_some() && self.id(c) == id {
                        return Some(c);
                    }
                }
            }
            i = (i + 1) & (n - 1);
        }
        None
    }

    fn index_insert(&mut self, id_hash: u64, c: ClaimIx) {
        let si = (id_hash >> 56) as usize % SHARDS;
        let needs_growth = self
            .index
            .shards
            .get(si)
            .is_some_and(|s| (s.used + 1) * 4 > s.slots.len() * 3);
        if needs_growth {
            self.grow_shard(si);
        }
        if let Some(shard) = self.index.shards.get_mut(si) {
            place(shard, id_hash, c);
        }
    }

    fn grow_shard(&mut self, si: usize) {
        let Some(old) = self.index.shards.get(si) else {
            return;
        };
        let live: Vec<u32> = old
            .slots
            .iter()
            .copied()
            .filter(|c| *c != EMPTY && *c != TOMB)
            .collect();
        let size = (live.len() * 2 + 2).next_power_of_two().max(16);
        let mut shard = Shard {
            slots: vec![EMPTY; size],
            used: 0,
        };
        for c in live {
            place(&mut shard, hash_id(self.id(c)), c);
        }
        if let Some(s) = self.index.shards.get_mut(si) {
            *s = shard;
        }
    }

    fn index_remove(&mut self, c: ClaimIx) {
        let h = hash_id(self.id(c));
        let Some(shard) = self.index.shards.get_mut((h >> 56) as usize % SHARDS) else {
            return;
        };
        let n = shard.slots.len();
        if n == 0 {
            return;
        }
        let mut i = (h as usize) & (n - 1);
        for _ in 0..n {
            match shard.slots.get_mut(i) {
                Some(slot) if *slot == c => {
                    // Left as a tombstone (still counted in `used` until the shard grows).
                    *slot = TOMB;
                    return;
                }
                Some(slot) if *slot == EMPTY => return,
                None => return,
                _ => {}
            }
            i = (i + 1) & (n - 1);
        }
    }

    /// Stores a claim whose derived fields are in `hot`; returns its index.
    pub(crate) fn push(&mut self, claim: &Claim, mut hot: StoredClaim) -> ClaimIx {
        let c = self.hot.len() as ClaimIx;
        let (id_chunk, id_off) = self.ids.push(&claim.id);
        hot.by = self.strings.intern_opt(claim.by.as_deref());
        hot.live = true;
        let cold = Cold {
            id_chunk,
            id_off,
            id_len: claim.id.len() as u32,
            source: self.strings.intern(&claim.source),
            speaker: self.strings.intern_opt(claim.speaker.as_deref()),
            value: self.strings.intern_opt(claim.value.as_deref()),
            role: self.strings.intern_opt(claim.role.as_deref()),
            side: self.strings.intern_opt(claim.side.as_deref()),
            confidence: claim.confidence,
            asserts: claim.asserts,
            channel: claim.channel,
            precision: claim.valid.precision,
            approximate: claim.valid.approximate,
        };
        let rare = claim.quote.is_some()
            || claim.retracts.is_some()
            || claim.supersedes.is_some()
            || claim.reason.is_some()
            || claim.note.is_some();
        if rare {
            self.extra.insert(
                c,
                Box::new(Extra {
                    quote: claim.quote.clone(),
                    retracts: claim.retracts.clone(),
                    supersedes: claim.supersedes.clone(),
                    reason: claim.reason.clone(),
                    note: claim.note.clone(),
                }),
            );
        }
        self.hot.push(hot);
        self.cold.push(cold);
        self.index_insert(hash_id(&claim.id), c);
        c
    }

    /// The claim as it was given (`about` is the id of its item).
    pub(crate) fn full(&self, c: ClaimIx, about: &str) -> Option<Claim> {
        let s = self.get(c)?;
        let k = self.cold.get(c as usize)?;
        let text = |i: u32| self.strings.get(i).map(str::to_string);
        let e = self.extra.get(&c);
        let rare = |f: fn(&Extra) -> &Option<String>| e.and_then(|e| f(e).clone());
        Some(Claim {
            id: self.id(c).to_string(),
            about: about.to_string(),
            asserts: k.asserts,
            value: text(k.value),
            by: text(s.by),
            valid: FuzzyDate {
                start: s.start,
                end: s.end,
                precision: k.precision,
                approximate: k.approximate,
            },
            known: s.known,
            source: text(k.source).unwrap_or_default(),
            speaker: text(k.speaker),
            role: text(k.role),
            side: text(k.side),
            channel: k.channel,
            quote: rare(|e| &e.quote),
            confidence: k.confidence,
            retracts: rare(|e| &e.retracts),
            supersedes: rare(|e| &e.supersedes),
            reason: rare(|e| &e.reason),
            note: rare(|e| &e.note),
        })
    }

    /// Takes a claim out (its slot stays, empty).
    pub(crate) fn remove(&mut self, c: ClaimIx) -> Option<StoredClaim> {
        let s = *self.get(c)?;
        self.index_remove(c);
        if let Some(h) = self.hot.get_mut(c as usize) {
            h.live = false;
        }
        Some(s)
    }

    /// The ids of the stored claims (for suggestions).
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        (0..self.hot.len() as ClaimIx)
            .filter(|c| self.get(*c).is_some())
            .map(|c| self.id(c))
    }

    /// The indexes of the stored claims.
    pub(crate) fn live(&self) -> impl Iterator<Item = ClaimIx> + '_ {
        (0..self.hot.len() as ClaimIx).filter(|c| self.get(*c).is_some())
    }
}

fn place(shard: &mut Shard, h: u64, c: ClaimIx) {
    let n = shard.slots.len();
    if n == 0 {
        return;
    }
    let mut i = (h as usize) & (n - 1);
    for _ in 0..n {
        if let Some(slot) = shard.slots.get_mut(i)
            && (*slot == EMPTY || *slot == TOMB)
        {
            if *slot == EMPTY {
                shard.used += 1;
            }
            *slot = c;
            return;
        }
        i = (i + 1) & (n - 1);
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "test code: a failed expectation should stop the test"
    )]

    use super::*;

    fn hot(c: &Claim) -> StoredClaim {
        StoredClaim {
            item: 0,
            start: c.valid.start,
            end: c.valid.end,
            known: c.known,
            voice: 0,
            corrects: None,
            by: NONE,
            status: None,
            level: None,
            rank: 0,
            hypo: false,
            in_cycle: false,
            corrected: false,
            live: true,
        }
    }

    #[test]
    fn claims_come_back_as_given_and_ids_index_them() {
        let text = r#"{"id":"c","about":"x","asserts":"status","value":"on hold","by":"uk","valid":"2025-03~","known":"2025-04-02","source":"s","speaker":"p","role":"r","side":"uk","channel":"interview","quote":"q","confidence":0.7,"retracts":"b","reason":"why","note":"n"}"#;
        let base: Claim = serde_json::from_str(text).unwrap();
        let mut st = ClaimStore::default();
        let n = 50_000;
        for i in 0..n {
            let mut c = base.clone();
            c.id = format!("c{i}");
            assert_eq!(st.push(&c, hot(&c)), i);
        }
        for i in (0..n).step_by(7) {
            let mut c = base.clone();
            c.id = format!("c{i}");
            assert_eq!(st.find(&c.id), Some(i));
            assert_eq!(st.full(i, "x"), Some(c));
        }
        assert_eq!(st.find("nope"), None);
        assert!(st.remove(3).is_some());
        assert_eq!(st.find("c3"), None);
        assert_eq!(st.find("c4"), Some(4));
        assert!(st.remove(3).is_none());
        // The id can be used again.
        let mut c = base.clone();
        c.id = "c3".into();
        let again = st.push(&c, hot(&c));
        assert_eq!(st.find("c3"), Some(again));
        assert_eq!(st.live().count(), n as usize);
    }
}
