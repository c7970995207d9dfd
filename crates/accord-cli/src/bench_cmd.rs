//! `accord bench`: the world-scale workloads W1–W7 on a generated world, with SQLite, DuckDB
//! and PostgreSQL answering the same questions beside accord (`docs/performance.md`).

use std::path::PathBuf;
use std::process::ExitCode;

use accord_bench::peers::Peer;
use accord_bench::{Options, render};
use accord_gen::Family;
use clap::Args;

use crate::common::fail;
use crate::gen_cmd::{Bar, parse_count, parse_family};

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Items in the generated world (accepts 1e5, 100k, 1m).
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "100k")]
    pub items: usize,
    /// Claims in the generated world (default: ten per item).
    #[arg(long, value_name = "M", value_parser = parse_count)]
    pub claims: Option<usize>,
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// `realistic` or `giant-cycle`.
    #[arg(long, value_name = "NAME", default_value = "realistic", value_parser = parse_family)]
    pub family: Family,
    /// Peers to run beside accord: any of sqlite, duckdb, postgres, or none.
    #[arg(long, value_name = "LIST", default_value = "sqlite,duckdb,postgres", value_parser = parse_peers)]
    pub peers: PeerList,
    /// PostgreSQL connection for the postgres peer (a schema of its own is made and dropped).
    #[arg(
        long,
        value_name = "CONN",
        env = "ACCORD_BENCH_PG",
        default_value = "host=127.0.0.1 user=postgres dbname=test"
    )]
    pub pg: String,
    /// Python with the duckdb package, for the duckdb peer.
    #[arg(
        long,
        value_name = "PATH",
        env = "ACCORD_BENCH_PYTHON",
        default_value = "python3"
    )]
    pub python: String,
    /// Repeats of the whole-world workloads and of each peer query (medians are reported).
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub runs: usize,
    /// W3: claims added one at a time.
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "10k")]
    pub stream: usize,
    /// W3: retractions and removals.
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "2000")]
    pub retractions: usize,
    /// W3d: durable single claims.
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "200")]
    pub durable: usize,
    /// W4: claims ingested durably in batches of 100.
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "20k")]
    pub ingest: usize,
    /// W7: explanations asked.
    #[arg(long, value_name = "N", value_parser = parse_count, default_value = "1000")]
    pub explanations: usize,
    /// Skip the store (W1 cold from memory; no W3d, W4).
    #[arg(long)]
    pub no_store: bool,
    /// Working directory for the store, the peer tables and the peers' databases.
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub work: PathBuf,
    /// Print the full report as JSON (for programs, and for docs/performance.md).
    #[arg(long)]
    pub json: bool,
    /// Also write the full report as JSON to this file (the table still goes to standard output).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct PeerList(pub Vec<Peer>);

fn parse_peers(s: &str) -> Result<PeerList, String> {
    if s.trim() == "none" || s.trim().is_empty() {
        return Ok(PeerList(vec![]));
    }
    let mut v = Vec::new();
    for p in s.split(',') {
        let peer = match p.trim() {
            "sqlite" => Peer::Sqlite,
            "duckdb" => Peer::DuckDb,
            "postgres" | "postgresql" => Peer::Postgres,
            other => {
                return Err(format!(
                    "`{other}` is not a peer; use any of sqlite, duckdb, postgres (comma-separated), or none"
                ));
            }
        };
        if !v.contains(&peer) {
            v.push(peer);
        }
    }
    Ok(PeerList(v))
}

pub fn run(a: BenchArgs) -> ExitCode {
    if a.items == 0 {
        return fail("--items must be at least 1");
    }
    let mut opt = Options::new(a.items, a.claims.unwrap_or(a.items * 10), a.work.clone());
    opt.seed = a.seed;
    opt.family = a.family;
    opt.runs = a.runs.max(1);
    opt.stream = a.stream;
    opt.retractions = a.retractions;
    opt.durable = a.durable;
    opt.ingest = a.ingest;
    opt.explanations = a.explanations;
    opt.store = !a.no_store;
    opt.peers = a.peers.0;
    opt.peer_options.pg_url = a.pg;
    opt.peer_options.python = a.python;
    opt.peer_options.runs = opt.runs;
    let mut bar = Bar::new();
    let report = match accord_bench::run(&opt, &mut |p, d, n| bar.update(p, d, n)) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Some(path) = &a.report {
        let text = match serde_json::to_string_pretty(&report) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        if let Err(e) = std::fs::write(path, text + "\n") {
            return fail(format!("could not write `{}`: {e}", path.display()));
        }
    }
    if a.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(e),
        }
    } else {
        print!("{}", render(&report));
    }
    let differ = report
        .peers
        .iter()
        .any(|p| !(p.latest_match && p.risk_match));
    if differ {
        eprintln!("error: a peer's answer differs from accord's (see the results column)");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
