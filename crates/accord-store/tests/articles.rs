//! Ingested articles and feed entries (schema version 3) and the one-transaction ingestion
//! write, on SQLite and on PostgreSQL (a fresh schema per test at `ACCORD_TEST_PG`, dropped
//! afterwards; skipped when unreachable, except under CI).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod common;
use accord_model::{Asserts, FuzzyDate};
use accord_store::{
    ClaimDraft, Ingest, NewArticle, NewFeedEntry, NewProposal, ProposalStatus, Store,
};
use common::{on_postgres, on_sqlite};

const TEXT: &str =
    "The minister said on Tuesday that the talks were “going well”.\n\nNothing else happened.";
const KEY_A: &str = "aaaa000000000000000000000000000000000000000000000000000000000000";
const KEY_B: &str = "bbbb000000000000000000000000000000000000000000000000000000000000";

fn loaded(store: &mut dyn Store) {
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(store, files, "(bundled)").unwrap();
}

fn article(key: &str, urls: &[&str]) -> NewArticle {
    NewArticle {
        content_key: key.into(),
        text: TEXT.into(),
        title: Some("Talks go well".into()),
        author: Some("A. Reporter".into()),
        publisher: Some("Example Wire".into()),
        published: Some(jiff::civil::date(2025, 12, 16)),
        urls: urls.iter().map(|u| u.to_string()).collect(),
    }
}

fn proposal(key: &str, article_key: &str) -> NewProposal {
    NewProposal {
        dedup_key: key.into(),
        draft: ClaimDraft {
            about: Some("tech_track".into()),
            asserts: Some(Asserts::Status),
            value: Some("active".into()),
            valid: Some(FuzzyDate::parse("2025-12-16").unwrap()),
            known: Some(jiff::civil::date(2025, 12, 16)),
            source: Some("bbc_2025_12_16_tech_deal".into()),
            quote: Some("going well".into()),
            ..ClaimDraft::default()
        },
        provenance: serde_json::json!({
            "article": {"content_key": article_key, "title": "Talks go well", "url": "https://example.org/a"},
            "quote": {"start": 50, "end": 60, "text": "going well"},
            "rules": ["cue: `said` (speech verb)"],
        }),
    }
}

fn entry(feed: &str, key: &str, article: &str) -> NewFeedEntry {
    NewFeedEntry {
        feed_url: feed.into(),
        entry_key: key.into(),
        content_key: article.into(),
    }
}

