//! Sources: where a claim or a fact was published.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A news report.
    News,
    /// An official publication of a party (a press release, a fact sheet, a written statement).
    Official,
    /// The text of an instrument itself (an MOU, an executive order, the general terms).
    PrimaryDocument,
    /// A post on a social network.
    Social,
    /// Analysis by a law firm, think tank or researcher.
    Analysis,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Id,
    pub kind: SourceKind,
    /// The publishing party (an outlet, an office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<Id>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(with = "crate::date::day")]
    pub published: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
