//! The dataset compiled for derivation: dense item indices, per-item sorted claim lists,
//! compiled conditions and the static dependency graphs (operative dependencies and their
//! strongly connected components, readers of each item's evidence, risk edges).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use accord_lang::{Function, Level};
use accord_model::{Claim, Dataset, Entry, Id, ItemKind, LinkKind, SourceKind, Status, Vocabulary};
use jiff::civil::Date;

use crate::cond::{self, Cond, PairIx, Reads};
use crate::store::ClaimStore;

/// A dense item index.
pub(crate) type Ix = u32;
/// A dense claim index (stable for the life of the engine; removed claims leave a hole).
pub(crate) type ClaimIx = u32;

/// A table of lists in one flat array (compressed sparse rows): list `i` is
/// `data[off[i]..off[i + 1]]`. Four bytes per row instead of a `Vec` header (24 bytes) and a
/// separate allocation per row, and neighbouring rows sit next to each other in memory.
#[derive(Debug, Clone)]
pub(crate) struct Csr<T> {
    off: Vec<u32>,
    data: Vec<T>,
}

impl<T: Clone> Csr<T> {
    pub(crate) fn from_rows(rows: Vec<Vec<T>>) -> Csr<T> {
        let mut off = Vec::with_capacity(rows.len() + 1);
        let mut data = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        off.push(0);
        for r in rows {
            data.extend(r);
            off.push(data.len() as u32);
        }
        Csr { off, data }
    }
}

impl<T> Csr<T> {
    /// Row `i`, or `None` past the end.
    pub(crate) fn get(&self, i: usize) -> Option<&[T]> {
        let a = *self.off.get(i)? as usize;
        let b = *self.off.get(i + 1)? as usize;
        self.data.get(a..b)
    }
    /// Row `i`, empty past the end.
    pub(crate) fn row(&self, i: usize) -> &[T] {
        self.get(i).unwrap_or(&[])
    }
    pub(crate) fn len(&self) -> usize {
        self.off.len().saturating_sub(1)
    }
    /// Every element, row after row.
    pub(crate) fn flat(&self) -> &[T] {
        &self.data
    }
}

/// The claims about each item, sorted by (valid start, known, index). The lists of the
/// dataset's claims sit in one flat array (`Model::insert_claims_bulk`): a whole derivation then reads them in
/// item order from contiguous memory, with no allocation (header, slack) per item. An
/// item whose list changes afterwards gets a list of its own.
#[derive(Debug, Clone)]
pub(crate) struct ClaimLists {
    base: Csr<Slot>,
    /// Per item: `NO_LIST`, or its list in `own`.
    own_ix: Vec<u32>,
    own: Vec<Vec<Slot>>,
}

const NO_LIST: u32 = u32::MAX;

impl ClaimLists {
    fn new(n: usize) -> ClaimLists {
        ClaimLists {
            base: Csr {
                off: vec![0; n + 1],
                data: Vec::new(),
            },
            own_ix: vec![NO_LIST; n],
            own: Vec::new(),
        }
    }

    pub(crate) fn get(&self, x: Ix) -> &[Slot] {
        match self.own_ix.get(x as usize).copied() {
            Some(NO_LIST) | None => self.base.row(x as usize),
            Some(i) => self.own.get(i as usize).map_or(&[], Vec::as_slice),
        }
    }

    /// The list of `x`, to change.
    fn get_mut(&mut self, x: Ix) -> Option<&mut Vec<Slot>> {
        let slot = self.own_ix.get_mut(x as usize)?;
        if *slot == NO_LIST {
            *slot = self.own.len() as u32;
            self.own.push(self.base.row(x as usize).to_vec());
        }
        let i = *slot as usize;
        self.own.get_mut(i)
    }
}

/// A reverse risk edge: the item it comes from and, for a link edge, the link (whose
/// condition decides whether it is followed), else `NO_LINK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct REdge {
    pub from: Ix,
    pub link: u32,
}

pub(crate) const NO_LINK: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) struct ItemDef {
    pub id: Id,
    pub kind: ItemKind,
    pub name: String,
    /// For a commitment: its obligor.
    pub obligor: Option<Id>,
    /// For a commitment: its instrument.
    pub instrument: Option<Ix>,
    pub entry: Entry,
}

/// A dated fact from the dataset's definitions (§1 of docs/semantics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DefRecord {
    pub date: Date,
    pub status: Status,
    /// The field it comes from: `announced`, `signed`, `in_force`, `discontinued`.
    pub field: &'static str,
    /// Tie-break among records of the same day (higher wins).
    pub order: u8,
}

/// The kinds of risk edge, in the order that breaks ties (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EdgeKind {
    /// Named in the item's activation or commitment condition.
    Condition,
    /// A commitment counted by a `progress(…)` the condition names (the pair).
    Counted,
    /// A member of a set the condition quantifies over.
    Quantified,
    /// A `conditional_on` link (index into `links`).
    ConditionalOn,
    /// A `linked_to` link.
    LinkedTo,
    /// A member of the package.
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub to: Ix,
    pub kind: EdgeKind,
    /// The link (for link edges) or the progress pair (for counted edges).
    pub detail: u32,
}

/// What derivation reads of a stored claim (its provenance is in the claim store).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoredClaim {
    pub item: Ix,
    pub start: Date,
    /// The last day of the valid range.
    pub end: Date,
    pub known: Date,
    pub voice: u32,
    pub corrects: Option<ClaimIx>,
    /// For `progress`: whose (an interned party id, or `store::NONE`).
    pub by: u32,
    /// The canonical status asserted (`status`, `met`, `missed`).
    pub status: Option<Status>,
    /// The level asserted (`progress`).
    pub level: Option<Level>,
    pub rank: u8,
    pub hypo: bool,
    /// Whether the claim is on a loop of corrections (its correction is then ignored).
    pub in_cycle: bool,
    /// Whether some stored claim corrects this one (else it cannot be withdrawn).
    pub corrected: bool,
    /// False once removed.
    pub live: bool,
}

