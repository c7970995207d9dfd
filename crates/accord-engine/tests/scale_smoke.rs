//! The engine's costs on a synthetic world (not run by default):
//!
//! ```text
//! N=100000 FAMILY=power SEED=7 cargo test --release -p accord-engine --test scale_smoke \
//!     -- --ignored --nocapture
//! ```
//!
//! Parameters (environment): `N` items (default 100 000), `LINKS` links per item (4),
//! `CLAIMS` claims per item (10), `SEED` (1), `FAMILY` = `power` (default), `uniform` or
//! `both`, `SHARED=1` to build with `Engine::new_shared` (no copy of the definitions), `REPS` repetitions of the timed loops (1.0 = 20 000 quiet adds), `PARTS` the
//! sections to run after the build (comma-separated from `derive`, `incr`, `whatif`, `why`;
//! default all, e.g. `PARTS=derive,whatif` for profiling).
//!
//! Two families of worlds:
//! - `uniform`: links between uniformly random items. This makes one giant strongly
//!   connected component of about 40 % of the items: the worst case for risk distances and
//!   what-if, and not what real deals look like.
//! - `power`: links point to earlier items chosen with a power-law fan-in (a few hubs that
//!   many deals depend on), plus small loops of 2 to 20 items (mutual `conditional_on`
//!   links, packages whose members are conditional on each other).
//!
//! Both have activation and commitment conditions (`operative`, `status … in […]`,
//! `progress`, `met`, `after`), commitments with obligors, packages, links with conditions,
//! claims from sources of every kind with speakers and outlets, month-precision dates,
//! contested statuses and corrections (retractions and supersessions).
//!
//! Printed: build time and memory (peak RSS from `/proc/self/status` before and after), full
//! derivations (fresh, kept, at random dates), then p50/p99/p999/max of adding a claim that
//! changes nothing, one that changes an item's status, retractions and removals, what-if with
//! 100 hypothetical claims, and `why`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    reason = "test code: a failed expectation should stop the test"
)]

use std::time::{Duration, Instant};

use accord_engine::Engine;
use accord_model::{
    Asserts, Channel, Claim, Commitment, Dataset, FuzzyDate, Instrument, InstrumentKind, Link,
    LinkKind, Package, Party, PartyKind, Source, SourceKind,
};
use jiff::civil::Date;

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
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Memory figures of this process from /proc/self/status, in MiB: (VmRSS, VmHWM).
fn memory() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Time this thread has spent on a CPU (from /proc/thread-self/schedstat): unlike wall time,
/// it leaves out the time other processes on a shared box took. Zero where unavailable.
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// Runs `f`, returning (its value, wall time, this thread's CPU time).
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let c = thread_cpu();
    let t = Instant::now();
    let v = f();
    (v, t.elapsed(), thread_cpu().saturating_sub(c))
}

fn day0() -> Date {
    Date::new(2025, 1, 1).unwrap()
}

fn day_n(n: usize) -> Date {
    day0()
        .checked_add(jiff::Span::new().days(n as i64))
        .unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Uniform,
    Power,
}

struct World {
    ds: Dataset,
    /// Item ids that claims may be about (instruments and commitments).
    items: Vec<String>,
    /// How many claims the world was built with (ids c0 … c{n-1}).
    claims: usize,
}

const SOURCES: usize = 60;
const SPEAKERS: usize = 300;
const OUTLETS: usize = 20;

fn party(id: String, kind: PartyKind) -> Party {
    Party {
        id: id.clone(),
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
    }
}

fn link(id: String, kind: LinkKind, from: String, to: String, condition: Option<String>) -> Link {
    Link {
        id,
        kind,
        from,
        to,
        mode: None,
        condition,
        sources: vec![],
        note: None,
    }
}

