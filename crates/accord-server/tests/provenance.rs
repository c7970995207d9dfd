//! Proposals from `accord ingest` on the dashboard and in the API, in process over a real
//! SQLite store: the review page shows the article (title linked to its address, publisher,
//! date), the quote in its context from the stored text with the quoted words marked, and how
//! it was found (speaker and candidates, cue, item, status wording → canonical, date basis,
//! rules), everything escaped; `GET /api/review/{id}` adds `article` and `context` like
//! `accord review show --json`; a claim accepted from the queue links back to its proposal
//! from the item page.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::net::SocketAddr;
use std::sync::Arc;

use accord_server::{App, Config, router};
use accord_store::{ClaimDraft, Ingest, NewArticle, NewProposal, Role};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The stored article: a hostile quote, a title with markup, an address with `&`.
const TEXT: &str = "Officials in London were upbeat on Tuesday.\n\nDowning Street said the pharma deal had been \"agreed in full <script>alert(1)</script> with Washington\" after weeks of talks, and that it would take effect next year.\n\n\"We are not there yet,\" a trade official said, \"but the steel talks are moving.\"\n";
const QUOTE: &str = "agreed in full <script>alert(1)</script> with Washington";
const KEY: &str = "75cb35e4b5a76ab93a2bf7ffaab20867378cea5ad88573f0688b2dd4af94b435";

/// Characters (Unicode scalar values) of `needle`'s first occurrence in the text.
fn span(needle: &str) -> (usize, usize) {
    let at = TEXT.find(needle).unwrap();
    let start = TEXT[..at].chars().count();
    (start, start + needle.chars().count())
}

fn part(needle: &str) -> Value {
    let (s, e) = span(needle);
    json!({"start": s, "end": e, "text": needle})
}

fn article_ref() -> Value {
    json!({"content_key": KEY, "title": "Pharma deal <b>agreed</b>", "url": "https://example.org/news/pharma?a=1&b=2",
           "publisher": "BBC News", "published": "2025-12-02"})
}

/// A proposal as `accord ingest` makes it (docs/ingest.md, "The drafts").
fn ingested() -> NewProposal {
    let (qs, qe) = span(QUOTE);
    let content = "the pharma deal had been \"agreed in full <script>alert(1)</script> with Washington\" after weeks of talks, and that it would take effect next year";
    NewProposal {
        dedup_key: format!(
            "ingest/v1/{KEY}/indirect/cue/content/speaker/item pharma_track/status/agreed"
        ),
        draft: ClaimDraft {
            about: Some("pharma_track".into()),
            asserts: Some(accord_model::Asserts::Status),
            value: Some("agreed".into()),
            valid: Some(accord_model::FuzzyDate::parse("2025-12-02").unwrap()),
            known: Some(jiff::civil::date(2025, 12, 2)),
            source: Some("reuters_2025_12_01_pharma".into()),
            speaker: Some("downing_street".into()),
            quote: Some(QUOTE.into()),
            confidence: Some(0.79),
            ..ClaimDraft::default()
        },
        provenance: json!({
            "article": article_ref(),
            "url": "https://example.org/news/pharma?a=1&b=2",
            "asserts": "status", "confidence": 0.79,
            "content": part(content),
            "cue": part("said"),
            "date_basis": "publication",
            "extract_key": "f10afd20660bd5c3b8d78f6caee7d165cd27679259291688f2bb5caf604fcd71",
            "input": "pharma.txt",
            "item": {"candidates": [["pharma_track", 0.85], ["epd_pharma", 0.7]], "confidence": 0.85,
                     "id": "pharma_track", "matched_text": "pharma deal", "span": part("pharma deal"),
                     "via": "track_of_instrument"},
            "kind": "indirect", "known_from": "the publication date",
            "quote": {"start": qs, "end": qe, "text": QUOTE},
            "quote_parts": [{"start": qs, "end": qe, "text": QUOTE}],
            "rules": ["cue: `said` (speech verb)", "content: the clause after the cue",
                      "speaker: `Downing Street` matches party `downing_street` by alias",
                      "item: `pharma_track` via track_of_instrument (`pharma deal`)",
                      "status: `agreed` → agreed for a track (vocabulary phrase `agreed`)",
                      "valid date: the publication date 2025-12-02"],
            "source_from": "--source",
            "speaker": {"candidates": [["downing_street", 1.0], ["uk", 0.4]], "confidence": 0.95,
                        "party_id": "downing_street", "span": part("Downing Street"), "text": "Downing Street"},
            "status": "agreed", "valid": "2025-12-02", "wording": "agreed"
        }),
    }
}

