//! Diagnostics: what went wrong, where, and how to fix it; and their plain-text rendering.

use std::fmt::Write as _;

use serde::Serialize;

use crate::span::Span;

/// One error found in a condition.
///
/// Messages follow one style: lowercase, user input in backticks, no
/// implementation type names; `label` says what is wrong at the span, and
/// `help` (when present) says what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// A stable code such as `L004`, listed in `docs/condition-language.md`.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// Byte offsets of the offending text within the condition.
    pub span: Span,
    /// A short note printed under the span.
    pub label: String,
    /// A suggestion, e.g. "did you mean `epd`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a help line.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
        }
    }

    /// Adds a help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// The largest char boundary of `source` at or below `offset`.
fn floor_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The 1-based line and column of byte `offset` in `source`; the column counts
/// chars, not bytes. Offsets past the end (or inside a char) are clamped.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(source, offset);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Renders `diag` as plain text in the style of rustc:
///
/// ```text
/// error[L120]: unknown item `epdd`
///  --> dataset.toml:3:24
///   |
/// 3 | activation = "progress(epdd) >= substantial"
///   |                        ^^^^ not an item in the dataset
///   = help: did you mean `epd`?
/// ```
///
/// `source` is the text the span points into after adding `base_offset`: the
/// condition itself with `base_offset = 0`, or a whole file in which the
/// condition starts at byte `base_offset`.
pub fn render(diag: &Diagnostic, file_name: &str, source: &str, base_offset: usize) -> String {
    let start = floor_boundary(source, diag.span.start.saturating_add(base_offset));
    let end = floor_boundary(source, diag.span.end.saturating_add(base_offset)).max(start);
    let (line, col) = line_col(source, start);
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);

    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let text = source[line_start..line_end].trim_end_matches('\r');

    // Underline from the start to the end of the span, or to the end of the line.
    let prefix: String = source[line_start..start]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let under_end = end.min(line_end);
    let width = source[start..under_end].chars().count().max(1);

    let mut out = String::new();
    let _ = writeln!(out, "error[{}]: {}", diag.code, diag.message);
    let _ = writeln!(out, "{pad}--> {file_name}:{line}:{col}");
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{line} | {text}");
    let carets = "^".repeat(width);
    if diag.label.is_empty() {
        let _ = writeln!(out, "{pad} | {prefix}{carets}");
    } else {
        let _ = writeln!(out, "{pad} | {prefix}{carets} {}", diag.label);
    }
    if let Some(help) = &diag.help {
        let _ = writeln!(out, "{pad} = help: {help}");
    }
    out
}

