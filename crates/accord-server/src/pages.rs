//! The dashboard: server-rendered pages over the same engine as the API.
//!
//! Every page takes `as_of`, `known_at` (and `rev`) like the API, and every link it draws
//! carries them, so a link is a permalink to a state. Everything from data is escaped
//! ([`crate::html`]). Pages need a signed-in user (a session cookie); without one they
//! redirect to `/signin`.

use std::collections::HashMap;
use std::fmt::Write as _;

use accord_engine::{BasisView, ClaimView, Engine, ItemReport, Node, Reported, Summary, WhatIf};
use accord_lang::Truth;
use accord_model::{Claim, Dataset, ItemKind};
use accord_store::{ArticleRecord, ClaimDraft, ProposalRecord, ProposalStatus, Role};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::{
    ApiError, InContext, Params, When, article_key, article_of, in_context, item_rows, parse_kind,
    run_whatif, today,
};
use crate::auth::{self, Principal};
use crate::html::{Ctx, Frame, Tab, attr, enc, esc, op_badge, page, reported_badge, safe_url};
use crate::{App, Shared, blocking};

/// Why a page was not shown.
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to this path.
    SignIn(String),
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError::Api(e)
    }
}

impl From<accord_store::StoreError> for PageError {
    fn from(e: accord_store::StoreError) -> Self {
        PageError::Api(e.into())
    }
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn error_page(e: &ApiError) -> Response {
    let f = Frame {
        title: "Error",
        tab: Tab::None,
        ctx: None,
        user: None,
        waiting: 0,
        path: "/",
        keep: vec![],
        rev: 0,
        dataset: "",
    };
    let main = format!(
        "<h1>{}</h1><p class=\"error-text\">{}</p><p><a href=\"/\">Back to the overview</a></p>",
        e.status.as_u16(),
        esc(&e.message)
    );
    html_response(e.status, page(&f, &main))
}

pub fn not_found_page(path: &str) -> Response {
    error_page(&ApiError::not_found(format!("There is no page `{path}`.")))
}

fn finish(r: Result<Result<Response, PageError>, ApiError>) -> Response {
    match r {
        Ok(Ok(resp)) => resp,
        Ok(Err(PageError::SignIn(next))) => redirect(&format!("/signin?next={}", enc(&next))),
        Ok(Err(PageError::Api(e))) | Err(e) => error_page(&e),
    }
}

/// A path with its query string, to come back to after signing in.
fn back(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

/// The signed-in user, or a redirect to the sign-in page.
fn signed_in(app: &App, headers: &HeaderMap, path: &str) -> Result<Principal, PageError> {
    app.principal(headers)
        .ok_or_else(|| PageError::SignIn(path.to_string()))
}

/// The signed-in user when they may edit; else a sign-in redirect or 403 with `refusal`.
fn editor(
    app: &App,
    headers: &HeaderMap,
    path: &str,
    refusal: &str,
) -> Result<Principal, PageError> {
    let who = signed_in(app, headers, path)?;
    if !who.may(Role::Editor) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", refusal).into());
    }
    Ok(who)
}

/// What every page's frame needs: dataset name, revision, proposals waiting.
struct Common {
    dataset: String,
    rev: i64,
    waiting: usize,
}

fn common(app: &App) -> Common {
    let (dataset, rev) = app
        .live
        .lock()
        .map(|l| (l.name().to_string(), l.max_seq))
        .unwrap_or_default();
    let waiting = app
        .with_store(|s| s.list_proposals(Some(ProposalStatus::Proposed)))
        .map(|v| v.len())
        .unwrap_or(0);
    Common {
        dataset,
        rev,
        waiting,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of a page's frame, each named at the call"
)]
fn render(
    app: &App,
    who: &Principal,
    title: &str,
    tab: Tab,
    ctx: Ctx,
    path: &str,
    keep: Vec<(&str, String)>,
    main: &str,
) -> Response {
    let c = common(app);
    let role = who.user.role.to_string();
    let f = Frame {
        title,
        tab,
        ctx: Some(ctx),
        user: Some((&who.user.name, &role)),
        waiting: c.waiting,
        path,
        keep,
        rev: c.rev,
        dataset: &c.dataset,
    };
    html_response(StatusCode::OK, page(&f, main))
}

fn ctx_of(w: When) -> Ctx {
    Ctx {
        as_of: w.as_of,
        known_at: w.known_at,
        rev: w.rev,
    }
}

fn with_engine<T>(
    app: &App,
    rev: Option<i64>,
    f: impl FnOnce(&mut Engine) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut live = app
        .live
        .lock()
        .map_err(|_| ApiError::internal("the server state is poisoned"))?;
    f(live.engine_at(rev))
}

fn kind_title(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Instrument => "Instruments",
        ItemKind::Commitment => "Commitments",
        ItemKind::Track => "Tracks",
        ItemKind::Package => "Packages",
        ItemKind::Pledge => "Pledges",
    }
}

fn risk_text(s: &Summary, ctx: Ctx) -> String {
    match &s.at_risk {
        Some(path) if !path.is_empty() => {
            let links: Vec<String> = path
                .iter()
                .map(|id| format!("<a href=\"{}\">{}</a>", ctx.item(id), esc(id)))
                .collect();
            format!(
                "<span class=\"risk\">at risk via {}</span>",
                links.join(" → ")
            )
        }
        _ => String::new(),
    }
}

