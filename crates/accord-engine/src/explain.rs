//! Explanations: every derived value with the reasons, down to claims and their sources.

use accord_lang::{Env as LangEnv, ExprKind, Function, Level, Truth};
use accord_model::{Asserts, Channel, ItemKind, SourceKind, Status};
use jiff::civil::Date;
use serde::Serialize;

use crate::derive::{
    self, Basis, Explicit, Picked, Rec, RepVal, Snapshot, count_met, explicit_progress, level_of,
    met_of, pick,
};
use crate::model::{ClaimIx, Edge, EdgeKind, Ix, Model};
use crate::{Derived, Engine, EngineError, Loop, Reported, loop_of, reported_of};

/// Where a claim was published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceView {
    pub id: String,
    pub kind: Option<SourceKind>,
    pub title: Option<String>,
    /// The outlet's display name.
    pub outlet: Option<String>,
    pub published: Option<Date>,
    pub url: Option<String>,
}

/// A claim as shown in explanations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimView {
    pub id: String,
    pub about: String,
    pub asserts: Asserts,
    /// The wording the source used.
    pub wording: Option<String>,
    /// The canonical status it maps to.
    pub status: Option<Status>,
    pub level: Option<Level>,
    pub by: Option<String>,
    /// Valid time as written (`2025-12`, `2025-12-08/2025-12-12`).
    pub valid: String,
    pub known: Date,
    pub source: SourceView,
    /// The speaker's display name.
    pub speaker: Option<String>,
    pub role: Option<String>,
    pub side: Option<String>,
    pub channel: Channel,
    pub quote: Option<String>,
    pub confidence: f64,
    pub hypothetical: bool,
    /// The claim this one retracts or supersedes.
    pub corrects: Option<String>,
}

pub(crate) fn claim_view(m: &Model, c: ClaimIx) -> Option<ClaimView> {
    let s = m.claim(c)?;
    let cl = &m.full_claim(c)?;
    let src = m.ds.source(&cl.source);
    Some(ClaimView {
        id: cl.id.clone(),
        about: cl.about.clone(),
        asserts: cl.asserts,
        wording: cl.value.clone(),
        status: s.status,
        level: s.level,
        by: cl.by.clone(),
        valid: cl.valid.to_string(),
        known: cl.known,
        source: SourceView {
            id: cl.source.clone(),
            kind: src.map(|x| x.kind),
            title: src.map(|x| x.title.clone()),
            outlet: src
                .and_then(|x| x.outlet.as_deref())
                .map(|o| m.ds.name_of(o).unwrap_or(o).to_string()),
            published: src.map(|x| x.published),
            url: src.and_then(|x| x.url.clone()),
        },
        speaker: cl
            .speaker
            .as_deref()
            .map(|p| m.ds.name_of(p).unwrap_or(p).to_string()),
        role: cl.role.clone(),
        side: cl.side.clone(),
        channel: cl.channel,
        quote: cl.quote.clone(),
        confidence: cl.confidence,
        hypothetical: s.hypo,
        corrects: cl.corrects().cloned(),
    })
}

/// What decided a status.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BasisView {
    /// The best claim by the pick order.
    Claim { claim: ClaimView },
    /// A date in the dataset's definition of the item.
    Record { field: String, date: Date },
    /// A hypothetical claim (what-if).
    Hypothesis { claim: ClaimView },
    /// A commitment nobody has reported on: open.
    Default,
}

/// One side of a contest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub status: Status,
    pub claims: Vec<ClaimView>,
}

/// The reported status with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    pub reported: Reported,
    pub basis: Option<BasisView>,
    /// For a contest, each side; otherwise empty.
    pub sides: Vec<Side>,
    /// Other counted claims that agree with or do not contest the pick.
    pub also: Vec<ClaimView>,
}

/// One step of a risk path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskStep {
    pub from: String,
    pub to: String,
    /// How `from` depends on `to`, for people.
    pub via: String,
    pub link: Option<String>,
}

/// Why an item is at risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskReport {
    pub path: Vec<RiskStep>,
    /// The item in trouble at the end of the path.
    pub item: String,
    /// What its trouble is: a negative status, a contest with a negative side, or not operative.
    pub trouble: String,
}

