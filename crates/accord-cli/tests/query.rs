//! The query commands, run as a new user would: the built `accord` binary on the bundled
//! US–UK dataset (the acceptance queries of issue #3), and on bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn accord(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .output()
        .expect("the accord binary runs");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "panic: {}", r.stderr);
    r
}

fn ok(args: &[&str]) -> String {
    let r = accord(args);
    assert_eq!(r.code, 0, "accord {args:?} failed:\n{}", r.stderr);
    r.stdout
}

fn bad(args: &[&str]) -> String {
    let r = accord(args);
    assert_eq!(
        r.code, 2,
        "accord {args:?} should fail with 2:\n{}\n{}",
        r.stdout, r.stderr
    );
    assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
    r.stderr
}

#[test]
fn status_of_the_tpd_on_2025_12_17_is_not_operative() {
    let out = ok(&["status", "tpd", "--at", "2025-12-17"]);
    assert!(
        out.contains("tpd — US–UK Technology Prosperity Deal"),
        "{out}"
    );
    assert!(out.contains("NOT OPERATIVE"), "{out}");
    assert!(out.contains("progress(epd, by: uk)"), "{out}");
}

#[test]
fn why_tpd_names_the_open_epd_commitments_and_their_claims() {
    let out = ok(&["why", "tpd", "--at", "2025-12-17"]);
    for c in [
        "epd.uk_formalise (uk)",
        "epd.uk_non_tariff_barriers (uk)",
        "epd_steel.uk_supply_chain_requirements (uk)",
    ] {
        assert!(out.contains(c), "{c} missing:\n{out}");
    }
    assert!(out.contains("commitments not met"), "{out}");
    assert!(
        out.contains("[cl_ft_ntb_open]"),
        "the claim behind a commitment:\n{out}"
    );
}

#[test]
fn the_tech_track_is_contested_with_sources_on_both_sides() {
    let out = ok(&["contested", "--at", "2025-12-17"]);
    assert!(
        out.contains("tech_track — Technology track (track): CONTESTED"),
        "{out}"
    );
    assert!(out.contains("SUSPENDED ("), "{out}");
    assert!(out.contains("ACTIVE ("), "{out}");
    assert!(out.contains("“active conversations”"), "{out}");
    assert!(out.contains("10 Downing Street"), "{out}");
    assert!(
        out.contains("Reuters: “US suspends technology deal with Britain, FT reports”, 2025-12-15"),
        "{out}"
    );
    let status = ok(&["status", "tech_track", "--at", "2025-12-17"]);
    assert!(
        status.contains("status: CONTESTED (active | stalled | suspended)"),
        "{status}"
    );
}

#[test]
fn the_pause_is_known_on_the_17th_not_on_the_10th() {
    let then = ok(&[
        "status",
        "tech_track",
        "--at",
        "2025-12-10",
        "--known-at",
        "2025-12-10",
    ]);
    assert!(then.contains("status: ACTIVE"), "{then}");
    let later = ok(&[
        "status",
        "tech_track",
        "--at",
        "2025-12-10",
        "--known-at",
        "2025-12-17",
    ]);
    assert!(later.contains("status: SUSPENDED"), "{later}");
    assert!(
        later.contains("as of 2025-12-10, as known on 2025-12-17"),
        "{later}"
    );
}

