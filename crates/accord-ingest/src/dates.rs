//! Time expressions in articles, resolved against the publication date.
//!
//! Rules (each names itself in the explanation):
//! - `today`, `this morning`, `tonight` → the publication day;
//! - `yesterday` → the day before;
//! - a weekday (`on Tuesday evening`, `last Friday`) → the latest such day on or before
//!   publication (`last` + the publication's own weekday → a week earlier);
//! - `last week` → Monday to Friday of the previous week (the bundled dataset's convention);
//!   `this week` / `earlier this week` → Monday of this week to publication;
//! - `last month`, `earlier this month`, `this month`, `last year`, `this year`;
//! - a month name (`in September`, `in May 2025`) → that month, the latest one not after
//!   publication when no year is written;
//! - a day (`8 May 2025`, `on 9 July`, `July 9, 2025`) → that day; with no year, the
//!   publication's year.
//!
//! Expressions that resolve to after the publication date are not valid times of what was
//! said and are skipped by the caller.

use accord_model::{FuzzyDate, Precision};
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::text::Tok;

const MONTHS: &[(&str, i8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

const PARTS_OF_DAY: &[&str] = &["morning", "afternoon", "evening", "night"];

/// A resolved time expression: the date, the tokens it covers, and the rule used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TimeExpr {
    pub date: FuzzyDate,
    pub first: usize,
    pub last: usize,
    pub rule: String,
}

fn day(d: Date) -> FuzzyDate {
    FuzzyDate::day(d)
}

fn interval(a: Date, b: Date) -> FuzzyDate {
    if a == b {
        return day(a);
    }
    FuzzyDate {
        start: a.min(b),
        end: a.max(b),
        precision: Precision::Interval,
        approximate: false,
    }
}

fn month(y: i16, m: i8) -> Option<FuzzyDate> {
    let start = Date::new(y, m, 1).ok()?;
    Some(FuzzyDate {
        start,
        end: start.last_of_month(),
        precision: Precision::Month,
        approximate: false,
    })
}

fn year(y: i16) -> Option<FuzzyDate> {
    Some(FuzzyDate {
        start: Date::new(y, 1, 1).ok()?,
        end: Date::new(y, 12, 31).ok()?,
        precision: Precision::Year,
        approximate: false,
    })
}

fn month_num(w: &str) -> Option<i8> {
    MONTHS
        .iter()
        .find(|(n, _)| *n == w.trim_end_matches('.'))
        .map(|(_, m)| *m)
}

pub(crate) fn weekday(w: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| *n == w).map(|(_, d)| *d)
}

