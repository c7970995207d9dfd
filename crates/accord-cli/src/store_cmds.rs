//! The store commands: `init`, `import`, `claim add|retract`, `export`, `def show|history|edit`,
//! `verify`. Every write is validated first and is all or nothing; a write is reported
//! ("added …") only after its transaction has committed.
//!
//! Exit codes: 0 done; 1 `verify` found problems; 2 bad usage or input (nothing written);
//! 3 refused because of a concurrent change (a stale `--expect-version`, an id taken).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_model::Claim;
use accord_store::ops::{ClaimWriter, OpError};
use accord_store::{Def, DefKind, Store, StoreError};
use clap::{Args, Subcommand, ValueEnum};

use crate::common::fail;

/// Exit code for a write refused because someone else changed the store first.
pub const CONFLICT: u8 = 3;

/// Which store a command works on.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// The store: a SQLite file, or a PostgreSQL URL (`postgres://user@host/db`).
    #[arg(
        long,
        value_name = "PATH|URL",
        env = "ACCORD_DB",
        default_value = "accord.db"
    )]
    pub db: String,
}

impl StoreArgs {
    fn open(&self) -> Result<Box<dyn Store>, ExitCode> {
        accord_store::open(&self.db).map_err(store_fail)
    }
}

fn store_fail(e: StoreError) -> ExitCode {
    match e {
        StoreError::Conflict(m) => {
            eprintln!("error: {m}");
            ExitCode::from(CONFLICT)
        }
        e => fail(e),
    }
}

fn op_fail(e: OpError) -> ExitCode {
    match e {
        OpError::Store(e) => store_fail(e),
        OpError::Invalid(p) => {
            eprint!("{}", p.rendered);
            fail(format!(
                "{} error(s), {} warning(s); nothing was written",
                p.errors, p.warnings
            ))
        }
        OpError::Input(m) => fail(m),
    }
}

// ---------------------------------------------------------------------------------------------
// init

#[derive(Args, Debug)]
pub struct InitArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Load a bundled dataset into the new store (`us-uk`).
    #[arg(long, value_name = "NAME")]
    pub example: Option<String>,
}

pub fn init(a: InitArgs) -> ExitCode {
    let files = match &a.example {
        Some(name) => match accord_dataset::bundled_files(name) {
            Some(f) => Some(f),
            None => {
                return fail(format!(
                    "there is no bundled dataset `{name}`; the bundled datasets are: {}",
                    accord_dataset::bundled_names().join(", ")
                ));
            }
        },
        None => None,
    };
    let mut store = match accord_store::create(&a.store.db) {
        Ok(s) => s,
        Err(e) => return store_fail(e),
    };
    let loc = store.location();
    if let (Some(files), Some(name)) = (files, &a.example) {
        match accord_store::import_files(store.as_mut(), files, &format!("(bundled {name})")) {
            Ok(o) => {
                println!(
                    "created {} store `{loc}` with the bundled dataset `{name}`: {}",
                    store.backend(),
                    summary(&o)
                );
            }
            Err(e) => {
                drop(store);
                remove_new_sqlite(&a.store.db);
                return op_fail(e);
            }
        }
    } else {
        println!("created an empty {} store `{loc}`", store.backend());
        println!("  load a dataset with `accord import DIR --db {loc}`");
    }
    ExitCode::SUCCESS
}

/// Removes a SQLite store this command has just created and failed to fill.
fn remove_new_sqlite(db: &str) {
    if accord_store::is_postgres_url(db) {
        return;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{suffix}"));
    }
}

fn summary(o: &accord_store::ImportOutcome) -> String {
    let mut parts: Vec<String> = o
        .defs
        .iter()
        .map(|(k, n)| format!("{n} {}", plural(k, *n)))
        .collect();
    parts.push(format!("{} {}", o.claims, plural("claim", o.claims)));
    if o.settings {
        parts.push("dataset settings".into());
    }
    parts.join(", ")
}

fn plural(k: &str, n: usize) -> String {
    if n == 1 {
        k.to_string()
    } else if k == "party" {
        "parties".into()
    } else {
        format!("{k}s")
    }
}

