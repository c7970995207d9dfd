//! The workloads W1–W7 on one generated world, and the SQL peers beside them.
//!
//! Every figure is measured in this process, on the world `accord-gen` makes for the given
//! size and seed, at the as-of and known-at day 2025-12-31 (the end of the world's ten years)
//! unless a workload says otherwise. What each workload does is described in
//! `docs/performance.md`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use accord_engine::Engine;
use accord_gen::{Config, Family, Rng, Stats};
use accord_model::{Asserts, Claim, Dataset};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::measure::{self, Dist, Timed, timed};
use crate::peers::{self, Peer, PeerOptions};
use crate::tables;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub items: usize,
    pub claims: usize,
    pub seed: u64,
    pub family: Family,
    /// Where the store, the peer tables and the peers' files go (created when missing).
    pub work_dir: PathBuf,
    /// Repeats of W1 warm, W5, W6 and of each peer query.
    pub runs: usize,
    /// W3: claims added one at a time.
    pub stream: usize,
    /// W3: retractions (claims retracting an earlier claim, and removals).
    pub retractions: usize,
    /// W3d: durable single claims.
    pub durable: usize,
    /// W4: claims ingested durably in batches of 100.
    pub ingest: usize,
    /// W7: explanations asked.
    pub explanations: usize,
    /// Import the world into a SQLite store (for W1 cold, W3d and W4).
    pub store: bool,
    pub peers: Vec<Peer>,
    pub peer_options: PeerOptions,
}

impl Options {
    pub fn new(items: usize, claims: usize, work_dir: PathBuf) -> Options {
        Options {
            items,
            claims,
            seed: 1,
            family: Family::Realistic,
            runs: 5,
            stream: 10_000,
            retractions: 2_000,
            durable: 200,
            ingest: 20_000,
            explanations: 1_000,
            store: true,
            peers: vec![Peer::Sqlite, Peer::DuckDb, Peer::Postgres],
            peer_options: PeerOptions::new(work_dir.join("peers")),
            work_dir,
        }
    }
}

/// A peer's figures beside accord's.
#[derive(Debug, Clone, Serialize)]
pub struct PeerRow {
    pub peer: String,
    pub version: String,
    pub load_ms: f64,
    pub latest_ms: f64,
    pub risk_ms: f64,
    pub latest_match: bool,
    pub risk_match: bool,
    /// accord's time over the peer's (smaller is better for accord).
    pub latest_ratio: f64,
    pub risk_ratio: f64,
    /// accord's full derivation (W1 warm) over the peer's risk query.
    pub w1_ratio: f64,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Cores, memory and the load average when the run started (the machine is often shared).
    pub machine: String,
    pub accord_version: String,
    pub family: String,
    pub seed: u64,
    pub items: usize,
    pub links: usize,
    pub claims: usize,
    pub stats: StatsView,
    pub as_of: String,
    pub generate: Timed,
    /// Importing the world into a SQLite store (validated, one transaction).
    pub import: Option<Timed>,
    pub store_bytes: Option<u64>,
    /// W1 cold: open the store and load the dataset; build the engine; first derivation.
    pub cold_load: Option<Timed>,
    pub cold_build: Timed,
    pub cold_derive: Timed,
    /// W1 warm: a full derivation from scratch on a built engine (per run).
    pub w1_warm: Dist,
    pub w1_warm_cpu_ms: f64,
    /// W3: single claims, in memory.
    pub w3_add: Dist,
    pub w3_add_changed: Dist,
    pub w3_changed_share: f64,
    pub w3_retract_claim: Dist,
    pub w3_remove: Dist,
    /// W3d: append + fsync + re-derive, one claim at a time.
    pub w3d: Option<Dist>,
    /// W4: durable ingest, batches of 100.
    pub w4_claims_per_s: Option<f64>,
    pub w4_batch: Option<Dist>,
    /// W5: full state as of a random date.
    pub w5: Dist,
    /// W6: what-if of 100 hypothetical claims.
    pub w6: Dist,
    pub w6_changed_items: usize,
    pub w6_base_unchanged: bool,
    /// W7: explanations of depth ≤ 20.
    pub w7: Dist,
    pub w7_max_depth: usize,
    /// Memory.
    pub rss_before_engine: u64,
    pub engine_bytes: u64,
    pub peak_rss: u64,
    /// Peer questions: accord's own answers (medians of the runs).
    pub accord_latest_ms: f64,
    pub accord_risk_ms: f64,
    pub latest_hash: String,
    pub risk_hash: String,
    pub latest_rows: usize,
    pub risk_rows: usize,
    pub tables_ms: f64,
    pub tables_bytes: u64,
    pub peers: Vec<PeerRow>,
    /// Peers that could not run, with the reason.
    pub peers_skipped: Vec<(String, String)>,
    pub total_wall_s: f64,
    pub total_cpu_s: f64,
}

