//! Timelines (§7 of docs/semantics.md): every change of an item's derived state, as known then.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Serialize;

use crate::cond::{self, Reads};
use crate::derive::Snapshot;
use crate::explain::{ClaimView, claim_view};
use crate::model::{Ix, Model};
use crate::{Engine, EngineError, Summary, summary};

/// One field of the derived state that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `status`, `operative`, `at_risk` or `loop`.
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Evidence that became applicable on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cause {
    Claim {
        claim: Box<ClaimView>,
    },
    /// A date in the dataset's definition of an item.
    Record {
        item: String,
        field: String,
        date: Date,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub date: Date,
    /// Empty when new evidence about the item left its state as it was.
    pub changes: Vec<Change>,
    /// The state from this day on.
    pub state: Summary,
    /// What became applicable that day (claims about the item first).
    pub because: Vec<Cause>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub id: String,
    pub name: String,
    pub entries: Vec<TimelineEntry>,
}

/// The items whose state can affect `x`, `x` first.
pub(crate) fn cone(m: &Model, x: Ix) -> Vec<Ix> {
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    let mut stack = vec![x];
    while let Some(y) = stack.pop() {
        if !seen.insert(y) {
            continue;
        }
        order.push(y);
        let yi = y as usize;
        let mut next: Vec<Ix> = Vec::new();
        let mut r = Reads::default();
        if let Some(Some(c)) = m.conds.get(yi) {
            cond::reads(&c.cond, &mut r);
        }
        for li in m.links_from.get(yi).into_iter().flatten() {
            if let Some(c) = m.links.get(*li as usize).and_then(|l| l.cond.as_ref()) {
                cond::reads(&c.cond, &mut r);
            }
        }
        next.extend(r.status.iter().chain(&r.met).chain(&r.operative));
        for p in &r.progress {
            if let Some((item, _)) = m.pairs.get(*p as usize) {
                next.push(*item);
            }
            next.extend(m.pair_sets.get(*p as usize).into_iter().flatten());
        }
        next.extend(m.op_deps.get(yi).into_iter().flatten());
        next.extend(m.risk_edges.get(yi).into_iter().flatten().map(|e| e.to));
        stack.extend(next);
    }
    order
}

fn text_of_risk(r: &Option<Vec<String>>) -> String {
    match r {
        Some(p) => format!("yes, via {}", p.join(" → ")),
        None => "no".into(),
    }
}

pub(crate) fn changes_of(a: &Summary, b: &Summary) -> Vec<Change> {
    let mut out = Vec::new();
    if a.reported != b.reported {
        out.push(Change {
            field: "status".into(),
            before: a.reported.to_string(),
            after: b.reported.to_string(),
        });
    }
    if a.operative != b.operative {
        out.push(Change {
            field: "operative".into(),
            before: a.operative.to_string(),
            after: b.operative.to_string(),
        });
    }
    if a.at_risk != b.at_risk {
        out.push(Change {
            field: "at_risk".into(),
            before: text_of_risk(&a.at_risk),
            after: text_of_risk(&b.at_risk),
        });
    }
    if a.loop_ != b.loop_ {
        let t = |l: &Option<crate::Loop>| {
            l.as_ref()
                .map_or("none".to_string(), crate::explain::loop_text)
        };
        out.push(Change {
            field: "loop".into(),
            before: t(&a.loop_),
            after: t(&b.loop_),
        });
    }
    out
}

pub(crate) fn timeline(m: &Model, x: Ix) -> Timeline {
    let items = cone(m, x);
    let mut days: BTreeSet<Date> = BTreeSet::new();
    for y in &items {
        let yi = *y as usize;
        for c in m.claims_of(*y).iter().map(|sl| &sl.ix) {
            if let Some(s) = m.claim(*c) {
                if s.hypo {
                    continue;
                }
                days.insert(s.start.max(s.known));
                if s.corrects.is_some() {
                    days.insert(s.known);
                }
            }
        }
        for r in m.records.get(yi).into_iter().flatten() {
            days.insert(r.date);
        }
        let mut ds = Vec::new();
        if let Some(Some(c)) = m.conds.get(yi) {
            cond::dates(&c.cond, &mut ds);
        }
        for d in ds {
            days.insert(d);
            if let Ok(n) = d.tomorrow() {
                days.insert(n);
            }
        }
    }
    let mut entries = Vec::new();
    let mut prev: Option<Summary> = days
        .first()
        .and_then(|d| d.yesterday().ok())
        .map(|d| summary(m, &Snapshot::derive(m, d, d), x));
    for day in days {
        let s = Snapshot::derive(m, day, day);
        let now = summary(m, &s, x);
        let ch = match &prev {
            Some(p) => changes_of(p, &now),
            None => Vec::new(),
        };
        // New evidence about the item itself that leaves its state unchanged is listed too
        // (with no changes): the timeline then shows every report, not only the turns.
        let own_news = m.claims_of(x).iter().map(|sl| &sl.ix).any(|c| {
            m.claim(*c).is_some_and(|sc| {
                !sc.hypo
                    && (sc.status.is_some() || sc.level.is_some())
                    && sc.start.max(sc.known) == day
            })
        });
        if !ch.is_empty() || own_news {
            let mut because: Vec<(bool, Cause)> = Vec::new();
            for y in &items {
                let yi = *y as usize;
                for c in m.claims_of(*y).iter().map(|sl| &sl.ix) {
                    let Some(sc) = m.claim(*c) else { continue };
                    if sc.hypo {
                        continue;
                    }
                    let starts =
                        sc.start.max(sc.known) == day || (sc.corrects.is_some() && sc.known == day);
                    if starts && let Some(v) = claim_view(m, *c) {
                        because.push((*y == x, Cause::Claim { claim: Box::new(v) }));
                    }
                }
                for r in m.records.get(yi).into_iter().flatten() {
                    if r.date == day {
                        because.push((
                            *y == x,
                            Cause::Record {
                                item: m.item(*y).map(|d| d.id.clone()).unwrap_or_default(),
                                field: r.field.to_string(),
                                date: r.date,
                            },
                        ));
                    }
                }
            }
            because.sort_by_key(|(own, _)| !*own);
            entries.push(TimelineEntry {
                date: day,
                changes: ch,
                state: now.clone(),
                because: because.into_iter().map(|(_, c)| c).collect(),
            });
        }
        prev = Some(now);
    }
    Timeline {
        id: m.item(x).map(|d| d.id.clone()).unwrap_or_default(),
        name: m.item(x).map(|d| d.name.clone()).unwrap_or_default(),
        entries,
    }
}

impl Engine {
    /// Every change of the item's derived state, as known on each day.
    pub fn timeline(&self, id: &str) -> Result<Timeline, EngineError> {
        let x = self.ix_of(id)?;
        Ok(timeline(&self.m, x))
    }
}
