//! The derivation at one `(D, K)`: a snapshot of every item's reported status, progress,
//! operative state and risk distance, built from scratch or kept up to date incrementally.
//! The rules are those of `docs/semantics.md`.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use accord_lang::{Level, Truth};
use accord_model::{ItemKind, Status};
use jiff::civil::Date;

use crate::cond::{self, Inputs, PairIx};
use crate::model::{ClaimIx, EdgeKind, Ix, Model, StoredClaim};

/// The value part of a reported status (what propagates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepVal {
    None,
    Status(Status),
    /// A contest: the bit `1 << status` is set for each side.
    Contested(u32),
}

/// What decided a reported status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Basis {
    None,
    /// A commitment with no evidence: open.
    Default,
    Claim(ClaimIx),
    /// A definition record (index into `Model::records[item]`).
    Def(u8),
    Hypo(ClaimIx),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rep {
    pub val: RepVal,
    pub basis: Basis,
}

/// How a component settled (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    None,
    Package(Ix),
    SelfSupporting,
    Unsettled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Op {
    pub t: Truth,
    pub flag: Flag,
}

pub(crate) const NO_PATH: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    pub d: Date,
    pub k: Date,
    pub rep: Vec<Rep>,
    pub concluded: Vec<bool>,
    pub progress: Vec<Option<Level>>,
    pub op: Vec<Op>,
    /// Whether each link's condition lets it bite (true unless the condition is false).
    pub link_bites: Vec<bool>,
    /// Shortest distance (edges) from each item to an item in trouble (0 for one in trouble).
    pub dist: Vec<u32>,
    /// When set, every value an update overwrites is logged here (what-if uses it to see
    /// exactly what changed and to look at the state before without copying it).
    pub journal: Option<Vec<Undo>>,
}

/// One overwritten value of a snapshot: where, and the value it held.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Undo {
    Rep(Ix, Rep),
    Concluded(Ix, bool),
    Progress(PairIx, Option<Level>),
    Op(Ix, Op),
    Bites(u32, bool),
    Dist(Ix, u32),
}

impl Undo {
    /// The item whose summary the change may touch directly.
    pub(crate) fn item(&self, m: &Model) -> Option<Ix> {
        match self {
            Undo::Rep(x, _) | Undo::Concluded(x, _) | Undo::Op(x, _) | Undo::Dist(x, _) => Some(*x),
            Undo::Bites(l, _) => m.links.get(*l as usize).map(|l| l.from),
            Undo::Progress(..) => None,
        }
    }
}

fn swap_slot<T: Copy>(v: &mut [T], i: usize, val: &mut T) {
    if let Some(slot) = v.get_mut(i) {
        std::mem::swap(slot, val);
    }
}

pub(crate) fn mask(s: Status) -> u32 {
    1u32 << (s as u32)
}

pub(crate) fn statuses_of(mask: u32) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|s| mask & (1u32 << (*s as u32)) != 0)
        .collect()
}

fn negative_mask() -> u32 {
    Status::ALL
        .into_iter()
        .filter(|s| s.is_negative())
        .fold(0, |m, s| m | mask(s))
}

/// The statuses that stop an item of a kind from being operative.
pub(crate) fn stop_mask(kind: ItemKind) -> u32 {
    use Status as S;
    let list: &[Status] = match kind {
        ItemKind::Instrument => &[S::Suspended, S::Discontinued, S::Superseded],
        ItemKind::Track | ItemKind::Package => &[S::Stalled, S::Suspended, S::Discontinued],
        ItemKind::Commitment => &[S::Withdrawn],
        ItemKind::Pledge => &[S::Suspended, S::Withdrawn],
    };
    list.iter().fold(0, |m, s| m | mask(*s))
}

// ---------------------------------------------------------------------------
// Evidence.
// ---------------------------------------------------------------------------

/// Whether claim `c` is withdrawn at `k` by a correction (§1).
pub(crate) fn withdrawn(m: &Model, c: ClaimIx, k: Date) -> bool {
    // Most claims are corrected by nothing.
    if m.claim(c).is_none_or(|s| !s.corrected) {
        return false;
    }
    // Post-order over the tree of correctors with an explicit stack:
    // withdrawn(c) = some eligible corrector r of c is not withdrawn.
    let mut stack: Vec<(ClaimIx, usize)> = vec![(c, 0)];
    let mut ret: Option<bool> = None;
    while let Some(top) = stack.len().checked_sub(1) {
        let (node, mut i) = stack[top];
        if let Some(child_withdrawn) = ret.take()
            && !child_withdrawn
        {
            stack.pop();
            ret = Some(true);
            continue;
        }
        let cands = if m.claim(node).is_some_and(|s| s.corrected) {
            m.correctors.get(&node)
        } else {
            None
        };
        let mut pushed = None;
        while let Some(&r) = cands.and_then(|v| v.get(i)) {
            i += 1;
            if m.claim(r).is_some_and(|s| !s.in_cycle && s.known <= k) {
                pushed = Some(r);
                break;
            }
        }
        stack[top].1 = i;
        match pushed {
            Some(r) => stack.push((r, 0)),
            None => {
                stack.pop();
                ret = Some(false);
            }
        }
    }
    ret.unwrap_or(false)
}

/// The pick order (§2): `Greater` when `a` (index `ai`) is the better claim.
pub(crate) fn pick_cmp_ix(
    m: &Model,
    ai: ClaimIx,
    a: &StoredClaim,
    bi: ClaimIx,
    b: &StoredClaim,
) -> Ordering {
    a.start
        .cmp(&b.start)
        .then(a.known.cmp(&b.known))
        .then(a.rank.cmp(&b.rank))
        .then_with(|| m.claim_confidence(ai).total_cmp(&m.claim_confidence(bi)))
        .then_with(|| m.claim_id(bi).cmp(m.claim_id(ai)))
}