fn loop_text(s: &Summary) -> String {
    match &s.loop_ {
        Some(accord_engine::Loop::Package { package, .. }) => format!(
            "<span class=\"flag\">holds together with package {}</span>",
            esc(package)
        ),
        Some(accord_engine::Loop::SelfSupportingLoop { .. }) => {
            "<span class=\"flag warn\">self-supporting loop</span>".into()
        }
        Some(accord_engine::Loop::UnsettledLoop { .. }) => {
            "<span class=\"flag warn\">unsettled loop</span>".into()
        }
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Overview.

const OVERVIEW_KEYS: [&str; 4] = ["as_of", "known_at", "rev", "kind"];

pub async fn overview(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = signed_in(app, &headers, &back("/", q.as_deref()))?;
            let p = Params::parse(q.as_deref(), &OVERVIEW_KEYS)?;
            let w = When::from_params(&p)?;
            let only = p.one("kind")?.map(parse_kind).transpose()?;
            let ctx = ctx_of(w);
            let rows = with_engine(app, w.rev, |e| Ok(item_rows(e, w, only, "")))?;
            let mut m = String::new();
            let not_op = rows
                .iter()
                .filter(|r| r.summary.operative == Truth::False)
                .count();
            let contested = rows.iter().filter(|r| r.contested).count();
            let at_risk = rows.iter().filter(|r| r.summary.at_risk.is_some()).count();
            let _ = write!(
                m,
                "<h1>Overview</h1><ul class=\"cards\" aria-label=\"Totals\">\
<li><span class=\"n\">{}</span> items</li>\
<li class=\"bad\"><span class=\"n\">{not_op}</span> not operative</li>\
<li class=\"contested\"><span class=\"n\">{contested}</span> contested</li>\
<li class=\"risk\"><span class=\"n\">{at_risk}</span> at risk</li></ul>",
                rows.len()
            );
            for kind in [
                ItemKind::Instrument,
                ItemKind::Track,
                ItemKind::Package,
                ItemKind::Pledge,
                ItemKind::Commitment,
            ] {
                let of_kind: Vec<_> = rows.iter().filter(|r| r.kind == kind).collect();
                if of_kind.is_empty() {
                    continue;
                }
                let id = kind.to_string();
                let open = if kind == ItemKind::Commitment && only.is_none() {
                    ""
                } else {
                    " open"
                };
                let _ = write!(
                    m,
                    "<section aria-labelledby=\"h-{id}\"><details{open}><summary><h2 id=\"h-{id}\">{} <span class=\"muted\">({})</span></h2></summary>\
<table class=\"items\"><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Status</th><th scope=\"col\">Operative</th><th scope=\"col\">Notes</th></tr></thead><tbody>",
                    kind_title(kind),
                    of_kind.len()
                );
                for r in of_kind {
                    let flag = if r.contested {
                        "<span class=\"flag contested\" title=\"Sources disagree about its status\">⚑ contested</span> "
                    } else {
                        ""
                    };
                    let _ = write!(
                        m,
                        "<tr data-id=\"{}\"><th scope=\"row\"><a href=\"{}\">{}</a><span class=\"id\">{}</span></th><td>{}</td><td>{}</td><td>{flag}{}{}</td></tr>",
                        attr(&r.id),
                        ctx.item(&r.id),
                        esc(&r.name),
                        esc(&r.id),
                        reported_badge(&r.summary.reported),
                        op_badge(r.summary.operative),
                        risk_text(&r.summary, ctx),
                        loop_text(&r.summary),
                    );
                }
                m.push_str("</tbody></table></details></section>");
            }
            Ok(render(
                app,
                &who,
                "Overview",
                Tab::Overview,
                ctx,
                "/",
                only.map(|k| vec![("kind", k.to_string())])
                    .unwrap_or_default(),
                &m,
            ))
        })
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// Claims.

fn said(quote: Option<&str>, wording: Option<&str>, asserts: &str) -> String {
    match (quote, wording) {
        (Some(q), _) => format!("<q>{}</q>", esc(q)),
        (None, Some(w)) => format!("<q>{}</q>", esc(w)),
        (None, None) => format!("<em>{}</em>", esc(&asserts.replace('_', " "))),
    }
}

fn asserts_name(a: accord_model::Asserts) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The review proposal a claim was accepted from: the number in its note ("accepted from
/// review proposal N by …", which the store writes on acceptance), else in its id
/// (`review.pN`, the default id of an accepted proposal's claim).
pub(crate) fn proposal_of_claim(c: &Claim) -> Option<i64> {
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

/// Which claims were accepted from the review queue (claim id → proposal), so that each one
/// links back to its proposal: the article, the quote in context, how it was extracted.
struct FromReview {
    ids: HashMap<String, i64>,
    ctx: Ctx,
}

impl FromReview {
    fn none(ctx: Ctx) -> FromReview {
        FromReview {
            ids: HashMap::new(),
            ctx,
        }
    }

    fn of<'a>(claims: impl Iterator<Item = &'a Claim>, ctx: Ctx) -> FromReview {
        let ids = claims
            .filter_map(|c| Some((c.id.clone(), proposal_of_claim(c)?)))
            .collect();
        FromReview { ids, ctx }
    }

    /// ` · from review proposal N` (a link to it), or nothing.
    fn link(&self, claim_id: &str) -> String {
        match self.ids.get(claim_id) {
            Some(n) => format!(
                " · <a class=\"from-review\" href=\"{}\">from review proposal {n}</a>",
                proposal_href(self.ctx, *n)
            ),
            None => String::new(),
        }
    }
}

/// The review page of one proposal.
fn proposal_href(ctx: Ctx, id: i64) -> String {
    ctx.href(&format!("/review?id={id}"))
}

/// A claim as the explanation shows it.
fn claim_view_html(c: &ClaimView, rv: &FromReview) -> String {
    let mut s = String::from("<li class=\"claim\">");
    s.push_str(&said(
        c.quote.as_deref(),
        c.wording.as_deref(),
        &asserts_name(c.asserts),
    ));
    if let Some(st) = c.status {
        let _ = write!(
            s,
            " <span class=\"pill\">{}</span>",
            esc(&st.name().replace('_', " "))
        );
    }
    if let Some(l) = c.level {
        let _ = write!(
            s,
            " <span class=\"pill\">progress {}</span>",
            esc(&l.to_string())
        );
    }
    s.push_str("<div class=\"meta\">");
    if c.hypothetical {
        s.push_str("hypothetical (what-if)");
    } else {
        if let Some(sp) = &c.speaker {
            let _ = write!(s, "<span class=\"speaker\">{}</span>", esc(sp));
            if let Some(r) = &c.role {
                let _ = write!(s, " <span class=\"muted\">({})</span>", esc(r));
            }
            s.push_str(" · ");
        }
        let title = c.source.title.as_deref().unwrap_or(&c.source.id);
        let linked = match c.source.url.as_deref().and_then(safe_url) {
            Some(u) => format!(
                "<a href=\"{u}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a>",
                esc(title)
            ),
            None => esc(title),
        };
        if let Some(o) = &c.source.outlet {
            let _ = write!(s, "<span class=\"outlet\">{}</span>: ", esc(o));
        }
        let _ = write!(s, "<cite>{linked}</cite>");
        if let Some(p) = c.source.published {
            let _ = write!(s, ", {p}");
        }
    }
    let _ = write!(
        s,
        " · <span class=\"dates\">valid {}, known {}</span> <span class=\"id\">{}</span>{}</div></li>",
        esc(&c.valid),
        c.known,
        esc(&c.id),
        rv.link(&c.id)
    );
    s
}

/// A stored claim (from the dataset's raw claims), with its source looked up.
fn raw_claim_html(c: &Claim, ds: &Dataset, later: bool, rv: &FromReview) -> String {
    let mut s = format!("<li class=\"claim{}\">", if later { " later" } else { "" });
    s.push_str(&said(
        c.quote.as_deref(),
        c.value.as_deref(),
        &asserts_name(c.asserts),
    ));
    let _ = write!(
        s,
        " <span class=\"pill\">{}{}</span>",
        esc(&asserts_name(c.asserts).replace('_', " ")),
        c.value
            .as_deref()
            .map(|v| format!(": {}", esc(v)))
            .unwrap_or_default()
    );
    s.push_str("<div class=\"meta\">");
    if let Some(sp) = &c.speaker {
        let _ = write!(
            s,
            "<span class=\"speaker\">{}</span>",
            esc(ds.name_of(sp).unwrap_or(sp))
        );
        if let Some(r) = &c.role {
            let _ = write!(s, " <span class=\"muted\">({})</span>", esc(r));
        }
        s.push_str(" · ");
    }
    match ds.source(&c.source) {
        Some(src) => {
            if let Some(o) = &src.outlet {
                let _ = write!(
                    s,
                    "<span class=\"outlet\">{}</span>: ",
                    esc(ds.name_of(o).unwrap_or(o))
                );
            }
            let title = match src.url.as_deref().and_then(safe_url) {
                Some(u) => format!(
                    "<a href=\"{u}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a>",
                    esc(&src.title)
                ),
                None => esc(&src.title),
            };
            let _ = write!(s, "<cite>{title}</cite>, {}", src.published);
        }
        None => {
            let _ = write!(s, "<cite>{}</cite>", esc(&c.source));
        }
    }
    let _ = write!(
        s,
        " · <span class=\"dates\">valid {}, known {}</span> <span class=\"id\">{}</span>",
        esc(&c.valid.to_string()),
        c.known,
        esc(&c.id)
    );
    s.push_str(&rv.link(&c.id));
    if let Some(t) = c.corrects() {
        let _ = write!(s, " <span class=\"flag\">corrects {}</span>", esc(t));
    }
    if later {
        s.push_str(" <span class=\"flag\">not yet known at this date</span>");
    }
    s.push_str("</div></li>");
    s
}

fn value_pill(v: &str) -> String {
    match v {
        "" => String::new(),
        "true" => "<span class=\"v ok\">true</span>".into(),
        "false" => "<span class=\"v bad\">false</span>".into(),
        "unknown" => "<span class=\"v unknown\">unknown</span>".into(),
        v => format!("<span class=\"v\">{}</span>", esc(&v.replace('_', " "))),
    }
}

fn tree_html(n: &Node, depth: usize, s: &mut String, rv: &FromReview) {
    let has_more = !n.children.is_empty() || !n.claims.is_empty();
    s.push_str("<li>");
    if has_more {
        let open = if depth < 3 { " open" } else { "" };
        let _ = write!(
            s,
            "<details{open}><summary><span class=\"t\">{}</span> {}</summary>",
            esc(&n.text),
            value_pill(&n.value)
        );
        if !n.claims.is_empty() {
            s.push_str("<ul class=\"claims\">");
            for c in &n.claims {
                s.push_str(&claim_view_html(c, rv));
            }
            s.push_str("</ul>");
        }
        if !n.children.is_empty() {
            s.push_str("<ul class=\"tree\">");
            for c in &n.children {
                tree_html(c, depth + 1, s, rv);
            }
            s.push_str("</ul>");
        }
        s.push_str("</details>");
    } else {
        let _ = write!(
            s,
            "<span class=\"t\">{}</span> {}",
            esc(&n.text),
            value_pill(&n.value)
        );
    }
    s.push_str("</li>");
}

fn basis_html(r: &ItemReport, rv: &FromReview) -> String {
    match &r.status.basis {
        Some(BasisView::Claim { claim }) | Some(BasisView::Hypothesis { claim }) => format!(
            "<p>Decided by:</p><ul class=\"claims\">{}</ul>",
            claim_view_html(claim, rv)
        ),
        Some(BasisView::Record { field, date }) => format!(
            "<p>The dataset records <code>{} = {date}</code>.</p>",
            esc(field)
        ),
        Some(BasisView::Default) => "<p>No claim about it: open by default.</p>".into(),
        None => "<p>No claim or record.</p>".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Item page.

fn timeline_svg(t: &accord_engine::Timeline, ctx: Ctx) -> String {
    if t.entries.is_empty() {
        return String::new();
    }
    let first = t.entries.first().map(|e| e.date).unwrap_or(ctx.as_of);
    let last = t
        .entries
        .last()
        .map(|e| e.date)
        .unwrap_or(ctx.as_of)
        .max(ctx.as_of);
    let span = (last - first).get_days().max(1) as f64;
    let (w, h, pad) = (460.0, 64.0, 16.0);
    let x = |d: jiff::civil::Date| pad + ((d - first).get_days() as f64 / span) * (w - 2.0 * pad);
    let mut s = format!(
        "<svg class=\"strip\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Timeline from {first} to {last}\" preserveAspectRatio=\"xMinYMid meet\"><line x1=\"{pad}\" y1=\"26\" x2=\"{}\" y2=\"26\" class=\"axis\"/>",
        w - pad
    );
    for e in &t.entries {
        let class = if matches!(e.state.reported, Reported::Contested { .. }) {
            "contested"
        } else {
            match e.state.operative {
                Truth::True => "ok",
                Truth::False => "bad",
                Truth::Unknown => "unknown",
            }
        };
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"26\" r=\"{}\" class=\"dot {class}\"><title>{}: {}</title></circle>",
            x(e.date),
            if e.changes.is_empty() { 4 } else { 7 },
            e.date,
            esc(&e.state.reported.to_string())
        );
    }
    let ax = x(ctx.as_of);
    let _ = write!(
        s,
        "<line x1=\"{ax:.1}\" y1=\"8\" x2=\"{ax:.1}\" y2=\"44\" class=\"now\"/><text x=\"{ax:.1}\" y=\"58\" class=\"now-label{}\">as of {}</text>\
<text x=\"{pad}\" y=\"58\" class=\"end-label\">{first}</text></svg>",
        if ax < w / 2.0 { " start" } else { "" },
        ctx.as_of
    );
    s
}

fn timeline_html(t: &accord_engine::Timeline, ctx: Ctx, rv: &FromReview) -> String {
    let mut s = timeline_svg(t, ctx);
    if t.entries.is_empty() {
        s.push_str("<p class=\"muted\">Nothing recorded.</p>");
        return s;
    }
    s.push_str("<ol class=\"timeline\">");
    for e in &t.entries {
        let future = e.date > ctx.as_of;
        let _ = write!(
            s,
            "<li class=\"{}\"><div class=\"when\"><a href=\"{}\"><time datetime=\"{d}\">{d}</time></a></div><div>",
            if future { "future" } else { "" },
            Ctx {
                as_of: e.date,
                known_at: e.date,
                rev: ctx.rev
            }
            .item(&t.id),
            d = e.date
        );
        if e.changes.is_empty() {
            let _ = write!(
                s,
                "<p>No change: still {} · {}</p>",
                reported_badge(&e.state.reported),
                op_badge(e.state.operative)
            );
        } else {
            s.push_str("<ul class=\"changes\">");
            for c in &e.changes {
                let _ = write!(
                    s,
                    "<li><span class=\"field\">{}</span>: {} → <strong>{}</strong></li>",
                    esc(&c.field),
                    esc(&c.before.replace('_', " ")),
                    esc(&c.after.replace('_', " "))
                );
            }
            s.push_str("</ul>");
        }
        if !e.because.is_empty() {
            s.push_str("<ul class=\"claims\">");
            for cause in &e.because {
                match cause {
                    accord_engine::Cause::Claim { claim } => {
                        s.push_str(&claim_view_html(claim, rv))
                    }
                    accord_engine::Cause::Record { item, field, date } => {
                        let _ = write!(
                            s,
                            "<li class=\"claim record\">The dataset records <code>{}.{} = {date}</code></li>",
                            esc(item),
                            esc(field)
                        );
                    }
                }
            }
            s.push_str("</ul>");
        }
        s.push_str("</div></li>");
    }
    s.push_str("</ol>");
    s
}

pub async fn item(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let path = format!("/item/{}", enc(&id));
            let who = signed_in(app, &headers, &back(&path, q.as_deref()))?;
            let p = Params::parse(q.as_deref(), &crate::api::WHEN_KEYS)?;
            let w = When::from_params(&p)?;
            let ctx = ctx_of(w);
            let (why, timeline, claims_html, neighbours, rv) = {
                let mut live = app
                    .live
                    .lock()
                    .map_err(|_| ApiError::internal("the server state is poisoned"))?;
                let claims: Vec<Claim> = live
                    .claims_at(w.rev)
                    .filter(|c| c.claim.about == id)
                    .map(|c| c.claim.clone())
                    .collect();
                // Claims accepted from the review queue link back to their proposal (the
                // explanation may cite claims about other items too).
                let rv = FromReview::of(live.claims_at(w.rev).map(|c| &c.claim), ctx);
                let e = live.engine_at(w.rev);
                let why = e
                    .why(&id, w.as_of, w.known_at)
                    .map_err(|err| ApiError::not_found(err.to_string()))?;
                let timeline = e
                    .timeline(&id)
                    .map_err(|err| ApiError::not_found(err.to_string()))?;
                let ds = e.dataset();
                let mut ch = String::new();
                let (known, later): (Vec<&Claim>, Vec<&Claim>) =
                    claims.iter().partition(|c| c.known <= w.known_at);
                for c in &known {
                    ch.push_str(&raw_claim_html(c, ds, false, &rv));
                }
                for c in &later {
                    ch.push_str(&raw_claim_html(c, ds, true, &rv));
                }
                let neighbours = neighbours_html(ds, &id, ctx);
                (why, timeline, (ch, known.len(), later.len()), neighbours, rv)
            };
            let r = &why.item;
            let mut m = String::new();
            let _ = write!(
                m,
                "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"{}\">Overview</a> › {}</nav>\
<h1>{} <span class=\"id\">{}</span></h1><p class=\"state\"><span class=\"kind\">{}</span> {} {}</p>",
                ctx.href("/"),
                esc(kind_title(r.kind)),
                esc(&r.name),
                esc(&r.id),
                esc(&r.kind.to_string()),
                reported_badge(&r.status.reported),
                op_badge(r.operative)
            );
            // The reasons, in a sentence each.
            if !r.reasons.is_empty() {
                m.push_str("<div class=\"reasons\" role=\"note\"><h2 class=\"sr\">Why</h2><ul>");
                for reason in &r.reasons {
                    let _ = write!(m, "<li>{}</li>", esc(reason));
                }
                m.push_str("</ul></div>");
            }
            if let Some(risk) = &r.at_risk {
                let steps: Vec<String> = risk
                    .path
                    .iter()
                    .map(|s| {
                        format!(
                            "<li><a href=\"{}\">{}</a> → <a href=\"{}\">{}</a>: {}</li>",
                            ctx.item(&s.from),
                            esc(&s.from),
                            ctx.item(&s.to),
                            esc(&s.to),
                            esc(&s.via)
                        )
                    })
                    .collect();
                let _ = write!(
                    m,
                    "<div class=\"risk-box\"><h2>At risk</h2><p><a href=\"{}\">{}</a> is in trouble: {}</p><ol>{}</ol></div>",
                    ctx.item(&risk.item),
                    esc(&risk.item),
                    esc(&risk.trouble),
                    steps.join("")
                );
            }
            m.push_str("<div class=\"cols\"><div>");
            m.push_str("<section aria-labelledby=\"h-why\"><h2 id=\"h-why\">Explanation</h2><ul class=\"tree root\">");
            for c in &why.tree.children {
                tree_html(c, 0, &mut m, &rv);
            }
            m.push_str("</ul></section>");
            let _ = write!(
                m,
                "<section aria-labelledby=\"h-status\"><h2 id=\"h-status\">Reported status</h2><p>{}</p>",
                reported_badge(&r.status.reported)
            );
            if r.status.sides.is_empty() {
                m.push_str(&basis_html(r, &rv));
            } else {
                m.push_str("<div class=\"sides\">");
                for side in &r.status.sides {
                    let _ = write!(
                        m,
                        "<div class=\"side\"><h3>{} <span class=\"muted\">({} claim{})</span></h3><ul class=\"claims\">",
                        esc(&side.status.name().replace('_', " ")),
                        side.claims.len(),
                        if side.claims.len() == 1 { "" } else { "s" }
                    );
                    for c in &side.claims {
                        m.push_str(&claim_view_html(c, &rv));
                    }
                    m.push_str("</ul></div>");
                }
                m.push_str("</div>");
            }
            m.push_str("</section>");
            let _ = write!(
                m,
                "<section aria-labelledby=\"h-claims\"><h2 id=\"h-claims\">Claims about it <span class=\"muted\">({} known by {}{})</span></h2>",
                claims_html.1,
                w.known_at,
                if claims_html.2 > 0 {
                    format!(", {} later", claims_html.2)
                } else {
                    String::new()
                }
            );
            if claims_html.0.is_empty() {
                m.push_str("<p class=\"muted\">No claims are about this item.</p>");
            } else {
                let _ = write!(m, "<ul class=\"claims\">{}</ul>", claims_html.0);
            }
            m.push_str("</section></div><div>");
            let _ = write!(
                m,
                "<section aria-labelledby=\"h-timeline\"><h2 id=\"h-timeline\">Timeline</h2><p class=\"muted\">Each day judged as known that day. Select a date to see the state then.</p>{}</section>",
                timeline_html(&timeline, ctx, &rv)
            );
            let _ = write!(
                m,
                "<section aria-labelledby=\"h-links\"><h2 id=\"h-links\">Connections</h2>{neighbours}<p><a href=\"{}\">Show in the graph</a> · <a href=\"{}\">What if…</a> · <a href=\"/api/why/{}?{}\">JSON</a></p></section>",
                ctx.href(&format!("/graph?focus={}", enc(&id))),
                ctx.href(&format!("/whatif?about={}", enc(&id))),
                enc(&id),
                ctx.query().replace('&', "&amp;")
            );
            m.push_str("</div></div>");
            Ok(render(
                app,
                &who,
                &r.name,
                Tab::None,
                ctx,
                &path,
                vec![],
                &m,
            ))
        })
        .await,
    )
}

