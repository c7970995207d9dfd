//! What-if (§8 of docs/semantics.md): hypothetical claims applied on top of the real ones.

use std::fmt;

use accord_lang::Level;
use accord_model::{Asserts, Channel, Claim, FuzzyDate, ItemKind, Status};
use jiff::civil::Date;
use serde::Serialize;

use crate::explain::{ClaimView, Node, claim_view, why};
use std::collections::HashSet;

use crate::derive::{NO_PATH, Snapshot, Undo, edge_followed, redge_followed, trouble};
use crate::model::{Ix, Model};
use crate::timeline::Change;
use crate::{Engine, EngineError, Summary, summary};

/// Why a `--claim` text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSpecError {
    pub message: String,
}

impl fmt::Display for ClaimSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClaimSpecError {}

const FORMS: &str = "expected `ID status=VALUE`, `ID met`, `ID missed` or `ID progress=LEVEL by=PARTY`, optionally followed by `valid=DATE known=DATE`; ID may be `commitments(ITEM, by: PARTY)`";

fn err(spec: &str, why: impl fmt::Display) -> ClaimSpecError {
    ClaimSpecError {
        message: format!("malformed claim `{spec}`: {why}; {FORMS}"),
    }
}

/// Splits on whitespace, keeping double-quoted text together (`status="on hold"`).
fn tokens(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for ch in s.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err("a double quote is not closed".into());
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// Reads one `--claim` text into hypothetical claims (several for a `commitments(…)` target),
/// numbering them from `next` (`whatif.N`). Valid and known dates default to `d` and `k`.
pub fn parse_claim_spec(
    engine: &Engine,
    spec: &str,
    next: &mut usize,
    d: Date,
    k: Date,
) -> Result<Vec<Claim>, ClaimSpecError> {
    let m = &engine.m;
    let text = spec.trim();
    if text.is_empty() {
        return Err(err(spec, "it is empty"));
    }
    // The target: an id, or `commitments(ITEM[, by: PARTY])`.
    let (targets, rest): (Vec<Ix>, &str) = if let Some(inner) = text.strip_prefix("commitments(") {
        let Some(close) = inner.find(')') else {
            return Err(err(spec, "`commitments(` is not closed"));
        };
        let args = &inner[..close];
        let mut parts = args.split(',').map(str::trim);
        let item = parts.next().unwrap_or("");
        let by = match parts.next() {
            Some(b) => match b.strip_prefix("by:").map(str::trim) {
                Some(p) if !p.is_empty() => Some(p),
                _ => return Err(err(spec, format!("`{b}` should be `by: PARTY`"))),
            },
            None => None,
        };
        let Some(x) = m.item_ix(item) else {
            return Err(unknown_item(engine, spec, item));
        };
        if let Some(p) = by
            && m.ds.party(p).is_none()
        {
            return Err(unknown_party(engine, spec, p));
        }
        let set = m.commitments_of(x, by);
        if set.is_empty() {
            return Err(ClaimSpecError {
                message: format!(
                    "in claim `{spec}`: `commitments({args})` is empty: no commitment to assert about"
                ),
            });
        }
        (set, &inner[close + 1..])
    } else {
        let (id, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let Some(x) = m.item_ix(id) else {
            return Err(unknown_item(engine, spec, id));
        };
        (vec![x], rest)
    };
    let toks = tokens(rest).map_err(|e| err(spec, e))?;
    let mut asserts: Option<(Asserts, Option<String>)> = None;
    let mut by: Option<String> = None;
    let mut valid = FuzzyDate::day(d);
    let mut known = k;
    for t in &toks {
        let (key, value) = match t.split_once('=') {
            Some((a, b)) => (a, Some(b)),
            None => (t.as_str(), None),
        };
        let set_assert = |a: &mut Option<(Asserts, Option<String>)>, v| {
            if a.is_some() {
                return Err(err(spec, "it asserts more than one thing"));
            }
            *a = Some(v);
            Ok(())
        };
        match (key, value) {
            ("met", None) => set_assert(&mut asserts, (Asserts::Met, None))?,
            ("missed", None) => set_assert(&mut asserts, (Asserts::Missed, None))?,
            ("status", Some(v)) if !v.is_empty() => {
                set_assert(&mut asserts, (Asserts::Status, Some(v.to_string())))?
            }
            ("progress", Some(v)) => {
                if v.parse::<Level>().is_err() {
                    return Err(err(
                        spec,
                        format!("`{v}` is not a level (none, limited, substantial, complete)"),
                    ));
                }
                set_assert(&mut asserts, (Asserts::Progress, Some(v.to_string())))?
            }
            ("by", Some(p)) => {
                if m.ds.party(p).is_none() {
                    return Err(unknown_party(engine, spec, p));
                }
                by = Some(p.to_string());
            }
            ("valid", Some(v)) => {
                valid = FuzzyDate::parse(v).map_err(|e| err(spec, format!("in `valid=`: {e}")))?;
            }
            ("known", Some(v)) => {
                known = accord_model::date::parse_day(v)
                    .map_err(|e| err(spec, format!("in `known=`: {e}")))?;
            }
            _ => return Err(err(spec, format!("`{t}` is not understood"))),
        }
    }
    let Some((asserts, value)) = asserts else {
        return Err(err(spec, "it does not say what is asserted"));
    };
    if by.is_some() && asserts != Asserts::Progress {
        return Err(err(spec, "`by=` goes with `progress=`"));
    }
    let mut out = Vec::new();
    for x in targets {
        let Some(def) = m.item(x) else { continue };
        match asserts {
            Asserts::Met | Asserts::Missed if def.kind != ItemKind::Commitment => {
                return Err(ClaimSpecError {
                    message: format!(
                        "in claim `{spec}`: only a commitment can be met or missed, and `{}` is {} {}",
                        def.id,
                        article(def.kind),
                        def.kind
                    ),
                });
            }
            Asserts::Status => {
                let v = value.as_deref().unwrap_or("");
                if m.vocab.canonical(def.kind, v).is_none() {
                    let names: Vec<&str> = Status::for_kind(def.kind).map(|s| s.name()).collect();
                    return Err(ClaimSpecError {
                        message: format!(
                            "in claim `{spec}`: `{v}` is not a status {} {} can have; use one of {}",
                            article(def.kind),
                            def.kind,
                            names.join(", ")
                        ),
                    });
                }
            }
            _ => {}
        }
        *next += 1;
        out.push(Claim {
            id: format!("whatif.{next}"),
            about: def.id.clone(),
            asserts,
            value: value.clone(),
            by: by.clone(),
            valid,
            known,
            source: "whatif".into(),
            speaker: None,
            role: None,
            side: None,
            channel: Channel::Other,
            quote: None,
            confidence: 1.0,
            retracts: None,
            supersedes: None,
            reason: None,
            note: Some("hypothetical (what-if)".into()),
        });
    }
    Ok(out)
}

fn article(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Instrument => "an",
        _ => "a",
    }
}

fn unknown_item(engine: &Engine, spec: &str, id: &str) -> ClaimSpecError {
    let help = engine
        .m
        .suggest_item(id)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    ClaimSpecError {
        message: format!("in claim `{spec}`: unknown item `{id}`{help}"),
    }
}

fn unknown_party(engine: &Engine, spec: &str, p: &str) -> ClaimSpecError {
    let help = accord_lang::suggest(p, engine.m.ds.parties.iter().map(|x| x.id.as_str()))
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    ClaimSpecError {
        message: format!("in claim `{spec}`: unknown party `{p}`{help}"),
    }
}

/// One item whose derived state the hypotheses change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub before: Summary,
    pub after: Summary,
    pub changes: Vec<Change>,
    /// Why: the parts of its explanation whose values changed, before → after.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    pub as_of: Date,
    pub known_at: Date,
    pub hypotheses: Vec<ClaimView>,
    pub changes: Vec<ItemChange>,
}

