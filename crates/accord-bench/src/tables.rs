//! The flat tables the SQL peers load: written from the engine's own indexes, so accord and
//! the peers answer the same questions about the same data. Format: `docs/performance.md`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use accord_engine::Engine;

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    pub items: usize,
    pub edges: usize,
    pub claims: usize,
    pub bytes: u64,
}

fn io(path: &Path, e: std::io::Error) -> String {
    format!("could not write `{}`: {e}", path.display())
}

/// Writes `items.csv`, `edges.csv` and `claims.csv` into `dir` (created when missing).
pub fn write_tables(engine: &Engine, dir: &Path) -> Result<Written, String> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut w = Written::default();

    let path = dir.join("items.csv");
    let mut f = BufWriter::new(File::create(&path).map_err(|e| io(&path, e))?);
    writeln!(f, "ix,id").map_err(|e| io(&path, e))?;
    for ix in 0..engine.item_count() {
        let id = engine.item_id(ix as u32);
        // Generated and dataset ids never hold commas or quotes; quote anyway if one does.
        if id.contains([',', '"', '\n']) {
            writeln!(f, "{ix},\"{}\"", id.replace('"', "\"\"")).map_err(|e| io(&path, e))?;
        } else {
            writeln!(f, "{ix},{id}").map_err(|e| io(&path, e))?;
        }
        w.items += 1;
    }
    f.flush().map_err(|e| io(&path, e))?;

    let path = dir.join("edges.csv");
    let mut f = BufWriter::new(File::create(&path).map_err(|e| io(&path, e))?);
    writeln!(f, "src,dst").map_err(|e| io(&path, e))?;
    for (a, b) in engine.risk_edges() {
        writeln!(f, "{a},{b}").map_err(|e| io(&path, e))?;
        w.edges += 1;
    }
    f.flush().map_err(|e| io(&path, e))?;

    let path = dir.join("claims.csv");
    let mut f = BufWriter::new(File::create(&path).map_err(|e| io(&path, e))?);
    writeln!(
        f,
        "ix,item,has_status,negative,start,known,rank,conf,corrects"
    )
    .map_err(|e| io(&path, e))?;
    for r in engine.claim_rows() {
        let corrects = r.corrects.map(|c| c.to_string()).unwrap_or_default();
        writeln!(
            f,
            "{},{},{},{},{},{},{},{},{}",
            r.ix,
            r.item,
            u8::from(r.has_status),
            u8::from(r.negative),
            r.start,
            r.known,
            r.rank,
            r.conf_micro,
            corrects
        )
        .map_err(|e| io(&path, e))?;
        w.claims += 1;
    }
    f.flush().map_err(|e| io(&path, e))?;

    for name in ["items.csv", "edges.csv", "claims.csv"] {
        w.bytes += std::fs::metadata(dir.join(name))
            .map(|m| m.len())
            .unwrap_or(0);
    }
    Ok(w)
}