/// The derived state of one item with short reasons (for `accord status`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub as_of: Date,
    pub known_at: Date,
    pub status: StatusReport,
    pub operative: Truth,
    #[serde(rename = "loop", skip_serializing_if = "Option::is_none")]
    pub loop_: Option<Loop>,
    pub at_risk: Option<RiskReport>,
    /// One line per conjunct of the operative state that is not true.
    pub reasons: Vec<String>,
}

/// A node of an explanation tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// What the node says.
    pub text: String,
    /// Its value: `true`/`false`/`unknown`, a status, a level, or empty.
    pub value: String,
    /// The claims behind it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

impl Node {
    fn new(text: impl Into<String>, value: impl Into<String>) -> Node {
        Node {
            text: text.into(),
            value: value.into(),
            claims: Vec::new(),
            children: Vec::new(),
        }
    }
}

/// The full explanation of an item (for `accord why`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    pub item: ItemReport,
    pub tree: Node,
}

/// An item whose status is contested.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContestedItem {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub sides: Vec<Side>,
    /// The window of valid dates the contest was judged in.
    pub window_from: Date,
    pub window_to: Date,
}

pub(crate) fn status_report(m: &Model, s: &Snapshot, x: Ix) -> StatusReport {
    let rep = s.rep.get(x as usize).copied();
    let picked = pick(m, x, s.d, s.k, derive::Ask::Status);
    let reported = reported_of(rep.map_or(RepVal::None, |r| r.val));
    let basis = rep.and_then(|r| match r.basis {
        Basis::None => None,
        Basis::Default => Some(BasisView::Default),
        Basis::Claim(c) => claim_view(m, c).map(|claim| BasisView::Claim { claim }),
        Basis::Hypo(c) => claim_view(m, c).map(|claim| BasisView::Hypothesis { claim }),
        Basis::Def(i) => m
            .records
            .get(x as usize)
            .and_then(|r| r.get(i as usize))
            .map(|r| BasisView::Record {
                field: r.field.to_string(),
                date: r.date,
            }),
    });
    let sides = match rep.map(|r| r.val) {
        Some(RepVal::Contested(_)) => sides(m, &picked),
        _ => Vec::new(),
    };
    let picked_claim = match rep.map(|r| r.basis) {
        Some(Basis::Claim(c)) => Some(c),
        _ => None,
    };
    let also = if sides.is_empty() {
        picked
            .counted
            .iter()
            .filter(|c| Some(**c) != picked_claim)
            .filter_map(|c| claim_view(m, *c))
            .collect()
    } else {
        Vec::new()
    };
    StatusReport {
        reported,
        basis,
        sides,
        also,
    }
}

fn sides(m: &Model, p: &Picked) -> Vec<Side> {
    let mut out: Vec<Side> = Vec::new();
    for c in &p.counted {
        let Some(st) = m.claim(*c).and_then(|s| s.status) else {
            continue;
        };
        let Some(v) = claim_view(m, *c) else { continue };
        match out.iter_mut().find(|s| s.status == st) {
            Some(side) => side.claims.push(v),
            None => out.push(Side {
                status: st,
                claims: vec![v],
            }),
        }
    }
    // Negative sides first, then by status order.
    out.sort_by_key(|s| (!s.status.is_negative(), s.status));
    out
}

fn edge_text(m: &Model, e: &Edge) -> (String, Option<String>) {
    match e.kind {
        EdgeKind::Condition => ("named in its condition".into(), None),
        EdgeKind::Counted => {
            let pair = m.pairs.get(e.detail as usize);
            let text = match pair {
                Some((x, by)) => {
                    let id = m.item(*x).map(|d| d.id.as_str()).unwrap_or("?");
                    match by {
                        Some(b) => format!("counted in progress({id}, by: {b})"),
                        None => format!("counted in progress({id})"),
                    }
                }
                None => "counted in a progress condition".into(),
            };
            (text, None)
        }
        EdgeKind::Quantified => ("in a set its condition quantifies over".into(), None),
        EdgeKind::ConditionalOn | EdgeKind::LinkedTo => {
            let l = m.links.get(e.detail as usize);
            let word = if e.kind == EdgeKind::ConditionalOn {
                "conditional on"
            } else {
                "linked to"
            };
            (
                match l {
                    Some(l) => format!("{word} (link `{}`)", m.link_id(l)),
                    None => word.to_string(),
                },
                l.map(|l| m.link_id(l).to_string()),
            )
        }
        EdgeKind::Member => ("has as a member".into(), None),
    }
}