/// Nodes whose text is the same and whose value changed, as "text: before → after".
fn diff_nodes(a: &Node, b: &Node, depth: usize, out: &mut Vec<String>) {
    if depth > 6 {
        return;
    }
    for bn in &b.children {
        let Some(an) = a.children.iter().find(|x| x.text == bn.text) else {
            continue;
        };
        let repeated = bn.text.ends_with("(evidence below)");
        if an.value != bn.value && !bn.value.is_empty() && !bn.text.is_empty() && !repeated {
            let line = format!("{}: {} → {}", bn.text, an.value, bn.value);
            if !out.contains(&line) {
                out.push(line);
            }
        }
        diff_nodes(an, bn, depth + 1, out);
    }
}

/// The summaries of the given items (sorted, distinct) before and after the journaled
/// updates, for those that differ: `(item, before, after)`. The snapshot is left after.
fn compare(
    m: &Model,
    s: &mut Snapshot,
    journal: &mut [Undo],
    items: &[Ix],
) -> Vec<(Ix, Summary, Summary)> {
    let after: Vec<Summary> = items.iter().map(|x| summary(m, s, *x)).collect();
    s.swap_journal(journal, true);
    let before: Vec<Summary> = items.iter().map(|x| summary(m, s, *x)).collect();
    s.swap_journal(journal, false);
    items
        .iter()
        .zip(before.into_iter().zip(after))
        .filter(|(_, (b, a))| a != b)
        .map(|(x, (b, a))| (*x, b, a))
        .collect()
}

