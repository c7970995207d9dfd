//! The query commands: `status`, `why`, `timeline`, `whatif`, `contested`, `exposure`.
//!
//! Each runs the derivation engine (`accord-engine`) on the bundled dataset or `--dataset DIR`
//! and prints for people, or with `--json` the shapes documented in `docs/json-output.md`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use accord_engine::{BasisView, ClaimView, Engine, ItemReport, Node, Reported, Side, WhatIf};
use accord_lang::Truth;
use accord_model::{Asserts, Claim, Dataset, Decimal, FuzzyDate};
use clap::Args;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::common::{DatasetArgs, fail};

/// The as-of and known-at dates of a query.
#[derive(Args, Debug, Clone)]
pub struct When {
    /// The valid date to derive the state at (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    /// Only use what was known by this date (YYYY-MM-DD); default: the --at date.
    #[arg(long = "known-at", value_name = "DATE")]
    pub known_at: Option<String>,
}

impl When {
    fn dates(&self) -> Result<(Date, Date), String> {
        let at = match &self.at {
            Some(t) => parse_flag_date("--at", t)?,
            None => jiff::Zoned::now().date(),
        };
        let known = match &self.known_at {
            Some(t) => parse_flag_date("--known-at", t)?,
            None => at,
        };
        Ok((at, known))
    }
}

