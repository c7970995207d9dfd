//! The HTTP API, in process (no network): every route with no token (401), a viewer's token
//! (reads 200, writes 403), an editor's (writes); strict bodies (unknown fields 422, broken
//! JSON 400, wrong type 415, oversize 413); security headers on every response; cross-site
//! writes refused; permalinks stable after new claims; no 5xx for malformed requests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::net::SocketAddr;
use std::sync::Arc;

use accord_server::{App, Config, router};
use accord_store::{ClaimDraft, NewProposal, Role};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Fixture {
    _dir: tempfile::TempDir,
    app: axum::Router,
    viewer: String,
    editor: String,
    admin: String,
    db: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").to_str().unwrap().to_string();
    let mut store = accord_store::create(&db).unwrap();
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(store.as_mut(), files, "(bundled)").unwrap();
    let mut tok = |name: &str, role: Role| {
        store.add_user(name, role, None).unwrap();
        accord_server::auth::create_api_token(store.as_mut(), name, None).unwrap()
    };
    let viewer = tok("vera", Role::Viewer);
    let editor = tok("ed", Role::Editor);
    let admin = tok("ada", Role::Admin);
    store
        .add_proposals(&[NewProposal {
            dedup_key: "k1".into(),
            draft: ClaimDraft {
                about: Some("epd_pharma".into()),
                asserts: Some(accord_model::Asserts::Status),
                value: Some("agreed".into()),
                valid: Some(accord_model::FuzzyDate::parse("2025-12-02").unwrap()),
                known: Some(jiff::civil::date(2025, 12, 2)),
                source: Some(first_source(&db)),
                quote: Some("<script>alert(1)</script> agreed".into()),
                ..ClaimDraft::default()
            },
            provenance: json!({"url": "javascript:alert(1)", "title": "<b>x</b>"}),
        }])
        .unwrap();
    drop(store);
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let app = App::open(Config::new(addr, db.clone())).unwrap();
    Fixture {
        _dir: dir,
        app: router(Arc::new(app)),
        viewer,
        editor,
        admin,
        db,
    }
}