fn neighbours_html(ds: &Dataset, id: &str, ctx: Ctx) -> String {
    let (nodes, edges) = crate::graph::build(ds);
    let me = match ds.commitment(id) {
        Some((inst, _)) => inst.id.clone(),
        None => id.to_string(),
    };
    let Some(ix) = nodes.iter().position(|n| n.id == me) else {
        return String::new();
    };
    let mut out = String::new();
    let deps: Vec<String> = edges
        .iter()
        .filter(|e| e.from == ix)
        .map(|e| {
            format!(
                "<li>{} <a href=\"{}\">{}</a></li>",
                esc(&e.label),
                ctx.item(&nodes[e.to].id),
                esc(&nodes[e.to].name)
            )
        })
        .collect();
    let users: Vec<String> = edges
        .iter()
        .filter(|e| e.to == ix)
        .map(|e| {
            format!(
                "<li><a href=\"{}\">{}</a> {} it</li>",
                ctx.item(&nodes[e.from].id),
                esc(&nodes[e.from].name),
                esc(&e.label)
            )
        })
        .collect();
    if !deps.is_empty() {
        let _ = write!(out, "<h3>Depends on</h3><ul>{}</ul>", deps.join(""));
    }
    if !users.is_empty() {
        let _ = write!(out, "<h3>Depended on by</h3><ul>{}</ul>", users.join(""));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Graph.

pub async fn graph(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = signed_in(app, &headers, &back("/graph", q.as_deref()))?;
            let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "focus"])?;
            let w = When::from_params(&p)?;
            let focus = p.one("focus")?.map(str::to_string);
            let ctx = ctx_of(w);
            let svg = with_engine(app, w.rev, |e| {
                let sums = e.derive_all(w.as_of, w.known_at).summaries();
                Ok(crate::graph::svg(e.dataset(), &sums, ctx, focus.as_deref()))
            })?;
            let m = format!(
                "<h1>Dependency graph</h1><p class=\"muted\">An arrow goes from an item to what it depends on. Select an item to open it.</p>\
<ul class=\"legend\" aria-label=\"Legend\"><li><span class=\"sw ok\"></span>operative</li><li><span class=\"sw risk\"></span>operative, at risk</li><li><span class=\"sw bad\"></span>not operative</li><li><span class=\"sw unknown\"></span>indeterminate</li><li><span class=\"sw contested\"></span>contested</li>\
<li><span class=\"ln cond\"></span>conditional on</li><li><span class=\"ln linked\"></span>linked to</li><li><span class=\"ln tied\"></span>pledge tied to</li><li><span class=\"ln\"></span>part of, covers</li></ul>\
<div class=\"graph-wrap\" tabindex=\"0\" aria-label=\"Graph (scrolls)\">{svg}</div>"
            );
            let keep = focus.map(|f| vec![("focus", f)]).unwrap_or_default();
            Ok(render(app, &who, "Graph", Tab::Graph, ctx, "/graph", keep, &m))
        })
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// What-if.