fn parse_flag_date(flag: &str, text: &str) -> Result<Date, String> {
    accord_model::date::parse_day(text).map_err(|e| format!("invalid {flag}: {e}"))
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Item ids (instruments, commitments, tracks, packages, pledges); default: every item.
    pub ids: Vec<String>,
    #[command(flatten)]
    pub when: When,
    #[command(flatten)]
    pub data: DatasetArgs,
    /// Print JSON (see docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct WhyArgs {
    /// The item to explain.
    pub id: String,
    #[command(flatten)]
    pub when: When,
    #[command(flatten)]
    pub data: DatasetArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TimelineArgs {
    /// The item whose changes to list.
    pub id: String,
    #[command(flatten)]
    pub data: DatasetArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct WhatifArgs {
    /// A hypothetical claim: 'ID status=VALUE', 'ID met', 'ID missed' or
    /// 'ID progress=LEVEL by=PARTY', optionally with 'valid=DATE known=DATE'. ID may be
    /// 'commitments(ITEM, by: PARTY)'. Repeat for several.
    #[arg(long = "claim", value_name = "CLAIM")]
    pub claims: Vec<String>,
    /// A file of hypothetical claims: JSON Lines (.jsonl) or TOML with [[claim]] tables.
    #[arg(long = "claims", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub when: When,
    #[command(flatten)]
    pub data: DatasetArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ContestedArgs {
    #[command(flatten)]
    pub when: When,
    #[command(flatten)]
    pub data: DatasetArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExposureArgs {
    /// Only pledges tied to these items; default: every tied pledge.
    pub ids: Vec<String>,
    #[command(flatten)]
    pub when: When,
    #[command(flatten)]
    pub data: DatasetArgs,
    #[arg(long)]
    pub json: bool,
}

fn setup(data: &DatasetArgs) -> Result<(Engine, String, Reviewed), String> {
    let ds = data.load()?;
    let name = ds.meta.name.clone();
    let reviewed = Reviewed::of(&ds, data);
    Ok((Engine::new(&ds), name, reviewed))
}

/// The review proposal a claim was accepted from: the number in its note ("accepted from
/// review proposal N by …", which the store writes on acceptance), else in its id
/// (`review.pN`, the default id of an accepted proposal's claim).
fn proposal_of_claim(c: &Claim) -> Option<i64> {
    const MARK: &str = "accepted from review proposal ";
    let from_note = c.note.as_deref().and_then(|n| {
        let rest = &n[n.find(MARK)? + MARK.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<i64>().ok()
    });
    from_note.or_else(|| {
        c.id.strip_prefix("review.p")
            .filter(|d| !d.is_empty() && d.chars().all(|ch| ch.is_ascii_digit()))
            .and_then(|d| d.parse::<i64>().ok())
    })
}

/// The claims accepted from the review queue, so that the human output can lead from each
/// one back to its evidence (the proposal keeps the article, the quote's offsets and context,
/// the rules): `from review proposal N (accord review show N)`.
struct Reviewed {
    /// Claim id → proposal.
    ids: HashMap<String, i64>,
    /// The claims themselves, for those an explanation does not count.
    claims: Vec<Claim>,
    /// ` --db STORE` when the store was named on the command line (not by `ACCORD_DB`).
    db: String,
}

impl Reviewed {
    fn of(ds: &Dataset, data: &DatasetArgs) -> Reviewed {
        let mut ids = HashMap::new();
        let mut claims = Vec::new();
        for c in &ds.claims {
            if let Some(n) = proposal_of_claim(c) {
                ids.insert(c.id.clone(), n);
                claims.push(c.clone());
            }
        }
        let db = match (&data.dataset, &data.db) {
            (None, Some(db)) if std::env::var("ACCORD_DB").ok().as_ref() != Some(db) => {
                format!(" --db {}", shell_word(&accord_store::redact(db)))
            }
            _ => String::new(),
        };
        Reviewed { ids, claims, db }
    }

    /// `from review proposal N (accord review show N --db …)` for a claim from the queue.
    fn line(&self, claim_id: &str) -> Option<String> {
        let n = self.ids.get(claim_id)?;
        Some(format!(
            "from review proposal {n} (accord review show {n}{})",
            self.db
        ))
    }

    /// The line under a claim printed with `indent`, or nothing.
    fn under(&self, claim_id: &str, indent: &str) -> String {
        self.line(claim_id)
            .map(|l| format!("{indent}{l}\n"))
            .unwrap_or_default()
    }
}

/// A word for the shell: as it is when it needs no quoting, else in single quotes.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:@+=,%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn check_ids(e: &Engine, ids: &[String]) -> Result<(), String> {
    for id in ids {
        e.item_kind(id).map_err(|err| err.to_string())?;
    }
    Ok(())
}

fn print_json<T: Serialize>(v: &T) -> ExitCode {
    match serde_json::to_string_pretty(v) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("could not write JSON: {e}")),
    }
}

fn out(text: String) -> ExitCode {
    print!("{text}");
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------
// Formatting.
// ---------------------------------------------------------------------------

fn op_badge(t: Truth) -> &'static str {
    match t {
        Truth::True => "OPERATIVE",
        Truth::False => "NOT OPERATIVE",
        Truth::Unknown => "INDETERMINATE",
    }
}

fn reported_badge(r: &Reported) -> String {
    match r {
        Reported::None => "no status reported".into(),
        Reported::Status { status } => status.name().to_uppercase(),
        Reported::Contested { sides } => {
            let names: Vec<&str> = sides.iter().map(|s| s.name()).collect();
            format!("CONTESTED ({})", names.join(" | "))
        }
    }
}

fn when_line(d: Date, k: Date) -> String {
    if d == k {
        format!("as of {d}")
    } else {
        format!("as of {d}, as known on {k}")
    }
}

fn asserts_word(a: Asserts) -> &'static str {
    match a {
        Asserts::Status => "status",
        Asserts::Met => "met",
        Asserts::Missed => "missed",
        Asserts::Progress => "progress",
        Asserts::Statement => "statement",
        Asserts::DeclinedToComment => "declined to comment",
        Asserts::NoResponse => "did not respond",
    }
}

/// One line for a claim: what was said, by whom, where and when.
fn claim_line(c: &ClaimView) -> String {
    let said = match (&c.quote, &c.wording, c.asserts) {
        (Some(q), _, _) => format!("“{q}”"),
        (None, Some(w), _) => format!("“{w}”"),
        (None, None, a) => asserts_word(a).into(),
    };
    let mut s = said;
    if let Some(st) = c.status
        && c.wording.as_deref() != Some(st.name())
    {
        let _ = write!(s, " [{st}]");
    }
    if let Some(l) = c.level {
        let _ = write!(s, " [progress {l}");
        if let Some(b) = &c.by {
            let _ = write!(s, " by {b}");
        }
        s.push(']');
    }
    if c.hypothetical {
        let _ = write!(s, " — hypothetical (what-if)");
    } else {
        if let Some(sp) = c
            .speaker
            .as_ref()
            .filter(|sp| Some(*sp) != c.source.outlet.as_ref())
        {
            let _ = write!(s, " — {sp}");
            if let Some(r) = &c.role {
                let _ = write!(s, " ({r})");
            }
        }
        if c.speaker.is_some() && c.speaker == c.source.outlet {
            s.push_str(" —");
        }
        let src = match (&c.source.title, &c.source.outlet) {
            (Some(t), Some(o)) => format!("{o}: “{t}”"),
            (Some(t), None) => format!("“{t}”"),
            (None, _) => c.source.id.clone(),
        };
        let sep = if s.ends_with(" —") { " " } else { "; " };
        let _ = write!(s, "{sep}{src}");
        if let Some(p) = c.source.published {
            let _ = write!(s, ", {p}");
        }
    }
    let _ = write!(s, " · valid {}, known {} [{}]", c.valid, c.known, c.id);
    s
}

/// One line for a stored claim that no explanation shows, like [`claim_line`].
fn raw_claim_line(c: &Claim, ds: &Dataset) -> String {
    let mut s = match (&c.quote, &c.value) {
        (Some(q), Some(v)) => format!("“{q}” [{}: {v}]", asserts_word(c.asserts)),
        (Some(q), None) => format!("“{q}” [{}]", asserts_word(c.asserts)),
        (None, Some(v)) => format!("“{v}”"),
        (None, None) => asserts_word(c.asserts).into(),
    };
    let src = ds.source(&c.source);
    let outlet = src
        .and_then(|x| x.outlet.as_deref())
        .map(|o| ds.name_of(o).unwrap_or(o).to_string());
    if let Some(sp) = &c.speaker {
        let _ = write!(s, " — {}", ds.name_of(sp).unwrap_or(sp));
        if let Some(r) = &c.role {
            let _ = write!(s, " ({r})");
        }
        s.push(';');
    } else {
        s.push_str(" —");
    }
    match src {
        Some(x) => {
            match &outlet {
                Some(o) => {
                    let _ = write!(s, " {o}: “{}”", x.title);
                }
                None => {
                    let _ = write!(s, " “{}”", x.title);
                }
            }
            let _ = write!(s, ", {}", x.published);
        }
        None => {
            let _ = write!(s, " {}", c.source);
        }
    }
    let _ = write!(s, " · valid {}, known {} [{}]", c.valid, c.known, c.id);
    s
}

fn money(amount: &Decimal, currency: &str) -> String {
    let text = amount.normalize().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{currency} {grouped}")
    } else {
        format!("{currency} {grouped}.{frac}")
    }
}

