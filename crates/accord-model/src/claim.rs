//! Claims: dated, sourced, attributed statements about an item. Append-only and bitemporal.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{FuzzyDate, Id};

/// What kind of assertion a claim makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Asserts {
    /// The item is in a state (`value` holds the wording, mapped to a canonical status).
    Status,
    /// The commitment has been met.
    Met,
    /// The commitment has been missed.
    Missed,
    /// Progress on the item has reached a level (`value`: none, limited, substantial, complete).
    Progress,
    /// A statement about the item that asserts no state (`quote` holds it).
    Statement,
    DeclinedToComment,
    /// The party did not respond to requests for comment.
    NoResponse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Statement,
    Briefing,
    Interview,
    SocialPost,
    Report,
    Document,
    Other,
}

/// A claim. Never edited: a correction is a new claim that `retracts` or `supersedes` it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: Id,
    /// The item the claim is about.
    pub about: Id,
    pub asserts: Asserts,
    /// For `status`: the wording used ("paused", "on indefinite hold"); for `progress`: a level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For `progress`: whose progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Id>,
    /// When it held in the world.
    pub valid: FuzzyDate,
    /// When it became known (published or recorded).
    #[serde(with = "crate::date::day")]
    pub known: Date,
    pub source: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Id>,
    /// The speaker's role as the source gives it ("the Prime Minister's official spokesperson").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The side the speaker speaks for, if a party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<Id>,
    #[serde(default = "report")]
    pub channel: Channel,
    /// The words as reported (short, and in the dataset's copy only what the source quotes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// From 0 to 1: how sure the recorder is that the source says this.
    #[serde(default = "full_confidence")]
    pub confidence: f64,
    /// This claim withdraws another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracts: Option<Id>,
    /// This claim replaces another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn report() -> Channel {
    Channel::Report
}

fn full_confidence() -> f64 {
    1.0
}

impl Claim {
    /// The claim this one corrects, if any.
    pub fn corrects(&self) -> Option<&Id> {
        self.retracts.as_ref().or(self.supersedes.as_ref())
    }
}