/// A claim in its item's list: the dates a pick filters on, and its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub start: Date,
    pub end: Date,
    pub known: Date,
    pub ix: ClaimIx,
}

/// A compiled condition with its text (for explanations).
#[derive(Debug, Clone)]
pub(crate) struct CondDef {
    pub text: String,
    /// `None` when the text does not parse (it then evaluates to unknown).
    pub expr: Option<accord_lang::Expr>,
    pub cond: Cond,
}

#[derive(Debug, Clone)]
pub(crate) struct LinkDef {
    /// Its position in the dataset's links (its id is read from there).
    pub def: u32,
    pub kind: LinkKind,
    pub from: Ix,
    pub to: Ix,
    /// Boxed: few links have a condition.
    pub cond: Option<Box<CondDef>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Model {
    /// The definitions (shared with the caller when given as an `Arc`).
    pub ds: Arc<Dataset>,
    pub vocab: Vocabulary,
    pub window_days: i64,
    pub items: Vec<ItemDef>,
    /// The kind of each item (dense: read on every evaluation).
    pub kinds: Vec<ItemKind>,
    pub index: HashMap<Id, Ix>,
    pub records: Csr<DefRecord>,
    /// Activation (instruments) or condition (commitments).
    pub conds: Vec<Option<Box<CondDef>>>,
    pub links: Vec<LinkDef>,
    /// The links from each item (indices into `links`).
    pub links_from: Csr<u32>,
    /// The links that have a condition (indices into `links`).
    pub conditional_links: Vec<u32>,
    /// For each item, the conditional links whose condition reads its status, `met` or
    /// operative state; for each progress pair, those reading it. (Within one snapshot a
    /// link's condition can change only when something it reads does: the as-of date is
    /// fixed.)
    pub link_readers: Csr<u32>,
    pub pair_link_readers: Csr<u32>,
    /// `conditional_on` links from each item (indices into `links`).
    pub cond_links: Csr<u32>,
    /// Package members (`part_of` links into the package), in link order.
    pub members: Csr<Ix>,
    /// The packages an item is part of.
    pub packages_of: Csr<Ix>,
    /// Progress pairs `(item, by)` that conditions read.
    pub pairs: Vec<(Ix, Option<Id>)>,
    pub pair_index: HashMap<(Ix, Option<Id>), PairIx>,
    /// The commitments each pair counts.
    pub pair_sets: Csr<Ix>,
    /// For each commitment, the pairs counting it.
    pub pairs_of_commitment: Csr<PairIx>,
    /// For each item, the pairs about it (explicit progress claims).
    pub pairs_of_item: Csr<PairIx>,
    /// Items whose operative evaluation reads each pair.
    pub pair_readers: Csr<Ix>,
    /// Items whose operative evaluation reads each item's status or `met`.
    pub readers: Csr<Ix>,
    /// Items whose operative state each item's operative state reads.
    pub op_deps: Csr<Ix>,
    pub op_rdeps: Csr<Ix>,
    /// Strongly connected components of `op_deps`, dependencies first.
    pub sccs: Csr<Ix>,
    pub scc_of: Vec<u32>,
    pub scc_pos: Vec<u32>,
    /// Whether a one-member component depends on itself.
    pub scc_loops: Vec<bool>,
    /// Whether each component's conditions are monotone in its members' operative states
    /// (then a worklist reaches the fixed points; otherwise rounds are used).
    pub scc_monotone: Vec<bool>,
    /// Risk edges from each item, sorted by (target, kind, detail).
    pub risk_edges: Csr<Edge>,
    /// Reverse risk edges: for each item, the items with an edge to it (with repeats when
    /// several edges join them).
    pub risk_redges: Csr<REdge>,
    // The claim store.
    pub claims: ClaimStore,
    /// Claims about each item, sorted by (valid start, known, index), with the dates that
    /// bound a pick kept beside the index (a pick then reads a claim's record only for the
    /// few claims in its window).
    pub by_item: ClaimLists,
    /// For each item, the longest valid range of its claims, in days (bounds window scans).
    pub max_span: Vec<i64>,
    /// How many hypotheses are stored about each item (most items have none: `pick` then
    /// skips looking for them).
    pub hypo_count: Vec<u32>,
    /// The claims that correct each claim.
    pub correctors: HashMap<ClaimIx, Vec<ClaimIx>>,
    /// Voices by (interned party or source, whether a source).
    pub voices: HashMap<(u32, bool), u32>,
    /// Per interned source id: its rank and interned outlet.
    pub source_meta: HashMap<u32, (u8, u32)>,
}

/// Source-kind rank for the pick order; hypotheses rank above all.
pub(crate) const HYPOTHESIS_RANK: u8 = 6;

pub(crate) fn source_rank(k: SourceKind) -> u8 {
    match k {
        SourceKind::PrimaryDocument => 5,
        SourceKind::Official => 4,
        SourceKind::News => 3,
        SourceKind::Analysis => 2,
        SourceKind::Social => 1,
        SourceKind::Other => 0,
    }
}

struct Builder<'a> {
    index: &'a HashMap<Id, Ix>,
    items: &'a [ItemDef],
    ds: &'a Dataset,
    pairs: Vec<(Ix, Option<Id>)>,
    pair_index: HashMap<(Ix, Option<Id>), PairIx>,
    descendants: HashMap<Ix, Vec<Ix>>,
    /// `linked_to` and `conditional_on` targets of each item, in link order, no repeats.
    linked: Vec<Vec<Ix>>,
    /// Sources of the `part_of` links into each item, in link order, no repeats.
    parts: Vec<Vec<Ix>>,
}