fn basis_line(b: &Option<BasisView>) -> String {
    match b {
        Some(BasisView::Claim { claim }) => claim_line(claim),
        Some(BasisView::Hypothesis { claim }) => claim_line(claim),
        Some(BasisView::Record { field, date }) => {
            format!("the dataset records `{field} = {date}`")
        }
        Some(BasisView::Default) => "no claim about it: open by default".into(),
        None => "no claim or record".into(),
    }
}

fn sides_text(sides: &[Side], indent: &str, s: &mut String, rv: &Reviewed) {
    for side in sides {
        let n = side.claims.len();
        let _ = writeln!(
            s,
            "{indent}{} ({n} claim{})",
            side.status.name().to_uppercase(),
            if n == 1 { "" } else { "s" }
        );
        for c in &side.claims {
            let _ = writeln!(s, "{indent}  • {}", claim_line(c));
            s.push_str(&rv.under(&c.id, &format!("{indent}    ")));
        }
    }
}

fn report_block(r: &ItemReport, s: &mut String, rv: &Reviewed) {
    let _ = writeln!(s, "{} — {} ({})", r.id, r.name, r.kind);
    let _ = writeln!(s, "  {}", op_badge(r.operative));
    for reason in &r.reasons {
        let _ = writeln!(s, "    · {reason}");
    }
    let _ = writeln!(s, "  status: {}", reported_badge(&r.status.reported));
    if r.status.sides.is_empty() {
        let _ = writeln!(s, "    ← {}", basis_line(&r.status.basis));
        if let Some(BasisView::Claim { claim }) = &r.status.basis {
            s.push_str(&rv.under(&claim.id, "      "));
        }
    } else {
        sides_text(&r.status.sides, "    ", s, rv);
    }
    match &r.at_risk {
        Some(risk) => {
            let path: Vec<String> = std::iter::once(r.id.clone())
                .chain(risk.path.iter().map(|p| p.to.clone()))
                .collect();
            let _ = writeln!(
                s,
                "  AT RISK: {} ({}: {})",
                path.join(" → "),
                risk.item,
                risk.trouble
            );
            for step in &risk.path {
                let _ = writeln!(s, "    · {} → {}: {}", step.from, step.to, step.via);
            }
        }
        None => {
            let _ = writeln!(s, "  at risk: no");
        }
    }
}

