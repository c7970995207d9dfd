//! A small, fast view of the engine's internal indexes for programs that compare the engine
//! with other evaluators (the benchmark harness times SQLite, DuckDB and PostgreSQL recursive
//! queries beside these calls). Everything here reads the engine's own dense indexes:
//! item indexes are those the engine numbers items by (dataset order, `0..item_count()`),
//! claim indexes those it stores claims under.

use jiff::civil::Date;

use crate::Engine;
use crate::derive::withdrawn;
use crate::model::{ClaimIx, HYPOTHESIS_RANK, Ix, Model, StoredClaim};

/// One stored claim, as plain numbers (see [`Engine::claim_rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow<'a> {
    /// The engine's claim index (dense when no claim was removed).
    pub ix: u32,
    /// The rank of the claim's id among the stored claims' ids in byte order (0 = smallest):
    /// the last tie-break of the pick order, as a number.
    pub id_order: u32,
    /// The item index of what the claim is about.
    pub item: u32,
    /// Whether it asserts a status: a `status` whose wording maps to a canonical status for
    /// the item's kind, or `met` / `missed` about a commitment.
    pub has_status: bool,
    /// Whether that canonical status is negative (`stalled`, `suspended`, `discontinued`,
    /// `missed`, `withdrawn`).
    pub negative: bool,
    /// First day of the valid time, in days since 1970-01-01.
    pub start: i32,
    /// The day it became known, in days since 1970-01-01.
    pub known: i32,
    /// The source-kind rank of the pick order: `primary_document` 5, `official` 4, `news` 3,
    /// `analysis` 2, `social` 1, `other` (or an unknown source) 0; a hypothesis 6.
    pub rank: u8,
    /// Confidence × 10⁶, rounded. (The engine compares the exact confidences; two that differ
    /// by less than 10⁻⁶ tie here but not there.)
    pub conf_micro: i64,
    /// The claim it retracts or supersedes (claim index), when that claim is stored and the
    /// correction is not on a loop of corrections (those are ignored, §1).
    pub corrects: Option<u32>,
    pub id: &'a str,
}

/// Days since 1970-01-01.
pub(crate) fn epoch_days(d: Date) -> i32 {
    let epoch = Date::constant(1970, 1, 1);
    (d - epoch).get_days()
}

/// The pick order of §2 step 5 on the numbers [`ClaimRow`] carries: latest start, then
/// latest known, then rank, then confidence, then the smaller id (`id_order`).
fn better(m: &Model, a: (ClaimIx, &StoredClaim), b: (ClaimIx, &StoredClaim)) -> bool {
    crate::derive::pick_cmp_ix(m, a.0, a.1, b.0, b.1) == std::cmp::Ordering::Greater
}

impl Engine {
    /// How many items the engine numbers (item indexes are `0..item_count()`).
    pub fn item_count(&self) -> usize {
        self.m.items.len()
    }

    /// The id of the item with index `ix` (empty when there is none).
    pub fn item_id(&self, ix: u32) -> &str {
        self.m.item(ix).map_or("", |d| d.id.as_str())
    }

    /// Every risk edge of §5 of docs/semantics.md as `(from, to)` item indexes: `from` is at
    /// risk when `to` is in trouble. These are the edges the engine follows, with links that
    /// have a condition included whatever the condition says; two items joined by several
    /// edges (a link and a reference in a condition) give one pair. Sorted by `from`, then `to`.
    pub fn risk_edges(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::with_capacity(self.m.risk_edge_count());
        for x in 0..self.m.items.len() {
            let mut last = None;
            for e in self.m.edges_of(x as Ix) {
                // Edges are sorted by target: repeats are adjacent.
                if last != Some(e.to) {
                    out.push((x as u32, e.to));
                    last = Some(e.to);
                }
            }
        }
        out
    }

