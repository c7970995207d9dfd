//! Negotiation tracks and disputes.

use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    /// Talks towards an instrument or its implementation.
    Negotiation,
    /// A disagreement between the parties that weighs on other tracks.
    Dispute,
}

/// A product code with the classification and edition it belongs to: HS 2022 `8703`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductCode {
    /// `hs` (WCO Harmonized System), `htsus`, `uk_tariff`, `cpc`.
    pub system: String,
    /// The edition, e.g. `2022` for HS 2022.
    pub edition: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub id: Id,
    pub kind: TrackKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub parties: Vec<Id>,
    pub topic: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    #[serde(default, rename = "product", skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<ProductCode>,
    /// Instruments this track negotiates or implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A package: items meant to stand or fall together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub id: Id,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