// ---------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct StatusJson<'a> {
    dataset: &'a str,
    as_of: Date,
    known_at: Date,
    items: Vec<ItemReport>,
}

pub fn status(a: StatusArgs) -> ExitCode {
    let (d, k) = match a.when.dates() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (mut e, name, reviewed) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    if let Err(err) = check_ids(&e, &a.ids) {
        return fail(err);
    }
    let reports: Vec<ItemReport> = if a.ids.is_empty() {
        e.derive_all(d, k).reports()
    } else {
        let mut v = Vec::new();
        for id in &a.ids {
            match e.report(id, d, k) {
                Ok(r) => v.push(r),
                Err(err) => return fail(err),
            }
        }
        v
    };
    if a.json {
        return print_json(&StatusJson {
            dataset: &name,
            as_of: d,
            known_at: k,
            items: reports,
        });
    }
    let mut s = String::new();
    let _ = writeln!(s, "{name}, {}\n", when_line(d, k));
    if a.ids.is_empty() {
        let _ = writeln!(
            s,
            "{:<40} {:<11} {:<14} {:<34} AT RISK VIA",
            "ID", "KIND", "OPERATIVE", "STATUS"
        );
        for r in &reports {
            let risk = r
                .at_risk
                .as_ref()
                .map(|x| {
                    let p: Vec<&str> = x.path.iter().map(|p| p.to.as_str()).collect();
                    format!("{} ({})", p.join(" → "), x.trouble)
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{:<40} {:<11} {:<14} {:<34} {}",
                r.id,
                r.kind.to_string(),
                op_badge(r.operative),
                reported_badge(&r.status.reported),
                risk
            );
        }
        let _ = writeln!(
            s,
            "\n{} items. `accord status ID` for details, `accord why ID` for the full explanation.",
            reports.len()
        );
    } else {
        for r in &reports {
            report_block(r, &mut s, &reviewed);
            let _ = writeln!(
                s,
                "  (full explanation: accord why {} --at {d}{})\n",
                r.id,
                if d == k {
                    String::new()
                } else {
                    format!(" --known-at {k}")
                }
            );
        }
    }
    out(s)
}

fn node_text(n: &Node, depth: usize, s: &mut String, rv: &Reviewed) {
    let indent = "  ".repeat(depth);
    let value = match n.value.as_str() {
        "" => String::new(),
        "true" => " — TRUE".into(),
        "false" => " — FALSE".into(),
        "unknown" => " — UNKNOWN".into(),
        v => format!(" — {v}"),
    };
    let _ = writeln!(s, "{indent}{}{value}", n.text);
    for c in &n.claims {
        let _ = writeln!(s, "{indent}    • {}", claim_line(c));
        s.push_str(&rv.under(&c.id, &format!("{indent}      ")));
    }
    for c in &n.children {
        node_text(c, depth + 1, s, rv);
    }
}

/// The ids of every claim an explanation shows.
fn claim_ids<'a>(n: &'a Node, ids: &mut HashSet<&'a str>) {
    for c in &n.claims {
        ids.insert(&c.id);
    }
    for c in &n.children {
        claim_ids(c, ids);
    }
}

