//! Dates with a precision: the valid time of a claim, the due date of a commitment.
//!
//! The text form follows ISO 8601 and its EDTF extension (ISO 8601-2) where it helps:
//! `2025-12-16` (day), `2025-12` (month), `2025-Q4` (quarter), `2025` (year), a leading or
//! trailing `~` for "approximately", and `A/B` for an interval between two of those.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How precisely a [`FuzzyDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Quarter,
    Year,
    /// An explicit interval `A/B`.
    Interval,
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Quarter => "quarter",
            Precision::Year => "year",
            Precision::Interval => "interval",
        })
    }
}

/// A date known to some precision: every day from `start` to `end` (inclusive) is possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FuzzyDate {
    pub start: Date,
    pub end: Date,
    pub precision: Precision,
    pub approximate: bool,
}

/// Why a date text could not be read. The message is meant for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DateError {}

fn err(text: &str, why: &str) -> DateError {
    DateError {
        message: format!(
            "`{text}` is not a valid date: {why}; expected `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Qn` or `YYYY`, optionally with `~` or as `A/B`"
        ),
    }
}

fn parse_year(text: &str, s: &str) -> Result<i16, DateError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(text, "the year must have four digits"));
    }
    s.parse::<i16>()
        .map_err(|_| err(text, "the year must have four digits"))
}

fn parse_num(text: &str, s: &str, what: &str) -> Result<i8, DateError> {
    if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(text, &format!("the {what} must have two digits")));
    }
    s.parse::<i8>()
        .map_err(|_| err(text, &format!("the {what} must have two digits")))
}

fn last_day(year: i16, month: i8) -> Result<Date, DateError> {
    let first = Date::new(year, month, 1).map_err(|e| DateError {
        message: e.to_string(),
    })?;
    Ok(first.last_of_month())
}

/// Parses a plain day `YYYY-MM-DD`, with a message a person can act on.
pub fn parse_day(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() != 3 {
        return Err(DateError {
            message: format!("`{text}` is not a valid day: expected `YYYY-MM-DD`"),
        });
    }
    let y = parse_year(text, parts[0])?;
    let m = parse_num(text, parts[1], "month")?;
    let d = parse_num(text, parts[2], "day")?;
    if !(1..=12).contains(&m) {
        return Err(err(text, "the month must be between 01 and 12"));
    }
    Date::new(y, m, d).map_err(|_| {
        let last = last_day(y, m).map(|d| d.day()).unwrap_or(31);
        err(
            text,
            &format!("day {d:02} does not exist in {y}-{m:02}, which has {last} days"),
        )
    })
}

fn parse_single(text: &str, s: &str) -> Result<FuzzyDate, DateError> {
    let parts: Vec<&str> = s.split('-').collect();
    let exact = |start: Date, end: Date, precision| FuzzyDate {
        start,
        end,
        precision,
        approximate: false,
    };
    match parts.as_slice() {
        [y] => {
            let y = parse_year(text, y)?;
            let start = Date::new(y, 1, 1).map_err(|e| err(text, &e.to_string()))?;
            let end = Date::new(y, 12, 31).map_err(|e| err(text, &e.to_string()))?;
            Ok(exact(start, end, Precision::Year))
        }
        [y, q] if q.starts_with('Q') || q.starts_with('q') => {
            let y = parse_year(text, y)?;
            let n: i8 = q[1..]
                .parse()
                .map_err(|_| err(text, "a quarter is written `Q1` to `Q4`"))?;
            if !(1..=4).contains(&n) || q.len() != 2 {
                return Err(err(text, "a quarter is written `Q1` to `Q4`"));
            }
            let start = Date::new(y, (n - 1) * 3 + 1, 1).map_err(|e| err(text, &e.to_string()))?;
            let end = last_day(y, n * 3)?;
            Ok(exact(start, end, Precision::Quarter))
        }
        [y, m] => {
            let y = parse_year(text, y)?;
            let m = parse_num(text, m, "month")?;
            if !(1..=12).contains(&m) {
                return Err(err(text, "the month must be between 01 and 12"));
            }
            let start = Date::new(y, m, 1).map_err(|e| err(text, &e.to_string()))?;
            Ok(exact(start, last_day(y, m)?, Precision::Month))
        }
        [_, _, _] => {
            let d = parse_day(s).map_err(|e| {
                // Re-word the message against the whole text the user wrote.
                DateError {
                    message: e.message.replace(&format!("`{s}`"), &format!("`{text}`")),
                }
            })?;
            Ok(exact(d, d, Precision::Day))
        }
        _ => Err(err(text, "it has too many parts")),
    }
}

