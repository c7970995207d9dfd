//! `accord check` as a user runs it: the built binary, its exit codes (0 valid, 1 invalid,
//! 2 bad input) and both output formats. The datasets are the ones of the diagnostics suite
//! in `crates/accord-dataset/tests`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dataset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../accord-dataset/tests")
        .join(name)
}

fn check(args: &[&str], dir: &Path) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("check")
        .args(args)
        .arg(dir)
        .output()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_valid_dataset_exits_0_and_says_ok() {
    let out = check(&[], &dataset("valid/small")).unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(": ok: 0 error(s), 0 warning(s)"),
        "{stdout}"
    );
    assert_eq!(stderr, "");
}

#[test]
fn an_invalid_dataset_exits_1_and_shows_every_diagnostic() {
    let dir = dataset("invalid/70-several-problems-in-one-entry");
    let out = check(&[], &dir).unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains(": invalid: 4 error(s), 0 warning(s)"),
        "{stdout}"
    );
    // The diagnostics go to stderr exactly as the library renders them.
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    assert_eq!(stderr, expected);
}

#[test]
fn a_missing_directory_exits_2() {
    let out = check(&[], &dataset("invalid/no-such-dataset")).unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_file_instead_of_a_directory_exits_2() {
    let out = check(&[], &dataset("valid/small/accord.toml")).unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a directory"), "{stderr}");
}

#[test]
fn json_output_parses_and_holds_the_diagnostics() {
    let dir = dataset("invalid/70-several-problems-in-one-entry");
    let out = check(&["--error-format", "json"], &dir).unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"], 4);
    assert_eq!(v["warnings"], 0);
    let diags = v["diagnostics"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("D014", "deals.toml", 17, 9),
            ("D006", "deals.toml", 18, 9),
            ("D003", "deals.toml", 21, 14),
            ("D005", "deals.toml", 22, 11),
        ]
    );
    for d in diags {
        assert_eq!(d["severity"], "error");
        assert!(!d["message"].as_str().unwrap().is_empty(), "{d}");
        assert!(!d["help"].as_str().unwrap().is_empty(), "{d}");
        assert!(d["end_line"].as_u64().unwrap() >= d["line"].as_u64().unwrap());
    }
    assert_eq!(
        diags[2]["message"],
        "`confidence` must be a number, found a string"
    );
}

#[test]
fn json_output_of_a_valid_dataset_has_no_diagnostics() {
    let out = check(&["--error-format", "json"], &dataset("valid/small")).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
    assert!(v["summary"]["claims"].as_u64().unwrap() > 0);
}
