//! The OpenAPI 3.1 document served at `/openapi.json`. It lists exactly the API routes the
//! router serves (a test checks that each one answers, and that nothing else under `/api`
//! does).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Every API route: (method, path as OpenAPI writes it, summary, role needed, takes dates).
pub const ROUTES: &[(&str, &str, &str, &str, bool)] = &[
    ("get", "/healthz", "Liveness check", "none", false),
    ("get", "/openapi.json", "This document", "none", false),
    (
        "get",
        "/api/me",
        "The signed-in user and role",
        "viewer",
        false,
    ),
    (
        "get",
        "/api/items",
        "Every item with its state in brief (filter by `kind`, search with `q`)",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/status",
        "The derived state of items (`id` repeatable; default every item), as `accord status --json`",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/why/{id}",
        "The full explanation of one item, as `accord why --json`",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/timeline/{id}",
        "Every change of an item's state, as `accord timeline --json` (cut at the dates when given)",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/whatif",
        "Hypothetical claims (`claim` repeatable, as `accord whatif --claim`) and what would change",
        "viewer",
        true,
    ),
    (
        "post",
        "/api/whatif",
        "The same with a JSON body",
        "viewer",
        false,
    ),
    (
        "get",
        "/api/contested",
        "Items whose status sources contest, as `accord contested --json`",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/exposure",
        "Pledges exposed (`id` repeatable to filter), as `accord exposure --json`",
        "viewer",
        true,
    ),
    (
        "get",
        "/api/claims",
        "Stored claims with their seq (filter by `about`, `known_at`, `q`)",
        "viewer",
        false,
    ),
    (
        "post",
        "/api/claims",
        "Append a claim (validated like `accord claim add`)",
        "editor",
        false,
    ),
    (
        "get",
        "/api/claims/{id}",
        "One stored claim",
        "viewer",
        false,
    ),
    (
        "post",
        "/api/claims/{id}/retract",
        "Withdraw a claim by appending one that retracts it",
        "editor",
        false,
    ),
    (
        "get",
        "/api/review",
        "The review queue (`status`: proposed, accepted, rejected, all)",
        "viewer",
        false,
    ),
    (
        "post",
        "/api/review",
        "Add proposed claims (deduplicated by `dedup_key`)",
        "editor",
        false,
    ),
    (
        "get",
        "/api/review/{id}",
        "One proposal, as `accord review show --json`: for one from `accord ingest`, with `article` (the stored article, without its text) and `context` (the quote in the stored text)",
        "viewer",
        false,
    ),
    (
        "post",
        "/api/review/{id}/accept",
        "Accept a proposal (with optional edits): appends the claim",
        "editor",
        false,
    ),
    (
        "post",
        "/api/review/{id}/reject",
        "Reject a proposal with a reason",
        "editor",
        false,
    ),
    ("get", "/api/users", "Users and roles", "admin", false),
];

fn error_ref() -> Value {
    json!({"$ref": "#/components/schemas/Error"})
}

