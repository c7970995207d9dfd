//! The peers: the same two questions accord answers, asked of SQLite, DuckDB and PostgreSQL as
//! plain (recursive) SQL — what a user without accord would write.
//!
//! Input is a directory of three CSV files with a header line, written by the harness:
//!
//! * `items.csv` — `ix,id`: dense item index and its id;
//! * `edges.csv` — `src,dst`: `src` is at risk when `dst` is blocked (duplicates and cycles
//!   allowed);
//! * `claims.csv` — `ix,item,has_status,negative,start,known,rank,conf,corrects`: days are
//!   integers since 1970-01-01, `conf` is confidence × 10⁶, `corrects` is the claim this one
//!   retracts or supersedes (empty when none). Claim `ix` order is claim id order.
//!
//! Each peer bulk-loads the files (SQLite: prepared inserts in one transaction; DuckDB:
//! `read_csv`; PostgreSQL: `COPY … FROM STDIN`), creates its indexes, gathers statistics, and
//! then runs each question `runs` times (the first, cold-ish run included). Every run's answer
//! is fetched whole into the client and hashed outside the timing ([`hash_pairs`],
//! [`hash_set`]; `scripts/duckdb_peer.py` hashes the same way), and all runs must agree.
//!
//! **What is timed.** Q1 ([`latest_sql`]) is one statement over the raw tables. Q2
//! ([`risk_sql`]) is also one statement over the raw tables: it recomputes Q1's pick inside it
//! to get the blocked set, then walks the edges backwards with a recursive CTE. Nothing is
//! materialised between the two questions, in any peer, so Q2's time always includes deriving
//! the blocked set at (D, K). The SQL text is the same in all three engines.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A database asked the same questions as accord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Peer {
    /// SQLite, in process (rusqlite, bundled), on a file under `work_dir`.
    Sqlite,
    /// DuckDB through its Python package, run as a `python3` subprocess.
    DuckDb,
    /// A running PostgreSQL server, in a fresh schema dropped afterwards.
    Postgres,
}

impl Peer {
    pub const ALL: [Peer; 3] = [Peer::Sqlite, Peer::DuckDb, Peer::Postgres];

    pub fn name(self) -> &'static str {
        match self {
            Peer::Sqlite => "sqlite",
            Peer::DuckDb => "duckdb",
            Peer::Postgres => "postgres",
        }
    }

    pub fn parse(s: &str) -> Option<Peer> {
        match s {
            "sqlite" => Some(Peer::Sqlite),
            "duckdb" => Some(Peer::DuckDb),
            "postgres" | "postgresql" | "pg" => Some(Peer::Postgres),
            _ => None,
        }
    }
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How to reach and run the peers.
#[derive(Debug, Clone)]
pub struct PeerOptions {
    /// How many times each question is run after loading (at least one is always run).
    pub runs: usize,
    /// A libpq-style connection string or URL, e.g. `host=127.0.0.1 user=postgres dbname=test`.
    pub pg_url: String,
    /// The Python interpreter that has the `duckdb` package.
    pub python: String,
    /// Path of `scripts/duckdb_peer.py`.
    pub script: PathBuf,
    /// Where the SQLite and DuckDB database files go (removed afterwards).
    pub work_dir: PathBuf,
}

impl PeerOptions {
    /// Three runs, the local PostgreSQL of the issue, `python3`, this crate's script.
    pub fn new(work_dir: PathBuf) -> PeerOptions {
        PeerOptions {
            runs: 3,
            pg_url: DEFAULT_PG_URL.to_string(),
            python: "python3".to_string(),
            script: default_script(),
            work_dir,
        }
    }
}

/// The PostgreSQL the machine runs (trust authentication).
pub const DEFAULT_PG_URL: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

/// `scripts/duckdb_peer.py` in this crate's source tree.
pub fn default_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join("duckdb_peer.py")
}

/// One peer's timings and answers.
#[derive(Debug, Clone)]
pub struct PeerResult {
    pub peer: &'static str,
    /// Creating the tables, bulk-loading the three files, building indexes, gathering
    /// statistics.
    pub load: Duration,
    /// Q1, one per run.
    pub latest: Vec<Duration>,
    /// Q2 (including Q1's pick, see the module doc), one per run.
    pub risk: Vec<Duration>,
    pub latest_rows: usize,
    pub risk_rows: usize,
    pub latest_hash: String,
    pub risk_hash: String,
    /// E.g. `SQLite 3.46.0`, `DuckDB v1.1.3`, `PostgreSQL 15.20`.
    pub version: String,
}