/// The first step of `x`'s risk path when `x` is not itself in trouble: the first followed
/// edge to an item one step closer to trouble (what `derive::risk_path` takes).
fn next_step(m: &Model, s: &Snapshot, x: Ix) -> Option<Ix> {
    let dx = s.dist.get(x as usize).copied()?;
    if dx == 0 || dx == NO_PATH {
        return None;
    }
    m.edges_of(x)
        .iter()
        .find(|e| edge_followed(s, e) && s.dist.get(e.to as usize).copied() == Some(dx - 1))
        .map(|e| e.to)
}

/// Whether an item in trouble reaches another item in trouble within `limit - 1` followed
/// steps (never through itself): then its risk path is shorter than `limit`.
fn trouble_within(m: &Model, s: &Snapshot, x: Ix, limit: u32) -> bool {
    if limit < 2 {
        return false;
    }
    // Most items in trouble have a neighbour in trouble: no search needed.
    if m.edges_of(x)
        .iter()
        .any(|e| e.to != x && edge_followed(s, e) && trouble(m, s, e.to))
    {
        return true;
    }
    let mut seen: HashSet<Ix> = HashSet::new();
    seen.insert(x);
    let mut layer = vec![x];
    for _ in 1..limit {
        let mut next = Vec::new();
        for v in &layer {
            for e in m.edges_of(*v) {
                if edge_followed(s, e) && seen.insert(e.to) {
                    if trouble(m, s, e.to) {
                        return true;
                    }
                    next.push(e.to);
                }
            }
        }
        if next.is_empty() {
            return false;
        }
        layer = next;
    }
    false
}

/// The items whose summary the journaled updates changed, with their summaries before and
/// after, sorted by item (§9). Only these can differ:
///
/// - the items with a logged value (reported status, operative state, distance, a link
///   from them that starts or stops biting), and every member of a loop one of whose
///   members' operative state changed (loop flags list the members);
/// - items not in trouble: the risk path is the first followed edge to an item one step
///   closer, then that item's path. It can change only when the item's distance, a
///   neighbour's distance or one of its links changed (those are compared), or when the
///   path of its next step changed: so from every compared item whose summary changed,
///   the items whose next step it is are compared too, and so on upstream;
/// - items in trouble: the path comes from a breadth-first search over followed edges that
///   stops at the first level holding another item in trouble (depth `t`). It can change
///   only when an item whose trouble changed, or the source of a link that changed (a
///   *seed*), lies within `t` steps; the nearest such seed is then reached through items
///   that are neither seeds nor in trouble (they lie before level `t`). So a reverse
///   breadth-first search from the seeds over followed edges, passing only through items
///   not in trouble, gives each item in trouble reached a distance `r`; it is compared
///   unless it reaches trouble in fewer than `r` steps. (Both states agree on every edge
///   and item on such a path before its seed, so the state after decides.)
fn changed_summaries(
    m: &Model,
    s: &mut Snapshot,
    journal: &mut [Undo],
) -> Vec<(Ix, Summary, Summary)> {
    let n = m.items.len();
    let mut mark = vec![false; n];
    let mut first: Vec<Ix> = Vec::new();
    let add = |x: Ix, mark: &mut Vec<bool>, out: &mut Vec<Ix>| {
        if let Some(f) = mark.get_mut(x as usize)
            && !*f
        {
            *f = true;
            out.push(x);
        }
    };
    // Items whose trouble changed or with a link that changed: where the searches start.
    let mut seeds: Vec<Ix> = Vec::new();
    for u in journal.iter() {
        if let Some(x) = u.item(m) {
            add(x, &mut mark, &mut first);
        }
        match u {
            Undo::Dist(x, old) => {
                let now = s.dist.get(*x as usize).copied();
                if (*old == 0) != (now == Some(0)) {
                    seeds.push(*x);
                }
                for p in m.preds_of(*x) {
                    add(p, &mut mark, &mut first);
                }
            }
            Undo::Bites(l, _) => {
                if let Some(l) = m.links.get(*l as usize) {
                    seeds.push(l.from);
                }
            }
            Undo::Op(x, _) => {
                let si = m.scc_of.get(*x as usize).copied().unwrap_or(u32::MAX);
                if let Some(members) = m.sccs.get(si as usize)
                    && members.len() > 1
                {
                    for y in members {
                        add(*y, &mut mark, &mut first);
                    }
                }
            }
            _ => {}
        }
    }
    // Items in trouble near a seed.
    let mut r = vec![u32::MAX; n];
    let mut queue: Vec<Ix> = Vec::new();
    for x in seeds {
        if let Some(slot) = r.get_mut(x as usize)
            && *slot == u32::MAX
        {
            *slot = 0;
            queue.push(x);
        }
    }
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let rv = r.get(v as usize).copied().unwrap_or(u32::MAX);
        for re in m.redges_of(v) {
            let u = re.from;
            if !redge_followed(s, re) {
                continue;
            }
            if let Some(slot) = r.get_mut(u as usize)
                && *slot == u32::MAX
            {
                *slot = rv + 1;
                if s.dist.get(u as usize) == Some(&0) {
                    // An item in trouble ends its own search: the search goes on only
                    // through items not in trouble.
                    if !mark.get(u as usize).copied().unwrap_or(true)
                        && !trouble_within(m, s, u, rv + 1)
                    {
                        add(u, &mut mark, &mut first);
                    }
                } else {
                    queue.push(u);
                }
            }
        }
    }
    drop(r);
    drop(queue);
    first.sort_unstable();
    let mut out = compare(m, s, journal, &first);
    // Upstream along next steps from the items whose summary changed.
    let mut more: Vec<Ix> = Vec::new();
    let mut stack: Vec<Ix> = out.iter().map(|(x, _, _)| *x).collect();
    while let Some(x) = stack.pop() {
        for u in m.preds_of(x) {
            if !mark.get(u as usize).copied().unwrap_or(true) && next_step(m, s, u) == Some(x) {
                add(u, &mut mark, &mut more);
                stack.push(u);
            }
        }
    }
    more.sort_unstable();
    out.extend(compare(m, s, journal, &more));
    out.sort_by_key(|(x, _, _)| *x);
    out
}

