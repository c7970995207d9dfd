//! The diagnostics suite of `accord check`.
//!
//! Every directory under `tests/invalid/` is a small dataset with one kind of mistake in it
//! (its name says which), and `expected.txt` beside its files holds exactly what
//! [`Loaded::render_diagnostics`] prints for it: message, file, line, column, the underlined
//! excerpt, the label and the help line of every diagnostic. `tests/warnings/` holds datasets
//! that are valid but doubtful, in the same way.
//!
//! When the output changes on purpose, rewrite the expectations with
//!
//! ```text
//! ACCORD_BLESS=1 cargo test -p accord-dataset --test invalid
//! ```
//!
//! and read the changed `expected.txt` files (`git diff`) as a user would before committing:
//! the underline on the right token, a lowercase message with the user's input in backticks,
//! a help line that says what to do.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use accord_dataset::{Loaded, Severity, SourceFile, load_dir, load_files};

fn suite_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

fn case_dirs(suite: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(suite_dir(suite))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load(dir: &Path) -> Result<Loaded, String> {
    load_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// A line diff of `expected` against `actual` (longest common subsequence): lines only in
/// the expectation start with `-`, lines only in the output with `+`.
fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // common[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0u32; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                let _ = writeln!(out, "  {a}");
                i += 1;
                j += 1;
            }
            (Some(a), Some(_)) if common[i + 1][j] >= common[i][j + 1] => {
                let _ = writeln!(out, "- {a}");
                i += 1;
            }
            (Some(a), None) => {
                let _ = writeln!(out, "- {a}");
                i += 1;
            }
            (_, Some(b)) => {
                let _ = writeln!(out, "+ {b}");
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Checks the JSON form of one case's diagnostics against the rendered form, and the style
/// of every message. Returns the problems found.
fn check_json_and_style(case: &str, loaded: &Loaded, rendered: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let json = loaded.diagnostics_json();
    if json.len() != loaded.diagnostics.len() {
        problems.push(format!(
            "{case}: {} diagnostics but {} in JSON",
            loaded.diagnostics.len(),
            json.len()
        ));
    }
    // The `--> file:line:col` lines of the rendered form, in order.
    let locations: Vec<&str> = rendered
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    for (k, v) in json.iter().enumerate() {
        let s = |key: &str| v.get(key).and_then(|x| x.as_str()).unwrap_or("");
        let n = |key: &str| v.get(key).and_then(|x| x.as_u64()).unwrap_or(0);
        for key in ["file", "code", "message", "help", "severity"] {
            if s(key).trim().is_empty() {
                problems.push(format!(
                    "{case}: diagnostic {k} has no `{key}` in JSON: {v}"
                ));
            }
        }
        if n("line") == 0 || n("column") == 0 || n("end_line") == 0 || n("end_column") == 0 {
            problems.push(format!(
                "{case}: diagnostic {k} has no line/column in JSON: {v}"
            ));
        }
        let here = format!("{}:{}:{}", s("file"), n("line"), n("column"));
        if locations.get(k).copied() != Some(here.as_str()) {
            problems.push(format!(
                "{case}: diagnostic {k} is at {here} in JSON but at {:?} when rendered",
                locations.get(k)
            ));
        }
        for key in ["message", "help"] {
            if let Some(why) = style_problem(s(key)) {
                problems.push(format!("{case}: {key} {:?}: {why}", s(key)));
            }
        }
    }
    problems
}

/// Words that give away an implementation type rather than say something to a user.
const RUST_WORDS: &[&str] = &[
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "usize", "isize", "struct",
    "enum", "variant", "sequence", "Option", "Vec", "String", "newtype",
];

fn style_problem(text: &str) -> Option<&'static str> {
    let first = text.split_whitespace().next().unwrap_or("");
    let acronym = first
        .trim_end_matches(':')
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if first.starts_with(|c: char| c.is_uppercase()) && !acronym {
        return Some("starts with a capital letter");
    }
    if text.ends_with('.') {
        return Some("ends with a full stop");
    }
    // Only words outside backticks count: user input may be anything.
    let outside: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let words: Vec<&str> = outside
        .split(|c: char| !c.is_ascii_alphanumeric())
        .collect();
    if words.iter().any(|w| RUST_WORDS.contains(w)) {
        return Some("names an implementation type");
    }
    None
}

/// What every case of a suite must report besides its expected output.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reports {
    /// At least one error.
    Errors,
    /// At least one warning and no error.
    WarningsOnly,
}

