//! Deterministic synthetic worlds for accord's benchmarks (`accord gen`).
//!
//! A world is built deal by deal, the way real trackers grow: each deal has a framework
//! instrument with sections and commitments, one to four sector arrangements under it (each
//! with its own commitments), a negotiation track (sometimes a dispute track too), pledges
//! tied to its instruments (sometimes under an aggregate pledge) and, now and then, a package
//! whose members stand or fall together. Deals depend on earlier deals through activation
//! conditions and links whose targets are chosen by **preferential attachment** (a target
//! already depended on is more likely to be chosen again), which gives the power-law fan-in
//! of real dependency graphs; 2–5 % of links cross between deals.
//!
//! Every dependency points from a later item to an earlier one, except in **rings**: about one
//! deal in fifty closes a loop of `conditional_on` links through the frameworks of the last
//! 2–20 deals, so the operative-dependency graph has cycles of that size only. The
//! [`Family::GiantCycle`] family instead draws links uniformly at random between all items,
//! which makes one strongly connected component of a large share of the items: the worst
//! case, kept separate on purpose.
//!
//! Claims span ten years (2016–2025): an item is chosen half the time among those already
//! talked about (so a few items get most of the news), dates are mostly exact days with some
//! months and intervals, knowledge lags a few days, about 15 % of claims contradict the
//! previous claim about the same item within days (a negative word against a positive one,
//! from another outlet), about 1 % retract and 1 % supersede an earlier claim.
//!
//! The same [`Config`] always gives the same world: the only randomness is a SplitMix64
//! stream seeded from `Config::seed`.

use std::collections::HashSet;
use std::fmt;

use accord_model::{
    Asserts, Channel, Claim, Commitment, Dataset, DatasetMeta, FuzzyDate, Instrument,
    InstrumentKind, ItemKind, Link, LinkKind, Money, Package, Party, PartyKind, Pledge, PledgeKind,
    Precision, Section, Source, SourceKind, Status, Track, TrackKind,
};
use jiff::civil::Date;
use jiff::{Span, ToSpan};

/// Which kind of dependency graph to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Deals with power-law fan-in, 2–5 % cross-deal links, cycles of 2–20 items only.
    Realistic,
    /// The same items, with links drawn uniformly at random: one giant cycle.
    GiantCycle,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Realistic => "realistic",
            Family::GiantCycle => "giant-cycle",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        match s {
            "realistic" => Some(Family::Realistic),
            "giant-cycle" | "giant_cycle" => Some(Family::GiantCycle),
            _ => None,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Items (instruments, commitments, tracks, packages, pledges) wanted; the world stops at
    /// the first whole deal reaching it.
    pub items: usize,
    pub claims: usize,
    /// Links per item, on average (4 in the world).
    pub links_per_item: f64,
    pub seed: u64,
    pub family: Family,
}

impl Config {
    pub fn new(items: usize, claims: usize, seed: u64) -> Config {
        Config {
            items,
            claims,
            links_per_item: 4.0,
            seed,
            family: Family::Realistic,
        }
    }
}

/// Why a world could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError(pub String);

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenError {}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub deals: usize,
    pub instruments: usize,
    pub commitments: usize,
    pub tracks: usize,
    pub packages: usize,
    pub pledges: usize,
    pub links: usize,
    pub cross_deal_links: usize,
    pub conditions: usize,
    pub rings: usize,
    pub claims: usize,
    pub contradictions: usize,
    pub retractions: usize,
    pub supersessions: usize,
}

impl Stats {
    pub fn items(&self) -> usize {
        self.instruments + self.commitments + self.tracks + self.packages + self.pledges
    }
}

/// A generated world.
#[derive(Debug, Clone)]
pub struct World {
    pub dataset: Dataset,
    pub stats: Stats,
}

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// The first day claims may be valid on, and how many days they span (ten years).
pub fn first_day() -> Date {
    jiff::civil::date(2016, 1, 1)
}

pub const SPAN_DAYS: i32 = 3653;