fn op(method: &str, path: &str, summary: &str, role: &str, dates: bool) -> Value {
    let mut params: Vec<Value> = Vec::new();
    if path.contains("{id}") {
        params.push(
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}),
        );
    }
    if dates {
        params.push(json!({"$ref": "#/components/parameters/as_of"}));
        params.push(json!({"$ref": "#/components/parameters/known_at"}));
        params.push(json!({"$ref": "#/components/parameters/rev"}));
    }
    let extra: &[(&str, &str)] = match path {
        "/api/items" => &[
            ("kind", "instrument, commitment, track, package or pledge"),
            ("q", "words in the id or name"),
        ],
        "/api/status" | "/api/exposure" => &[("id", "an item id (repeatable, or comma-separated)")],
        "/api/whatif" if method == "get" => &[(
            "claim",
            "a hypothetical claim, e.g. `commitments(epd, by: uk) met` (repeatable)",
        )],
        "/api/claims" if method == "get" => &[
            ("about", "only claims about this item"),
            ("known_at", "only claims known by this day"),
            ("q", "words in the claim"),
            ("rev", "only claims up to this seq"),
        ],
        "/api/review" if method == "get" => &[(
            "status",
            "proposed, accepted, rejected or all (default all)",
        )],
        _ => &[],
    };
    for (name, what) in extra {
        params.push(json!({"name": name, "in": "query", "required": false, "description": what, "schema": {"type": "string"}}));
    }
    let mut responses = serde_json::Map::new();
    let ok = if method == "post"
        && matches!(
            path,
            "/api/claims" | "/api/claims/{id}/retract" | "/api/review"
        ) {
        "201"
    } else {
        "200"
    };
    let schema = if method == "get" && path == "/api/review/{id}" {
        json!({"$ref": "#/components/schemas/Proposal"})
    } else {
        json!({"type": "object"})
    };
    responses.insert(
        ok.into(),
        json!({"description": "done", "content": {"application/json": {"schema": schema}}}),
    );
    responses.insert("400".into(), json!({"description": "bad request: unknown parameter, a date that is not YYYY-MM-DD, JSON that does not parse", "content": {"application/json": {"schema": error_ref()}}}));
    if role != "none" {
        responses.insert("401".into(), json!({"description": "no or unknown token", "content": {"application/json": {"schema": error_ref()}}}));
        responses.insert("403".into(), json!({"description": format!("the role {role} or higher is needed; or a write from another site"), "content": {"application/json": {"schema": error_ref()}}}));
    }
    if path.contains("{id}") {
        responses.insert("404".into(), json!({"description": "no such item, claim or proposal", "content": {"application/json": {"schema": error_ref()}}}));
    }
    if method == "post" {
        responses.insert("409".into(), json!({"description": "conflict: the id is taken, or the proposal was already reviewed", "content": {"application/json": {"schema": error_ref()}}}));
        responses.insert(
            "413".into(),
            json!({"description": "the body is larger than the limit (64 KiB)"}),
        );
        responses.insert("415".into(), json!({"description": "the body is not application/json", "content": {"application/json": {"schema": error_ref()}}}));
        responses.insert("422".into(), json!({"description": "the body does not fit (unknown fields, a missing field) or the claim is not valid; `details` has the diagnostics", "content": {"application/json": {"schema": error_ref()}}}));
    } else if path != "/healthz" && path != "/openapi.json" {
        responses.insert("422".into(), json!({"description": "a hypothetical claim that cannot be read", "content": {"application/json": {"schema": error_ref()}}}));
    }
    let mut o = json!({
        "summary": summary,
        "operationId": format!("{method}_{}", path.trim_start_matches('/').replace(['/', '{', '}', '.'], "_")),
        "parameters": params,
        "responses": responses,
    });
    if role == "none" {
        if let Some(m) = o.as_object_mut() {
            m.insert("security".into(), json!([]));
        }
    } else if let Some(m) = o.as_object_mut() {
        m.insert("x-accord-role".into(), json!(role));
    }
    if method == "post"
        && let Some(m) = o.as_object_mut()
    {
        let schema = match path {
            "/api/whatif" => json!({"$ref": "#/components/schemas/WhatIfBody"}),
            "/api/claims" => json!({"$ref": "#/components/schemas/Claim"}),
            "/api/claims/{id}/retract" => json!({"$ref": "#/components/schemas/RetractBody"}),
            "/api/review" => json!({"$ref": "#/components/schemas/ReviewAddBody"}),
            "/api/review/{id}/accept" => json!({"$ref": "#/components/schemas/AcceptBody"}),
            _ => json!({"$ref": "#/components/schemas/RejectBody"}),
        };
        m.insert(
            "requestBody".into(),
            json!({"required": path != "/api/review/{id}/accept", "content": {"application/json": {"schema": schema}}}),
        );
    }
    o
}