fn trouble_text(m: &Model, s: &Snapshot, y: Ix) -> String {
    let mut parts = Vec::new();
    match s.rep.get(y as usize).map(|r| r.val) {
        Some(RepVal::Status(st)) if st.is_negative() => parts.push(format!("reported {st}")),
        Some(RepVal::Contested(mask)) => {
            let names: Vec<&str> = derive::statuses_of(mask).iter().map(|s| s.name()).collect();
            parts.push(format!("contested ({})", names.join(" | ")));
        }
        _ => {}
    }
    if s.op.get(y as usize).is_some_and(|o| o.t == Truth::False) {
        parts.push("not operative".into());
    }
    let _ = m;
    parts.join(", ")
}

pub(crate) fn risk_report(m: &Model, s: &Snapshot, x: Ix) -> Option<RiskReport> {
    let path = derive::risk_path(m, s, x)?;
    let mut steps = Vec::new();
    let mut from = x;
    for e in &path {
        let (via, link) = edge_text(m, e);
        steps.push(RiskStep {
            from: m.item(from).map(|d| d.id.clone()).unwrap_or_default(),
            to: m.item(e.to).map(|d| d.id.clone()).unwrap_or_default(),
            via,
            link,
        });
        from = e.to;
    }
    Some(RiskReport {
        path: steps,
        item: m.item(from).map(|d| d.id.clone()).unwrap_or_default(),
        trouble: trouble_text(m, s, from),
    })
}

/// The accord-lang environment over a snapshot (for traces).
struct LangView<'a> {
    m: &'a Model,
    s: &'a Snapshot,
}

impl LangEnv for LangView<'_> {
    fn as_of(&self) -> Date {
        self.s.d
    }
    fn status(&self, item: &str) -> Option<String> {
        let x = self.m.item_ix(item)?;
        match self.s.rep.get(x as usize)?.val {
            RepVal::Status(st) => Some(st.name().to_string()),
            _ => None,
        }
    }
    fn progress(&self, item: &str, by: Option<&str>) -> Option<Level> {
        let x = self.m.item_ix(item)?;
        let set = self.m.commitments_of(x, by);
        derive::progress_for(self.m, &self.s.rep, x, by, &set, self.s.d, self.s.k)
    }
    fn operative(&self, item: &str) -> Truth {
        self.m
            .item_ix(item)
            .and_then(|x| self.s.op.get(x as usize))
            .map_or(Truth::Unknown, |o| o.t)
    }
    fn met(&self, commitment: &str) -> Truth {
        self.m
            .item_ix(commitment)
            .map_or(Truth::Unknown, |x| met_of(self.m, &self.s.rep, x))
    }
    fn commitments(&self, item: &str, by: Option<&str>) -> Vec<String> {
        let Some(x) = self.m.item_ix(item) else {
            return Vec::new();
        };
        self.m
            .commitments_of(x, by)
            .into_iter()
            .filter_map(|c| self.m.item(c).map(|d| d.id.clone()))
            .collect()
    }
    fn linked(&self, item: &str) -> Vec<String> {
        let Some(x) = self.m.item_ix(item) else {
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for l in &self.m.links {
            if l.from == x
                && matches!(
                    l.kind,
                    accord_model::LinkKind::LinkedTo | accord_model::LinkKind::ConditionalOn
                )
                && let Some(d) = self.m.item(l.to)
                && !out.contains(&d.id)
            {
                out.push(d.id.clone());
            }
        }
        out
    }
    fn members(&self, item: &str) -> Vec<String> {
        let Some(x) = self.m.item_ix(item) else {
            return Vec::new();
        };
        self.m
            .members
            .get(x as usize)
            .into_iter()
            .flatten()
            .filter_map(|y| self.m.item(*y).map(|d| d.id.clone()))
            .collect()
    }
}