/// (linked, parts) as `Builder` keeps them.
fn link_tables(ds: &Dataset, index: &HashMap<Id, Ix>, n: usize) -> (Vec<Vec<Ix>>, Vec<Vec<Ix>>) {
    let mut linked: Vec<Vec<Ix>> = vec![Vec::new(); n];
    let mut parts: Vec<Vec<Ix>> = vec![Vec::new(); n];
    for l in &ds.links {
        let (Some(&f), Some(&t)) = (index.get(&l.from), index.get(&l.to)) else {
            continue;
        };
        match l.kind {
            LinkKind::LinkedTo | LinkKind::ConditionalOn => {
                if let Some(v) = linked.get_mut(f as usize)
                    && !v.contains(&t)
                {
                    v.push(t);
                }
            }
            LinkKind::PartOf => {
                if let Some(v) = parts.get_mut(t as usize)
                    && !v.contains(&f)
                {
                    v.push(f);
                }
            }
            _ => {}
        }
    }
    (linked, parts)
}

impl Builder<'_> {
    /// `commitments(x, by)` as a fixed set (§3).
    fn commitments(&self, x: Ix, by: Option<&str>) -> Vec<Ix> {
        let mut out = BTreeSet::new();
        let mut seen = BTreeSet::new();
        self.collect_commitments(x, &mut out, &mut seen);
        out.into_iter()
            .filter(|c| {
                by.is_none_or(|p| {
                    self.items
                        .get(*c as usize)
                        .and_then(|i| i.obligor.as_deref())
                        == Some(p)
                })
            })
            .collect()
    }

    fn collect_commitments(&self, x: Ix, out: &mut BTreeSet<Ix>, seen: &mut BTreeSet<Ix>) {
        if !seen.insert(x) {
            return;
        }
        let Some(item) = self.items.get(x as usize) else {
            return;
        };
        match item.entry {
            Entry::Commitment(..) => {
                out.insert(x);
            }
            Entry::Instrument(i) => {
                let mut stack = vec![(x, i)];
                let mut done = BTreeSet::new();
                while let Some((ix, ii)) = stack.pop() {
                    if !done.insert(ix) {
                        continue;
                    }
                    if let Some(ins) = self.ds.instruments.get(ii) {
                        for c in &ins.commitments {
                            if let Some(cx) = self.index.get(&c.id) {
                                out.insert(*cx);
                            }
                        }
                    }
                    for child in self.descendants.get(&ix).into_iter().flatten() {
                        if let Some(Entry::Instrument(ci)) =
                            self.items.get(*child as usize).map(|d| d.entry)
                        {
                            stack.push((*child, ci));
                        }
                    }
                }
            }
            Entry::Track(t) => {
                if let Some(track) = self.ds.tracks.get(t) {
                    for ins in &track.instruments {
                        if let Some(ix) = self.index.get(ins) {
                            self.collect_commitments(*ix, out, seen);
                        }
                    }
                }
            }
            Entry::Package(_) => {
                for m in self.parts.get(x as usize).into_iter().flatten() {
                    self.collect_commitments(*m, out, seen);
                }
            }
            _ => {}
        }
    }

    fn linked(&self, x: Ix) -> Vec<Ix> {
        self.linked.get(x as usize).cloned().unwrap_or_default()
    }

    fn members(&self, x: Ix) -> Vec<Ix> {
        self.parts.get(x as usize).cloned().unwrap_or_default()
    }

    fn set(&self, f: Function, x: Ix, by: Option<&str>) -> Vec<Ix> {
        match f {
            Function::Commitments => self.commitments(x, by),
            Function::Linked => self.linked(x),
            Function::Members => self.members(x),
            _ => Vec::new(),
        }
    }
}

impl cond::Resolve for Builder<'_> {
    fn item(&mut self, id: &str) -> Option<Ix> {
        self.index.get(id).copied()
    }
    fn pair(&mut self, item: Ix, by: Option<&str>) -> PairIx {
        let key = (item, by.map(str::to_string));
        if let Some(p) = self.pair_index.get(&key) {
            return *p;
        }
        let p = self.pairs.len() as PairIx;
        self.pairs.push(key.clone());
        self.pair_index.insert(key, p);
        p
    }
    fn set(&mut self, f: Function, item: &str, by: Option<&str>) -> Option<Vec<String>> {
        let x = self.index.get(item).copied()?;
        Some(
            Builder::set(self, f, x, by)
                .into_iter()
                .filter_map(|i| self.items.get(i as usize).map(|d| d.id.clone()))
                .collect(),
        )
    }
}

/// Rewrites status words that are synonyms (`on_hold`, `paused`) to the canonical status they
/// stand for, so that `status(x) in [stalled, on_hold]` matches a suspended item. Only bare
/// names in comparison or list position and quantifier predicates are touched; item ids, the
/// implicit subjects `status`/`progress`/`met`, canonical names and words that mean different
/// statuses for different kinds of item are left as written.
fn canonical_status_words(e: &mut accord_lang::Expr, b: &Builder<'_>, vocab: &Vocabulary) {
    use accord_lang::ExprKind as E;
    match &mut e.kind {
        E::Name(n) => {
            let keep = matches!(n.as_str(), "status" | "progress" | "met")
                || n.parse::<Status>().is_ok()
                || b.index.contains_key(n.as_str());
            if !keep {
                let options = vocab.word_statuses(n);
                if let [only] = options.as_slice() {
                    *n = only.name().to_string();
                }
            }
        }
        E::Not(inner) => canonical_status_words(inner, b, vocab),
        E::And(v) | E::Or(v) => v
            .iter_mut()
            .for_each(|x| canonical_status_words(x, b, vocab)),
        E::Compare { lhs, rhs, .. } => {
            canonical_status_words(lhs, b, vocab);
            canonical_status_words(rhs, b, vocab);
        }
        E::In { lhs, list, .. } => {
            canonical_status_words(lhs, b, vocab);
            list.node
                .iter_mut()
                .for_each(|x| canonical_status_words(x, b, vocab));
        }
        E::Call { func, args } => {
            if matches!(func.name.as_str(), "all" | "any" | "none")
                && let Some(pred) = args.iter_mut().filter(|a| a.name.is_none()).nth(1)
            {
                canonical_status_words(&mut pred.value, b, vocab);
            }
        }
        E::Bool(_) | E::Level(_) | E::Date(_) => {}
    }
}