/// A record that applies (§1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rec {
    Def(u8),
    Hypo(ClaimIx),
}

/// The evidence that counts for one question about one item.
#[derive(Debug, Clone, Default)]
pub(crate) struct Picked {
    pub record: Option<(Rec, Date)>,
    /// The counted claims (one per voice, inside the window), best first.
    pub counted: Vec<ClaimIx>,
}

/// Which claims a question looks at.
#[derive(Clone, Copy)]
pub(crate) enum Ask<'a> {
    Status,
    Progress(Option<&'a str>),
}

impl Ask<'_> {
    fn wants(&self, m: &Model, s: &StoredClaim) -> bool {
        match self {
            Ask::Status => s.status.is_some(),
            Ask::Progress(by) => s.level.is_some() && m.claims.strings.get(s.by) == *by,
        }
    }
}

pub(crate) fn pick(m: &Model, x: Ix, d: Date, k: Date, ask: Ask<'_>) -> Picked {
    let mut out = Picked::default();
    let list = m.claims_of(x);
    // Records: definition dates, then hypotheses.
    if matches!(ask, Ask::Status)
        && let Some(recs) = m.records.get(x as usize)
    {
        for (i, r) in recs.iter().enumerate() {
            if r.date <= d && r.date <= k {
                let better = match out.record {
                    None => true,
                    Some((Rec::Def(j), date)) => {
                        let o = recs.get(j as usize).map_or(0, |x| x.order);
                        (r.date, r.order) > (date, o)
                    }
                    Some((Rec::Hypo(_), date)) => r.date > date,
                };
                if better {
                    out.record = Some((Rec::Def(i as u8), r.date));
                }
            }
        }
    }
    let end = list.partition_point(|c| c.start <= d);
    let hypos = m.hypo_count.get(x as usize).is_some_and(|h| *h > 0);
    for c in list[..end].iter().filter(|_| hypos).map(|sl| sl.ix) {
        let Some(s) = m.claim(c) else { continue };
        if !s.hypo || s.known > k || !ask.wants(m, s) || withdrawn(m, c, k) {
            continue;
        }
        let better = match out.record {
            None => true,
            Some((Rec::Def(_), date)) => s.start >= date,
            Some((Rec::Hypo(h), _)) => m
                .claim(h)
                .is_none_or(|o| pick_cmp_ix(m, c, s, h, o) == Ordering::Greater),
        };
        if better {
            out.record = Some((Rec::Hypo(c), s.start));
        }
    }
    let t0 = out.record.map(|(_, date)| date);
    let span = m.max_span.get(x as usize).copied().unwrap_or(0);
    // The window's first day, and the first valid start that can still reach it (a claim
    // starting earlier than `cutoff` ends before the window: sorted by start, nothing
    // further back can reach into it).
    let mut lower: Option<(Date, Date)> = None;
    for sl in list[..end].iter().rev() {
        if let Some(t0) = t0
            && sl.start <= t0
        {
            break;
        }
        if let Some((lo, cutoff)) = lower {
            if sl.start < cutoff {
                break;
            }
            if sl.end < lo {
                continue;
            }
        }
        if sl.known > k {
            continue;
        }
        let c = sl.ix;
        let Some(s) = m.claim(c) else { continue };
        if s.hypo || !ask.wants(m, s) || withdrawn(m, c, k) {
            continue;
        }
        if lower.is_none() {
            let lo = s
                .start
                .checked_sub(jiff::Span::new().days(m.window_days))
                .unwrap_or(Date::MIN);
            let cutoff = lo
                .checked_sub(jiff::Span::new().days(span))
                .unwrap_or(Date::MIN);
            lower = Some((lo, cutoff));
        }
        match out
            .counted
            .iter_mut()
            .find(|e| m.claim(**e).is_some_and(|o| o.voice == s.voice))
        {
            Some(e) => {
                let ei = *e;
                if m.claim(ei)
                    .is_none_or(|o| pick_cmp_ix(m, c, s, ei, o) == Ordering::Greater)
                {
                    *e = c;
                }
            }
            None => out.counted.push(c),
        }
    }
    out.counted
        .sort_by(|a, b| match (m.claim(*a), m.claim(*b)) {
            (Some(x), Some(y)) => pick_cmp_ix(m, *b, y, *a, x),
            _ => Ordering::Equal,
        });
    out
}

pub(crate) fn reported(m: &Model, x: Ix, d: Date, k: Date) -> Rep {
    let p = pick(m, x, d, k, Ask::Status);
    rep_of(m, x, &p)
}

pub(crate) fn rep_of(m: &Model, x: Ix, p: &Picked) -> Rep {
    if p.counted.is_empty() {
        return match p.record {
            Some((Rec::Def(i), _)) => Rep {
                val: m
                    .records
                    .get(x as usize)
                    .and_then(|r| r.get(i as usize))
                    .map_or(RepVal::None, |r| RepVal::Status(r.status)),
                basis: Basis::Def(i),
            },
            Some((Rec::Hypo(c), _)) => Rep {
                val: m
                    .claim(c)
                    .and_then(|s| s.status)
                    .map_or(RepVal::None, RepVal::Status),
                basis: Basis::Hypo(c),
            },
            None => {
                if m.kind_of(x) == Some(ItemKind::Commitment) {
                    Rep {
                        val: RepVal::Status(Status::Open),
                        basis: Basis::Default,
                    }
                } else {
                    Rep {
                        val: RepVal::None,
                        basis: Basis::None,
                    }
                }
            }
        };
    }
    let all = p
        .counted
        .iter()
        .filter_map(|c| m.claim(*c).and_then(|s| s.status))
        .fold(0u32, |acc, s| acc | mask(s));
    let neg = negative_mask();
    if all & neg != 0 && all & !neg != 0 {
        return Rep {
            val: RepVal::Contested(all),
            basis: Basis::None,
        };
    }
    match p.counted.first().and_then(|c| m.claim(*c).map(|s| (c, s))) {
        Some((c, s)) => Rep {
            val: s.status.map_or(RepVal::None, RepVal::Status),
            basis: Basis::Claim(*c),
        },
        None => Rep {
            val: RepVal::None,
            basis: Basis::None,
        },
    }
}

