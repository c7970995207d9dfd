//! The JSON API. Reads answer with the shapes of the CLI's `--json` (`docs/json-output.md`);
//! every read takes `as_of` and `known_at` (`YYYY-MM-DD`; default today, and `known_at`
//! defaults to `as_of`) and `rev` (the store's claim `seq` to read at; default the latest).
//! Each read says the revision it used in the `Accord-Rev` header, so a client can pin it.
//!
//! Errors are `{"error": {"status": 422, "code": "invalid", "message": "…"}}` with a
//! `details` array when there is more to say. Unknown query parameters and unknown JSON
//! fields are refused (400 / 422); no malformed request gets a 5xx.

use accord_engine::{ContestedItem, Engine, ItemReport};
use accord_model::{Claim, ItemKind};
use accord_store::ops::{ClaimWriter, OpError};
use accord_store::{
    ArticleRecord, ClaimDraft, NewProposal, ProposalRecord, ProposalStatus, Role, Store, StoreError,
};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{App, Shared, blocking};

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => ApiError::not_found(m),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::Stale => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            e => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                e.to_string(),
            ),
        }
    }
}

impl From<OpError> for ApiError {
    fn from(e: OpError) -> Self {
        match e {
            OpError::Store(s) => s.into(),
            OpError::Input(m) => ApiError::invalid(m),
            OpError::Invalid(p) => ApiError {
                details: Some(Value::Array(p.json.clone())),
                ..ApiError::invalid(format!(
                    "{} error(s); nothing was written\n{}",
                    p.errors, p.rendered
                ))
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
        });
        if let (Some(d), Some(o)) = (self.details, body.as_object_mut()) {
            o.insert("details".into(), d);
        }
        let mut r = (self.status, axum::Json(json!({ "error": body }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"accord\""),
            );
        }
        r
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// A JSON answer with the revision it was read at.
pub fn json_at<T: Serialize>(status: StatusCode, value: &T, rev: i64) -> ApiResult {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal(format!("could not write JSON: {e}")))?;
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Bytes::from(body),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&rev.to_string()) {
        r.headers_mut().insert("accord-rev", v);
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// Query parameters.

/// A decoded query string, with its keys checked against the ones a route takes.
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = match raw {
            Some(q) => serde_urlencoded::from_str(q)
                .map_err(|e| ApiError::bad(format!("the query string cannot be read: {e}")))?,
            None => Vec::new(),
        };
        for (k, _) in &pairs {
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::bad(format!(
                    "unknown query parameter `{k}`; this route takes: {}",
                    if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
        }
        Ok(Params { pairs })
    }

    /// The value of a parameter given at most once (an empty value counts as absent).
    pub fn one(&self, key: &str) -> Result<Option<&str>, ApiError> {
        let mut it = self.pairs.iter().filter(|(k, v)| k == key && !v.is_empty());
        let first = it.next().map(|(_, v)| v.as_str());
        if it.next().is_some() {
            return Err(ApiError::bad(format!("`{key}` is given more than once")));
        }
        Ok(first)
    }

    /// Every value of a repeatable parameter (comma-separated lists are split too).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Every value of a repeatable parameter, not split on commas.
    pub fn each(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

/// The dates and revision of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub as_of: Date,
    pub known_at: Date,
    pub rev: Option<i64>,
}

/// The keys every read takes.
pub const WHEN_KEYS: [&str; 3] = ["as_of", "known_at", "rev"];

pub fn today() -> Date {
    jiff::Zoned::now().date()
}

fn parse_date(key: &str, text: &str) -> Result<Date, ApiError> {
    accord_model::date::parse_day(text).map_err(|e| ApiError::bad(format!("invalid `{key}`: {e}")))
}

impl When {
    pub fn from_params(p: &Params) -> Result<When, ApiError> {
        let as_of = match p.one("as_of")? {
            Some(t) => parse_date("as_of", t)?,
            None => today(),
        };
        let known_at = match p.one("known_at")? {
            Some(t) => parse_date("known_at", t)?,
            None => as_of,
        };
        let rev = match p.one("rev")? {
            Some(t) => Some(t.parse::<i64>().ok().filter(|r| *r >= 0).ok_or_else(|| {
                ApiError::bad(format!("invalid `rev` `{t}`: a claim seq, 0 or more"))
            })?),
            None => None,
        };
        Ok(When {
            as_of,
            known_at,
            rev,
        })
    }
}

/// Runs `f` on the engine for a read, after checking the caller may read. Returns the value
/// and the revision read at.
pub fn read<T>(
    app: &App,
    headers: &HeaderMap,
    rev: Option<i64>,
    f: impl FnOnce(&mut Engine, &str) -> Result<T, ApiError>,
) -> Result<(T, i64), ApiError> {
    app.require(headers, Role::Viewer)?;
    let mut live = app
        .live
        .lock()
        .map_err(|_| ApiError::internal("the server state is poisoned"))?;
    let at = rev.map_or(live.max_seq, |r| r.min(live.max_seq));
    let name = live.name().to_string();
    let engine = live.engine_at(rev);
    Ok((f(engine, &name)?, at))
}

fn engine_err(e: accord_engine::EngineError) -> ApiError {
    match e {
        accord_engine::EngineError::UnknownItem { .. }
        | accord_engine::EngineError::UnknownClaim { .. } => ApiError::not_found(e.to_string()),
        accord_engine::EngineError::DuplicateClaim(_) => ApiError::invalid(e.to_string()),
    }
}

/// A JSON body, read strictly: 415 without a JSON content type, 400 when it is not JSON,
/// 422 when it does not fit (unknown fields included).
pub fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as `Content-Type: application/json`",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let v = T::deserialize(&mut de).map_err(|e| {
        if e.is_syntax() || e.is_eof() || e.is_io() {
            ApiError::bad(format!("the body is not JSON: {e}"))
        } else {
            ApiError::invalid(format!("the body does not fit: {e}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::bad(format!("the body is not one JSON value: {e}")))?;
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// Shapes shared with the CLI (`docs/json-output.md`): the same fields in the same order.

#[derive(Serialize)]
pub struct StatusJson<'a> {
    pub dataset: &'a str,
    pub as_of: Date,
    pub known_at: Date,
    pub items: Vec<ItemReport>,
}

#[derive(Serialize)]
pub struct ContestedJson<'a> {
    pub dataset: &'a str,
    pub as_of: Date,
    pub known_at: Date,
    pub items: Vec<ContestedItem>,
}

/// One row of `/api/items`: the item and its derived state in brief.
#[derive(Serialize, Clone, Debug)]
pub struct ItemRow {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub summary: accord_engine::Summary,
    pub contested: bool,
}

// ---------------------------------------------------------------------------------------------
// Handlers.

pub async fn healthz() -> Response {
    (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response()
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(format!("no route `{}`", uri.path())).into_response()
    } else {
        crate::pages::not_found_page(uri.path())
    }
}

pub async fn me(State(app): State<Shared>, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        let p = app.require(&headers, Role::Viewer)?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(
            StatusCode::OK,
            &json!({"name": p.user.name, "role": p.user.role}),
            rev,
        )
    })
    .await?
}

/// Every item with its state in brief, optionally of one kind or matching a search.
pub fn item_rows(engine: &mut Engine, w: When, kind: Option<ItemKind>, q: &str) -> Vec<ItemRow> {
    let q = q.to_lowercase();
    let names: Vec<(String, ItemKind, String, String)> = engine
        .items()
        .map(|(id, k)| {
            let name = engine.dataset().name_of(id).unwrap_or(id).to_string();
            (id.to_string(), k, name, String::new())
        })
        .collect();
    let derived = engine.derive_all(w.as_of, w.known_at);
    let mut out = Vec::new();
    for (id, k, name, _) in names {
        if kind.is_some_and(|want| want != k) {
            continue;
        }
        if !q.is_empty() && !id.to_lowercase().contains(&q) && !name.to_lowercase().contains(&q) {
            continue;
        }
        let Some(summary) = derived.summary(&id) else {
            continue;
        };
        let contested = matches!(summary.reported, accord_engine::Reported::Contested { .. });
        out.push(ItemRow {
            id,
            kind: k,
            name,
            summary,
            contested,
        });
    }
    out
}

pub fn parse_kind(s: &str) -> Result<ItemKind, ApiError> {
    serde_json::from_value(Value::String(s.to_string())).map_err(|_| {
        ApiError::bad(format!(
            "unknown kind `{s}`; kinds: instrument, commitment, track, package, pledge"
        ))
    })
}

pub async fn items(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "kind", "q"])?;
    let w = When::from_params(&p)?;
    let kind = p.one("kind")?.map(parse_kind).transpose()?;
    let search = p.one("q")?.unwrap_or("").to_string();
    blocking(&app, move |app| {
        let ((name, rows), rev) = read(app, &headers, w.rev, |e, name| {
            Ok((name.to_string(), item_rows(e, w, kind, &search)))
        })?;
        json_at(
            StatusCode::OK,
            &json!({"dataset": name, "as_of": w.as_of, "known_at": w.known_at, "items": rows}),
            rev,
        )
    })
    .await?
}