impl Engine {
    /// Applies hypothetical claims at `(d, k)`, returns the difference, and takes them away
    /// again: the engine's real state is unchanged afterwards.
    pub fn what_if(
        &mut self,
        hypotheses: Vec<Claim>,
        d: Date,
        k: Date,
    ) -> Result<WhatIf, EngineError> {
        let i = self.view(d, k);
        if let Some(v) = self.views.get_mut(i) {
            v.journal = Some(Vec::new());
        }
        let mut added: Vec<String> = Vec::new();
        let mut result = Ok(());
        for h in hypotheses {
            let id = h.id.clone();
            match self.add_hypothesis(h) {
                Ok(()) => added.push(id),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        let mut journal = self
            .views
            .get_mut(i)
            .and_then(|v| v.journal.take())
            .unwrap_or_default();
        // Only the items whose values changed, and those with a path to them, can differ:
        // their summaries after, then (swapping the logged values back in) before.
        let mut after_part: Vec<(Ix, Summary, Summary, crate::Why)> = Vec::new();
        if result.is_ok()
            && let Some(s) = self.views.get_mut(i)
        {
            let m = &self.m;
            for (x, a, b) in changed_summaries(m, s, &mut journal) {
                after_part.push((x, a, b, why(m, s, x)));
            }
        }
        let hypo_views: Vec<ClaimView> = added
            .iter()
            .filter_map(|id| self.m.claims.find(id))
            .filter_map(|c| claim_view(&self.m, c))
            .collect();
        for id in added.iter().rev() {
            // Removing what was just added cannot fail; an error here would mean a bug.
            let _ = self.remove_claim(id);
        }
        result.map(|()| {
            let m = &self.m;
            let s = &self.views[i];
            let changes = after_part
                .into_iter()
                .map(|(x, a, b, wb)| {
                    let wa = why(m, s, x);
                    let mut reasons = Vec::new();
                    diff_nodes(&wa.tree, &wb.tree, 0, &mut reasons);
                    let def = m.item(x);
                    ItemChange {
                        id: a.id.clone(),
                        kind: def.map_or(ItemKind::Instrument, |d| d.kind),
                        name: def.map(|d| d.name.clone()).unwrap_or_default(),
                        changes: crate::timeline::changes_of(&a, &b),
                        before: a,
                        after: b,
                        reasons,
                    }
                })
                .collect();
            WhatIf {
                as_of: d,
                known_at: k,
                hypotheses: hypo_views,
                changes,
            }
        })
    }
}