    /// Every stored claim (hypotheses included) as a [`ClaimRow`], in claim index order.
    pub fn claim_rows(&self) -> Vec<ClaimRow<'_>> {
        let m = &self.m;
        let mut live: Vec<(ClaimIx, &str)> = m.live_claims().map(|c| (c, m.claim_id(c))).collect();
        let mut by_id: Vec<usize> = (0..live.len()).collect();
        by_id.sort_unstable_by(|a, b| live[*a].1.cmp(live[*b].1));
        let mut order = vec![0u32; live.len()];
        for (rank, pos) in by_id.into_iter().enumerate() {
            order[pos] = rank as u32;
        }
        let mut out = Vec::with_capacity(live.len());
        for (pos, (c, id)) in live.drain(..).enumerate() {
            let Some(s) = m.claim(c) else { continue };
            let status = s.status;
            out.push(ClaimRow {
                ix: c,
                id_order: order[pos],
                item: s.item,
                has_status: status.is_some(),
                negative: status.is_some_and(|st| st.is_negative()),
                start: epoch_days(s.start),
                known: epoch_days(s.known),
                rank: if s.hypo { HYPOTHESIS_RANK } else { s.rank },
                conf_micro: (m.claim_confidence(c) * 1e6).round() as i64,
                corrects: if s.in_cycle { None } else { s.corrects },
                id,
            });
        }
        out
    }

    /// For each item, the best claim in the pick order (§2 step 5: latest valid start, then
    /// latest `known`, then source-kind rank, then higher confidence, then the smaller claim
    /// id — compared as strings, byte by byte, which is [`ClaimRow::id_order`]) among the
    /// claims that assert a status, apply at `(d, k)` (valid start `<= d`, known `<= k`) and
    /// are not withdrawn at `k` (§1). No window, no voices, no records: the simplified
    /// "latest claim as of D" that a SQL query computes too. Items with no such claim are
    /// left out; the pairs `(item, claim)` come in item order.
    pub fn latest_claims(&self, d: Date, k: Date) -> Vec<(u32, u32)> {
        let m = &self.m;
        let mut out = Vec::new();
        for x in 0..m.items.len() {
            let list = m.claims_of(x as Ix);
            // Sorted by (start, known, index): scan back from the last claim starting by `d`.
            let end = list.partition_point(|c| c.start <= d);
            let mut best: Option<(ClaimIx, &StoredClaim)> = None;
            for c in list[..end].iter().rev().map(|sl| sl.ix) {
                let Some(s) = m.claim(c) else { continue };
                if let Some((_, b)) = best
                    && (s.start, s.known) < (b.start, b.known)
                {
                    // Everything further back is worse on (start, known).
                    break;
                }
                if s.status.is_none() || s.known > k || withdrawn(m, c, k) {
                    continue;
                }
                if best.is_none_or(|b| better(m, (c, s), b)) {
                    best = Some((c, s));
                }
            }
            if let Some((c, _)) = best {
                out.push((x as u32, c));
            }
        }
        out
    }

    /// Which items are at risk from `blocked` ones: `out[x]` is true when a path of one or more
    /// risk edges (all of them, as [`Engine::risk_edges`] lists) leads from `x` to an item `y`
    /// with `blocked[y]` (`blocked` shorter than [`Engine::item_count`] counts as false
    /// beyond its end). A breadth-first search over the engine's reverse edges.
    pub fn reaching(&self, blocked: &[bool]) -> Vec<bool> {
        let m = &self.m;
        let n = m.items.len();
        let mut out = vec![false; n];
        let mut queue: Vec<Ix> = Vec::new();
        for (y, b) in blocked.iter().enumerate().take(n) {
            if *b {
                for u in m.preds_of(y as Ix) {
                    if let Some(slot) = out.get_mut(u as usize)
                        && !*slot
                    {
                        *slot = true;
                        queue.push(u);
                    }
                }
            }
        }
        while let Some(v) = queue.pop() {
            for u in m.preds_of(v) {
                if let Some(slot) = out.get_mut(u as usize)
                    && !*slot
                {
                    *slot = true;
                    queue.push(u);
                }
            }
        }
        out
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
    use accord_model::Dataset;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn dataset() -> Dataset {
        let mut ds = Dataset::default();
        ds.parties
            .push(serde_json::from_str(r#"{"id":"a","kind":"country","name":"A"}"#).unwrap());
        for (id, kind) in [("news", "news"), ("gov", "official")] {
            let text =
                format!(r#"{{"id":"{id}","kind":"{kind}","title":"T","published":"2025-01-01"}}"#);
            ds.sources.push(serde_json::from_str(&text).unwrap());
        }
        for (id, activation) in [("x", Some("operative(y)")), ("y", None), ("z", None)] {
            let act = activation.map_or(String::new(), |a| format!(r#","activation":"{a}""#));
            let text =
                format!(r#"{{"id":"{id}","kind":"framework","name":"{id}","parties":["a"]{act}}}"#);
            ds.instruments.push(serde_json::from_str(&text).unwrap());
        }
        ds.links.push(
            serde_json::from_str(
                r#"{"id":"l1","kind":"linked_to","from":"y","to":"z","condition":"after(2030-01-01)"}"#,
            )
            .unwrap(),
        );
        ds.links.push(
            serde_json::from_str(r#"{"id":"l2","kind":"conditional_on","from":"x","to":"y"}"#)
                .unwrap(),
        );
        let claims = [
            r#"{"id":"c2","about":"y","asserts":"status","value":"in force","valid":"2025-03-01","known":"2025-03-01","source":"news"}"#,
            r#"{"id":"c1","about":"y","asserts":"status","value":"suspended","valid":"2025-03-01","known":"2025-03-01","source":"news"}"#,
            r#"{"id":"c3","about":"y","asserts":"status","value":"signed","valid":"2025-02-01","known":"2025-02-01","source":"gov"}"#,
            r#"{"id":"c4","about":"z","asserts":"status","value":"signed","valid":"2025-02-01","known":"2025-02-01","source":"gov"}"#,
            r#"{"id":"c5","about":"z","asserts":"status","value":"stalled","valid":"2025-03-01","known":"2025-03-05","source":"gov"}"#,
            r#"{"id":"c6","about":"z","asserts":"statement","valid":"2025-04-01","known":"2025-04-01","source":"gov"}"#,
            r#"{"id":"c7","about":"x","asserts":"status","value":"agreed","valid":"2025-03-01","known":"2025-03-01","source":"gov","confidence":0.5}"#,
            r#"{"id":"c8","about":"z","asserts":"status","value":"signed","valid":"2025-03-01","known":"2025-03-06","source":"gov","retracts":"c5"}"#,
        ];
        for c in claims {
            ds.claims.push(serde_json::from_str(c).unwrap());
        }
        ds.reindex();
        ds
    }

    #[test]
    fn items_and_edges() {
        let e = Engine::new(&dataset());
        assert!(e.skipped().is_empty());
        assert_eq!(e.item_count(), 3);
        let ids: Vec<&str> = (0..3).map(|i| e.item_id(i)).collect();
        assert_eq!(ids, ["x", "y", "z"]);
        assert_eq!(e.item_id(99), "");
        // x → y twice (condition and link): one pair; y → z whatever the link's condition.
        assert_eq!(e.risk_edges(), vec![(0, 1), (1, 2)]);
    }

    #[test]
    fn claim_rows_describe_claims() {
        let e = Engine::new(&dataset());
        let rows = e.claim_rows();
        assert_eq!(rows.len(), 8);
        let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap().clone();
        let c1 = row("c1");
        assert_eq!(
            (c1.item, c1.has_status, c1.negative, c1.rank),
            (1, true, true, 3)
        );
        assert_eq!(c1.start, epoch_days(day("2025-03-01")));
        assert_eq!(c1.conf_micro, 1_000_000);
        assert_eq!(row("c7").conf_micro, 500_000);
        assert_eq!(row("c3").rank, 4);
        assert!(!row("c6").has_status);
        assert_eq!(row("c8").corrects, Some(row("c5").ix));
        let mut by_order: Vec<_> = rows.iter().map(|r| (r.id_order, r.id)).collect();
        by_order.sort();
        let ids: Vec<&str> = by_order.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"]);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r.ix as usize, i);
        }
    }

    #[test]
    fn latest_claims_follow_the_pick_order() {
        let e = Engine::new(&dataset());
        let rows = e.claim_rows();
        let id = |c: u32| rows.iter().find(|r| r.ix == c).unwrap().id;
        let at = |d: &str, k: &str| -> Vec<(u32, &str)> {
            e.latest_claims(day(d), day(k))
                .into_iter()
                .map(|(x, c)| (x, id(c)))
                .collect()
        };
        // y: c1 and c2 tie on start, known and rank: the smaller id wins. z on 2025-03-05:
        // c5 (stalled); from 2025-03-06 it is retracted by c8.
        assert_eq!(
            at("2025-03-05", "2025-03-05"),
            vec![(0, "c7"), (1, "c1"), (2, "c5")]
        );
        assert_eq!(
            at("2025-03-06", "2025-03-06"),
            vec![(0, "c7"), (1, "c1"), (2, "c8")]
        );
        // Known-at before the March claims: only February's.
        assert_eq!(at("2025-03-06", "2025-02-15"), vec![(1, "c3"), (2, "c4")]);
        // As of February with knowledge of March: the retraction is known, c5 does not apply.
        assert_eq!(at("2025-02-15", "2025-03-10"), vec![(1, "c3"), (2, "c4")]);
    }

    #[test]
    fn reaching_follows_edges_backwards() {
        let e = Engine::new(&dataset());
        assert_eq!(e.reaching(&[false, false, true]), vec![true, true, false]);
        assert_eq!(e.reaching(&[false, true]), vec![true, false, false]);
        assert_eq!(e.reaching(&[true, false, false]), vec![false, false, false]);
        assert_eq!(e.reaching(&[]), vec![false, false, false]);
    }
}
