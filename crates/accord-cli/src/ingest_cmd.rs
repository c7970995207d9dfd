//! `accord ingest PATH|URL`: an article, web page or feed becomes proposed claims.
//!
//! With a store (`--db PATH|URL` or `ACCORD_DB`, and no `--dataset`), the proposals go into
//! its review queue together with the articles they came from and the feed entries seen, in
//! one transaction; ingesting the same article or feed entry again adds nothing. Without a
//! store they are only printed (for people, or as JSON with `--json`, described in
//! `docs/ingest.md`). Either way nothing becomes a claim until a person accepts it.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;
use std::time::Duration;

use accord_ingest::fetch::FetchOptions;
use accord_ingest::input::{self, Format, Limits};
use accord_ingest::{Document, Extractor, Proposal};
use accord_model::{Asserts, Dataset};
use accord_store::{
    AddedProposal, ClaimDraft, Ingest, Ingested, NewArticle, NewFeedEntry, NewProposal, Store,
};
use clap::Args;
use jiff::civil::Date;
use serde_json::{Value, json};

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
    /// The dataset source the proposals cite (default: the source whose address is the
    /// article's, else the one source of the outlet published that day, if there is one).
    #[arg(long, value_name = "ID")]
    pub source: Option<String>,
    #[command(flatten)]
    pub data: DatasetArgs,
}

/// The valid date the extractor gives a proposal when the document has no publication date
/// and no written date, for a person to correct. It is never stored as if it were real.
const NO_DATE: Date = Date::constant(1970, 1, 1);

