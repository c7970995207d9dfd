//! `accord gen`: a deterministic synthetic world, written as a dataset directory or straight
//! into a store. The world's shape is described in `crates/accord-gen` and
//! `docs/performance.md`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use accord_gen::{Config, Family};
use clap::Args;
use serde_json::json;

use crate::common::fail;

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Items wanted (instruments, commitments, tracks, packages, pledges); the world stops at
    /// the first whole deal that reaches it. Accepts 1e6, 100k, 1m.
    #[arg(long, value_name = "N", value_parser = parse_count)]
    pub items: usize,
    /// Claims to generate (accepts 1e7, 10m).
    #[arg(long, value_name = "M", value_parser = parse_count)]
    pub claims: usize,
    /// The seed: the same seed always gives the same world.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// `realistic` (power-law fan-in, cycles of 2–20 items) or `giant-cycle` (uniform random
    /// links: one strongly connected component of a large share of the items).
    #[arg(long, value_name = "NAME", default_value = "realistic", value_parser = parse_family)]
    pub family: Family,
    /// Links per item on average.
    #[arg(long, value_name = "X", default_value_t = 4.0)]
    pub links_per_item: f64,
    /// Write a dataset directory here (a new or empty directory).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "db",
        conflicts_with = "db"
    )]
    pub out: Option<PathBuf>,
    /// Write into a new store instead (a SQLite path, or postgres://…).
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Parses `1000`, `1e6`, `100k`, `2m`, `1_000_000`.
pub fn parse_count(s: &str) -> Result<usize, String> {
    let t = s.trim().replace('_', "").to_ascii_lowercase();
    let bad =
        || format!("`{s}` is not a count; write a whole number such as 100000, 1e6, 100k or 10m");
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1_000f64),
        Some('m') => (&t[..t.len() - 1], 1_000_000f64),
        _ => (t.as_str(), 1f64),
    };
    let v: f64 = num.parse().map_err(|_| bad())?;
    let v = v * mult;
    if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1e10) {
        return Err(bad());
    }
    Ok(v as usize)
}

pub fn parse_family(s: &str) -> Result<Family, String> {
    Family::parse(s)
        .ok_or_else(|| format!("`{s}` is not a family; use `realistic` or `giant-cycle`"))
}

/// A progress line on standard error, redrawn in place on a terminal (a line per phase
/// otherwise).
pub struct Bar {
    tty: bool,
    last: Instant,
    phase: String,
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            tty: std::io::stderr().is_terminal(),
            last: Instant::now(),
            phase: String::new(),
        }
    }

    pub fn update(&mut self, phase: &str, done: u64, all: u64) {
        let finished = done >= all;
        let new_phase = phase != self.phase;
        if !finished && !new_phase && self.last.elapsed().as_millis() < 200 {
            return;
        }
        self.last = Instant::now();
        let pct = if all == 0 {
            100.0
        } else {
            done as f64 * 100.0 / all as f64
        };
        let mut e = std::io::stderr().lock();
        if self.tty {
            let _ = write!(e, "\r\x1b[2K{phase}: {done}/{all} ({pct:.0}%)");
            if finished {
                let _ = writeln!(e);
            }
        } else if finished {
            let _ = writeln!(e, "{phase}: {done}/{all}");
        }
        let _ = e.flush();
        self.phase = phase.to_string();
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

pub fn run(a: GenArgs) -> ExitCode {
    if let Some(out) = &a.out
        && let Err(e) = accord_store::export::prepare_dir(out)
    {
        return fail(e);
    }
    let cfg = Config {
        items: a.items,
        claims: a.claims,
        links_per_item: a.links_per_item,
        seed: a.seed,
        family: a.family,
    };
    let t = Instant::now();
    let mut bar = Bar::new();
    let world = match accord_gen::generate(&cfg, &mut |p, d, n| bar.update(p, d, n)) {
        Ok(w) => w,
        Err(e) => return fail(e),
    };
    let gen_time = t.elapsed();
    let t = Instant::now();
    let written = if let Some(out) = &a.out {
        eprintln!("writing {} …", out.display());
        match accord_store::export::export_dataset(&world.dataset, out) {
            Ok(files) => format!("{} files in `{}`", files.len(), out.display()),
            Err(e) => return fail(e),
        }
    } else if let Some(db) = &a.db {
        eprintln!("importing into {} …", accord_store::redact(db));
        let mut store = match accord_store::create(db) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        match accord_store::import_dataset_with(
            store.as_mut(),
            &world.dataset,
            "(generated)",
            &mut |p, d, n| bar.update(p, d, n),
        ) {
            Ok(o) => format!(
                "{} definitions and claims in store `{}`",
                o.total(),
                store.location()
            ),
            Err(e) => return fail(e),
        }
    } else {
        return fail("give --out DIR or --db PATH|URL");
    };
    let write_time = t.elapsed();
    let s = &world.stats;
    if a.json {
        let v = json!({
            "family": cfg.family.name(),
            "seed": cfg.seed,
            "items": s.items(),
            "deals": s.deals,
            "instruments": s.instruments,
            "commitments": s.commitments,
            "tracks": s.tracks,
            "packages": s.packages,
            "pledges": s.pledges,
            "links": s.links,
            "cross_deal_links": s.cross_deal_links,
            "conditions": s.conditions,
            "rings": s.rings,
            "claims": s.claims,
            "contradictions": s.contradictions,
            "retractions": s.retractions,
            "supersessions": s.supersessions,
            "generate_seconds": gen_time.as_secs_f64(),
            "write_seconds": write_time.as_secs_f64(),
        });
        println!("{v:#}");
    } else {
        println!(
            "generated a {} world (seed {}): {} items in {} deals ({} instruments, {} commitments, {} tracks, {} packages, {} pledges), {} links ({} across deals, {} rings), {} conditions",
            cfg.family,
            cfg.seed,
            s.items(),
            s.deals,
            s.instruments,
            s.commitments,
            s.tracks,
            s.packages,
            s.pledges,
            s.links,
            s.cross_deal_links,
            s.rings,
            s.conditions
        );
        println!(
            "{} claims ({} contradicting, {} retractions, {} supersessions) over 2016–2025",
            s.claims, s.contradictions, s.retractions, s.supersessions
        );
        println!(
            "wrote {written} (generated in {:.2} s, written in {:.2} s)",
            gen_time.as_secs_f64(),
            write_time.as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}