fn compile_text(text: &str, b: &mut Builder<'_>) -> CondDef {
    match accord_lang::parse(text) {
        Ok(mut expr) => {
            let vocab = b.ds.vocabulary();
            canonical_status_words(&mut expr, b, &vocab);
            let cond = cond::compile(&expr, b);
            CondDef {
                text: text.to_string(),
                expr: Some(expr),
                cond,
            }
        }
        Err(_) => CondDef {
            text: text.to_string(),
            expr: None,
            cond: Cond::Truth(accord_lang::Truth::Unknown),
        },
    }
}

/// The definitions of a dataset, indexed, without its claims (they go to the claim store:
/// cloning them only to drop them would leave their memory to the allocator).
fn definitions(ds: &Dataset) -> Dataset {
    let mut defs = Dataset::default();
    defs.meta = ds.meta.clone();
    defs.parties = ds.parties.clone();
    defs.sources = ds.sources.clone();
    defs.instruments = ds.instruments.clone();
    defs.tracks = ds.tracks.clone();
    defs.packages = ds.packages.clone();
    defs.links = ds.links.clone();
    defs.pledges = ds.pledges.clone();
    defs.reindex();
    defs
}

impl Model {
    pub(crate) fn new(ds: &Dataset) -> Model {
        Model::build(Arc::new(definitions(ds)))
    }

    /// Compiles a dataset the caller shares: no copy of its definitions is made (unless its
    /// id index is out of date, when an indexed copy of the definitions is used).
    pub(crate) fn shared(ds: Arc<Dataset>) -> Model {
        let indexed = ds.items().iter().all(|(id, _)| ds.lookup(id).is_some());
        if indexed {
            Model::build(ds)
        } else {
            Model::new(&ds)
        }
    }