fn whatif_result_html(w: &WhatIf, ctx: Ctx) -> String {
    let mut s = String::from(
        "<section aria-labelledby=\"h-result\" class=\"result\"><h2 id=\"h-result\">What would change</h2>",
    );
    s.push_str("<ul class=\"claims\">");
    for h in &w.hypotheses {
        s.push_str(&claim_view_html(h, &FromReview::none(ctx)));
    }
    s.push_str("</ul>");
    if w.changes.is_empty() {
        s.push_str("<p class=\"nothing\">Nothing changes.</p>");
    } else {
        let _ = write!(
            s,
            "<p><strong>{} item{}</strong> would change:</p><table class=\"items\"><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Before</th><th scope=\"col\">After</th><th scope=\"col\">Because</th></tr></thead><tbody>",
            w.changes.len(),
            if w.changes.len() == 1 { "" } else { "s" }
        );
        for c in &w.changes {
            let reasons: Vec<String> = c
                .reasons
                .iter()
                .map(|r| format!("<li>{}</li>", esc(r)))
                .collect();
            let _ = write!(
                s,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a><span class=\"id\">{}</span></th><td>{} {}</td><td>{} {}</td><td><ul>{}</ul></td></tr>",
                ctx.item(&c.id),
                esc(&c.name),
                esc(&c.id),
                reported_badge(&c.before.reported),
                op_badge(c.before.operative),
                reported_badge(&c.after.reported),
                op_badge(c.after.operative),
                reasons.join("")
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("<p class=\"muted\">The real state is unchanged: these claims are not stored.</p></section>");
    s
}

pub async fn whatif(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = signed_in(app, &headers, &back("/whatif", q.as_deref()))?;
            let p = Params::parse(
                q.as_deref(),
                &["as_of", "known_at", "rev", "claims", "claim", "about"],
            )?;
            let w = When::from_params(&p)?;
            let ctx = ctx_of(w);
            let mut specs: Vec<String> = p.each("claim");
            for block in p.each("claims") {
                specs.extend(
                    block
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                );
            }
            let about = p.one("about")?.map(str::to_string);
            let (result, ids) = with_engine(app, w.rev, |e| {
                let ids: Vec<String> = e.items().map(|(i, _)| i.to_string()).collect();
                let r = if specs.is_empty() {
                    None
                } else {
                    Some(run_whatif(e, &specs, vec![], w))
                };
                Ok((r, ids))
            })?;
            let text = if specs.is_empty() {
                match &about {
                    Some(a) => format!("{a} status=active"),
                    None => String::new(),
                }
            } else {
                specs.join("\n")
            };
            let mut m = String::from("<h1>What if…</h1><p class=\"muted\">Add hypothetical claims, one per line, and see every item whose state would change, with the reasons. Nothing is stored.</p>");
            let _ = write!(
                m,
                "<form method=\"get\" action=\"/whatif\" class=\"whatif\"><input type=\"hidden\" name=\"as_of\" value=\"{}\"><input type=\"hidden\" name=\"known_at\" value=\"{}\">\
<label for=\"claims\">Hypothetical claims</label><textarea id=\"claims\" name=\"claims\" rows=\"4\" spellcheck=\"false\" placeholder=\"commitments(epd, by: uk) met\">{}</textarea>\
<p class=\"help\">Forms: <code>ID status=VALUE</code>, <code>ID met</code>, <code>ID missed</code>, <code>ID progress=LEVEL by=PARTY</code>; <code>ID</code> may be <code>commitments(ITEM, by: PARTY)</code>. Optional <code>valid=DATE known=DATE</code>.</p>\
<button type=\"submit\">Run what-if</button></form>",
                ctx.as_of,
                ctx.known_at,
                esc(&text)
            );
            let examples = [
                "commitments(epd, by: uk) met",
                "epd.uk_non_tariff_barriers met",
                "tech_track status=active",
                "epd_steel status=in_force",
            ];
            m.push_str("<p class=\"examples\">Try: ");
            let links: Vec<String> = examples
                .iter()
                .filter(|ex| {
                    let head = ex.split([' ', '(']).next().unwrap_or("");
                    head == "commitments" || ids.iter().any(|i| i == head)
                })
                .map(|ex| {
                    format!(
                        "<a href=\"{}\">{}</a>",
                        ctx.href(&format!("/whatif?claims={}", enc(ex))),
                        esc(ex)
                    )
                })
                .collect();
            m.push_str(&links.join(" · "));
            m.push_str("</p>");
            m.push_str("<datalist id=\"item-ids\">");
            for i in &ids {
                let _ = write!(m, "<option value=\"{}\">", attr(i));
            }
            m.push_str("</datalist>");
            match result {
                Some(Ok(wi)) => m.push_str(&whatif_result_html(&wi, ctx)),
                Some(Err(e)) => {
                    let _ = write!(
                        m,
                        "<p class=\"error-text\" role=\"alert\">{}</p>",
                        esc(&e.message)
                    );
                }
                None => {}
            }
            let keep = if specs.is_empty() {
                vec![]
            } else {
                vec![("claims", specs.join("\n"))]
            };
            Ok(render(app, &who, "What-if", Tab::WhatIf, ctx, "/whatif", keep, &m))
        })
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// The review queue.

fn draft_rows(d: &ClaimDraft) -> String {
    let mut s = String::from("<dl class=\"draft\">");
    let mut row = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
        }
    };
    row("about", d.about.clone());
    row("asserts", d.asserts.map(asserts_name));
    row("value", d.value.clone());
    row("by", d.by.clone());
    row("valid", d.valid.as_ref().map(|v| v.to_string()));
    row("known", d.known.map(|k| k.to_string()));
    row("source", d.source.clone());
    row("speaker", d.speaker.clone());
    row("role", d.role.clone());
    row("confidence", d.confidence.map(|c| format!("{c:.2}")));
    s.push_str("</dl>");
    s
}

/// A provenance value typed in with the proposal (any JSON), as text.
fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(t) => t.clone(),
        other => other.to_string(),
    }
}

/// The provenance of a proposal typed in (`accord review add`, `POST /api/review`): each
/// top-level key, its value as text (an `http(s)` `url` linked).
fn plain_provenance_html(v: &serde_json::Value) -> String {
    let Some(o) = v.as_object() else {
        return String::new();
    };
    let mut s = String::from("<dl class=\"prov\">");
    for (k, val) in o {
        let text = json_text(val);
        let shown = if k == "url" {
            link_or_text(&text, &text)
        } else {
            esc(&text)
        };
        let _ = write!(s, "<dt>{}</dt><dd>{shown}</dd>", esc(k));
    }
    s.push_str("</dl>");
    s
}

/// `text` linked to `url` when the address is http(s), else `text` alone (escaped).
fn link_or_text(url: &str, text: &str) -> String {
    match safe_url(url) {
        Some(u) => format!(
            "<a href=\"{u}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a>",
            esc(text)
        ),
        None => esc(text),
    }
}