/// Whether an instrument is concluded (§4): signed or in force, or said to be agreed.
pub(crate) fn concluded(m: &Model, x: Ix, d: Date, k: Date) -> bool {
    if m.kind_of(x) != Some(ItemKind::Instrument) {
        return false;
    }
    if m.records.get(x as usize).is_some_and(|recs| {
        recs.iter().any(|r| {
            matches!(r.status, Status::Signed | Status::InForce) && r.date <= d && r.date <= k
        })
    }) {
        return true;
    }
    concluding_claim(m, x, d, k).is_some()
}

pub(crate) fn concluding_claim(m: &Model, x: Ix, d: Date, k: Date) -> Option<ClaimIx> {
    let list = m.claims_of(x);
    let end = list.partition_point(|c| c.start <= d);
    list[..end]
        .iter()
        .rev()
        .filter(|sl| sl.known <= k)
        .map(|sl| sl.ix)
        .find(|c| {
            m.claim(*c).is_some_and(|s| {
                matches!(
                    s.status,
                    Some(Status::Agreed | Status::Signed | Status::InForce)
                ) && !withdrawn(m, *c, k)
            })
        })
}

/// Explicit progress evidence (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Explicit {
    None,
    Level(Level, bool),
    Contested,
}

pub(crate) fn explicit_progress(
    m: &Model,
    x: Ix,
    by: Option<&str>,
    d: Date,
    k: Date,
) -> (Explicit, Picked) {
    let p = pick(m, x, d, k, Ask::Progress(by));
    if p.counted.is_empty() {
        let e = match p.record {
            Some((Rec::Hypo(c), _)) => m
                .claim(c)
                .and_then(|s| s.level)
                .map_or(Explicit::None, |l| Explicit::Level(l, true)),
            _ => Explicit::None,
        };
        return (e, p);
    }
    let levels: BTreeSet<Level> = p
        .counted
        .iter()
        .filter_map(|c| m.claim(*c).and_then(|s| s.level))
        .collect();
    let e = if levels.len() > 1 {
        Explicit::Contested
    } else {
        levels
            .into_iter()
            .next()
            .map_or(Explicit::None, |l| Explicit::Level(l, false))
    };
    (e, p)
}

pub(crate) fn level_of(m: &Model, met: usize, n: usize) -> Level {
    let t = &m.ds.meta.progress;
    if n == 0 {
        return Level::None;
    }
    let f = met as f64 / n as f64;
    if f >= t.complete {
        Level::Complete
    } else if f >= t.substantial {
        Level::Substantial
    } else if f >= t.limited && met > 0 {
        Level::Limited
    } else {
        Level::None
    }
}

pub(crate) fn met_of(m: &Model, rep: &[Rep], x: Ix) -> Truth {
    if m.kind_of(x) != Some(ItemKind::Commitment) {
        return Truth::Unknown;
    }
    match rep.get(x as usize).map(|r| r.val) {
        Some(RepVal::Status(Status::Met)) => Truth::True,
        Some(RepVal::Contested(_)) => Truth::Unknown,
        _ => Truth::False,
    }
}

/// The computed progress over a set of commitments: (met, unknown).
pub(crate) fn count_met(m: &Model, rep: &[Rep], set: &[Ix]) -> (usize, usize) {
    let mut met = 0;
    let mut unknown = 0;
    for c in set {
        match met_of(m, rep, *c) {
            Truth::True => met += 1,
            Truth::Unknown => unknown += 1,
            Truth::False => {}
        }
    }
    (met, unknown)
}

pub(crate) fn progress_for(
    m: &Model,
    rep: &[Rep],
    x: Ix,
    by: Option<&str>,
    set: &[Ix],
    d: Date,
    k: Date,
) -> Option<Level> {
    let (explicit, _) = explicit_progress(m, x, by, d, k);
    if let Explicit::Level(l, true) = explicit {
        return Some(l);
    }
    if !set.is_empty() {
        let (met, unknown) = count_met(m, rep, set);
        let lo = level_of(m, met, set.len());
        let hi = level_of(m, met + unknown, set.len());
        return (lo == hi).then_some(lo);
    }
    match explicit {
        Explicit::Level(l, _) => Some(l),
        _ => None,
    }
}

fn progress_pair(m: &Model, rep: &[Rep], p: PairIx, d: Date, k: Date) -> Option<Level> {
    let (x, by) = m.pairs.get(p as usize)?;
    let set = m.pair_sets.row(p as usize);
    progress_for(m, rep, *x, by.as_deref(), set, d, k)
}

// ---------------------------------------------------------------------------
// Operative.
// ---------------------------------------------------------------------------

pub(crate) struct Env<'a> {
    pub m: &'a Model,
    pub s: &'a Snapshot,
    pub get: &'a dyn Fn(Ix) -> Truth,
}

