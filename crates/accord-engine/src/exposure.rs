//! Pledge exposure (§6 of docs/semantics.md).

use std::collections::BTreeMap;

use accord_lang::Truth;
use accord_model::{Decimal, Entry, Money, PledgeKind, Quantity};
use jiff::civil::Date;
use serde::Serialize;

use crate::derive::{self, Snapshot};
use crate::model::{Ix, Model};
use crate::{Engine, Reported, reported_of};

/// Why a pledge is tied to an item, and the item's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tie {
    pub item: String,
    /// The aggregate pledge through which the tie comes, when not direct.
    pub via: Option<String>,
    pub operative: Truth,
    /// The risk path from the item, when it is at risk.
    pub at_risk: Option<Vec<String>>,
    /// Whether this tie exposes the pledge.
    pub exposes: bool,
}

/// A deduction from an aggregate (or overlapping) pledge's amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub pledge: String,
    pub amount: Decimal,
    pub currency: String,
    /// `member` (its `package` is this pledge) or `overlap`.
    pub reason: String,
    /// False when it could not be deducted (another currency, or the other side deducts).
    pub applied: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposedPledge {
    pub id: String,
    pub name: String,
    pub kind: PledgeKind,
    pub money: Option<Money>,
    pub quantity: Option<Quantity>,
    /// What this pledge adds to the totals (its amount less the deductions applied).
    pub counted: Option<Decimal>,
    pub deductions: Vec<Deduction>,
    pub ties: Vec<Tie>,
    /// The pledge's own reported status.
    pub status: Reported,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Total {
    pub currency: String,
    /// Counted once (deductions applied).
    pub amount: Decimal,
    /// The plain sum of the exposed pledges' amounts, for comparison.
    pub gross: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuantityTotal {
    pub unit: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub as_of: Date,
    pub known_at: Date,
    /// The items the listing was limited to (empty: all).
    pub filter: Vec<String>,
    pub exposed: Vec<ExposedPledge>,
    pub totals: Vec<Total>,
    pub quantities: Vec<QuantityTotal>,
    /// Pledges tied to something but not exposed.
    pub not_exposed: Vec<String>,
}

fn pledge_of(m: &Model, x: Ix) -> Option<&accord_model::Pledge> {
    match m.item(x)?.entry {
        Entry::Pledge(i) => m.ds.pledges.get(i),
        _ => None,
    }
}

/// The items a pledge is tied to: (item, via aggregate).
fn ties_of(m: &Model, x: Ix) -> Vec<(Ix, Option<Ix>)> {
    let mut out: Vec<(Ix, Option<Ix>)> = Vec::new();
    let mut cur = Some(x);
    let mut seen = Vec::new();
    while let Some(p) = cur {
        if seen.contains(&p) {
            break;
        }
        seen.push(p);
        let Some(pl) = pledge_of(m, p) else { break };
        for t in &pl.tied_to {
            if let Some(ti) = m.item_ix(t)
                && !out.iter().any(|(y, _)| *y == ti)
            {
                out.push((ti, (p != x).then_some(p)));
            }
        }
        cur = pl.package.as_deref().and_then(|id| m.item_ix(id));
    }
    out
}

/// What a pledge counts once the money of its members and overlaps is deducted.
pub(crate) fn counted(m: &Model, x: Ix) -> (Option<Decimal>, Vec<Deduction>) {
    let Some(p) = pledge_of(m, x) else {
        return (None, Vec::new());
    };
    let Some(money) = &p.money else {
        return (None, Vec::new());
    };
    let mut covers: Vec<(Ix, &'static str)> = Vec::new();
    for (y, d) in m.items.iter().enumerate() {
        if let Entry::Pledge(i) = d.entry
            && m.ds.pledges.get(i).and_then(|q| q.package.as_deref()) == Some(p.id.as_str())
            && y as Ix != x
        {
            covers.push((y as Ix, "member"));
        }
    }
    for o in &p.overlaps {
        if let Some(y) = m.item_ix(o)
            && y != x
            && !covers.iter().any(|(z, _)| *z == y)
        {
            covers.push((y, "overlap"));
        }
    }
    let mut left = money.amount;
    let mut deductions = Vec::new();
    for (y, reason) in covers {
        let Some(q) = pledge_of(m, y) else { continue };
        let Some(qm) = &q.money else { continue };
        let mut applied = true;
        let mut note = None;
        if qm.currency != money.currency {
            applied = false;
            note = Some(format!(
                "in {}, not {}: not deducted",
                qm.currency, money.currency
            ));
        } else if reason == "overlap" && q.overlaps.contains(&p.id) {
            // Both list each other: only the larger deducts the smaller.
            let mine = (money.amount, p.id.as_str());
            let theirs = (qm.amount, q.id.as_str());
            if mine < theirs {
                applied = false;
                note = Some(format!("`{}` is the larger and deducts this overlap", q.id));
            }
        }
        if applied {
            left -= qm.amount;
        }
        deductions.push(Deduction {
            pledge: q.id.clone(),
            amount: qm.amount,
            currency: qm.currency.clone(),
            reason: reason.to_string(),
            applied,
            note,
        });
    }
    if left < Decimal::ZERO {
        left = Decimal::ZERO;
        deductions.push(Deduction {
            pledge: p.id.clone(),
            amount: Decimal::ZERO,
            currency: money.currency.clone(),
            reason: "floor".into(),
            applied: true,
            note: Some("the deductions exceed the amount; counted as zero".into()),
        });
    }
    (Some(left), deductions)
}

pub(crate) fn exposure(m: &Model, s: &Snapshot, filter: &[Ix]) -> Exposure {
    let mut exposed = Vec::new();
    let mut not_exposed = Vec::new();
    let mut totals: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut quantities: BTreeMap<String, Decimal> = BTreeMap::new();
    for (x, d) in m.items.iter().enumerate() {
        let x = x as Ix;
        let Entry::Pledge(_) = d.entry else { continue };
        let Some(p) = pledge_of(m, x) else { continue };
        let ties_ix = ties_of(m, x);
        if ties_ix.is_empty() {
            continue;
        }
        if !filter.is_empty() && !ties_ix.iter().any(|(t, _)| filter.contains(t)) {
            continue;
        }
        let ties: Vec<Tie> = ties_ix
            .iter()
            .map(|(t, via)| {
                let op = s.op.get(*t as usize).map_or(Truth::Unknown, |o| o.t);
                let risk = derive::risk_path(m, s, *t).map(|path| {
                    path.iter()
                        .filter_map(|e| m.item(e.to).map(|d| d.id.clone()))
                        .collect::<Vec<_>>()
                });
                Tie {
                    item: m.item(*t).map(|d| d.id.clone()).unwrap_or_default(),
                    via: via.and_then(|v| m.item(v).map(|d| d.id.clone())),
                    operative: op,
                    exposes: op != Truth::True || risk.is_some(),
                    at_risk: risk,
                }
            })
            .collect();
        if !ties.iter().any(|t| t.exposes) {
            not_exposed.push(p.id.clone());
            continue;
        }
        let (count, deductions) = counted(m, x);
        if let (Some(money), Some(c)) = (&p.money, count) {
            let e = totals
                .entry(money.currency.clone())
                .or_insert((Decimal::ZERO, Decimal::ZERO));
            e.0 += c;
            e.1 += money.amount;
        }
        if let Some(q) = &p.quantity {
            *quantities.entry(q.unit.clone()).or_insert(Decimal::ZERO) += q.amount;
        }
        exposed.push(ExposedPledge {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            money: p.money.clone(),
            quantity: p.quantity.clone(),
            counted: count,
            deductions,
            ties,
            status: reported_of(
                s.rep
                    .get(x as usize)
                    .map_or(crate::derive::RepVal::None, |r| r.val),
            ),
        });
    }
    Exposure {
        as_of: s.d,
        known_at: s.k,
        filter: filter
            .iter()
            .filter_map(|x| m.item(*x).map(|d| d.id.clone()))
            .collect(),
        exposed,
        totals: totals
            .into_iter()
            .map(|(currency, (amount, gross))| Total {
                currency,
                amount,
                gross,
            })
            .collect(),
        quantities: quantities
            .into_iter()
            .map(|(unit, amount)| QuantityTotal { unit, amount })
            .collect(),
        not_exposed,
    }
}

impl Engine {
    /// The exposed pledges and their totals; with `items`, only pledges tied to one of them.
    pub fn exposure(
        &mut self,
        items: &[&str],
        d: Date,
        k: Date,
    ) -> Result<Exposure, crate::EngineError> {
        let filter = items
            .iter()
            .map(|id| self.ix_of(id))
            .collect::<Result<Vec<_>, _>>()?;
        let v = self.derive_all(d, k);
        Ok(exposure(v.model(), v.snapshot(), &filter))
    }
}