/// The evidence node for the status of `x`: its value and the claims behind it.
fn status_node(m: &Model, s: &Snapshot, x: Ix, text: String) -> Node {
    let r = status_report(m, s, x);
    let mut node = Node::new(text, r.reported.to_string());
    match &r.basis {
        Some(BasisView::Claim { claim }) | Some(BasisView::Hypothesis { claim }) => {
            node.claims.push(claim.clone());
        }
        Some(BasisView::Record { field, date }) => node.children.push(Node::new(
            format!("the dataset records `{field} = {date}`"),
            "",
        )),
        Some(BasisView::Default) => node.children.push(Node::new(
            "no claim says it is met, missed or anything else: open by default",
            "",
        )),
        None => {}
    }
    for side in &r.sides {
        let mut sn = Node::new(format!("side: {}", side.status), side.status.name());
        sn.claims = side.claims.clone();
        node.children.push(sn);
    }
    if !r.also.is_empty() {
        let mut also = Node::new("other claims in the window (not contesting)", "");
        also.claims = r.also;
        node.children.push(also);
    }
    // Claims set aside by a record, withdrawn claims, and non-status statements, as context.
    let mut withdrawn = Vec::new();
    let mut statements = Vec::new();
    for c in m.claims_of(x).iter().map(|sl| &sl.ix) {
        let Some(sc) = m.claim(*c) else { continue };
        if sc.start > s.d || sc.known > s.k {
            continue;
        }
        if derive::withdrawn(m, *c, s.k) {
            withdrawn.extend(claim_view(m, *c));
        } else if matches!(
            m.claims.asserts(*c).unwrap_or(Asserts::Statement),
            Asserts::Statement | Asserts::DeclinedToComment | Asserts::NoResponse
        ) {
            statements.extend(claim_view(m, *c));
        }
    }
    if !withdrawn.is_empty() {
        let mut n = Node::new("withdrawn by a later correction (not counted)", "");
        n.claims = withdrawn;
        node.children.push(n);
    }
    if !statements.is_empty() {
        let mut n = Node::new("statements (context; they assert no status)", "");
        n.claims = statements;
        node.children.push(n);
    }
    node
}

fn id_of(m: &Model, x: Ix) -> String {
    m.item(x).map(|d| d.id.clone()).unwrap_or_default()
}

fn commitment_label(m: &Model, c: Ix) -> String {
    let d = m.item(c);
    let id = d.map(|d| d.id.as_str()).unwrap_or("?");
    let summary = d.map(|d| d.name.as_str()).unwrap_or("");
    match d.and_then(|d| d.obligor.as_deref()) {
        Some(o) => format!("{id} ({o}): {summary}"),
        None => format!("{id}: {summary}"),
    }
}