impl Inputs for Env<'_> {
    fn as_of(&self) -> Date {
        self.s.d
    }
    fn status(&self, x: Ix) -> Option<Status> {
        match self.s.rep.get(x as usize).map(|r| r.val) {
            Some(RepVal::Status(s)) => Some(s),
            _ => None,
        }
    }
    fn progress(&self, p: PairIx) -> Option<Level> {
        self.s.progress.get(p as usize).copied().flatten()
    }
    fn operative(&self, x: Ix) -> Truth {
        (self.get)(x)
    }
    fn met(&self, x: Ix) -> Truth {
        met_of(self.m, &self.s.rep, x)
    }
}

pub(crate) fn standing(m: &Model, rep: &Rep, x: Ix) -> Truth {
    let Some(kind) = m.kind_of(x) else {
        return Truth::Unknown;
    };
    let stop = stop_mask(kind);
    match rep.val {
        RepVal::Status(s) if mask(s) & stop != 0 => Truth::False,
        RepVal::Contested(sides) if sides & stop != 0 => Truth::Unknown,
        _ => Truth::True,
    }
}

/// The conjunction of §4 for one item, reading other items' operative states through `get`.
pub(crate) fn op_eval(m: &Model, s: &Snapshot, x: Ix, get: &dyn Fn(Ix) -> Truth) -> Truth {
    let env = Env { m, s, get };
    let xi = x as usize;
    let mut t = Truth::True;
    if let Some(Some(c)) = m.conds.get(xi) {
        t = t.and(cond::eval(&c.cond, &env));
    }
    if m.kind_of(x) == Some(ItemKind::Instrument) {
        t = t.and(Truth::from(s.concluded.get(xi).copied().unwrap_or(false)));
    }
    if let Some(rep) = s.rep.get(xi) {
        t = t.and(standing(m, rep, x));
    }
    for li in m.cond_links.get(xi).into_iter().flatten() {
        let Some(l) = m.links.get(*li as usize) else {
            continue;
        };
        let mut v = get(l.to);
        if let Some(c) = &l.cond {
            v = (!cond::eval(&c.cond, &env)).or(v);
        }
        t = t.and(v);
    }
    for mem in m.members.get(xi).into_iter().flatten() {
        t = t.and(get(*mem));
    }
    t
}

/// Solves one component (§4.1); returns the members whose value changed.
pub(crate) fn solve_scc(m: &Model, s: &mut Snapshot, si: usize) -> Vec<Ix> {
    let Some(members) = m.sccs.get(si) else {
        return Vec::new();
    };
    let trivial = members.len() == 1 && !m.scc_loops.get(si).copied().unwrap_or(false);
    let new: Vec<Op> = if trivial {
        let x = members[0];
        let ops = &s.op;
        let t = op_eval(m, s, x, &|y| {
            ops.get(y as usize).map_or(Truth::Unknown, |o| o.t)
        });
        vec![Op {
            t,
            flag: Flag::None,
        }]
    } else {
        solve_loop(m, s, si, members)
    };
    let mut changed = Vec::new();
    for (x, op) in members.iter().zip(new) {
        if let Some(slot) = s.op.get_mut(*x as usize)
            && *slot != op
        {
            if let Some(j) = &mut s.journal {
                j.push(Undo::Op(*x, *slot));
            }
            *slot = op;
            changed.push(*x);
        }
    }
    changed
}

fn run(m: &Model, s: &Snapshot, si: usize, members: &[Ix], init: Truth) -> Option<Vec<Truth>> {
    let n = members.len();
    let mut cur = vec![init; n];
    for _ in 0..(2 * n + 2) {
        let next: Vec<Truth> = members
            .iter()
            .map(|x| {
                let get = |y: Ix| -> Truth {
                    if m.scc_of.get(y as usize).copied() == Some(si as u32) {
                        m.scc_pos
                            .get(y as usize)
                            .and_then(|p| cur.get(*p as usize))
                            .copied()
                            .unwrap_or(Truth::Unknown)
                    } else {
                        s.op.get(y as usize).map_or(Truth::Unknown, |o| o.t)
                    }
                };
                op_eval(m, s, *x, &get)
            })
            .collect();
        if next == cur {
            return Some(cur);
        }
        cur = next;
    }
    None
}

/// The same fixed points as `run` for a monotone component, with a worklist: each member is
/// re-evaluated only when a member it reads changed.
fn run_worklist(m: &Model, s: &Snapshot, si: usize, members: &[Ix], init: Truth) -> Vec<Truth> {
    let n = members.len();
    let mut cur = vec![init; n];
    let mut queued = vec![true; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).collect();
    let pos_of = |y: Ix| -> Option<usize> {
        (m.scc_of.get(y as usize).copied() == Some(si as u32))
            .then(|| m.scc_pos.get(y as usize).map(|p| *p as usize))
            .flatten()
    };
    while let Some(p) = queue.pop_front() {
        queued[p] = false;
        let x = members[p];
        let new = {
            let get = |y: Ix| -> Truth {
                match pos_of(y) {
                    Some(q) => cur.get(q).copied().unwrap_or(Truth::Unknown),
                    None => s.op.get(y as usize).map_or(Truth::Unknown, |o| o.t),
                }
            };
            op_eval(m, s, x, &get)
        };
        if new != cur[p] {
            cur[p] = new;
            for r in m.op_rdeps.get(x as usize).into_iter().flatten() {
                if let Some(q) = pos_of(*r)
                    && !queued[q]
                {
                    queued[q] = true;
                    queue.push_back(q);
                }
            }
        }
    }
    cur
}