fn str_of<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str()
}

/// `[start–end]` of a span (`{"start", "end"}`), as characters of the stored text.
fn span_of(v: &serde_json::Value) -> Option<String> {
    Some(format!(
        "<span class=\"muted\">characters {}–{}</span>",
        v.get("start")?.as_u64()?,
        v.get("end")?.as_u64()?
    ))
}

/// Candidates as `[[id, score], …]`: "id 0.85, other 0.70" (items linked when `item`).
fn candidates_html(v: Option<&serde_json::Value>, ctx: Option<Ctx>) -> String {
    let Some(list) = v.and_then(|c| c.as_array()) else {
        return String::new();
    };
    let shown: Vec<String> = list
        .iter()
        .filter_map(|c| {
            let id = c.get(0)?.as_str()?;
            let score = c.get(1)?.as_f64()?;
            let name = match ctx {
                Some(ctx) => format!("<a href=\"{}\">{}</a>", ctx.item(id), esc(id)),
                None => format!("<code>{}</code>", esc(id)),
            };
            Some(format!("{name} {score:.2}"))
        })
        .collect();
    shown.join(", ")
}

/// What an ingested proposal's `date_basis` means.
fn date_basis_words(basis: &str) -> String {
    match basis {
        "text" => "a time expression next to the cue or in the speaker's clause".into(),
        "context" => "a date set earlier in the paragraph".into(),
        "publication" => "the publication date, as nothing more precise was written".into(),
        "fallback" => "no date could be found".into(),
        other => other.to_string(),
    }
}

/// The article an ingested proposal was found in: its title linked to its address,
/// publisher, publication date, author, other addresses and the feed entry.
fn article_html(prov: &serde_json::Value, art: Option<&ArticleRecord>) -> String {
    let a = prov.get("article");
    let title = art
        .and_then(|x| x.title.clone())
        .or_else(|| a.and_then(|a| str_of(a, "title")).map(str::to_string));
    let url = art
        .and_then(|x| x.url.clone())
        .or_else(|| a.and_then(|a| str_of(a, "url")).map(str::to_string))
        .or_else(|| str_of(prov, "url").map(str::to_string));
    let mut s = String::from("<p class=\"article\">From ");
    match (&title, &url) {
        (Some(t), Some(u)) => {
            let _ = write!(s, "<cite>{}</cite>", link_or_text(u, t));
        }
        (Some(t), None) => {
            let _ = write!(s, "<cite>{}</cite>", esc(t));
        }
        (None, Some(u)) => {
            let _ = write!(s, "an untitled article at {}", link_or_text(u, u));
        }
        (None, None) => s.push_str("an untitled article"),
    }
    let publisher = art
        .and_then(|x| x.publisher.clone())
        .or_else(|| a.and_then(|a| str_of(a, "publisher")).map(str::to_string));
    if let Some(p) = publisher {
        let _ = write!(s, ", <span class=\"outlet\">{}</span>", esc(&p));
    }
    let published = art
        .and_then(|x| x.published.map(|d| d.to_string()))
        .or_else(|| a.and_then(|a| str_of(a, "published")).map(str::to_string));
    match published {
        Some(d) => {
            let _ = write!(s, ", published <time datetime=\"{0}\">{0}</time>", esc(&d));
        }
        None => s.push_str(", no publication date"),
    }
    if let Some(by) = art.and_then(|x| x.author.as_deref()) {
        let _ = write!(s, ", by {}", esc(by));
    }
    s.push_str("</p>");
    if let Some(art) = art {
        if !art.other_urls.is_empty() {
            let others: Vec<String> = art.other_urls.iter().map(|u| link_or_text(u, u)).collect();
            let _ = write!(
                s,
                "<p class=\"muted\">Also seen at {}.</p>",
                others.join(", ")
            );
        }
    } else if let Some(k) = a.and_then(|a| str_of(a, "content_key")) {
        let _ = write!(
            s,
            "<p class=\"muted\">The article (content key <code>{}…</code>) is not in this store, so its text cannot be shown.</p>",
            esc(&k.chars().take(12).collect::<String>())
        );
    }
    s
}

/// The quote in its context from the stored article, the quoted words marked (each part of
/// a quote split by "he said" separately).
fn context_html(prov: &serde_json::Value, c: &InContext) -> String {
    let chars: Vec<char> = c.text.chars().collect();
    // The quote's parts, relative to the span shown; the whole span when they do not fit.
    let mut parts: Vec<(usize, usize)> = prov
        .get("quote_parts")
        .and_then(|p| p.as_array())
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let s = usize::try_from(p.get("start")?.as_u64()?).ok()?;
                    let e = usize::try_from(p.get("end")?.as_u64()?).ok()?;
                    (s >= c.start && e <= c.end && s < e).then(|| (s - c.start, e - c.start))
                })
                .collect()
        })
        .unwrap_or_default();
    parts.sort_unstable();
    let overlapping = parts.windows(2).any(|w| w[1].0 < w[0].1);
    if parts.is_empty() || overlapping || prov.get("quote").is_none_or(|q| q.is_null()) {
        parts = vec![(0, chars.len())];
    }
    let text = |from: usize, to: usize| esc(&chars[from..to].iter().collect::<String>());
    let mut marked = String::new();
    let mut at = 0;
    for (s, e) in parts {
        marked.push_str(&text(at, s));
        let _ = write!(marked, "<mark>{}</mark>", text(s, e));
        at = e;
    }
    marked.push_str(&text(at, chars.len()));
    format!(
        "<figure class=\"context\"><blockquote>…{}{marked}{}…</blockquote><figcaption class=\"muted\">In the stored article: {}, characters {}–{} ({} words either side, within its paragraph).</figcaption></figure>",
        esc(&c.before),
        esc(&c.after),
        if prov.get("quote").is_some_and(|q| !q.is_null()) {
            "the quote"
        } else {
            "what was said"
        },
        c.start,
        c.end,
        crate::api::CONTEXT_WORDS
    )
}

