//! The differential property test: on generated datasets and claim sequences, the engine
//! derived from scratch, the engine updated incrementally (claims added one by one after a
//! derivation, then some removed) and the slow reference evaluator (`tests/reference/`) agree
//! on every item's summary, every progress value and the exposure totals.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity,
    reason = "test code: a failed expectation should stop the test"
)]

mod reference;

use std::collections::BTreeMap;

use accord_engine::Engine;
use accord_model::{
    Asserts, Channel, Claim, Dataset, DatasetMeta, Decimal, FuzzyDate, Instrument, InstrumentKind,
    ItemKind, Link, LinkKind, Money, Package, Party, PartyKind, Pledge, PledgeKind, Quantity,
    Source, SourceKind, Status, Track, TrackKind,
};
use jiff::civil::Date;
use proptest::prelude::*;

/// A small deterministic generator (xorshift64*), driven by the seed proptest picks.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn day(m: i8, d: i8) -> Date {
    Date::new(2025, m, d).unwrap()
}

const DAYS: [(i8, i8); 8] = [
    (1, 10),
    (2, 1),
    (3, 1),
    (3, 5),
    (3, 20),
    (4, 1),
    (5, 15),
    (7, 1),
];

fn some_day(r: &mut Rng) -> Date {
    let (m, d) = *r.pick(&DAYS);
    day(m, d)
}

fn condition(
    r: &mut Rng,
    items: &[String],
    commitments: &[String],
    packages: &[String],
    depth: u32,
) -> String {
    if depth < 2 && r.chance(35) {
        let a = condition(r, items, commitments, packages, depth + 1);
        let b = condition(r, items, commitments, packages, depth + 1);
        return match r.below(3) {
            0 => format!("({a}) and ({b})"),
            1 => format!("({a}) or ({b})"),
            _ => format!("not ({a})"),
        };
    }
    let x = r.pick(items).clone();
    let statuses = [
        "active",
        "stalled",
        "suspended",
        "signed",
        "agreed",
        "in_force",
        "open",
        "met",
        "on_hold",
    ];
    let levels = ["none", "limited", "substantial", "complete"];
    match r.below(11) {
        0 | 1 => format!("operative({x})"),
        2 => format!("status({x}) == {}", r.pick(&statuses)),
        3 => format!(
            "status({x}) in [{}, {}]",
            r.pick(&statuses),
            r.pick(&statuses)
        ),
        4 if !commitments.is_empty() => format!("met({})", r.pick(commitments)),
        5 => format!("progress({x}) >= {}", r.pick(&levels)),
        6 => format!(
            "progress({x}, by: {}) >= {}",
            r.pick(&["a", "b"]),
            r.pick(&levels)
        ),
        7 => format!("after(2025-03-0{})", 1 + r.below(9)),
        8 => format!("all(commitments({x}, by: {}), met)", r.pick(&["a", "b"])),
        9 => format!("any(linked({x}), status in [stalled, suspended])"),
        10 if !packages.is_empty() => format!("none(members({}), suspended)", r.pick(packages)),
        _ => "true".into(),
    }
}

struct Case {
    ds: Dataset,
    hypotheses: Vec<Claim>,
    d: Date,
    k: Date,
    remove: Vec<String>,
}