fn solve_loop(m: &Model, s: &Snapshot, si: usize, members: &[Ix]) -> Vec<Op> {
    let monotone = m.scc_monotone.get(si).copied().unwrap_or(false);
    let runs = if monotone {
        (
            Some(run_worklist(m, s, si, members, Truth::False)),
            Some(run_worklist(m, s, si, members, Truth::True)),
        )
    } else {
        (
            run(m, s, si, members, Truth::False),
            run(m, s, si, members, Truth::True),
        )
    };
    let (Some(lfp), Some(gfp)) = runs else {
        return members
            .iter()
            .map(|_| Op {
                t: Truth::Unknown,
                flag: Flag::Unsettled,
            })
            .collect();
    };
    let differ: Vec<Ix> = members
        .iter()
        .zip(lfp.iter().zip(&gfp))
        .filter(|(_, (a, b))| a != b)
        .map(|(x, _)| *x)
        .collect();
    let package = differ.first().and_then(|first| {
        let mut cands: Vec<Ix> = m.packages_of.row(*first as usize).to_vec();
        if m.kind_of(*first) == Some(ItemKind::Package) {
            cands.push(*first);
        }
        cands.sort_unstable();
        cands.into_iter().find(|p| {
            differ.iter().all(|x| {
                x == p
                    || m.packages_of
                        .get(*x as usize)
                        .is_some_and(|ps| ps.contains(p))
            })
        })
    });
    members
        .iter()
        .zip(lfp.iter().zip(&gfp))
        .map(|(_, (a, b))| {
            if a == b {
                Op {
                    t: *a,
                    flag: Flag::None,
                }
            } else {
                match package {
                    Some(p) => Op {
                        t: *b,
                        flag: Flag::Package(p),
                    },
                    None => Op {
                        t: Truth::Unknown,
                        flag: Flag::SelfSupporting,
                    },
                }
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Risk.
// ---------------------------------------------------------------------------

pub(crate) fn trouble(m: &Model, s: &Snapshot, y: Ix) -> bool {
    let neg = negative_mask();
    let rep_bad = match s.rep.get(y as usize).map(|r| r.val) {
        Some(RepVal::Status(st)) => st.is_negative(),
        Some(RepVal::Contested(sides)) => sides & neg != 0,
        _ => false,
    };
    let _ = m;
    rep_bad || s.op.get(y as usize).is_some_and(|o| o.t == Truth::False)
}

pub(crate) fn edge_followed(s: &Snapshot, e: &crate::model::Edge) -> bool {
    match e.kind {
        EdgeKind::ConditionalOn | EdgeKind::LinkedTo => {
            s.link_bites.get(e.detail as usize).copied().unwrap_or(true)
        }
        _ => true,
    }
}

fn link_bites(m: &Model, s: &Snapshot) -> Vec<bool> {
    let ops = &s.op;
    let get = |y: Ix| ops.get(y as usize).map_or(Truth::Unknown, |o| o.t);
    let env = Env { m, s, get: &get };
    m.links
        .iter()
        .map(|l| match &l.cond {
            Some(c) => cond::eval(&c.cond, &env) != Truth::False,
            None => true,
        })
        .collect()
}

/// Lowers distances from new sources `(item, distance)`, breadth-first over reverse edges.
fn shorten(m: &Model, s: &mut Snapshot, sources: Vec<(Ix, u32)>) {
    let mut queue = std::collections::VecDeque::new();
    for (x, d) in sources {
        if let Some(slot) = s.dist.get_mut(x as usize)
            && d < *slot
        {
            if let Some(j) = &mut s.journal {
                j.push(Undo::Dist(x, *slot));
            }
            *slot = d;
            queue.push_back(x);
        }
    }
    // Distances pop in an order close to increasing; a node is re-queued whenever it improves,
    // so the result is the exact shortest distance.
    while let Some(v) = queue.pop_front() {
        let dv = s.dist.get(v as usize).copied().unwrap_or(NO_PATH);
        for r in m.redges_of(v) {
            let u = r.from;
            if redge_followed(s, r)
                && let Some(slot) = s.dist.get_mut(u as usize)
                && dv + 1 < *slot
            {
                if let Some(j) = &mut s.journal {
                    j.push(Undo::Dist(u, *slot));
                }
                *slot = dv + 1;
                queue.push_back(u);
            }
        }
    }
}

/// Whether the edge behind a reverse edge is followed (see `edge_followed`).
pub(crate) fn redge_followed(s: &Snapshot, r: &crate::model::REdge) -> bool {
    r.link == crate::model::NO_LINK || s.link_bites.get(r.link as usize).copied().unwrap_or(true)
}

/// Raises distances after items left trouble or edges stopped being followed (`starts`: those
/// items and the sources of those edges). Only the items whose shortest path relied on a lost
/// target or edge are recomputed: first the *affected* ones are found in order of their old
/// distance (an item stays valid when a followed edge leads to a valid item one step closer),
/// then their distances are rebuilt from the valid items around them, nearest first.
/// Afterwards every distance is realised by a path and locally consistent except at new
/// targets and newly followed edges, which `shorten` handles.
fn lengthen(m: &Model, s: &mut Snapshot, starts: &[Ix]) {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashSet};
    let mut heap: BinaryHeap<Reverse<(u32, Ix)>> = BinaryHeap::new();
    for x in starts {
        if let Some(d) = s.dist.get(*x as usize)
            && *d != NO_PATH
        {
            heap.push(Reverse((*d, *x)));
        }
    }
    let mut affected: HashSet<Ix> = HashSet::new();
    let mut order: Vec<Ix> = Vec::new();
    while let Some(Reverse((dx, x))) = heap.pop() {
        if affected.contains(&x) || s.dist.get(x as usize) != Some(&dx) || trouble(m, s, x) {
            continue;
        }
        let supported = dx > 0
            && m.edges_of(x).iter().any(|e| {
                edge_followed(s, e)
                    && !affected.contains(&e.to)
                    && s.dist
                        .get(e.to as usize)
                        .is_some_and(|dv| dv.checked_add(1) == Some(dx))
            });
        if supported {
            continue;
        }
        affected.insert(x);
        order.push(x);
        for r in m.redges_of(x) {
            if s.dist.get(r.from as usize) == Some(&(dx + 1)) && redge_followed(s, r) {
                heap.push(Reverse((dx + 1, r.from)));
            }
        }
    }
    if order.is_empty() {
        return;
    }
    for x in &order {
        if let Some(slot) = s.dist.get_mut(*x as usize) {
            if let Some(j) = &mut s.journal {
                j.push(Undo::Dist(*x, *slot));
            }
            *slot = NO_PATH;
        }
    }
    // Estimates from the valid neighbours, then nearest first within the affected region.
    for x in &order {
        let best = m
            .edges_of(*x)
            .iter()
            .filter(|e| edge_followed(s, e) && !affected.contains(&e.to))
            .filter_map(|e| s.dist.get(e.to as usize).copied())
            .filter(|d| *d != NO_PATH)
            .min();
        if let Some(b) = best {
            heap.push(Reverse((b + 1, *x)));
        }
    }
    while let Some(Reverse((dx, x))) = heap.pop() {
        match s.dist.get_mut(x as usize) {
            Some(slot) if dx < *slot => *slot = dx,
            _ => continue,
        }
        for r in m.redges_of(x) {
            let u = r.from;
            if affected.contains(&u)
                && s.dist.get(u as usize).is_some_and(|du| dx + 1 < *du)
                && redge_followed(s, r)
            {
                heap.push(Reverse((dx + 1, u)));
            }
        }
    }
}

fn compute_dist(m: &Model, s: &Snapshot) -> Vec<u32> {
    let n = m.items.len();
    let mut dist = vec![NO_PATH; n];
    // Breadth-first over a flat queue: the items in trouble, then each level in turn.
    let mut queue: Vec<Ix> = Vec::with_capacity(n);
    for (y, slot) in dist.iter_mut().enumerate() {
        if trouble(m, s, y as Ix) {
            *slot = 0;
            queue.push(y as Ix);
        }
    }
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let dv = dist.get(v as usize).copied().unwrap_or(NO_PATH);
        for r in m.redges_of(v) {
            if let Some(slot) = dist.get_mut(r.from as usize)
                && *slot == NO_PATH
                && redge_followed(s, r)
            {
                *slot = dv + 1;
                queue.push(r.from);
            }
        }
    }
    dist
}

/// The risk path from `x` (§5): the edges taken, or `None` when `x` is not at risk.
pub(crate) fn risk_path(m: &Model, s: &Snapshot, x: Ix) -> Option<Vec<crate::model::Edge>> {
    if s.dist.get(x as usize) == Some(&0) {
        // `x` is itself in trouble: the distances above count it as a target, so search
        // from `x` for another item in trouble.
        return local_risk_path(m, s, x);
    }
    let edges = m.risk_edges.get(x as usize)?;
    let best = edges
        .iter()
        .filter(|e| edge_followed(s, e))
        .filter_map(|e| {
            let dd = s.dist.get(e.to as usize).copied().unwrap_or(NO_PATH);
            (dd != NO_PATH).then_some((dd, e))
        })
        .min_by_key(|(dd, e)| (*dd, e.to))?;
    let mut path = vec![*best.1];
    let mut cur = best.1.to;
    let mut dcur = best.0;
    while dcur > 0 {
        let next = m.risk_edges.get(cur as usize).and_then(|es| {
            es.iter().find(|e| {
                edge_followed(s, e) && s.dist.get(e.to as usize).copied() == Some(dcur - 1)
            })
        })?;
        path.push(*next);
        cur = next.to;
        dcur -= 1;
    }
    Some(path)
}

/// The risk path of an item that is itself in trouble: breadth-first from `x`, never back
/// into `x`, then the first path in dataset order among the shortest.
fn local_risk_path(m: &Model, s: &Snapshot, x: Ix) -> Option<Vec<crate::model::Edge>> {
    use std::collections::HashMap;
    let mut level: HashMap<Ix, usize> = HashMap::new();
    level.insert(x, 0);
    let mut layers: Vec<Vec<Ix>> = vec![vec![x]];
    let target;
    loop {
        let depth = layers.len() - 1;
        let mut next = Vec::new();
        for v in layers.last().into_iter().flatten() {
            for e in m.risk_edges.get(*v as usize).into_iter().flatten() {
                if e.to != x && edge_followed(s, e) && !level.contains_key(&e.to) {
                    level.insert(e.to, depth + 1);
                    next.push(e.to);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        let hit = next.iter().any(|y| trouble(m, s, *y));
        layers.push(next);
        if hit {
            target = depth + 1;
            break;
        }
    }
    // Which nodes lead, one level at a time, to an item in trouble on the last level.
    let mut good: std::collections::HashSet<Ix> = layers
        .get(target)
        .into_iter()
        .flatten()
        .copied()
        .filter(|y| trouble(m, s, *y))
        .collect();
    for i in (1..target).rev() {
        for v in layers.get(i).into_iter().flatten() {
            let leads = m
                .risk_edges
                .get(*v as usize)
                .into_iter()
                .flatten()
                .any(|e| {
                    edge_followed(s, e)
                        && level.get(&e.to) == Some(&(i + 1))
                        && good.contains(&e.to)
                });
            if leads {
                good.insert(*v);
            }
        }
    }
    let mut path = Vec::new();
    let mut cur = x;
    for i in 0..target {
        let e = m.risk_edges.get(cur as usize).and_then(|es| {
            es.iter().find(|e| {
                edge_followed(s, e) && level.get(&e.to) == Some(&(i + 1)) && good.contains(&e.to)
            })
        })?;
        path.push(*e);
        cur = e.to;
    }
    Some(path)
}

// ---------------------------------------------------------------------------
// Whole snapshots and incremental updates.
// ---------------------------------------------------------------------------

/// Below this many items a whole derivation picks on one thread.
const PARALLEL_MIN_ITEMS: usize = 20_000;

/// The reported status and whether it is concluded, of the items `range`.
fn evidence_range(m: &Model, range: std::ops::Range<usize>, d: Date, k: Date) -> Vec<(Rep, bool)> {
    range
        .map(|x| (reported(m, x as Ix, d, k), concluded(m, x as Ix, d, k)))
        .collect()
}

/// The reported status and concluded flag of every item. Each item's pick reads only its
/// own claims, so the items are split between two threads when there are many.
fn evidence(m: &Model, d: Date, k: Date) -> (Vec<Rep>, Vec<bool>) {
    evidence_split(m, d, k, PARALLEL_MIN_ITEMS)
}

fn evidence_split(m: &Model, d: Date, k: Date, min_items: usize) -> (Vec<Rep>, Vec<bool>) {
    let n = m.items.len();
    let parts: Vec<(Rep, bool)> = if n >= min_items {
        let mid = n / 2;
        std::thread::scope(|scope| {
            // `Builder::spawn_scoped` reports a thread that cannot be created instead of
            // panicking: then this thread derives both halves.
            let second = std::thread::Builder::new()
                .spawn_scoped(scope, || evidence_range(m, mid..n, d, k))
                .ok();
            let mut first = evidence_range(m, 0..mid, d, k);
            match second.map(|h| h.join()) {
                Some(Ok(rest)) => first.extend(rest),
                // The thread cannot panic on input (no panics in library code); should it
                // fail anyway, or not start, the second half is derived here.
                _ => first.extend(evidence_range(m, mid..n, d, k)),
            }
            first
        })
    } else {
        evidence_range(m, 0..n, d, k)
    };
    parts.into_iter().unzip()
}

impl Snapshot {
    /// Swaps every journaled slot with its logged value: run backwards it turns the snapshot
    /// into the one before the journaled updates (and the log into their results), run
    /// forwards again it restores it.
    pub(crate) fn swap_journal(&mut self, j: &mut [Undo], backwards: bool) {
        let mut one = |u: &mut Undo| match u {
            Undo::Rep(x, v) => swap_slot(&mut self.rep, *x as usize, v),
            Undo::Concluded(x, v) => swap_slot(&mut self.concluded, *x as usize, v),
            Undo::Progress(p, v) => swap_slot(&mut self.progress, *p as usize, v),
            Undo::Op(x, v) => swap_slot(&mut self.op, *x as usize, v),
            Undo::Bites(l, v) => swap_slot(&mut self.link_bites, *l as usize, v),
            Undo::Dist(x, v) => swap_slot(&mut self.dist, *x as usize, v),
        };
        if backwards {
            j.iter_mut().rev().for_each(&mut one);
        } else {
            j.iter_mut().for_each(&mut one);
        }
    }

    pub(crate) fn derive(m: &Model, d: Date, k: Date) -> Snapshot {
        let n = m.items.len();
        let (rep, concluded) = evidence(m, d, k);
        let progress = (0..m.pairs.len())
            .map(|p| progress_pair(m, &rep, p as PairIx, d, k))
            .collect();
        let mut s = Snapshot {
            d,
            k,
            rep,
            concluded,
            progress,
            op: vec![
                Op {
                    t: Truth::Unknown,
                    flag: Flag::None,
                };
                n
            ],
            link_bites: Vec::new(),
            dist: Vec::new(),
            journal: None,
        };
        for si in 0..m.sccs.len() {
            // Most components are one item that does not read itself: evaluated directly
            // (its dependencies come first), without the loop machinery.
            match m.sccs.get(si) {
                Some(&[x]) if !m.scc_loops.get(si).copied().unwrap_or(false) => {
                    let ops = &s.op;
                    let t = op_eval(m, &s, x, &|y| {
                        ops.get(y as usize).map_or(Truth::Unknown, |o| o.t)
                    });
                    if let Some(slot) = s.op.get_mut(x as usize) {
                        slot.t = t;
                    }
                }
                _ => {
                    solve_scc(m, &mut s, si);
                }
            }
        }
        s.link_bites = link_bites(m, &s);
        s.dist = compute_dist(m, &s);
        s
    }

    /// Re-derives what depends on the claims of `touched` items (§9).
    pub(crate) fn update(&mut self, m: &Model, touched: &[Ix]) {
        let (d, k) = (self.d, self.k);
        let mut dirty: BTreeSet<u32> = BTreeSet::new();
        let mut pairs: BTreeSet<PairIx> = BTreeSet::new();
        let mut changed_items: Vec<Ix> = Vec::new();
        let mut changed_pairs: Vec<PairIx> = Vec::new();
        let mut trouble_before: Vec<(Ix, bool)> = Vec::new();
        for &x in touched {
            let xi = x as usize;
            let new_rep = reported(m, x, d, k);
            let new_conc = concluded(m, x, d, k);
            let old_rep = self.rep.get(xi).copied();
            let old_conc = self.concluded.get(xi).copied();
            if old_rep.map(|r| r.val) != Some(new_rep.val) {
                trouble_before.push((x, trouble(m, self, x)));
                changed_items.push(x);
                for r in m.readers.get(xi).into_iter().flatten() {
                    if let Some(si) = m.scc_of.get(*r as usize) {
                        dirty.insert(*si);
                    }
                }
                pairs.extend(m.pairs_of_commitment.get(xi).into_iter().flatten());
                if let Some(si) = m.scc_of.get(xi) {
                    dirty.insert(*si);
                }
            }
            if old_conc != Some(new_conc)
                && let Some(si) = m.scc_of.get(xi)
            {
                dirty.insert(*si);
            }
            if let Some(slot) = self.rep.get_mut(xi)
                && *slot != new_rep
            {
                if let Some(j) = &mut self.journal {
                    j.push(Undo::Rep(x, *slot));
                }
                *slot = new_rep;
            }
            if let Some(slot) = self.concluded.get_mut(xi)
                && *slot != new_conc
            {
                if let Some(j) = &mut self.journal {
                    j.push(Undo::Concluded(x, *slot));
                }
                *slot = new_conc;
            }
            pairs.extend(m.pairs_of_item.get(xi).into_iter().flatten());
        }
        for p in pairs {
            let v = progress_pair(m, &self.rep, p, d, k);
            if let Some(slot) = self.progress.get_mut(p as usize)
                && *slot != v
            {
                changed_pairs.push(p);
                if let Some(j) = &mut self.journal {
                    j.push(Undo::Progress(p, *slot));
                }
                *slot = v;
                for r in m.pair_readers.get(p as usize).into_iter().flatten() {
                    if let Some(si) = m.scc_of.get(*r as usize) {
                        dirty.insert(*si);
                    }
                }
            }
        }
        while let Some(si) = dirty.pop_first() {
            let before: Vec<(Ix, bool)> = m
                .sccs
                .get(si as usize)
                .into_iter()
                .flatten()
                .map(|x| (*x, trouble(m, self, *x)))
                .collect();
            let changed = solve_scc(m, self, si as usize);
            for x in &changed {
                if let Some(b) = before.iter().find(|(y, _)| y == x) {
                    trouble_before.push(*b);
                }
                changed_items.push(*x);
                for r in m.op_rdeps.get(*x as usize).into_iter().flatten() {
                    if let Some(rs) = m.scc_of.get(*r as usize) {
                        dirty.insert(*rs);
                    }
                }
            }
        }
        if changed_items.is_empty() && changed_pairs.is_empty() {
            return;
        }
        // Items that entered trouble only shorten distances: a breadth-first pass from them
        // suffices. Items leaving trouble and links that stop biting can lengthen them: then
        // only the items whose shortest path went through them are recomputed (`lengthen`).
        let mut first_before: Vec<(Ix, bool)> = Vec::new();
        for (x, b) in trouble_before {
            if !first_before.iter().any(|(y, _)| *y == x) {
                first_before.push((x, b));
            }
        }
        let mut starts: Vec<Ix> = Vec::new();
        let mut sources: Vec<(Ix, u32)> = Vec::new();
        for (x, before) in first_before {
            let now = trouble(m, self, x);
            if now && !before {
                sources.push((x, 0));
            } else if before && !now {
                starts.push(x);
            }
        }
        let mut bite_on: Vec<usize> = Vec::new();
        if !m.conditional_links.is_empty() {
            // Only links with a condition can change whether they bite.
            let ops = &self.op;
            let get = |y: Ix| ops.get(y as usize).map_or(Truth::Unknown, |o| o.t);
            let env = Env {
                m,
                s: self,
                get: &get,
            };
            // Only the links reading an item or a progress value that changed.
            let mut cand: Vec<u32> = Vec::new();
            for x in &changed_items {
                cand.extend(m.link_readers.get(*x as usize).into_iter().flatten());
            }
            for p in &changed_pairs {
                cand.extend(m.pair_link_readers.get(*p as usize).into_iter().flatten());
            }
            cand.sort_unstable();
            cand.dedup();
            let mut flips = Vec::new();
            for li in &cand {
                if let Some(c) = m.links.get(*li as usize).and_then(|l| l.cond.as_ref()) {
                    let bites = cond::eval(&c.cond, &env) != Truth::False;
                    if self.link_bites.get(*li as usize).copied() != Some(bites) {
                        flips.push((*li as usize, bites));
                    }
                }
            }
            for (li, bites) in flips {
                if let Some(slot) = self.link_bites.get_mut(li) {
                    if let Some(j) = &mut self.journal {
                        j.push(Undo::Bites(li as u32, *slot));
                    }
                    *slot = bites;
                }
                if bites {
                    bite_on.push(li);
                } else if let Some(l) = m.links.get(li) {
                    starts.push(l.from);
                }
            }
        }
        if !starts.is_empty() {
            lengthen(m, self, &starts);
        }
        for li in bite_on {
            if let Some(l) = m.links.get(li) {
                let dt = self.dist.get(l.to as usize).copied().unwrap_or(NO_PATH);
                if dt != NO_PATH {
                    sources.push((l.from, dt + 1));
                }
            }
        }
        if !sources.is_empty() {
            shorten(m, self, sources);
        }
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

    /// The evidence of every item is the same whether the items are split between two
    /// threads or not (the differential tests only build small worlds: one thread).
    #[test]
    fn evidence_on_two_threads_equals_one() {
        let loaded = accord_dataset::load_bundled("us-uk").expect("the bundled dataset exists");
        let ds = loaded.into_result().expect("the bundled dataset is valid");
        let mut m = Model::new(&ds);
        for c in &ds.claims {
            let _ = m.insert_claim(c, false);
        }
        m.resolve_corrections();
        let d = Date::new(2025, 9, 1).unwrap();
        assert_eq!(
            evidence_split(&m, d, d, 0),
            evidence_split(&m, d, d, usize::MAX)
        );
    }
}
