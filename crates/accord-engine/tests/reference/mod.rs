//! A slow, obviously correct reference evaluator for docs/semantics.md.
//!
//! It works straight on the model's types with strings and recomputes everything from scratch
//! each time: no indices, no incremental state, conditions through `accord_lang::evaluate`,
//! components by mutual reachability, risk paths by enumerating paths. The differential
//! property test compares the engine with it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity,
    reason = "test code: a failed expectation should stop the test"
)]

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use accord_engine::{Loop, Reported, Summary};
use accord_lang::{Env, Function, Level, Truth};
use accord_model::{
    Asserts, Claim, Dataset, Decimal, ItemKind, LinkKind, PledgeKind, SourceKind, Status,
};
use jiff::civil::Date;

pub struct Input<'a> {
    pub ds: &'a Dataset,
    /// Every claim with whether it is a hypothesis.
    pub claims: Vec<(Claim, bool)>,
    pub d: Date,
    pub k: Date,
}

pub struct Output {
    pub summaries: Vec<Summary>,
    /// progress(item, by) for every item and by in {none, "a", "b"}.
    pub progress: BTreeMap<(String, Option<String>), Option<Level>>,
    /// Exposed pledge ids, and the totals per currency.
    pub exposed: Vec<String>,
    pub totals: BTreeMap<String, Decimal>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Val {
    None,
    Status(Status),
    Contested(u32),
}

struct Ref<'a> {
    i: &'a Input<'a>,
    items: Vec<(String, ItemKind)>,
    vocab: accord_model::Vocabulary,
    rep: BTreeMap<String, Val>,
    op: BTreeMap<String, (Truth, Option<Loop>)>,
}

fn stops(kind: ItemKind) -> Vec<Status> {
    use Status as S;
    match kind {
        ItemKind::Instrument => vec![S::Suspended, S::Discontinued, S::Superseded],
        ItemKind::Track | ItemKind::Package => vec![S::Stalled, S::Suspended, S::Discontinued],
        ItemKind::Commitment => vec![S::Withdrawn],
        ItemKind::Pledge => vec![S::Suspended, S::Withdrawn],
    }
}

fn bit(s: Status) -> u32 {
    1 << (s as u32)
}

impl<'a> Ref<'a> {
    fn kind(&self, id: &str) -> Option<ItemKind> {
        self.items.iter().find(|(x, _)| x == id).map(|(_, k)| *k)
    }

    fn index(&self, id: &str) -> usize {
        self.items
            .iter()
            .position(|(x, _)| x == id)
            .unwrap_or(usize::MAX)
    }

    fn status_of(&self, c: &Claim) -> Option<Status> {
        let kind = self.kind(&c.about)?;
        match c.asserts {
            Asserts::Status => self
                .vocab
                .canonical(kind, c.value.as_deref()?)
                .map(|m| m.status),
            Asserts::Met if kind == ItemKind::Commitment => Some(Status::Met),
            Asserts::Missed if kind == ItemKind::Commitment => Some(Status::Missed),
            _ => None,
        }
    }

    fn level_of(c: &Claim) -> Option<Level> {
        if c.asserts == Asserts::Progress {
            c.value.as_deref()?.parse().ok()
        } else {
            None
        }
    }

    fn in_cycle(&self, c: &Claim) -> bool {
        let mut cur = c.corrects().cloned();
        for _ in 0..=self.i.claims.len() {
            let Some(t) = cur else { return false };
            if t == c.id {
                return true;
            }
            cur = self
                .i
                .claims
                .iter()
                .find(|(x, _)| x.id == t)
                .and_then(|(x, _)| x.corrects().cloned());
        }
        false
    }

    fn withdrawn(&self, c: &Claim) -> bool {
        self.i.claims.iter().any(|(r, _)| {
            r.corrects() == Some(&c.id)
                && r.known <= self.i.k
                && !self.in_cycle(r)
                && !self.withdrawn(r)
        })
    }

    fn applies(&self, c: &Claim) -> bool {
        c.valid.start <= self.i.d && c.known <= self.i.k && !self.withdrawn(c)
    }