fn generate(seed: u64) -> Case {
    let mut r = Rng(seed | 1);
    let mut ds = Dataset::default();
    ds.meta = DatasetMeta {
        name: "gen".into(),
        contested_window_days: [3, 14, 30][r.below(3)],
        ..DatasetMeta::default()
    };
    let party = |id: &str, kind| Party {
        id: id.into(),
        kind,
        name: id.to_uppercase(),
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
    };
    for (id, kind) in [
        ("a", PartyKind::Country),
        ("b", PartyKind::Country),
        ("p1", PartyKind::Person),
        ("p2", PartyKind::Person),
        ("o1", PartyKind::Outlet),
        ("o2", PartyKind::Outlet),
    ] {
        ds.parties.push(party(id, kind));
    }
    let kinds = [
        SourceKind::News,
        SourceKind::Official,
        SourceKind::PrimaryDocument,
        SourceKind::Social,
        SourceKind::Analysis,
        SourceKind::Other,
    ];
    for i in 0..4 {
        ds.sources.push(Source {
            id: format!("s{i}"),
            kind: *r.pick(&kinds),
            outlet: [None, Some("o1".to_string()), Some("o2".to_string())][r.below(3)].clone(),
            title: format!("Source {i}"),
            url: None,
            published: day(1, 1),
            note: None,
        });
    }
    // Instruments with commitments.
    let n_ins = 1 + r.below(4);
    for i in 0..n_ins {
        let id = format!("i{i}");
        let mut ins = Instrument {
            id: id.clone(),
            kind: *r.pick(&[
                InstrumentKind::Framework,
                InstrumentKind::MemorandumOfUnderstanding,
                InstrumentKind::ExecutiveAgreement,
                InstrumentKind::SectorArrangement,
            ]),
            name: id.to_uppercase(),
            aliases: vec![],
            binding: None,
            parties: vec!["a".into(), "b".into()],
            parent: (i > 0 && r.chance(40)).then(|| format!("i{}", r.below(i))),
            announced: r.chance(40).then(|| some_day(&mut r)),
            signed: r.chance(55).then(|| some_day(&mut r)),
            in_force: r.chance(25).then(|| some_day(&mut r)),
            discontinued: r.chance(8).then(|| some_day(&mut r)),
            activation: None,
            discontinuation: None,
            sections: vec![],
            commitments: vec![],
            external_ids: vec![],
            sources: vec![],
            note: None,
        };
        for j in 0..r.below(4) {
            ins.commitments.push(accord_model::Commitment {
                id: format!("{id}.c{j}"),
                summary: format!("commitment {j}"),
                obligor: if r.chance(50) { "a".into() } else { "b".into() },
                beneficiary: None,
                due: None,
                section: None,
                condition: None,
                sources: vec![],
            });
        }
        ds.instruments.push(ins);
    }
    for t in 0..r.below(3) {
        let instruments = ds
            .instruments
            .iter()
            .filter(|_| r.chance(40))
            .map(|i| i.id.clone())
            .collect();
        ds.tracks.push(Track {
            id: format!("t{t}"),
            kind: if r.chance(70) {
                TrackKind::Negotiation
            } else {
                TrackKind::Dispute
            },
            name: format!("T{t}"),
            aliases: vec![],
            parties: vec!["a".into()],
            topic: "topic".into(),
            sectors: vec![],
            products: vec![],
            instruments,
            sources: vec![],
            note: None,
        });
    }
    if r.chance(50) {
        ds.packages.push(Package {
            id: "k0".into(),
            name: "K0".into(),
            aliases: vec![],
            sources: vec![],
            note: None,
        });
    }
    ds.reindex();
    let nodes: Vec<String> = ds
        .items()
        .into_iter()
        .filter(|(_, k)| {
            matches!(
                k,
                ItemKind::Instrument | ItemKind::Track | ItemKind::Package
            )
        })
        .map(|(id, _)| id)
        .collect();
    let commitments: Vec<String> = ds
        .items()
        .into_iter()
        .filter(|(_, k)| *k == ItemKind::Commitment)
        .map(|(id, _)| id)
        .collect();
    let packages: Vec<String> = ds.packages.iter().map(|p| p.id.clone()).collect();
    // Conditions.
    for i in 0..ds.instruments.len() {
        if r.chance(60) {
            ds.instruments[i].activation =
                Some(condition(&mut r, &nodes, &commitments, &packages, 0));
        }
        for j in 0..ds.instruments[i].commitments.len() {
            if r.chance(20) {
                ds.instruments[i].commitments[j].condition =
                    Some(condition(&mut r, &nodes, &commitments, &packages, 1));
            }
        }
    }
    // Links.
    let mut all_items: Vec<String> = nodes.clone();
    all_items.extend(commitments.iter().cloned());
    for l in 0..r.below(7) {
        let from = r.pick(&all_items).clone();
        let (kind, to) = match r.below(4) {
            0 if !packages.is_empty() => (LinkKind::PartOf, packages[0].clone()),
            0 | 1 => (LinkKind::ConditionalOn, r.pick(&all_items).clone()),
            2 => (LinkKind::LinkedTo, r.pick(&all_items).clone()),
            _ => (LinkKind::Implements, r.pick(&all_items).clone()),
        };
        if from == to {
            continue;
        }
        let cond = (matches!(kind, LinkKind::ConditionalOn | LinkKind::LinkedTo) && r.chance(20))
            .then(|| condition(&mut r, &nodes, &commitments, &packages, 1));
        ds.links.push(Link {
            id: format!("l{l}"),
            kind,
            from,
            to,
            mode: None,
            condition: cond,
            sources: vec![],
            note: None,
        });
    }
    // Pledges.
    let n_pl = r.below(5);
    for p in 0..n_pl {
        let aggregate = r.chance(35);
        let money = r.chance(85).then(|| Money {
            amount: Decimal::from(1 + r.below(40) as u64),
            currency: if r.chance(80) {
                "GBP".into()
            } else {
                "USD".into()
            },
        });
        ds.pledges.push(Pledge {
            id: format!("pl{p}"),
            kind: if aggregate {
                PledgeKind::Aggregate
            } else {
                PledgeKind::Single
            },
            name: format!("P{p}"),
            aliases: vec![],
            pledgor: None,
            recipient: None,
            quantity: money.is_none().then(|| Quantity {
                amount: Decimal::from(5u64),
                unit: "gpu".into(),
            }),
            money,
            period: None,
            announced: r.chance(30).then(|| some_day(&mut r)),
            package: None,
            overlaps: vec![],
            tied_to: if r.chance(60) {
                vec![r.pick(&nodes).clone()]
            } else {
                vec![]
            },
            sources: vec![],
            note: None,
        });
    }
    for p in 0..n_pl {
        let aggs: Vec<String> = ds
            .pledges
            .iter()
            .filter(|q| q.kind == PledgeKind::Aggregate && q.id != ds.pledges[p].id)
            .map(|q| q.id.clone())
            .collect();
        if !aggs.is_empty() && r.chance(50) {
            ds.pledges[p].package = Some(r.pick(&aggs).clone());
        }
        if r.chance(25) {
            let o = format!("pl{}", r.below(n_pl));
            if o != ds.pledges[p].id {
                ds.pledges[p].overlaps.push(o);
            }
        }
    }
    ds.reindex();
    // Claims.
    let items = ds.items();
    let vocab = ds.vocabulary();
    let synonyms = [
        "paused",
        "on hold",
        "deadlocked",
        "ongoing",
        "agreed in principle",
        "in effect",
        "outstanding",
        "unaffected",
    ];
    let mut claims: Vec<Claim> = Vec::new();
    let mut hypotheses = Vec::new();
    for c in 0..r.below(26) {
        let (about, kind) = r.pick(&items).clone();
        let asserts = match r.below(10) {
            0..=5 => Asserts::Status,
            6 if kind == ItemKind::Commitment => Asserts::Met,
            7 if kind == ItemKind::Commitment => Asserts::Missed,
            8 => Asserts::Progress,
            _ => Asserts::Statement,
        };
        let value = match asserts {
            Asserts::Status => {
                let v: Vec<Status> = Status::for_kind(kind).collect();
                if r.chance(25) {
                    let w = r.pick(&synonyms).to_string();
                    if vocab.canonical(kind, &w).is_some() {
                        Some(w)
                    } else {
                        Some(r.pick(&v).name().to_string())
                    }
                } else {
                    Some(r.pick(&v).name().to_string())
                }
            }
            Asserts::Progress => Some(
                r.pick(&["none", "limited", "substantial", "complete"])
                    .to_string(),
            ),
            _ => None,
        };
        let (m, d) = *r.pick(&DAYS);
        let valid = if r.chance(20) {
            FuzzyDate::parse(&format!("2025-{m:02}")).unwrap()
        } else if r.chance(10) {
            FuzzyDate::parse(&format!("2025-{m:02}-{d:02}/2025-{:02}-28", m.min(11) + 1)).unwrap()
        } else {
            FuzzyDate::day(day(m, d))
        };
        let known = valid
            .start
            .checked_add(jiff::Span::new().days([0, 0, 1, 5, 20][r.below(5)]))
            .unwrap();
        let earlier: Vec<&Claim> = claims.iter().collect();
        let corrects = (!earlier.is_empty() && r.chance(12)).then(|| r.pick(&earlier).id.clone());
        let retract = r.chance(50);
        let claim = Claim {
            id: format!("c{c}"),
            about,
            asserts,
            value,
            by: (asserts == Asserts::Progress && r.chance(70))
                .then(|| r.pick(&["a", "b"]).to_string()),
            valid,
            known,
            source: format!("s{}", r.below(4)),
            speaker: [None, None, Some("p1".to_string()), Some("p2".to_string())][r.below(4)]
                .clone(),
            role: None,
            side: None,
            channel: Channel::Report,
            quote: None,
            confidence: [0.5, 0.9, 1.0][r.below(3)],
            retracts: corrects.clone().filter(|_| retract),
            supersedes: corrects.filter(|_| !retract),
            reason: None,
            note: None,
        };
        if r.chance(8) && claim.corrects().is_none() {
            let mut h = claim;
            h.id = format!("whatif.{c}");
            hypotheses.push(h);
        } else {
            claims.push(claim);
        }
    }
    let remove = claims
        .iter()
        .filter(|_| r.chance(15))
        .map(|c| c.id.clone())
        .collect();
    ds.claims = claims;
    ds.reindex();
    let d = some_day(&mut r);
    let k = if r.chance(60) { d } else { some_day(&mut r) };
    Case {
        ds,
        hypotheses,
        d,
        k,
        remove,
    }
}