    fn build(ds: Arc<Dataset>) -> Model {
        let vocab = ds.vocabulary();
        let mut items = Vec::new();
        let mut index = HashMap::new();
        let mut records = Vec::new();
        for (id, kind) in ds.items() {
            let Some(entry) = ds.lookup(&id) else {
                continue;
            };
            if index.contains_key(&id) {
                continue;
            }
            let mut def = ItemDef {
                id: id.clone(),
                kind,
                name: ds.name_of(&id).unwrap_or_default().to_string(),
                obligor: None,
                instrument: None,
                entry,
            };
            let mut recs = Vec::new();
            match entry {
                Entry::Instrument(i) => {
                    if let Some(ins) = ds.instruments.get(i) {
                        for (d, status, field, order) in [
                            (ins.announced, Status::Proposed, "announced", 0),
                            (ins.signed, Status::Signed, "signed", 1),
                            (ins.in_force, Status::InForce, "in_force", 2),
                            (ins.discontinued, Status::Discontinued, "discontinued", 3),
                        ] {
                            if let Some(date) = d {
                                recs.push(DefRecord {
                                    date,
                                    status,
                                    field,
                                    order,
                                });
                            }
                        }
                    }
                }
                Entry::Commitment(i, j) => {
                    if let Some(c) = ds.instruments.get(i).and_then(|x| x.commitments.get(j)) {
                        def.obligor = Some(c.obligor.clone());
                    }
                }
                Entry::Pledge(i) => {
                    if let Some(date) = ds.pledges.get(i).and_then(|p| p.announced) {
                        recs.push(DefRecord {
                            date,
                            status: Status::Announced,
                            field: "announced",
                            order: 0,
                        });
                    }
                }
                _ => {}
            }
            index.insert(id, items.len() as Ix);
            items.push(def);
            records.push(recs);
        }
        // Commitments know their instrument; instruments their children.
        let mut descendants: HashMap<Ix, Vec<Ix>> = HashMap::new();
        for (ix, def) in items.clone().iter().enumerate() {
            match def.entry {
                Entry::Commitment(i, _) => {
                    let ins = ds
                        .instruments
                        .get(i)
                        .and_then(|x| index.get(&x.id))
                        .copied();
                    if let Some(d) = items.get_mut(ix) {
                        d.instrument = ins;
                    }
                }
                Entry::Instrument(i) => {
                    if let Some(p) = ds
                        .instruments
                        .get(i)
                        .and_then(|x| x.parent.as_ref())
                        .and_then(|p| index.get(p))
                    {
                        descendants.entry(*p).or_default().push(ix as Ix);
                    }
                }
                _ => {}
            }
        }
        let n = items.len();
        let (linked_t, parts_t) = link_tables(&ds, &index, n);
        let mut b = Builder {
            index: &index,
            items: &items,
            ds: &ds,
            pairs: Vec::new(),
            pair_index: HashMap::new(),
            descendants,
            linked: linked_t,
            parts: parts_t,
        };
        // Conditions.
        let mut conds: Vec<Option<Box<CondDef>>> = vec![None; n];
        for (ix, def) in items.iter().enumerate() {
            let text = match def.entry {
                Entry::Instrument(i) => ds.instruments.get(i).and_then(|x| x.activation.clone()),
                Entry::Commitment(i, j) => ds
                    .instruments
                    .get(i)
                    .and_then(|x| x.commitments.get(j))
                    .and_then(|c| c.condition.clone()),
                _ => None,
            };
            if let Some(t) = text {
                conds[ix] = Some(Box::new(compile_text(&t, &mut b)));
            }
        }
        // Links.
        let mut links = Vec::new();
        let mut cond_links = vec![Vec::new(); n];
        let mut members = vec![Vec::new(); n];
        let mut packages_of = vec![Vec::new(); n];
        for (def, l) in ds.links.iter().enumerate() {
            let (Some(&from), Some(&to)) = (index.get(&l.from), index.get(&l.to)) else {
                continue;
            };
            let li = links.len() as u32;
            let cond = match l.kind {
                LinkKind::ConditionalOn | LinkKind::LinkedTo => l
                    .condition
                    .as_deref()
                    .map(|t| Box::new(compile_text(t, &mut b))),
                _ => None,
            };
            match l.kind {
                LinkKind::ConditionalOn => cond_links[from as usize].push(li),
                LinkKind::PartOf => {
                    if !members[to as usize].contains(&from) {
                        members[to as usize].push(from);
                    }
                    if !packages_of[from as usize].contains(&to) {
                        packages_of[from as usize].push(to);
                    }
                }
                _ => {}
            }
            links.push(LinkDef {
                def: def as u32,
                kind: l.kind,
                from,
                to,
                cond,
            });
        }
        // Members only count for packages.
        for (ix, def) in items.iter().enumerate() {
            if def.kind != ItemKind::Package {
                members[ix].clear();
            }
        }
        // Reads and operative dependencies.
        let mut readers = vec![Vec::new(); n];
        let mut op_deps: Vec<Vec<Ix>> = vec![Vec::new(); n];
        let mut pair_readers_raw: Vec<(PairIx, Ix)> = Vec::new();
        for x in 0..n {
            let mut r = Reads::default();
            if let Some(c) = &conds[x] {
                cond::reads(&c.cond, &mut r);
            }
            for li in &cond_links[x] {
                if let Some(l) = links.get(*li as usize) {
                    op_deps[x].push(l.to);
                    if let Some(c) = &l.cond {
                        cond::reads(&c.cond, &mut r);
                    }
                }
            }
            op_deps[x].extend(members[x].iter().copied());
            op_deps[x].extend(r.operative.iter().copied());
            for y in r.status.iter().chain(&r.met) {
                readers[*y as usize].push(x as Ix);
            }
            for p in &r.progress {
                pair_readers_raw.push((*p, x as Ix));
            }
        }
        // Risk edges.
        let mut links_from: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (li, l) in links.iter().enumerate() {
            if let Some(v) = links_from.get_mut(l.from as usize) {
                v.push(li as u32);
            }
        }
        let mut risk_edges: Vec<Vec<Edge>> = vec![Vec::new(); n];
        for x in 0..n {
            let mut edges = Vec::new();
            if let Some(Some(e)) = conds[x].as_ref().map(|c| &c.expr) {
                for r in accord_lang::references(e) {
                    let Some(&y) = index.get(&r.item) else {
                        continue;
                    };
                    edges.push(Edge {
                        to: y,
                        kind: EdgeKind::Condition,
                        detail: 0,
                    });
                    if r.function == Function::Progress {
                        let p = cond::Resolve::pair(&mut b, y, r.by.as_deref());
                        for c in b.commitments(y, r.by.as_deref()) {
                            edges.push(Edge {
                                to: c,
                                kind: EdgeKind::Counted,
                                detail: p,
                            });
                        }
                    }
                    if r.quantifier.is_some()
                        && matches!(
                            r.function,
                            Function::Commitments | Function::Linked | Function::Members
                        )
                    {
                        for m in b.set(r.function, y, r.by.as_deref()) {
                            edges.push(Edge {
                                to: m,
                                kind: EdgeKind::Quantified,
                                detail: 0,
                            });
                        }
                    }
                }
            }
            for li in links_from.get(x).into_iter().flatten() {
                let Some(l) = links.get(*li as usize) else {
                    continue;
                };
                let kind = match l.kind {
                    LinkKind::ConditionalOn => EdgeKind::ConditionalOn,
                    LinkKind::LinkedTo => EdgeKind::LinkedTo,
                    _ => continue,
                };
                edges.push(Edge {
                    to: l.to,
                    kind,
                    detail: *li,
                });
            }
            for m in &members[x] {
                edges.push(Edge {
                    to: *m,
                    kind: EdgeKind::Member,
                    detail: 0,
                });
            }
            edges.retain(|e| e.to as usize != x);
            // Several edges may join the same two items (a link with a condition and a
            // reference in the activation); all are kept, the first followed one is shown.
            edges.sort_by_key(|e| (e.to, e.kind, e.detail));
            edges.dedup();
            risk_edges[x] = edges;
        }
        // Pair tables.
        let np = b.pairs.len();
        let mut pair_sets = Vec::with_capacity(np);
        let mut pairs_of_commitment = vec![Vec::new(); n];
        let mut pairs_of_item = vec![Vec::new(); n];
        for (pi, (x, by)) in b.pairs.iter().enumerate() {
            let set = b.commitments(*x, by.as_deref());
            for c in &set {
                pairs_of_commitment[*c as usize].push(pi as PairIx);
            }
            pairs_of_item[*x as usize].push(pi as PairIx);
            pair_sets.push(set);
        }
        let mut pair_readers = vec![Vec::new(); np];
        for (p, x) in pair_readers_raw {
            if let Some(v) = pair_readers.get_mut(p as usize)
                && !v.contains(&x)
            {
                v.push(x);
            }
        }
        for v in readers.iter_mut().chain(op_deps.iter_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        let mut op_rdeps = vec![Vec::new(); n];
        for (x, deps) in op_deps.iter().enumerate() {
            for y in deps {
                op_rdeps[*y as usize].push(x as Ix);
            }
        }
        let mut risk_redges = vec![Vec::new(); n];
        for (x, edges) in risk_edges.iter().enumerate() {
            for e in edges {
                let link = match e.kind {
                    EdgeKind::ConditionalOn | EdgeKind::LinkedTo => e.detail,
                    _ => NO_LINK,
                };
                risk_redges[e.to as usize].push(REdge {
                    from: x as Ix,
                    link,
                });
            }
        }
        let (sccs, scc_of) = tarjan(&op_deps);
        let mut scc_pos = vec![0u32; n];
        let mut scc_loops = vec![false; sccs.len()];
        for (si, members) in sccs.iter().enumerate() {
            for (pos, x) in members.iter().enumerate() {
                scc_pos[*x as usize] = pos as u32;
            }
            if let [x] = members.as_slice() {
                scc_loops[si] = op_deps[*x as usize].contains(x);
            }
        }
        let conditional_links: Vec<u32> = links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.cond.is_some())
            .map(|(i, _)| i as u32)
            .collect();
        let mut link_readers: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut pair_link_readers: Vec<Vec<u32>> = vec![Vec::new(); b.pairs.len()];
        for li in &conditional_links {
            let Some(c) = links.get(*li as usize).and_then(|l| l.cond.as_ref()) else {
                continue;
            };
            let mut r = Reads::default();
            cond::reads(&c.cond, &mut r);
            for x in r.status.iter().chain(&r.met).chain(&r.operative) {
                if let Some(v) = link_readers.get_mut(*x as usize)
                    && v.last() != Some(li)
                {
                    v.push(*li);
                }
            }
            for p in &r.progress {
                if let Some(v) = pair_link_readers.get_mut(*p as usize)
                    && v.last() != Some(li)
                {
                    v.push(*li);
                }
            }
        }
        let scc_monotone = sccs
            .iter()
            .enumerate()
            .map(|(si, members)| {
                let inside = |y: Ix| scc_of.get(y as usize).copied() == Some(si as u32);
                members.iter().all(|x| {
                    let own = conds
                        .get(*x as usize)
                        .and_then(Option::as_ref)
                        .is_none_or(|c| cond::monotone(&c.cond, &inside));
                    // `(not condition) or operative(to)`: the condition is read negated.
                    let links_ok = cond_links.get(*x as usize).into_iter().flatten().all(|li| {
                        links
                            .get(*li as usize)
                            .and_then(|l| l.cond.as_ref())
                            .is_none_or(|c| {
                                cond::monotone(&Cond::Not(Box::new(c.cond.clone())), &inside)
                            })
                    });
                    own && links_ok
                })
            })
            .collect();
        let pairs = b.pairs;
        let pair_index = b.pair_index;
        let kinds = items.iter().map(|d| d.kind).collect();
        Model {
            window_days: i64::from(ds.meta.contested_window_days),
            vocab,
            ds,
            items,
            kinds,
            index,
            records: Csr::from_rows(records),
            conds,
            links,
            links_from: Csr::from_rows(links_from),
            conditional_links,
            link_readers: Csr::from_rows(link_readers),
            pair_link_readers: Csr::from_rows(pair_link_readers),
            cond_links: Csr::from_rows(cond_links),
            members: Csr::from_rows(members),
            packages_of: Csr::from_rows(packages_of),
            pairs,
            pair_index,
            pair_sets: Csr::from_rows(pair_sets),
            pairs_of_commitment: Csr::from_rows(pairs_of_commitment),
            pairs_of_item: Csr::from_rows(pairs_of_item),
            pair_readers: Csr::from_rows(pair_readers),
            readers: Csr::from_rows(readers),
            op_deps: Csr::from_rows(op_deps),
            op_rdeps: Csr::from_rows(op_rdeps),
            sccs: Csr::from_rows(sccs),
            scc_of,
            scc_pos,
            scc_loops,
            scc_monotone,
            risk_edges: Csr::from_rows(risk_edges),
            risk_redges: Csr::from_rows(risk_redges),
            claims: ClaimStore::default(),
            by_item: ClaimLists::new(n),
            max_span: vec![0; n],
            hypo_count: vec![0; n],
            correctors: HashMap::new(),
            voices: HashMap::new(),
            source_meta: HashMap::new(),
        }
    }

