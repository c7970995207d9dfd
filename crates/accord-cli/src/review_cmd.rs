//! `accord review list|show|accept|edit|reject|add`: the review queue of proposed claims.
//!
//! Proposals come from ingestion (`accord-ingest`) or from a JSON Lines file (`review add`);
//! a person accepts one (it becomes a real claim, with its provenance, in one transaction),
//! edits then accepts it, or rejects it with a reason. A proposal is reviewed once.

use std::io::Read;
use std::process::ExitCode;

use accord_store::ops::OpError;
use accord_store::{ArticleRecord, ClaimDraft, NewProposal, ProposalRecord, ProposalStatus, Store};
use clap::{Args, Subcommand};

use crate::common::fail;
use crate::user_cmd::DbArg;

#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub command: ReviewCommand,
}

#[derive(Subcommand, Debug)]
pub enum ReviewCommand {
    /// List proposals (default: those waiting).
    List(ListArgs),
    /// Show one proposal with its provenance.
    Show(ShowArgs),
    /// Accept a proposal as it is: it becomes a claim.
    Accept(AcceptArgs),
    /// Change a proposal's fields, then accept it.
    Edit(EditArgs),
    /// Reject a proposal with a reason.
    Reject(RejectArgs),
    /// Add proposals from a JSON Lines file (`-` for standard input): one
    /// `{"dedup_key": …, "draft": {…}, "provenance": {…}}` per line. Duplicates are skipped.
    Add(AddArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// proposed, accepted, rejected or all.
    #[arg(long, default_value = "proposed")]
    pub status: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    pub id: i64,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct AcceptArgs {
    pub id: i64,
    /// Who reviewed it (default: $USER).
    #[arg(long)]
    pub reviewer: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct EditArgs {
    pub id: i64,
    #[arg(long)]
    pub reviewer: Option<String>,
    /// The edits as a JSON object of claim fields (`{"about": "tpd", "value": "paused"}`).
    #[arg(long)]
    pub json: Option<String>,
    #[arg(long)]
    pub about: Option<String>,
    #[arg(long)]
    pub value: Option<String>,
    #[arg(long)]
    pub valid: Option<String>,
    #[arg(long)]
    pub known: Option<String>,
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub speaker: Option<String>,
    #[arg(long)]
    pub quote: Option<String>,
    /// The new claim's id (default `review.pN`).
    #[arg(long = "claim-id")]
    pub claim_id: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct RejectArgs {
    pub id: i64,
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub reviewer: Option<String>,
    #[command(flatten)]
    pub db: DbArg,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// A JSON Lines file, or `-`.
    pub file: String,
    #[command(flatten)]
    pub db: DbArg,
}

fn open(db: &DbArg) -> Result<Box<dyn Store>, ExitCode> {
    accord_store::open(&db.db).map_err(fail)
}

fn reviewer(r: &Option<String>) -> String {
    r.clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "cli".into())
}

fn line(p: &ProposalRecord) -> String {
    let d = &p.draft;
    let what = match (&d.asserts, &d.value) {
        (Some(a), Some(v)) => format!("{a:?} {v}").to_lowercase(),
        (Some(a), None) => format!("{a:?}").to_lowercase(),
        _ => "?".into(),
    };
    format!(
        "{:>5}  {:<9} {:<28} {:<24} {}",
        p.id,
        p.status,
        d.about.as_deref().unwrap_or("?"),
        what,
        d.quote
            .as_deref()
            .map(|q| format!("“{}”", q.chars().take(60).collect::<String>()))
            .unwrap_or_default()
    )
}

/// Words of the article shown either side of a proposal's quote.
const CONTEXT_WORDS: usize = 8;

/// The span a proposal is about: its quote, else its content (offsets into the article).
fn focus(prov: &serde_json::Value) -> Option<(usize, usize)> {
    let span = |name: &str| {
        let v = prov.get(name)?;
        let s = usize::try_from(v.get("start")?.as_u64()?).ok()?;
        let e = usize::try_from(v.get("end")?.as_u64()?).ok()?;
        Some((s, e))
    };
    span("quote").or_else(|| span("content"))
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `accord review show ID` for people: the claim it would make, the article with the quote in
/// its context, the offsets and rules, and the review.
fn show_text(
    p: &ProposalRecord,
    article: Option<&ArticleRecord>,
    context: Option<&(usize, usize, (String, String, String))>,
) -> String {
    use std::fmt::Write;
    let d = &p.draft;
    let mut s = String::new();
    let _ = writeln!(s, "proposal {} ({})", p.id, p.status);
    let row = |s: &mut String, k: &str, v: Option<String>| {
        if let Some(v) = v {
            let _ = writeln!(s, "  {k:<11} {v}");
        }
    };
    row(
        &mut s,
        "about",
        Some(d.about.clone().unwrap_or_else(|| "(missing)".into())),
    );
    let asserts = d
        .asserts
        .and_then(|x| serde_json::to_value(x).ok())
        .and_then(|v| v.as_str().map(str::to_string));
    row(
        &mut s,
        "asserts",
        Some(match (&asserts, &d.value) {
            (Some(x), Some(v)) => format!("{x} “{v}”"),
            (Some(x), None) => x.clone(),
            _ => "(missing)".into(),
        }),
    );
    row(&mut s, "by", d.by.clone());
    row(
        &mut s,
        "valid",
        Some(
            d.valid
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(missing)".into()),
        ),
    );
    row(
        &mut s,
        "known",
        Some(
            d.known
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(missing)".into()),
        ),
    );
    row(
        &mut s,
        "source",
        Some(d.source.clone().unwrap_or_else(|| {
            "(missing: give one with `accord review edit ID --source SOURCE`)".into()
        })),
    );
    row(&mut s, "speaker", d.speaker.clone());
    row(&mut s, "role", d.role.clone());
    row(
        &mut s,
        "channel",
        d.channel
            .and_then(|c| serde_json::to_value(c).ok())
            .and_then(|v| v.as_str().map(str::to_string)),
    );
    row(
        &mut s,
        "confidence",
        d.confidence.map(|c| format!("{c:.2}")),
    );
    row(
        &mut s,
        "quote",
        d.quote.as_deref().map(|q| format!("“{}”", flat(q))),
    );
    row(&mut s, "note", d.note.clone());
    let prov = &p.provenance;
    if let Some(a) = prov.get("article") {
        let _ = writeln!(s);
        let title = article
            .and_then(|x| x.title.clone())
            .or_else(|| a.get("title").and_then(|t| t.as_str()).map(str::to_string));
        let _ = writeln!(
            s,
            "article     {}",
            title
                .map(|t| format!("“{t}”"))
                .unwrap_or_else(|| "(no title)".into())
        );
        match article {
            Some(art) => {
                let urls = art.urls();
                match urls.split_first() {
                    Some((first, rest)) => {
                        let _ = writeln!(s, "  url       {first}");
                        for u in rest {
                            let _ = writeln!(s, "  also at   {u}");
                        }
                    }
                    None => {
                        let _ = writeln!(s, "  url       (none recorded)");
                    }
                }
                let mut by = Vec::new();
                if let Some(d) = art.published {
                    by.push(format!("published {d}"));
                }
                if let Some(x) = &art.publisher {
                    by.push(x.clone());
                }
                if let Some(x) = &art.author {
                    by.push(format!("by {x}"));
                }
                if !by.is_empty() {
                    let _ = writeln!(s, "  {}", by.join(", "));
                }
                let _ = writeln!(
                    s,
                    "  content key {} ({} chars stored, first ingested {})",
                    art.content_key,
                    art.text.chars().count(),
                    art.first_ingested
                );
            }
            None => {
                if let Some(u) = a.get("url").and_then(|u| u.as_str()) {
                    let _ = writeln!(s, "  url       {u}");
                }
                if let Some(k) = a.get("content_key").and_then(|u| u.as_str()) {
                    let _ = writeln!(s, "  content key {k} (the article is not in this store)");
                }
            }
        }
        if let Some(f) = prov.get("feed") {
            let _ = writeln!(
                s,
                "  feed      {} (entry {})",
                f.get("url").and_then(|x| x.as_str()).unwrap_or("?"),
                f.get("entry_key").and_then(|x| x.as_str()).unwrap_or("?")
            );
        }
        if let Some((start, end, (before, text, after))) = context {
            let _ = writeln!(s, "\nin context (characters {start}–{end}):");
            let _ = writeln!(
                s,
                "  …{}«{}»{}…",
                flat_keep_edges(before),
                flat(text),
                flat_keep_edges(after)
            );
        }
        let part = |name: &str| -> Option<String> {
            let v = prov.get(name)?;
            Some(format!(
                "{name} “{}” [{}..{}]",
                flat(v.get("text")?.as_str()?),
                v.get("start")?.as_u64()?,
                v.get("end")?.as_u64()?
            ))
        };
        let speaker = prov.get("speaker").and_then(|sp| {
            let span = sp.get("span")?;
            Some(format!(
                "speaker “{}” [{}..{}]",
                flat(sp.get("text")?.as_str()?),
                span.get("start")?.as_u64()?,
                span.get("end")?.as_u64()?
            ))
        });
        let parts: Vec<String> = [speaker, part("cue"), part("content")]
            .into_iter()
            .flatten()
            .collect();
        if !parts.is_empty() {
            let _ = writeln!(s, "offsets: {}", parts.join(", "));
        }
        if let Some(rules) = prov.get("rules").and_then(|r| r.as_array()) {
            let _ = writeln!(s, "rules:");
            for r in rules.iter().filter_map(|r| r.as_str()) {
                let _ = writeln!(s, "  · {r}");
            }
        }
    } else if let Some(o) = prov.as_object() {
        let _ = writeln!(s, "provenance:");
        for (k, v) in o {
            let v = match v {
                serde_json::Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(s, "  {k}: {v}");
        }
    }
    if p.status != ProposalStatus::Proposed {
        let _ = writeln!(
            s,
            "\n{} by {} at {}{}",
            p.status,
            p.reviewer.as_deref().unwrap_or("?"),
            p.reviewed_at.as_deref().unwrap_or("?"),
            p.claim_id
                .as_deref()
                .map(|c| format!(" as claim {c}"))
                .unwrap_or_default()
        );
        if let Some(r) = &p.reason {
            let _ = writeln!(s, "reason: {r}");
        }
        if let Some(e) = p.edits.as_ref().filter(|e| **e != ClaimDraft::default()) {
            let _ = writeln!(s, "edits: {}", serde_json::to_string(e).unwrap_or_default());
        }
    }
    s
}

/// Whitespace collapsed, keeping one space at either edge when there was one.
fn flat_keep_edges(s: &str) -> String {
    let mut out = String::new();
    if s.starts_with(char::is_whitespace) {
        out.push(' ');
    }
    out.push_str(&flat(s));
    if s.ends_with(char::is_whitespace) && !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn op_fail(e: OpError) -> ExitCode {
    match e {
        OpError::Invalid(p) => {
            eprint!("{}", p.rendered);
            fail(format!(
                "{} error(s); the proposal was not accepted (fix it with `accord review edit`)",
                p.errors
            ))
        }
        OpError::Store(accord_store::StoreError::Conflict(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(crate::store_cmds::CONFLICT)
        }
        e => fail(e),
    }
}

fn accept_with(db: &DbArg, id: i64, who: &str, edits: &ClaimDraft) -> ExitCode {
    let mut store = match open(db) {
        Ok(s) => s,
        Err(c) => return c,
    };
    match store.accept_proposal(id, who, edits) {
        Ok(a) => {
            println!(
                "accepted proposal {} as claim {} (seq {})",
                a.proposal, a.claim_id, a.seq
            );
            ExitCode::SUCCESS
        }
        Err(e) => op_fail(e),
    }
}

pub fn review(a: ReviewArgs) -> ExitCode {
    match a.command {
        ReviewCommand::List(a) => {
            let status = match a.status.as_str() {
                "all" => None,
                s => match ProposalStatus::parse(s) {
                    Some(s) => Some(s),
                    None => {
                        return fail(format!(
                            "unknown --status `{s}`; use proposed, accepted, rejected or all"
                        ));
                    }
                },
            };
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let list = match store.list_proposals(status) {
                Ok(l) => l,
                Err(e) => return fail(e),
            };
            if a.json {
                return match serde_json::to_string_pretty(&serde_json::json!({"proposals": list})) {
                    Ok(s) => {
                        println!("{s}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                };
            }
            if list.is_empty() {
                println!("no proposals");
            }
            for p in &list {
                println!("{}", line(p));
            }
            ExitCode::SUCCESS
        }
        ReviewCommand::Show(a) => {
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let p = match store.get_proposal(a.id) {
                Ok(Some(p)) => p,
                Ok(None) => return fail(format!("there is no proposal {}", a.id)),
                Err(e) => return fail(e),
            };
            // A proposal from `accord ingest` names the article it was found in.
            let article = match p
                .provenance
                .get("article")
                .and_then(|x| x.get("content_key"))
                .and_then(|k| k.as_str())
            {
                Some(k) => match store.article(k) {
                    Ok(x) => x,
                    Err(e) => return fail(e),
                },
                None => None,
            };
            let context = article.as_ref().and_then(|art| {
                let (start, end) = focus(&p.provenance)?;
                art.in_context(start, end, CONTEXT_WORDS)
                    .map(|c| (start, end, c))
            });
            if a.json {
                let mut v = match serde_json::to_value(&p) {
                    Ok(v) => v,
                    Err(e) => return fail(e),
                };
                if let serde_json::Value::Object(m) = &mut v {
                    if let Some(art) = &article {
                        m.insert(
                            "article".into(),
                            serde_json::json!({
                                "content_key": art.content_key,
                                "title": art.title,
                                "author": art.author,
                                "publisher": art.publisher,
                                "published": art.published.map(|d| d.to_string()),
                                "url": art.url,
                                "other_urls": art.other_urls,
                                "first_ingested": art.first_ingested,
                                "chars": art.text.chars().count(),
                            }),
                        );
                    }
                    if let Some((start, end, (before, text, after))) = &context {
                        m.insert(
                            "context".into(),
                            serde_json::json!({
                                "start": start, "end": end,
                                "before": before, "text": text, "after": after,
                            }),
                        );
                    }
                }
                return match serde_json::to_string_pretty(&v) {
                    Ok(s) => {
                        println!("{s}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                };
            }
            print!("{}", show_text(&p, article.as_ref(), context.as_ref()));
            ExitCode::SUCCESS
        }
        ReviewCommand::Accept(a) => {
            accept_with(&a.db, a.id, &reviewer(&a.reviewer), &ClaimDraft::default())
        }
        ReviewCommand::Edit(a) => {
            let mut edits: ClaimDraft = match &a.json {
                Some(j) => match serde_json::from_str(j) {
                    Ok(d) => d,
                    Err(e) => return fail(format!("--json: {e}")),
                },
                None => ClaimDraft::default(),
            };
            if let Some(v) = &a.about {
                edits.about = Some(v.clone());
            }
            if let Some(v) = &a.value {
                edits.value = Some(v.clone());
            }
            if let Some(v) = &a.source {
                edits.source = Some(v.clone());
            }
            if let Some(v) = &a.speaker {
                edits.speaker = Some(v.clone());
            }
            if let Some(v) = &a.quote {
                edits.quote = Some(v.clone());
            }
            if let Some(v) = &a.claim_id {
                edits.id = Some(v.clone());
            }
            if let Some(v) = &a.valid {
                match accord_model::FuzzyDate::parse(v) {
                    Ok(d) => edits.valid = Some(d),
                    Err(e) => return fail(format!("--valid: {e}")),
                }
            }
            if let Some(v) = &a.known {
                match accord_model::date::parse_day(v) {
                    Ok(d) => edits.known = Some(d),
                    Err(e) => return fail(format!("--known: {e}")),
                }
            }
            if edits == ClaimDraft::default() {
                return fail("give at least one edit (--about, --value, --valid, … or --json)");
            }
            accept_with(&a.db, a.id, &reviewer(&a.reviewer), &edits)
        }
        ReviewCommand::Reject(a) => {
            if a.reason.trim().is_empty() {
                return fail("give a --reason");
            }
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match store.reject_proposal(a.id, &reviewer(&a.reviewer), &a.reason) {
                Ok(()) => {
                    println!("rejected proposal {}", a.id);
                    ExitCode::SUCCESS
                }
                Err(e) => op_fail(OpError::Store(e)),
            }
        }
        ReviewCommand::Add(a) => {
            let text = if a.file == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    return fail(format!("could not read standard input: {e}"));
                }
                s
            } else {
                match std::fs::read_to_string(&a.file) {
                    Ok(s) => s,
                    Err(e) => return fail(format!("could not read `{}`: {e}", a.file)),
                }
            };
            let mut ps: Vec<NewProposal> = Vec::new();
            for (i, l) in text.lines().enumerate() {
                if l.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str(l) {
                    Ok(p) => ps.push(p),
                    Err(e) => return fail(format!("`{}` line {}: {e}", a.file, i + 1)),
                }
            }
            let mut store = match open(&a.db) {
                Ok(s) => s,
                Err(c) => return c,
            };
            match store.add_proposals(&ps) {
                Ok(added) => {
                    let new = added.iter().filter(|x| x.new).count();
                    println!(
                        "added {new} proposal{} ({} already in the queue)",
                        if new == 1 { "" } else { "s" },
                        added.len() - new
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}