/// The generator's counts, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub deals: usize,
    pub instruments: usize,
    pub commitments: usize,
    pub tracks: usize,
    pub packages: usize,
    pub pledges: usize,
    pub cross_deal_links: usize,
    pub rings: usize,
    pub conditions: usize,
    pub contradictions: usize,
    pub retractions: usize,
    pub supersessions: usize,
}

impl From<&Stats> for StatsView {
    fn from(s: &Stats) -> Self {
        StatsView {
            deals: s.deals,
            instruments: s.instruments,
            commitments: s.commitments,
            tracks: s.tracks,
            packages: s.packages,
            pledges: s.pledges,
            cross_deal_links: s.cross_deal_links,
            rings: s.rings,
            conditions: s.conditions,
            contradictions: s.contradictions,
            retractions: s.retractions,
            supersessions: s.supersessions,
        }
    }
}

/// Progress reports: phase, done, all.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

fn day(y: i16, m: i8, d: i8) -> Date {
    jiff::civil::date(y, m, d)
}

/// The as-of day of the workloads.
pub fn as_of() -> Date {
    day(2025, 12, 31)
}

/// Runs every workload on one world.
pub fn run(opt: &Options, progress: Progress<'_>) -> Result<Report, String> {
    let t_all = Instant::now();
    let cpu_all = measure::process_cpu_time();
    let machine = measure::machine();
    std::fs::create_dir_all(&opt.work_dir)
        .map_err(|e| format!("could not create `{}`: {e}", opt.work_dir.display()))?;
    let d = as_of();

    // The world.
    let cfg = Config {
        items: opt.items,
        claims: opt.claims,
        links_per_item: 4.0,
        seed: opt.seed,
        family: opt.family,
    };
    let (world, t_gen) = timed(|| accord_gen::generate(&cfg, &mut |p, a, b| progress(p, a, b)));
    let world = world.map_err(|e| e.to_string())?;
    let stats = world.stats.clone();
    let mut ds = world.dataset;

    // The engine's memory, measured first, while the process has freed little: later phases
    // (the import above all) free large buffers that an engine built after them would reuse
    // without growing the resident set.
    progress("build engine", 0, 1);
    let rss_before_engine = measure::rss();
    let (first, first_build) = timed(|| Engine::new(&ds));
    let engine_bytes = measure::rss().saturating_sub(rss_before_engine);
    progress("build engine", 1, 1);

    // The store: import, then W1 cold from it (a second engine, built from what was loaded).
    let db = opt.work_dir.join("world.accord");
    let mut import = None;
    let mut store_bytes = None;
    let mut cold_load = None;
    let (mut engine, cold_build) = if opt.store {
        drop(first);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let target = db.display().to_string();
        let (r, t) = timed(|| -> Result<(), String> {
            let mut store = accord_store::create(&target).map_err(|e| e.to_string())?;
            accord_store::import_dataset_with(
                store.as_mut(),
                &ds,
                "(generated)",
                &mut |p, a, b| progress(&format!("import: {p}"), a, b),
            )
            .map_err(|e| e.to_string())?;
            Ok(())
        });
        r?;
        import = Some(t);
        store_bytes = std::fs::metadata(&db).ok().map(|m| m.len());
        // Load it back, as a cold start would.
        drop(ds);
        progress("load from store", 0, 1);
        let (loaded, t) = timed(|| -> Result<Dataset, String> {
            let mut store = accord_store::open(&target).map_err(|e| e.to_string())?;
            accord_store::load_dataset(store.as_mut()).map_err(|e| e.to_string())
        });
        ds = loaded?;
        cold_load = Some(t);
        progress("load from store", 1, 1);
        progress("build engine from the store", 0, 1);
        let built = timed(|| Engine::new(&ds));
        progress("build engine from the store", 1, 1);
        built
    } else {
        (first, first_build)
    };
    drop(ds);
    let (_, cold_derive) = timed(|| {
        engine.derive_all(d, d);
    });

    // W1 warm.
    let mut w1 = Vec::new();
    let mut w1_cpu = Vec::new();
    for r in 0..opt.runs.max(1) {
        progress("W1 full derivation", r as u64, opt.runs as u64);
        let c0 = measure::cpu_time();
        let t = Instant::now();
        let derived = engine.derive_fresh(d, d);
        drop(derived);
        w1.push(t.elapsed());
        w1_cpu.push(measure::cpu_time().saturating_sub(c0));
    }
    let w1_warm = Dist::of(&w1);
    let w1_warm_cpu_ms = measure::median_ms(&w1_cpu);

    // The peer questions, asked of accord.
    progress("peer questions (accord)", 0, 1);
    let rows = engine.claim_rows();
    let negative: Vec<bool> = {
        let mut v = vec![false; rows.iter().map(|r| r.ix as usize + 1).max().unwrap_or(0)];
        for r in &rows {
            if let Some(x) = v.get_mut(r.ix as usize) {
                *x = r.negative;
            }
        }
        v
    };
    drop(rows);
    let n_items = engine.item_count();
    let mut latest_t = Vec::new();
    let mut risk_t = Vec::new();
    let mut latest = Vec::new();
    let mut at_risk = Vec::new();
    for _ in 0..opt.runs.max(1) {
        let t = Instant::now();
        latest = engine.latest_claims(d, d);
        latest_t.push(t.elapsed());
        let t = Instant::now();
        let l = engine.latest_claims(d, d);
        let mut blocked = vec![false; n_items];
        for &(item, claim) in &l {
            if negative.get(claim as usize).copied().unwrap_or(false)
                && let Some(b) = blocked.get_mut(item as usize)
            {
                *b = true;
            }
        }
        let reach = engine.reaching(&blocked);
        risk_t.push(t.elapsed());
        at_risk = reach
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(i, _)| i as u32)
            .collect();
    }
    let latest_rows = latest.len();
    let risk_rows = at_risk.len();
    let latest_hash = peers::hash_pairs(&mut latest);
    let risk_hash = peers::hash_set(&mut at_risk);
    let accord_latest_ms = measure::median_ms(&latest_t);
    let accord_risk_ms = measure::median_ms(&risk_t);
    progress("peer questions (accord)", 1, 1);

    // The peers.
    let tables_dir = opt.work_dir.join("tables");
    let mut peer_rows = Vec::new();
    let mut peers_skipped = Vec::new();
    let mut tables_ms = 0.0;
    let mut tables_bytes = 0;
    if !opt.peers.is_empty() {
        progress("write peer tables", 0, 1);
        let (w, t) = timed(|| tables::write_tables(&engine, &tables_dir));
        let w = w?;
        tables_ms = t.wall_ms;
        tables_bytes = w.bytes;
        progress("write peer tables", 1, 1);
        let di = days(d);
        std::fs::create_dir_all(&opt.peer_options.work_dir).map_err(|e| {
            format!(
                "could not create `{}`: {e}",
                opt.peer_options.work_dir.display()
            )
        })?;
        for (i, &p) in opt.peers.iter().enumerate() {
            progress(
                &format!("peer {}", p.name()),
                i as u64,
                opt.peers.len() as u64,
            );
            if let Err(why) = peers::available(p, &opt.peer_options) {
                peers_skipped.push((p.name().to_string(), why));
                continue;
            }
            let mut po = opt.peer_options.clone();
            po.runs = opt.runs.max(1);
            let r = peers::run_peer(p, &tables_dir, di, di, &po)
                .map_err(|e| format!("peer {}: {e}", p.name()))?;
            let latest_ms = measure::median_ms(&r.latest);
            let risk_ms = measure::median_ms(&r.risk);
            peer_rows.push(PeerRow {
                peer: r.peer.to_string(),
                version: r.version.clone(),
                load_ms: r.load.as_secs_f64() * 1e3,
                latest_ms,
                risk_ms,
                latest_match: r.latest_hash == latest_hash,
                risk_match: r.risk_hash == risk_hash,
                latest_ratio: ratio(accord_latest_ms, latest_ms),
                risk_ratio: ratio(accord_risk_ms, risk_ms),
                w1_ratio: ratio(w1_warm.median_ms(), risk_ms),
            });
        }
    }

    // W5: the full state as of random dates.
    let mut rng = Rng::new(opt.seed ^ 0xB5);
    let mut w5 = Vec::new();
    for r in 0..opt.runs.max(1) {
        progress("W5 state as of a random date", r as u64, opt.runs as u64);
        let dd = accord_gen::first_day()
            .saturating_add((rng.below(accord_gen::SPAN_DAYS as usize) as i32).days());
        let t = Instant::now();
        let derived = engine.derive_fresh(dd, dd);
        drop(derived);
        w5.push(t.elapsed());
    }

    // W7: explanations.
    engine.derive_all(d, d);
    let ids: Vec<String> = engine.items().map(|(id, _)| id.to_string()).collect();
    let mut w7 = Vec::new();
    let mut w7_max_depth = 0;
    for r in 0..opt.explanations {
        if r.is_multiple_of(64) {
            progress("W7 explanations", r as u64, opt.explanations as u64);
        }
        let Some(id) = ids.get(rng.below(ids.len())) else {
            break;
        };
        let t = Instant::now();
        let why = engine.why(id, d, d);
        let e = t.elapsed();
        if let Ok(w) = why {
            let depth = depth(&w.tree);
            if depth <= 20 {
                w7.push(e);
                w7_max_depth = w7_max_depth.max(depth);
            }
        }
    }
    drop(ids);

    // W6: what-if of 100 hypothetical claims.
    let base = engine.derive_all(d, d).summaries();
    let mut w6 = Vec::new();
    let mut w6_changed_items = 0;
    for r in 0..opt.runs.max(1) {
        progress("W6 what-if", r as u64, opt.runs as u64);
        let mut hyps = accord_gen::stream(
            engine.dataset(),
            100,
            opt.seed ^ (0x6000 + r as u64),
            d,
            0.5,
            &format!("whatif_{r}_"),
        );
        for h in &mut hyps {
            h.confidence = 1.0;
        }
        let t = Instant::now();
        let diff = engine.what_if(hyps, d, d).map_err(|e| e.to_string())?;
        w6.push(t.elapsed());
        w6_changed_items = w6_changed_items.max(diff.changes.len());
    }
    let w6_base_unchanged = engine.derive_all(d, d).summaries() == base;
    drop(base);

    // W3: single claims in memory.
    let stream = accord_gen::stream(
        engine.dataset(),
        opt.stream,
        opt.seed ^ 0x33,
        d,
        0.3,
        "add_",
    );
    let mut add = Vec::with_capacity(stream.len());
    for (i, c) in stream.iter().enumerate() {
        if i.is_multiple_of(1024) {
            progress("W3 single claims", i as u64, stream.len() as u64);
        }
        let t = Instant::now();
        engine.add_claim(c.clone()).map_err(|e| e.to_string())?;
        add.push(t.elapsed());
    }
    // Which additions changed a derived state: replay a sample against summaries (outside
    // the timings).
    let (w3_add_changed, w3_changed_share) = changed_sample(&mut engine, &stream, d, &add);
    // Retractions: a claim retracting an earlier status claim (the hard case: it may take
    // an item out of trouble), then plain removals.
    let targets: Vec<Claim> = stream
        .iter()
        .filter(|c| matches!(c.asserts, Asserts::Status | Asserts::Met | Asserts::Missed))
        .take(opt.retractions)
        .cloned()
        .collect();
    let mut retract = Vec::new();
    for (i, t0) in targets.iter().enumerate() {
        if i.is_multiple_of(256) {
            progress("W3 retractions", i as u64, targets.len() as u64);
        }
        let r = Claim {
            id: format!("retract_{i:09}"),
            asserts: Asserts::Statement,
            value: None,
            by: None,
            retracts: Some(t0.id.clone()),
            reason: Some("benchmark".into()),
            ..t0.clone()
        };
        let t = Instant::now();
        engine.add_claim(r).map_err(|e| e.to_string())?;
        retract.push(t.elapsed());
    }
    let mut remove = Vec::new();
    for (i, c) in stream.iter().rev().take(opt.retractions).enumerate() {
        if i.is_multiple_of(256) {
            progress("W3 removals", i as u64, opt.retractions as u64);
        }
        let t = Instant::now();
        // Claims already retracted above are still stored; removal works for all.
        engine.remove_claim(&c.id).map_err(|e| e.to_string())?;
        remove.push(t.elapsed());
    }

    // W3d and W4: durable.
    let mut w3d = None;
    let mut w4_claims_per_s = None;
    let mut w4_batch = None;
    if opt.store {
        let target = db.display().to_string();
        let mut store = accord_store::open(&target).map_err(|e| e.to_string())?;
        let mut writer = accord_store::ops::ClaimWriter::new();
        let singles = accord_gen::stream(
            engine.dataset(),
            opt.durable,
            opt.seed ^ 0x3D,
            d,
            0.3,
            "durable_",
        );
        let mut v = Vec::new();
        for (i, c) in singles.into_iter().enumerate() {
            if i.is_multiple_of(32) {
                progress("W3d durable single claims", i as u64, opt.durable as u64);
            }
            let t = Instant::now();
            writer
                .add(store.as_mut(), std::slice::from_ref(&c), "(bench)")
                .map_err(|e| e.to_string())?;
            engine.add_claim(c).map_err(|e| e.to_string())?;
            v.push(t.elapsed());
        }
        w3d = Some(Dist::of(&v));
        let batch = accord_gen::stream(
            engine.dataset(),
            opt.ingest,
            opt.seed ^ 0x44,
            d,
            0.3,
            "ingest_",
        );
        let mut v = Vec::new();
        let t_all = Instant::now();
        for (i, chunk) in batch.chunks(100).enumerate() {
            if i.is_multiple_of(16) {
                progress("W4 durable ingest", (i * 100) as u64, batch.len() as u64);
            }
            let t = Instant::now();
            writer
                .add(store.as_mut(), chunk, "(bench)")
                .map_err(|e| e.to_string())?;
            for c in chunk {
                engine.add_claim(c.clone()).map_err(|e| e.to_string())?;
            }
            v.push(t.elapsed());
        }
        let secs = t_all.elapsed().as_secs_f64();
        w4_claims_per_s = Some(if secs > 0.0 {
            batch.len() as f64 / secs
        } else {
            0.0
        });
        w4_batch = Some(Dist::of(&v));
    }
    progress("done", 1, 1);

    Ok(Report {
        machine,
        accord_version: env!("CARGO_PKG_VERSION").to_string(),
        family: opt.family.name().to_string(),
        seed: opt.seed,
        items: stats.items(),
        links: stats.links,
        claims: stats.claims,
        stats: StatsView::from(&stats),
        as_of: d.to_string(),
        generate: t_gen,
        import,
        store_bytes,
        cold_load,
        cold_build,
        cold_derive,
        w1_warm,
        w1_warm_cpu_ms,
        w3_add: Dist::of(&add),
        w3_add_changed,
        w3_changed_share,
        w3_retract_claim: Dist::of(&retract),
        w3_remove: Dist::of(&remove),
        w3d,
        w4_claims_per_s,
        w4_batch,
        w5: Dist::of(&w5),
        w6: Dist::of(&w6),
        w6_changed_items,
        w6_base_unchanged,
        w7: Dist::of(&w7),
        w7_max_depth,
        rss_before_engine,
        engine_bytes,
        peak_rss: measure::peak_rss(),
        accord_latest_ms,
        accord_risk_ms,
        latest_hash,
        risk_hash,
        latest_rows,
        risk_rows,
        tables_ms,
        tables_bytes,
        peers: peer_rows,
        peers_skipped,
        total_wall_s: t_all.elapsed().as_secs_f64(),
        total_cpu_s: measure::process_cpu_time()
            .saturating_sub(cpu_all)
            .as_secs_f64(),
    })
}