    pub(crate) fn item_ix(&self, id: &str) -> Option<Ix> {
        self.index.get(id).copied()
    }

    /// The id of a link, as the dataset gives it.
    pub(crate) fn link_id(&self, l: &LinkDef) -> &str {
        self.ds
            .links
            .get(l.def as usize)
            .map_or("", |d| d.id.as_str())
    }

    pub(crate) fn item(&self, x: Ix) -> Option<&ItemDef> {
        self.items.get(x as usize)
    }

    pub(crate) fn claim(&self, c: ClaimIx) -> Option<&StoredClaim> {
        self.claims.get(c)
    }

    /// `commitments(x, by)` for any item and party (not only the pairs conditions read).
    pub(crate) fn commitments_of(&self, x: Ix, by: Option<&str>) -> Vec<Ix> {
        if let Some(p) = self.pair_index.get(&(x, by.map(str::to_string))) {
            return self.pair_sets.row(*p as usize).to_vec();
        }
        let mut descendants: HashMap<Ix, Vec<Ix>> = HashMap::new();
        for (ix, def) in self.items.iter().enumerate() {
            if let Entry::Instrument(i) = def.entry
                && let Some(p) = self
                    .ds
                    .instruments
                    .get(i)
                    .and_then(|x| x.parent.as_ref())
                    .and_then(|p| self.index.get(p))
            {
                descendants.entry(*p).or_default().push(ix as Ix);
            }
        }
        let (linked, parts) = link_tables(&self.ds, &self.index, self.items.len());
        let b = Builder {
            index: &self.index,
            items: &self.items,
            ds: &self.ds,
            pairs: Vec::new(),
            pair_index: HashMap::new(),
            descendants,
            linked,
            parts,
        };
        b.commitments(x, by)
    }