fn reference_of(ds: &Dataset, hyps: &[Claim], d: Date, k: Date) -> reference::Output {
    let mut claims: Vec<(Claim, bool)> = ds.claims.iter().cloned().map(|c| (c, false)).collect();
    claims.extend(hyps.iter().cloned().map(|c| (c, true)));
    reference::derive(&reference::Input { ds, claims, d, k })
}

fn compare(
    engine: &mut Engine,
    want: &reference::Output,
    d: Date,
    k: Date,
    what: &str,
) -> Result<(), TestCaseError> {
    let got = engine.derive_all(d, k).summaries();
    for (g, w) in got.iter().zip(&want.summaries) {
        prop_assert_eq!(g, w, "{}: item {}", what, w.id);
    }
    prop_assert_eq!(got.len(), want.summaries.len());
    let view = engine.derive_all(d, k);
    for ((id, by), level) in &want.progress {
        prop_assert_eq!(
            view.progress(id, by.as_deref()),
            *level,
            "{}: progress({}, {:?})",
            what,
            id,
            by
        );
    }
    let x = engine.exposure(&[], d, k).unwrap();
    let exposed: Vec<String> = x.exposed.iter().map(|p| p.id.clone()).collect();
    prop_assert_eq!(&exposed, &want.exposed, "{}: exposed", what);
    let totals: BTreeMap<String, Decimal> = x
        .totals
        .iter()
        .map(|t| (t.currency.clone(), t.amount))
        .collect();
    prop_assert_eq!(&totals, &want.totals, "{}: totals", what);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // 1000 in CI; more with ACCORD_DIFF_CASES=20000.
        cases: std::env::var("ACCORD_DIFF_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_equals_scratch_equals_reference(seed in any::<u64>()) {
        let case = generate(seed);
        let want = reference_of(&case.ds, &case.hypotheses, case.d, case.k);

        // From scratch.
        let mut scratch = Engine::new(&case.ds);
        prop_assert!(scratch.skipped().is_empty());
        for h in &case.hypotheses {
            scratch.add_hypothesis(h.clone()).unwrap();
        }
        compare(&mut scratch, &want, case.d, case.k, "scratch")?;

        // Incrementally: derive first, then every claim and hypothesis one at a time.
        let mut empty = case.ds.clone();
        empty.claims.clear();
        let mut inc = Engine::new(&empty);
        inc.derive_all(case.d, case.k);
        inc.derive_all(case.k, case.d);
        for c in &case.ds.claims {
            inc.add_claim(c.clone()).unwrap();
        }
        for h in &case.hypotheses {
            inc.add_hypothesis(h.clone()).unwrap();
        }
        compare(&mut inc, &want, case.d, case.k, "incremental")?;
        let other = inc.derive_fresh(case.k, case.d).view().summaries();
        prop_assert_eq!(inc.derive_all(case.k, case.d).summaries(), other);

        // Then removals.
        let mut ds2 = case.ds.clone();
        for id in &case.remove {
            inc.remove_claim(id).unwrap();
            ds2.claims.retain(|c| &c.id != id);
        }
        ds2.reindex();
        let want2 = reference_of(&ds2, &case.hypotheses, case.d, case.k);
        compare(&mut inc, &want2, case.d, case.k, "after removals")?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("ACCORD_DIFF_CASES").ok().and_then(|v| v.parse::<u32>().ok()).map_or(300, |c| c / 3),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// After every single claim added or removed, the kept snapshots equal a derivation from
    /// scratch (the incremental paths — shortening and lengthening risk distances, loops —
    /// are checked at each step, not only at the end); and what-if reports exactly the items
    /// whose summary differs between the engine with and without the hypotheses.
    #[test]
    fn every_step_equals_scratch_and_whatif_is_exact(seed in any::<u64>()) {
        let case = generate(seed);
        let mut empty = case.ds.clone();
        empty.claims.clear();
        let mut inc = Engine::new(&empty);
        inc.derive_all(case.d, case.k);
        inc.derive_all(case.k, case.d);
        let check = |inc: &mut Engine, what: &str| -> Result<(), TestCaseError> {
            for (d, k) in [(case.d, case.k), (case.k, case.d)] {
                let want = inc.derive_fresh(d, k).view().summaries();
                prop_assert_eq!(inc.derive_all(d, k).summaries(), want, "{}", what);
            }
            Ok(())
        };
        for c in &case.ds.claims {
            inc.add_claim(c.clone()).unwrap();
            check(&mut inc, &format!("after adding {}", c.id))?;
        }
        // What-if against two engines derived from scratch.
        if !case.hypotheses.is_empty() {
            let before = inc.derive_fresh(case.d, case.k).view().summaries();
            let mut with = Engine::new(&case.ds);
            for h in &case.hypotheses {
                with.add_hypothesis(h.clone()).unwrap();
            }
            let after = with.derive_fresh(case.d, case.k).view().summaries();
            let want: Vec<(String, _, _)> = before
                .into_iter()
                .zip(after)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (a.id.clone(), a, b))
                .collect();
            let w = inc.what_if(case.hypotheses.clone(), case.d, case.k).unwrap();
            let got: Vec<(String, _, _)> = w
                .changes
                .into_iter()
                .map(|c| (c.id, c.before, c.after))
                .collect();
            prop_assert_eq!(got, want, "what-if");
            check(&mut inc, "after what-if")?;
        }
        for id in &case.remove {
            inc.remove_claim(id).unwrap();
            check(&mut inc, &format!("after removing {id}"))?;
        }
    }
}