/// How an ingested proposal was extracted, for people: speaker with candidates and
/// confidence, cue, item, status wording → canonical, date and its basis, the rules that
/// fired; then any other key as text.
fn extraction_html(prov: &serde_json::Value, ctx: Ctx) -> String {
    let mut s = String::from("<dl class=\"prov\">");
    let mut row = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = write!(s, "<dt>{}</dt><dd>{v}</dd>", esc(k));
        }
    };
    if let Some(k) = str_of(prov, "kind") {
        row("kind", esc(&k.replace('_', " ")));
    }
    if let Some(sp) = prov.get("speaker").filter(|v| !v.is_null()) {
        let mut v = String::new();
        if let Some(t) = str_of(sp, "text") {
            let _ = write!(v, "“{}”", esc(t));
        }
        match str_of(sp, "party_id") {
            Some(id) => {
                let _ = write!(v, " → <code>{}</code>", esc(id));
            }
            None => v.push_str(" (not a party of the dataset)"),
        }
        if let Some(n) = str_of(sp, "name") {
            let _ = write!(v, ", named {}", esc(n));
        }
        if let Some(a) = sp.get("antecedent").filter(|a| !a.is_null()) {
            let ant = a
                .as_str()
                .map(str::to_string)
                .or_else(|| str_of(a, "text").map(str::to_string))
                .unwrap_or_else(|| json_text(a));
            let _ = write!(v, ", referring back to “{}”", esc(&ant));
        }
        if let Some(c) = sp.get("confidence").and_then(|c| c.as_f64()) {
            let _ = write!(v, ", confidence {c:.2}");
        }
        if let Some(sp) = sp.get("span").and_then(span_of) {
            let _ = write!(v, " {sp}");
        }
        let cands = candidates_html(sp.get("candidates"), None);
        if !cands.is_empty() {
            let _ = write!(v, "<br><span class=\"muted\">candidates:</span> {cands}");
        }
        row("speaker", v);
    }
    if let Some(cue) = prov.get("cue").filter(|v| !v.is_null()) {
        let mut v = format!("“{}”", esc(str_of(cue, "text").unwrap_or("")));
        if let Some(sp) = span_of(cue) {
            let _ = write!(v, " {sp}");
        }
        row("cue", v);
    }
    if let Some(ch) = str_of(prov, "channel") {
        row("channel", esc(&ch.replace('_', " ")));
    }
    if let Some(it) = prov.get("item").filter(|v| !v.is_null()) {
        let mut v = String::new();
        if let Some(id) = str_of(it, "id") {
            let _ = write!(v, "<a href=\"{}\">{}</a>", ctx.item(id), esc(id));
        }
        if let Some(t) = str_of(it, "matched_text") {
            let _ = write!(v, " from “{}”", esc(t));
        }
        if let Some(via) = str_of(it, "via") {
            let _ = write!(v, " via {}", esc(&via.replace('_', " ")));
        }
        if let Some(c) = it.get("confidence").and_then(|c| c.as_f64()) {
            let _ = write!(v, ", confidence {c:.2}");
        }
        if let Some(sp) = it.get("span").and_then(span_of) {
            let _ = write!(v, " {sp}");
        }
        let cands = candidates_html(it.get("candidates"), Some(ctx));
        if !cands.is_empty() {
            let _ = write!(v, "<br><span class=\"muted\">candidates:</span> {cands}");
        }
        row("item", v);
    }
    let asserts = str_of(prov, "asserts").unwrap_or("");
    match (str_of(prov, "wording"), str_of(prov, "status")) {
        (Some(w), Some(st)) => row(
            "status",
            format!(
                "“{}” → <strong>{}</strong>",
                esc(w),
                esc(&st.replace('_', " "))
            ),
        ),
        (None, Some(st)) => row(
            "status",
            format!("<strong>{}</strong>", esc(&st.replace('_', " "))),
        ),
        (Some(w), None) => row(
            "asserts",
            format!("{} “{}”", esc(&asserts.replace('_', " ")), esc(w)),
        ),
        (None, None) if !asserts.is_empty() => row("asserts", esc(&asserts.replace('_', " "))),
        _ => {}
    }
    if let Some(valid) = prov.get("valid").filter(|v| !v.is_null()) {
        let mut v = esc(&json_text(valid));
        if let Some(t) = str_of(prov, "valid_from_text") {
            let _ = write!(v, " from “{}”", esc(t));
        }
        if let Some(b) = str_of(prov, "date_basis") {
            let _ = write!(
                v,
                "<br><span class=\"muted\">date basis:</span> {} — {}",
                esc(b),
                esc(&date_basis_words(b))
            );
        }
        row("valid", v);
    }
    if let Some(c) = prov.get("confidence").and_then(|c| c.as_f64()) {
        row("confidence", format!("{c:.2}"));
    }
    if let Some(content) = prov.get("content").filter(|v| !v.is_null()) {
        let mut v = format!("“{}”", esc(str_of(content, "text").unwrap_or("")));
        if let Some(sp) = span_of(content) {
            let _ = write!(v, " {sp}");
        }
        row("content", v);
    }
    if let Some(f) = str_of(prov, "source_from") {
        row("source chosen", esc(f));
    }
    if let Some(k) = str_of(prov, "known_from") {
        row("known", format!("from {}", esc(k)));
    }
    if let Some(f) = prov.get("feed").filter(|v| !v.is_null()) {
        let u = str_of(f, "url").unwrap_or("");
        row(
            "feed",
            format!(
                "{} (entry <code>{}</code>)",
                link_or_text(u, u),
                esc(str_of(f, "entry_key").unwrap_or("?"))
            ),
        );
    }
    if let Some(i) = str_of(prov, "input") {
        row("input", format!("<code>{}</code>", esc(i)));
    }
    if let Some(rules) = prov
        .get("rules")
        .and_then(|r| r.as_array())
        .filter(|r| !r.is_empty())
    {
        let items: Vec<String> = rules
            .iter()
            .map(|r| format!("<li>{}</li>", esc(&json_text(r))))
            .collect();
        row(
            "rules",
            format!("<ol class=\"rules\">{}</ol>", items.join("")),
        );
    }
    // Whatever else it carries, as text.
    const SHOWN: [&str; 23] = [
        "kind",
        "speaker",
        "cue",
        "channel",
        "item",
        "asserts",
        "wording",
        "status",
        "valid",
        "valid_from_text",
        "date_basis",
        "confidence",
        "content",
        "source_from",
        "known_from",
        "feed",
        "input",
        "rules",
        "article",
        "url",
        "quote",
        "quote_parts",
        "extract_key",
    ];
    if let Some(o) = prov.as_object() {
        for (k, v) in o {
            if !SHOWN.contains(&k.as_str()) && !v.is_null() {
                row(k, esc(&json_text(v)));
            }
        }
    }
    if let Some(k) = str_of(prov, "extract_key") {
        row("extract key", format!("<code>{}</code>", esc(k)));
    }
    s.push_str("</dl>");
    s
}

/// A proposal's provenance for people: what to show above its draft (for a proposal from
/// `accord ingest`, the article and the quote in context) and below it (how it was found,
/// folded unless `open`; for a proposal typed in, its provenance keys).
fn provenance_html(
    p: &ProposalRecord,
    ev: Option<&Evidence>,
    ctx: Ctx,
    open: bool,
) -> (String, String) {
    let prov = &p.provenance;
    let open = if open { " open" } else { "" };
    if article_key(prov).is_none() {
        if prov.is_null() || prov.as_object().is_some_and(|o| o.is_empty()) {
            return (String::new(), String::new());
        }
        return (
            String::new(),
            format!(
                "<details{open}><summary>Where it comes from</summary>{}</details>",
                plain_provenance_html(prov)
            ),
        );
    }
    let mut above = article_html(prov, ev.and_then(|e| e.article.as_ref()));
    if let Some(c) = ev.and_then(|e| e.context.as_ref()) {
        above.push_str(&context_html(prov, c));
    }
    let below = format!(
        "<details class=\"extraction\"{open}><summary>How it was found</summary>{}</details>",
        extraction_html(prov, ctx)
    );
    (above, below)
}

/// The words of a text, whitespace collapsed.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What one proposal shows besides its draft: its article and the quote in context.
#[derive(Default)]
struct Evidence {
    article: Option<ArticleRecord>,
    context: Option<InContext>,
}

/// The stored articles the proposals name, each read once.
fn evidence_of(
    app: &App,
    proposals: &[&ProposalRecord],
) -> Result<HashMap<i64, Evidence>, ApiError> {
    let mut articles: HashMap<String, Option<ArticleRecord>> = HashMap::new();
    let mut out = HashMap::new();
    for p in proposals {
        let Some(key) = article_key(&p.provenance) else {
            continue;
        };
        if !articles.contains_key(key) {
            let a = app.with_store(|s| s.article(key))?;
            articles.insert(key.to_string(), a);
        }
        let article = articles.get(key).cloned().flatten();
        let context = article.as_ref().and_then(|a| in_context(a, &p.provenance));
        out.insert(p.id, Evidence { article, context });
    }
    Ok(out)
}

