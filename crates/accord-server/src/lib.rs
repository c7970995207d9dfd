//! accord's server: the HTTP API (JSON, described by `/openapi.json`), users and roles, and the
//! dashboard, in one binary (`accord serve`).
//!
//! - [`live`] keeps the derived state in step with the store (several servers over one
//!   PostgreSQL database see each other's writes within a second).
//! - [`api`] answers with the same JSON shapes as the CLI's `--json` (`docs/json-output.md`);
//!   every read takes `as_of`, `known_at` and optionally `rev`, so a URL is a permalink.
//! - [`auth`] holds tokens (stored hashed), sessions and Argon2id passwords; writes need an
//!   editor.
//! - [`pages`] renders the dashboard on the server (HTML-escaped throughout, with a little
//!   plain JavaScript and the dependency graph drawn as SVG); assets are compiled in.
//!
//! Every response carries a strict Content-Security-Policy and the usual security headers;
//! request bodies are limited to [`Config::body_limit`] bytes (413) and requests to
//! [`Config::timeout`]; writes from another site are refused (403).

pub mod api;
pub mod auth;
pub mod graph;
pub mod html;
pub mod live;
pub mod openapi;
pub mod pages;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accord_store::{Role, Store, StoreError};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use api::ApiError;
use auth::{Principal, TokenCache};
use live::Live;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// The store: a SQLite path or a PostgreSQL URL.
    pub db: String,
    /// Longest time one request may take.
    pub timeout: Duration,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// How often the store is asked for other processes' writes.
    pub poll: Duration,
}

impl Config {
    pub fn new(addr: SocketAddr, db: impl Into<String>) -> Config {
        Config {
            addr,
            db: db.into(),
            timeout: Duration::from_secs(10),
            body_limit: 64 * 1024,
            poll: Duration::from_millis(250),
        }
    }
}

/// The server's shared state.
pub struct App {
    pub config: Config,
    pool: Mutex<Vec<Box<dyn Store + Send>>>,
    pub live: Mutex<Live>,
    sync_lock: Mutex<()>,
    pub tokens: TokenCache,
}

pub type Shared = Arc<App>;

impl App {
    /// Opens the store and loads its state.
    pub fn open(config: Config) -> Result<App, StoreError> {
        let mut store = accord_store::open_send(&config.db)?;
        let live = Live::load(store.as_mut())?;
        Ok(App {
            config,
            pool: Mutex::new(vec![store]),
            live: Mutex::new(live),
            sync_lock: Mutex::new(()),
            tokens: TokenCache::default(),
        })
    }

    /// Runs `f` with a store connection from the pool (blocking).
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let taken = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut store = match taken {
            Some(s) => s,
            None => accord_store::open_send(&self.config.db)?,
        };
        let r = f(store.as_mut());
        // A connection whose database failed is dropped rather than reused.
        if !matches!(r, Err(StoreError::Db(_)))
            && let Ok(mut p) = self.pool.lock()
            && p.len() < 8
        {
            p.push(store);
        }
        r
    }

    /// Closes the pooled store connections (on a blocking thread: see [`serve`]).
    pub fn close(&self) {
        if let Ok(mut p) = self.pool.lock() {
            p.clear();
        }
    }

    /// Brings the derived state up to date with the store.
    pub fn sync(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.sync_lock.lock();
        self.with_store(|s| live::sync(&self.live, s))
    }

    /// Who sent the request (bearer token first, then the session cookie), if anyone.
    pub fn principal(&self, headers: &HeaderMap) -> Option<Principal> {
        let (token, by_cookie) = match auth::bearer(headers) {
            Some(t) => (t, false),
            None => (auth::session_cookie(headers)?, true),
        };
        let user = self.tokens.lookup(
            |hash| {
                self.with_store(|s| Ok(auth::user_of_hash(s, hash)))
                    .ok()
                    .flatten()
            },
            token,
        )?;
        Some(Principal { user, by_cookie })
    }

    /// The principal, if it has at least `role`: 401 without credentials, 403 with too small
    /// a role.
    pub fn require(&self, headers: &HeaderMap, role: Role) -> Result<Principal, ApiError> {
        let Some(p) = self.principal(headers) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "sign in: send `Authorization: Bearer TOKEN` (make a token with `accord token create NAME`)",
            ));
        };
        if !p.may(role) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "`{}` is a {}; this needs the role {role} or higher",
                    p.user.name, p.user.role
                ),
            ));
        }
        Ok(p)
    }
}

/// Runs blocking work (the store, the engine) off the async threads.
pub async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&App) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .map_err(|_| ApiError::internal("the request's worker failed"))
}

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers, the request time limit, and the cross-site write check.
async fn guard(State(app): State<Shared>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut resp = if unsafe_method && cross_site(req.headers()) {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "writes from another site are refused",
        )
        .into_response()
    } else {
        match tokio::time::timeout(app.config.timeout, next.run(req)).await {
            Ok(r) => r,
            Err(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the request took too long",
            )
            .into_response(),
        }
    };
    let h = resp.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(
        h,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        h,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    resp
}