    /// The source's rank and outlet (interned), looked up once per source.
    fn source_meta(&mut self, source: &str) -> (u32, u8, u32) {
        let si = self.claims.strings.intern(source);
        if let Some((rank, outlet)) = self.source_meta.get(&si) {
            return (si, *rank, *outlet);
        }
        let (rank, outlet) = match self.ds.source(source) {
            Some(s) => (source_rank(s.kind), s.outlet.clone()),
            None => (0, None),
        };
        let outlet = outlet.map_or(crate::store::NONE, |o| self.claims.strings.intern(&o));
        self.source_meta.insert(si, (rank, outlet));
        (si, rank, outlet)
    }

    /// A claim's voice: its speaker, else its source's outlet, else its source.
    fn voice_of(&mut self, c: &Claim, source: u32, outlet: u32) -> u32 {
        let key = match &c.speaker {
            Some(s) => (self.claims.strings.intern(s), false),
            None if outlet != crate::store::NONE => (outlet, false),
            None => (source, true),
        };
        let next = self.voices.len() as u32;
        *self.voices.entry(key).or_insert(next)
    }

    /// Stores a claim. Returns its index, or why it cannot be used.
    pub(crate) fn insert_claim(
        &mut self,
        claim: &Claim,
        hypo: bool,
    ) -> Result<ClaimIx, crate::EngineError> {
        self.insert_claim_in(claim, hypo, true)
    }

    /// Stores the dataset's claims (into an engine that has none yet), then lays out their
    /// per-item lists flat in one pass (no list per item is ever built). Returns the claims
    /// that cannot be used, with the reason.
    pub(crate) fn insert_claims_bulk(
        &mut self,
        claims: &[Claim],
    ) -> Vec<(String, crate::EngineError)> {
        let mut skipped = Vec::new();
        for c in claims {
            if let Err(e) = self.insert_claim_in(c, false, false) {
                skipped.push((c.id.clone(), e));
            }
        }
        let n = self.items.len();
        let mut rows: Vec<u32> = vec![0; n + 1];
        for c in self.claims.live() {
            if let Some(s) = self.claims.get(c)
                && let Some(r) = rows.get_mut(s.item as usize + 1)
            {
                *r += 1;
            }
        }
        for i in 0..n {
            let before = rows.get(i).copied().unwrap_or(0);
            if let Some(r) = rows.get_mut(i + 1) {
                *r += before;
            }
        }
        let total = rows.get(n).copied().unwrap_or(0) as usize;
        let mut fill: Vec<u32> = rows.clone();
        let mut data = vec![
            Slot {
                start: Date::MIN,
                end: Date::MIN,
                known: Date::MIN,
                ix: 0,
            };
            total
        ];
        // Claims in index order, then each row sorted by (start, known): stable, so ties
        // stay in index order.
        for c in self.claims.live() {
            if let Some(s) = self.claims.get(c)
                && let Some(f) = fill.get_mut(s.item as usize)
                && let Some(slot) = data.get_mut(*f as usize)
            {
                *slot = Slot {
                    start: s.start,
                    end: s.end,
                    known: s.known,
                    ix: c,
                };
                *f += 1;
            }
        }
        for i in 0..n {
            let (a, b) = (rows[i] as usize, rows[i + 1] as usize);
            if let Some(row) = data.get_mut(a..b) {
                row.sort_by_key(|c| (c.start, c.known));
            }
        }
        self.by_item = ClaimLists {
            base: Csr { off: rows, data },
            own_ix: vec![NO_LIST; n],
            own: Vec::new(),
        };
        skipped
    }

    fn insert_claim_in(
        &mut self,
        claim: &Claim,
        hypo: bool,
        list: bool,
    ) -> Result<ClaimIx, crate::EngineError> {
        if self.claims.find(&claim.id).is_some() {
            return Err(crate::EngineError::DuplicateClaim(claim.id.clone()));
        }
        let Some(item) = self.item_ix(&claim.about) else {
            return Err(crate::EngineError::UnknownItem {
                id: claim.about.clone(),
                suggestion: self.suggest_item(&claim.about),
            });
        };
        let kind = self.items.get(item as usize).map(|d| d.kind);
        let status = match claim.asserts {
            accord_model::Asserts::Status => match (kind, claim.value.as_deref()) {
                (Some(k), Some(v)) => self.vocab.canonical(k, v).map(|m| m.status),
                _ => None,
            },
            accord_model::Asserts::Met if kind == Some(ItemKind::Commitment) => Some(Status::Met),
            accord_model::Asserts::Missed if kind == Some(ItemKind::Commitment) => {
                Some(Status::Missed)
            }
            _ => None,
        };
        let level = match claim.asserts {
            accord_model::Asserts::Progress => {
                claim.value.as_deref().and_then(|v| v.parse::<Level>().ok())
            }
            _ => None,
        };
        let corrects = claim.corrects().and_then(|id| self.claims.find(id));
        let (source, rank, outlet) = self.source_meta(&claim.source);
        let rank = if hypo { HYPOTHESIS_RANK } else { rank };
        let voice = self.voice_of(claim, source, outlet);
        let hot = StoredClaim {
            item,
            start: claim.valid.start,
            end: claim.valid.end,
            known: claim.known,
            voice,
            corrects,
            by: crate::store::NONE,
            status,
            level,
            rank,
            hypo,
            in_cycle: false,
            corrected: false,
            live: true,
        };
        let key = (hot.start, hot.known);
        let span = i64::from((hot.end - hot.start).get_days());
        if let Some(m) = self.max_span.get_mut(item as usize) {
            *m = (*m).max(span);
        }
        let ix = self.claims.push(claim, hot);
        if hypo && let Some(h) = self.hypo_count.get_mut(item as usize) {
            *h += 1;
        }
        if list && let Some(list) = self.by_item.get_mut(item) {
            // Sorted by (start, known, index): a new claim has the largest index.
            let pos = list.partition_point(|c| (c.start, c.known) <= key);
            list.insert(
                pos,
                Slot {
                    start: hot.start,
                    end: hot.end,
                    known: hot.known,
                    ix,
                },
            );
        }
        if let Some(t) = corrects {
            self.correctors.entry(t).or_default().push(ix);
            if let Some(s) = self.claims.get_mut(t) {
                s.corrected = true;
            }
        }
        Ok(ix)
    }