const COUNTRIES: usize = 193;
const OUTLETS: usize = 40;
const PEOPLE: usize = 600;
const OFFICES: usize = 120;
const MONTHS: usize = 120;

/// Progress reports: called with the phase's name, the work done and the work in all.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// Generates a world. Deterministic for a configuration.
pub fn generate(cfg: &Config, progress: Progress<'_>) -> Result<World, GenError> {
    if cfg.items == 0 {
        return Err(GenError(
            "`--items` must be at least 1: a world needs an item to talk about".into(),
        ));
    }
    if !(cfg.links_per_item.is_finite() && cfg.links_per_item >= 0.0) {
        return Err(GenError(
            "links per item must be a number of 0 or more".into(),
        ));
    }
    let mut g = Gen::new(cfg);
    g.parties_and_sources();
    g.deals(progress)?;
    if cfg.family == Family::GiantCycle {
        g.giant_links(progress);
    }
    g.claims(progress)?;
    g.ds.reindex();
    Ok(World {
        dataset: g.ds,
        stats: g.stats,
    })
}

/// An item as the generator remembers it.
#[derive(Debug, Clone)]
struct Item {
    id: String,
    kind: ItemKind,
    /// Index into `Gen::ds.parties` of a party the item concerns (for `by:` and obligors).
    party: usize,
}

struct Gen<'c> {
    cfg: &'c Config,
    rng: Rng,
    ds: Dataset,
    stats: Stats,
    items: Vec<Item>,
    /// Each deal's (framework item, negotiation track item), as indexes into `items`.
    deal_items: Vec<(usize, usize)>,
    /// Preferential-attachment urn of deals already depended on.
    urn: Vec<usize>,
    /// Countries chosen so far (a few countries make most deals).
    country_urn: Vec<usize>,
}