/// A quote split by its cue: each part is marked, the words between are not.
fn split_quote() -> NewProposal {
    let (a, _) = span("We are not there yet,");
    let (_, b) = span("but the steel talks are moving.");
    NewProposal {
        dedup_key: "split".into(),
        draft: ClaimDraft {
            about: Some("steel_track".into()),
            asserts: Some(accord_model::Asserts::Statement),
            quote: Some("We are not there yet, … but the steel talks are moving.".into()),
            ..ClaimDraft::default()
        },
        provenance: json!({
            "article": article_ref(),
            "kind": "direct", "asserts": "statement",
            "quote": {"start": a, "end": b, "text": "We are not there yet,\" a trade official said, \"but the steel talks are moving."},
            "quote_parts": [part("We are not there yet,"), part("but the steel talks are moving.")],
            "speaker": {"text": "a trade official", "span": part("a trade official"), "candidates": [], "confidence": 0.3},
            "cue": part("said"),
            "date_basis": "fallback", "valid": "2025-12-02",
            "rules": ["cue: `said` (speech verb)"]
        }),
    }
}

/// From an article this store does not hold, with an address that must not become a link.
fn elsewhere() -> NewProposal {
    NewProposal {
        dedup_key: "elsewhere".into(),
        draft: ClaimDraft {
            about: Some("tpd".into()),
            ..ClaimDraft::default()
        },
        provenance: json!({
            "article": {"content_key": "0123456789abcdef", "title": "Elsewhere", "url": "javascript:alert(2)"},
            "quote": {"start": 0, "end": 4, "text": "Here"},
            "rules": []
        }),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    viewer: String,
    editor: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").to_str().unwrap().to_string();
    let mut store = accord_store::create(&db).unwrap();
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(store.as_mut(), files, "(bundled)").unwrap();
    let viewer = {
        store.add_user("vera", Role::Viewer, None).unwrap();
        accord_server::auth::create_api_token(store.as_mut(), "vera", None).unwrap()
    };
    let editor = {
        store.add_user("ed", Role::Editor, None).unwrap();
        accord_server::auth::create_api_token(store.as_mut(), "ed", None).unwrap()
    };
    let run = Ingest {
        articles: vec![NewArticle {
            content_key: KEY.into(),
            text: TEXT.into(),
            title: Some("Pharma deal <b>agreed</b>".into()),
            author: Some("Ann <i>Writer</i>".into()),
            publisher: Some("BBC News".into()),
            published: Some(jiff::civil::date(2025, 12, 2)),
            urls: vec![
                "https://example.org/news/pharma?a=1&b=2".into(),
                "javascript:alert(3)".into(),
            ],
        }],
        feed_entries: vec![],
        proposals: vec![ingested(), split_quote(), elsewhere()],
    };
    let done = store.ingest(&run).unwrap();
    assert_eq!(
        done.proposals.iter().map(|p| p.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    drop(store);
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let app = App::open(Config::new(addr, db)).unwrap();
    Fixture {
        _dir: dir,
        app: router(Arc::new(app)),
        viewer,
        editor,
    }
}

async fn get(app: &axum::Router, uri: &str, token: &str) -> (StatusCode, String) {
    send(app, Method::GET, uri, token).await
}

async fn send(app: &axum::Router, method: Method, uri: &str, token: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:7878")
        .header("sec-fetch-site", "same-origin")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, String::from_utf8(body).unwrap())
}

/// No data came through as markup, and the page has no inline script or style.
fn assert_safe(html: &str) {
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<b>agreed"), "{html}");
    assert!(!html.contains("<i>Writer"), "{html}");
    assert!(!html.contains("href=\"javascript:"), "{html}");
    assert!(!html.contains(" style="), "{html}");
    assert!(!html.contains("<style"), "{html}");
}

const D: &str = "as_of=2025-12-03&known_at=2025-12-03";

#[tokio::test]
async fn the_review_page_shows_the_article_and_the_quote_in_context() {
    let f = fixture();
    let (status, html) = get(&f.app, &format!("/review?{D}"), &f.viewer).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_safe(&html);
    // The article: title linked to its address, publisher, date, author.
    assert!(
        html.contains("<cite><a href=\"https://example.org/news/pharma?a=1&amp;b=2\" rel=\"noopener noreferrer\" target=\"_blank\">Pharma deal &lt;b&gt;agreed&lt;/b&gt;</a></cite>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"outlet\">BBC News</span>, published <time datetime=\"2025-12-02\">2025-12-02</time>, by Ann &lt;i&gt;Writer&lt;/i&gt;"), "{html}");
    // The other address is not safe to link: shown, not linked.
    assert!(html.contains("Also seen at javascript:alert(3)."), "{html}");
    // The quote in its context, marked and escaped, with words either side.
    assert!(
        html.contains("<blockquote>…Street said the pharma deal had been &quot;<mark>agreed in full &lt;script&gt;alert(1)&lt;/script&gt; with Washington</mark>&quot; after weeks of talks, and that it…</blockquote>"),
        "{html}"
    );
    // How it was found.
    for part in [
        "<dt>speaker</dt><dd>“Downing Street” → <code>downing_street</code>, confidence 0.95",
        "candidates:</span> <code>downing_street</code> 1.00, <code>uk</code> 0.40",
        "<dt>cue</dt><dd>“said”",
        "<dt>item</dt><dd><a href=\"/item/pharma_track?as_of=2025-12-03&amp;known_at=2025-12-03\">pharma_track</a> from “pharma deal” via track of instrument, confidence 0.85",
        "<a href=\"/item/epd_pharma?as_of=2025-12-03&amp;known_at=2025-12-03\">epd_pharma</a> 0.70",
        "<dt>status</dt><dd>“agreed” → <strong>agreed</strong></dd>",
        "date basis:</span> publication — the publication date, as nothing more precise was written",
        "<li>cue: `said` (speech verb)</li>",
        "<li>status: `agreed` → agreed for a track (vocabulary phrase `agreed`)</li>",
    ] {
        assert!(html.contains(part), "missing {part}\n{html}");
    }
    // No raw JSON blobs for the nested provenance.
    assert!(!html.contains("{&quot;"), "{html}");
    // A quote split by its cue: each part marked, the cue between them not.
    assert!(
        html.contains("<mark>We are not there yet,</mark>&quot; a trade official said, &quot;<mark>but the steel talks are moving.</mark>"),
        "{html}"
    );
    // An article the store does not hold: said so; its javascript: address not linked.
    assert!(html.contains("is not in this store"), "{html}");
    // Each proposal links to its own page.
    assert!(
        html.contains(
            "<a href=\"/review?id=1&amp;as_of=2025-12-03&amp;known_at=2025-12-03\">Proposal 1</a>"
        ),
        "{html}"
    );
}

#[tokio::test]
async fn one_proposal_has_its_own_page_and_json() {
    let f = fixture();
    let (status, html) = get(&f.app, &format!("/review?id=1&{D}"), &f.viewer).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_safe(&html);
    assert!(
        html.contains("<h1>Proposal 1 <span class=\"muted\">(proposed)</span></h1>"),
        "{html}"
    );
    assert!(
        html.contains("<details class=\"extraction\" open>"),
        "{html}"
    );
    assert!(
        html.contains("<mark>agreed in full &lt;script&gt;"),
        "{html}"
    );
    assert!(!html.contains("Proposal 2"), "{html}");
    // The date form keeps the proposal.
    assert!(
        html.contains("<input type=\"hidden\" name=\"id\" value=\"1\">"),
        "{html}"
    );
    for bad in ["/review?id=99", "/review?id=x", "/review?id=0"] {
        let (status, _) = get(&f.app, bad, &f.viewer).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }
    // The API adds the article and the context, as `accord review show --json` does.
    let (status, body) = get(&f.app, "/api/review/1", &f.viewer).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["article"]["title"], "Pharma deal <b>agreed</b>");
    assert_eq!(
        v["article"]["url"],
        "https://example.org/news/pharma?a=1&b=2"
    );
    assert_eq!(v["article"]["other_urls"], json!(["javascript:alert(3)"]));
    assert_eq!(v["article"]["chars"], TEXT.chars().count());
    assert!(v["article"].get("text").is_none());
    assert_eq!(v["context"]["text"], QUOTE);
    assert_eq!(v["context"]["start"], span(QUOTE).0);
    assert_eq!(
        v["context"]["before"],
        "Street said the pharma deal had been \""
    );
    assert_eq!(
        v["context"]["after"],
        "\" after weeks of talks, and that it"
    );
    assert_eq!(v["provenance"]["speaker"]["party_id"], "downing_street");
    // A proposal whose article is not stored: neither is added.
    let (_, body) = get(&f.app, "/api/review/3", &f.viewer).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(
        v.get("article").is_none() && v.get("context").is_none(),
        "{v}"
    );
    // The OpenAPI document describes them.
    let (_, doc) = get(&f.app, "/openapi.json", &f.viewer).await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(
        doc["paths"]["/api/review/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/Proposal"
    );
    let props = &doc["components"]["schemas"]["Proposal"]["properties"];
    for k in ["provenance", "article", "context", "draft", "claim_id"] {
        assert!(props.get(k).is_some(), "{k}: {props}");
    }
}

#[tokio::test]
async fn an_accepted_claim_links_back_to_its_proposal() {
    let f = fixture();
    let (status, body) = send(&f.app, Method::POST, "/api/review/1/accept", &f.editor).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, html) = get(&f.app, &format!("/item/pharma_track?{D}"), &f.viewer).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_safe(&html);
    let link = "<a class=\"from-review\" href=\"/review?id=1&amp;as_of=2025-12-03&amp;known_at=2025-12-03\">from review proposal 1</a>";
    // In the reported status (the claim decides it) and in the list of claims about it.
    assert!(html.matches(link).count() >= 2, "{html}");
    let (_, html) = get(&f.app, &format!("/review?id=1&{D}"), &f.viewer).await;
    assert!(
        html.contains("<h1>Proposal 1 <span class=\"muted\">(accepted)</span></h1>"),
        "{html}"
    );
    assert!(html.contains("accepted by ed at "), "{html}");
    assert!(html.contains(" as claim <a href=\"/item/pharma_track?as_of=2025-12-03&amp;known_at=2025-12-03\"><code>review.p1</code></a>"), "{html}");
    // Its quote in context stays on the page of the accepted proposal.
    assert!(
        html.contains("<mark>agreed in full &lt;script&gt;"),
        "{html}"
    );
    // The review queue lists it under Reviewed, with its article.
    let (_, html) = get(&f.app, &format!("/review?{D}"), &f.viewer).await;
    let reviewed = &html[html.find("id=\"h-done\"").unwrap()..];
    assert!(
        reviewed.contains("Pharma deal &lt;b&gt;agreed&lt;/b&gt;"),
        "{reviewed}"
    );
}
