//! Progress levels and three-valued truth.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How far an item has progressed, ordered `none < limited < substantial < complete`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No progress.
    None,
    /// Some progress, short of substantial.
    Limited,
    /// Substantial progress.
    Substantial,
    /// Done.
    Complete,
}

impl Level {
    /// Every level, lowest first.
    pub const ALL: [Level; 4] = [
        Level::None,
        Level::Limited,
        Level::Substantial,
        Level::Complete,
    ];

    /// The keyword that spells this level.
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Limited => "limited",
            Level::Substantial => "substantial",
            Level::Complete => "complete",
        }
    }

    /// The level spelled by `word`, if any (lowercase only).
    pub fn from_keyword(word: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == word)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a string is not a level name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseLevelError {
    /// The text that was not a level.
    pub input: String,
}

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown level `{}`: expected `none`, `limited`, `substantial` or `complete`",
            self.input
        )
    }
}

impl std::error::Error for ParseLevelError {}

impl FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::from_keyword(s).ok_or_else(|| ParseLevelError {
            input: s.to_string(),
        })
    }
}

/// A three-valued truth value (Kleene's strong logic).
///
/// `Unknown` means the evidence does not decide the question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Not decided by the evidence.
    Unknown,
}

impl Truth {
    /// Kleene conjunction: `false` wins, then `unknown`.
    #[must_use]
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene disjunction: `true` wins, then `unknown`.
    #[must_use]
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// The lowercase word for this value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }

    /// `Some(b)` when the value is known.
    pub const fn to_bool(self) -> Option<bool> {
        match self {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown => None,
        }
    }
}

impl From<bool> for Truth {
    fn from(b: bool) -> Self {
        if b { Truth::True } else { Truth::False }
    }
}

/// Kleene negation: `unknown` stays `unknown`.
impl std::ops::Not for Truth {
    type Output = Truth;

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(Level::None < Level::Limited);
        assert!(Level::Limited < Level::Substantial);
        assert!(Level::Substantial < Level::Complete);
    }

    #[test]
    fn level_text_round_trips() {
        for level in Level::ALL {
            assert_eq!(level.to_string().parse::<Level>(), Ok(level));
        }
        let err = "Substantial".parse::<Level>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown level `Substantial`: expected `none`, `limited`, `substantial` or `complete`"
        );
    }

    #[test]
    fn level_serde_is_lowercase() {
        assert_eq!(
            serde_json::to_string(&Level::Substantial).unwrap(),
            "\"substantial\""
        );
        let back: Level = serde_json::from_str("\"limited\"").unwrap();
        assert_eq!(back, Level::Limited);
        assert_eq!(
            serde_json::to_string(&Truth::Unknown).unwrap(),
            "\"unknown\""
        );
    }
}
