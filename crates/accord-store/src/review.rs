//! Users, roles and hashed tokens (for the server), and the **review queue**: proposed claims
//! (from `accord-ingest`, or typed in) that a person accepts, edits or rejects.
//!
//! The store keeps only hashes of tokens and passwords; hashing is the caller's job (the
//! server hashes tokens with SHA-256 and passwords with Argon2id).
//!
//! A proposal is a [`ClaimDraft`] (a claim whose fields may be missing) with its provenance
//! (the article, offsets, speaker candidates, the rules that fired: any JSON) and a dedup key,
//! unique in the store, so that ingesting the same article twice adds nothing.
//! [`crate::Store::accept_proposal`] turns a proposal, with the reviewer's edits, into a real
//! claim: it validates the claim like `accord claim add`, then in **one transaction** checks
//! that the proposal is still open, appends the claim and marks the proposal accepted with the
//! claim's id. A proposal is reviewed once: accepting or rejecting a reviewed one is a
//! conflict.

use std::fmt;

use accord_model::{Asserts, Channel, Claim, FuzzyDate};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ops::{ClaimWriter, OpError};
use crate::{Store, StoreError};

/// What a user may do. Ordered: an admin may do everything an editor may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also writes: claims, retractions, the review queue.
    Editor,
    /// Also manages users and tokens.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user of a shared store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The Argon2id hash (PHC string) of the password, if the user has one.
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: String,
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// An API token (`Authorization: Bearer …`), made by `accord token create`.
    Api,
    /// A dashboard session (a cookie), made by signing in; it expires.
    Session,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Session => "session",
        }
    }

    pub fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "api" => Some(TokenKind::Api),
            "session" => Some(TokenKind::Session),
            _ => None,
        }
    }
}

/// A stored token (only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub kind: TokenKind,
    pub label: Option<String>,
    pub created_at: String,
    /// UTC, RFC 3339; `None` never expires.
    pub expires_at: Option<String>,
    pub revoked: bool,
}

impl TokenRecord {
    /// Whether the token may be used at `now` (not revoked, not expired).
    pub fn usable_at(&self, now: jiff::Timestamp) -> bool {
        if self.revoked {
            return false;
        }
        match &self.expires_at {
            None => true,
            Some(t) => t.parse::<jiff::Timestamp>().is_ok_and(|e| now < e),
        }
    }
}

/// A claim whose fields may be missing: what a proposal says, and a reviewer's edits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimDraft {
    /// The id the claim gets when accepted; default `review.pN` for proposal N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asserts: Option<Asserts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<FuzzyDate>,
    #[serde(
        default,
        with = "accord_model::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub known: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ClaimDraft {
    /// This draft with every field the edits give replaced by the edit.
    pub fn with_edits(&self, e: &ClaimDraft) -> ClaimDraft {
        fn pick<T: Clone>(a: &Option<T>, b: &Option<T>) -> Option<T> {
            b.clone().or_else(|| a.clone())
        }
        ClaimDraft {
            id: pick(&self.id, &e.id),
            about: pick(&self.about, &e.about),
            asserts: pick(&self.asserts, &e.asserts),
            value: pick(&self.value, &e.value),
            by: pick(&self.by, &e.by),
            valid: pick(&self.valid, &e.valid),
            known: pick(&self.known, &e.known),
            source: pick(&self.source, &e.source),
            speaker: pick(&self.speaker, &e.speaker),
            role: pick(&self.role, &e.role),
            side: pick(&self.side, &e.side),
            channel: pick(&self.channel, &e.channel),
            quote: pick(&self.quote, &e.quote),
            confidence: pick(&self.confidence, &e.confidence),
            note: pick(&self.note, &e.note),
        }
    }

    /// The claim, or what is missing for one (`about`, `asserts`, `valid`, `known`, `source`).
    pub fn to_claim(&self, default_id: &str) -> Result<Claim, String> {
        let mut missing = Vec::new();
        if self.about.is_none() {
            missing.push("`about`");
        }
        if self.asserts.is_none() {
            missing.push("`asserts`");
        }
        if self.valid.is_none() {
            missing.push("`valid`");
        }
        if self.known.is_none() {
            missing.push("`known`");
        }
        if self.source.is_none() {
            missing.push("`source`");
        }
        let (Some(about), Some(asserts), Some(valid), Some(known), Some(source)) = (
            self.about.clone(),
            self.asserts,
            self.valid,
            self.known,
            self.source.clone(),
        ) else {
            return Err(format!(
                "the proposal has no {}; give {} with the edits",
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ));
        };
        Ok(Claim {
            id: self.id.clone().unwrap_or_else(|| default_id.to_string()),
            about,
            asserts,
            value: self.value.clone(),
            by: self.by.clone(),
            valid,
            known,
            source,
            speaker: self.speaker.clone(),
            role: self.role.clone(),
            side: self.side.clone(),
            channel: self.channel.unwrap_or(Channel::Report),
            quote: self.quote.clone(),
            confidence: self.confidence.unwrap_or(1.0),
            retracts: None,
            supersedes: None,
            reason: None,
            note: self.note.clone(),
        })
    }
}