#[test]
fn what_if_the_uk_meets_its_epd_commitments() {
    let out = ok(&[
        "whatif",
        "--claim",
        "commitments(epd, by: uk) met",
        "--at",
        "2025-12-17",
    ]);
    assert!(
        out.contains("tpd — US–UK Technology Prosperity Deal"),
        "{out}"
    );
    assert!(
        out.contains("operative: NOT OPERATIVE → OPERATIVE"),
        "{out}"
    );
    assert!(
        out.contains("progress(epd, by: uk): limited → complete"),
        "{out}"
    );
    // One claim at a time works too, and the real state is untouched afterwards.
    let one = ok(&[
        "whatif",
        "--claim",
        "epd.uk_formalise met",
        "--at",
        "2025-12-17",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v["hypotheses"][0]["id"], "whatif.1");
    let after = ok(&["status", "tpd", "--at", "2025-12-17"]);
    assert!(after.contains("NOT OPERATIVE"));
}

#[test]
fn exposure_counts_the_overlapping_packages_once() {
    let out = ok(&["exposure", "tpd", "--at", "2025-12-17"]);
    assert!(out.contains("pledge_tech_package"), "{out}");
    assert!(out.contains("pledge_microsoft"), "{out}");
    assert!(out.contains("GBP 31,000,000,000"), "{out}");
    assert!(
        out.contains("less GBP 22,000,000,000 (pledge_microsoft, member)"),
        "{out}"
    );
    let json = ok(&["exposure", "tpd", "--at", "2025-12-17", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let gbp = v["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["currency"] == "GBP")
        .unwrap();
    assert_eq!(gbp["amount"], "31000000000");
}

#[test]
fn the_steel_timeline_runs_from_may_to_december() {
    let out = ok(&["timeline", "epd_steel"]);
    assert!(out.contains("2025-05-08  status: none → proposed"), "{out}");
    assert!(out.contains("suspended"), "{out}");
    assert!(out.contains("2025-12-16"), "{out}");
}

#[test]
fn status_json_has_the_documented_shape() {
    let out = ok(&[
        "status",
        "tpd",
        "tech_track",
        "--at",
        "2025-12-17",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dataset"], "us-uk");
    assert_eq!(v["as_of"], "2025-12-17");
    assert_eq!(v["items"][0]["id"], "tpd");
    assert_eq!(v["items"][0]["operative"], "false");
    assert_eq!(v["items"][1]["status"]["reported"]["kind"], "contested");
    let all = ok(&["status", "--at", "2025-12-17", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert!(v["items"].as_array().unwrap().len() > 20);
    let why = ok(&["why", "tpd", "--at", "2025-12-17", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&why).unwrap();
    assert_eq!(v["item"]["id"], "tpd");
    assert!(v["tree"]["children"].is_array());
}

#[test]
fn bad_input_is_refused_with_exit_code_2() {
    let e = bad(&["status", "tdp", "--at", "2025-12-17"]);
    assert!(e.contains("unknown item `tdp`; did you mean `tpd`?"), "{e}");
    let e = bad(&["why", "tpd", "--at", "2025-13-01"]);
    assert!(e.contains("invalid --at: `2025-13-01`"), "{e}");
    let e = bad(&["status", "--at", "2025-12-17", "--known-at", "yesterday"]);
    assert!(e.contains("invalid --known-at"), "{e}");
    let e = bad(&["whatif", "--claim", "tpd", "--at", "2025-12-17"]);
    assert!(e.contains("malformed claim `tpd`"), "{e}");
    let e = bad(&["whatif", "--claim", "tpd met", "--at", "2025-12-17"]);
    assert!(e.contains("only a commitment can be met"), "{e}");
    let e = bad(&[
        "whatif",
        "--claim",
        "tech_track status=banana",
        "--at",
        "2025-12-17",
    ]);
    assert!(e.contains("`banana` is not a status"), "{e}");
    let e = bad(&["whatif", "--claim", "epd.uk_formalise met valid=2025-02-30"]);
    assert!(e.contains("day 30 does not exist"), "{e}");
    let e = bad(&["whatif", "--at", "2025-12-17"]);
    assert!(e.contains("--claim"), "{e}");
    let e = bad(&["timeline", "epd_stel"]);
    assert!(e.contains("did you mean `epd_steel`?"), "{e}");
    let e = bad(&["exposure", "nope", "--at", "2025-12-17"]);
    assert!(e.contains("unknown item `nope`"), "{e}");
    let e = bad(&["contested", "--dataset", "/nonexistent/dir"]);
    assert!(e.contains("does not exist"), "{e}");
    let e = bad(&["whatif", "--claims", "/nonexistent/claims.jsonl"]);
    assert!(e.contains("could not read --claims"), "{e}");
}

#[test]
fn what_if_from_a_claims_file() {
    let dir = std::env::temp_dir().join(format!("accord-whatif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jsonl = dir.join("claims.jsonl");
    std::fs::write(
        &jsonl,
        "{\"about\":\"epd\",\"asserts\":\"progress\",\"value\":\"substantial\",\"by\":\"uk\"}\n",
    )
    .unwrap();
    let out = ok(&[
        "whatif",
        "--claims",
        jsonl.to_str().unwrap(),
        "--at",
        "2025-12-17",
    ]);
    assert!(
        out.contains("operative: NOT OPERATIVE → OPERATIVE"),
        "{out}"
    );
    let toml = dir.join("claims.toml");
    std::fs::write(
        &toml,
        "[[claim]]\nabout = \"tech_track\"\nasserts = \"status\"\nvalue = \"resumed\"\n",
    )
    .unwrap();
    let out = ok(&[
        "whatif",
        "--claims",
        toml.to_str().unwrap(),
        "--at",
        "2025-12-17",
    ]);
    assert!(out.contains("tech_track"), "{out}");
    std::fs::write(
        &toml,
        "[[claim]]\nabout = \"tech_track\"\nasserts = \"sideways\"\n",
    )
    .unwrap();
    let e = bad(&[
        "whatif",
        "--claims",
        toml.to_str().unwrap(),
        "--at",
        "2025-12-17",
    ]);
    assert!(e.contains("sideways"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}