/// Q1, "the latest claim about each item as of (D, K)": rows `(item, claim)`.
///
/// A claim is eligible when it asserts a status, started on or before D, was known on or before
/// K, and has not been withdrawn: no claim known on or before K retracts or supersedes it
/// (whatever that correction's own valid date). One level of corrections is exact because
/// corrections are never themselves corrected in generated worlds. The pick is the greatest
/// `(start, known, rank, conf)`, ties going to the smallest claim ix.
pub fn latest_sql(d: i32, k: i32) -> String {
    format!(
        "SELECT item, ix FROM ({}) AS ranked WHERE rn = 1",
        ranked_sql(d, k)
    )
}

/// Q2, "which items are at risk at (D, K)": rows `item`.
///
/// Blocked items are those whose Q1 pick is negative; an item is at risk when a path of one or
/// more edges leads from it to a blocked item (so a blocked item that depends on a blocked item
/// is at risk too). Reverse reachability as a recursive CTE; `UNION` (not `UNION ALL`) gives set
/// semantics, so cycles terminate and duplicate edges are harmless.
pub fn risk_sql(d: i32, k: i32) -> String {
    format!(
        "WITH RECURSIVE \
         ranked AS ({}), \
         blocked AS (SELECT item FROM ranked WHERE rn = 1 AND negative = 1), \
         at_risk(item) AS ( \
           SELECT e.src FROM edges AS e JOIN blocked AS b ON e.dst = b.item \
           UNION \
           SELECT e.src FROM edges AS e JOIN at_risk AS a ON e.dst = a.item \
         ) \
         SELECT item FROM at_risk",
        ranked_sql(d, k)
    )
}

/// The eligible claims at (D, K), numbered per item from the best one down. D and K are
/// inlined as integer literals (no injection possible), so every engine plans with the values.
fn ranked_sql(d: i32, k: i32) -> String {
    format!(
        "SELECT c.item, c.ix, c.negative, \
           row_number() OVER (PARTITION BY c.item \
             ORDER BY c.start DESC, c.known DESC, c.rank DESC, c.conf DESC, c.ix ASC) AS rn \
         FROM claims AS c \
         WHERE c.has_status = 1 AND c.start <= {d} AND c.known <= {k} \
           AND NOT EXISTS (SELECT 1 FROM claims AS r WHERE r.corrects = c.ix AND r.known <= {k})"
    )
}

/// SHA-256 (lowercase hex) of one `"{item},{claim}\n"` line per row, rows sorted ascending
/// (in place).
pub fn hash_pairs(rows: &mut [(u32, u32)]) -> String {
    rows.sort_unstable();
    let mut h = Sha256::new();
    let mut line = String::new();
    for (a, b) in rows.iter() {
        line.clear();
        line.push_str(&a.to_string());
        line.push(',');
        line.push_str(&b.to_string());
        line.push('\n');
        h.update(line.as_bytes());
    }
    hex(&h.finalize())
}

/// SHA-256 (lowercase hex) of one `"{item}\n"` line per row, rows sorted ascending (in place).
pub fn hash_set(rows: &mut [u32]) -> String {
    rows.sort_unstable();
    let mut h = Sha256::new();
    let mut line = String::new();
    for a in rows.iter() {
        line.clear();
        line.push_str(&a.to_string());
        line.push('\n');
        h.update(line.as_bytes());
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Whether `peer` can run here: its version, or why not and what to do about it.
pub fn available(peer: Peer, opt: &PeerOptions) -> Result<String, String> {
    match peer {
        Peer::Sqlite => Ok(format!("SQLite {}", rusqlite::version())),
        Peer::Postgres => {
            let mut client = pg_connect(&opt.pg_url)?;
            pg_version(&mut client)
        }
        Peer::DuckDb => duckdb_version(opt),
    }
}

/// Loads the world in `dir` into `peer` and asks both questions at valid day `d`, knowledge
/// day `k`, `opt.runs` times each.
pub fn run_peer(
    peer: Peer,
    dir: &Path,
    d: i32,
    k: i32,
    opt: &PeerOptions,
) -> Result<PeerResult, String> {
    for f in ["items.csv", "edges.csv", "claims.csv"] {
        let p = dir.join(f);
        if !p.is_file() {
            return Err(format!("{}: no such file", p.display()));
        }
    }
    let runs = opt.runs.max(1);
    match peer {
        Peer::Sqlite => sqlite::run(dir, d, k, runs, opt),
        Peer::Postgres => postgres_peer::run(dir, d, k, runs, opt),
        Peer::DuckDb => duckdb::run(dir, d, k, runs, opt),
    }
}

/// A name unique to this process and call, for database files and schemas.
fn unique_name() -> String {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    format!("accord_bench_{}_{n}", std::process::id())
}

/// Hashes of successive runs of one question; all runs must agree.
#[derive(Default)]
struct Answers {
    first: Option<(usize, String)>,
}

impl Answers {
    fn add(&mut self, what: &str, rows: usize, hash: String) -> Result<(), String> {
        match &self.first {
            None => {
                self.first = Some((rows, hash));
                Ok(())
            }
            Some((r, h)) if *r == rows && *h == hash => Ok(()),
            Some((r, h)) => Err(format!(
                "{what}: runs disagree ({r} rows, {h} then {rows} rows, {hash})"
            )),
        }
    }

    fn get(self) -> (usize, String) {
        self.first.unwrap_or_default()
    }
}

fn pg_connect(url: &str) -> Result<postgres::Client, String> {
    postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
        format!(
            "PostgreSQL is not reachable at `{url}`: {e}. Start it, or pass another connection \
             string (e.g. `host=127.0.0.1 user=postgres dbname=test`)."
        )
    })
}

