//! The report as a table for people, with the goals beside each figure.

use std::fmt::Write;

use crate::harness::Report;
use crate::measure::{Dist, human_bytes, human_us};

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn dist(d: &Dist) -> String {
    if d.n == 0 {
        return "—".into();
    }
    format!(
        "p50 {} · p99 {} · p999 {} · max {} (n={})",
        human_us(d.p50_us),
        human_us(d.p99_us),
        human_us(d.p999_us),
        human_us(d.max_us),
        d.n
    )
}

/// Renders one report. Goals are the issue's, stated for 10^6 items; at other sizes they are
/// shown for reference and judged all the same.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "machine: {} (accord {})", r.machine, r.accord_version);
    let _ = writeln!(
        o,
        "world: {} (seed {}): {} items, {} links, {} claims; as of {} (D = K)",
        r.family, r.seed, r.items, r.links, r.claims, r.as_of
    );
    let s = &r.stats;
    let _ = writeln!(
        o,
        "       {} deals: {} instruments, {} commitments, {} tracks, {} packages, {} pledges; {} conditions; {} cross-deal links; {} rings; claims: {} contradicting, {} retractions, {} supersessions",
        s.deals,
        s.instruments,
        s.commitments,
        s.tracks,
        s.packages,
        s.pledges,
        s.conditions,
        s.cross_deal_links,
        s.rings,
        s.contradictions,
        s.retractions,
        s.supersessions
    );
    let _ = writeln!(o, "       generated in {:.2} s", r.generate.wall_ms / 1e3);
    let rows: Vec<(String, String, String, String)> = rows(r);
    let w0 = rows.iter().map(|x| x.0.chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|x| x.1.chars().count()).max().unwrap_or(0);
    let w2 = rows.iter().map(|x| x.2.chars().count()).max().unwrap_or(0);
    let _ = writeln!(o);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let _ = writeln!(
        o,
        "{}  {}  {}  verdict",
        pad("workload", w0),
        pad("measured", w1),
        pad("goal", w2)
    );
    for (a, b, c, d) in &rows {
        let _ = writeln!(o, "{}  {}  {}  {}", pad(a, w0), pad(b, w1), pad(c, w2), d);
    }
    if !r.peers.is_empty() || !r.peers_skipped.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "peer questions at D (tables: {} written in {:.0} ms) — accord: latest {:.2} ms, blocked/at risk {:.2} ms; {} latest rows, {} at risk",
            human_bytes(r.tables_bytes),
            r.tables_ms,
            r.accord_latest_ms,
            r.accord_risk_ms,
            r.latest_rows,
            r.risk_rows
        );
        let _ = writeln!(
            o,
            "{:<11} {:>10} {:>12} {:>12} {:>9} {:>14} {:>16} {:>14}",
            "peer",
            "load",
            "latest",
            "at risk",
            "results",
            "accord/peer Q1",
            "accord/peer Q2",
            "W1/peer Q2"
        );
        for p in &r.peers {
            let _ = writeln!(
                o,
                "{:<11} {:>8.0}ms {:>10.2}ms {:>10.2}ms {:>9} {:>14} {:>16} {:>14}",
                p.peer,
                p.load_ms,
                p.latest_ms,
                p.risk_ms,
                if p.latest_match && p.risk_match {
                    "match"
                } else {
                    "DIFFER"
                },
                format!("{:.4}×", p.latest_ratio),
                format!("{:.4}×", p.risk_ratio),
                format!("{:.3}×", p.w1_ratio),
            );
        }
        for (p, why) in &r.peers_skipped {
            let _ = writeln!(o, "{p:<11} skipped: {why}");
        }
        for p in &r.peers {
            let _ = writeln!(o, "  {} version: {}", p.peer, p.version);
        }
    }
    let _ = writeln!(
        o,
        "\nwhole run: {:.1} s wall, {:.1} s CPU; peak resident {}",
        r.total_wall_s,
        r.total_cpu_s,
        human_bytes(r.peak_rss)
    );
    o
}

