//! `accord ingest PATH|URL`: an article, web page or feed becomes proposed claims.
//!
//! Nothing is written: the proposals are printed (for people, or as JSON with `--json`,
//! described in `docs/ingest.md`) for a person to accept, edit or reject.

use std::process::ExitCode;
use std::time::Duration;

use accord_ingest::fetch::FetchOptions;
use accord_ingest::input::{self, Limits};
use accord_ingest::{Document, Proposal, extract};
use clap::Args;
use serde_json::json;

use crate::common::{DatasetArgs, fail};

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// A file (plain text, Markdown with front matter, HTML, RSS/Atom) or an http(s) address.
    #[arg(value_name = "PATH|URL")]
    pub input: String,
    /// The publication day (YYYY-MM-DD), for resolving "on Tuesday", "last week"; overrides
    /// the date found in the page or feed.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// The outlet that published it ("BBC News"): the speaker of "it is understood".
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,
    /// The article's title, when the input does not carry one.
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// Allow addresses that resolve to loopback, private or link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Print JSON (see docs/ingest.md) instead of text for people.
    #[arg(long)]
    pub json: bool,
    /// Most entries read from one feed.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub max_entries: usize,
    /// Largest file or download, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Timeout for a download, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub timeout: u64,
    /// Leave out proposals below this confidence (0 to 1).
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub min_confidence: f64,
    #[command(flatten)]
    pub data: DatasetArgs,
}

pub fn run(a: IngestArgs) -> ExitCode {
    let published = match a
        .published
        .as_deref()
        .map(accord_model::date::parse_day)
        .transpose()
    {
        Ok(p) => p,
        Err(e) => return fail(format!("--published: {e}")),
    };
    let ds = match a.data.load() {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    let limits = Limits {
        max_bytes: a.max_bytes,
        max_entries: a.max_entries,
    };
    let fetch = FetchOptions {
        allow_private: a.allow_private,
        max_bytes: a.max_bytes,
        timeout: Duration::from_secs(a.timeout),
        ..FetchOptions::default()
    };
    let loaded = match input::load(&a.input, &limits, &fetch) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let mut docs = Vec::new();
    for (k, mut doc) in loaded.documents.into_iter().enumerate() {
        if published.is_some() {
            doc.published = published;
        }
        if a.outlet.is_some() {
            doc.publisher = a.outlet.clone();
        }
        if doc.title.is_none() {
            doc.title = a.title.clone();
        }
        if doc.published.is_none() {
            eprintln!(
                "warning: {} has no publication date; relative dates (\"on Tuesday\", \"last week\") cannot be resolved: pass --published YYYY-MM-DD",
                loaded
                    .entry_keys
                    .get(k)
                    .map(String::as_str)
                    .unwrap_or(&a.input)
            );
        }
        let proposals: Vec<Proposal> = extract(&doc, &ds)
            .into_iter()
            .filter(|p| p.confidence >= a.min_confidence)
            .collect();
        docs.push((doc, loaded.entry_keys.get(k).cloned(), proposals));
    }
    if a.json {
        let out = json!({
            "input": a.input,
            "format": loaded.format,
            "url": loaded.url,
            "skipped_entries": loaded.skipped_entries,
            "documents": docs.iter().map(|(d, key, ps)| json!({
                "title": d.title,
                "author": d.author,
                "publisher": d.publisher,
                "published": d.published.map(|x| x.to_string()),
                "url": d.url,
                "entry_key": key,
                "content_key": d.content_key(),
                "chars": d.text.chars().count(),
                "proposals": ps,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let fmt = serde_json::to_value(loaded.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if loaded.skipped_entries > 0 {
        println!(
            "(feed: {} more entries left out by --max-entries {})",
            loaded.skipped_entries, a.max_entries
        );
    }
    for (doc, key, ps) in &docs {
        print_doc(&a.input, &fmt, doc, key.as_deref(), ps);
    }
    ExitCode::SUCCESS
}

fn short(s: &str, n: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n {
        flat
    } else {
        format!("{}…", flat.chars().take(n).collect::<String>())
    }
}

fn print_doc(input: &str, fmt: &str, doc: &Document, key: Option<&str>, ps: &[Proposal]) {
    let name = doc
        .title
        .clone()
        .or_else(|| key.map(str::to_string))
        .unwrap_or_else(|| input.to_string());
    let date = doc
        .published
        .map(|d| format!(", published {d}"))
        .unwrap_or_default();
    let outlet = doc
        .publisher
        .as_ref()
        .map(|p| format!(", {p}"))
        .unwrap_or_default();
    println!(
        "{name} ({fmt}, {} chars{date}{outlet}): {} proposal{}",
        doc.text.chars().count(),
        ps.len(),
        if ps.len() == 1 { "" } else { "s" }
    );
    for (i, p) in ps.iter().enumerate() {
        println!();
        let kind = serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!("#{}  {kind}  confidence {:.2}", i + 1, p.confidence);
        if let Some(s) = &p.speaker {
            let who = match (&s.party_id, &s.name) {
                (Some(id), _) => format!(" → {id}"),
                (None, Some(n)) => format!(" → {n} (not in the dataset)"),
                _ => String::new(),
            };
            let cands = if s.candidates.len() > 1 {
                format!(
                    "  candidates: {}",
                    s.candidates
                        .iter()
                        .map(|(id, x)| format!("{id} {x:.2}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                String::new()
            };
            println!(
                "  speaker  \"{}\"{who} ({:.2})  [{}..{}]{cands}",
                s.text, s.confidence, s.span.start, s.span.end
            );
        } else {
            println!("  speaker  (none found)");
        }
        let ch = p
            .channel
            .and_then(|c| serde_json::to_value(c).ok())
            .and_then(|v| v.as_str().map(str::to_string))
            .map(|c| format!("  channel {c}"))
            .unwrap_or_default();
        println!(
            "  cue      \"{}\"  [{}..{}]{ch}",
            p.cue.text, p.cue.start, p.cue.end
        );
        println!(
            "  content  \"{}\"  [{}..{}]",
            short(&p.content.text, 160),
            p.content.start,
            p.content.end
        );
        for q in &p.quote_parts {
            println!(
                "  quote    \"{}\"  [{}..{}]",
                short(&q.text, 160),
                q.start,
                q.end
            );
        }
        match &p.item {
            Some(it) => println!(
                "  item     {} (\"{}\" via {}, {:.2})  [{}..{}]",
                it.id,
                short(&it.matched_text, 60),
                it.via,
                it.confidence,
                it.span.start,
                it.span.end
            ),
            None => println!("  item     (none found)"),
        }
        let asserts = serde_json::to_value(p.asserts)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        match (&p.status, &p.value) {
            (Some(s), Some(v)) => println!("  asserts  {asserts} {s} (\"{v}\")"),
            _ => println!("  asserts  {asserts}"),
        }
        let from = p
            .valid_from_text
            .as_ref()
            .map(|v| format!(" (\"{}\" [{}..{}])", v.text, v.start, v.end))
            .unwrap_or_default();
        println!("  valid    {}{from}", p.valid);
        for w in &p.explanation {
            println!("  · {w}");
        }
    }
}