fn pg_version(client: &mut postgres::Client) -> Result<String, String> {
    let row = client
        .query_one("SHOW server_version", &[])
        .map_err(|e| format!("PostgreSQL: SHOW server_version: {e}"))?;
    let v: String = row
        .try_get(0)
        .map_err(|e| format!("PostgreSQL: server_version: {e}"))?;
    Ok(format!("PostgreSQL {v}"))
}

/// The output of `duckdb_peer.py`.
#[derive(Debug, Deserialize)]
struct DuckOut {
    version: String,
    load_ms: f64,
    latest_ms: Vec<f64>,
    risk_ms: Vec<f64>,
    latest_rows: usize,
    risk_rows: usize,
    latest_hash: String,
    risk_hash: String,
}

fn duckdb_version(opt: &PeerOptions) -> Result<String, String> {
    script_exists(opt)?;
    let out = Command::new(&opt.python)
        .arg(&opt.script)
        .arg("--version")
        .output()
        .map_err(|e| {
            format!(
                "cannot run `{}` (for DuckDB): {e}. Install Python 3, then `pip install duckdb`.",
                opt.python
            )
        })?;
    if !out.status.success() {
        return Err(duck_failure(opt, &out));
    }
    Ok(format!(
        "DuckDB {}",
        String::from_utf8_lossy(&out.stdout).trim()
    ))
}

fn script_exists(opt: &PeerOptions) -> Result<(), String> {
    if opt.script.is_file() {
        Ok(())
    } else {
        Err(format!(
            "the DuckDB peer script {} does not exist (it is crates/accord-bench/scripts/duckdb_peer.py)",
            opt.script.display()
        ))
    }
}

fn duck_failure(opt: &PeerOptions, out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stderr = stderr.trim();
    // Python itself also exits with 2 (a script it cannot open, bad usage), so the script's own
    // message is what tells a missing module apart.
    if out.status.code() == Some(2) && stderr.contains("duckdb Python module is missing") {
        format!(
            "DuckDB is not available to `{}`: {stderr} (run `{} -m pip install duckdb`)",
            opt.python, opt.python
        )
    } else {
        format!(
            "`{} {}` failed ({}): {stderr}",
            opt.python,
            opt.script.display(),
            out.status
        )
    }
}

mod duckdb {
    use super::*;