fn articles_and_entries(s: &mut dyn Store) {
    assert_eq!(
        s.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
    loaded(s);
    let feed = "https://example.org/feed.xml";
    let run = Ingest {
        articles: vec![article(KEY_A, &["https://example.org/a"])],
        feed_entries: vec![entry(feed, "urn:1", KEY_A)],
        proposals: vec![proposal("p1", KEY_A), proposal("p2", KEY_A)],
    };
    let first = s.ingest(&run).unwrap();
    assert!(first.articles[0].new);
    assert_eq!(first.articles[0].urls_added, ["https://example.org/a"]);
    assert_eq!(first.feed_entries, [true]);
    assert!(first.proposals.iter().all(|p| p.new));
    // The same run again writes nothing new and gives the same queue ids.
    let again = s.ingest(&run).unwrap();
    assert!(!again.articles[0].new);
    assert!(again.articles[0].urls_added.is_empty());
    assert_eq!(again.feed_entries, [false]);
    assert!(again.proposals.iter().all(|p| !p.new));
    assert_eq!(
        again.proposals.iter().map(|p| p.id).collect::<Vec<_>>(),
        first.proposals.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(s.list_proposals(None).unwrap().len(), 2);
    // The same text under another address: recorded, once.
    let moved = Ingest {
        articles: vec![article(
            KEY_A,
            &["https://example.org/a-moved", "https://example.org/a"],
        )],
        feed_entries: vec![entry(feed, "https://example.org/a-moved", KEY_A)],
        proposals: vec![proposal("p1", KEY_A)],
    };
    let m = s.ingest(&moved).unwrap();
    assert!(!m.articles[0].new);
    assert_eq!(m.articles[0].urls_added, ["https://example.org/a-moved"]);
    assert_eq!(m.feed_entries, [true]);
    assert!(!m.proposals[0].new);
    let a = s.article(KEY_A).unwrap().unwrap();
    assert_eq!(
        a.urls(),
        ["https://example.org/a", "https://example.org/a-moved"]
    );
    assert_eq!(a.text, TEXT);
    assert_eq!(a.title.as_deref(), Some("Talks go well"));
    assert_eq!(a.author.as_deref(), Some("A. Reporter"));
    assert_eq!(a.publisher.as_deref(), Some("Example Wire"));
    assert_eq!(a.published, Some(jiff::civil::date(2025, 12, 16)));
    assert!(!a.first_ingested.is_empty());
    let (before, span, after) = a.in_context(50, 60, 3).unwrap();
    assert_eq!(span, "going well");
    assert_eq!(before, "talks were “");
    assert_eq!(after, "”.");
    let entries = s.feed_entries(feed).unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| e.entry_key.as_str())
            .collect::<Vec<_>>(),
        ["urn:1", "https://example.org/a-moved"]
    );
    assert!(entries.iter().all(|e| e.content_key == KEY_A));
    assert!(
        s.feed_entries("https://elsewhere.example/")
            .unwrap()
            .is_empty()
    );
    assert!(s.article(KEY_B).unwrap().is_none());

    // All or nothing: a run whose feed entry names an article that is not stored fails, and
    // leaves no trace of its other parts.
    let broken = Ingest {
        articles: vec![article(KEY_B, &["https://example.org/b"])],
        feed_entries: vec![entry(feed, "urn:2", "no-such-article")],
        proposals: vec![proposal("p3", KEY_B)],
    };
    assert!(s.ingest(&broken).is_err());
    assert!(s.article(KEY_B).unwrap().is_none());
    assert_eq!(s.feed_entries(feed).unwrap().len(), 2);
    assert_eq!(s.list_proposals(None).unwrap().len(), 2);

    // Accepting keeps the provenance: the claim's note names the proposal, the reviewer and
    // the article; the proposal keeps the offsets and rules.
    let id = first.proposals[0].id;
    let acc = s
        .accept_proposal(id, "ann", &ClaimDraft::default())
        .unwrap();
    let c = s.claim(&acc.claim_id).unwrap().unwrap();
    let note = c.claim.note.unwrap();
    assert!(note.contains(&format!("proposal {id} by ann")), "{note}");
    assert!(note.contains("“Talks go well”"), "{note}");
    assert!(note.contains("<https://example.org/a>"), "{note}");
    assert!(note.contains("content key aaaa00000000…"), "{note}");
    assert!(note.contains("quote at characters 50–60"), "{note}");
    let p = s.get_proposal(id).unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::Accepted);
    assert_eq!(p.reviewer.as_deref(), Some("ann"));
    assert_eq!(p.provenance["quote"]["start"], 50);
    assert_eq!(p.provenance["rules"][0], "cue: `said` (speech verb)");
    // Rejected ones keep their reason.
    let other = first.proposals[1].id;
    s.reject_proposal(other, "bob", "not about the deal")
        .unwrap();
    let r = s.get_proposal(other).unwrap().unwrap();
    assert_eq!(r.reason.as_deref(), Some("not about the deal"));
    assert_eq!(r.reviewer.as_deref(), Some("bob"));
    assert!(s.check_integrity().unwrap().is_empty());
}

#[test]
fn articles_and_entries_on_sqlite() {
    on_sqlite(articles_and_entries);
}

#[test]
fn articles_and_entries_on_postgres() {
    on_postgres("articles_and_entries", "ar", articles_and_entries);
}

/// A store made by the previous schema (2) gains the new tables when opened, keeping its queue.
#[test]
fn a_version_2_sqlite_store_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut s = accord_store::create(path.to_str().unwrap()).unwrap();
        s.add_proposals(&[proposal("old", KEY_A)]).unwrap();
    }
    {
        // Back to what version 2 left: without the tables of migration 3.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE feed_entries; DROP TABLE articles; PRAGMA user_version = 2;
             UPDATE meta SET value = '2' WHERE key = 'schema_version';",
        )
        .unwrap();
    }
    let mut s = accord_store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
    assert_eq!(s.list_proposals(None).unwrap().len(), 1);
    assert!(s.article(KEY_A).unwrap().is_none());
    assert!(s.feed_entries("f").unwrap().is_empty());
}