fn proposal_html(
    p: &ProposalRecord,
    ev: Option<&Evidence>,
    ctx: Ctx,
    may_edit: bool,
    preview: &str,
    alone: bool,
) -> String {
    let d = &p.draft;
    let about = p
        .edits
        .as_ref()
        .map(|e| d.with_edits(e))
        .and_then(|m| m.about)
        .or_else(|| d.about.clone());
    let mut s = format!(
        "<article class=\"proposal\" id=\"p{id}\" aria-labelledby=\"p{id}-h\"><h3 id=\"p{id}-h\">{}{}</h3>",
        if alone {
            format!("Proposal {}", p.id)
        } else {
            format!(
                "<a href=\"{}\">Proposal {}</a>",
                proposal_href(ctx, p.id),
                p.id
            )
        },
        about
            .as_deref()
            .map(|a| format!(" about <a href=\"{}\">{}</a>", ctx.item(a), esc(a)))
            .unwrap_or_default(),
        id = p.id
    );
    s.push_str(preview);
    let context = ev.and_then(|e| e.context.as_ref());
    // The claim's quote, unless the context below shows exactly it.
    if let Some(q) = &d.quote {
        let same = context.is_some_and(|c| {
            let parts: Vec<String> = p
                .provenance
                .get("quote_parts")
                .and_then(|x| x.as_array())
                .map(|ps| {
                    ps.iter()
                        .filter_map(|x| x.get("text")?.as_str().map(flat))
                        .collect()
                })
                .unwrap_or_default();
            flat(q) == flat(&c.text) || (!parts.is_empty() && flat(q) == parts.join(" … "))
        });
        if !same {
            let _ = write!(s, "<blockquote>{}</blockquote>", esc(q));
        }
    }
    let (above, below) = provenance_html(p, ev, ctx, alone);
    s.push_str(&above);
    s.push_str(&draft_rows(d));
    s.push_str(&below);
    if p.status != ProposalStatus::Proposed {
        let claim = p.claim_id.as_deref().map(|c| match &about {
            Some(a) => format!(
                " as claim <a href=\"{}\"><code>{}</code></a>",
                ctx.item(a),
                esc(c)
            ),
            None => format!(" as claim <code>{}</code>", esc(c)),
        });
        let _ = write!(
            s,
            "<p class=\"reviewed\">{} by {}{}{}{}</p>",
            esc(p.status.as_str()),
            esc(p.reviewer.as_deref().unwrap_or("?")),
            p.reviewed_at
                .as_deref()
                .map(|t| format!(" at {}", esc(t)))
                .unwrap_or_default(),
            claim.unwrap_or_default(),
            p.reason
                .as_deref()
                .map(|r| format!(": {}", esc(r)))
                .unwrap_or_default()
        );
    } else if may_edit {
        let action = |verb: &str| ctx.href(&format!("/review/{}/{verb}", p.id));
        let field = |name: &str, label: &str, value: Option<String>| {
            format!(
                "<label>{label} <input name=\"{name}\" value=\"{}\" autocomplete=\"off\"></label>",
                attr(&value.unwrap_or_default())
            )
        };
        let _ = write!(
            s,
            "<div class=\"actions\"><form method=\"post\" action=\"{}\"><button type=\"submit\" class=\"accept\">Accept</button></form>\
<form method=\"post\" action=\"{}\" class=\"reject\"><label>Reason <input name=\"reason\" required placeholder=\"why not\" autocomplete=\"off\"></label><button type=\"submit\" class=\"danger\">Reject</button></form></div>\
<details class=\"edit\"><summary>Edit, then accept</summary><form method=\"post\" action=\"{}\" class=\"grid\">{}{}{}{}{}{}{}<label>Quote <textarea name=\"quote\" rows=\"2\">{}</textarea></label><button type=\"submit\" class=\"accept\">Accept with these edits</button></form></details>",
            action("accept"),
            action("reject"),
            action("accept"),
            field("about", "About", d.about.clone()),
            field("value", "Value (status wording)", d.value.clone()),
            field("valid", "Valid", d.valid.as_ref().map(|v| v.to_string())),
            field("known", "Known", d.known.map(|k| k.to_string())),
            field("source", "Source", d.source.clone()),
            field("speaker", "Speaker", d.speaker.clone()),
            field(
                "id",
                "Claim id",
                Some(
                    d.id.clone()
                        .unwrap_or_else(|| accord_store::review::default_claim_id(p.id))
                )
            ),
            esc(d.quote.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</article>");
    s
}

/// "If accepted, ITEM would be … (now …)." for a waiting proposal that would change its item.
fn preview_html(previews: &[(i64, String, Summary, Summary)], id: i64, ctx: Ctx) -> String {
    match previews.iter().find(|x| x.0 == id) {
        Some((_, item, before, after)) => format!(
            "<p class=\"preview\">If accepted, <a href=\"{}\">{}</a> would be {} {} (now {} {}).</p>",
            ctx.item(item),
            esc(item),
            reported_badge(&after.reported),
            op_badge(after.operative),
            reported_badge(&before.reported),
            op_badge(before.operative)
        ),
        None => String::new(),
    }
}

/// The review queue (`/review`), or one proposal with everything it came from
/// (`/review?id=N`, where a claim accepted from the queue links to).
pub async fn review(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = signed_in(app, &headers, &back("/review", q.as_deref()))?;
            let p = Params::parse(
                q.as_deref(),
                &["as_of", "known_at", "rev", "done", "item", "before", "proposal", "id"],
            )?;
            let w = When::from_params(&p)?;
            let ctx = ctx_of(w);
            let may_edit = who.may(Role::Editor);
            if let Some(id) = p.one("id")? {
                let n = review_id(id)?;
                let pr = app
                    .with_store(|s| s.get_proposal(n))?
                    .ok_or_else(|| ApiError::not_found(format!("There is no proposal {n}.")))?;
                let ev = app.with_store(|s| article_of(s, &pr))?;
                let ev = Evidence {
                    article: ev.0,
                    context: ev.1,
                };
                let waiting = pr.status == ProposalStatus::Proposed;
                let pv = if waiting {
                    preview_html(&preview(app, &[&pr], w), pr.id, ctx)
                } else {
                    String::new()
                };
                let mut m = format!(
                    "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"{}\">Review queue</a> › Proposal {n}</nav><h1>Proposal {n} <span class=\"muted\">({})</span></h1>",
                    ctx.href("/review"),
                    esc(pr.status.as_str())
                );
                m.push_str(&proposal_html(&pr, Some(&ev), ctx, may_edit, &pv, true));
                let title = format!("Proposal {n}");
                return Ok(render(
                    app,
                    &who,
                    &title,
                    Tab::Review,
                    ctx,
                    "/review",
                    vec![("id", n.to_string())],
                    &m,
                ));
            }
            let all = app.with_store(|s| s.list_proposals(None))?;
            let mut m = String::from("<h1>Review queue</h1>");
            // After an action: what it did, and the affected item's state now.
            if let Some(done) = p.one("done")? {
                let proposal = p.one("proposal")?.unwrap_or("");
                let msg = match done {
                    "accepted" => format!("Accepted proposal {}.", esc(proposal)),
                    "rejected" => format!("Rejected proposal {}.", esc(proposal)),
                    _ => String::new(),
                };
                let mut after = String::new();
                if let Some(item) = p.one("item")? {
                    let now = with_engine(app, None, |e| {
                        Ok(e.derive_all(w.as_of, w.known_at).summary(item))
                    })?;
                    if let Some(sm) = now {
                        let _ = write!(
                            after,
                            " <a href=\"{}\">{}</a> is now {} {}",
                            ctx.item(item),
                            esc(item),
                            reported_badge(&sm.reported),
                            op_badge(sm.operative)
                        );
                        if let Some(b) = p.one("before")? {
                            let _ = write!(after, " (was {})", esc(&b.replace('_', " ")));
                        }
                        after.push('.');
                    }
                }
                let _ = write!(
                    m,
                    "<p class=\"flash\" role=\"status\">{msg}{after}</p>"
                );
            }
            let open: Vec<&ProposalRecord> = all
                .iter()
                .filter(|p| p.status == ProposalStatus::Proposed)
                .collect();
            let done: Vec<&ProposalRecord> = all
                .iter()
                .filter(|p| p.status != ProposalStatus::Proposed)
                .rev()
                .take(20)
                .collect();
            let shown: Vec<&ProposalRecord> = open.iter().chain(done.iter()).copied().collect();
            let evidence = evidence_of(app, &shown)?;
            let _ = write!(
                m,
                "<section aria-labelledby=\"h-open\"><h2 id=\"h-open\">Waiting <span class=\"muted\">({})</span></h2>",
                open.len()
            );
            if !may_edit {
                m.push_str("<p class=\"muted\">You can read the queue; an editor accepts or rejects.</p>");
            }
            if open.is_empty() {
                m.push_str("<p class=\"muted\">Nothing to review.</p>");
            }
            let previews = preview(app, &open, w);
            for pr in &open {
                let pv = preview_html(&previews, pr.id, ctx);
                m.push_str(&proposal_html(pr, evidence.get(&pr.id), ctx, may_edit, &pv, false));
            }
            m.push_str("</section>");
            if !done.is_empty() {
                m.push_str("<section aria-labelledby=\"h-done\"><h2 id=\"h-done\">Reviewed</h2>");
                for pr in done {
                    m.push_str(&proposal_html(pr, evidence.get(&pr.id), ctx, false, "", false));
                }
                m.push_str("</section>");
            }
            Ok(render(app, &who, "Review", Tab::Review, ctx, "/review", vec![], &m))
        })
        .await,
    )
}

/// What accepting each proposal would do to its item at the page's dates: the claim is added
/// to the engine and taken out again (an undo, which the engine applies incrementally).
fn preview(app: &App, open: &[&ProposalRecord], w: When) -> Vec<(i64, String, Summary, Summary)> {
    let Ok(mut live) = app.live.lock() else {
        return Vec::new();
    };
    let e = live.engine_at(None);
    let mut out = Vec::new();
    for p in open.iter().take(50) {
        let Ok(mut claim) = p.draft.to_claim("") else {
            continue;
        };
        claim.id = format!("__preview_{}", p.id);
        let item = claim.about.clone();
        let Some(before) = e.derive_all(w.as_of, w.known_at).summary(&item) else {
            continue;
        };
        if e.add_claim(claim.clone()).is_err() {
            continue;
        }
        let after = e.derive_all(w.as_of, w.known_at).summary(&item);
        let _ = e.remove_claim(&claim.id);
        if let Some(after) = after
            && after != before
        {
            out.push((p.id, item, before, after));
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(headers: &HeaderMap, body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !body.is_empty() && !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the form as application/x-www-form-urlencoded",
        ));
    }
    serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::bad(format!("the form cannot be read: {e}")))
}

fn form_value<'a>(f: &'a [(String, String)], key: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

fn review_id(id: &str) -> Result<i64, ApiError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::not_found(format!("there is no proposal `{id}`")))
}

fn review_back(w: When, extra: &str) -> String {
    format!("/review?as_of={}&known_at={}{extra}", w.as_of, w.known_at)
}

pub async fn review_accept(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = editor(app, &headers, "/review", "only an editor accepts proposals")?;
            let p = Params::parse(q.as_deref(), &crate::api::WHEN_KEYS)?;
            let w = When::from_params(&p)?;
            let id = review_id(&id)?;
            let f = form(&headers, &body)?;
            let mut edits = ClaimDraft::default();
            let current = app
                .with_store(|s| s.get_proposal(id))?
                .ok_or_else(|| ApiError::not_found(format!("there is no proposal {id}")))?;
            // Only fields that differ from the proposal count as edits.
            let changed = |key: &str, now: Option<String>| -> Option<String> {
                form_value(&f, key)
                    .filter(|v| Some(v.to_string()) != now)
                    .map(str::to_string)
            };
            let d = &current.draft;
            edits.about = changed("about", d.about.clone());
            edits.value = changed("value", d.value.clone());
            edits.source = changed("source", d.source.clone());
            edits.speaker = changed("speaker", d.speaker.clone());
            edits.quote = changed("quote", d.quote.clone());
            edits.id = changed("id", d.id.clone())
                .filter(|v| *v != accord_store::review::default_claim_id(id));
            if let Some(v) = changed("valid", d.valid.as_ref().map(|v| v.to_string())) {
                edits.valid = Some(
                    accord_model::FuzzyDate::parse(&v)
                        .map_err(|e| ApiError::invalid(format!("valid: {e}")))?,
                );
            }
            if let Some(v) = changed("known", d.known.map(|k| k.to_string())) {
                edits.known = Some(
                    accord_model::date::parse_day(&v)
                        .map_err(|e| ApiError::invalid(format!("known: {e}")))?,
                );
            }
            let item = edits.about.clone().or(d.about.clone());
            let before = item.as_ref().and_then(|i| {
                with_engine(app, None, |e| {
                    Ok(e.derive_all(w.as_of, w.known_at).summary(i))
                })
                .ok()
                .flatten()
            });
            let a = crate::api::accept(app, id, &who.user.name, &edits)?;
            let mut extra = format!("&done=accepted&proposal={}", a.proposal);
            if let Some(i) = &item {
                let _ = write!(extra, "&item={}", enc(i));
            }
            if let Some(b) = before {
                let _ = write!(extra, "&before={}", enc(&b.reported.to_string()));
            }
            Ok(redirect(&review_back(w, &extra)))
        })
        .await,
    )
}