    pub(super) fn run(
        dir: &Path,
        d: i32,
        k: i32,
        runs: usize,
        opt: &PeerOptions,
    ) -> Result<PeerResult, String> {
        script_exists(opt)?;
        let db = opt.work_dir.join(format!("{}.duckdb", unique_name()));
        let _cleanup = RemoveOnDrop(vec![db.clone(), db.with_extension("duckdb.wal")]);
        let out = Command::new(&opt.python)
            .arg(&opt.script)
            .arg(dir)
            .arg(d.to_string())
            .arg(k.to_string())
            .arg(runs.to_string())
            .arg(&db)
            .output()
            .map_err(|e| format!("cannot run `{}` (for DuckDB): {e}", opt.python))?;
        if !out.status.success() {
            return Err(duck_failure(opt, &out));
        }
        let o: DuckOut = serde_json::from_slice(&out.stdout).map_err(|e| {
            format!(
                "DuckDB script printed no valid JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })?;
        let ms = |v: f64| Duration::from_secs_f64((v / 1000.0).max(0.0));
        Ok(PeerResult {
            peer: Peer::DuckDb.name(),
            load: ms(o.load_ms),
            latest: o.latest_ms.into_iter().map(ms).collect(),
            risk: o.risk_ms.into_iter().map(ms).collect(),
            latest_rows: o.latest_rows,
            risk_rows: o.risk_rows,
            latest_hash: o.latest_hash,
            risk_hash: o.risk_hash,
            version: format!("DuckDB {}", o.version),
        })
    }
}

/// Removes files when dropped (the benchmark's database copies), ignoring errors.
struct RemoveOnDrop(Vec<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

/// A minimal reader for the harness's CSV files: a header line checked against the expected
/// one, then comma-separated fields. Only `items.csv`'s last field (the id) may be quoted.
struct Csv {
    path: PathBuf,
    reader: BufReader<File>,
    line: String,
    lineno: usize,
}

impl Csv {
    fn open(path: PathBuf, header: &str) -> Result<Csv, String> {
        let f = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut csv = Csv {
            path,
            reader: BufReader::with_capacity(1 << 20, f),
            line: String::new(),
            lineno: 0,
        };
        if !csv.advance()? {
            return Err(format!(
                "{}: empty file, expected a header",
                csv.path.display()
            ));
        }
        if csv.line() != header {
            return Err(format!(
                "{}: header is `{}`, expected `{header}`",
                csv.path.display(),
                csv.line()
            ));
        }
        Ok(csv)
    }

    /// Moves to the next line; `false` at the end of the file.
    fn advance(&mut self) -> Result<bool, String> {
        self.line.clear();
        let n = self
            .reader
            .read_line(&mut self.line)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        if n == 0 {
            return Ok(false);
        }
        self.lineno += 1;
        Ok(true)
    }

    /// The current line without its line ending.
    fn line(&self) -> &str {
        self.line.trim_end_matches(['\n', '\r'])
    }

    fn err(&self, what: &str) -> String {
        format!("{}:{}: {what}", self.path.display(), self.lineno)
    }
}

fn num<T: std::str::FromStr>(csv: &Csv, field: Option<&str>, name: &str) -> Result<T, String> {
    let f = field.ok_or_else(|| csv.err(&format!("missing field `{name}`")))?;
    f.parse()
        .map_err(|_| csv.err(&format!("`{name}` is `{f}`, not a number in range")))
}

/// Unquotes an RFC 4180 field (`"a ""b"", c"` → `a "b", c`); unquoted fields are kept as they are.
fn unquote(f: &str) -> Option<String> {
    match f.strip_prefix('"') {
        None => Some(f.to_string()),
        Some(rest) => {
            let inner = rest.strip_suffix('"')?;
            Some(inner.replace("\"\"", "\""))
        }
    }
}

mod sqlite {
    use super::*;
    use rusqlite::{Connection, params};

    fn e(what: &str) -> impl Fn(rusqlite::Error) -> String + '_ {
        move |err| format!("SQLite: {what}: {err}")
    }

    pub(super) fn run(
        dir: &Path,
        d: i32,
        k: i32,
        runs: usize,
        opt: &PeerOptions,
    ) -> Result<PeerResult, String> {
        let path = opt.work_dir.join(format!("{}.sqlite", unique_name()));
        // Declared before the connection, so the file is removed after the connection closes.
        let _cleanup = RemoveOnDrop(vec![path.clone()]);
        let _ = fs::remove_file(&path);

        let t = Instant::now();
        let mut conn = Connection::open(&path).map_err(e("open"))?;
        load(&mut conn, dir)?;
        let load = t.elapsed();

        let q1 = latest_sql(d, k);
        let q2 = risk_sql(d, k);
        let (mut latest, mut risk) = (Vec::new(), Vec::new());
        let (mut a1, mut a2) = (Answers::default(), Answers::default());
        for _ in 0..runs {
            let t = Instant::now();
            let mut stmt = conn.prepare(&q1).map_err(e("Q1"))?;
            let mut rows = stmt
                .query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?)))
                .map_err(e("Q1"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(e("Q1"))?;
            latest.push(t.elapsed());
            a1.add("SQLite Q1", rows.len(), hash_pairs(&mut rows))?;

            let t = Instant::now();
            let mut stmt = conn.prepare(&q2).map_err(e("Q2"))?;
            let mut rows = stmt
                .query_map([], |r| r.get::<_, u32>(0))
                .map_err(e("Q2"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(e("Q2"))?;
            risk.push(t.elapsed());
            a2.add("SQLite Q2", rows.len(), hash_set(&mut rows))?;
        }
        let (latest_rows, latest_hash) = a1.get();
        let (risk_rows, risk_hash) = a2.get();
        Ok(PeerResult {
            peer: Peer::Sqlite.name(),
            load,
            latest,
            risk,
            latest_rows,
            risk_rows,
            latest_hash,
            risk_hash,
            version: format!("SQLite {}", rusqlite::version()),
        })
    }

    /// A benchmark copy: no journal, no syncing; a generous page cache; indexes after the
    /// data; `ANALYZE` at the end.
    fn load(conn: &mut Connection, dir: &Path) -> Result<(), String> {
        conn.execute_batch(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA cache_size = -524288;
             PRAGMA temp_store = MEMORY;
             CREATE TABLE items (ix INTEGER PRIMARY KEY, id TEXT NOT NULL);
             CREATE TABLE edges (src INTEGER NOT NULL, dst INTEGER NOT NULL);
             CREATE TABLE claims (
               ix INTEGER PRIMARY KEY, item INTEGER NOT NULL,
               has_status INTEGER NOT NULL, negative INTEGER NOT NULL,
               start INTEGER NOT NULL, known INTEGER NOT NULL,
               rank INTEGER NOT NULL, conf INTEGER NOT NULL, corrects INTEGER);",
        )
        .map_err(e("create tables"))?;
        let tx = conn.transaction().map_err(e("begin"))?;
        {
            let mut csv = Csv::open(dir.join("items.csv"), "ix,id")?;
            let mut ins = tx
                .prepare("INSERT INTO items (ix, id) VALUES (?1, ?2)")
                .map_err(e("items"))?;
            while csv.advance()? {
                let (ix, id) = csv
                    .line()
                    .split_once(',')
                    .ok_or_else(|| csv.err("expected `ix,id`"))?;
                let ix: u32 = num(&csv, Some(ix), "ix")?;
                let id = unquote(id).ok_or_else(|| csv.err("badly quoted id"))?;
                ins.execute(params![ix, id]).map_err(e("items"))?;
            }
        }
        {
            let mut csv = Csv::open(dir.join("edges.csv"), "src,dst")?;
            let mut ins = tx
                .prepare("INSERT INTO edges (src, dst) VALUES (?1, ?2)")
                .map_err(e("edges"))?;
            while csv.advance()? {
                let mut f = csv.line().split(',');
                let src: u32 = num(&csv, f.next(), "src")?;
                let dst: u32 = num(&csv, f.next(), "dst")?;
                ins.execute(params![src, dst]).map_err(e("edges"))?;
            }
        }
        {
            const COLS: [&str; 8] = [
                "ix",
                "item",
                "has_status",
                "negative",
                "start",
                "known",
                "rank",
                "conf",
            ];
            let mut csv = Csv::open(
                dir.join("claims.csv"),
                "ix,item,has_status,negative,start,known,rank,conf,corrects",
            )?;
            let mut ins = tx
                .prepare("INSERT INTO claims VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                .map_err(e("claims"))?;
            let mut v = [0i64; 8];
            while csv.advance()? {
                let mut f = csv.line().split(',');
                for (slot, name) in v.iter_mut().zip(COLS) {
                    *slot = num(&csv, f.next(), name)?;
                }
                let corrects: Option<u32> = match f.next() {
                    None => return Err(csv.err("missing field `corrects`")),
                    Some("") => None,
                    Some(c) => Some(num(&csv, Some(c), "corrects")?),
                };
                if f.next().is_some() {
                    return Err(csv.err("more than 9 fields"));
                }
                ins.execute(params![
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], corrects
                ])
                .map_err(e("claims"))?;
            }
        }
        tx.commit().map_err(e("commit"))?;
        conn.execute_batch(INDEXES).map_err(e("indexes"))?;
        Ok(())
    }

    /// Reverse edges for the recursive step; corrections by target (a partial index: only
    /// 2 % of claims correct another) for `NOT EXISTS`; and a covering index in the pick's
    /// order, so the window needs no sort and no table lookups (measured: 0.6 s instead of
    /// 1.8 s for Q1 with the same index not covering, 2.4 s with no index, on 10⁶ claims).
    pub(super) const INDEXES: &str = "
        CREATE INDEX edges_dst ON edges (dst, src);
        CREATE INDEX claims_corrects ON claims (corrects, known) WHERE corrects IS NOT NULL;
        CREATE INDEX claims_pick ON claims
          (item, start DESC, known DESC, rank DESC, conf DESC, ix, has_status, negative);
        ANALYZE;";
}

mod postgres_peer {
    use super::*;
    use postgres::Client;

    pub(super) fn run(
        dir: &Path,
        d: i32,
        k: i32,
        runs: usize,
        opt: &PeerOptions,
    ) -> Result<PeerResult, String> {
        let mut client = pg_connect(&opt.pg_url)?;
        let version = pg_version(&mut client)?;
        let schema = unique_name();
        // The schema is dropped whatever happened in between, when the connection still works.
        let result = in_schema(&mut client, &schema, dir, d, k, runs, version);
        let dropped = client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .map_err(|e| format!("PostgreSQL: dropping schema {schema}: {e}"));
        let r = result?;
        dropped?;
        Ok(r)
    }

    fn e(what: &str) -> impl Fn(postgres::Error) -> String + '_ {
        move |err| format!("PostgreSQL: {what}: {err}")
    }

    fn in_schema(
        client: &mut Client,
        schema: &str,
        dir: &Path,
        d: i32,
        k: i32,
        runs: usize,
        version: String,
    ) -> Result<PeerResult, String> {
        let t = Instant::now();
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE;
                 CREATE SCHEMA {schema};
                 SET search_path TO {schema};
                 SET work_mem = '256MB';
                 SET maintenance_work_mem = '1GB';
                 CREATE UNLOGGED TABLE items (ix integer NOT NULL, id text NOT NULL);
                 CREATE UNLOGGED TABLE edges (src integer NOT NULL, dst integer NOT NULL);
                 CREATE UNLOGGED TABLE claims (
                   ix integer NOT NULL, item integer NOT NULL,
                   has_status smallint NOT NULL, negative smallint NOT NULL,
                   start integer NOT NULL, known integer NOT NULL,
                   rank smallint NOT NULL, conf integer NOT NULL, corrects integer);"
            ))
            .map_err(e("create schema"))?;
        copy(client, dir, "items", "ix, id")?;
        copy(client, dir, "edges", "src, dst")?;
        copy(
            client,
            dir,
            "claims",
            "ix, item, has_status, negative, start, known, rank, conf, corrects",
        )?;
        client.batch_execute(INDEXES).map_err(e("indexes"))?;
        // VACUUM (one statement per call: it cannot run in a multi-statement string) sets the
        // visibility map, without which index-only scans fetch every heap tuple anyway.
        for table in ["items", "edges", "claims"] {
            client
                .batch_execute(&format!("VACUUM ANALYZE {table}"))
                .map_err(e("VACUUM ANALYZE"))?;
        }
        let load = t.elapsed();

        let q1 = latest_sql(d, k);
        let q2 = risk_sql(d, k);
        let (mut latest, mut risk) = (Vec::new(), Vec::new());
        let (mut a1, mut a2) = (Answers::default(), Answers::default());
        for _ in 0..runs {
            let t = Instant::now();
            let rows = client.query(&q1, &[]).map_err(e("Q1"))?;
            let mut pairs = Vec::with_capacity(rows.len());
            for r in &rows {
                let item: i32 = r.try_get(0).map_err(e("Q1 item"))?;
                let claim: i32 = r.try_get(1).map_err(e("Q1 claim"))?;
                pairs.push((item as u32, claim as u32));
            }
            latest.push(t.elapsed());
            drop(rows);
            a1.add("PostgreSQL Q1", pairs.len(), hash_pairs(&mut pairs))?;

            let t = Instant::now();
            let rows = client.query(&q2, &[]).map_err(e("Q2"))?;
            let mut items = Vec::with_capacity(rows.len());
            for r in &rows {
                let item: i32 = r.try_get(0).map_err(e("Q2 item"))?;
                items.push(item as u32);
            }
            risk.push(t.elapsed());
            drop(rows);
            a2.add("PostgreSQL Q2", items.len(), hash_set(&mut items))?;
        }
        let (latest_rows, latest_hash) = a1.get();
        let (risk_rows, risk_hash) = a2.get();
        Ok(PeerResult {
            peer: Peer::Postgres.name(),
            load,
            latest,
            risk,
            latest_rows,
            risk_rows,
            latest_hash,
            risk_hash,
            version,
        })
    }

    fn copy(client: &mut Client, dir: &Path, table: &str, cols: &str) -> Result<(), String> {
        let path = dir.join(format!("{table}.csv"));
        let mut file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = client
            .copy_in(&format!(
                "COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, HEADER true)"
            ))
            .map_err(e("COPY"))?;
        io::copy(&mut file, &mut w).map_err(|err| format!("PostgreSQL: COPY {table}: {err}"))?;
        w.finish()
            .map_err(|err| format!("PostgreSQL: COPY {table}: {err}"))?;
        Ok(())
    }

    /// The same indexes as SQLite's (the pick index covering through `INCLUDE`); the planner
    /// is free to prefer a hash anti-join and a sort, and on generated worlds it does.
    pub(super) const INDEXES: &str = "
        ALTER TABLE items ADD PRIMARY KEY (ix);
        ALTER TABLE claims ADD PRIMARY KEY (ix);
        CREATE INDEX edges_dst ON edges (dst, src);
        CREATE INDEX claims_corrects ON claims (corrects, known) WHERE corrects IS NOT NULL;
        CREATE INDEX claims_pick ON claims (item, start DESC, known DESC, rank DESC, conf DESC, ix)
          INCLUDE (has_status, negative);";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (item, has_status, negative, start, known, rank, conf, corrects)
    type Claim = (u32, u8, u8, i32, i32, u8, u32, Option<u32>);
    /// (D, K, Q1 rows, Q2 rows)
    type Expected = (i32, i32, Vec<(u32, u32)>, Vec<u32>);

    /// The hand-made world: twelve items, a cycle, a cycle of blocked items, duplicate edges, a
    /// retraction, a supersession whose own start is after D, a correction known after K, ties
    /// broken by known, rank, conf and ix, a claim known after K and one starting after D.
    fn write_world(dir: &Path) {
        // Item 1's id needs quoting, to exercise every loader's CSV parsing.
        let mut items = String::from("ix,id\n");
        for i in 0..12 {
            if i == 1 {
                items.push_str("1,\"deal, \"\"quoted\"\"\"\n");
            } else {
                items.push_str(&format!("{i},item-{i}\n"));
            }
        }
        // src depends on dst. 1→3→4→1 is a cycle reaching blocked 0 through 4 (4→0 twice);
        // 0⇄8 is a cycle of two blocked items; 6⇄9 a cycle that reaches nothing blocked at
        // K = 200.
        let edges = [
            (1, 3),
            (3, 4),
            (4, 1),
            (4, 0),
            (4, 0),
            (2, 5),
            (10, 7),
            (0, 8),
            (8, 0),
            (11, 2),
            (6, 9),
            (9, 6),
        ];
        let mut e = String::from("src,dst\n");
        for (a, b) in edges {
            e.push_str(&format!("{a},{b}\n"));
        }
        let claims: [Claim; 25] = [
            // item 0: the later start wins → c1, negative.
            (0, 1, 0, 50, 60, 1, 500_000, None),
            (0, 1, 1, 80, 90, 1, 500_000, None),
            // item 1: same start and known, the higher rank wins → c3.
            (1, 1, 1, 70, 75, 2, 100, None),
            (1, 1, 0, 70, 75, 3, 100, None),
            // item 2: same start, known, rank; the higher conf wins → c4, negative.
            (2, 1, 1, 60, 61, 2, 900_000, None),
            (2, 1, 0, 60, 61, 2, 800_000, None),
            // item 3: a full tie; the smaller ix wins → c6.
            (3, 1, 0, 40, 41, 1, 5, None),
            (3, 1, 1, 40, 41, 1, 5, None),
            // item 4: c9 is known after K = 200 → c8.
            (4, 1, 0, 30, 35, 1, 1, None),
            (4, 1, 1, 90, 250, 1, 1, None),
            // item 5: c11 starts after D → c10, negative.
            (5, 1, 1, 20, 25, 1, 1, None),
            (5, 1, 0, 150, 160, 1, 1, None),
            // item 6: c13 is retracted by c14 (known 120) → c12 at K = 200, c13 at K = 100.
            (6, 1, 0, 50, 55, 1, 1, None),
            (6, 1, 1, 95, 96, 1, 1, None),
            (6, 0, 0, 95, 120, 1, 1, Some(13)),
            // item 7: c17 retracts c16 but is known only at 300 → c16, negative.
            (7, 1, 0, 10, 10, 1, 1, None),
            (7, 1, 1, 60, 61, 1, 1, None),
            (7, 0, 0, 60, 300, 1, 1, Some(16)),
            // item 8: c20 supersedes c19; c20 itself starts after D, but c19 is withdrawn from
            // K = 150 on → c18 (negative) at K = 200, c19 at K = 100.
            (8, 1, 1, 10, 11, 1, 1, None),
            (8, 1, 0, 70, 71, 1, 1, None),
            (8, 1, 0, 150, 150, 1, 1, Some(19)),
            // item 9: c21 asserts no status; c22 wins.
            (9, 0, 1, 99, 99, 9, 1, None),
            (9, 1, 0, 5, 5, 1, 1, None),
            // item 10: same start; the later known wins over the higher rank → c23.
            (10, 1, 0, 50, 52, 1, 1, None),
            (10, 1, 1, 50, 51, 9, 1, None),
            // item 11: no claims.
        ];
        let mut c = String::from("ix,item,has_status,negative,start,known,rank,conf,corrects\n");
        for (ix, (item, hs, neg, start, known, rank, conf, corrects)) in claims.iter().enumerate() {
            let corr = corrects.map(|x| x.to_string()).unwrap_or_default();
            c.push_str(&format!(
                "{ix},{item},{hs},{neg},{start},{known},{rank},{conf},{corr}\n"
            ));
        }
        fs::write(dir.join("items.csv"), items).unwrap();
        fs::write(dir.join("edges.csv"), e).unwrap();
        fs::write(dir.join("claims.csv"), c).unwrap();
    }

    /// (D, K, Q1 rows, Q2 rows), worked out by hand from the comments in `write_world`.
    fn expected() -> Vec<Expected> {
        vec![
            (
                100,
                200,
                // blocked: 0, 2, 5, 7, 8
                vec![
                    (0, 1),
                    (1, 3),
                    (2, 4),
                    (3, 6),
                    (4, 8),
                    (5, 10),
                    (6, 12),
                    (7, 16),
                    (8, 18),
                    (9, 22),
                    (10, 23),
                ],
                // 4→0, 3→4, 1→3, 2→5, 10→7, 0→8, 8→0, 11→2; not 5 and 7 (blocked, depending
                // on nothing blocked) nor the 6⇄9 cycle.
                vec![0, 1, 2, 3, 4, 8, 10, 11],
            ),
            (
                100,
                100,
                // c14 (retracting c13) and c20 (superseding c19) are not known yet;
                // blocked: 0, 2, 5, 6, 7
                vec![
                    (0, 1),
                    (1, 3),
                    (2, 4),
                    (3, 6),
                    (4, 8),
                    (5, 10),
                    (6, 13),
                    (7, 16),
                    (8, 19),
                    (9, 22),
                    (10, 23),
                ],
                // 8 is no longer blocked but 8→0 puts it at risk, and 0→8 keeps 0 at risk;
                // 9→6 and then 6→9.
                vec![0, 1, 2, 3, 4, 6, 8, 9, 10, 11],
            ),
        ]
    }

    fn check(peer: Peer, opt: &PeerOptions) {
        let dir = tempfile::tempdir().unwrap();
        write_world(dir.path());
        for (d, k, mut q1, mut q2) in expected() {
            let r = run_peer(peer, dir.path(), d, k, opt).unwrap();
            assert_eq!(r.peer, peer.name());
            assert_eq!(r.latest.len(), opt.runs);
            assert_eq!(r.risk.len(), opt.runs);
            assert_eq!(
                (r.latest_rows, r.risk_rows),
                (q1.len(), q2.len()),
                "{peer} at ({d}, {k})"
            );
            assert_eq!(
                r.latest_hash,
                hash_pairs(&mut q1),
                "{peer} Q1 at ({d}, {k})"
            );
            assert_eq!(r.risk_hash, hash_set(&mut q2), "{peer} Q2 at ({d}, {k})");
            assert!(!r.version.is_empty());
        }
        // Nothing left behind in the work dir.
        let left: Vec<_> = fs::read_dir(&opt.work_dir).unwrap().collect();
        assert!(left.is_empty(), "{peer} left {left:?}");
    }

    fn options() -> (tempfile::TempDir, PeerOptions) {
        let work = tempfile::tempdir().unwrap();
        let mut opt = PeerOptions::new(work.path().to_path_buf());
        opt.runs = 2;
        if let Ok(url) = std::env::var("ACCORD_PG_URL") {
            opt.pg_url = url;
        }
        (work, opt)
    }

    /// Runs the check when the peer is available; without it, fails under CI and skips with a
    /// note otherwise.
    fn check_if_available(peer: Peer) {
        let (_work, opt) = options();
        match available(peer, &opt) {
            Ok(v) => {
                eprintln!("{peer}: {v}");
                check(peer, &opt);
            }
            Err(why) if std::env::var_os("CI").is_some() => {
                panic!("{peer} is required in CI: {why}")
            }
            Err(why) => eprintln!("note: skipping the {peer} peer test: {why}"),
        }
    }

    const PAIRS_HASH: &str = "83ffdb04c0304f0fe12b6d9cd059b09f365c7e251153209896699c77f16f155f";
    const SET_HASH: &str = "84fa61ffd2392fe852a5dc8cd5a7cc37bad6b57d7f12de37ecbd042bf75ac746";

    #[test]
    fn hashes_sort_numerically_and_hex_encode() {
        // sha256("") and sha256("2,1\n10,3\n"), sha256("2\n10\n") from hashlib.
        assert_eq!(
            hash_set(&mut []),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(hash_pairs(&mut [(10, 3), (2, 1)]), PAIRS_HASH);
        assert_eq!(hash_set(&mut [10, 2]), SET_HASH);
    }

    #[test]
    fn sqlite_peer_answers_the_hand_made_world() {
        check_if_available(Peer::Sqlite);
    }

    #[test]
    fn postgres_peer_answers_the_hand_made_world() {
        check_if_available(Peer::Postgres);
    }

    #[test]
    fn duckdb_peer_answers_the_hand_made_world() {
        check_if_available(Peer::DuckDb);
    }

    #[test]
    fn missing_files_and_bad_csv_are_errors() {
        let (_work, opt) = options();
        let dir = tempfile::tempdir().unwrap();
        let err = run_peer(Peer::Sqlite, dir.path(), 1, 1, &opt).unwrap_err();
        assert!(err.contains("items.csv: no such file"), "{err}");
        write_world(dir.path());
        fs::write(dir.path().join("edges.csv"), "src,dst\n1,x\n").unwrap();
        let err = run_peer(Peer::Sqlite, dir.path(), 1, 1, &opt).unwrap_err();
        assert!(err.contains("edges.csv:2: `dst` is `x`"), "{err}");
        fs::write(dir.path().join("edges.csv"), "dst,src\n").unwrap();
        let err = run_peer(Peer::Sqlite, dir.path(), 1, 1, &opt).unwrap_err();
        assert!(err.contains("header is `dst,src`"), "{err}");
    }

    #[test]
    fn a_missing_python_says_what_to_do() {
        let (_work, mut opt) = options();
        opt.python = "/nonexistent/python3".to_string();
        let err = available(Peer::DuckDb, &opt).unwrap_err();
        assert!(err.contains("pip install duckdb"), "{err}");
    }
}