pub fn why(a: WhyArgs) -> ExitCode {
    let (d, k) = match a.when.dates() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (mut e, name, reviewed) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    let w = match e.why(&a.id, d, k) {
        Ok(w) => w,
        Err(err) => return fail(err),
    };
    if a.json {
        return print_json(&w);
    }
    let mut s = String::new();
    let _ = writeln!(s, "{name}, {}\n", when_line(d, k));
    let _ = writeln!(
        s,
        "{} — {}  [{} · {}]",
        w.item.id,
        w.item.name,
        op_badge(w.item.operative),
        reported_badge(&w.item.status.reported)
    );
    for c in &w.tree.children {
        node_text(c, 1, &mut s, &reviewed);
    }
    // Claims about it accepted from the review queue that the explanation does not show (not
    // yet known, not yet valid, or overtaken): still a way back to their evidence.
    let mut shown = HashSet::new();
    claim_ids(&w.tree, &mut shown);
    let hidden: Vec<&Claim> = reviewed
        .claims
        .iter()
        .filter(|c| c.about == a.id && !shown.contains(c.id.as_str()))
        .collect();
    if !hidden.is_empty() {
        let _ = writeln!(s, "  accepted from the review queue, not counted here");
        for c in hidden {
            let _ = writeln!(s, "      • {}", raw_claim_line(c, e.dataset()));
            let why = if c.known > k {
                format!("not yet known on {k} (known {})", c.known)
            } else if c.valid.start > d {
                format!("valid only from {}", c.valid.start)
            } else {
                "another claim counts instead: a better word of the same voice, or it lies outside the window (docs/semantics.md §2)".to_string()
            };
            let _ = writeln!(s, "        {why}");
            s.push_str(&reviewed.under(&c.id, "        "));
        }
    }
    out(s)
}

pub fn timeline(a: TimelineArgs) -> ExitCode {
    let (e, _name, reviewed) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    let t = match e.timeline(&a.id) {
        Ok(t) => t,
        Err(err) => return fail(err),
    };
    if a.json {
        return print_json(&t);
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Timeline of {} — {} (each day judged as known that day)\n",
        t.id, t.name
    );
    if t.entries.is_empty() {
        let _ = writeln!(s, "  nothing recorded");
    }
    for entry in &t.entries {
        if entry.changes.is_empty() {
            let _ = writeln!(
                s,
                "{}  no change: still {} · {}",
                entry.date,
                reported_badge(&entry.state.reported),
                op_badge(entry.state.operative)
            );
        } else {
            for (i, c) in entry.changes.iter().enumerate() {
                let date = if i == 0 {
                    entry.date.to_string()
                } else {
                    " ".repeat(10)
                };
                let _ = writeln!(s, "{date}  {}: {} → {}", c.field, c.before, c.after);
            }
        }
        for cause in &entry.because {
            match cause {
                accord_engine::Cause::Claim { claim } => {
                    let _ = writeln!(s, "            ← {}: {}", claim.about, claim_line(claim));
                    s.push_str(&reviewed.under(&claim.id, "              "));
                }
                accord_engine::Cause::Record { item, field, date } => {
                    let _ = writeln!(
                        s,
                        "            ← the dataset records `{item}.{field} = {date}`"
                    );
                }
            }
        }
    }
    out(s)
}

/// A hypothetical claim in a `--claims` file: the dataset's claim fields, most optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileClaim {
    id: Option<String>,
    about: String,
    asserts: Asserts,
    value: Option<String>,
    by: Option<String>,
    valid: Option<FuzzyDate>,
    known: Option<String>,
    source: Option<String>,
    speaker: Option<String>,
    role: Option<String>,
    side: Option<String>,
    quote: Option<String>,
    confidence: Option<f64>,
    retracts: Option<String>,
    supersedes: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimFile {
    #[serde(default)]
    claim: Vec<FileClaim>,
}