pub async fn status(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "id"])?;
    let w = When::from_params(&p)?;
    let ids = p.all("id");
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, name| {
            let items = if ids.is_empty() {
                e.derive_all(w.as_of, w.known_at).reports()
            } else {
                let mut v = Vec::new();
                for id in &ids {
                    v.push(e.report(id, w.as_of, w.known_at).map_err(engine_err)?);
                }
                v
            };
            serde_json::to_value(StatusJson {
                dataset: name,
                as_of: w.as_of,
                known_at: w.known_at,
                items,
            })
            .map_err(|e| ApiError::internal(e.to_string()))
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

pub async fn why(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &WHEN_KEYS)?;
    let w = When::from_params(&p)?;
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, _| {
            e.why(&id, w.as_of, w.known_at).map_err(engine_err)
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

pub async fn timeline(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &WHEN_KEYS)?;
    // Without dates, the whole timeline (as `accord timeline`); with them, the entries up to
    // the earlier of the two (each entry is judged as known on its day).
    let cut = match (p.one("as_of")?, p.one("known_at")?) {
        (None, None) => None,
        (a, k) => {
            let a = a.map(|t| parse_date("as_of", t)).transpose()?;
            let k = k.map(|t| parse_date("known_at", t)).transpose()?;
            [a, k].into_iter().flatten().min()
        }
    };
    let w = When::from_params(&p)?;
    blocking(&app, move |app| {
        let (mut t, rev) = read(app, &headers, w.rev, |e, _| {
            e.timeline(&id).map_err(engine_err)
        })?;
        if let Some(c) = cut {
            t.entries.retain(|e| e.date <= c);
        }
        json_at(StatusCode::OK, &t, rev)
    })
    .await?
}

/// Hypothetical claims parsed from specs (`tpd status=active`, `epd.uk_formalise met`,
/// `commitments(epd, by: uk) met`).
pub fn run_whatif(
    e: &mut Engine,
    specs: &[String],
    extra: Vec<Claim>,
    w: When,
) -> Result<accord_engine::WhatIf, ApiError> {
    if specs.is_empty() && extra.is_empty() {
        return Err(ApiError::bad(
            "give at least one hypothetical claim: `ID status=VALUE`, `ID met`, `ID missed` or `ID progress=LEVEL by=PARTY`",
        ));
    }
    let mut next = 0usize;
    let mut hyps = Vec::new();
    for s in specs {
        let v = accord_engine::parse_claim_spec(e, s, &mut next, w.as_of, w.known_at)
            .map_err(|err| ApiError::invalid(format!("claim: {err}")))?;
        hyps.extend(v);
    }
    hyps.extend(extra);
    e.what_if(hyps, w.as_of, w.known_at)
        .map_err(|err| match err {
            accord_engine::EngineError::UnknownItem { .. }
            | accord_engine::EngineError::UnknownClaim { .. }
            | accord_engine::EngineError::DuplicateClaim(_) => ApiError::invalid(err.to_string()),
        })
}

pub async fn whatif_get(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "claim"])?;
    let w = When::from_params(&p)?;
    let specs = p.each("claim");
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, _| {
            run_whatif(e, &specs, vec![], w)
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

/// The body of `POST /api/whatif`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIfBody {
    pub as_of: Option<String>,
    pub known_at: Option<String>,
    pub rev: Option<i64>,
    /// Specs, as `accord whatif --claim`.
    #[serde(default)]
    pub claims: Vec<String>,
    /// Whole hypothetical claims (the dataset's claim fields).
    #[serde(default)]
    pub hypotheses: Vec<Claim>,
}