/// The progress node: the level and every commitment counted, with its evidence.
fn progress_node(m: &Model, s: &Snapshot, x: Ix, by: Option<&str>, text: String) -> Node {
    let set = m.commitments_of(x, by);
    let level = derive::progress_for(m, &s.rep, x, by, &set, s.d, s.k);
    let value = level.map_or("unknown".to_string(), |l| l.to_string());
    let mut node = Node::new(text, value);
    let (explicit, picked) = explicit_progress(m, x, by, s.d, s.k);
    if !set.is_empty() {
        let (met, unknown) = count_met(m, &s.rep, &set);
        let t = &m.ds.meta.progress;
        let mut summary = format!(
            "{met} of {} commitment{} met",
            set.len(),
            if set.len() == 1 { "" } else { "s" }
        );
        if unknown > 0 {
            summary.push_str(&format!(", {unknown} contested"));
        }
        summary.push_str(&format!(
            " (thresholds: limited {}, substantial {}, complete {})",
            t.limited, t.substantial, t.complete
        ));
        if let Explicit::Level(l, true) = explicit {
            summary.push_str(&format!("; overridden by a hypothetical claim: {l}"));
        }
        node.children
            .push(Node::new(summary, level_of(m, met, set.len()).to_string()));
        let mut open = Vec::new();
        let mut done = Vec::new();
        for c in &set {
            let cn = status_node(m, s, *c, commitment_label(m, *c));
            if met_of(m, &s.rep, *c) == Truth::True {
                done.push(cn);
            } else {
                open.push(cn);
            }
        }
        if !open.is_empty() {
            let mut n = Node::new("commitments not met", open.len().to_string());
            n.children = open;
            node.children.push(n);
        }
        if !done.is_empty() {
            let mut n = Node::new("commitments met", done.len().to_string());
            n.children = done;
            node.children.push(n);
        }
    }
    let explicit_claims: Vec<ClaimView> = picked
        .counted
        .iter()
        .chain(
            match picked.record {
                Some((Rec::Hypo(c), _)) => Some(c),
                _ => None,
            }
            .iter(),
        )
        .filter_map(|c| claim_view(m, *c))
        .collect();
    if !explicit_claims.is_empty() {
        let (text, value) = match explicit {
            Explicit::Level(l, hypo) => {
                let disagrees = !set.is_empty() && !hypo && level != Some(l);
                (
                    if set.is_empty() {
                        "reported progress (used: there are no commitments to count)".to_string()
                    } else if hypo {
                        "hypothetical progress (used)".to_string()
                    } else if disagrees {
                        "reported progress (DISAGREES with the commitments counted; the count is used)".to_string()
                    } else {
                        "reported progress (agrees with the count)".to_string()
                    },
                    l.to_string(),
                )
            }
            Explicit::Contested => (
                "reported progress: sources disagree".into(),
                "unknown".into(),
            ),
            Explicit::None => ("reported progress".into(), String::new()),
        };
        let mut n = Node::new(text, value);
        n.claims = explicit_claims;
        node.children.push(n);
    }
    node
}

/// Adds evidence under trace nodes that name an item: statuses, progress, met, operative.
fn augment(m: &Model, s: &Snapshot, t: &accord_lang::Trace) -> Node {
    let mut node = Node::new(t.text.clone(), t.value.clone());
    node.children = t.children.iter().map(|c| augment(m, s, c)).collect();
    let Ok(e) = accord_lang::parse(&t.text) else {
        return node;
    };
    let ExprKind::Call { func, args } = &e.kind else {
        return node;
    };
    let first = args
        .iter()
        .find(|a| a.name.is_none())
        .and_then(|a| a.value.as_name());
    let by = args
        .iter()
        .find(|a| a.name.as_ref().is_some_and(|n| n.name == "by"))
        .and_then(|a| a.value.as_name());
    let Some(x) = first.and_then(|id| m.item_ix(id)) else {
        return node;
    };
    match Function::from_name(&func.name) {
        Some(Function::Progress) => {
            let p = progress_node(m, s, x, by, String::new());
            node.children.extend(p.children);
        }
        Some(Function::Status | Function::Met) => {
            let p = status_node(m, s, x, String::new());
            node.claims = p.claims;
            node.children.extend(p.children);
        }
        Some(Function::Operative) => {
            for r in reasons(m, s, x) {
                node.children.push(Node::new(r, ""));
            }
            if node.children.is_empty() {
                node.children
                    .push(Node::new(format!("see `accord why {}`", id_of(m, x)), ""));
            }
        }
        _ => {}
    }
    node
}

fn truth_word(t: Truth) -> &'static str {
    t.as_str()
}

