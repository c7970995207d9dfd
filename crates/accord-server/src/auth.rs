//! Users, tokens and sessions.
//!
//! - **API tokens** (`accord token create NAME`): `acc_` and 64 hex digits of randomness; the
//!   store keeps only their SHA-256. Sent as `Authorization: Bearer acc_…`.
//! - **Sessions** (signing in on the dashboard with a token or a password): the same kind of
//!   random value, stored hashed with an expiry, sent back as the cookie `accord_session`
//!   (`HttpOnly; SameSite=Strict; Path=/`).
//! - **Passwords** (optional, `accord user add NAME --role R --password-stdin`): Argon2id
//!   (the `argon2` crate's defaults: 19 MiB, 2 passes), as PHC strings.
//!
//! Token lookups are cached for a few seconds, so a revoked token stops working within
//! [`CACHE_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use accord_store::{Role, Store, StoreError, TokenKind, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// How long a token lookup is trusted.
pub const CACHE_FOR: Duration = Duration::from_secs(5);
/// How long a dashboard session lasts.
pub const SESSION_HOURS: i64 = 12;
/// The session cookie's name.
pub const COOKIE: &str = "accord_session";

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A new random token (`acc_` + 64 hex digits).
pub fn new_token() -> Result<String, String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| format!("no randomness available: {e}"))?;
    Ok(format!("acc_{}", hex(&buf)))
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An Argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness available: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Makes a user's API token and stores its hash; returns the token (shown once).
pub fn create_api_token(
    store: &mut dyn Store,
    user: &str,
    label: Option<&str>,
) -> Result<String, String> {
    let u = store
        .user(user)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("there is no user `{user}`; add one with `accord user add`"))?;
    let token = new_token()?;
    store
        .add_token(u.id, TokenKind::Api, label, &token_hash(&token), None)
        .map_err(|e| e.to_string())?;
    Ok(token)
}

/// Starts a dashboard session for a user; returns the cookie value.
pub fn create_session(store: &mut dyn Store, user: &User) -> Result<String, StoreError> {
    let token = new_token().map_err(StoreError::Db)?;
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(SESSION_HOURS))
        .map_err(|e| StoreError::Db(e.to_string()))?;
    store.add_token(
        user.id,
        TokenKind::Session,
        Some("dashboard"),
        &token_hash(&token),
        Some(&expires.to_string()),
    )?;
    Ok(token)
}

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    /// Signed in by cookie (a browser), not by bearer token.
    pub by_cookie: bool,
}

impl Principal {
    pub fn may(&self, role: Role) -> bool {
        self.user.role >= role
    }
}

/// A short-lived cache of token lookups: hash → user (or none) and when it was read.
#[derive(Default)]
pub struct TokenCache {
    map: Mutex<HashMap<String, (Option<User>, Instant)>>,
}

impl TokenCache {
    /// The user a token belongs to, if it is usable now.
    pub fn lookup(&self, store_fn: impl FnOnce(&str) -> Option<User>, token: &str) -> Option<User> {
        let hash = token_hash(token);
        if let Ok(m) = self.map.lock()
            && let Some((u, t)) = m.get(&hash)
            && t.elapsed() < CACHE_FOR
        {
            return u.clone();
        }
        let u = store_fn(&hash);
        if let Ok(mut m) = self.map.lock() {
            if m.len() > 10_000 {
                m.clear();
            }
            m.insert(hash, (u.clone(), Instant::now()));
        }
        u
    }

    /// Forgets a token (signed out).
    pub fn forget(&self, token: &str) {
        if let Ok(mut m) = self.map.lock() {
            m.remove(&token_hash(token));
        }
    }
}

/// Reads a token's user from the store, if the token is usable now.
pub fn user_of_hash(store: &mut dyn Store, hash: &str) -> Option<User> {
    match store.token(hash) {
        Ok(Some((t, u))) if t.usable_at(jiff::Timestamp::now()) => Some(u),
        _ => None,
    }
}

/// The token in `Authorization: Bearer …`, if any.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The session cookie, if any.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<&str> {
    for v in headers.get_all(axum::http::header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=')
                && k == COOKIE
                && !val.is_empty()
            {
                return Some(val);
            }
        }
    }
    None
}