fn rows(r: &Report) -> Vec<(String, String, String, String)> {
    let mut v = Vec::new();
    let mut row = |a: &str, b: String, c: &str, ok: Option<bool>| {
        v.push((
            a.to_string(),
            b,
            c.to_string(),
            ok.map(verdict).unwrap_or("").to_string(),
        ));
    };
    if let Some(t) = r.import {
        row(
            "import into SQLite store",
            format!(
                "{:.2} s wall, {:.2} s CPU; {}",
                t.wall_ms / 1e3,
                t.cpu_ms / 1e3,
                r.store_bytes.map(human_bytes).unwrap_or_default()
            ),
            "",
            None,
        );
    }
    let load = r.cold_load.map(|t| t.wall_ms).unwrap_or(0.0);
    let cold = load + r.cold_build.wall_ms + r.cold_derive.wall_ms;
    row(
        "W1 cold: load + build + derive",
        format!(
            "{:.0} ms = {:.0} + {:.0} + {:.0}",
            cold, load, r.cold_build.wall_ms, r.cold_derive.wall_ms
        ),
        "≤ 500 ms",
        Some(cold <= 500.0),
    );
    row(
        "W1 warm: full derivation",
        format!(
            "median {:.2} ms ({:.2} ms CPU), max {}",
            r.w1_warm.median_ms(),
            r.w1_warm_cpu_ms,
            human_us(r.w1_warm.max_us)
        ),
        "≤ 15 ms",
        Some(r.w1_warm.median_ms() <= 15.0),
    );
    if let Some(duck) = r.peers.iter().find(|p| p.peer == "duckdb") {
        row(
            "W1 warm vs DuckDB's at-risk query",
            format!("{:.1}× faster", 1.0 / duck.w1_ratio),
            "≥ 15× faster",
            Some(1.0 / duck.w1_ratio >= 15.0),
        );
    }
    row(
        "W3 add one claim (in memory)",
        dist(&r.w3_add),
        "p50 ≤ 5 µs, p99 ≤ 50 µs",
        Some(r.w3_add.p50_us <= 5.0 && r.w3_add.p99_us <= 50.0),
    );
    row(
        &format!(
            "W3 … those changing their item ({:.0} % of a sample)",
            r.w3_changed_share * 100.0
        ),
        dist(&r.w3_add_changed),
        "",
        None,
    );
    row(
        "W3 retraction (a retracting claim)",
        dist(&r.w3_retract_claim),
        "p99 ≤ 100 µs, max ≤ 5 ms",
        Some(r.w3_retract_claim.p99_us <= 100.0 && r.w3_retract_claim.max_us <= 5000.0),
    );
    row(
        "W3 removal of a claim",
        dist(&r.w3_remove),
        "p99 ≤ 100 µs, max ≤ 5 ms",
        Some(r.w3_remove.p99_us <= 100.0 && r.w3_remove.max_us <= 5000.0),
    );
    if let Some(d) = &r.w3d {
        row(
            "W3d durable single claim",
            dist(d),
            "p99 ≤ 1 ms",
            Some(d.p99_us <= 1000.0),
        );
    }
    if let (Some(c), Some(d)) = (r.w4_claims_per_s, &r.w4_batch) {
        row(
            "W4 durable ingest, batches of 100",
            format!("{c:.0} claims/s (batch {})", dist(d)),
            "≥ 100,000 claims/s",
            Some(c >= 100_000.0),
        );
    }
    row(
        "W5 full state as of a random date",
        dist(&r.w5),
        "≤ 30 ms",
        Some(r.w5.p50_us <= 30_000.0),
    );
    row(
        &format!(
            "W6 what-if, 100 claims ({} items changed, base {})",
            r.w6_changed_items,
            if r.w6_base_unchanged {
                "unchanged"
            } else {
                "CHANGED"
            }
        ),
        dist(&r.w6),
        "≤ 2 ms",
        Some(r.w6.p50_us <= 2000.0 && r.w6_base_unchanged),
    );
    row(
        &format!("W7 explanation (depth ≤ {})", r.w7_max_depth),
        dist(&r.w7),
        "p99 ≤ 0.5 ms",
        Some(r.w7.p99_us <= 500.0),
    );
    row(
        "memory: engine state",
        format!(
            "{} ({:.0} B per item and claim together: {:.0} B/item or {:.0} B/claim)",
            human_bytes(r.engine_bytes),
            r.engine_bytes as f64 / (r.items + r.claims).max(1) as f64,
            r.engine_bytes as f64 / r.items.max(1) as f64,
            r.engine_bytes as f64 / r.claims.max(1) as f64
        ),
        "≤ 0.5 GB",
        Some(r.engine_bytes <= 500_000_000),
    );
    v
}