impl<'c> Gen<'c> {
    fn new(cfg: &'c Config) -> Gen<'c> {
        let mut ds = Dataset::default();
        ds.meta = DatasetMeta {
            name: format!("gen-{}-{}-{}", cfg.family, cfg.items, cfg.seed),
            title: Some(format!(
                "Synthetic world: {} items, {} claims, seed {} ({})",
                cfg.items, cfg.claims, cfg.seed, cfg.family
            )),
            description: Some(
                "Generated by `accord gen`; every name and figure is invented.".into(),
            ),
            ..DatasetMeta::default()
        };
        Gen {
            cfg,
            rng: Rng::new(cfg.seed),
            ds,
            stats: Stats::default(),
            items: Vec::with_capacity(cfg.items + 64),
            deal_items: Vec::new(),
            urn: Vec::new(),
            country_urn: Vec::new(),
        }
    }

    fn party(&mut self, id: String, kind: PartyKind, name: String) {
        self.ds.parties.push(Party {
            id,
            kind,
            name,
            aliases: vec![],
            iso2: None,
            iso3: None,
            m49: None,
            members: vec![],
            country: None,
            roles: vec![],
            wikidata: None,
            lei: None,
            note: None,
        });
    }

    fn parties_and_sources(&mut self) {
        for i in 0..COUNTRIES {
            self.party(format!("k{i}"), PartyKind::Country, format!("Country {i}"));
        }
        for i in 0..OUTLETS {
            self.party(format!("o{i}"), PartyKind::Outlet, format!("Outlet {i}"));
        }
        for i in 0..OFFICES {
            self.party(format!("f{i}"), PartyKind::Office, format!("Office {i}"));
        }
        for i in 0..PEOPLE {
            self.party(format!("p{i}"), PartyKind::Person, format!("Person {i}"));
        }
        // One source per outlet and month, published on the month's first day.
        for m in 0..MONTHS {
            let published = month_start(m);
            for o in 0..OUTLETS {
                let kind = match o % 10 {
                    0 => SourceKind::Official,
                    1 => SourceKind::PrimaryDocument,
                    2 => SourceKind::Analysis,
                    3 => SourceKind::Social,
                    _ => SourceKind::News,
                };
                self.ds.sources.push(Source {
                    id: source_id(m, o),
                    kind,
                    outlet: Some(format!("o{o}")),
                    title: format!("Outlet {o}, {}", published.strftime("%B %Y")),
                    url: None,
                    published,
                    note: None,
                });
            }
        }
    }

    /// A country, chosen preferentially.
    fn country(&mut self) -> usize {
        let k = if !self.country_urn.is_empty() && self.rng.chance(0.6) {
            self.country_urn[self.rng.below(self.country_urn.len())]
        } else {
            self.rng.below(COUNTRIES)
        };
        self.country_urn.push(k);
        k
    }

    /// An earlier deal, chosen preferentially (power-law fan-in).
    fn earlier_deal(&mut self, before: usize) -> Option<usize> {
        if before == 0 {
            return None;
        }
        let d = if !self.urn.is_empty() && self.rng.chance(0.5) {
            self.urn[self.rng.below(self.urn.len())]
        } else {
            self.rng.below(before)
        };
        self.urn.push(d);
        Some(d)
    }

    fn push_item(&mut self, id: String, kind: ItemKind, party: usize) -> usize {
        self.items.push(Item { id, kind, party });
        match kind {
            ItemKind::Instrument => self.stats.instruments += 1,
            ItemKind::Commitment => self.stats.commitments += 1,
            ItemKind::Track => self.stats.tracks += 1,
            ItemKind::Package => self.stats.packages += 1,
            ItemKind::Pledge => self.stats.pledges += 1,
        }
        self.items.len() - 1
    }

    fn link(&mut self, kind: LinkKind, from: usize, to: usize) {
        let id = format!("l{}", self.ds.links.len());
        let (from, to) = (self.items[from].id.clone(), self.items[to].id.clone());
        self.ds.links.push(Link {
            id,
            kind,
            from,
            to,
            mode: None,
            condition: None,
            sources: vec![],
            note: None,
        });
        self.stats.links += 1;
    }

    fn instrument(
        &mut self,
        id: String,
        kind: InstrumentKind,
        parties: (usize, usize),
        parent: Option<String>,
        activation: Option<String>,
        day: Date,
    ) -> (usize, Instrument) {
        let ix = self.push_item(id.clone(), ItemKind::Instrument, parties.0);
        let sections = 1 + self.rng.below(2);
        let mut ins = Instrument {
            id: id.clone(),
            kind,
            name: format!("Instrument {id}"),
            aliases: vec![],
            binding: None,
            parties: vec![format!("k{}", parties.0), format!("k{}", parties.1)],
            parent,
            announced: Some(day),
            signed: self.rng.chance(0.5).then(|| day.saturating_add(30.days())),
            in_force: None,
            discontinued: None,
            activation,
            discontinuation: None,
            sections: (0..sections)
                .map(|s| Section {
                    id: format!("s{s}"),
                    number: Some(format!("{}", s + 1)),
                    title: format!("Section {}", s + 1),
                    provisions: vec![],
                })
                .collect(),
            commitments: vec![],
            external_ids: vec![],
            sources: vec![],
            note: None,
        };
        if ins.activation.is_some() {
            self.stats.conditions += 1;
        }
        if ins.signed.is_some() && self.rng.chance(0.4) {
            ins.in_force = Some(day.saturating_add(120.days()));
        }
        let n = 1 + self.rng.below(4);
        for c in 0..n {
            let cid = format!("{id}.c{c}");
            let obligor = if self.rng.chance(0.5) {
                parties.0
            } else {
                parties.1
            };
            self.push_item(cid.clone(), ItemKind::Commitment, obligor);
            let condition = (c > 0 && self.rng.chance(0.15)).then(|| {
                self.stats.conditions += 1;
                format!("met({id}.c{})", self.rng.below(c))
            });
            ins.commitments.push(Commitment {
                id: cid,
                summary: format!("Commitment {c} of {id}"),
                obligor: format!("k{obligor}"),
                beneficiary: None,
                due: None,
                section: Some(format!("s{}", c % sections)),
                condition,
                sources: vec![],
            });
        }
        (ix, ins)
    }

    fn deals(&mut self, progress: Progress<'_>) -> Result<(), GenError> {
        let target = self.cfg.items;
        let mut deal = 0usize;
        let mut since_ring = 0usize;
        while self.items.len() < target {
            let first = self.items.len();
            let parties = (self.country(), self.country());
            let day =
                first_day().saturating_add((self.rng.below(SPAN_DAYS as usize) as i32).days());
            let fid = format!("d{deal}");
            // The framework's activation: progress or status of an earlier deal.
            let activation = if self.rng.chance(0.3) {
                self.earlier_deal(deal).map(|e| {
                    let by = self.items[self.deal_items[e].0].party;
                    if self.rng.chance(0.6) {
                        format!("progress(d{e}, by: k{by}) >= substantial")
                    } else {
                        format!("status(d{e}_t) in [active, agreed] or operative(d{e})")
                    }
                })
            } else {
                None
            };
            let (fix, framework) = self.instrument(
                fid.clone(),
                InstrumentKind::Framework,
                parties,
                None,
                activation,
                day,
            );
            self.ds.instruments.push(framework);
            let sectors = 1 + self.rng.below(4);
            let mut instruments = vec![fix];
            for s in 0..sectors {
                let activation = self.rng.chance(0.4).then(|| format!("operative({fid})"));
                let (six, ins) = self.instrument(
                    format!("{fid}_s{s}"),
                    InstrumentKind::SectorArrangement,
                    parties,
                    Some(fid.clone()),
                    activation,
                    day.saturating_add((s as i32 * 20 + 10).days()),
                );
                self.ds.instruments.push(ins);
                instruments.push(six);
            }
            // The negotiation track, and sometimes a dispute weighing on it.
            let tix = self.push_item(format!("{fid}_t"), ItemKind::Track, parties.0);
            self.ds.tracks.push(Track {
                id: format!("{fid}_t"),
                kind: TrackKind::Negotiation,
                name: format!("Talks on {fid}"),
                aliases: vec![],
                parties: vec![format!("k{}", parties.0), format!("k{}", parties.1)],
                topic: format!("topic {}", deal % 17),
                sectors: vec![],
                products: vec![],
                instruments: instruments
                    .iter()
                    .map(|&i| self.items[i].id.clone())
                    .collect(),
                sources: vec![],
                note: None,
            });
            if self.rng.chance(0.2) {
                let xix = self.push_item(format!("{fid}_x"), ItemKind::Track, parties.1);
                self.ds.tracks.push(Track {
                    id: format!("{fid}_x"),
                    kind: TrackKind::Dispute,
                    name: format!("Dispute over {fid}"),
                    aliases: vec![],
                    parties: vec![format!("k{}", parties.0), format!("k{}", parties.1)],
                    topic: "dispute".into(),
                    sectors: vec![],
                    products: vec![],
                    instruments: vec![],
                    sources: vec![],
                    note: None,
                });
                self.link(LinkKind::LinkedTo, tix, xix);
            }
            for &six in &instruments[1..] {
                if self.rng.chance(0.2) {
                    self.link(LinkKind::ConditionalOn, six, tix);
                }
            }
            // Pledges, sometimes under an aggregate.
            let aggregate = self.rng.chance(0.2).then(|| {
                let aix = self.push_item(format!("{fid}_pa"), ItemKind::Pledge, parties.1);
                self.ds.pledges.push(pledge(
                    format!("{fid}_pa"),
                    PledgeKind::Aggregate,
                    parties.1,
                    1000 * (1 + self.rng.below(50) as i64),
                    vec![fid.clone()],
                    None,
                    day,
                ));
                aix
            });
            for p in 0..self.rng.below(4) {
                let tied = instruments[self.rng.below(instruments.len())];
                self.push_item(format!("{fid}_p{p}"), ItemKind::Pledge, parties.1);
                let tied_id = self.items[tied].id.clone();
                let package = aggregate.map(|a| self.items[a].id.clone());
                self.ds.pledges.push(pledge(
                    format!("{fid}_p{p}"),
                    PledgeKind::Single,
                    parties.1,
                    10 * (1 + self.rng.below(200) as i64),
                    vec![tied_id],
                    package,
                    day,
                ));
            }
            // A package of the sector arrangements, now and then; one member sometimes leans
            // on the package, which makes a loop the package settles.
            if sectors >= 2 && self.rng.chance(0.1) {
                let pix = self.push_item(format!("{fid}_pk"), ItemKind::Package, parties.0);
                self.ds.packages.push(Package {
                    id: format!("{fid}_pk"),
                    name: format!("Package of {fid}"),
                    aliases: vec![],
                    sources: vec![],
                    note: None,
                });
                for &m in &instruments[1..] {
                    self.link(LinkKind::PartOf, m, pix);
                }
                if self.rng.chance(0.3) {
                    self.link(LinkKind::ConditionalOn, instruments[1], pix);
                }
            }
            self.deal_items.push((fix, tix));
            if self.cfg.family == Family::Realistic {
                self.deal_links(deal, first);
                // A ring through the frameworks of the last 2–20 deals.
                since_ring += 1;
                if since_ring >= 50 && deal >= 20 {
                    since_ring = 0;
                    let size = 2 + self.rng.below(19);
                    let ring: Vec<usize> = self.deal_items[deal + 1 - size..=deal]
                        .iter()
                        .map(|&(f, _)| f)
                        .collect();
                    for w in 0..size {
                        let (a, b) = (ring[w], ring[(w + 1) % size]);
                        self.link(LinkKind::ConditionalOn, a, b);
                    }
                    self.stats.rings += 1;
                }
            }
            deal += 1;
            if deal.is_multiple_of(4096) {
                progress("items", self.items.len() as u64, target as u64);
            }
        }
        self.stats.deals = deal;
        progress("items", self.items.len() as u64, self.items.len() as u64);
        Ok(())
    }

    /// Knock-on links of one deal: about `links_per_item` for each of its items, from its
    /// instruments, tracks, packages and pledges to earlier items of the deal, and now and
    /// then to an earlier deal (the framework always leans on one; 2–5 % of links cross).
    fn deal_links(&mut self, deal: usize, first: usize) {
        let last = self.items.len();
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let froms: Vec<usize> = (first + 1..last)
            .filter(|&i| self.items[i].kind != ItemKind::Commitment)
            .collect();
        let exact = self.cfg.links_per_item * (last - first) as f64;
        let budget = exact.floor() as usize + usize::from(self.rng.chance(exact.fract()));
        let mut added = 0;
        let mut attempts = 0;
        while added < budget && attempts < budget * 4 + 4 {
            attempts += 1;
            let (from, cross) = if added == 0 {
                (first, true)
            } else if froms.is_empty() {
                break;
            } else {
                (froms[self.rng.below(froms.len())], self.rng.chance(0.008))
            };
            let to = if cross {
                match self.earlier_deal(deal) {
                    Some(e) => {
                        let (f, t) = self.deal_items[e];
                        if self.rng.chance(0.5) { f } else { t }
                    }
                    None => {
                        added += usize::from(from == first);
                        continue;
                    }
                }
            } else {
                first + self.rng.below(from - first)
            };
            if to == from || !seen.insert((from, to)) {
                continue;
            }
            added += 1;
            if cross {
                self.stats.cross_deal_links += 1;
            }
            let kind = if self.rng.chance(0.1) {
                LinkKind::ConditionalOn
            } else {
                LinkKind::LinkedTo
            };
            self.link(kind, from, to);
        }
    }

    fn giant_links(&mut self, progress: Progress<'_>) {
        let n = self.items.len();
        let want = (self.cfg.links_per_item * n as f64) as usize;
        let before = self.ds.links.len();
        for i in before..want {
            let from = self.rng.below(n);
            let to = self.rng.below(n);
            if from == to {
                continue;
            }
            let kind = if self.rng.chance(0.25) {
                LinkKind::ConditionalOn
            } else {
                LinkKind::LinkedTo
            };
            self.link(kind, from, to);
            if i.is_multiple_of(1 << 18) {
                progress("links", i as u64, want as u64);
            }
        }
    }

    fn claims(&mut self, progress: Progress<'_>) -> Result<(), GenError> {
        let m = self.cfg.claims;
        self.ds.claims.reserve(m);
        // The last claim about each item: (valid start, negative).
        let mut last: Vec<Option<(Date, bool)>> = vec![None; self.items.len()];
        // The item (index into `self.items`) each claim is about, for corrections.
        let mut claim_item: Vec<u32> = Vec::with_capacity(m);
        let mut talked: Vec<u32> = Vec::new();
        let first = first_day();
        for i in 0..m {
            if i.is_multiple_of(1 << 16) {
                progress("claims", i as u64, m as u64);
            }
            let id = format!("c{i:09}");
            // A correction of an earlier (uncorrected, non-correction) claim.
            let roll = self.rng.unit();
            if i > 10 && roll < 0.02 {
                let t = self.rng.below(i);
                let target = &self.ds.claims[t];
                if target.retracts.is_none() && target.supersedes.is_none() {
                    let about = target.about.clone();
                    let target_id = target.id.clone();
                    let tstart = target.valid.start;
                    let known = target
                        .known
                        .saturating_add((1 + self.rng.below(90) as i32).days())
                        .min(last_day());
                    let retract = roll < 0.01;
                    let kind = self.items[claim_item[t] as usize].kind;
                    let mut c = self.claim(id, about, known, FuzzyDate::day(tstart));
                    if retract {
                        c.asserts = Asserts::Statement;
                        c.retracts = Some(target_id);
                        c.reason = Some("the report was wrong".into());
                        self.stats.retractions += 1;
                    } else {
                        self.assert_something(&mut c, kind, None);
                        c.supersedes = Some(target_id);
                        c.reason = Some("a corrected account".into());
                        self.stats.supersessions += 1;
                    }
                    self.ds.claims.push(c);
                    claim_item.push(claim_item[t]);
                    continue;
                }
            }
            // The item: half the time one already talked about.
            let item = if !talked.is_empty() && self.rng.chance(0.5) {
                talked[self.rng.below(talked.len())] as usize
            } else {
                self.rng.below(self.items.len())
            };
            talked.push(item as u32);
            let kind = self.items[item].kind;
            let prev = last[item];
            let counter = prev.is_some() && self.rng.chance(0.15);
            let (valid, want_negative) = match prev {
                Some((start, neg)) if counter => {
                    let d = start.saturating_add((self.rng.below(6) as i32).days());
                    (FuzzyDate::day(d), Some(!neg))
                }
                _ => (self.valid_date(first), None),
            };
            let lag = if self.rng.chance(0.6) {
                self.rng.below(3)
            } else {
                self.rng.below(31)
            };
            let known = valid
                .start
                .saturating_add((lag as i32).days())
                .min(last_day());
            let about = self.items[item].id.clone();
            let mut c = self.claim(id, about, known, valid);
            if counter {
                self.stats.contradictions += 1;
            }
            let negative = self.assert_something(&mut c, kind, want_negative);
            if matches!(c.asserts, Asserts::Progress) {
                c.by = Some(format!("k{}", self.items[item].party));
            }
            last[item] = Some((c.valid.start, negative));
            self.ds.claims.push(c);
            claim_item.push(item as u32);
        }
        self.stats.claims = self.ds.claims.len();
        progress("claims", m as u64, m as u64);
        Ok(())
    }

    fn valid_date(&mut self, first: Date) -> FuzzyDate {
        let day = first.saturating_add((self.rng.below(SPAN_DAYS as usize) as i32).days());
        let r = self.rng.unit();
        if r < 0.85 {
            FuzzyDate::day(day)
        } else if r < 0.95 {
            let start = jiff::civil::date(day.year(), day.month(), 1);
            let end = start
                .saturating_add(1.month())
                .saturating_sub(Span::new().days(1));
            FuzzyDate {
                start,
                end,
                precision: Precision::Month,
                approximate: false,
            }
        } else {
            FuzzyDate {
                start: day,
                end: day.saturating_add(7.days()),
                precision: Precision::Interval,
                approximate: self.rng.chance(0.5),
            }
        }
    }

    fn claim(&mut self, id: String, about: String, known: Date, valid: FuzzyDate) -> Claim {
        let month = ((known.year() as i32 - 2016) * 12 + known.month() as i32 - 1)
            .clamp(0, MONTHS as i32 - 1);
        let outlet = self.rng.below(OUTLETS);
        let speaker = match self.rng.below(10) {
            0..=3 => Some(format!("p{}", self.rng.below(PEOPLE))),
            4..=5 => Some(format!("f{}", self.rng.below(OFFICES))),
            _ => None,
        };
        Claim {
            id,
            about,
            asserts: Asserts::Status,
            value: None,
            by: None,
            valid,
            known,
            source: source_id(month as usize, outlet),
            speaker,
            role: None,
            side: None,
            channel: Channel::Report,
            quote: None,
            confidence: 0.5 + 0.05 * self.rng.below(11) as f64,
            retracts: None,
            supersedes: None,
            reason: None,
            note: None,
        }
    }

    /// Fills in what a claim asserts; returns whether it is negative news.
    fn assert_something(&mut self, c: &mut Claim, kind: ItemKind, negative: Option<bool>) -> bool {
        assert_something(&mut self.rng, c, kind, negative)
    }
}

/// Fills in what a claim asserts (a status of the item's kind, met/missed, progress or a
/// plain statement); returns whether it is negative news.
fn assert_something(rng: &mut Rng, c: &mut Claim, kind: ItemKind, negative: Option<bool>) -> bool {
    if kind == ItemKind::Commitment && rng.chance(0.5) {
        let missed = negative.unwrap_or_else(|| rng.chance(0.2));
        c.asserts = if missed {
            Asserts::Missed
        } else {
            Asserts::Met
        };
        return missed;
    }
    if kind == ItemKind::Instrument && negative.is_none() && rng.chance(0.03) {
        c.asserts = Asserts::Progress;
        c.value = Some(["none", "limited", "substantial", "complete"][rng.below(4)].to_string());
        return false;
    }
    if negative.is_none() && rng.chance(0.03) {
        c.asserts = Asserts::Statement;
        return false;
    }
    let statuses: Vec<Status> = Status::for_kind(kind).collect();
    let neg: Vec<Status> = statuses
        .iter()
        .copied()
        .filter(|s| s.is_negative())
        .collect();
    let pos: Vec<Status> = statuses
        .iter()
        .copied()
        .filter(|s| !s.is_negative())
        .collect();
    let want_neg = negative.unwrap_or_else(|| rng.chance(0.2));
    let pool = if want_neg && !neg.is_empty() {
        &neg
    } else {
        &pos
    };
    let s = pool[rng.below(pool.len())];
    c.asserts = Asserts::Status;
    c.value = Some(s.name().to_string());
    s.is_negative()
}

/// `n` fresh claims about a world's items, for the incremental workloads: each about an item
/// chosen uniformly, valid in the 30 days up to `day` and known on `day`, with a status of
/// the item's kind (negative news `negative_share` of the time), met/missed, progress or a
/// statement. Ids are `{prefix}{i:09}`. Deterministic for a seed.
pub fn stream(
    ds: &Dataset,
    n: usize,
    seed: u64,
    day: Date,
    negative_share: f64,
    prefix: &str,
) -> Vec<Claim> {
    let mut items: Vec<(&str, ItemKind, Option<&str>)> = Vec::new();
    for i in &ds.instruments {
        let by = i.parties.first().map(String::as_str);
        items.push((i.id.as_str(), ItemKind::Instrument, by));
        for c in &i.commitments {
            items.push((c.id.as_str(), ItemKind::Commitment, None));
        }
    }
    items.extend(
        ds.tracks
            .iter()
            .map(|t| (t.id.as_str(), ItemKind::Track, None)),
    );
    items.extend(
        ds.packages
            .iter()
            .map(|p| (p.id.as_str(), ItemKind::Package, None)),
    );
    items.extend(
        ds.pledges
            .iter()
            .map(|p| (p.id.as_str(), ItemKind::Pledge, None)),
    );
    let mut rng = Rng::new(seed ^ 0x5EED_C1A1);
    let month =
        ((day.year() as i32 - 2016) * 12 + day.month() as i32 - 1).clamp(0, MONTHS as i32 - 1);
    let mut out = Vec::with_capacity(n);
    if items.is_empty() {
        return out;
    }
    for i in 0..n {
        let (about, kind, by) = items[rng.below(items.len())];
        let start = day
            .saturating_sub((rng.below(30) as i32).days())
            .max(month_start(month as usize));
        let mut c = Claim {
            id: format!("{prefix}{i:09}"),
            about: about.to_string(),
            asserts: Asserts::Status,
            value: None,
            by: None,
            valid: FuzzyDate::day(start),
            known: day,
            source: source_id(month as usize, rng.below(OUTLETS)),
            speaker: Some(format!("p{}", rng.below(PEOPLE))),
            role: None,
            side: None,
            channel: Channel::Report,
            quote: None,
            confidence: 0.5 + 0.05 * rng.below(11) as f64,
            retracts: None,
            supersedes: None,
            reason: None,
            note: None,
        };
        let neg = rng.chance(negative_share);
        assert_something(&mut rng, &mut c, kind, Some(neg));
        if matches!(c.asserts, Asserts::Progress) {
            c.by = by.map(str::to_string);
        }
        out.push(c);
    }
    out
}

fn pledge(
    id: String,
    kind: PledgeKind,
    pledgor: usize,
    millions: i64,
    tied_to: Vec<String>,
    package: Option<String>,
    day: Date,
) -> Pledge {
    let currency = ["USD", "GBP", "EUR"][(millions % 3) as usize];
    Pledge {
        id: id.clone(),
        kind,
        name: format!("Pledge {id}"),
        aliases: vec![],
        pledgor: Some(format!("k{pledgor}")),
        recipient: None,
        money: Some(Money {
            amount: accord_model::Decimal::from(millions) * accord_model::Decimal::from(1_000_000),
            currency: currency.into(),
        }),
        quantity: None,
        period: None,
        announced: Some(day),
        package,
        overlaps: vec![],
        tied_to,
        sources: vec![],
        note: None,
    }
}

fn month_start(m: usize) -> Date {
    jiff::civil::date(2016 + (m / 12) as i16, (m % 12) as i8 + 1, 1)
}

fn last_day() -> Date {
    jiff::civil::date(2025, 12, 31)
}

fn source_id(month: usize, outlet: usize) -> String {
    let d = month_start(month);
    format!("s{}{:02}_o{outlet}", d.year(), d.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(items: usize, claims: usize, seed: u64, family: Family) -> World {
        let mut cfg = Config::new(items, claims, seed);
        cfg.family = family;
        generate(&cfg, &mut |_, _, _| {}).unwrap()
    }

    #[test]
    fn same_seed_same_world_other_seed_other_world() {
        let a = world(2000, 5000, 7, Family::Realistic);
        let b = world(2000, 5000, 7, Family::Realistic);
        let c = world(2000, 5000, 8, Family::Realistic);
        assert_eq!(a.dataset, b.dataset);
        assert_eq!(a.stats, b.stats);
        assert_ne!(a.dataset, c.dataset);
    }

    #[test]
    fn sizes_are_as_asked() {
        let w = world(5000, 20_000, 1, Family::Realistic);
        let s = &w.stats;
        assert!(s.items() >= 5000 && s.items() < 5100, "{s:?}");
        assert_eq!(s.claims, 20_000);
        let per_item = s.links as f64 / s.items() as f64;
        assert!((3.0..5.0).contains(&per_item), "{per_item} links per item");
        let cross = s.cross_deal_links as f64 / s.links as f64;
        assert!(
            (0.02..0.12).contains(&cross),
            "{cross} of links cross deals"
        );
        assert!(
            s.contradictions > 1000 && s.retractions > 50 && s.supersessions > 50,
            "{s:?}"
        );
    }
}