/// Whether a write comes from another site: `Sec-Fetch-Site: cross-site`/`same-site`, or an
/// `Origin` whose host is not the one the request was sent to. Programs that send neither
/// (curl, scripts with a bearer token) are not browsers and are let through.
pub fn cross_site(headers: &HeaderMap) -> bool {
    // Browsers that send Fetch Metadata say exactly where a request comes from; trust that
    // (their `Origin` may be `null` under a strict referrer policy).
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    origin == "null" || origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host)
}

/// The whole application.
pub fn router(app: Shared) -> Router {
    let limit = app.config.body_limit;
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/openapi.json", get(openapi::document))
        .route("/api/me", get(api::me))
        .route("/api/items", get(api::items))
        .route("/api/status", get(api::status))
        .route("/api/why/{id}", get(api::why))
        .route("/api/timeline/{id}", get(api::timeline))
        .route("/api/whatif", get(api::whatif_get).post(api::whatif_post))
        .route("/api/contested", get(api::contested))
        .route("/api/exposure", get(api::exposure))
        .route("/api/claims", get(api::claims).post(api::claim_add))
        .route("/api/claims/{id}", get(api::claim_get))
        .route("/api/claims/{id}/retract", post(api::claim_retract))
        .route("/api/review", get(api::review_list).post(api::review_add))
        .route("/api/review/{id}", get(api::review_get))
        .route("/api/review/{id}/accept", post(api::review_accept))
        .route("/api/review/{id}/reject", post(api::review_reject))
        .route("/api/users", get(api::users))
        .route("/", get(pages::overview))
        .route("/item/{id}", get(pages::item))
        .route("/graph", get(pages::graph))
        .route("/whatif", get(pages::whatif))
        .route("/review", get(pages::review))
        .route("/review/{id}/accept", post(pages::review_accept))
        .route("/review/{id}/reject", post(pages::review_reject))
        .route("/search", get(pages::search))
        .route("/signin", get(pages::signin_form).post(pages::signin))
        .route("/signout", post(pages::signout))
        .route("/assets/{name}", get(pages::asset))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// Makes the first user when the store has none, and says how to sign in.
pub fn first_start_message(app: &App, url: &str) -> Result<String, String> {
    let users = app.with_store(|s| s.users()).map_err(|e| e.to_string())?;
    if !users.is_empty() {
        return Ok(format!(
            "Sign in at {url}/signin with an API token (make one with `accord token create NAME --db {db}`) or a password.",
            db = accord_store::redact(&app.config.db)
        ));
    }
    let made = app.with_store(|s| {
        let u = s.add_user("admin", Role::Admin, None)?;
        let token =
            auth::create_api_token(s, &u.name, Some("first start")).map_err(StoreError::Db)?;
        Ok(token)
    });
    match made {
        Ok(token) => Ok(format!(
            "No users yet, so one was made: `admin` (role admin).\nSign in at {url}/signin with this token (shown once; `accord token create admin` makes another):\n\n    {token}\n\nAPI: curl -H 'Authorization: Bearer {token}' {url}/api/status"
        )),
        // Another server made the first user at the same moment.
        Err(StoreError::Conflict(_)) => Ok(format!(
            "Sign in at {url}/signin with an API token (make one with `accord token create NAME`)."
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs the server until Ctrl-C. `ready` is called with the address bound (port 0 picks one),
/// the app, and the sign-in message (see [`first_start_message`]).
///
/// The store is only ever used from blocking threads (the `postgres` crate runs its own
/// runtime), so the sign-in message is made, and the connections are closed, on one.
pub async fn serve(
    config: Config,
    ready: impl FnOnce(SocketAddr, &App, Result<String, String>),
) -> Result<(), String> {
    let app = tokio::task::spawn_blocking(move || App::open(config))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let app: Shared = Arc::new(app);
    let listener = tokio::net::TcpListener::bind(app.config.addr)
        .await
        .map_err(|e| format!("could not listen on {}: {e}", app.config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}");
    let message = blocking(&app, move |app| first_start_message(app, &url))
        .await
        .map_err(|e| e.message)?;
    ready(addr, &app, message);
    // Follow the store: other processes' writes show within a second.
    let follower = app.clone();
    let follow = tokio::spawn(async move {
        let mut tick = tokio::time::interval(follower.config.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let f = follower.clone();
            let _ = tokio::task::spawn_blocking(move || f.sync()).await;
        }
    });
    let served = axum::serve(listener, router(app.clone()))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string());
    follow.abort();
    let _ = blocking(&app, |app| app.close()).await;
    served
}