pub async fn review_reject(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = editor(app, &headers, "/review", "only an editor rejects proposals")?;
            let p = Params::parse(q.as_deref(), &crate::api::WHEN_KEYS)?;
            let w = When::from_params(&p)?;
            let id = review_id(&id)?;
            let f = form(&headers, &body)?;
            let reason = form_value(&f, "reason")
                .ok_or_else(|| ApiError::invalid("give a reason for rejecting it"))?;
            app.with_store(|s| s.reject_proposal(id, &who.user.name, reason))?;
            Ok(redirect(&review_back(
                w,
                &format!("&done=rejected&proposal={id}"),
            )))
        })
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// Search.

pub async fn search(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    finish(
        blocking(&app, move |app| {
            let who = signed_in(app, &headers, &back("/search", q.as_deref()))?;
            let p = Params::parse(q.as_deref(), &["as_of", "known_at", "rev", "q"])?;
            let w = When::from_params(&p)?;
            let ctx = ctx_of(w);
            let needle = p.one("q")?.unwrap_or("").trim().to_string();
            let lower = needle.to_lowercase();
            let mut m = format!(
                "<h1>Search</h1><form method=\"get\" action=\"/search\" class=\"big-search\"><input type=\"hidden\" name=\"as_of\" value=\"{}\"><input type=\"hidden\" name=\"known_at\" value=\"{}\"><label for=\"q2\" class=\"sr\">Search for</label><input id=\"q2\" type=\"search\" name=\"q\" value=\"{}\" placeholder=\"tpd, steel, Kendall, paused…\"><button type=\"submit\">Search</button></form>",
                ctx.as_of,
                ctx.known_at,
                attr(&needle)
            );
            if !lower.is_empty() {
                let (rows, claims, sources) = {
                    let mut live = app
                        .live
                        .lock()
                        .map_err(|_| ApiError::internal("the server state is poisoned"))?;
                    let claims: Vec<Claim> = live
                        .claims_at(w.rev)
                        .filter(|c| crate::api::claim_matches(&c.claim, &lower))
                        .take(100)
                        .map(|c| c.claim.clone())
                        .collect();
                    let e = live.engine_at(w.rev);
                    let rows = item_rows(e, w, None, &lower);
                    let ds = e.dataset();
                    let sources: Vec<String> = ds
                        .sources
                        .iter()
                        .filter(|s| {
                            s.title.to_lowercase().contains(&lower)
                                || s.id.to_lowercase().contains(&lower)
                        })
                        .take(50)
                        .map(|s| {
                            let t = match s.url.as_deref().and_then(safe_url) {
                                Some(u) => format!(
                                    "<a href=\"{u}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a>",
                                    esc(&s.title)
                                ),
                                None => esc(&s.title),
                            };
                            format!(
                                "<li><cite>{t}</cite>, {} <span class=\"id\">{}</span></li>",
                                s.published,
                                esc(&s.id)
                            )
                        })
                        .collect();
                    let rv = FromReview::of(claims.iter(), ctx);
                    let claims_html: Vec<String> = claims
                        .iter()
                        .map(|c| raw_claim_html(c, ds, c.known > w.known_at, &rv))
                        .collect();
                    (rows, claims_html, sources)
                };
                let _ = write!(
                    m,
                    "<p role=\"status\">{} item{}, {} claim{}, {} source{} for “{}”.</p>",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    claims.len(),
                    if claims.len() == 1 { "" } else { "s" },
                    sources.len(),
                    if sources.len() == 1 { "" } else { "s" },
                    esc(&needle)
                );
                if !rows.is_empty() {
                    m.push_str("<h2>Items</h2><table class=\"items\"><tbody>");
                    for r in &rows {
                        let _ = write!(
                            m,
                            "<tr><th scope=\"row\"><a href=\"{}\">{}</a><span class=\"id\">{}</span></th><td>{}</td><td>{}</td></tr>",
                            ctx.item(&r.id),
                            esc(&r.name),
                            esc(&r.id),
                            reported_badge(&r.summary.reported),
                            op_badge(r.summary.operative)
                        );
                    }
                    m.push_str("</tbody></table>");
                }
                if !claims.is_empty() {
                    let _ = write!(m, "<h2>Claims</h2><ul class=\"claims\">{}</ul>", claims.join(""));
                }
                if !sources.is_empty() {
                    let _ = write!(m, "<h2>Sources</h2><ul class=\"sources\">{}</ul>", sources.join(""));
                }
            }
            Ok(render(
                app,
                &who,
                "Search",
                Tab::Search,
                ctx,
                "/search",
                vec![("q", needle.clone())],
                &m,
            ))
        })
        .await,
    )
}

// ---------------------------------------------------------------------------------------------
// Signing in and out.

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn signin_page(next: &str, message: Option<&str>, status: StatusCode) -> Response {
    let f = Frame {
        title: "Sign in",
        tab: Tab::None,
        ctx: None,
        user: None,
        waiting: 0,
        path: "/signin",
        keep: vec![],
        rev: 0,
        dataset: "",
    };
    let msg = message
        .map(|m| format!("<p class=\"error-text\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let main = format!(
        "<div class=\"signin\"><h1>Sign in to accord</h1>{msg}\
<form method=\"post\" action=\"/signin\"><input type=\"hidden\" name=\"next\" value=\"{next}\">\
<label for=\"token\">API token</label><input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" placeholder=\"acc_…\" autofocus>\
<button type=\"submit\" id=\"signin-token\">Sign in with the token</button></form>\
<p class=\"or\">or</p>\
<form method=\"post\" action=\"/signin\"><input type=\"hidden\" name=\"next\" value=\"{next}\">\
<label for=\"name\">User name</label><input id=\"name\" name=\"name\" autocomplete=\"username\">\
<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\
<button type=\"submit\">Sign in with the password</button></form>\
<p class=\"help\">A token comes from <code>accord token create NAME</code>; the first start of <code>accord serve</code> prints one for the user <code>admin</code>.</p></div>",
        next = attr(next)
    );
    html_response(status, page(&f, &main))
}

pub async fn signin_form(RawQuery(q): RawQuery) -> Response {
    let next = Params::parse(q.as_deref(), &["next"])
        .ok()
        .and_then(|p| p.one("next").ok().flatten().map(str::to_string));
    signin_page(&safe_next(next.as_deref()), None, StatusCode::OK)
}

pub async fn signin(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let r = blocking(&app, move |app| -> Response {
        let f = match form(&headers, &body) {
            Ok(f) => f,
            Err(e) => return error_page(&e),
        };
        let next = safe_next(form_value(&f, "next"));
        let user = if let Some(token) = form_value(&f, "token") {
            app.with_store(|s| Ok(auth::user_of_hash(s, &auth::token_hash(token))))
                .ok()
                .flatten()
        } else if let (Some(name), Some(pw)) = (form_value(&f, "name"), form_value(&f, "password"))
        {
            app.with_store(|s| s.user(name)).ok().flatten().filter(|u| {
                u.password_hash
                    .as_deref()
                    .is_some_and(|h| auth::verify_password(pw, h))
            })
        } else {
            None
        };
        let Some(user) = user else {
            return signin_page(
                &next,
                Some("That token or password is not right (or the token was revoked)."),
                StatusCode::UNAUTHORIZED,
            );
        };
        let cookie = match app.with_store(|s| auth::create_session(s, &user)) {
            Ok(c) => c,
            Err(e) => return error_page(&e.into()),
        };
        let mut r = redirect(&next);
        let set = format!(
            "{}={cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
            auth::COOKIE,
            auth::SESSION_HOURS * 3600
        );
        if let Ok(v) = HeaderValue::from_str(&set) {
            r.headers_mut().insert(header::SET_COOKIE, v);
        }
        r
    })
    .await;
    r.unwrap_or_else(|e| error_page(&e))
}

pub async fn signout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let _ = blocking(&app, move |app| {
        if let Some(c) = auth::session_cookie(&headers) {
            let _ = app.with_store(|s| s.revoke_token(&auth::token_hash(c)));
            app.tokens.forget(c);
        }
    })
    .await;
    let mut r = redirect("/signin");
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("accord_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

// ---------------------------------------------------------------------------------------------
// Assets, compiled in.

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const FAVICON: &str = include_str!("../assets/favicon.svg");

pub async fn asset(Path(name): Path<String>) -> Response {
    let (ct, body) = match name.as_str() {
        "app.css" => ("text/css; charset=utf-8", CSS),
        "app.js" => ("text/javascript; charset=utf-8", JS),
        "favicon.svg" => ("image/svg+xml", FAVICON),
        _ => return not_found_page(&format!("/assets/{name}")),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// Today's date, for pages that need a default.
pub fn default_day() -> jiff::civil::Date {
    today()
}
