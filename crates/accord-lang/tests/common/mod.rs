//! A small dataset shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a part of the fixtures")]

use std::collections::BTreeMap;

use accord_lang::{Env, ItemKind, Level, Resolver, Truth};
use jiff::civil::Date;

/// The US–UK model case, reduced to names.
pub struct Fixture;

pub const ITEMS: [(&str, ItemKind); 10] = [
    ("epd", ItemKind::Instrument),
    ("epd_gt", ItemKind::Instrument),
    ("epd_gt.c_uk_beef", ItemKind::Commitment),
    ("epd_gt.c_uk_ethanol", ItemKind::Commitment),
    ("epd_gt.c_us_autos", ItemKind::Commitment),
    ("tpd", ItemKind::Instrument),
    ("steel", ItemKind::Track),
    ("dst_dispute", ItemKind::Track),
    ("tech_pkg", ItemKind::Package),
    ("msft_pledge", ItemKind::Pledge),
];

pub const PARTIES: [&str; 3] = ["uk", "us", "microsoft"];

pub const STATUSES: [&str; 9] = [
    "proposed",
    "active",
    "agreed",
    "in_force",
    "stalled",
    "on_hold",
    "suspended",
    "discontinued",
    "fulfilled",
];

impl Resolver for Fixture {
    fn item_kind(&self, id: &str) -> Option<ItemKind> {
        ITEMS.iter().find(|(i, _)| *i == id).map(|(_, k)| *k)
    }
    fn item_ids(&self) -> Vec<String> {
        ITEMS.iter().map(|(i, _)| i.to_string()).collect()
    }
    fn party_exists(&self, id: &str) -> bool {
        PARTIES.contains(&id)
    }
    fn party_ids(&self) -> Vec<String> {
        PARTIES.iter().map(|p| p.to_string()).collect()
    }
    fn is_status(&self, name: &str) -> bool {
        STATUSES.contains(&name)
    }
    fn status_names(&self) -> Vec<String> {
        STATUSES.iter().map(|s| s.to_string()).collect()
    }
}

/// A world state for evaluation tests: everything not set is unknown / empty.
#[derive(Default)]
pub struct World {
    pub as_of: Option<Date>,
    pub status: BTreeMap<String, String>,
    pub progress: BTreeMap<(String, Option<String>), Level>,
    pub operative: BTreeMap<String, Truth>,
    pub met: BTreeMap<String, Truth>,
    pub commitments: BTreeMap<(String, Option<String>), Vec<String>>,
    pub linked: BTreeMap<String, Vec<String>>,
    pub members: BTreeMap<String, Vec<String>>,
}

impl World {
    pub fn new() -> Self {
        World::default()
    }
    pub fn on(mut self, date: Date) -> Self {
        self.as_of = Some(date);
        self
    }
    pub fn status(mut self, item: &str, status: &str) -> Self {
        self.status.insert(item.into(), status.into());
        self
    }
    pub fn progress(mut self, item: &str, by: Option<&str>, level: Level) -> Self {
        self.progress
            .insert((item.into(), by.map(Into::into)), level);
        self
    }
    pub fn operative(mut self, item: &str, t: Truth) -> Self {
        self.operative.insert(item.into(), t);
        self
    }
    pub fn met(mut self, item: &str, t: Truth) -> Self {
        self.met.insert(item.into(), t);
        self
    }
    pub fn commitments(mut self, item: &str, by: Option<&str>, list: &[&str]) -> Self {
        self.commitments.insert(
            (item.into(), by.map(Into::into)),
            list.iter().map(|s| s.to_string()).collect(),
        );
        self
    }
    pub fn linked(mut self, item: &str, list: &[&str]) -> Self {
        self.linked
            .insert(item.into(), list.iter().map(|s| s.to_string()).collect());
        self
    }
    pub fn members(mut self, item: &str, list: &[&str]) -> Self {
        self.members
            .insert(item.into(), list.iter().map(|s| s.to_string()).collect());
        self
    }
}

impl Env for World {
    fn as_of(&self) -> Date {
        self.as_of.unwrap_or(Date::constant(2025, 12, 17))
    }
    fn status(&self, item: &str) -> Option<String> {
        self.status.get(item).cloned()
    }
    fn progress(&self, item: &str, by: Option<&str>) -> Option<Level> {
        self.progress
            .get(&(item.to_string(), by.map(str::to_string)))
            .copied()
    }
    fn operative(&self, item: &str) -> Truth {
        self.operative.get(item).copied().unwrap_or(Truth::Unknown)
    }
    fn met(&self, commitment: &str) -> Truth {
        self.met.get(commitment).copied().unwrap_or(Truth::Unknown)
    }
    fn commitments(&self, item: &str, by: Option<&str>) -> Vec<String> {
        self.commitments
            .get(&(item.to_string(), by.map(str::to_string)))
            .cloned()
            .unwrap_or_default()
    }
    fn linked(&self, item: &str) -> Vec<String> {
        self.linked.get(item).cloned().unwrap_or_default()
    }
    fn members(&self, item: &str) -> Vec<String> {
        self.members.get(item).cloned().unwrap_or_default()
    }
}
