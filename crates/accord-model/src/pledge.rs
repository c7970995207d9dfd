//! Investment pledges and the packages they are announced in.

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::Id;

/// An exact amount of money in an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    #[serde(deserialize_with = "exact_decimal")]
    pub amount: Decimal,
    /// ISO 4217 code, e.g. `GBP`.
    pub currency: String,
}

/// A quantity in a non-money unit: 120000 `gpu`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    #[serde(deserialize_with = "exact_decimal")]
    pub amount: Decimal,
    pub unit: String,
}

/// Reads a decimal written as an integer or a string; a float is refused because it is not exact.
pub fn exact_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(
                "an exact amount: an integer, or a decimal written as a string such as \"1.5\"",
            )
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(E::custom(format!(
                "`{v}` is a floating-point number, which is not exact; write the amount as a string, e.g. \"{v}\""
            )))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
            let clean: String = v.chars().filter(|c| *c != '_').collect();
            clean.parse::<Decimal>().map_err(|_| {
                E::custom(format!(
                    "`{v}` is not a decimal number; write digits with an optional `.`, e.g. \"22000000000\" or \"1.5\""
                ))
            })
        }
    }
    d.deserialize_any(V)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PledgeKind {
    /// One company's pledge.
    Single,
    /// A headline total announced for several pledges (the "£31bn tech package").
    Aggregate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pledge {
    pub id: Id,
    #[serde(default = "single")]
    pub kind: PledgeKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The pledging party (a company), if one party pledges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pledgor: Option<Id>,
    /// The party receiving the investment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// The period over which the pledge runs, in the source's words ("four years", "2025-2028").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub announced: Option<Date>,
    /// The aggregate pledge this one was announced as part of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Id>,
    /// Other pledges whose money is partly the same (counted once in totals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlaps: Vec<Id>,
    /// Items (instruments, tracks, packages) whose fate the pledge hangs on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tied_to: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn single() -> PledgeKind {
    PledgeKind::Single
}