fn read_claims_file(
    path: &PathBuf,
    next: &mut usize,
    d: Date,
    k: Date,
) -> Result<Vec<Claim>, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read --claims `{shown}`: {e}"))?;
    let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
    let raw: Vec<FileClaim> = match ext {
        "jsonl" | "json" => {
            let mut v = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                v.push(
                    serde_json::from_str(line)
                        .map_err(|e| format!("--claims `{shown}` line {}: {e}", i + 1))?,
                );
            }
            v
        }
        "toml" => {
            toml::from_str::<ClaimFile>(&text)
                .map_err(|e| format!("--claims `{shown}`: {e}"))?
                .claim
        }
        _ => {
            return Err(format!(
                "--claims `{shown}`: expected a `.jsonl` (JSON Lines) or `.toml` ([[claim]] tables) file"
            ));
        }
    };
    let mut out = Vec::new();
    for f in raw {
        let known = match &f.known {
            Some(t) => accord_model::date::parse_day(t)
                .map_err(|e| format!("--claims `{shown}`: claim about `{}`: {e}", f.about))?,
            None => k,
        };
        let id = match f.id {
            Some(id) => id,
            None => {
                *next += 1;
                format!("whatif.{next}")
            }
        };
        out.push(Claim {
            id,
            about: f.about,
            asserts: f.asserts,
            value: f.value,
            by: f.by,
            valid: f.valid.unwrap_or(FuzzyDate::day(d)),
            known,
            source: f.source.unwrap_or_else(|| "whatif".into()),
            speaker: f.speaker,
            role: f.role,
            side: f.side,
            channel: accord_model::Channel::Other,
            quote: f.quote,
            confidence: f.confidence.unwrap_or(1.0),
            retracts: f.retracts,
            supersedes: f.supersedes,
            reason: f.reason,
            note: f.note,
        });
    }
    Ok(out)
}

fn whatif_text(name: &str, w: &WhatIf) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{name}, {}\n", when_line(w.as_of, w.known_at));
    let _ = writeln!(s, "What if:");
    for h in &w.hypotheses {
        let what = match (h.asserts, &h.wording) {
            (Asserts::Status, Some(v)) => format!("status = {v}"),
            (Asserts::Progress, Some(v)) => match &h.by {
                Some(b) => format!("progress = {v} by {b}"),
                None => format!("progress = {v}"),
            },
            (a, _) => asserts_word(a).to_string(),
        };
        let _ = writeln!(
            s,
            "  {:<10} {} {what} (valid {}, known {})",
            h.id, h.about, h.valid, h.known
        );
    }
    if w.changes.is_empty() {
        let _ = writeln!(s, "\nNothing changes.");
        return s;
    }
    let _ = writeln!(s, "\nChanges ({} items):", w.changes.len());
    for c in &w.changes {
        let _ = writeln!(s, "\n  {} — {} ({})", c.id, c.name, c.kind);
        for ch in &c.changes {
            let (b, a) = if ch.field == "operative" {
                (
                    op_badge(c.before.operative).to_string(),
                    op_badge(c.after.operative).to_string(),
                )
            } else {
                (ch.before.clone(), ch.after.clone())
            };
            let _ = writeln!(s, "    {}: {b} → {a}", ch.field);
        }
        if !c.reasons.is_empty() {
            let _ = writeln!(s, "    because:");
            for r in &c.reasons {
                let _ = writeln!(s, "      · {r}");
            }
        }
    }
    let _ = writeln!(
        s,
        "\n(The real state is unchanged: these claims are not stored.)"
    );
    s
}

pub fn whatif(a: WhatifArgs) -> ExitCode {
    let (d, k) = match a.when.dates() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    if a.claims.is_empty() && a.file.is_none() {
        return fail(
            "give at least one --claim 'ID status=VALUE' (or 'ID met', 'ID missed', 'ID progress=LEVEL by=PARTY'), or --claims FILE",
        );
    }
    let (mut e, name, _) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    let mut next = 0usize;
    let mut hyps = Vec::new();
    for spec in &a.claims {
        match accord_engine::parse_claim_spec(&e, spec, &mut next, d, k) {
            Ok(v) => hyps.extend(v),
            Err(err) => return fail(format!("--claim: {err}")),
        }
    }
    if let Some(f) = &a.file {
        match read_claims_file(f, &mut next, d, k) {
            Ok(v) => hyps.extend(v),
            Err(err) => return fail(err),
        }
    }
    let w = match e.what_if(hyps, d, k) {
        Ok(w) => w,
        Err(err) => return fail(err),
    };
    if a.json {
        return print_json(&w);
    }
    out(whatif_text(&name, &w))
}