/// Renders several diagnostics, separated by blank lines.
pub fn render_all(
    diags: &[Diagnostic],
    file_name: &str,
    source: &str,
    base_offset: usize,
) -> String {
    diags
        .iter()
        .map(|d| render(d, file_name, source, base_offset))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Edit distance (insertions, deletions, substitutions, and swaps of two
/// neighbouring chars each cost 1), or `None` when it exceeds `limit`.
fn distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut prev2 = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The candidate closest to `name`, if one is close enough to be a likely
/// misspelling: at most `max(1, n / 3)` edits for a name of `n` chars (an edit
/// inserts, deletes or replaces a char, or swaps two neighbours). Ties go to
/// the candidate listed first.
/// Comparison ignores case.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let target: Vec<char> = name.to_lowercase().chars().collect();
    if target.is_empty() {
        return None;
    }
    let limit = (target.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let chars: Vec<char> = candidate.to_lowercase().chars().collect();
        let bound = best.map_or(limit, |(d, _)| d.saturating_sub(1).min(limit));
        if best.is_some_and(|(d, _)| d == 0) {
            break;
        }
        if let Some(d) = distance(&target, &chars, bound)
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Up to this many candidates are listed in a help line when none is close.
const LIST_AT_MOST: usize = 10;

/// "did you mean `x`?" for the closest candidate; failing that, when there are
/// only a few candidates, "the ones are `a`, `b` and `c`" (`one` and `many`
/// name the kind of candidate, e.g. "party" and "parties").
pub(crate) fn did_you_mean_or_list(
    name: &str,
    candidates: &[&str],
    one: &str,
    many: &str,
) -> Option<String> {
    if let Some(help) = did_you_mean(name, candidates.iter().copied()) {
        return Some(help);
    }
    match candidates {
        [] => None,
        [only] => Some(format!("the only {one} is `{only}`")),
        list if list.len() <= LIST_AT_MOST => {
            let quoted: Vec<String> = list.iter().map(|c| format!("`{c}`")).collect();
            let (last, rest) = quoted.split_last()?;
            Some(format!("the {many} are {} and {last}", rest.join(", ")))
        }
        _ => None,
    }
}

/// "did you mean `x`?" for the closest candidate.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let src = "ab\ncé d";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 2), (1, 3));
        assert_eq!(line_col(src, 3), (2, 1));
        // `é` is two bytes; `d` is at byte 7 but column 4.
        assert_eq!(line_col(src, 7), (2, 4));
        assert_eq!(line_col(src, 100), (2, 5));
        // Inside `é` clamps to its start.
        assert_eq!(line_col(src, 5), (2, 2));
    }

    #[test]
    fn suggest_finds_close_names() {
        let names = ["epd", "tpd", "steel", "epd_gt.c_uk_beef"];
        // Ties go to the first listed.
        assert_eq!(suggest("epf", names), Some("epd"));
        assert_eq!(suggest("stel", names), Some("steel"));
        assert_eq!(suggest("steal", names), Some("steel"));
        assert_eq!(suggest("epd_gt.c_uk_bef", names), Some("epd_gt.c_uk_beef"));
        assert_eq!(suggest("pharma", names), None);
        assert_eq!(suggest("", names), None);
        assert_eq!(suggest("EPD", names), Some("epd"));
        // A swap of neighbours is one edit.
        assert_eq!(
            suggest("progerss", ["progress", "status"]),
            Some("progress")
        );
        assert_eq!(suggest("x", Vec::<&str>::new()), None);
    }

    #[test]
    fn suggest_or_list_the_candidates() {
        let help = |name, list: &[&str]| did_you_mean_or_list(name, list, "party", "parties");
        assert_eq!(
            help("ukk", &["uk", "us"]),
            Some("did you mean `uk`?".to_string())
        );
        assert_eq!(help("france", &[]), None);
        assert_eq!(
            help("france", &["uk"]),
            Some("the only party is `uk`".to_string())
        );
        assert_eq!(
            help("france", &["uk", "us", "eu"]),
            Some("the parties are `uk`, `us` and `eu`".to_string())
        );
        let many: Vec<String> = (0..11).map(|i| format!("p{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(help("france", &many), None);
    }

    #[test]
    fn render_in_a_larger_file() {
        let file = "[tpd]\nactivation = \"progress(epdd) >= substantial\"\n";
        let base = file.find("progress").unwrap();
        let d = Diagnostic::new(
            "L120",
            "unknown item `epdd`",
            Span::new(9, 13),
            "not an item in the dataset",
        )
        .with_help("did you mean `epd`?");
        assert_eq!(
            render(&d, "us-uk.toml", file, base),
            "error[L120]: unknown item `epdd`\n --> us-uk.toml:2:24\n  |\n2 | activation = \"progress(epdd) >= substantial\"\n  |                        ^^^^ not an item in the dataset\n  = help: did you mean `epd`?\n"
        );
    }

    #[test]
    fn render_wide_gutter_and_empty_span() {
        let src = format!("{}x", "\n".repeat(11));
        let d = Diagnostic::new(
            "L004",
            "expected `)`, found end of condition",
            Span::at(12),
            "expected `)`",
        );
        assert_eq!(
            render(&d, "f", &src, 0),
            "error[L004]: expected `)`, found end of condition\n  --> f:12:2\n   |\n12 | x\n   |  ^ expected `)`\n"
        );
    }

    #[test]
    fn render_clamps_out_of_range_spans() {
        let d = Diagnostic::new("L004", "m", Span::new(50, 60), "l");
        assert_eq!(
            render(&d, "f", "ab", 0),
            "error[L004]: m\n --> f:1:3\n  |\n1 | ab\n  |   ^ l\n"
        );
    }

    #[test]
    fn render_multiline_span_underlines_to_end_of_line() {
        let d = Diagnostic::new("L004", "m", Span::new(1, 5), "l");
        assert_eq!(
            render(&d, "f", "abc\ndef", 0),
            "error[L004]: m\n --> f:1:2\n  |\n1 | abc\n  |  ^^ l\n"
        );
    }
}