// ---------------------------------------------------------------------------------------------
// import

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ImportFormat {
    /// From the path: a directory is a dataset, `.toml`/`.jsonl` a dataset file, `.json` a
    /// canonical JSON export, `.csv` the WTO RTA list.
    Auto,
    /// A dataset directory, or one `.toml` / `.jsonl` file of it.
    Dataset,
    /// Canonical JSON as written by `accord export --format json`.
    Json,
    /// The WTO Regional Trade Agreements list (`AllRTAs.csv`).
    WtoRta,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// A dataset directory, a `.toml` or `.jsonl` file of definitions or claims, a JSON export,
    /// or (with `--format wto-rta`) the WTO RTA list.
    pub path: PathBuf,
    #[arg(long, value_enum, default_value = "auto")]
    pub format: ImportFormat,
}

pub fn import(a: ImportArgs) -> ExitCode {
    let format = match a.format {
        ImportFormat::Auto => {
            let ext = a.path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if a.path.is_dir() {
                ImportFormat::Dataset
            } else if ext == "json" {
                ImportFormat::Json
            } else if ext == "csv" {
                ImportFormat::WtoRta
            } else {
                ImportFormat::Dataset
            }
        }
        f => f,
    };
    if !a.path.exists() {
        return fail(format!("`{}` does not exist", a.path.display()));
    }
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let label = a.path.display().to_string();
    let result = match format {
        ImportFormat::Dataset | ImportFormat::Auto => {
            let files = if a.path.is_dir() {
                match accord_dataset::read_dir_files(&a.path) {
                    Ok(f) => f,
                    Err(e) => return fail(e),
                }
            } else {
                match std::fs::read_to_string(&a.path) {
                    Ok(text) => {
                        let name = a
                            .path
                            .file_name()
                            .map(|n| n.to_string_lossy().to_string())
                            .unwrap_or_default();
                        if !(name.ends_with(".toml") || name.ends_with(".jsonl")) {
                            return fail(format!(
                                "`{label}` is neither a dataset directory nor a `.toml` or `.jsonl` file; use `--format` to say what it is"
                            ));
                        }
                        vec![accord_dataset::SourceFile { path: name, text }]
                    }
                    Err(e) => return fail(format!("could not read `{label}`: {e}")),
                }
            };
            let label = if a.path.is_dir() {
                label.trim_end_matches('/').to_string()
            } else {
                a.path
                    .parent()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into())
            };
            accord_store::import_files(store.as_mut(), files, &label)
        }
        ImportFormat::Json => {
            let text = match std::fs::read_to_string(&a.path) {
                Ok(t) => t,
                Err(e) => return fail(format!("could not read `{label}`: {e}")),
            };
            let ds: accord_model::Dataset = match serde_json::from_str(&text) {
                Ok(d) => d,
                Err(e) => return fail(format!("`{label}` is not an accord JSON export: {e}")),
            };
            accord_store::import_dataset(store.as_mut(), &ds, &label)
        }
        ImportFormat::WtoRta => return import_wto(store.as_mut(), &a.path),
    };
    match result {
        Ok(o) => {
            if o.warnings > 0 {
                eprint!("{}", o.rendered_warnings);
            }
            if o.total() == 0 && !o.settings {
                println!(
                    "nothing new in `{label}`; the store `{}` is unchanged",
                    store.location()
                );
            } else {
                println!("imported into `{}`: {}", store.location(), summary(&o));
            }
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

fn import_wto(store: &mut dyn Store, path: &Path) -> ExitCode {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return fail(format!("could not read `{}`: {e}", path.display())),
    };
    let tty = std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize| {
        if tty {
            eprint!("\rreading WTO RTA rows: {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    };
    match accord_store::wto::import(store, &text, &path.display().to_string(), &mut progress) {
        Ok(r) => {
            println!(
                "imported {} agreements from `{}` into `{}` ({} new parties, {} status claims); {} already there",
                r.imported,
                path.display(),
                store.location(),
                r.new_parties,
                r.claims,
                r.already
            );
            if r.rejected.is_empty() {
                println!("every row was imported");
            } else {
                println!("{} row(s) not imported:", r.rejected.len());
                for x in &r.rejected {
                    let rta = x
                        .rta_id
                        .as_ref()
                        .map(|id| format!("RTA {id}: "))
                        .unwrap_or_default();
                    println!("  {}:{}: {rta}{}", path.display(), x.line, x.reason);
                }
            }
            if !r.non_country_parties.is_empty() {
                println!(
                    "{} name(s) matched no ISO 3166-1 country and were kept as blocs or organisations: {}",
                    r.non_country_parties.len(),
                    r.non_country_parties.join("; ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

// ---------------------------------------------------------------------------------------------
// claim add / retract

#[derive(Args, Debug)]
pub struct ClaimArgs {
    #[command(subcommand)]
    pub command: ClaimCommand,
}

#[derive(Subcommand, Debug)]
pub enum ClaimCommand {
    /// Append one validated claim (from flags or `--json`), or a stream of them (`--jsonl`).
    Add(Box<ClaimAddArgs>),
    /// Withdraw a claim: appends a new claim that `retracts` it (history is never rewritten).
    Retract(RetractArgs),
}

#[derive(Args, Debug)]
pub struct ClaimAddArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The whole claim as a JSON object (the fields of `[[claim]]` in docs/dataset-format.md).
    #[arg(long, value_name = "JSON", conflicts_with_all = ["jsonl", "about"])]
    pub json: Option<String>,
    /// Append every line of a JSON Lines file (`-` for standard input), each in its own
    /// transaction, printing `added ID (seq N)` as each one commits.
    #[arg(long, value_name = "FILE", conflicts_with = "about")]
    pub jsonl: Option<String>,
    /// The claim's id (default: made from `about`, `known` and a random suffix).
    #[arg(long)]
    pub id: Option<String>,
    /// The item the claim is about.
    #[arg(long, required_unless_present_any = ["json", "jsonl"])]
    pub about: Option<String>,
    /// status, met, missed, progress, statement, declined_to_comment, no_response.
    #[arg(long, required_unless_present_any = ["json", "jsonl"])]
    pub asserts: Option<String>,
    /// The wording used (for `status`), or a progress level.
    #[arg(long)]
    pub value: Option<String>,
    /// For `progress`: whose progress.
    #[arg(long)]
    pub by: Option<String>,
    /// When it held in the world: `2025-12-16`, `2025-12`, `2025-Q4`, `~2025-12-10` …
    #[arg(long, required_unless_present_any = ["json", "jsonl"])]
    pub valid: Option<String>,
    /// The day it became known (default: today).
    #[arg(long)]
    pub known: Option<String>,
    /// The source id.
    #[arg(long, required_unless_present_any = ["json", "jsonl"])]
    pub source: Option<String>,
    #[arg(long)]
    pub speaker: Option<String>,
    /// The speaker's role as the source gives it.
    #[arg(long)]
    pub role: Option<String>,
    /// The party the speaker speaks for.
    #[arg(long)]
    pub side: Option<String>,
    /// statement, briefing, interview, social_post, report, document, other.
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long)]
    pub quote: Option<String>,
    /// From 0 to 1.
    #[arg(long)]
    pub confidence: Option<f64>,
    /// The id of a claim this one replaces.
    #[arg(long)]
    pub supersedes: Option<String>,
    /// Why (for a correction).
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

fn today() -> String {
    jiff::Zoned::now().date().to_string()
}

/// A short random suffix for generated ids.
fn suffix() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let x = (n as u64) ^ (u64::from(std::process::id()) << 32);
    format!("{:06x}", x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40)
}

fn gen_id(about: &str, known: &str) -> String {
    let about: String = about
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("cl_{about}_{}_{}", known.replace('-', ""), suffix())
}

fn claim_from_flags(a: &ClaimAddArgs) -> Result<Claim, String> {
    let mut m = serde_json::Map::new();
    let known = a.known.clone().unwrap_or_else(today);
    let about = a.about.clone().unwrap_or_default();
    let id = a.id.clone().unwrap_or_else(|| gen_id(&about, &known));
    let mut put = |k: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            m.insert(k.to_string(), v);
        }
    };
    let s = |x: &Option<String>| x.clone().map(serde_json::Value::String);
    put("id", Some(id.into()));
    put("about", Some(about.into()));
    put("asserts", s(&a.asserts));
    put("value", s(&a.value));
    put("by", s(&a.by));
    put("valid", s(&a.valid));
    put("known", Some(known.into()));
    put("source", s(&a.source));
    put("speaker", s(&a.speaker));
    put("role", s(&a.role));
    put("side", s(&a.side));
    put("channel", s(&a.channel));
    put("quote", s(&a.quote));
    put("confidence", a.confidence.map(serde_json::Value::from));
    put("supersedes", s(&a.supersedes));
    put("reason", s(&a.reason));
    put("note", s(&a.note));
    serde_json::from_value(serde_json::Value::Object(m))
        .map_err(|e| format!("the claim is not valid: {e}"))
}

pub fn claim(a: ClaimArgs) -> ExitCode {
    match a.command {
        ClaimCommand::Add(a) => claim_add(*a),
        ClaimCommand::Retract(a) => claim_retract(a),
    }
}

fn report_added(applied: &accord_store::Applied) {
    let mut out = std::io::stdout().lock();
    for (id, seq) in &applied.claims {
        let _ = writeln!(out, "added {id} (seq {seq})");
    }
    let _ = out.flush();
}

fn claim_add(a: ClaimAddArgs) -> ExitCode {
    if let Some(src) = &a.jsonl {
        return claim_stream(&a.store, src);
    }
    let claim = match &a.json {
        Some(j) => match serde_json::from_str::<Claim>(j) {
            Ok(c) => c,
            Err(e) => return fail(format!("the claim is not valid: {e}")),
        },
        None => match claim_from_flags(&a) {
            Ok(c) => c,
            Err(e) => return fail(e),
        },
    };
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    match accord_store::add_claims(store.as_mut(), &[claim], "(new claim)") {
        Ok(applied) => {
            report_added(&applied);
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

/// Appends each line as its own claim and transaction. A bad line is reported with its line
/// number and skipped; the exit code says whether any was.
fn claim_stream(store_args: &StoreArgs, src: &str) -> ExitCode {
    let reader: Box<dyn BufRead> = if src == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(src) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => return fail(format!("could not read `{src}`: {e}")),
        }
    };
    let mut store = match store_args.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let mut writer = ClaimWriter::new();
    let mut failed = 0usize;
    for (i, line) in reader.lines().enumerate() {
        let n = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => return fail(format!("could not read `{src}` at line {n}: {e}")),
        };
        if line.trim().is_empty() {
            continue;
        }
        let claim: Claim = match serde_json::from_str(&line) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {src}:{n}: not a claim: {e}");
                failed += 1;
                continue;
            }
        };
        match writer.add(store.as_mut(), &[claim], &format!("{src} line {n}")) {
            Ok(applied) => report_added(&applied),
            Err(e) => {
                eprintln!("error: {src}:{n}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        fail(format!("{failed} line(s) of `{src}` were not added"))
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(Args, Debug)]
pub struct RetractArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The claim to withdraw.
    pub id: String,
    /// Why it is withdrawn.
    #[arg(long)]
    pub reason: String,
    /// The source of the retraction (default: the retracted claim's source).
    #[arg(long)]
    pub source: Option<String>,
    /// The day the retraction became known (default: today).
    #[arg(long)]
    pub known: Option<String>,
    /// The id of the new, retracting claim (default: `ID_retracted`).
    #[arg(long)]
    pub new_id: Option<String>,
}

fn claim_retract(a: RetractArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let target = match store.claim(&a.id) {
        Ok(Some(t)) => t.claim,
        Ok(None) => return fail(format!("there is no claim `{}` in the store", a.id)),
        Err(e) => return store_fail(e),
    };
    let known = a.known.clone().unwrap_or_else(today);
    let known = match accord_model::date::FuzzyDate::parse(&known) {
        Ok(d) if d.precision == accord_model::Precision::Day => d.start,
        _ => {
            return fail(format!(
                "`--known {known}` must be a day, such as 2025-12-16"
            ));
        }
    };
    let mut c = target.clone();
    c.id = a
        .new_id
        .clone()
        .unwrap_or_else(|| format!("{}_retracted", a.id));
    c.known = known;
    c.source = a.source.clone().unwrap_or(target.source.clone());
    c.retracts = Some(a.id.clone());
    c.supersedes = None;
    c.reason = Some(a.reason.clone());
    c.note = None;
    match accord_store::add_claims(store.as_mut(), &[c], "(retraction)") {
        Ok(applied) => {
            for (id, seq) in &applied.claims {
                println!("added {id} (seq {seq}), which retracts {}", a.id);
            }
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

// ---------------------------------------------------------------------------------------------
// export

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// A dataset directory (TOML + JSON Lines) that `accord check` and `accord import` read.
    Dataset,
    /// One canonical JSON file (`--out FILE.json`, or `DIR/accord.json`, or `-` for stdout).
    Json,
    /// One CSV file per table (UTF-8, ISO dates, guarded against formula injection).
    Csv,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value = "dataset")]
    pub format: ExportFormat,
    /// Where to write: a new or empty directory (a `.json` file or `-` for `--format json`).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

pub fn export(a: ExportArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let ds = match accord_store::load_dataset(store.as_mut()) {
        Ok(d) => d,
        Err(e) => return store_fail(e),
    };
    let out = a.out.display().to_string();
    match a.format {
        ExportFormat::Dataset => match accord_store::export::export_dataset(&ds, &a.out) {
            Ok(files) => {
                println!(
                    "exported `{}` to `{out}` as a dataset: {} file(s), {} claim(s)",
                    store.location(),
                    files.len(),
                    ds.claims.len()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        ExportFormat::Json => {
            let text = match accord_store::export::canonical_json(&ds) {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            if out == "-" {
                print!("{text}");
                return ExitCode::SUCCESS;
            }
            let path = if out.ends_with(".json") {
                a.out.clone()
            } else {
                if let Err(e) = accord_store::export::prepare_dir(&a.out) {
                    return fail(e);
                }
                a.out.join("accord.json")
            };
            if path.exists() {
                return fail(format!(
                    "`{}` exists; give a new file name so that nothing is overwritten",
                    path.display()
                ));
            }
            match std::fs::write(&path, text) {
                Ok(()) => {
                    println!(
                        "exported `{}` to `{}` as canonical JSON",
                        store.location(),
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("could not write `{}`: {e}", path.display())),
            }
        }
        ExportFormat::Csv => match accord_store::export::export_csv(&ds, &a.out) {
            Ok(files) => {
                println!("exported `{}` to `{out}` as CSV:", store.location());
                for (f, n) in files {
                    println!("  {f}: {n} row(s)");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// def show / history / edit

#[derive(Args, Debug)]
pub struct DefArgs {
    #[command(subcommand)]
    pub command: DefCommand,
}

#[derive(Subcommand, Debug)]
pub enum DefCommand {
    /// Print a definition's current version and body (JSON).
    Show(DefIdArgs),
    /// Print every earlier version of a definition.
    History(DefIdArgs),
    /// Replace a definition, provided it is still at `--expect-version` (else refused).
    Edit(DefEditArgs),
}

#[derive(Args, Debug)]
pub struct DefIdArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The definition's id (`@dataset` for the dataset settings).
    pub id: String,
}

#[derive(Args, Debug)]
pub struct DefEditArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The definition's id (`@dataset` for the dataset settings).
    pub id: String,
    /// The version your change is based on (from `accord def show`). If the definition has
    /// changed since, the edit is refused and nothing is written.
    #[arg(long, value_name = "N")]
    pub expect_version: i64,
    /// The new definition as a JSON object.
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "file",
        required_unless_present = "file"
    )]
    pub json: Option<String>,
    /// The new definition in a file: JSON, or TOML holding one entry (`[[instrument]]` …).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
}

pub fn def(a: DefArgs) -> ExitCode {
    match a.command {
        DefCommand::Show(a) => def_show(a),
        DefCommand::History(a) => def_history(a),
        DefCommand::Edit(a) => def_edit(a),
    }
}

fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| body.to_string())
}

fn def_show(a: DefIdArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    match store.definition(&a.id) {
        Ok(Some(d)) => {
            println!(
                "{} `{}` version {} (written {})",
                d.kind, d.id, d.version, d.updated_at
            );
            println!("{}", pretty(&d.body));
            ExitCode::SUCCESS
        }
        Ok(None) => fail(format!("there is no definition `{}` in the store", a.id)),
        Err(e) => store_fail(e),
    }
}

fn def_history(a: DefIdArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let cur = match store.definition(&a.id) {
        Ok(Some(d)) => d,
        Ok(None) => return fail(format!("there is no definition `{}` in the store", a.id)),
        Err(e) => return store_fail(e),
    };
    let hist = match store.history(&a.id) {
        Ok(h) => h,
        Err(e) => return store_fail(e),
    };
    for d in hist.iter().chain(std::iter::once(&cur)) {
        let tag = if d.version == cur.version {
            " (current)"
        } else {
            ""
        };
        println!("version {}{tag}, written {}", d.version, d.updated_at);
        println!("  {}", d.body);
    }
    ExitCode::SUCCESS
}

/// Reads a definition of `kind` from JSON or from TOML holding one entry of its table.
fn parse_def(kind: DefKind, text: &str, is_toml: bool) -> Result<Def, String> {
    if !is_toml {
        return Def::from_json(kind, text).map_err(|e| format!("not a valid {kind}: {e}"));
    }
    let table: toml::Table =
        toml::from_str(text).map_err(|e| format!("not valid TOML: {}", e.message()))?;
    let value = if kind == DefKind::Dataset {
        table.get("dataset").cloned()
    } else {
        match table.get(kind.as_str()) {
            Some(toml::Value::Array(a)) if a.len() == 1 => a.first().cloned(),
            Some(toml::Value::Array(a)) => {
                return Err(format!(
                    "the file holds {} `[[{kind}]]` entries; give exactly one",
                    a.len()
                ));
            }
            Some(v) => Some(v.clone()),
            None => None,
        }
    };
    let Some(value) = value else {
        let header = if kind == DefKind::Dataset {
            "[dataset]".to_string()
        } else {
            format!("[[{kind}]]")
        };
        return Err(format!("the file has no `{header}` entry"));
    };
    let json = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    Def::from_json(kind, &json).map_err(|e| format!("not a valid {kind}: {e}"))
}

fn def_edit(a: DefEditArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let cur = match store.definition(&a.id) {
        Ok(Some(d)) => d,
        Ok(None) => {
            return fail(format!(
                "there is no definition `{}` in the store; add new definitions with `accord import FILE`",
                a.id
            ));
        }
        Err(e) => return store_fail(e),
    };
    let (text, is_toml) = match (&a.json, &a.file) {
        (Some(j), _) => (j.clone(), false),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(t) => (t, f.extension().and_then(|e| e.to_str()) == Some("toml")),
            Err(e) => return fail(format!("could not read `{}`: {e}", f.display())),
        },
        (None, None) => return fail("give the new definition with `--json` or `--file`"),
    };
    let new = match parse_def(cur.kind, &text, is_toml) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match accord_store::edit_definition(store.as_mut(), &a.id, new, a.expect_version) {
        Ok(o) if !o.changed => {
            println!("`{}` is unchanged (version {})", o.id, o.old_version);
            ExitCode::SUCCESS
        }
        Ok(o) => {
            println!(
                "edited {} `{}`: version {} -> {}",
                o.kind, o.id, o.old_version, o.new_version
            );
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

// ---------------------------------------------------------------------------------------------
// verify

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Checks a store: the database's integrity check, every row readable, the dataset valid.
pub fn verify(a: VerifyArgs) -> ExitCode {
    let mut store = match a.store.open() {
        Ok(s) => s,
        Err(c) => return c,
    };
    let version = match store.schema_version() {
        Ok(v) => v,
        Err(e) => return store_fail(e),
    };
    let count = store.claim_count().unwrap_or(-1);
    match store.check_integrity() {
        Ok(p) if p.is_empty() => {
            println!(
                "{} store `{}`: ok (schema version {version}, {count} claims)",
                store.backend(),
                store.location()
            );
            ExitCode::SUCCESS
        }
        Ok(p) => {
            for x in &p {
                println!("problem: {x}");
            }
            println!(
                "{} store `{}`: {} problem(s)",
                store.backend(),
                store.location(),
                p.len()
            );
            ExitCode::from(1)
        }
        Err(e) => store_fail(e),
    }
}