impl FuzzyDate {
    /// An exact day.
    pub fn day(d: Date) -> Self {
        FuzzyDate {
            start: d,
            end: d,
            precision: Precision::Day,
            approximate: false,
        }
    }

    /// Parses the text form described in the module documentation.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(err(text, "it is empty"));
        }
        if let Some((a, b)) = t.split_once('/') {
            let a = Self::parse(a).map_err(|e| DateError {
                message: e.message.replace(&format!("`{a}`"), &format!("`{text}`")),
            })?;
            let b = Self::parse(b).map_err(|e| DateError {
                message: e.message.replace(&format!("`{b}`"), &format!("`{text}`")),
            })?;
            if b.end < a.start {
                return Err(err(text, "the interval ends before it starts"));
            }
            return Ok(FuzzyDate {
                start: a.start,
                end: b.end,
                precision: Precision::Interval,
                approximate: a.approximate || b.approximate,
            });
        }
        let (approx, core) = if let Some(rest) = t.strip_prefix('~') {
            (true, rest)
        } else if let Some(rest) = t.strip_suffix('~') {
            (true, rest)
        } else {
            (false, t)
        };
        let mut d = parse_single(text, core)?;
        d.approximate = approx;
        Ok(d)
    }

    /// Whether the given day falls inside the possible range.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |f: &mut fmt::Formatter<'_>, p: Precision, s: Date| -> fmt::Result {
            match p {
                Precision::Day | Precision::Interval => write!(f, "{s}"),
                Precision::Month => write!(f, "{:04}-{:02}", s.year(), s.month()),
                Precision::Quarter => write!(f, "{:04}-Q{}", s.year(), (s.month() - 1) / 3 + 1),
                Precision::Year => write!(f, "{:04}", s.year()),
            }
        };
        if self.approximate {
            f.write_str("~")?;
        }
        if self.precision == Precision::Interval {
            write!(f, "{}/{}", self.start, self.end)
        } else {
            one(f, self.precision, self.start)
        }
    }
}

impl FromStr for FuzzyDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for FuzzyDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FuzzyDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = DateText::deserialize(d)?;
        FuzzyDate::parse(&s.0).map_err(serde::de::Error::custom)
    }
}

/// Reads a date written either as a TOML date (`2025-12-16`) or as a string.
struct DateText(String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date such as `2025-12-16`, `2025-12`, `2025-Q4` or `2025`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<DateText, A::Error> {
                // TOML datetimes arrive as a one-entry map holding their text.
                let mut text = None;
                while let Some((_, v)) = map.next_entry::<String, String>()? {
                    text = Some(v);
                }
                text.map(DateText)
                    .ok_or_else(|| serde::de::Error::custom("expected a date"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A serde adapter for a plain day (`jiff::civil::Date`) written as a TOML date or a string.
pub mod day {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let t = DateText::deserialize(d)?;
        parse_day(&t.0).map_err(serde::de::Error::custom)
    }

    /// The same for `Option<Date>`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            let t = DateText::deserialize(d)?;
            parse_day(&t.0).map(Some).map_err(serde::de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precisions_parse_and_print_back() {
        for t in [
            "2025-12-16",
            "2025-12",
            "2025-Q4",
            "2025",
            "~2025-12",
            "2025-12-08/2025-12-12",
        ] {
            let d = FuzzyDate::parse(t).unwrap();
            assert_eq!(d.to_string(), t);
        }
        let q = FuzzyDate::parse("2025-Q4").unwrap();
        assert_eq!(q.start.to_string(), "2025-10-01");
        assert_eq!(q.end.to_string(), "2025-12-31");
        assert_eq!(
            FuzzyDate::parse("2025-12~").unwrap().to_string(),
            "~2025-12"
        );
    }

    #[test]
    fn bad_dates_say_what_is_wrong() {
        assert_eq!(
            FuzzyDate::parse("2025-13-01").unwrap_err().message,
            "`2025-13-01` is not a valid date: the month must be between 01 and 12; expected `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Qn` or `YYYY`, optionally with `~` or as `A/B`"
        );
        assert!(
            FuzzyDate::parse("2025-02-30")
                .unwrap_err()
                .message
                .contains("day 30 does not exist in 2025-02, which has 28 days")
        );
        assert!(FuzzyDate::parse("2025-12-12/2025-12-01").is_err());
        assert!(FuzzyDate::parse("2025-Q5").is_err());
        assert!(FuzzyDate::parse("").is_err());
    }
}
