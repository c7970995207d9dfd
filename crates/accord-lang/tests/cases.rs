//! Data-driven diagnostics tests.
//!
//! Each `tests/cases/*.txt` holds a condition, a line `---`, and the exact
//! rendered diagnostics expected for it (parse errors, or else check errors
//! against the fixture dataset in `tests/common`), or `ok`. Run with
//! `ACCORD_BLESS=1` to rewrite the expectations from the current output
//! (then review the diff).

mod common;

use std::fmt::Write as _;
use std::path::Path;

use accord_lang::{check, parse, render_all};

const SEPARATOR: &str = "\n---\n";

fn actual(condition: &str) -> String {
    let diags = match parse(condition) {
        Ok(expr) => check(&expr, &common::Fixture),
        Err(diags) => diags,
    };
    if diags.is_empty() {
        "ok\n".to_string()
    } else {
        render_all(&diags, "condition", condition, 0)
    }
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            let _ = writeln!(out, "  {}", a[i]);
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", a[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", b[j]);
            j += 1;
        }
    }
    out
}

#[test]
fn diagnostics_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 12,
        "expected at least 12 cases, found {}",
        paths.len()
    );
    let bless = std::env::var_os("ACCORD_BLESS").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap().replace("\r\n", "\n");
        let (condition, expected) = text
            .split_once(SEPARATOR)
            .unwrap_or_else(|| panic!("{}: no `---` line", path.display()));
        let got = actual(condition);
        if got != expected {
            if bless {
                std::fs::write(path, format!("{condition}{SEPARATOR}{got}")).unwrap();
            } else {
                failures.push(format!(
                    "{}:\n{}",
                    path.file_name().unwrap().to_string_lossy(),
                    diff(expected, &got)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ (- expected, + actual):\n\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n")
    );
}

#[test]
fn diff_marks_changes() {
    assert_eq!(diff("a\nb\nc", "a\nx\nc"), "  a\n- b\n+ x\n  c\n");
}