/// Runs every case of `tests/<suite>/`, returning the problems found.
fn run_suite(suite: &str, reports: Reports) -> Vec<String> {
    let dirs = case_dirs(suite);
    let bless = std::env::var_os("ACCORD_BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut numbers = BTreeSet::new();
    for dir in &dirs {
        let case = format!("{suite}/{}", name_of(dir));
        let number = name_of(dir).split('-').next().unwrap_or("").to_string();
        if number.len() != 2 || !number.bytes().all(|b| b.is_ascii_digit()) {
            failures.push(format!("{case}: a case directory is named `NN-short-name`"));
        }
        if !numbers.insert(number) {
            failures.push(format!("{case}: its number is used by another case"));
        }
        let loaded = match load(dir) {
            Ok(l) => l,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let actual = loaded.render_diagnostics();
        match reports {
            Reports::Errors if loaded.error_count() == 0 => {
                failures.push(format!("{case}: no error was reported\n{actual}"));
            }
            Reports::WarningsOnly if loaded.error_count() > 0 || loaded.warning_count() == 0 => {
                failures.push(format!("{case}: expected warnings and no error\n{actual}"));
            }
            _ => {}
        }
        failures.extend(check_json_and_style(&case, &loaded, &actual));
        let path = dir.join("expected.txt");
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .replace("\r\n", "\n");
        if expected != actual {
            if bless {
                if let Err(e) = std::fs::write(&path, &actual) {
                    failures.push(format!("{case}: could not write {}: {e}", path.display()));
                }
            } else {
                failures.push(format!(
                    "{case}: the diagnostics differ from expected.txt (- expected, + actual):\n{}",
                    line_diff(&expected, &actual)
                ));
            }
        }
    }
    failures
}

fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} problem(s); if the new output is right, rerun with ACCORD_BLESS=1 and review the diff\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn invalid_datasets_report_exactly_the_expected_diagnostics() {
    let cases = case_dirs("invalid").len();
    assert!(cases >= 25, "expected at least 25 cases, found {cases}");
    assert_no_failures(&run_suite("invalid", Reports::Errors));
}

/// Warnings are reported like errors but do not make a dataset invalid.
#[test]
fn doubtful_datasets_report_exactly_the_expected_warnings() {
    assert!(!case_dirs("warnings").is_empty());
    assert_no_failures(&run_suite("warnings", Reports::WarningsOnly));
}

#[test]
fn a_valid_dataset_has_no_diagnostics() {
    let loaded = load(&suite_dir("valid/small")).unwrap();
    assert_eq!(loaded.render_diagnostics(), "");
    assert!(loaded.diagnostics.is_empty());
    let s = loaded.summary();
    assert!(s.parties > 0 && s.instruments > 0 && s.claims > 0 && s.conditions > 0);
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_string(),
        text: text.to_string(),
    }
}

/// (code, file, 1-based line) of every diagnostic, in the order reported.
fn where_and_what(loaded: &Loaded) -> Vec<(String, String, usize)> {
    loaded
        .diagnostics_json()
        .iter()
        .map(|v| {
            (
                v["code"].as_str().unwrap_or("").to_string(),
                v["file"].as_str().unwrap_or("").to_string(),
                v["line"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect()
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let loaded = load_files(vec![
        file(
            "accord.toml",
            "[dataset]\nname = \"many\"\n\n[extra]\nx = 1\n",
        ),
        file(
            "broken.toml",
            "[[party]]\nid = \"acme\"\nkind = \"company\nname = \"Acme\"\n",
        ),
        file(
            "parties.toml",
            r#"[[party]]
id = "us"
kind = "country"
name = "United States"
iso2 = "US"
iso3 = "USA"

[[party]]
id = "uk"
kind = "country"
name = "United Kingdom"
iso2 = "UK"
iso3 = "GBR"
website = "gov.uk"

[[parti]]
id = "fr"
"#,
        ),
        file(
            "defs.toml",
            r#"[[source]]
id = "src"
kind = "official"
title = "A statement"
published = 2025-02-30

[[instrument]]
id = "deal"
kind = "memorandum_of_understanding"
name = "The deal"
parties = ["us", "uk", "de"]
signed = 2025-09-18
in_force = 2025-09-01
activation = "progress(other, by: ukk) >= substantial"

[[instrument]]
id = "deal"
kind = "framework"
name = "The deal again"
parties = ["us"]

[[pledge]]
id = "Pledge-1"
name = "Money"
pledgor = "acme"
money = { amount = 1.5, currency = "GPB" }
"#,
        ),
        file(
            "claims.toml",
            r#"[[claim]]
id = "c1"
about = "nothing"
asserts = "status"
value = "paused"
valid = "2025-12"
known = 2025-12-16
source = "src"

[[claim]]
id = "c2"
about = "deal"
asserts = "status"
value = "wobbling"
valid = "2025-13"
known = 2025-12-16
source = "src"
confidence = 1.5
"#,
        ),
        file(
            "claims/bulk.jsonl",
            "{\"id\":\"c3\",\"about\":\"deal\",\"asserts\":\"status\",\"value\":\"paused\",\"valid\":\"2025-12\",\"known\":\"2025-12-16\",\"source\":\"src\",\"retracts\":\"c9\"}\n{\"id\":\"c4\",\n",
        ),
    ]);
    let got = where_and_what(&loaded);
    let want: Vec<(String, String, usize)> = [
        ("D016", "accord.toml", 4),       // unknown table `extra`
        ("D001", "broken.toml", 3),       // unterminated string (and `acme` is still known)
        ("D010", "claims.toml", 3),       // claim about an unknown item
        ("D014", "claims.toml", 14),      // unknown status wording…
        ("D006", "claims.toml", 15),      // …a bad date in the same claim…
        ("D019", "claims.toml", 18),      // …and its confidence out of range
        ("D011", "claims/bulk.jsonl", 1), // dangling correction
        ("D001", "claims/bulk.jsonl", 2), // JSON syntax
        ("D006", "defs.toml", 5),         // no such day
        ("D005", "defs.toml", 11),        // unknown party `de`
        ("D006", "defs.toml", 13),        // in force before signed
        ("L120", "defs.toml", 14),        // unknown item in a condition…
        ("L122", "defs.toml", 14),        // …and an unknown party in the same one
        ("D004", "defs.toml", 17),        // duplicate id
        ("D012", "defs.toml", 23),        // invalid id…
        ("D003", "defs.toml", 26),        // …a float amount in the same pledge…
        ("D007", "defs.toml", 26),        // …and an unknown currency
        ("D008", "parties.toml", 12),     // `UK` is not a country code…
        ("D002", "parties.toml", 14),     // …and an unknown field in the same party
        ("D016", "parties.toml", 16),     // unknown table `parti`
    ]
    .iter()
    .map(|(c, f, l)| (c.to_string(), f.to_string(), *l))
    .collect();
    assert_eq!(got, want, "\n{}", loaded.render_diagnostics());
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error)
    );
}