fn first_source(db: &str) -> String {
    let mut s = accord_store::open(db).unwrap();
    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    ds.sources[0].id.clone()
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
    extra: &[(&str, &str)],
) -> Resp {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:7878");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    let req = match body {
        Some((ct, bytes)) => b
            .header("content-type", ct)
            .body(Body::from(bytes))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

fn json_body(v: Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", serde_json::to_vec(&v).unwrap()))
}

const D: &str = "as_of=2025-12-17&known_at=2025-12-17";

/// A request for each route in the OpenAPI document, with a body that works for an editor.
fn sample(method: &str, path: &str) -> (String, Option<Value>) {
    let p = path
        .replace("/api/why/{id}", "/api/why/tpd")
        .replace("/api/timeline/{id}", "/api/timeline/tpd")
        .replace(
            "/api/claims/{id}/retract",
            "/api/claims/cl_ft_ntb_open/retract",
        )
        .replace("/api/claims/{id}", "/api/claims/cl_ft_ntb_open")
        .replace("/api/review/{id}/reject", "/api/review/2/reject")
        .replace("/api/review/{id}", "/api/review/1");
    let q = match (method, path) {
        ("get", "/api/whatif") => format!("?{D}&claim=commitments(epd,%20by:%20uk)%20met"),
        ("get", p)
            if p.starts_with("/api/")
                && !p.contains("review")
                && p != "/api/me"
                && p != "/api/users"
                && !p.starts_with("/api/claims") =>
        {
            format!("?{D}")
        }
        _ => String::new(),
    };
    let body = match (method, path) {
        ("post", "/api/whatif") => {
            Some(json!({"as_of": "2025-12-17", "claims": ["tech_track status=active"]}))
        }
        ("post", "/api/claims") => Some(json!({
            "id": "api_test_claim", "about": "tech_track", "asserts": "status", "value": "active",
            "valid": "2025-12-17", "known": "2025-12-17", "source": "bbc_2025_12_16_tech_deal"
        })),
        ("post", "/api/claims/{id}/retract") => Some(json!({"reason": "test"})),
        ("post", "/api/review") => {
            Some(json!({"proposals": [{"dedup_key": "k2", "draft": {"about": "tpd"}}]}))
        }
        ("post", "/api/review/{id}/accept") => Some(json!({})),
        ("post", "/api/review/{id}/reject") => Some(json!({"reason": "no"})),
        _ => None,
    };
    (format!("{p}{q}"), body)
}

fn method_of(m: &str) -> Method {
    if m == "post" {
        Method::POST
    } else {
        Method::GET
    }
}

#[tokio::test]
async fn every_route_needs_a_token_and_a_viewer_cannot_write() {
    let f = fixture();
    for (m, path, _, role, _) in accord_server::openapi::ROUTES {
        let (uri, body) = sample(m, path);
        let b = || body.clone().and_then(json_body);
        let anon = call(&f.app, method_of(m), &uri, None, b(), &[]).await;
        if *role == "none" {
            assert_eq!(anon.status, StatusCode::OK, "{m} {uri}");
            continue;
        }
        assert_eq!(
            anon.status,
            StatusCode::UNAUTHORIZED,
            "{m} {uri} without a token"
        );
        assert_eq!(anon.json()["error"]["code"], "unauthorized");
        let bogus = call(&f.app, method_of(m), &uri, Some("acc_nope"), b(), &[]).await;
        assert_eq!(
            bogus.status,
            StatusCode::UNAUTHORIZED,
            "{m} {uri} bad token"
        );
        let v = call(&f.app, method_of(m), &uri, Some(&f.viewer), b(), &[]).await;
        match *role {
            "viewer" => assert_eq!(
                v.status,
                StatusCode::OK,
                "{m} {uri} as a viewer: {}",
                String::from_utf8_lossy(&v.body)
            ),
            _ => {
                assert_eq!(v.status, StatusCode::FORBIDDEN, "{m} {uri} as a viewer");
                assert_eq!(v.json()["error"]["code"], "forbidden");
            }
        }
    }
}

#[tokio::test]
async fn editors_write_and_every_documented_route_answers() {
    let f = fixture();
    for (m, path, _, role, _) in accord_server::openapi::ROUTES {
        let (uri, body) = sample(m, path);
        let token = if *role == "admin" {
            &f.admin
        } else {
            &f.editor
        };
        let r = call(
            &f.app,
            method_of(m),
            &uri,
            Some(token),
            body.and_then(json_body),
            &[],
        )
        .await;
        assert!(
            r.status.is_success(),
            "{m} {uri}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        if path.starts_with("/api/") {
            assert_eq!(
                r.headers.get("content-type").unwrap(),
                "application/json",
                "{m} {uri}"
            );
        }
    }
    // What the writes did: the claim is there, and so is its retraction.
    let r = call(
        &f.app,
        Method::GET,
        "/api/claims/api_test_claim",
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = call(
        &f.app,
        Method::GET,
        "/api/claims/cl_ft_ntb_open_retracted",
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(r.json()["claim"]["retracts"], "cl_ft_ntb_open");
    // An undocumented /api path is a JSON 404.
    let r = call(
        &f.app,
        Method::GET,
        "/api/nothing",
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn the_openapi_document_lists_exactly_the_routes() {
    let f = fixture();
    let r = call(&f.app, Method::GET, "/openapi.json", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut n = 0;
    for (path, ops) in paths {
        for (m, _) in ops.as_object().unwrap() {
            n += 1;
            assert!(
                accord_server::openapi::ROUTES
                    .iter()
                    .any(|(rm, rp, ..)| rm == m && rp == path),
                "{m} {path}"
            );
        }
    }
    assert_eq!(n, accord_server::openapi::ROUTES.len());
    // Each route's other method is not served (405), and nothing undocumented under /api.
    let r = call(
        &f.app,
        Method::DELETE,
        "/api/status",
        Some(&f.editor),
        None,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bodies_are_strict_and_limited() {
    let f = fixture();
    let ed = Some(f.editor.as_str());
    // Unknown field in a claim: 422.
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        json_body(json!({"id": "x1", "about": "tpd", "asserts": "status", "value": "paused",
            "valid": "2025-12", "known": "2025-12-16", "source": "bbc_2025_12_16_tech_deal", "colour": "red"})),
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    // Unknown fields in every other body: 422.
    for (uri, body) in [
        ("/api/whatif", json!({"claims": [], "extra": 1})),
        (
            "/api/claims/cl_ft_ntb_open/retract",
            json!({"reason": "x", "why": 1}),
        ),
        ("/api/review", json!({"proposals": [], "more": 1})),
        ("/api/review/1/accept", json!({"edits": {"colour": "red"}})),
        ("/api/review/1/reject", json!({"reason": "x", "y": 2})),
    ] {
        let r = call(&f.app, Method::POST, uri, ed, json_body(body), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
    }
    // Not JSON: 400. Not declared as JSON: 415.
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        Some(("application/json", b"{\"id\": ".to_vec())),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        Some(("text/plain", b"{}".to_vec())),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A claim that fits the shape but not the dataset: 422 with the diagnostics.
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        json_body(
            json!({"id": "x2", "about": "no_such_item", "asserts": "status", "value": "paused",
            "valid": "2025-12", "known": "2025-12-16", "source": "bbc_2025_12_16_tech_deal"}),
        ),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["details"].is_array());
    // A taken id: 409.
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        json_body(
            json!({"id": "cl_ft_ntb_open", "about": "tpd", "asserts": "status", "value": "paused",
            "valid": "2025-12", "known": "2025-12-16", "source": "bbc_2025_12_16_tech_deal"}),
        ),
        &[],
    )
    .await;
    assert!(
        r.status == StatusCode::CONFLICT || r.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.status
    );
    // Over 64 KiB: 413, with and without a Content-Length.
    let big = vec![b' '; 70 * 1024];
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        ed,
        Some(("application/json", big.clone())),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let stream = Body::from_stream(futures_stream(big));
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/whatif")
        .header("host", "127.0.0.1:7878")
        .header("authorization", format!("Bearer {}", f.editor))
        .header("content-type", "application/json")
        .body(stream)
        .unwrap();
    let r = f.app.clone().oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_stream(
    bytes: Vec<u8>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    struct Chunks(Vec<Vec<u8>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(if self.0.is_empty() {
                None
            } else {
                Some(Ok(self.0.remove(0)))
            })
        }
    }
    Chunks(bytes.chunks(4096).map(<[u8]>::to_vec).collect())
}

#[tokio::test]
async fn malformed_requests_never_get_a_5xx() {
    let f = fixture();
    let v = Some(f.viewer.as_str());
    let ed = Some(f.editor.as_str());
    let gets = [
        "/api/status?as_of=yesterday",
        "/api/status?as_of=2025-13-45",
        "/api/status?as_of=2025-12-17&as_of=2025-12-18",
        "/api/status?colour=red",
        "/api/status?id=no_such_item",
        "/api/status?rev=-1",
        "/api/status?rev=abc",
        "/api/status?%zz=1",
        "/api/why/no_such_item",
        "/api/why/%00%ff",
        "/api/timeline/..%2F..%2Fetc",
        "/api/whatif",
        "/api/whatif?claim=garbage%20%3D%3D",
        "/api/whatif?claim=tpd%20status=not_a_status",
        "/api/exposure?id=nope",
        "/api/items?kind=planet",
        "/api/review?status=maybe",
        "/api/review/abc",
        "/api/review/0",
        "/api/review/99999",
        "/api/claims/does_not_exist",
        "/item/nope",
        "/item/%3Cscript%3E",
        "/graph?focus=%3Cb%3E",
        "/whatif?claims=%3Cscript%3E",
        "/search?q=%3Cscript%3Ealert(1)%3C/script%3E",
        "/assets/../../etc/passwd",
        "/nothing/here",
    ];
    for uri in gets {
        let r = call(&f.app, Method::GET, uri, v, None, &[]).await;
        assert!(r.status.as_u16() < 500, "GET {uri}: {}", r.status);
        if uri.starts_with("/api/") {
            assert!(r.status.as_u16() >= 400, "GET {uri}: {}", r.status);
        }
    }
    let junk: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"x\"".to_vec(),
        b"{\"id\": 5}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x01],
        b"{}{}".to_vec(),
        b"{\"reason\": \"\"}".to_vec(),
        b"{\"proposals\": [{\"dedup_key\": \"\", \"draft\": {}}]}".to_vec(),
        b"{\"edits\": {\"valid\": \"not a date\"}}".to_vec(),
        b"{\"claims\": [\"tpd\"], \"as_of\": \"soon\"}".to_vec(),
    ];
    for uri in [
        "/api/claims",
        "/api/claims/cl_ft_ntb_open/retract",
        "/api/claims/none/retract",
        "/api/whatif",
        "/api/review",
        "/api/review/1/accept",
        "/api/review/1/reject",
        "/api/review/999/accept",
        "/review/1/accept",
        "/review/abc/reject",
        "/signin",
    ] {
        for body in &junk {
            for ct in [
                "application/json",
                "application/x-www-form-urlencoded",
                "text/plain",
            ] {
                let r = call(&f.app, Method::POST, uri, ed, Some((ct, body.clone())), &[]).await;
                assert!(
                    r.status.as_u16() < 500,
                    "POST {uri} {ct} {:?}: {} {}",
                    String::from_utf8_lossy(body),
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
            }
        }
    }
}

#[tokio::test]
async fn security_headers_on_every_response_and_cross_site_writes_refused() {
    let f = fixture();
    for uri in [
        "/",
        "/signin",
        "/api/status",
        "/openapi.json",
        "/assets/app.css",
        "/nope",
    ] {
        let r = call(&f.app, Method::GET, uri, None, None, &[]).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(r.headers.get("referrer-policy").unwrap(), "same-origin");
    }
    let body = || json_body(json!({"reason": "no"}));
    for h in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let r = call(
            &f.app,
            Method::POST,
            "/api/review/1/reject",
            Some(&f.editor),
            body(),
            &[h],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{h:?}");
        assert_eq!(r.json()["error"]["code"], "cross_site");
    }
    // The same write from the same origin goes through.
    let r = call(
        &f.app,
        Method::POST,
        "/api/review/1/reject",
        Some(&f.editor),
        body(),
        &[
            ("origin", "http://127.0.0.1:7878"),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
}

#[tokio::test]
async fn a_permalink_gives_the_same_answer_after_new_claims() {
    let f = fixture();
    let first = call(
        &f.app,
        Method::GET,
        &format!("/api/status?id=tech_track&{D}"),
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    let rev: i64 = first
        .headers
        .get("accord-rev")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let link = format!("/api/status?id=tech_track&{D}&rev={rev}");
    let pinned = call(&f.app, Method::GET, &link, Some(&f.viewer), None, &[]).await;
    assert_eq!(pinned.body, first.body);
    // A claim recorded now that says it was known on the 16th changes the unpinned answer…
    let r = call(
        &f.app,
        Method::POST,
        "/api/claims",
        Some(&f.editor),
        json_body(json!({"id": "late_news", "about": "tech_track", "asserts": "status", "value": "active",
            "valid": "2025-12-17", "known": "2025-12-17", "source": "bbc_2025_12_16_tech_deal", "speaker": "downing_street"})),
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let now = call(
        &f.app,
        Method::GET,
        &format!("/api/status?id=tech_track&{D}"),
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_ne!(now.body, first.body);
    // …and not the permalink.
    let again = call(&f.app, Method::GET, &link, Some(&f.viewer), None, &[]).await;
    assert_eq!(again.body, first.body);
}

#[tokio::test]
async fn accepting_a_proposal_appends_the_claim_and_changes_the_status() {
    let f = fixture();
    let before = call(
        &f.app,
        Method::GET,
        &format!("/api/status?id=epd_pharma&{D}"),
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(
        before.json()["items"][0]["status"]["reported"]["status"],
        "proposed"
    );
    let r = call(
        &f.app,
        Method::POST,
        "/api/review/1/accept",
        Some(&f.editor),
        None,
        &[],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(r.json()["claim_id"], "review.p1");
    let after = call(
        &f.app,
        Method::GET,
        &format!("/api/status?id=epd_pharma&{D}"),
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(
        after.json()["items"][0]["status"]["reported"]["status"],
        "agreed"
    );
    let again = call(
        &f.app,
        Method::POST,
        "/api/review/1/accept",
        Some(&f.editor),
        None,
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let p = call(
        &f.app,
        Method::GET,
        "/api/review/1",
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert_eq!(p.json()["status"], "accepted");
    assert_eq!(p.json()["reviewer"], "ed");
    let c = call(
        &f.app,
        Method::GET,
        "/api/claims/review.p1",
        Some(&f.viewer),
        None,
        &[],
    )
    .await;
    assert!(
        c.json()["claim"]["note"]
            .as_str()
            .unwrap()
            .contains("proposal 1 by ed")
    );
    let _ = &f.db;
}

#[tokio::test]
async fn pages_escape_what_comes_from_sources() {
    let f = fixture();
    // Sign in with the editor's token through the form, then read the review page.
    let r = call(
        &f.app,
        Method::POST,
        "/signin",
        None,
        Some((
            "application/x-www-form-urlencoded",
            format!("token={}&next=%2Freview", f.editor).into_bytes(),
        )),
        &[("origin", "http://127.0.0.1:7878")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get("location").unwrap(), "/review");
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().unwrap().to_string();
    let page = call(
        &f.app,
        Method::GET,
        "/review",
        None,
        None,
        &[("cookie", &pair)],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8(page.body).unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(!html.contains("<b>x</b>"));
    // Without a session the page sends you to sign in.
    let r = call(&f.app, Method::GET, "/review", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.headers
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("/signin")
    );
    // A wrong token: 401 and the form again.
    let r = call(
        &f.app,
        Method::POST,
        "/signin",
        None,
        Some((
            "application/x-www-form-urlencoded",
            b"token=acc_wrong".to_vec(),
        )),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The session works for the API too, and signing out ends it.
    let me = call(
        &f.app,
        Method::GET,
        "/api/me",
        None,
        None,
        &[("cookie", &pair)],
    )
    .await;
    assert_eq!(me.json()["name"], "ed");
    let out = call(
        &f.app,
        Method::POST,
        "/signout",
        None,
        None,
        &[("cookie", &pair)],
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_408() {
    struct Never;
    impl futures_core::Stream for Never {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Pending
        }
    }
    let f = fixture();
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), f.db.clone());
    config.timeout = std::time::Duration::from_millis(300);
    let app = router(Arc::new(App::open(config).unwrap()));
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/claims")
        .header("host", "127.0.0.1:7878")
        .header("authorization", format!("Bearer {}", f.editor))
        .header("content-type", "application/json")
        .body(Body::from_stream(Never))
        .unwrap();
    let r = app.oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::REQUEST_TIMEOUT);
}

#[tokio::test]
async fn signing_in_with_a_password() {
    let f = fixture();
    {
        let mut s = accord_store::open(&f.db).unwrap();
        let hash = accord_server::auth::hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        s.add_user("pat", Role::Viewer, Some(&hash)).unwrap();
    }
    let form = |body: &str| {
        Some((
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        ))
    };
    let ok = call(
        &f.app,
        Method::POST,
        "/signin",
        None,
        form("name=pat&password=correct+horse+battery&next=%2Fgraph"),
        &[],
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.headers.get("location").unwrap(), "/graph");
    let pair = ok
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = call(
        &f.app,
        Method::GET,
        "/api/me",
        None,
        None,
        &[("cookie", &pair)],
    )
    .await;
    assert_eq!(me.json()["role"], "viewer");
    // A viewer's session cannot write.
    let w = call(
        &f.app,
        Method::POST,
        "/api/review/1/reject",
        None,
        json_body(json!({"reason": "x"})),
        &[("cookie", &pair)],
    )
    .await;
    assert_eq!(w.status, StatusCode::FORBIDDEN);
    for bad in [
        "name=pat&password=wrong+horse+battery",
        "name=nobody&password=correct+horse+battery",
        "name=pat",
    ] {
        let r = call(&f.app, Method::POST, "/signin", None, form(bad), &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(r.headers.get("set-cookie").is_none());
    }
    // `next` never leads off the site.
    let r = call(
        &f.app,
        Method::POST,
        "/signin",
        None,
        form("name=pat&password=correct+horse+battery&next=%2F%2Fevil.example"),
        &[],
    )
    .await;
    assert_eq!(r.headers.get("location").unwrap(), "/");
}

#[tokio::test]
async fn a_viewer_cannot_accept_or_reject_from_the_review_page() {
    let f = fixture();
    for (uri, body) in [
        ("/review/1/accept", "x=1"),
        ("/review/1/reject", "reason=not+relevant"),
    ] {
        let r = call(
            &f.app,
            Method::POST,
            uri,
            Some(&f.viewer),
            Some((
                "application/x-www-form-urlencoded",
                body.as_bytes().to_vec(),
            )),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        let text = String::from_utf8_lossy(&r.body);
        assert!(text.contains("only an editor"), "{uri}: {text}");
    }
}