/// One document of the input as this run sees it.
struct Doc {
    doc: Document,
    /// A feed entry's key (its GUID, else its link).
    key: Option<String>,
    content_key: String,
    /// False for a feed entry seen before (not read again) and for an empty document.
    extracted: bool,
    /// A document with no text (a feed entry with only a title): nothing to store.
    empty: bool,
    proposals: Vec<Proposal>,
    /// The dataset source its drafts cite, and how it was chosen.
    source: Option<(String, &'static str)>,
}

impl Doc {
    fn name(&self, input: &str) -> String {
        self.doc
            .title
            .clone()
            .or_else(|| self.key.clone())
            .unwrap_or_else(|| input.to_string())
    }
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
    // A store, when one is given and no dataset directory takes precedence over it.
    let target = if a.data.dataset.is_none() {
        a.data.db.clone()
    } else {
        None
    };
    let mut store: Option<Box<dyn Store>> = match &target {
        Some(t) => match accord_store::open(t) {
            Ok(s) => Some(s),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let loaded_ds = match store.as_mut() {
        Some(s) => accord_store::load_dataset(s.as_mut()).map_err(|e| e.to_string()),
        None => a.data.load(),
    };
    let ds = match loaded_ds {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if let Some(src) = &a.source
        && ds.source(src).is_none()
    {
        return fail(format!(
            "there is no source `{src}` in the dataset; give the id of one of its sources, or leave --source out"
        ));
    }
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
    let is_feed = loaded.format == Format::Feed;
    let feed_url = is_feed.then(|| feed_identity(&a.input));
    // Entries of this feed seen by earlier runs: entry key → the article's content key.
    let seen: HashMap<String, String> = match (store.as_mut(), &feed_url) {
        (Some(s), Some(f)) => match s.feed_entries(f) {
            Ok(v) => v
                .into_iter()
                .map(|e| (e.entry_key, e.content_key))
                .collect(),
            Err(e) => return fail(e),
        },
        _ => HashMap::new(),
    };
    let fetched = if is_feed { None } else { loaded.url.clone() };
    let mut docs = Vec::new();
    // The dataset's names are prepared once for every document of a feed.
    let extractor = Extractor::new(&ds);
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
        let key = loaded.entry_keys.get(k).cloned();
        let content_key = doc.content_key();
        let empty = doc.text.trim().is_empty();
        let seen_before = key.as_ref().is_some_and(|k| seen.contains_key(k));
        if seen_before || (empty && store.is_some()) {
            docs.push(Doc {
                doc,
                key,
                content_key,
                extracted: false,
                empty,
                proposals: Vec::new(),
                source: None,
            });
            continue;
        }
        if doc.published.is_none() && store.is_none() {
            eprintln!(
                "warning: {} has no publication date; relative dates (\"on Tuesday\", \"last week\") cannot be resolved: pass --published YYYY-MM-DD",
                key.as_deref().unwrap_or(&a.input)
            );
        }
        let proposals: Vec<Proposal> = extractor
            .extract(&doc)
            .into_iter()
            .filter(|p| p.confidence >= a.min_confidence)
            .collect();
        let source = pick_source(&ds, &doc, fetched.as_deref(), a.source.as_deref());
        docs.push(Doc {
            doc,
            key,
            content_key,
            extracted: true,
            empty,
            proposals,
            source,
        });
    }
    match (store, target) {
        (Some(mut s), Some(t)) => {
            let ctx = Run {
                a: &a,
                ds: &ds,
                format: loaded.format,
                url: loaded.url.as_deref(),
                fetched: fetched.as_deref(),
                feed_url: feed_url.as_deref(),
                skipped_entries: loaded.skipped_entries,
                seen: &seen,
            };
            store_run(&ctx, s.as_mut(), &t, &docs)
        }
        _ => {
            let why = if a.data.dataset.is_some() && a.data.db.is_some() {
                "nothing was stored: with --dataset the proposals are matched against that directory, not a store; to add them to a store's review queue, give --db PATH|URL without --dataset"
            } else {
                "nothing was stored: to add these proposals to a review queue, give a store with --db PATH|URL (or set ACCORD_DB)"
            };
            if a.json {
                let out = json!({
                    "input": a.input,
                    "format": loaded.format,
                    "url": loaded.url,
                    "skipped_entries": loaded.skipped_entries,
                    "documents": docs.iter().map(|d| doc_json(d, None)).collect::<Vec<_>>(),
                    "stored": Value::Null,
                });
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                eprintln!("{why}");
                return ExitCode::SUCCESS;
            }
            let fmt = name_of(&loaded.format);
            if loaded.skipped_entries > 0 {
                println!(
                    "(feed: {} more entries left out by --max-entries {})",
                    loaded.skipped_entries, a.max_entries
                );
            }
            for d in &docs {
                print_doc(&a.input, &fmt, &d.doc, d.key.as_deref(), &d.proposals);
            }
            println!("\n{why}");
            ExitCode::SUCCESS
        }
    }
}

/// What the storing half of a run needs to know about it.
struct Run<'a> {
    a: &'a IngestArgs,
    ds: &'a Dataset,
    format: Format,
    url: Option<&'a str>,
    /// The address a page was fetched from (not for feeds: that is the feed's).
    fetched: Option<&'a str>,
    feed_url: Option<&'a str>,
    skipped_entries: usize,
    seen: &'a HashMap<String, String>,
}

/// Writes the run into the store's review queue, in one transaction, and reports it.
fn store_run(r: &Run<'_>, store: &mut dyn Store, target: &str, docs: &[Doc]) -> ExitCode {
    // A proposal whose valid date needed the publication date would be stored as 1970-01-01:
    // refuse the whole run instead, before anything is written.
    let undated: Vec<String> =
        docs.iter()
            .filter(|d| d.extracted && d.doc.published.is_none())
            .filter_map(|d| {
                let n = d
                    .proposals
                    .iter()
                    .filter(|p| p.valid.start == NO_DATE)
                    .count();
                (n > 0).then(|| {
                format!(
                    "`{}` has no publication date, and {n} of its {} proposal{} no written date",
                    d.name(&r.a.input),
                    d.proposals.len(),
                    if d.proposals.len() == 1 { " has" } else { "s have" }
                )
            })
            })
            .collect();
    if !undated.is_empty() {
        return fail(format!(
            "{}, so their valid dates would be 1970-01-01; nothing was stored. Pass the day it was published with --published YYYY-MM-DD",
            undated.join("; ")
        ));
    }
    for d in docs
        .iter()
        .filter(|d| d.extracted && d.doc.published.is_none() && !d.proposals.is_empty())
    {
        eprintln!(
            "warning: `{}` has no publication date; its proposals all have written dates, and are recorded as known today",
            d.name(&r.a.input)
        );
    }
    let today = jiff::Zoned::now().date();
    let vocab = r.ds.vocabulary();
    let mut run = Ingest::default();
    let mut article_of: Vec<usize> = Vec::new();
    let mut proposal_of: Vec<(usize, usize)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if d.empty {
            continue;
        }
        if !d.extracted {
            // A feed entry seen before is not read again; only a new address of the same
            // article (its link changed, its text did not) is recorded.
            let same = d
                .key
                .as_ref()
                .and_then(|k| r.seen.get(k))
                .is_some_and(|c| *c == d.content_key);
            if same && d.doc.url.is_some() {
                run.articles.push(new_article(d, None));
                article_of.push(i);
            }
            continue;
        }
        run.articles.push(new_article(d, r.fetched));
        article_of.push(i);
        if let (Some(f), Some(k)) = (r.feed_url, &d.key) {
            run.feed_entries.push(NewFeedEntry {
                feed_url: f.to_string(),
                entry_key: k.clone(),
                content_key: d.content_key.clone(),
            });
        }
        for (j, p) in d.proposals.iter().enumerate() {
            run.proposals.push(NewProposal {
                dedup_key: queue_key(&d.content_key, p),
                draft: draft(r.ds, &vocab, d, p, today),
                provenance: provenance(r, d, p),
            });
            proposal_of.push((i, j));
        }
    }
    let out = match store.ingest(&run) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let queued: Queued = proposal_of
        .iter()
        .copied()
        .zip(out.proposals.iter().copied())
        .collect();
    let article_new: HashMap<usize, bool> = article_of
        .iter()
        .copied()
        .zip(out.articles.iter().map(|o| o.new))
        .collect();
    let summary = Summary::of(docs, &out, &article_of);
    if r.a.json {
        let documents: Vec<Value> = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.extracted)
            .map(|(i, d)| {
                let mut v = doc_json(d, Some((i, &queued)));
                if let Value::Object(m) = &mut v {
                    m.insert("article_new".into(), json!(article_new.get(&i)));
                }
                v
            })
            .collect();
        let output = json!({
            "input": r.a.input,
            "format": r.format,
            "url": r.url,
            "skipped_entries": r.skipped_entries,
            "documents": documents,
            "stored": {
                "store": accord_store::redact(target),
                "added": summary.added,
                "already": summary.already,
                "ids": summary.ids,
                "articles_new": summary.articles_new,
                "articles_known": summary.articles_known,
                "urls_added": summary.urls_added,
                "feed": r.feed_url.map(|f| json!({
                    "url": f,
                    "new_entries": summary.entries_new,
                    "seen_before": summary.entries_seen,
                    "seen_entries": docs.iter().filter(|d| !d.extracted && !d.empty).filter_map(|d| d.key.clone()).collect::<Vec<_>>(),
                })),
                "empty_skipped": summary.empty,
            },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&output).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    let fmt = name_of(&r.format);
    for (i, d) in docs.iter().enumerate().filter(|(_, d)| d.extracted) {
        print_header(
            &r.a.input,
            &fmt,
            &d.doc,
            d.key.as_deref(),
            d.proposals.len(),
        );
        match &d.source {
            Some((id, how)) => println!("  source {id} ({how})"),
            None => println!(
                "  source: none found; give one with --source ID, or with `accord review edit N --source ID`"
            ),
        }
        for (j, p) in d.proposals.iter().enumerate() {
            let Some(q) = queued.get(&(i, j)) else {
                continue;
            };
            println!(
                "  {:>5}  {:<7} {}",
                q.id,
                if q.new { "new" } else { "already" },
                one_line(p)
            );
        }
    }
    println!("\n{}", summary.line(r));
    if summary.added > 0 {
        println!(
            "review them with `accord review list --db {}`",
            accord_store::redact(target)
        );
    }
    ExitCode::SUCCESS
}

/// Queue outcomes by (document, proposal) index.
type Queued = HashMap<(usize, usize), AddedProposal>;

/// The counts a stored run reports.
struct Summary {
    added: usize,
    already: usize,
    ids: Vec<i64>,
    articles_new: usize,
    articles_known: usize,
    urls_added: usize,
    entries_new: usize,
    entries_seen: usize,
    empty: usize,
}

impl Summary {
    fn of(docs: &[Doc], out: &Ingested, article_of: &[usize]) -> Summary {
        let ids: Vec<i64> = out
            .proposals
            .iter()
            .filter(|p| p.new)
            .map(|p| p.id)
            .collect();
        let mut articles_new = 0;
        let mut articles_known = 0;
        let mut urls_added = 0;
        for (o, &i) in out.articles.iter().zip(article_of) {
            let extracted = docs.get(i).is_some_and(|d| d.extracted);
            if o.new {
                articles_new += 1;
            } else {
                if extracted {
                    articles_known += 1;
                }
                urls_added += o.urls_added.len();
            }
        }
        let entries_new = out.feed_entries.iter().filter(|n| **n).count();
        let raced = out.feed_entries.len() - entries_new;
        Summary {
            added: ids.len(),
            already: out.proposals.len() - ids.len(),
            ids,
            articles_new,
            articles_known,
            urls_added,
            entries_new,
            entries_seen: docs.iter().filter(|d| !d.extracted && !d.empty).count() + raced,
            empty: docs.iter().filter(|d| d.empty).count(),
        }
    }