pub async fn whatif_post(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    let b: WhatIfBody = json_body(&headers, &body)?;
    let as_of = match &b.as_of {
        Some(t) => parse_date("as_of", t)?,
        None => today(),
    };
    let known_at = match &b.known_at {
        Some(t) => parse_date("known_at", t)?,
        None => as_of,
    };
    let w = When {
        as_of,
        known_at,
        rev: b.rev,
    };
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, _| {
            run_whatif(e, &b.claims, b.hypotheses, w)
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

pub async fn contested(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &WHEN_KEYS)?;
    let w = When::from_params(&p)?;
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, name| {
            let items = e.contested(w.as_of, w.known_at);
            serde_json::to_value(ContestedJson {
                dataset: name,
                as_of: w.as_of,
                known_at: w.known_at,
                items,
            })
            .map_err(|e| ApiError::internal(e.to_string()))
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

pub async fn exposure(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "id"])?;
    let w = When::from_params(&p)?;
    let ids = p.all("id");
    blocking(&app, move |app| {
        let (body, rev) = read(app, &headers, w.rev, |e, _| {
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            e.exposure(&ids, w.as_of, w.known_at).map_err(engine_err)
        })?;
        json_at(StatusCode::OK, &body, rev)
    })
    .await?
}

/// A stored claim in listings: its place in the append order and the claim as written.
#[derive(Serialize)]
pub struct ClaimEntry<'a> {
    pub seq: i64,
    pub recorded_at: &'a str,
    pub claim: &'a Claim,
}