/// Prints a generated case (for debugging a failing seed): `SEED=… cargo test --test differential debug_case -- --ignored --nocapture`.
#[test]
#[ignore]
fn debug_case() {
    let seed: u64 = std::env::var("SEED").unwrap().parse().unwrap();
    let case = generate(seed);
    println!(
        "d={} k={} window={}",
        case.d, case.k, case.ds.meta.contested_window_days
    );
    for c in &case.ds.claims {
        println!(
            "{} about={} {:?} {:?} by={:?} valid={} known={} src={} sp={:?} conf={} corr={:?}",
            c.id,
            c.about,
            c.asserts,
            c.value,
            c.by,
            c.valid,
            c.known,
            c.source,
            c.speaker,
            c.confidence,
            c.corrects()
        );
    }
    for h in &case.hypotheses {
        println!(
            "HYPO {} about={} {:?} {:?} valid={} known={}",
            h.id, h.about, h.asserts, h.value, h.valid, h.known
        );
    }
    println!("remove {:?}", case.remove);
}

#[test]
#[ignore]
fn debug_engines() {
    let seed: u64 = std::env::var("SEED").unwrap().parse().unwrap();
    let item = std::env::var("ITEM").unwrap();
    let case = generate(seed);
    let mut scratch = Engine::new(&case.ds);
    let mut empty = case.ds.clone();
    empty.claims.clear();
    let mut inc = Engine::new(&empty);
    inc.derive_all(case.d, case.k);
    for c in &case.ds.claims {
        inc.add_claim(c.clone()).unwrap();
        let a = inc.derive_all(case.d, case.k).summary(&item);
        let b = inc.derive_fresh(case.d, case.k).view().summary(&item);
        println!(
            "after {}: inc={:?}\n   fresh={:?}",
            c.id,
            a.map(|s| s.reported),
            b.map(|s| s.reported)
        );
    }
    println!(
        "{:?}",
        scratch.report(&item, case.d, case.k).unwrap().status
    );
}