    fn rank(&self, c: &Claim, hypo: bool) -> u8 {
        if hypo {
            return 6;
        }
        match self.i.ds.source(&c.source).map(|s| s.kind) {
            Some(SourceKind::PrimaryDocument) => 5,
            Some(SourceKind::Official) => 4,
            Some(SourceKind::News) => 3,
            Some(SourceKind::Analysis) => 2,
            Some(SourceKind::Social) => 1,
            _ => 0,
        }
    }

    /// The pick order: Greater when a is better.
    fn better(&self, a: &(Claim, bool), b: &(Claim, bool)) -> Ordering {
        (a.0.valid.start, a.0.known, self.rank(&a.0, a.1))
            .cmp(&(b.0.valid.start, b.0.known, self.rank(&b.0, b.1)))
            .then(a.0.confidence.total_cmp(&b.0.confidence))
            .then_with(|| b.0.id.cmp(&a.0.id))
    }

    fn voice(&self, c: &Claim) -> String {
        match &c.speaker {
            Some(s) => format!("p:{s}"),
            None => match self.i.ds.source(&c.source).and_then(|s| s.outlet.clone()) {
                Some(o) => format!("p:{o}"),
                None => format!("s:{}", c.source),
            },
        }
    }

    fn def_records(&self, id: &str) -> Vec<(Date, Status, u8)> {
        let mut v = Vec::new();
        if let Some(ins) = self.i.ds.instrument(id) {
            for (d, s, o) in [
                (ins.announced, Status::Proposed, 0),
                (ins.signed, Status::Signed, 1),
                (ins.in_force, Status::InForce, 2),
                (ins.discontinued, Status::Discontinued, 3),
            ] {
                if let Some(d) = d {
                    v.push((d, s, o));
                }
            }
        }
        if let Some(p) = self.i.ds.pledge(id)
            && let Some(d) = p.announced
        {
            v.push((d, Status::Announced, 0));
        }
        v.retain(|(d, _, _)| *d <= self.i.d && *d <= self.i.k);
        v
    }

    /// (record date and value, counted claims best first) for a question.
    fn select<T: Copy + Ord>(
        &self,
        id: &str,
        value: &dyn Fn(&Claim) -> Option<T>,
        defs: Vec<(Date, T, u8)>,
    ) -> (Option<(Date, T)>, Vec<(Claim, bool)>) {
        let mut record: Option<(Date, T)> = None;
        let mut best_def: Option<(Date, u8, T)> = None;
        for (d, v, o) in defs {
            if best_def.is_none_or(|(bd, bo, _)| (d, o) > (bd, bo)) {
                best_def = Some((d, o, v));
            }
        }
        if let Some((d, _, v)) = best_def {
            record = Some((d, v));
        }
        let hypos: Vec<&(Claim, bool)> = self
            .i
            .claims
            .iter()
            .filter(|(c, h)| *h && c.about == id && value(c).is_some() && self.applies(c))
            .collect();
        let best_hypo = hypos.iter().copied().max_by(|a, b| self.better(a, b));
        if let Some(h) = best_hypo
            && record.is_none_or(|(d, _)| h.0.valid.start >= d)
        {
            record = Some((h.0.valid.start, value(&h.0).unwrap()));
        }
        let t0 = record.map(|(d, _)| d);
        let cands: Vec<(Claim, bool)> = self
            .i
            .claims
            .iter()
            .filter(|(c, h)| {
                !*h && c.about == id
                    && value(c).is_some()
                    && self.applies(c)
                    && t0.is_none_or(|t| c.valid.start > t)
            })
            .cloned()
            .collect();
        let Some(latest) = cands.iter().map(|(c, _)| c.valid.start).max() else {
            return (record, Vec::new());
        };
        let lower = latest
            .checked_sub(jiff::Span::new().days(i64::from(self.i.ds.meta.contested_window_days)))
            .unwrap();
        let window: Vec<(Claim, bool)> = cands
            .into_iter()
            .filter(|(c, _)| c.valid.end >= lower)
            .collect();
        let mut per_voice: BTreeMap<String, (Claim, bool)> = BTreeMap::new();
        for c in window {
            let v = self.voice(&c.0);
            match per_voice.get(&v) {
                Some(old) if self.better(&c, old) != Ordering::Greater => {}
                _ => {
                    per_voice.insert(v, c);
                }
            }
        }
        let mut counted: Vec<(Claim, bool)> = per_voice.into_values().collect();
        counted.sort_by(|a, b| self.better(b, a));
        (record, counted)
    }