#[derive(Serialize)]
struct ContestedJson<'a> {
    dataset: &'a str,
    as_of: Date,
    known_at: Date,
    items: Vec<accord_engine::ContestedItem>,
}

pub fn contested(a: ContestedArgs) -> ExitCode {
    let (d, k) = match a.when.dates() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (mut e, name, reviewed) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    let items = e.contested(d, k);
    if a.json {
        return print_json(&ContestedJson {
            dataset: &name,
            as_of: d,
            known_at: k,
            items,
        });
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{name}, {}: {} contested item{}\n",
        when_line(d, k),
        items.len(),
        if items.len() == 1 { "" } else { "s" }
    );
    for c in &items {
        let _ = writeln!(
            s,
            "{} — {} ({}): CONTESTED, claims valid from {} to {}",
            c.id, c.name, c.kind, c.window_from, c.window_to
        );
        sides_text(&c.sides, "  ", &mut s, &reviewed);
        let _ = writeln!(s);
    }
    out(s)
}

pub fn exposure(a: ExposureArgs) -> ExitCode {
    let (d, k) = match a.when.dates() {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (mut e, name, _) = match setup(&a.data) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    let ids: Vec<&str> = a.ids.iter().map(String::as_str).collect();
    let x = match e.exposure(&ids, d, k) {
        Ok(x) => x,
        Err(err) => return fail(err),
    };
    if a.json {
        return print_json(&x);
    }
    let mut s = String::new();
    let scope = if x.filter.is_empty() {
        String::new()
    } else {
        format!(", pledges tied to {}", x.filter.join(", "))
    };
    let _ = writeln!(s, "{name}, {}{scope}\n", when_line(d, k));
    let _ = writeln!(s, "EXPOSED PLEDGES ({})", x.exposed.len());
    for p in &x.exposed {
        let amount = match (&p.money, &p.quantity) {
            (Some(m), _) => money(&m.amount, &m.currency),
            (None, Some(q)) => format!("{} {}", q.amount, q.unit),
            _ => "no amount".into(),
        };
        let kind = match p.kind {
            accord_model::PledgeKind::Aggregate => " (aggregate)",
            accord_model::PledgeKind::Single => "",
        };
        let _ = writeln!(s, "\n  {} — {}{kind}: {amount}", p.id, p.name);
        if let (Some(c), Some(m)) = (&p.counted, &p.money)
            && !p.deductions.is_empty()
        {
            for dd in &p.deductions {
                let verb = if dd.applied { "less" } else { "not less" };
                let note = dd
                    .note
                    .as_deref()
                    .map(|n| format!(" — {n}"))
                    .unwrap_or_default();
                if dd.reason == "floor" {
                    let _ = writeln!(s, "      {note}");
                } else {
                    let _ = writeln!(
                        s,
                        "      {verb} {} ({}, {}){note}",
                        money(&dd.amount, &dd.currency),
                        dd.pledge,
                        dd.reason
                    );
                }
            }
            let _ = writeln!(s, "      counts {}", money(c, &m.currency));
        }
        for t in p.ties.iter().filter(|t| t.exposes) {
            let via = t
                .via
                .as_deref()
                .map(|v| format!(" (through {v})"))
                .unwrap_or_default();
            let risk = t
                .at_risk
                .as_ref()
                .map(|r| format!(", AT RISK via {}", r.join(" → ")))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "      tied to {}{via}: {}{risk}",
                t.item,
                op_badge(t.operative)
            );
        }
        if !matches!(p.status, Reported::None) {
            let _ = writeln!(s, "      own status: {}", reported_badge(&p.status));
        }
    }
    let _ = writeln!(s, "\nTOTAL EXPOSED (each amount counted once)");
    for t in &x.totals {
        let _ = writeln!(
            s,
            "  {}   (adding up the pledges without removing overlaps would give {})",
            money(&t.amount, &t.currency),
            money(&t.gross, &t.currency)
        );
    }
    for q in &x.quantities {
        let _ = writeln!(
            s,
            "  {} {} (not money; not added to the totals)",
            q.amount, q.unit
        );
    }
    if !x.not_exposed.is_empty() {
        let _ = writeln!(s, "\nNot exposed: {}", x.not_exposed.join(", "));
    }
    out(s)
}
