#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a measuring tool: it stops at the first failure"
)]
//! Measures the store on a generated world: import, load (W1 cold's first part), durable
//! single claims (W3d, store part only) and durable ingest in batches of 100 (W4, store part).
//!
//! ```sh
//! cargo run --release -p accord-store --example store_perf -- ITEMS CLAIMS DB [sqlite|postgres://…]
//! ```
//! ITEMS and CLAIMS accept `k` and `m` suffixes. DB is a new SQLite path (removed first) or a
//! PostgreSQL URL whose store tables must not exist yet.

use std::time::{Duration, Instant};

use accord_store::ops::ClaimWriter;

fn count(s: &str) -> usize {
    let (n, m) = match s.chars().last() {
        Some('k') => (&s[..s.len() - 1], 1_000),
        Some('m') => (&s[..s.len() - 1], 1_000_000),
        _ => (s, 1),
    };
    n.parse::<usize>().expect("a count") * m
}

/// Peak resident set size so far (VmHWM), in MiB.
fn peak_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|k| k / 1024.0)
        .unwrap_or(0.0)
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let items = count(args.get(1).map(String::as_str).unwrap_or("20k"));
    let claims = count(args.get(2).map(String::as_str).unwrap_or("200k"));
    let db = args
        .get(3)
        .cloned()
        .unwrap_or("/tmp/store_perf.accord".into());
    let skip_writes = std::env::var("SKIP_WRITES").is_ok();
    if std::env::var("LOAD_ONLY").is_ok() {
        // Only load an existing store, three times (for profiling the load).
        for _ in 0..3 {
            let t = Instant::now();
            let mut store = accord_store::open(&db).expect("open");
            let ds = accord_store::load_dataset(store.as_mut()).expect("load");
            println!(
                "load: {:.0} ms, {} claims; peak RSS {:.0} MiB",
                t.elapsed().as_secs_f64() * 1e3,
                ds.claims.len(),
                peak_mib()
            );
        }
        return;
    }
    if !accord_store::is_postgres_url(&db) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{suffix}"));
        }
    }
    let t = Instant::now();
    let cfg = accord_gen::Config::new(items, claims, 1);
    let world = accord_gen::generate(&cfg, &mut |_, _, _| {}).expect("a world");
    let ds = world.dataset;
    eprintln!(
        "world: {} instruments, {} claims, generated in {:.1} s; peak {:.0} MiB",
        ds.instruments.len(),
        ds.claims.len(),
        t.elapsed().as_secs_f64(),
        peak_mib()
    );
    let mut store = accord_store::create(&db).expect("a new store");
    let t = Instant::now();
    let mut last = String::new();
    let o =
        accord_store::import_dataset_with(store.as_mut(), &ds, "(generated)", &mut |p, a, b| {
            if p != last || a == b || a % 1_000_000 < 65_536 {
                eprintln!("  {:>7.1} s  {p} {a}/{b}", t.elapsed().as_secs_f64());
                last = p.to_string();
            }
        })
        .expect("imported");
    let import_s = t.elapsed().as_secs_f64();
    println!(
        "import: {:.2} s for {} definitions and {} claims; peak RSS so far {:.0} MiB",
        import_s,
        o.defs.values().sum::<usize>(),
        o.claims,
        peak_mib()
    );
    // The world is kept for the claim streams of W3d and W4, unless they are skipped.
    let n_claims = ds.claims.len();
    let stream_base = if skip_writes {
        drop(ds);
        accord_model::Dataset::default()
    } else {
        ds
    };
    drop(store);
    let mut loads = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let mut store = accord_store::open(&db).expect("open");
        let ds = accord_store::load_dataset(store.as_mut()).expect("load");
        loads.push(t.elapsed());
        assert_eq!(ds.claims.len(), n_claims);
    }
    let n = n_claims.max(1) as f64;
    let mut l = loads.clone();
    let med = pct(&mut l, 0.5);
    println!(
        "load (open + load_dataset): median {med:.0} ms of 3 = {:.2} µs per claim; peak RSS {:.0} MiB",
        med * 1e3 / n,
        peak_mib()
    );
    if skip_writes {
        return;
    }
    let mut store = accord_store::open(&db).expect("open");
    let day = jiff::civil::date(2025, 12, 31);
    let mut w = ClaimWriter::new();
    // Warm the writer (its index is built once per definitions generation).
    let t = Instant::now();
    w.check(store.as_mut(), &[], "(bench)").expect("index");
    println!(
        "writer index built in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let singles = accord_gen::stream(&stream_base, 200, 1 ^ 0x3D, day, 0.3, "durable_");
    let (mut all, mut chk) = (Vec::new(), Vec::new());
    for c in &singles {
        let t = Instant::now();
        w.check(store.as_mut(), std::slice::from_ref(c), "(bench)")
            .expect("valid");
        chk.push(t.elapsed());
        store
            .append_claims(None, std::slice::from_ref(c))
            .expect("appended");
        all.push(t.elapsed());
    }
    println!(
        "W3d (store part): p50 {:.2} ms, p99 {:.2} ms; check alone p50 {:.3} ms, p99 {:.3} ms ({} fast, {} full)",
        pct(&mut all, 0.5),
        pct(&mut all, 0.99),
        pct(&mut chk, 0.5),
        pct(&mut chk, 0.99),
        w.fast_accepted,
        w.full_checked
    );
    let (f0, s0) = (w.fast_accepted, w.full_checked);
    let batch = accord_gen::stream(&stream_base, 20_000, 1 ^ 0x44, day, 0.3, "ingest_");
    let (mut bt, mut ck) = (Vec::new(), Duration::ZERO);
    let t_all = Instant::now();
    for chunk in batch.chunks(100) {
        let t = Instant::now();
        let g = w.check(store.as_mut(), chunk, "(bench)").expect("valid");
        ck += t.elapsed();
        store.append_claims(Some(g), chunk).expect("appended");
        bt.push(t.elapsed());
    }
    let secs = t_all.elapsed().as_secs_f64();
    println!(
        "W4 (store part): {:.0} claims/s; batch p50 {:.2} ms, p99 {:.2} ms; checking {:.1} µs per claim ({} fast, {} full)",
        batch.len() as f64 / secs,
        pct(&mut bt, 0.5),
        pct(&mut bt, 0.99),
        ck.as_secs_f64() * 1e6 / batch.len() as f64,
        w.fast_accepted - f0,
        w.full_checked - s0
    );
}