    /// "3 proposals added to the review queue (ids 12–14), 2 already there; 1 article new,
    /// feed: 4 new entries, 46 seen before".
    fn line(&self, r: &Run<'_>) -> String {
        let mut s = format!(
            "{} proposal{} added to the review queue",
            self.added,
            plural(self.added)
        );
        if !self.ids.is_empty() {
            s.push_str(&format!(" (ids {})", ranges(&self.ids)));
        }
        s.push_str(&format!(
            ", {} already there; {} article{} new",
            self.already,
            self.articles_new,
            plural(self.articles_new)
        ));
        if self.articles_known > 0 {
            s.push_str(&format!(" ({} stored before)", self.articles_known));
        }
        if self.urls_added > 0 {
            s.push_str(&format!(
                ", {} new address{} recorded",
                self.urls_added,
                if self.urls_added == 1 { "" } else { "es" }
            ));
        }
        if r.feed_url.is_some() {
            s.push_str(&format!(
                ", feed: {} new entr{}, {} seen before",
                self.entries_new,
                if self.entries_new == 1 { "y" } else { "ies" },
                self.entries_seen
            ));
            if r.skipped_entries > 0 {
                s.push_str(&format!(
                    ", {} left out by --max-entries {}",
                    r.skipped_entries, r.a.max_entries
                ));
            }
        }
        if self.empty > 0 {
            s.push_str(&format!(", {} without text skipped", self.empty));
        }
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `12–14, 17`.
fn ranges(ids: &[i64]) -> String {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            sorted[i].to_string()
        } else {
            format!("{}–{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// How a feed is known across runs: its address as given, or the file's absolute path.
fn feed_identity(input: &str) -> String {
    if input.starts_with("http://") || input.starts_with("https://") {
        return input.to_string();
    }
    std::fs::canonicalize(input)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| input.to_string())
}

/// A serde enum's name (`indirect`, `status`, `feed`).
fn name_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The review queue's key for a proposal: the article's content key with the proposal's kind,
/// the offsets of its cue, content and speaker, its item, assertion and status. The same
/// article ingested again gives the same keys, so nothing is added twice.
fn queue_key(content_key: &str, p: &Proposal) -> String {
    let span = |s: &accord_ingest::SpanText| format!("{}-{}", s.start, s.end);
    format!(
        "ingest/v1/{content_key}/{}/cue {}/content {}/speaker {}/item {}/{}/{}",
        name_of(&p.kind),
        span(&p.cue),
        span(&p.content),
        p.speaker
            .as_ref()
            .map(|s| span(&s.span))
            .unwrap_or_else(|| "-".into()),
        p.item.as_ref().map(|i| i.id.as_str()).unwrap_or("-"),
        name_of(&p.asserts),
        p.status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into()),
    )
}

/// The article row for a document: its addresses are the one it names (canonical link, front
/// matter, feed entry link) and the one it was fetched from.
fn new_article(d: &Doc, fetched: Option<&str>) -> NewArticle {
    let mut urls: Vec<String> = Vec::new();
    for u in [d.doc.url.as_deref(), fetched].into_iter().flatten() {
        if !u.is_empty() && !urls.iter().any(|x| x == u) {
            urls.push(u.to_string());
        }
    }
    NewArticle {
        content_key: d.content_key.clone(),
        text: d.doc.text.clone(),
        title: d.doc.title.clone(),
        author: d.doc.author.clone(),
        publisher: d.doc.publisher.clone(),
        published: d.doc.published,
        urls,
    }
}

/// The dataset source a document's proposals cite: `--source`; else the source whose address
/// is the article's; else the one source of the publishing outlet published that day (several:
/// the one with the article's title).
fn pick_source(
    ds: &Dataset,
    doc: &Document,
    fetched: Option<&str>,
    given: Option<&str>,
) -> Option<(String, &'static str)> {
    if let Some(g) = given {
        return Some((g.to_string(), "--source"));
    }
    let trim = |u: &str| u.trim_end_matches('/').to_string();
    let urls: Vec<String> = [doc.url.as_deref(), fetched]
        .into_iter()
        .flatten()
        .map(trim)
        .collect();
    if let Some(s) = ds
        .sources
        .iter()
        .find(|s| s.url.as_deref().is_some_and(|u| urls.contains(&trim(u))))
    {
        return Some((s.id.clone(), "its address is the article's"));
    }
    let (Some(publisher), Some(day)) = (&doc.publisher, doc.published) else {
        return None;
    };
    let fold = |t: &str| accord_ingest::normalise(t);
    let outlet = fold(publisher);
    let outlets: BTreeSet<&str> = ds
        .parties
        .iter()
        .filter(|p| fold(&p.name) == outlet || p.aliases.iter().any(|x| fold(x) == outlet))
        .map(|p| p.id.as_str())
        .collect();
    let of_day: Vec<&accord_model::Source> = ds
        .sources
        .iter()
        .filter(|s| s.published == day && s.outlet.as_deref().is_some_and(|o| outlets.contains(o)))
        .collect();
    match of_day.as_slice() {
        [one] => Some((one.id.clone(), "the outlet's one source published that day")),
        [] => None,
        many => {
            let title = doc.title.as_deref().map(fold)?;
            let mut same = many.iter().filter(|s| fold(&s.title) == title);
            match (same.next(), same.next()) {
                (Some(s), None) => Some((s.id.clone(), "the outlet's source with this title")),
                _ => None,
            }
        }
    }
}

/// The claim a proposal would make, with what a reviewer still has to give left out.
fn draft(
    ds: &Dataset,
    vocab: &accord_model::vocab::Vocabulary,
    d: &Doc,
    p: &Proposal,
    today: Date,
) -> ClaimDraft {
    let kind = p.item.as_ref().and_then(|i| ds.item_kind(&i.id));
    // The wording as written when it maps to the same status on its own, else the status.
    let value = match p.asserts {
        Asserts::Status => p.status.map(|st| match (&p.value, kind) {
            (Some(w), Some(k)) if vocab.canonical(k, w).is_some_and(|m| m.status == st) => {
                w.clone()
            }
            _ => st.to_string(),
        }),
        _ => None,
    };
    let quote = if !p.quote_parts.is_empty() {
        Some(
            p.quote_parts
                .iter()
                .map(|q| q.text.as_str())
                .collect::<Vec<_>>()
                .join(" … "),
        )
    } else {
        p.quote
            .as_ref()
            .map(|q| q.text.clone())
            .or_else(|| (p.asserts == Asserts::Statement).then(|| p.content.text.clone()))
    };
    let (speaker, role) = match &p.speaker {
        Some(s) => match &s.party_id {
            Some(id) => {
                // "The Prime Minister's official spokesperson" speaking for `downing_street`.
                let words = accord_ingest::normalise(&s.text);
                let named = ds.party(id).is_some_and(|party| {
                    accord_ingest::normalise(&party.name) == words
                        || party
                            .aliases
                            .iter()
                            .any(|x| accord_ingest::normalise(x) == words)
                });
                let role = (!named && s.antecedent.is_none()).then(|| s.text.clone());
                (Some(id.clone()), role)
            }
            None => (None, s.name.clone()),
        },
        None => (None, None),
    };
    ClaimDraft {
        about: p.item.as_ref().map(|i| i.id.clone()),
        asserts: Some(p.asserts),
        value,
        valid: (p.valid.start != NO_DATE).then_some(p.valid),
        known: Some(d.doc.published.unwrap_or(today)),
        source: d.source.as_ref().map(|(id, _)| id.clone()),
        speaker,
        role,
        channel: p.channel,
        quote,
        confidence: Some((p.confidence * 100.0).round() / 100.0),
        ..ClaimDraft::default()
    }
}

/// Where a proposal comes from: the article (content key, title, address), the feed entry,
/// every part's offsets into the stored text, the rules that fired.
fn provenance(r: &Run<'_>, d: &Doc, p: &Proposal) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    let Value::Object(m) = &mut v else {
        return v;
    };
    if let Some(k) = m.remove("dedup_key") {
        m.insert("extract_key".into(), k);
    }
    if let Some(e) = m.remove("explanation") {
        m.insert("rules".into(), e);
    }
    if let Some(w) = m.remove("value") {
        m.insert("wording".into(), w);
    }
    let url = d.doc.url.clone().or_else(|| r.fetched.map(str::to_string));
    m.insert(
        "article".into(),
        json!({
            "content_key": d.content_key,
            "title": d.doc.title,
            "url": url,
            "publisher": d.doc.publisher,
            "published": d.doc.published.map(|x| x.to_string()),
        }),
    );
    if let Some(u) = url {
        m.insert("url".into(), json!(u));
    }
    if let (Some(f), Some(k)) = (r.feed_url, &d.key) {
        m.insert("feed".into(), json!({"url": f, "entry_key": k}));
    }
    m.insert("input".into(), json!(r.a.input));
    if let Some((_, how)) = &d.source {
        m.insert("source_from".into(), json!(how));
    }
    m.insert(
        "known_from".into(),
        json!(if d.doc.published.is_some() {
            "the publication date"
        } else {
            "the day it was ingested (the article has no publication date)"
        }),
    );
    v
}

/// A document as JSON (the shape in docs/ingest.md); with the queue, each proposal also
/// gets `queue_id` and `queue_new`.
fn doc_json(d: &Doc, queue: Option<(usize, &Queued)>) -> Value {
    let proposals: Vec<Value> = d
        .proposals
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            if let (Some((i, q)), Value::Object(m)) = (queue, &mut v)
                && let Some(added) = q.get(&(i, j))
            {
                m.insert("queue_id".into(), json!(added.id));
                m.insert("queue_new".into(), json!(added.new));
                m.insert("queue_key".into(), json!(queue_key(&d.content_key, p)));
            }
            v
        })
        .collect();
    json!({
        "title": d.doc.title,
        "author": d.doc.author,
        "publisher": d.doc.publisher,
        "published": d.doc.published.map(|x| x.to_string()),
        "url": d.doc.url,
        "entry_key": d.key,
        "content_key": d.content_key,
        "chars": d.doc.text.chars().count(),
        "proposals": proposals,
    })
}

/// One proposal on one line: item, assertion, speaker, the quote or content.
fn one_line(p: &Proposal) -> String {
    let item = p.item.as_ref().map(|i| i.id.as_str()).unwrap_or("?");
    let what = match (&p.status, p.asserts) {
        (Some(s), _) => format!("status {s}"),
        (None, a) => name_of(&a),
    };
    let who = p
        .speaker
        .as_ref()
        .map(|s| {
            s.party_id
                .clone()
                .or_else(|| s.name.clone())
                .unwrap_or_else(|| s.text.clone())
        })
        .unwrap_or_else(|| "?".into());
    let words = p
        .quote
        .as_ref()
        .map(|q| q.text.as_str())
        .unwrap_or(&p.content.text);
    format!(
        "{item:<24} {what:<22} {who:<20} “{}”  valid {}",
        short(words, 60),
        p.valid
    )
}

fn print_header(input: &str, fmt: &str, doc: &Document, key: Option<&str>, n: usize) {
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
        "{name} ({fmt}, {} chars{date}{outlet}): {n} proposal{}",
        doc.text.chars().count(),
        plural(n)
    );
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
    print_header(input, fmt, doc, key, ps.len());
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
