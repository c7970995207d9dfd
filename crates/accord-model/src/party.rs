//! Parties: countries, blocs, companies, government offices, outlets, organisations, people.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A state, identified by ISO 3166-1 codes and UN M49.
    Country,
    /// A group of states acting together (the EU).
    Bloc,
    Company,
    /// A government office or department ("Downing Street", "White House", "USTR").
    Office,
    /// A news outlet or publisher.
    Outlet,
    /// Any other organisation (a trade body, a think tank, a consultancy).
    Organisation,
    Person,
}

/// A post held by a person over a period ("Director of OSTP" from 2025-03-26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub title: String,
    /// The party the post belongs to (an office, a country, a company).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Id>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<Date>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
}

impl Role {
    /// Whether the post was held on the given day (open ends are unbounded).
    pub fn held_on(&self, d: Date) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: Id,
    pub kind: PartyKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// ISO 3166-1 alpha-2 (countries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso2: Option<String>,
    /// ISO 3166-1 alpha-3 (countries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso3: Option<String>,
    /// UN M49 numeric code (countries and regions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub m49: Option<u16>,
    /// For a bloc: its member parties.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Id>,
    /// For an office, outlet, company or person: the country it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Id>,
    /// For a person: the posts held over time.
    #[serde(default, rename = "role", skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Wikidata QID, e.g. `Q145`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    /// ISO 17442 Legal Entity Identifier (companies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lei: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Party {
    /// The roles this person held on a given day.
    pub fn roles_on(&self, d: Date) -> impl Iterator<Item = &Role> {
        self.roles.iter().filter(move |r| r.held_on(d))
    }
}