/// Coverage of the generator: how often the interesting states occur.
/// `cargo test --test differential generator_stats -- --ignored --nocapture`
#[test]
#[ignore]
fn generator_stats() {
    let n: u64 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for seed in 0..n {
        let case = generate(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let want = reference_of(&case.ds, &case.hypotheses, case.d, case.k);
        let mut e = Engine::new(&case.ds);
        for h in &case.hypotheses {
            e.add_hypothesis(h.clone()).unwrap();
        }
        let got = e.derive_all(case.d, case.k).summaries();
        assert_eq!(got, want.summaries, "seed {seed}");
        for s in &got {
            if matches!(s.reported, accord_engine::Reported::Contested { .. }) {
                *counts.entry("contested").or_default() += 1;
            }
            match &s.loop_ {
                Some(accord_engine::Loop::Package { .. }) => {
                    *counts.entry("package loop").or_default() += 1
                }
                Some(accord_engine::Loop::SelfSupportingLoop { .. }) => {
                    *counts.entry("self-supporting").or_default() += 1
                }
                Some(accord_engine::Loop::UnsettledLoop { .. }) => {
                    *counts.entry("unsettled").or_default() += 1
                }
                None => {}
            }
            if s.at_risk.as_ref().is_some_and(|p| p.len() > 1) {
                *counts.entry("risk path > 1").or_default() += 1;
            }
            if s.operative == accord_lang::Truth::Unknown {
                *counts.entry("operative unknown").or_default() += 1;
            }
        }
        if !want.totals.is_empty() {
            *counts.entry("exposure").or_default() += 1;
        }
        if want
            .progress
            .values()
            .any(|l| matches!(l, Some(accord_lang::Level::Substantial)))
        {
            *counts.entry("progress substantial").or_default() += 1;
        }
    }
    println!("{counts:#?}");
}

/// Prints every item whose kept snapshot differs from a derivation from scratch, after each
/// claim of a seed's case: `SEED=… cargo test --test differential debug_steps -- --ignored --nocapture`.
#[test]
#[ignore]
fn debug_steps() {
    let seed: u64 = std::env::var("SEED").unwrap().parse().unwrap();
    let case = generate(seed);
    let mut empty = case.ds.clone();
    empty.claims.clear();
    let mut inc = Engine::new(&empty);
    inc.derive_all(case.d, case.k);
    inc.derive_all(case.k, case.d);
    for c in case
        .ds
        .claims
        .iter()
        .map(|c| (c, false))
        .chain(case.hypotheses.iter().map(|c| (c, true)))
    {
        if c.1 {
            inc.add_hypothesis(c.0.clone()).unwrap();
        } else {
            inc.add_claim(c.0.clone()).unwrap();
        }
        for (d, k) in [(case.d, case.k), (case.k, case.d)] {
            let want = inc.derive_fresh(d, k).view().summaries();
            let got = inc.derive_all(d, k).summaries();
            for (g, w) in got.iter().zip(&want) {
                if g != w {
                    println!("after {} at {d}/{k}:\n got {g:?}\n want {w:?}", c.0.id);
                }
            }
        }
    }
}