fn year_num(w: &str) -> Option<i16> {
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

fn day_num(w: &str) -> Option<i8> {
    let d = w
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    (!d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| d.parse().ok())
        .flatten()
        .filter(|n| (1..=31).contains(n))
}

fn monday_of(d: Date) -> Date {
    let back = d.weekday().to_monday_zero_offset();
    d.checked_sub(i64::from(back).days()).unwrap_or(d)
}

fn minus_days(d: Date, n: i64) -> Date {
    d.checked_sub(n.days()).unwrap_or(d)
}

/// Every time expression in `toks[range]`, resolved against `published`.
pub(crate) fn find(toks: &[Tok], range: std::ops::Range<usize>, published: Date) -> Vec<TimeExpr> {
    let mut out = Vec::new();
    let w = |i: usize| toks.get(i).map(|t| t.low.as_str()).unwrap_or("");
    let mut i = range.start;
    while i < range.end {
        let cur = w(i);
        let mut found: Option<(FuzzyDate, usize, String)> = None;
        match cur {
            "today" | "tonight" => {
                found = Some((day(published), i, format!("`{cur}` is the publication day")))
            }
            "yesterday" => {
                found = Some((
                    day(minus_days(published, 1)),
                    i,
                    "`yesterday` is the day before publication".into(),
                ))
            }
            "this" if PARTS_OF_DAY.contains(&w(i + 1)) => {
                found = Some((
                    day(published),
                    i + 1,
                    "`this …` (part of day) is the publication day".into(),
                ))
            }
            "last" | "this" | "earlier" | "next" => {
                let (lead, nxt) = if cur == "earlier" && w(i + 1) == "this" {
                    ("earlier this", i + 2)
                } else {
                    (cur, i + 1)
                };
                match w(nxt) {
                    "week" => {
                        let mon = monday_of(published);
                        found = match lead {
                            "last" => {
                                let m = minus_days(mon, 7);
                                Some((interval(m, minus_days(m, -4)), nxt, "`last week` is Monday to Friday of the week before publication".into()))
                            }
                            "this" => Some((interval(mon, published), nxt, "`this week` runs from Monday to publication".into())),
                            "earlier this" => Some((interval(mon, minus_days(published, 1).max(mon)), nxt, "`earlier this week` runs from Monday to the day before publication".into())),
                            _ => None,
                        };
                    }
                    "month" => {
                        let first = published.first_of_month();
                        found = match lead {
                            "last" => {
                                let p = minus_days(first, 1);
                                month(p.year(), p.month()).map(|d| (d, nxt, "`last month` is the month before publication".into()))
                            }
                            "this" => month(published.year(), published.month()).map(|d| (d, nxt, "`this month` is the publication month".into())),
                            "earlier this" => Some((interval(first, minus_days(published, 1).max(first)), nxt, "`earlier this month` runs from the 1st to the day before publication".into())),
                            _ => None,
                        };
                    }
                    "year" => {
                        found = match lead {
                            "last" => year(published.year() - 1).map(|d| {
                                (d, nxt, "`last year` is the year before publication".into())
                            }),
                            "this" => year(published.year())
                                .map(|d| (d, nxt, "`this year` is the publication year".into())),
                            _ => None,
                        };
                    }
                    x if weekday(x).is_some() && lead != "next" => {
                        if let Some(wd) = weekday(x) {
                            let mut d = published;
                            let mut steps = 0;
                            while d.weekday() != wd && steps < 7 {
                                d = minus_days(d, 1);
                                steps += 1;
                            }
                            if lead == "last" && d == published {
                                d = minus_days(d, 7);
                            }
                            let end = if PARTS_OF_DAY.contains(&w(nxt + 1)) {
                                nxt + 1
                            } else {
                                nxt
                            };
                            found = Some((
                                day(d),
                                end,
                                format!("`{lead} {x}` is the latest {x} on or before publication"),
                            ));
                        }
                    }
                    _ => {}
                }
            }
            x if weekday(x).is_some() => {
                if let Some(wd) = weekday(x) {
                    let mut d = published;
                    let mut steps = 0;
                    while d.weekday() != wd && steps < 7 {
                        d = minus_days(d, 1);
                        steps += 1;
                    }
                    let end = if PARTS_OF_DAY.contains(&w(i + 1)) {
                        i + 1
                    } else {
                        i
                    };
                    let desc: Vec<&str> = (i..=end).map(w).collect();
                    found = Some((
                        day(d),
                        end,
                        format!(
                            "`{}` is the latest {x} on or before publication ({})",
                            desc.join(" "),
                            published
                        ),
                    ));
                }
            }
            x if day_num(x).is_some() && month_num(w(i + 1)).is_some() => {
                // 8 May [2025]
                if let (Some(dn), Some(m)) = (day_num(x), month_num(w(i + 1))) {
                    let (y, end) = match year_num(w(i + 2)) {
                        Some(y) => (y, i + 2),
                        None => (published.year(), i + 1),
                    };
                    if let Ok(d) = Date::new(y, m, dn) {
                        found = Some((day(d), end, "a written day".into()));
                    }
                }
            }
            x if month_num(x).is_some() && x != "may"
                || (x == "may"
                    && toks.get(i).is_some_and(|t| t.low == "may")
                    && (day_num(w(i + 1)).is_some()
                        || year_num(w(i + 1)).is_some()
                        || matches!(
                            w(i.wrapping_sub(1)),
                            "in" | "since"
                                | "of"
                                | "during"
                                | "early"
                                | "late"
                                | "mid"
                                | "until"
                                | "by"
                        ))) =>
            {
                if let Some(m) = month_num(x) {
                    if let Some(dn) = day_num(w(i + 1)) {
                        // July 9[,] [2025]
                        let mut end = i + 1;
                        let mut y = published.year();
                        let mut k = i + 2;
                        if w(k) == "," {
                            k += 1;
                        }
                        if let Some(yy) = year_num(w(k)) {
                            y = yy;
                            end = k;
                        }
                        if let Ok(d) = Date::new(y, m, dn) {
                            found = Some((day(d), end, "a written day".into()));
                        }
                    } else if let Some(y) = year_num(w(i + 1)) {
                        found = month(y, m).map(|d| (d, i + 1, "a written month".into()));
                    } else {
                        let y = if m > published.month() {
                            published.year() - 1
                        } else {
                            published.year()
                        };
                        found = month(y, m).map(|d| {
                            (
                                d,
                                i,
                                format!("`{x}` is the latest {x} not after publication"),
                            )
                        });
                    }
                }
            }
            _ => {}
        }
        match found {
            Some((date, last, rule)) => {
                out.push(TimeExpr {
                    date,
                    first: i,
                    last,
                    rule,
                });
                i = last + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn one(text: &str, published: &str) -> Option<String> {
        let toks = tokenize(text);
        let p: Date = published.parse().ok()?;
        find(&toks, 0..toks.len(), p)
            .first()
            .map(|t| t.date.to_string())
    }

    #[test]
    fn relative_dates() {
        // 2025-12-16 is a Tuesday.
        assert_eq!(
            one("he said on Tuesday evening that", "2025-12-16").as_deref(),
            Some("2025-12-16")
        );
        assert_eq!(
            one("on Sunday", "2025-06-30").as_deref(),
            Some("2025-06-29")
        );
        assert_eq!(
            one("last Tuesday", "2025-12-16").as_deref(),
            Some("2025-12-09")
        );
        assert_eq!(
            one("suspended it last week", "2025-12-15").as_deref(),
            Some("2025-12-08/2025-12-12")
        );
        assert_eq!(
            one("yesterday", "2025-12-16").as_deref(),
            Some("2025-12-15")
        );
        assert_eq!(
            one("in September", "2025-12-16").as_deref(),
            Some("2025-09")
        );
        assert_eq!(
            one("in September", "2025-06-04").as_deref(),
            Some("2024-09")
        );
        assert_eq!(
            one("signed on 8 May 2025", "2025-06-04").as_deref(),
            Some("2025-05-08")
        );
        assert_eq!(
            one("by July 9, 2025", "2025-06-04").as_deref(),
            Some("2025-07-09")
        );
        assert_eq!(one("last month", "2025-06-04").as_deref(), Some("2025-05"));
        assert_eq!(
            one("earlier this month", "2025-06-30").as_deref(),
            Some("2025-06-01/2025-06-29")
        );
        assert_eq!(one("it may be", "2025-06-30"), None);
        assert_eq!(one("in May", "2025-06-30").as_deref(), Some("2025-05"));
    }
}
