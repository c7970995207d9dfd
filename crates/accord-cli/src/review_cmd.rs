//! `accord review list|show|accept|edit|reject|add`: the review queue of proposed claims.
//!
//! Proposals come from ingestion (`accord-ingest`) or from a JSON Lines file (`review add`);
//! a person accepts one (it becomes a real claim, with its provenance, in one transaction),
//! edits then accepts it, or rejects it with a reason. A proposal is reviewed once.

use std::io::Read;
use std::process::ExitCode;

use accord_store::ops::OpError;
use accord_store::{ClaimDraft, NewProposal, ProposalRecord, ProposalStatus, Store};
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
            let text = if a.json {
                serde_json::to_string_pretty(&p)
            } else {
                serde_json::to_string_pretty(&serde_json::json!({
                    "id": p.id, "status": p.status, "draft": p.draft,
                    "provenance": p.provenance, "reviewer": p.reviewer,
                    "reason": p.reason, "claim_id": p.claim_id,
                }))
            };
            match text {
                Ok(s) => {
                    println!("{s}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
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