    /// Resolves corrections written before the claims they name (dataset order) and marks
    /// correction loops. Called once after the dataset's claims are stored.
    pub(crate) fn resolve_corrections(&mut self) {
        let mut late = Vec::new();
        for ix in self.claims.live() {
            if let Some(c) = self.claims.get(ix)
                && c.corrects.is_none()
                && let Some(t) = self
                    .claims
                    .corrects_id(ix)
                    .and_then(|id| self.claims.find(id))
                && t != ix
            {
                late.push((ix, t));
            }
        }
        for (ix, t) in late {
            if let Some(c) = self.claims.get_mut(ix) {
                c.corrects = Some(t);
            }
            if let Some(c) = self.claims.get_mut(t) {
                c.corrected = true;
            }
            self.correctors.entry(t).or_default().push(ix);
        }
        let n = self.claims.len();
        let with_corrections: Vec<ClaimIx> = self
            .claims
            .live()
            .filter(|c| self.claim(*c).is_some_and(|s| s.corrects.is_some()))
            .collect();
        for start in with_corrections {
            let mut cur = self.claim(start).and_then(|c| c.corrects);
            let mut steps = 0usize;
            let mut cyc = false;
            while let Some(c) = cur {
                if c == start {
                    cyc = true;
                    break;
                }
                steps += 1;
                if steps > n {
                    break;
                }
                cur = self.claim(c).and_then(|s| s.corrects);
            }
            if cyc && let Some(c) = self.claims.get_mut(start) {
                c.in_cycle = true;
            }
        }
    }

    /// Removes a claim from the store.
    pub(crate) fn remove_claim(&mut self, ix: ClaimIx) -> Option<StoredClaim> {
        let stored = self.claims.remove(ix)?;
        if stored.hypo
            && let Some(h) = self.hypo_count.get_mut(stored.item as usize)
        {
            *h = h.saturating_sub(1);
        }
        if let Some(list) = self.by_item.get_mut(stored.item) {
            list.retain(|c| c.ix != ix);
        }
        if let Some(t) = stored.corrects
            && let Some(v) = self.correctors.get_mut(&t)
        {
            v.retain(|c| *c != ix);
            if v.is_empty() {
                self.correctors.remove(&t);
                if let Some(s) = self.claims.get_mut(t) {
                    s.corrected = false;
                }
            }
        }
        Some(stored)
    }

    /// The claim `c` as it was given.
    pub(crate) fn full_claim(&self, c: ClaimIx) -> Option<Claim> {
        let s = self.claim(c)?;
        let about = self.item(s.item).map_or("", |d| d.id.as_str());
        self.claims.full(c, about)
    }

    /// The risk edges from `x`, sorted by (target, kind, detail).
    pub(crate) fn edges_of(&self, x: Ix) -> &[Edge] {
        self.risk_edges.row(x as usize)
    }

    /// The items with a risk edge to `y` (with repeats when several edges join them).
    pub(crate) fn preds_of(&self, y: Ix) -> impl Iterator<Item = Ix> + '_ {
        self.risk_redges.row(y as usize).iter().map(|r| r.from)
    }

    /// The reverse risk edges into `y`.
    pub(crate) fn redges_of(&self, y: Ix) -> &[REdge] {
        self.risk_redges.row(y as usize)
    }

    pub(crate) fn kind_of(&self, x: Ix) -> Option<ItemKind> {
        self.kinds.get(x as usize).copied()
    }

    pub(crate) fn risk_edge_count(&self) -> usize {
        self.risk_edges.flat().len()
    }

    /// The stored claims about `x`, sorted by (valid start, known, index).
    pub(crate) fn claims_of(&self, x: Ix) -> &[Slot] {
        self.by_item.get(x)
    }

    /// The indexes of the stored claims, in order.
    pub(crate) fn live_claims(&self) -> impl Iterator<Item = ClaimIx> + '_ {
        self.claims.live()
    }

    pub(crate) fn claim_id(&self, c: ClaimIx) -> &str {
        self.claims.id(c)
    }

    pub(crate) fn claim_confidence(&self, c: ClaimIx) -> f64 {
        self.claims.confidence(c)
    }

    pub(crate) fn suggest_item(&self, id: &str) -> Option<String> {
        accord_lang::suggest(id, self.items.iter().map(|d| d.id.as_str())).map(str::to_string)
    }
}

/// Tarjan's algorithm, iterative. Components come out dependencies first.
fn tarjan(deps: &[Vec<Ix>]) -> (Vec<Vec<Ix>>, Vec<u32>) {
    let n = deps.len();
    const UNSET: u32 = u32::MAX;
    let mut index = vec![UNSET; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<Ix> = Vec::new();
    let mut sccs: Vec<Vec<Ix>> = Vec::new();
    let mut scc_of = vec![0u32; n];
    let mut next = 0u32;
    for root in 0..n {
        if index[root] != UNSET {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root as Ix);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut ei)) = call.last_mut() {
            if let Some(&w) = deps[v].get(*ei) {
                *ei += 1;
                let w = w as usize;
                if index[w] == UNSET {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w as Ix);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        scc_of[w as usize] = sccs.len() as u32;
                        comp.push(w);
                        if w as usize == v {
                            break;
                        }
                    }
                    comp.sort_unstable();
                    sccs.push(comp);
                }
            }
        }
    }
    (sccs, scc_of)
}