/// Where a proposal is in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Proposed,
    Accepted,
    Rejected,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Proposed => "proposed",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ProposalStatus> {
        match s {
            "proposed" => Some(ProposalStatus::Proposed),
            "accepted" => Some(ProposalStatus::Accepted),
            "rejected" => Some(ProposalStatus::Rejected),
            _ => None,
        }
    }
}

impl fmt::Display for ProposalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proposal to add to the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    /// Unique in the store: a proposal whose key is already there is not added again.
    pub dedup_key: String,
    pub draft: ClaimDraft,
    /// Where it came from: article, offsets, speaker candidates, rules, confidence (any JSON).
    #[serde(default)]
    pub provenance: serde_json::Value,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalRecord {
    pub id: i64,
    pub dedup_key: String,
    pub status: ProposalStatus,
    pub draft: ClaimDraft,
    pub provenance: serde_json::Value,
    pub created_at: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
    /// Why it was rejected (or the reviewer's note on acceptance).
    pub reason: Option<String>,
    /// The claim it became, once accepted.
    pub claim_id: Option<String>,
    /// The edits the reviewer made when accepting.
    pub edits: Option<ClaimDraft>,
}

/// What adding one proposal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AddedProposal {
    pub id: i64,
    /// False when a proposal with the same dedup key was already in the store.
    pub new: bool,
}

/// What accepting a proposal wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub proposal: i64,
    pub claim_id: String,
    pub seq: i64,
}

/// The id an accepted proposal's claim gets unless the reviewer gives one.
pub fn default_claim_id(proposal: i64) -> String {
    format!("review.p{proposal}")
}

/// Builds and validates the claim that accepting `id` with `edits` would append, and the
/// definitions generation it was validated against. Shared by both backends.
pub(crate) fn prepare_acceptance(
    store: &mut dyn Store,
    id: i64,
    reviewer: &str,
    edits: &ClaimDraft,
) -> Result<(ProposalRecord, Claim, i64), OpError> {
    let Some(p) = store.get_proposal(id)? else {
        return Err(OpError::Store(StoreError::NotFound(format!(
            "there is no proposal {id}"
        ))));
    };
    if p.status != ProposalStatus::Proposed {
        return Err(OpError::Store(already_reviewed(&p)));
    }
    let merged = p.draft.with_edits(edits);
    let mut claim = merged
        .to_claim(&default_claim_id(id))
        .map_err(OpError::Input)?;
    let provenance = match article_note(&p.provenance) {
        Some(a) => format!("accepted from review proposal {id} by {reviewer}; {a}"),
        None => format!("accepted from review proposal {id} by {reviewer}"),
    };
    claim.note = Some(match claim.note.take() {
        Some(n) if !n.is_empty() => format!("{n} ({provenance})"),
        _ => provenance,
    });
    let generation = ClaimWriter::new().check(
        store,
        std::slice::from_ref(&claim),
        &format!("proposal {id}"),
    )?;
    Ok((p, claim, generation))
}

/// For a proposal from `accord ingest`: where in which article it was found ("from the
/// article “Title” <https://…> (content key 4fbdf0ce1a2b…), quote at characters 254–323").
pub fn article_note(provenance: &serde_json::Value) -> Option<String> {
    let a = provenance.get("article")?;
    let key = a.get("content_key")?.as_str()?;
    let mut s = String::from("from the article");
    if let Some(t) = a.get("title").and_then(|t| t.as_str()) {
        s.push_str(&format!(" “{t}”"));
    }
    if let Some(u) = a.get("url").and_then(|u| u.as_str()) {
        s.push_str(&format!(" <{u}>"));
    }
    s.push_str(&format!(
        " (content key {}…)",
        key.chars().take(12).collect::<String>()
    ));
    let span = |name: &str| {
        let v = provenance.get(name)?;
        Some((v.get("start")?.as_u64()?, v.get("end")?.as_u64()?))
    };
    if let Some((b, e)) = span("quote") {
        s.push_str(&format!(", quote at characters {b}–{e}"));
    } else if let Some((b, e)) = span("content") {
        s.push_str(&format!(", content at characters {b}–{e}"));
    }
    Some(s)
}

pub(crate) fn already_reviewed(p: &ProposalRecord) -> StoreError {
    StoreError::Conflict(match (&p.status, &p.claim_id, &p.reviewer) {
        (ProposalStatus::Accepted, Some(c), Some(r)) => {
            format!(
                "proposal {} was already accepted by {r} (claim `{c}`); nothing was written",
                p.id
            )
        }
        (s, _, Some(r)) => format!(
            "proposal {} was already {s} by {r}; nothing was written",
            p.id
        ),
        (s, _, None) => format!("proposal {} is already {s}; nothing was written", p.id),
    })
}

/// A user name: 1 to 64 characters of letters, digits, `_`, `-`, `.`, `@`.
pub fn check_user_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid user name `{name}`: use 1 to 64 letters, digits, `_`, `-`, `.` or `@`"
        ))
    }
}