/// The document.
pub fn spec() -> Value {
    let mut paths = serde_json::Map::new();
    for (method, path, summary, role, dates) in ROUTES {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        if let Some(m) = entry.as_object_mut() {
            m.insert(method.to_string(), op(method, path, summary, role, *dates));
        }
    }
    let date =
        json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"});
    let draft = json!({
        "type": "object", "additionalProperties": false,
        "properties": {
            "id": {"type": "string"}, "about": {"type": "string"},
            "asserts": {"type": "string", "enum": ["status", "met", "missed", "progress", "statement", "declined_to_comment", "no_response"]},
            "value": {"type": "string"}, "by": {"type": "string"}, "valid": {"type": "string"},
            "known": date, "source": {"type": "string"}, "speaker": {"type": "string"},
            "role": {"type": "string"}, "side": {"type": "string"},
            "channel": {"type": "string", "enum": ["statement", "briefing", "interview", "social_post", "report", "document", "other"]},
            "quote": {"type": "string"}, "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "note": {"type": "string"}
        }
    });
    let proposal = json!({
        "description": "A proposal in the review queue. `article` and `context` are there for a proposal from `accord ingest` whose article the store holds (docs/ingest.md).",
        "type": "object",
        "required": ["id", "dedup_key", "status", "draft", "provenance", "created_at"],
        "properties": {
            "id": {"type": "integer"}, "dedup_key": {"type": "string"},
            "status": {"type": "string", "enum": ["proposed", "accepted", "rejected"]},
            "draft": {"$ref": "#/components/schemas/ClaimDraft"},
            "provenance": {"description": "Where it came from (any JSON); from `accord ingest`: `article`, `quote`, `quote_parts`, `content`, `speaker`, `cue`, `item`, `status`, `wording`, `valid`, `date_basis`, `rules`, …"},
            "created_at": {"type": "string"},
            "reviewer": {"type": ["string", "null"]}, "reviewed_at": {"type": ["string", "null"]},
            "reason": {"type": ["string", "null"]}, "claim_id": {"type": ["string", "null"]},
            "edits": {"oneOf": [{"$ref": "#/components/schemas/ClaimDraft"}, {"type": "null"}]},
            "article": {
                "type": "object",
                "properties": {
                    "content_key": {"type": "string"}, "title": {"type": ["string", "null"]},
                    "author": {"type": ["string", "null"]}, "publisher": {"type": ["string", "null"]},
                    "published": {"type": ["string", "null"]}, "url": {"type": ["string", "null"]},
                    "other_urls": {"type": "array", "items": {"type": "string"}},
                    "first_ingested": {"type": "string"}, "chars": {"type": "integer"}
                }
            },
            "context": {
                "description": "The quote (else the content) at characters `start`..`end` of the stored text, with up to eight words either side from its paragraph",
                "type": "object",
                "properties": {
                    "start": {"type": "integer"}, "end": {"type": "integer"},
                    "before": {"type": "string"}, "text": {"type": "string"}, "after": {"type": "string"}
                }
            }
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "accord",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Linked international deals: derived state with its reasons, claims, the review queue. Reads answer with the shapes of the CLI's `--json` (docs/json-output.md). Every read takes `as_of`, `known_at` and `rev`, and says the revision it used in the `Accord-Rev` header, so a URL with all three is a permalink to a state."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from `accord token create NAME`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "accord_session", "description": "The dashboard's session (sign in at /signin)"}
            },
            "parameters": {
                "as_of": {"name": "as_of", "in": "query", "required": false, "description": "The valid date (default today)", "schema": date},
                "known_at": {"name": "known_at", "in": "query", "required": false, "description": "Only what was known by this day (default as_of)", "schema": date},
                "rev": {"name": "rev", "in": "query", "required": false, "description": "The store revision (claim seq) to read at; default the latest", "schema": {"type": "integer", "minimum": 0}}
            },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["status", "code", "message"],
                        "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "array"}}}}
                },
                "Claim": {
                    "description": "A claim as in the dataset format (docs/dataset-format.md); unknown fields are refused.",
                    "type": "object", "additionalProperties": false,
                    "required": ["id", "about", "asserts", "valid", "known", "source"],
                    "properties": draft.get("properties").cloned().unwrap_or(Value::Null)
                },
                "ClaimDraft": draft,
                "WhatIfBody": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"as_of": date, "known_at": date, "rev": {"type": "integer"},
                        "claims": {"type": "array", "items": {"type": "string"}},
                        "hypotheses": {"type": "array", "items": {"$ref": "#/components/schemas/Claim"}}}
                },
                "RetractBody": {
                    "type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": {"reason": {"type": "string"}, "source": {"type": "string"}, "known": date, "id": {"type": "string"}}
                },
                "ReviewAddBody": {
                    "type": "object", "additionalProperties": false, "required": ["proposals"],
                    "properties": {"proposals": {"type": "array", "items": {
                        "type": "object", "additionalProperties": false, "required": ["dedup_key", "draft"],
                        "properties": {"dedup_key": {"type": "string"}, "draft": {"$ref": "#/components/schemas/ClaimDraft"}, "provenance": {}}}}}
                },
                "Proposal": proposal,
                "AcceptBody": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"edits": {"$ref": "#/components/schemas/ClaimDraft"}}
                },
                "RejectBody": {
                    "type": "object", "additionalProperties": false, "required": ["reason"],
                    "properties": {"reason": {"type": "string"}}
                }
            }
        }
    })
}

pub async fn document() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        spec().to_string(),
    )
        .into_response()
}