    fn reported(&self, id: &str) -> Val {
        let defs = self.def_records(id).into_iter().collect();
        let (record, counted) = self.select(id, &|c| self.status_of(c), defs);
        if counted.is_empty() {
            return match record {
                Some((_, s)) => Val::Status(s),
                None if self.kind(id) == Some(ItemKind::Commitment) => Val::Status(Status::Open),
                None => Val::None,
            };
        }
        let statuses: BTreeSet<Status> = counted
            .iter()
            .filter_map(|(c, _)| self.status_of(c))
            .collect();
        let neg = statuses.iter().any(|s| s.is_negative());
        let pos = statuses.iter().any(|s| !s.is_negative());
        if neg && pos {
            return Val::Contested(statuses.iter().fold(0, |m, s| m | bit(*s)));
        }
        Val::Status(self.status_of(&counted[0].0).unwrap())
    }

    fn met(&self, id: &str) -> Truth {
        if self.kind(id) != Some(ItemKind::Commitment) {
            return Truth::Unknown;
        }
        match self.rep.get(id) {
            Some(Val::Status(Status::Met)) => Truth::True,
            Some(Val::Contested(_)) => Truth::Unknown,
            _ => Truth::False,
        }
    }

    fn commitments(&self, id: &str, by: Option<&str>) -> Vec<String> {
        let mut out = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.collect(id, &mut out, &mut seen);
        let ds = self.i.ds;
        let mut v: Vec<String> = out
            .into_iter()
            .filter(|c| by.is_none_or(|p| ds.commitment(c).is_some_and(|(_, cm)| cm.obligor == p)))
            .collect();
        v.sort_by_key(|c| self.index(c));
        v
    }

    fn collect(&self, id: &str, out: &mut BTreeSet<String>, seen: &mut BTreeSet<String>) {
        if !seen.insert(id.to_string()) {
            return;
        }
        let ds = self.i.ds;
        match self.kind(id) {
            Some(ItemKind::Commitment) => {
                out.insert(id.to_string());
            }
            Some(ItemKind::Instrument) => {
                for ins in &ds.instruments {
                    // `ins` counts when its parent chain leads to `id` (or it is `id`).
                    let mut cur = Some(ins.id.clone());
                    let mut steps = 0;
                    while let Some(c) = cur {
                        if c == id {
                            out.extend(ins.commitments.iter().map(|c| c.id.clone()));
                            break;
                        }
                        steps += 1;
                        if steps > ds.instruments.len() {
                            break;
                        }
                        cur = ds.instrument(&c).and_then(|x| x.parent.clone());
                    }
                }
            }
            Some(ItemKind::Track) => {
                for i in &ds.track(id).unwrap().instruments {
                    self.collect(i, out, seen);
                }
            }
            Some(ItemKind::Package) => {
                for l in &ds.links {
                    if l.kind == LinkKind::PartOf && l.to == id {
                        self.collect(&l.from, out, seen);
                    }
                }
            }
            _ => {}
        }
    }

    fn linked(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for l in &self.i.ds.links {
            if l.from == id
                && matches!(l.kind, LinkKind::LinkedTo | LinkKind::ConditionalOn)
                && !v.contains(&l.to)
            {
                v.push(l.to.clone());
            }
        }
        v
    }

    fn members(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for l in &self.i.ds.links {
            if l.kind == LinkKind::PartOf && l.to == id && !v.contains(&l.from) {
                v.push(l.from.clone());
            }
        }
        v
    }