/// The conjuncts of §4 for one item: (label, value, detail node).
pub(crate) fn conjuncts(m: &Model, s: &Snapshot, x: Ix) -> Vec<Node> {
    let xi = x as usize;
    let mut out = Vec::new();
    let kind = m.item(x).map(|d| d.kind);
    if let Some(Some(c)) = m.conds.get(xi) {
        let word = if kind == Some(ItemKind::Instrument) {
            "activation"
        } else {
            "condition"
        };
        match &c.expr {
            Some(expr) => {
                let ev = accord_lang::evaluate(expr, &LangView { m, s });
                let mut n = Node::new(format!("{word}: {}", c.text), ev.value.as_str());
                n.children = ev.trace.children.iter().map(|t| augment(m, s, t)).collect();
                if n.children.is_empty() {
                    n.children.push(augment(m, s, &ev.trace));
                }
                out.push(n);
            }
            None => out.push(Node::new(
                format!("{word}: {} (does not parse; run `accord check`)", c.text),
                "unknown",
            )),
        }
    }
    if kind == Some(ItemKind::Instrument) {
        let conc = s.concluded.get(xi).copied().unwrap_or(false);
        let mut n = Node::new(
            format!("concluded: signed, in force or agreed by {}", s.d),
            truth_word(Truth::from(conc)),
        );
        let rec = m.records.get(xi).and_then(|recs| {
            recs.iter()
                .filter(|r| {
                    matches!(r.status, Status::Signed | Status::InForce)
                        && r.date <= s.d
                        && r.date <= s.k
                })
                .max_by_key(|r| (r.date, r.order))
        });
        if let Some(r) = rec {
            n.children.push(Node::new(
                format!("the dataset records `{} = {}`", r.field, r.date),
                "",
            ));
        } else if let Some(c) = derive::concluding_claim(m, x, s.d, s.k) {
            n.claims.extend(claim_view(m, c));
        } else {
            n.children.push(Node::new(
                "no signature or entry into force is recorded, and no claim says it was agreed, signed or in force",
                "",
            ));
        }
        out.push(n);
    }
    if let (Some(kind), Some(rep)) = (kind, s.rep.get(xi)) {
        let stops: Vec<&str> = derive::statuses_of(derive::stop_mask(kind))
            .iter()
            .map(|s| s.name())
            .collect();
        let st = derive::standing(m, rep, x);
        let mut n = Node::new(
            format!("standing: not reported {}", stops.join(", ")),
            truth_word(st),
        );
        n.children.push(Node::new(
            "reported status (evidence below)",
            reported_of(rep.val).to_string(),
        ));
        out.push(n);
    }
    for li in m.cond_links.get(xi).into_iter().flatten() {
        let Some(l) = m.links.get(*li as usize) else {
            continue;
        };
        let to = l.to;
        let op = s.op.get(to as usize).map_or(Truth::Unknown, |o| o.t);
        let mut value = op;
        let mut n = Node::new(
            format!(
                "conditional on `{}` (link `{}`)",
                id_of(m, to),
                m.link_id(l)
            ),
            "",
        );
        if let Some(c) = &l.cond
            && let Some(expr) = &c.expr
        {
            let ev = accord_lang::evaluate(expr, &LangView { m, s });
            value = (!ev.value).or(op);
            let mut cn = Node::new(
                format!("the link bites when: {}", c.text),
                ev.value.as_str(),
            );
            cn.children = ev.trace.children.iter().map(|t| augment(m, s, t)).collect();
            n.children.push(cn);
        }
        n.value = truth_word(value).into();
        let mut on = Node::new(format!("operative({})", id_of(m, to)), truth_word(op));
        for r in reasons(m, s, to) {
            on.children.push(Node::new(r, ""));
        }
        n.children.push(on);
        out.push(n);
    }
    for mem in m.members.get(xi).into_iter().flatten() {
        let op = s.op.get(*mem as usize).map_or(Truth::Unknown, |o| o.t);
        let mut n = Node::new(
            format!("member `{}` operative", id_of(m, *mem)),
            truth_word(op),
        );
        for r in reasons(m, s, *mem) {
            n.children.push(Node::new(r, ""));
        }
        out.push(n);
    }
    out
}