/// A claim about `about`: `value` is a status wording, or `met`.
fn claim(
    id: String,
    about: String,
    value: &str,
    r: &mut Rng,
    valid: FuzzyDate,
    known: Date,
) -> Claim {
    let (asserts, value) = match value {
        "met" => (Asserts::Met, None),
        "missed" => (Asserts::Missed, None),
        v => (Asserts::Status, Some(v.to_string())),
    };
    let speaker = r.chance(400).then(|| format!("p{}", r.below(SPEAKERS)));
    Claim {
        id,
        about,
        asserts,
        value,
        by: None,
        valid,
        known,
        source: format!("s{}", r.below(SOURCES)),
        speaker,
        role: None,
        side: None,
        channel: Channel::Report,
        quote: None,
        confidence: [1.0, 0.9, 0.75, 0.5][r.below(4)],
        retracts: None,
        supersedes: None,
        reason: None,
        note: None,
    }
}

/// Picks a target for an item: uniform, or power-law among earlier items (hubs near 0).
fn target(r: &mut Rng, family: Family, from: usize, n: usize) -> usize {
    match family {
        Family::Uniform => r.below(n),
        Family::Power => {
            if from == 0 {
                return 0;
            }
            let u = r.unit();
            ((from as f64) * u * u * u) as usize
        }
    }
}