pub async fn claims(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["rev", "about", "known_at", "q"])?;
    let rev = When::from_params(&p)?.rev;
    let about = p.one("about")?.map(str::to_string);
    let known_at = p
        .one("known_at")?
        .map(|t| parse_date("known_at", t))
        .transpose()?;
    let text = p.one("q")?.unwrap_or("").to_lowercase();
    blocking(&app, move |app| {
        app.require(&headers, Role::Viewer)?;
        let live = app
            .live
            .lock()
            .map_err(|_| ApiError::internal("the server state is poisoned"))?;
        let at = rev.map_or(live.max_seq, |r| r.min(live.max_seq));
        let list: Vec<ClaimEntry<'_>> = live
            .claims_at(rev)
            .filter(|c| about.as_ref().is_none_or(|a| &c.claim.about == a))
            .filter(|c| known_at.is_none_or(|k| c.claim.known <= k))
            .filter(|c| text.is_empty() || claim_matches(&c.claim, &text))
            .map(|c| ClaimEntry {
                seq: c.seq,
                recorded_at: &c.recorded_at,
                claim: &c.claim,
            })
            .collect();
        json_at(StatusCode::OK, &json!({ "claims": list }), at)
    })
    .await?
}

/// Whether a claim's words mention `needle` (lowercase).
pub fn claim_matches(c: &Claim, needle: &str) -> bool {
    [
        Some(&c.id),
        Some(&c.about),
        c.value.as_ref(),
        c.quote.as_ref(),
        c.speaker.as_ref(),
        c.role.as_ref(),
        Some(&c.source),
        c.note.as_ref(),
    ]
    .into_iter()
    .flatten()
    .any(|s| s.to_lowercase().contains(needle))
}

pub async fn claim_get(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Viewer)?;
        let live = app
            .live
            .lock()
            .map_err(|_| ApiError::internal("the server state is poisoned"))?;
        let c = live
            .claims
            .iter()
            .find(|c| c.claim.id == id)
            .ok_or_else(|| ApiError::not_found(format!("there is no claim `{id}`")))?;
        json_at(
            StatusCode::OK,
            &ClaimEntry {
                seq: c.seq,
                recorded_at: &c.recorded_at,
                claim: &c.claim,
            },
            live.max_seq,
        )
    })
    .await?
}

/// After a write: bring this process's state up to date at once (read your writes).
fn after_write(app: &App) -> i64 {
    let _ = app.sync();
    app.live.lock().map(|l| l.max_seq).unwrap_or(0)
}

pub async fn claim_add(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Editor)?;
        let claim: Claim = json_body(&headers, &body)?;
        let applied = app
            .with_store(|s| Ok(ClaimWriter::new().add(s, std::slice::from_ref(&claim), "(api)")))?
            .map_err(ApiError::from)?;
        let rev = after_write(app);
        let (id, seq) = applied
            .claims
            .first()
            .cloned()
            .unwrap_or((claim.id.clone(), rev));
        json_at(StatusCode::CREATED, &json!({"id": id, "seq": seq}), rev)
    })
    .await?
}