    fn level(&self, met: usize, n: usize) -> Level {
        let t = &self.i.ds.meta.progress;
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

    fn progress(&self, id: &str, by: Option<&str>) -> Option<Level> {
        let by_s = by.map(str::to_string);
        let (record, counted) = self.select(
            id,
            &|c| {
                if c.by == by_s {
                    Self::level_of(c)
                } else {
                    None
                }
            },
            Vec::new(),
        );
        let explicit: Option<Option<Level>> = if counted.is_empty() {
            record.map(|(_, l)| Some(l))
        } else {
            let levels: BTreeSet<Level> = counted
                .iter()
                .filter_map(|(c, _)| Self::level_of(c))
                .collect();
            Some(if levels.len() == 1 {
                levels.into_iter().next()
            } else {
                None
            })
        };
        let hypothetical = counted.is_empty() && record.is_some();
        if hypothetical {
            return record.map(|(_, l)| l);
        }
        let set = self.commitments(id, by);
        if !set.is_empty() {
            let met = set.iter().filter(|c| self.met(c) == Truth::True).count();
            let unk = set.iter().filter(|c| self.met(c) == Truth::Unknown).count();
            let lo = self.level(met, set.len());
            let hi = self.level(met + unk, set.len());
            return (lo == hi).then_some(lo);
        }
        explicit.flatten()
    }

    fn condition(&self, id: &str) -> Option<String> {
        let ds = self.i.ds;
        if let Some(i) = ds.instrument(id) {
            return i.activation.clone();
        }
        ds.commitment(id).and_then(|(_, c)| c.condition.clone())
    }

    /// Spells status synonyms (`on_hold`) as the one canonical status they stand for, word by
    /// word, leaving item ids, keywords and ambiguous words alone.
    fn canonical_words(&self, text: &str) -> String {
        let vocab = self.i.ds.vocabulary();
        let mut out = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            let w = std::mem::take(word);
            let keep = w.is_empty()
                || matches!(w.as_str(), "status" | "progress" | "met")
                || w.parse::<accord_model::Status>().is_ok()
                || self.kind(&w).is_some();
            let options = if keep {
                vec![]
            } else {
                vocab.word_statuses(&w)
            };
            match options.as_slice() {
                [only] => out.push_str(only.name()),
                _ => out.push_str(&w),
            }
        };
        for ch in text.chars() {
            if ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' || ch == '-' {
                word.push(ch);
            } else {
                flush(&mut word, &mut out);
                out.push(ch);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    fn eval(&self, text: &str, ops: &BTreeMap<String, Truth>) -> Truth {
        match accord_lang::parse(&self.canonical_words(text)) {
            Ok(e) => accord_lang::evaluate(&e, &RefEnv { r: self, ops }).value,
            Err(_) => Truth::Unknown,
        }
    }

    fn concluded(&self, id: &str) -> bool {
        if self
            .def_records(id)
            .iter()
            .any(|(_, s, _)| matches!(s, Status::Signed | Status::InForce))
        {
            return true;
        }
        self.i.claims.iter().any(|(c, _)| {
            c.about == id
                && self.applies(c)
                && matches!(
                    self.status_of(c),
                    Some(Status::Agreed | Status::Signed | Status::InForce)
                )
        })
    }

    /// The conjunction of §4 for `id`, reading operative states from `ops`.
    fn op_eval(&self, id: &str, ops: &BTreeMap<String, Truth>) -> Truth {
        let kind = self.kind(id).unwrap();
        let get = |y: &str| ops.get(y).copied().unwrap_or(Truth::Unknown);
        let mut t = Truth::True;
        if let Some(c) = self.condition(id) {
            t = t.and(self.eval(&c, ops));
        }
        if kind == ItemKind::Instrument {
            t = t.and(Truth::from(self.concluded(id)));
        }
        let st = stops(kind);
        t = t.and(match self.rep.get(id) {
            Some(Val::Status(s)) if st.contains(s) => Truth::False,
            Some(Val::Contested(m)) if st.iter().any(|s| m & bit(*s) != 0) => Truth::Unknown,
            _ => Truth::True,
        });
        for l in &self.i.ds.links {
            if l.kind == LinkKind::ConditionalOn && l.from == id && self.kind(&l.to).is_some() {
                let mut v = get(&l.to);
                if let Some(c) = &l.condition {
                    v = (!self.eval(c, ops)).or(v);
                }
                t = t.and(v);
            }
        }
        if kind == ItemKind::Package {
            for m in self.members(id) {
                if self.kind(&m).is_some() {
                    t = t.and(get(&m));
                }
            }
        }
        t
    }

    fn op_deps(&self, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut texts: Vec<String> = self.condition(id).into_iter().collect();
        for l in &self.i.ds.links {
            if l.kind == LinkKind::ConditionalOn && l.from == id && self.kind(&l.to).is_some() {
                out.insert(l.to.clone());
                texts.extend(l.condition.clone());
            }
        }
        for t in texts {
            if let Ok(e) = accord_lang::parse(&t) {
                for r in accord_lang::references(&e) {
                    if r.function == Function::Operative && self.kind(&r.item).is_some() {
                        out.insert(r.item);
                    }
                }
            }
        }
        if self.kind(id) == Some(ItemKind::Package) {
            out.extend(
                self.members(id)
                    .into_iter()
                    .filter(|m| self.kind(m).is_some()),
            );
        }
        out
    }

    fn solve_operative(&mut self) {
        let ids: Vec<String> = self.items.iter().map(|(x, _)| x.clone()).collect();
        let deps: BTreeMap<String, BTreeSet<String>> =
            ids.iter().map(|x| (x.clone(), self.op_deps(x))).collect();
        let reach = |from: &str| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<String> = deps[from].iter().cloned().collect();
            while let Some(y) = stack.pop() {
                if seen.insert(y.clone()) {
                    stack.extend(deps[&y].iter().cloned());
                }
            }
            seen
        };
        let reaches: BTreeMap<String, BTreeSet<String>> =
            ids.iter().map(|x| (x.clone(), reach(x))).collect();
        let mut done: BTreeMap<String, Truth> = BTreeMap::new();
        while done.len() < ids.len() {
            // A component all of whose outside dependencies are done.
            let Some(x) = ids.iter().find(|x| {
                !done.contains_key(*x)
                    && reaches[*x]
                        .iter()
                        .all(|y| done.contains_key(y) || (reaches[y].contains(*x)))
            }) else {
                panic!("no component is ready");
            };
            let mut comp: Vec<String> = ids
                .iter()
                .filter(|y| *y == x || (reaches[x].contains(*y) && reaches[*y].contains(x)))
                .cloned()
                .collect();
            comp.sort_by_key(|y| self.index(y));
            let looped = comp.len() > 1 || deps[x].contains(x);
            let run = |init: Truth| -> Option<Vec<Truth>> {
                let mut cur = vec![init; comp.len()];
                for _ in 0..(2 * comp.len() + 2) {
                    let mut ops = done.clone();
                    for (y, v) in comp.iter().zip(&cur) {
                        ops.insert(y.clone(), *v);
                    }
                    let next: Vec<Truth> = comp.iter().map(|y| self.op_eval(y, &ops)).collect();
                    if next == cur {
                        return Some(cur);
                    }
                    cur = next;
                }
                None
            };
            if !looped {
                let v = self.op_eval(x, &done);
                done.insert(x.clone(), v);
                self.op.insert(x.clone(), (v, None));
                continue;
            }
            let results: Vec<(Truth, Option<&'static str>, Option<String>)> =
                match (run(Truth::False), run(Truth::True)) {
                    (Some(lfp), Some(gfp)) => {
                        let differ: Vec<String> = comp
                            .iter()
                            .zip(lfp.iter().zip(&gfp))
                            .filter(|(_, (a, b))| a != b)
                            .map(|(y, _)| y.clone())
                            .collect();
                        let package = self
                            .i
                            .ds
                            .packages
                            .iter()
                            .map(|p| p.id.clone())
                            .filter(|p| {
                                !differ.is_empty()
                                    && differ.iter().all(|y| {
                                        y == p
                                            || self.i.ds.links.iter().any(|l| {
                                                l.kind == LinkKind::PartOf
                                                    && &l.from == y
                                                    && &l.to == p
                                            })
                                    })
                            })
                            .min_by_key(|p| self.index(p));
                        comp.iter()
                            .zip(lfp.iter().zip(&gfp))
                            .map(|(_, (a, b))| {
                                if a == b {
                                    (*a, None, None)
                                } else if let Some(p) = &package {
                                    (*b, Some("package"), Some(p.clone()))
                                } else {
                                    (Truth::Unknown, Some("self"), None)
                                }
                            })
                            .collect()
                    }
                    _ => comp
                        .iter()
                        .map(|_| (Truth::Unknown, Some("unsettled"), None))
                        .collect(),
                };
            for (y, (v, flag, pkg)) in comp.iter().zip(&results) {
                done.insert(y.clone(), *v);
                let members: Vec<String> = comp
                    .iter()
                    .zip(&results)
                    .filter(|(_, (_, f, p))| f == flag && p == pkg)
                    .map(|(z, _)| z.clone())
                    .collect();
                let l = match flag {
                    None => None,
                    Some("package") => Some(Loop::Package {
                        package: pkg.clone().unwrap(),
                        members,
                    }),
                    Some("self") => Some(Loop::SelfSupportingLoop { members }),
                    _ => Some(Loop::UnsettledLoop { members }),
                };
                self.op.insert(y.clone(), (*v, l));
            }
        }
    }

    fn trouble(&self, id: &str) -> bool {
        let bad = match self.rep.get(id) {
            Some(Val::Status(s)) => s.is_negative(),
            Some(Val::Contested(m)) => Status::ALL
                .iter()
                .any(|s| s.is_negative() && m & bit(*s) != 0),
            _ => false,
        };
        bad || self.op.get(id).is_some_and(|(t, _)| *t == Truth::False)
    }

    fn successors(&self, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let ops: BTreeMap<String, Truth> =
            self.op.iter().map(|(k, (t, _))| (k.clone(), *t)).collect();
        if let Some(text) = self.condition(id)
            && let Ok(e) = accord_lang::parse(&text)
        {
            for r in accord_lang::references(&e) {
                if self.kind(&r.item).is_none() {
                    continue;
                }
                out.insert(r.item.clone());
                if r.function == Function::Progress {
                    out.extend(self.commitments(&r.item, r.by.as_deref()));
                }
                if r.quantifier.is_some() {
                    match r.function {
                        Function::Commitments => {
                            out.extend(self.commitments(&r.item, r.by.as_deref()))
                        }
                        Function::Linked => out.extend(self.linked(&r.item)),
                        Function::Members => out.extend(self.members(&r.item)),
                        _ => {}
                    }
                }
            }
        }
        for l in &self.i.ds.links {
            if l.from == id
                && matches!(l.kind, LinkKind::ConditionalOn | LinkKind::LinkedTo)
                && self.kind(&l.to).is_some()
            {
                let bites = l
                    .condition
                    .as_ref()
                    .is_none_or(|c| self.eval(c, &ops) != Truth::False);
                if bites {
                    out.insert(l.to.clone());
                }
            }
        }
        if self.kind(id) == Some(ItemKind::Package) {
            out.extend(
                self.members(id)
                    .into_iter()
                    .filter(|m| self.kind(m).is_some()),
            );
        }
        out.remove(id);
        out
    }

    /// Every path layer by layer; the first layer with a path to another item in trouble
    /// gives the answer, the smallest in dataset order.
    fn risk(&self, id: &str) -> Option<Vec<String>> {
        let succ: BTreeMap<String, BTreeSet<String>> = self
            .items
            .iter()
            .map(|(x, _)| (x.clone(), self.successors(x)))
            .collect();
        let mut paths: Vec<Vec<String>> = vec![vec![id.to_string()]];
        for _ in 0..self.items.len() {
            let mut next = Vec::new();
            for p in &paths {
                let last = p.last().unwrap();
                for s in &succ[last] {
                    if !p.contains(s) {
                        let mut q = p.clone();
                        q.push(s.clone());
                        next.push(q);
                    }
                }
            }
            let mut hits: Vec<Vec<usize>> = next
                .iter()
                .filter(|p| self.trouble(p.last().unwrap()))
                .map(|p| p.iter().map(|x| self.index(x)).collect())
                .collect();
            if !hits.is_empty() {
                hits.sort();
                return Some(
                    hits[0][1..]
                        .iter()
                        .map(|i| self.items[*i].0.clone())
                        .collect(),
                );
            }
            if next.is_empty() {
                return None;
            }
            // Keep one path per end node (the smallest): the rest cannot give a smaller answer.
            let mut by_end: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for p in next {
                let end = p.last().unwrap().clone();
                let key: Vec<usize> = p.iter().map(|x| self.index(x)).collect();
                match by_end.get(&end) {
                    Some(old) if old.iter().map(|x| self.index(x)).collect::<Vec<_>>() <= key => {}
                    _ => {
                        by_end.insert(end, p);
                    }
                }
            }
            paths = by_end.into_values().collect();
        }
        None
    }
}

struct RefEnv<'a, 'b> {
    r: &'b Ref<'a>,
    ops: &'b BTreeMap<String, Truth>,
}

impl Env for RefEnv<'_, '_> {
    fn as_of(&self) -> Date {
        self.r.i.d
    }
    fn status(&self, item: &str) -> Option<String> {
        match self.r.rep.get(item)? {
            Val::Status(s) => Some(s.name().to_string()),
            _ => None,
        }
    }
    fn progress(&self, item: &str, by: Option<&str>) -> Option<Level> {
        self.r.kind(item)?;
        self.r.progress(item, by)
    }
    fn operative(&self, item: &str) -> Truth {
        self.ops.get(item).copied().unwrap_or(Truth::Unknown)
    }
    fn met(&self, c: &str) -> Truth {
        self.r.met(c)
    }
    fn commitments(&self, item: &str, by: Option<&str>) -> Vec<String> {
        self.r.commitments(item, by)
    }
    fn linked(&self, item: &str) -> Vec<String> {
        self.r.linked(item)
    }
    fn members(&self, item: &str) -> Vec<String> {
        self.r.members(item)
    }
}

fn exposure(r: &Ref<'_>) -> (Vec<String>, BTreeMap<String, Decimal>) {
    let ds = r.i.ds;
    let mut exposed = Vec::new();
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for p in &ds.pledges {
        let mut ties = Vec::new();
        let mut cur = Some(p.id.clone());
        let mut seen = BTreeSet::new();
        while let Some(c) = cur {
            if !seen.insert(c.clone()) {
                break;
            }
            let Some(pl) = ds.pledge(&c) else { break };
            ties.extend(pl.tied_to.iter().filter(|t| r.kind(t).is_some()).cloned());
            cur = pl.package.clone();
        }
        if ties.is_empty() {
            continue;
        }
        let exposes = ties
            .iter()
            .any(|t| r.op.get(t).is_some_and(|(v, _)| *v != Truth::True) || r.risk(t).is_some());
        if !exposes {
            continue;
        }
        exposed.push(p.id.clone());
        if let Some(m) = &p.money {
            let mut covered: Vec<(String, bool)> = ds
                .pledges
                .iter()
                .filter(|q| q.package.as_deref() == Some(p.id.as_str()) && q.id != p.id)
                .map(|q| (q.id.clone(), false))
                .collect();
            for o in &p.overlaps {
                if o != &p.id && ds.pledge(o).is_some() && !covered.iter().any(|(x, _)| x == o) {
                    covered.push((o.clone(), true));
                }
            }
            let mut left = m.amount;
            for (q, overlap) in covered {
                let q = ds.pledge(&q).unwrap();
                let Some(qm) = &q.money else { continue };
                if qm.currency != m.currency {
                    continue;
                }
                if overlap
                    && q.overlaps.contains(&p.id)
                    && (m.amount, p.id.as_str()) < (qm.amount, q.id.as_str())
                {
                    continue;
                }
                left -= qm.amount;
            }
            if left < Decimal::ZERO {
                left = Decimal::ZERO;
            }
            *totals.entry(m.currency.clone()).or_insert(Decimal::ZERO) += left;
        }
    }
    let _ = PledgeKind::Single;
    (exposed, totals)
}

pub fn derive(i: &Input<'_>) -> Output {
    let items = i.ds.items();
    let mut r = Ref {
        i,
        items,
        vocab: i.ds.vocabulary(),
        rep: BTreeMap::new(),
        op: BTreeMap::new(),
    };
    for (id, _) in r.items.clone() {
        let v = r.reported(&id);
        r.rep.insert(id, v);
    }
    r.solve_operative();
    let mut summaries = Vec::new();
    for (id, _) in &r.items {
        let (t, l) = r.op.get(id).cloned().unwrap_or((Truth::Unknown, None));
        summaries.push(Summary {
            id: id.clone(),
            reported: match r.rep[id] {
                Val::None => Reported::None,
                Val::Status(status) => Reported::Status { status },
                Val::Contested(m) => Reported::Contested {
                    sides: Status::ALL
                        .into_iter()
                        .filter(|s| m & bit(*s) != 0)
                        .collect(),
                },
            },
            operative: t,
            loop_: l,
            at_risk: r.risk(id),
        });
    }
    let mut progress = BTreeMap::new();
    for (id, _) in &r.items {
        for by in [None, Some("a"), Some("b")] {
            progress.insert((id.clone(), by.map(str::to_string)), r.progress(id, by));
        }
    }
    let (exposed, totals) = exposure(&r);
    Output {
        summaries,
        progress,
        exposed,
        totals,
    }
}