fn build(family: Family, n: usize, links_per: usize, claims_per: usize, seed: u64) -> World {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut ds = Dataset::default();
    ds.parties.push(party("a".into(), PartyKind::Country));
    ds.parties.push(party("b".into(), PartyKind::Country));
    for i in 0..OUTLETS {
        ds.parties.push(party(format!("o{i}"), PartyKind::Outlet));
    }
    for i in 0..SPEAKERS {
        ds.parties.push(party(format!("p{i}"), PartyKind::Person));
    }
    let kinds = [
        SourceKind::PrimaryDocument,
        SourceKind::Official,
        SourceKind::News,
        SourceKind::News,
        SourceKind::Analysis,
        SourceKind::Social,
        SourceKind::Other,
    ];
    for i in 0..SOURCES {
        ds.sources.push(Source {
            id: format!("s{i}"),
            kind: kinds[i % kinds.len()],
            outlet: (i % 3 != 0).then(|| format!("o{}", i % OUTLETS)),
            title: format!("Source {i}"),
            url: None,
            published: day0(),
            note: None,
        });
    }
    // Instruments; every fifth has two commitments (one per party).
    let mut items = Vec::new();
    let mut commitments: Vec<String> = Vec::new();
    let statuses = ["stalled", "suspended", "in_force", "signed"];
    for i in 0..n {
        let id = format!("i{i}");
        let activation = (i > 10 && r.chance(300)).then(|| {
            let y = target(&mut r, family, i, n);
            match r.below(10) {
                0..=4 => format!("operative(i{y})"),
                5 => format!(
                    "not (status(i{y}) in [{}, {}])",
                    statuses[r.below(2)],
                    "discontinued"
                ),
                6 => format!("progress(i{y}) >= limited"),
                7 if !commitments.is_empty() => {
                    let c =
                        &commitments[commitments.len() - 1 - r.below(commitments.len().min(50))];
                    format!("met({c}) or operative(i{y})")
                }
                8 => format!("after(2025-0{}-01) and operative(i{y})", 1 + r.below(6)),
                _ => format!("status(i{y}) == {}", statuses[2 + r.below(2)]),
            }
        });
        let mut cs = Vec::new();
        if i % 5 == 0 {
            for (k, obligor) in ["a", "b"].iter().enumerate() {
                let cid = format!("i{i}c{k}");
                cs.push(Commitment {
                    id: cid.clone(),
                    summary: "do something".into(),
                    obligor: (*obligor).into(),
                    beneficiary: None,
                    due: None,
                    section: None,
                    condition: r.chance(200).then(|| format!("operative(i{i})")),
                    sources: vec![],
                });
                commitments.push(cid.clone());
                items.push(cid);
            }
        }
        ds.instruments.push(Instrument {
            id: id.clone(),
            kind: InstrumentKind::ExecutiveAgreement,
            name: format!("Instrument {i}"),
            aliases: vec![],
            binding: None,
            parties: vec!["a".into(), "b".into()],
            parent: None,
            announced: Some(day0()),
            signed: r.chance(700).then(day0),
            in_force: None,
            discontinued: None,
            activation,
            discontinuation: None,
            sections: vec![],
            commitments: cs,
            external_ids: vec![],
            sources: vec![],
            note: None,
        });
        items.push(id);
    }
    // Links.
    let mut nl = 0usize;
    let mut next_link = |ds: &mut Dataset, kind, from: usize, to: usize, cond| {
        ds.links.push(link(
            format!("l{nl}"),
            kind,
            format!("i{from}"),
            format!("i{to}"),
            cond,
        ));
        nl += 1;
    };
    let total_links = links_per * n;
    let mut made = 0;
    if family == Family::Power {
        // Small loops: chains of 2..=20 items closed by a link back (about 5 % of items),
        // and packages of loop members that are conditional on each other.
        let mut i = 100.min(n);
        while i + 20 < n && made < total_links / 10 {
            if r.chance(50) {
                let len = 2 + r.below(19);
                for k in 0..len {
                    let from = i + k;
                    let to = if k + 1 == len { i } else { i + k + 1 };
                    next_link(&mut ds, LinkKind::ConditionalOn, from, to, None);
                    made += 1;
                }
                i += len;
            } else {
                i += 1;
            }
        }
    }
    while made < total_links {
        let from = r.below(n);
        let to = target(&mut r, family, from, n);
        if from == to {
            continue;
        }
        let kind = if r.chance(200) {
            LinkKind::ConditionalOn
        } else {
            LinkKind::LinkedTo
        };
        let cond = r.chance(30).then(|| {
            if r.chance(500) {
                format!("after(2025-0{}-15)", 1 + r.below(6))
            } else {
                format!("status(i{to}) != suspended")
            }
        });
        next_link(&mut ds, kind, from, to, cond);
        made += 1;
    }
    // Packages (1 per 200 items) with 2–6 members.
    for p in 0..(n / 200) {
        let pid = format!("pk{p}");
        ds.packages.push(Package {
            id: pid.clone(),
            name: format!("Package {p}"),
            aliases: vec![],
            sources: vec![],
            note: None,
        });
        for _ in 0..(2 + r.below(5)) {
            let m = r.below(n);
            ds.links.push(link(
                format!("pl{p}_{m}"),
                LinkKind::PartOf,
                format!("i{m}"),
                pid.clone(),
                None,
            ));
        }
    }
    // Claims: mostly positive, dated over the first half of 2025, some by month; a few
    // negative (contests inside the window), 2 % corrections.
    let total = claims_per * n;
    let positive = ["in force", "signed", "agreed", "negotiating", "in_force"];
    let negative = ["suspended", "stalled", "on hold"];
    for c in 0..total {
        let about_ix = r.below(items.len());
        let about = items[about_ix].clone();
        let is_commitment = about.contains('c');
        let value = if is_commitment {
            if r.chance(700) { "met" } else { "missed" }
        } else if r.chance(40) {
            negative[r.below(negative.len())]
        } else {
            positive[r.below(positive.len())]
        };
        let start = r.below(150);
        let valid = if r.chance(100) {
            FuzzyDate::parse(&format!("2025-0{}", 1 + start / 30)).unwrap()
        } else {
            FuzzyDate::day(day_n(start))
        };
        let known = day_n(start + r.below(10));
        let mut cl = claim(format!("c{c}"), about, value, &mut r, valid, known);
        if c > 10 && r.chance(20) {
            let t = r.below(c);
            let kn = ds.claims[t].known;
            cl.known = kn
                .checked_add(jiff::Span::new().days(1 + r.below(20) as i64))
                .unwrap();
            if r.chance(500) {
                cl.retracts = Some(format!("c{t}"));
            } else {
                cl.supersedes = Some(format!("c{t}"));
            }
            cl.about = ds.claims[t].about.clone();
        }
        ds.claims.push(cl);
    }
    ds.reindex();
    World {
        ds,
        items,
        claims: total,
    }
}