/// The body of `POST /api/claims/{id}/retract`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractBody {
    pub reason: String,
    /// The source of the retraction (default: the retracted claim's).
    pub source: Option<String>,
    /// When it became known (default: today).
    pub known: Option<String>,
    /// The new claim's id (default: `ID_retracted`).
    pub id: Option<String>,
}

pub async fn claim_retract(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Editor)?;
        let b: RetractBody = json_body(&headers, &body)?;
        if b.reason.trim().is_empty() {
            return Err(ApiError::invalid("give a `reason` for the retraction"));
        }
        let known = match &b.known {
            Some(t) => parse_date("known", t).map_err(|e| ApiError::invalid(e.message))?,
            None => today(),
        };
        let applied = app
            .with_store(|s| {
                let Some(target) = s.claim(&id)? else {
                    return Err(StoreError::NotFound(format!("there is no claim `{id}`")));
                };
                let mut c = target.claim.clone();
                c.id = b.id.clone().unwrap_or_else(|| format!("{id}_retracted"));
                c.known = known;
                c.source = b.source.clone().unwrap_or(target.claim.source.clone());
                c.retracts = Some(id.clone());
                c.supersedes = None;
                c.reason = Some(b.reason.clone());
                c.note = None;
                Ok(ClaimWriter::new().add(s, &[c], "(retraction)"))
            })?
            .map_err(ApiError::from)?;
        let rev = after_write(app);
        let (new_id, seq) = applied.claims.first().cloned().unwrap_or_default();
        json_at(
            StatusCode::CREATED,
            &json!({"id": new_id, "seq": seq, "retracts": id}),
            rev,
        )
    })
    .await?
}

// ---------------------------------------------------------------------------------------------
// The review queue.

pub async fn review_list(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["status"])?;
    let status = match p.one("status")? {
        None | Some("all") => None,
        Some(s) => Some(ProposalStatus::parse(s).ok_or_else(|| {
            ApiError::bad(format!(
                "unknown status `{s}`; use proposed, accepted, rejected or all"
            ))
        })?),
    };
    blocking(&app, move |app| {
        app.require(&headers, Role::Viewer)?;
        let list = app.with_store(|s| s.list_proposals(status))?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(StatusCode::OK, &json!({ "proposals": list }), rev)
    })
    .await?
}

fn proposal_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found(format!("there is no proposal `{text}`")))
}

/// Words of the article shown either side of a proposal's quote (as `accord review show`).
pub const CONTEXT_WORDS: usize = 8;

/// A proposal's quote (else its content) in the stored text of its article: characters
/// `start..end` (Unicode scalar values), with up to [`CONTEXT_WORDS`] words either side from
/// the same paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InContext {
    pub start: usize,
    pub end: usize,
    pub before: String,
    pub text: String,
    pub after: String,
}

/// The span a proposal is about: its quote, else its content (offsets into the article).
pub fn focus(provenance: &Value) -> Option<(usize, usize)> {
    let span = |name: &str| {
        let v = provenance.get(name)?;
        let s = usize::try_from(v.get("start")?.as_u64()?).ok()?;
        let e = usize::try_from(v.get("end")?.as_u64()?).ok()?;
        Some((s, e))
    };
    span("quote").or_else(|| span("content"))
}

/// The content key of the article a proposal from `accord ingest` names.
pub fn article_key(provenance: &Value) -> Option<&str> {
    provenance.get("article")?.get("content_key")?.as_str()
}

/// For a proposal from `accord ingest`: the stored article it was found in, and its quote
/// in context (both `None` for a proposal typed in, or an article this store does not hold).
pub fn article_of(
    store: &mut dyn Store,
    p: &ProposalRecord,
) -> Result<(Option<ArticleRecord>, Option<InContext>), StoreError> {
    let Some(key) = article_key(&p.provenance) else {
        return Ok((None, None));
    };
    let article = store.article(key)?;
    let context = article.as_ref().and_then(|a| in_context(a, &p.provenance));
    Ok((article, context))
}