/// One line per conjunct that is not true (shallow: no recursion into other items).
pub(crate) fn reasons(m: &Model, s: &Snapshot, x: Ix) -> Vec<String> {
    let xi = x as usize;
    let mut out = Vec::new();
    let kind = m.item(x).map(|d| d.kind);
    let view = LangView { m, s };
    if let Some(Some(c)) = m.conds.get(xi) {
        let word = if kind == Some(ItemKind::Instrument) {
            "activation"
        } else {
            "condition"
        };
        match &c.expr {
            Some(expr) => {
                let ev = accord_lang::evaluate(expr, &view);
                if ev.value != Truth::True {
                    let mut detail = Vec::new();
                    collect_reads(&ev.trace, &mut detail);
                    let extra = if detail.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", detail.join("; "))
                    };
                    out.push(format!("{word} `{}` is {}{extra}", c.text, ev.value));
                }
            }
            None => out.push(format!("{word} `{}` does not parse", c.text)),
        }
    }
    if kind == Some(ItemKind::Instrument) && !s.concluded.get(xi).copied().unwrap_or(false) {
        out.push(format!(
            "not signed, in force or agreed by {} as far as known on {}",
            s.d, s.k
        ));
    }
    if let (Some(kind), Some(rep)) = (kind, s.rep.get(xi)) {
        match derive::standing(m, rep, x) {
            Truth::False => out.push(format!("reported {}", reported_of(rep.val))),
            Truth::Unknown => out.push(format!("status is {}", reported_of(rep.val))),
            Truth::True => {}
        }
        let _ = kind;
    }
    for li in m.cond_links.get(xi).into_iter().flatten() {
        let Some(l) = m.links.get(*li as usize) else {
            continue;
        };
        let op = s.op.get(l.to as usize).map_or(Truth::Unknown, |o| o.t);
        if op != Truth::True {
            out.push(format!(
                "conditional on `{}` (link `{}`), which is {}",
                id_of(m, l.to),
                m.link_id(l),
                op_word(op)
            ));
        }
    }
    for mem in m.members.get(xi).into_iter().flatten() {
        let op = s.op.get(*mem as usize).map_or(Truth::Unknown, |o| o.t);
        if op != Truth::True {
            out.push(format!("member `{}` is {}", id_of(m, *mem), op_word(op)));
        }
    }
    if let Some(l) = loop_of(m, s, x) {
        out.push(loop_text(&l));
    }
    out
}

pub(crate) fn loop_text(l: &Loop) -> String {
    match l {
        Loop::Package { package, members } => format!(
            "operative together with {} as package `{package}` (their conditions hold together)",
            members.join(", ")
        ),
        Loop::SelfSupportingLoop { members } => format!(
            "self-supporting loop: {} hold only by supporting each other, so indeterminate",
            members.join(", ")
        ),
        Loop::UnsettledLoop { members } => format!(
            "unsettled loop: the conditions of {} do not settle, so indeterminate",
            members.join(", ")
        ),
    }
}

fn op_word(t: Truth) -> &'static str {
    match t {
        Truth::True => "operative",
        Truth::False => "not operative",
        Truth::Unknown => "indeterminate",
    }
}

/// The values of the item reads in a trace (`progress(epd, by: uk) = limited`).
fn collect_reads(t: &accord_lang::Trace, out: &mut Vec<String>) {
    let is_read = ["status(", "progress(", "met(", "operative("]
        .iter()
        .any(|p| t.text.starts_with(p))
        && t.text.ends_with(')')
        && !t.text.contains(" and ")
        && !t.text.contains(" or ");
    if is_read {
        let s = format!("{} = {}", t.text, t.value);
        if !out.contains(&s) {
            out.push(s);
        }
        return;
    }
    for c in &t.children {
        collect_reads(c, out);
    }
}

pub(crate) fn item_report(m: &Model, s: &Snapshot, x: Ix) -> ItemReport {
    let d = m.item(x);
    ItemReport {
        id: id_of(m, x),
        kind: d.map_or(ItemKind::Instrument, |d| d.kind),
        name: d.map(|d| d.name.clone()).unwrap_or_default(),
        as_of: s.d,
        known_at: s.k,
        status: status_report(m, s, x),
        operative: s.op.get(x as usize).map_or(Truth::Unknown, |o| o.t),
        loop_: loop_of(m, s, x),
        at_risk: risk_report(m, s, x),
        reasons: reasons(m, s, x),
    }
}