/// The depth of an explanation tree (a leaf is depth 1).
pub fn depth(n: &accord_engine::Node) -> usize {
    // Iterative, so a deep tree cannot overflow the stack.
    let mut max = 0;
    let mut stack = vec![(n, 1usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        stack.extend(n.children.iter().map(|c| (c, d + 1)));
    }
    max
}

/// Days since 1970-01-01.
pub fn days(d: Date) -> i32 {
    d.since(day(1970, 1, 1)).map(|s| s.get_days()).unwrap_or(0)
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// For a sample of the stream's additions (up to 200), whether the derived state of any item
/// changed: the latencies of those that did, and their share. Replays each sampled claim by
/// removing and re-adding it, with summaries compared around it — outside the timed loop.
fn changed_sample(engine: &mut Engine, stream: &[Claim], d: Date, add: &[Duration]) -> (Dist, f64) {
    let step = (stream.len() / 200).max(1);
    let mut changed = Vec::new();
    let mut sampled = 0usize;
    for (i, c) in stream.iter().enumerate().step_by(step) {
        let before = engine.derive_all(d, d).summary(&c.about);
        if engine.remove_claim(&c.id).is_err() {
            continue;
        }
        let without = engine.derive_all(d, d).summary(&c.about);
        if engine.add_claim(c.clone()).is_err() {
            continue;
        }
        sampled += 1;
        if before != without
            && let Some(t) = add.get(i)
        {
            changed.push(*t);
        }
    }
    let share = if sampled == 0 {
        0.0
    } else {
        changed.len() as f64 / sampled as f64
    };
    (Dist::of(&changed), share)
}