/// The proposal's quote in `article`'s stored text.
pub fn in_context(article: &ArticleRecord, provenance: &Value) -> Option<InContext> {
    let (start, end) = focus(provenance)?;
    let (before, text, after) = article.in_context(start, end, CONTEXT_WORDS)?;
    Some(InContext {
        start,
        end,
        before,
        text,
        after,
    })
}

/// A proposal as `accord review show --json` prints it: the stored proposal, with `article`
/// (the stored article's metadata, without its text) and `context` added when it names an
/// article this store holds.
pub fn proposal_json(
    p: &ProposalRecord,
    article: Option<&ArticleRecord>,
    context: Option<&InContext>,
) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        if let Some(a) = article {
            m.insert(
                "article".into(),
                json!({
                    "content_key": a.content_key,
                    "title": a.title,
                    "author": a.author,
                    "publisher": a.publisher,
                    "published": a.published.map(|d| d.to_string()),
                    "url": a.url,
                    "other_urls": a.other_urls,
                    "first_ingested": a.first_ingested,
                    "chars": a.text.chars().count(),
                }),
            );
        }
        if let Some(c) = context {
            m.insert("context".into(), json!(c));
        }
    }
    v
}

pub async fn review_get(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    let id = proposal_id(&id)?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Viewer)?;
        let (p, article, context) = app
            .with_store(|s| {
                let Some(p) = s.get_proposal(id)? else {
                    return Ok(None);
                };
                let (a, c) = article_of(s, &p)?;
                Ok(Some((p, a, c)))
            })?
            .ok_or_else(|| ApiError::not_found(format!("there is no proposal {id}")))?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(
            StatusCode::OK,
            &proposal_json(&p, article.as_ref(), context.as_ref()),
            rev,
        )
    })
    .await?
}

/// The body of `POST /api/review`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewAddBody {
    pub proposals: Vec<NewProposal>,
}

pub async fn review_add(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Editor)?;
        let b: ReviewAddBody = json_body(&headers, &body)?;
        if b.proposals.iter().any(|p| p.dedup_key.trim().is_empty()) {
            return Err(ApiError::invalid("every proposal needs a `dedup_key`"));
        }
        let added = app.with_store(|s| s.add_proposals(&b.proposals))?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(StatusCode::CREATED, &json!({ "added": added }), rev)
    })
    .await?
}

/// The body of `POST /api/review/{id}/accept`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    #[serde(default)]
    pub edits: ClaimDraft,
}

/// Accepts a proposal as `reviewer`; returns the claim id and seq.
pub fn accept(
    app: &App,
    id: i64,
    reviewer: &str,
    edits: &ClaimDraft,
) -> Result<accord_store::Accepted, ApiError> {
    let r = app.with_store(|s| Ok(s.accept_proposal(id, reviewer, edits)))?;
    let a = r.map_err(ApiError::from)?;
    after_write(app);
    Ok(a)
}

pub async fn review_accept(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    let id = proposal_id(&id)?;
    blocking(&app, move |app| {
        let who = app.require(&headers, Role::Editor)?;
        let b: AcceptBody = if body.is_empty() {
            AcceptBody::default()
        } else {
            json_body(&headers, &body)?
        };
        let a = accept(app, id, &who.user.name, &b.edits)?;
        let rev = a.seq;
        json_at(StatusCode::OK, &a, rev)
    })
    .await?
}

/// The body of `POST /api/review/{id}/reject`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    pub reason: String,
}

pub async fn review_reject(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    let id = proposal_id(&id)?;
    blocking(&app, move |app| {
        let who = app.require(&headers, Role::Editor)?;
        let b: RejectBody = json_body(&headers, &body)?;
        if b.reason.trim().is_empty() {
            return Err(ApiError::invalid("give a `reason` for rejecting it"));
        }
        app.with_store(|s| s.reject_proposal(id, &who.user.name, &b.reason))?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(
            StatusCode::OK,
            &json!({"proposal": id, "status": "rejected"}),
            rev,
        )
    })
    .await?
}

pub async fn users(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult {
    Params::parse(q.as_deref(), &[])?;
    blocking(&app, move |app| {
        app.require(&headers, Role::Admin)?;
        let list = app.with_store(|s| s.users())?;
        let rev = app.live.lock().map(|l| l.max_seq).unwrap_or(0);
        json_at(StatusCode::OK, &json!({ "users": list }), rev)
    })
    .await?
}