pub(crate) fn why(m: &Model, s: &Snapshot, x: Ix) -> Why {
    let item = item_report(m, s, x);
    let op = item.operative;
    let mut root = Node::new(
        format!("{} — {} ({})", item.id, item.name, item.kind),
        op_word(op),
    );
    let mut opn = Node::new("operative", truth_word(op));
    opn.children = conjuncts(m, s, x);
    if let Some(l) = &item.loop_ {
        opn.children.push(Node::new(loop_text(l), ""));
    }
    root.children.push(opn);
    root.children
        .push(status_node(m, s, x, "reported status".into()));
    let mut risk = Node::new("at risk", if item.at_risk.is_some() { "yes" } else { "no" });
    if let Some(r) = &item.at_risk {
        for step in &r.path {
            risk.children.push(Node::new(
                format!("{} → {}: {}", step.from, step.to, step.via),
                "",
            ));
        }
        let end_ix = m.item_ix(&r.item).unwrap_or(x);
        let mut end = Node::new(format!("{}: {}", r.item, r.trouble), r.trouble.clone());
        for reason in reasons(m, s, end_ix) {
            end.children.push(Node::new(reason, ""));
        }
        let status_trouble = match s.rep.get(end_ix as usize).map(|r| r.val) {
            Some(RepVal::Status(st)) => st.is_negative(),
            Some(RepVal::Contested(_)) => true,
            _ => false,
        };
        if status_trouble {
            // The evidence of the negative status or of the contest (not the context).
            let sn = status_node(m, s, end_ix, String::new());
            end.claims = sn.claims;
            end.children.extend(
                sn.children
                    .into_iter()
                    .filter(|c| c.text.starts_with("side:")),
            );
        }
        risk.children.push(end);
    }
    root.children.push(risk);
    Why { item, tree: root }
}

pub(crate) fn contested(m: &Model, s: &Snapshot) -> Vec<ContestedItem> {
    let mut out = Vec::new();
    for (x, rep) in s.rep.iter().enumerate() {
        if !matches!(rep.val, RepVal::Contested(_)) {
            continue;
        }
        let x = x as Ix;
        let p = pick(m, x, s.d, s.k, derive::Ask::Status);
        let starts: Vec<Date> = p
            .counted
            .iter()
            .filter_map(|c| m.claim(*c).map(|c| c.start))
            .collect();
        let d = m.item(x);
        out.push(ContestedItem {
            id: id_of(m, x),
            kind: d.map_or(ItemKind::Track, |d| d.kind),
            name: d.map(|d| d.name.clone()).unwrap_or_default(),
            sides: sides(m, &p),
            window_from: starts.iter().min().copied().unwrap_or(s.d),
            window_to: starts.iter().max().copied().unwrap_or(s.d),
        });
    }
    out
}

impl Engine {
    /// The state of one item with short reasons.
    pub fn report(&mut self, id: &str, d: Date, k: Date) -> Result<ItemReport, EngineError> {
        let x = self.ix_of(id)?;
        let v = self.derive_all(d, k);
        Ok(item_report(v.model(), v.snapshot(), x))
    }

    /// The full explanation tree of one item.
    pub fn why(&mut self, id: &str, d: Date, k: Date) -> Result<Why, EngineError> {
        let x = self.ix_of(id)?;
        let v = self.derive_all(d, k);
        Ok(why(v.model(), v.snapshot(), x))
    }

    /// Every contested item with its sides.
    pub fn contested(&mut self, d: Date, k: Date) -> Vec<ContestedItem> {
        let v = self.derive_all(d, k);
        contested(v.model(), v.snapshot())
    }

    pub(crate) fn ix_of(&self, id: &str) -> Result<Ix, EngineError> {
        self.m.item_ix(id).ok_or_else(|| EngineError::UnknownItem {
            id: id.to_string(),
            suggestion: self.m.suggest_item(id),
        })
    }
}

impl Derived<'_> {
    /// The state of every item with short reasons.
    pub fn reports(&self) -> Vec<ItemReport> {
        (0..self.model().items.len())
            .map(|x| item_report(self.model(), self.snapshot(), x as Ix))
            .collect()
    }
}
