//! Typed links between items.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `from` only works if `to` does (a formal condition).
    ConditionalOn,
    /// `from` is tied to `to` politically: trouble in `to` is a knock-on risk for `from`.
    LinkedTo,
    /// `from` is a member of the package `to`.
    PartOf,
    /// `from` (an executive order, a regulation) implements `to`.
    Implements,
    /// `from` replaces `to`.
    Supersedes,
}

impl LinkKind {
    /// Whether trouble at `to` puts `from` at risk.
    pub fn carries_risk(self) -> bool {
        matches!(self, LinkKind::ConditionalOn | LinkKind::LinkedTo)
    }
}

/// How a `linked_to` link works, for the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMode {
    /// One side holds `to` back to win concessions on `from` (or the reverse).
    Leverage,
    /// Trouble in `to` spills over to `from`.
    KnockOn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: Id,
    pub kind: LinkKind,
    pub from: Id,
    pub to: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<LinkMode>,
    /// A condition (condition language) that says when the link bites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