struct Stats(Vec<Duration>);

impl Stats {
    fn line(&mut self, what: &str) {
        let v = &mut self.0;
        if v.is_empty() {
            println!("  {what}: no samples");
            return;
        }
        v.sort();
        let p = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
        println!(
            "  {what} (n={}): p50 {:?}, p99 {:?}, p999 {:?}, max {:?}",
            v.len(),
            p(0.5),
            p(0.99),
            p(0.999),
            v[v.len() - 1]
        );
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run(family: Family) {
    let n: usize = env("N", 100_000);
    let links_per: usize = env("LINKS", 4);
    let claims_per: usize = env("CLAIMS", 10);
    let seed: u64 = env("SEED", 1);
    let reps: f64 = env("REPS", 1.0);
    let count = |base: usize| ((base as f64 * reps) as usize).max(10);
    let parts: String = env("PARTS", "derive,incr,whatif,why".to_string());
    let part = |name: &str| parts.split(',').any(|p| p.trim() == name);
    println!(
        "== {family:?} world: N={n}, links/item={links_per}, claims/item={claims_per}, seed={seed}"
    );
    let t = Instant::now();
    let mut w = build(family, n, links_per, claims_per, seed);
    let (rss0, hwm0) = memory();
    println!(
        "generated in {:?}: {} items, {} links, {} claims; RSS {rss0} MiB (peak {hwm0} MiB)",
        t.elapsed(),
        w.items.len() + w.ds.packages.len(),
        w.ds.links.len(),
        w.ds.claims.len()
    );
    let t = Instant::now();
    // SHARED=1: the engine shares the caller's dataset instead of copying its definitions.
    let mut e = if env("SHARED", 0u8) == 1 {
        Engine::new_shared(std::sync::Arc::new(std::mem::take(&mut w.ds)))
    } else {
        Engine::new(&w.ds)
    };
    let build_time = t.elapsed();
    let (rss1, hwm1) = memory();
    println!(
        "build: {build_time:?}; RSS {rss1} MiB (+{} MiB for the engine), peak {hwm1} MiB; skipped {}",
        rss1.saturating_sub(rss0),
        e.skipped().len()
    );
    let ds_claims = w.claims;
    let items = w.items.clone();
    drop(w);
    let (rss2, _) = memory();
    println!("after dropping the dataset: RSS {rss2} MiB");
    let mut r = Rng(seed ^ 0xABCD);
    let d = Date::new(2025, 6, 1).unwrap();

    // W1: full derivations.
    if part("derive") {
        let mut fresh = Vec::new();
        let mut fresh_cpu = Vec::new();
        for _ in 0..5 {
            let (v, wall, cpu) = timed(|| e.derive_fresh(d, d));
            fresh.push(wall);
            fresh_cpu.push(cpu);
            drop(v);
        }
        let t = Instant::now();
        e.derive_all(d, d);
        let first = t.elapsed();
        let t = Instant::now();
        e.derive_all(d, d);
        let kept = t.elapsed();
        println!(
            "derive_fresh: median {:?} of 5 (main thread CPU {:?}); derive_all first {first:?}, kept {kept:?}",
            median(fresh),
            median(fresh_cpu)
        );
        {
            let v = e.derive_all(d, d);
            let s = v.summaries();
            let at_risk = s.iter().filter(|x| x.at_risk.is_some()).count();
            let contested = s
                .iter()
                .filter(|x| matches!(x.reported, accord_engine::Reported::Contested { .. }))
                .count();
            let not_op = s
                .iter()
                .filter(|x| x.operative == accord_lang::Truth::False)
                .count();
            let loops = s.iter().filter(|x| x.loop_.is_some()).count();
            println!(
                "state: {at_risk} at risk, {contested} contested, {not_op} not operative, {loops} in unresolved loops"
            );
        }
        // W5: the whole state as of random dates (a fresh snapshot each).
        let mut dated = Vec::new();
        let mut dated_cpu = Vec::new();
        for _ in 0..5 {
            let day = day_n(r.below(180));
            let (v, wall, cpu) = timed(|| e.derive_fresh(day, day));
            dated.push(wall);
            dated_cpu.push(cpu);
            drop(v);
        }
        println!(
            "derive at a random date: median {:?} of 5 (main thread CPU {:?})",
            median(dated),
            median(dated_cpu)
        );
    }

    // W3: incremental adds.
    let mut next_id = 10 * ds_claims + 10;
    let mut fresh_id = || {
        next_id += 1;
        format!("x{next_id}")
    };
    if part("incr") {
        let mut quiet = Stats(Vec::new());
        for _ in 0..count(20_000) {
            let about = items[r.below(items.len())].clone();
            let value = if about.contains('c') {
                "met"
            } else {
                "in force"
            };
            // Old news: dated early, so later claims override it.
            let c = claim(
                fresh_id(),
                about,
                value,
                &mut r,
                FuzzyDate::day(day_n(1)),
                day_n(2),
            );
            let t = Instant::now();
            e.add_claim(c).unwrap();
            quiet.0.push(t.elapsed());
        }
        let mut loud = Stats(Vec::new());
        let mut loud_ids = Vec::new();
        for _ in 0..count(2_000) {
            let about = items[r.below(items.len())].clone();
            let value = if about.contains('c') {
                "missed"
            } else {
                "suspended"
            };
            let id = fresh_id();
            let c = claim(
                id.clone(),
                about,
                value,
                &mut r,
                FuzzyDate::day(day_n(148)),
                day_n(149),
            );
            let about = c.about.clone();
            let t = Instant::now();
            e.add_claim(c).unwrap();
            loud.0.push(t.elapsed());
            loud_ids.push((id, about));
        }
        let mut retract = Stats(Vec::new());
        for (id, about) in loud_ids.iter().step_by(2) {
            // The retraction is about the same item as what it retracts.
            let about = about.clone();
            let mut c = claim(
                fresh_id(),
                about,
                "in force",
                &mut r,
                FuzzyDate::day(day_n(148)),
                day_n(149),
            );
            c.retracts = Some(id.clone());
            let t = Instant::now();
            e.add_claim(c).unwrap();
            retract.0.push(t.elapsed());
        }
        let mut remove = Stats(Vec::new());
        for (id, _) in loud_ids.iter().skip(1).step_by(2) {
            let t = Instant::now();
            e.remove_claim(id).unwrap();
            remove.0.push(t.elapsed());
        }
        println!("incremental, with the snapshot at {d} kept:");
        quiet.line("add a claim that changes nothing");
        loud.line("add a claim that changes a status");
        retract.line("add a retraction of such a claim");
        remove.line("remove such a claim");
    }

    // W6: what-if with 100 hypothetical claims.
    if part("whatif") {
        let mut whatif = Stats(Vec::new());
        let mut whatif_cpu = Vec::new();
        let mut changed = 0usize;
        for rep in 0..count(20) {
            let hyps: Vec<Claim> = (0..100)
                .map(|i| {
                    let about = items[r.below(items.len())].clone();
                    let value = if about.contains('c') {
                        "met"
                    } else if i % 2 == 0 {
                        "suspended"
                    } else {
                        "in force"
                    };
                    let mut c = claim(
                        format!("whatif.{rep}.{i}"),
                        about,
                        value,
                        &mut r,
                        FuzzyDate::day(d),
                        d,
                    );
                    c.source = "whatif".into();
                    c
                })
                .collect();
            let (w, wall, cpu) = timed(|| e.what_if(hyps, d, d).unwrap());
            whatif.0.push(wall);
            whatif_cpu.push(cpu);
            changed += w.changes.len();
        }
        println!(
            "what-if (100 hypothetical claims, {} items changed on average):",
            changed / count(20)
        );
        whatif.line("what_if");
        println!(
            "  what_if CPU (this thread): median {:?}",
            median(whatif_cpu)
        );
    }

    // W7: why.
    if part("why") {
        let mut why = Stats(Vec::new());
        let mut depth_max = 0;
        for _ in 0..count(1_000) {
            let id = &items[r.below(items.len())];
            let t = Instant::now();
            let w = e.why(id, d, d).unwrap();
            why.0.push(t.elapsed());
            depth_max = depth_max.max(w.item.at_risk.as_ref().map_or(0, |a| a.path.len()));
        }
        println!("why (longest risk path met: {depth_max}):");
        why.line("why");
    }
    let (rss3, hwm3) = memory();
    println!("end: RSS {rss3} MiB, peak {hwm3} MiB");
}

#[test]
#[ignore]
fn scale_smoke() {
    match std::env::var("FAMILY").as_deref() {
        Ok("uniform") => run(Family::Uniform),
        Ok("both") => {
            run(Family::Power);
            run(Family::Uniform);
        }
        _ => run(Family::Power),
    }
}

/// What-if on the synthetic worlds (small ones, both families: hubs, long risk paths, items
/// in trouble next to items in trouble) reports exactly the items whose summary differs
/// between two derivations from scratch, with and without the hypotheses. The differential
/// test's worlds are too small to exercise the pruning of what-if's comparison set.
#[test]
fn whatif_is_exact_on_small_synthetic_worlds() {
    let d = Date::new(2025, 6, 1).unwrap();
    let seeds: u64 = env("WHATIF_SEEDS", 60);
    for seed in 1..=seeds {
        for family in [Family::Power, Family::Uniform] {
            let n = 20 + (seed as usize * 37) % 400;
            let w = build(family, n, 3, 4, seed);
            // Both constructors (the shared one must derive the same).
            let mut e = if seed % 2 == 0 {
                Engine::new_shared(std::sync::Arc::new(w.ds.clone()))
            } else {
                Engine::new(&w.ds)
            };
            e.derive_all(d, d);
            let mut r = Rng(seed ^ 0x5EED);
            let hyps: Vec<Claim> = (0..1 + r.below(30))
                .map(|i| {
                    let about = w.items[r.below(w.items.len())].clone();
                    let value = if about.contains('c') {
                        ["met", "missed"][r.below(2)]
                    } else {
                        ["suspended", "in force", "stalled", "signed"][r.below(4)]
                    };
                    let mut c = claim(
                        format!("whatif.{i}"),
                        about,
                        value,
                        &mut r,
                        FuzzyDate::day(d),
                        d,
                    );
                    c.source = "whatif".into();
                    c
                })
                .collect();
            let before = e.derive_fresh(d, d).view().summaries();
            let mut with = Engine::new(&w.ds);
            for h in &hyps {
                with.add_hypothesis(h.clone()).unwrap();
            }
            let after = with.derive_fresh(d, d).view().summaries();
            let want: Vec<_> = before
                .into_iter()
                .zip(after)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (a.id.clone(), a, b))
                .collect();
            let got: Vec<_> = e
                .what_if(hyps, d, d)
                .unwrap()
                .changes
                .into_iter()
                .map(|c| (c.id, c.before, c.after))
                .collect();
            assert_eq!(got, want, "seed {seed}, {family:?}, n {n}");
            assert_eq!(
                e.derive_all(d, d).summaries(),
                e.derive_fresh(d, d).view().summaries(),
                "what-if left the state changed (seed {seed})"
            );
        }
    }
}
