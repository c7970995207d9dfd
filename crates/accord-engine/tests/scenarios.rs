//! Scenario tests: each file in `tests/scenarios/` is a small dataset (the ordinary dataset
//! tables: `[dataset]`, `[[party]]`, `[[source]]`, `[[instrument]]`, `[[claim]]`, …) plus
//! expectations:
//!
//! ```toml
//! [scenario]
//! description = "what the scenario pins down"
//!
//! [[expect]]                    # the state of one item at (at, known_at)
//! at = "2025-12-17"
//! known_at = "2025-12-17"       # optional, defaults to `at`
//! item = "tech_track"
//! status = "contested: active | suspended"   # or a status, or "none"
//! operative = "unknown"         # true / false / unknown
//! loop = "package: pkg"         # or "self_supporting_loop", "unsettled_loop", "none"
//! at_risk = "b > c"             # the path after the item, or "none"
//! progress = "epd by uk: substantial"  # progress(epd, by: uk); "epd: …" for all parties
//! basis = "claim_id"            # the claim (or record field) that decided the status
//!
//! [[expect_whatif]]
//! at = "…"
//! claims = ["c1 met"]           # as `accord whatif --claim`
//! changes = ["x operative: false -> true"]  # exactly the changes, in item order
//!
//! [[expect_exposure]]
//! at = "…"
//! items = ["x"]                 # optional filter
//! exposed = ["p1", "p2"]
//! totals = ["GBP 31"]
//!
//! [[expect_timeline]]
//! item = "x"
//! changes = ["2025-05-08 status: none -> proposed"]
//! ```
//!
//! Every `[[expect]]` is also checked on an engine that received the claims one at a time
//! after deriving (the incremental path), and against a derivation from scratch.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity,
    reason = "test code: a failed expectation should stop the test"
)]

use std::path::Path;

use accord_engine::{Engine, Loop, Reported, Summary};
use accord_model::Claim;
use jiff::civil::Date;
use toml::Table;

fn text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn date(t: &Table, key: &str) -> Option<Date> {
    t.get(key).map(|v| text(v).parse().unwrap())
}

fn list(t: &Table, key: &str) -> Vec<String> {
    t.get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default()
}

fn status_text(r: &Reported) -> String {
    match r {
        Reported::None => "none".into(),
        Reported::Status { status } => status.name().into(),
        Reported::Contested { sides } => format!(
            "contested: {}",
            sides
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(" | ")
        ),
    }
}

fn loop_text(l: &Option<Loop>) -> String {
    match l {
        None => "none".into(),
        Some(Loop::Package { package, .. }) => format!("package: {package}"),
        Some(Loop::SelfSupportingLoop { .. }) => "self_supporting_loop".into(),
        Some(Loop::UnsettledLoop { .. }) => "unsettled_loop".into(),
    }
}

fn load(path: &Path) -> (Table, accord_model::Dataset) {
    let src = std::fs::read_to_string(path).unwrap();
    let mut table: Table = src
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut meta = Table::new();
    for key in [
        "scenario",
        "expect",
        "expect_whatif",
        "expect_exposure",
        "expect_timeline",
    ] {
        if let Some(v) = table.remove(key) {
            meta.insert(key.into(), v);
        }
    }
    // `accord.toml` holds only `[dataset]`; everything else goes in a second file.
    let mut head = Table::new();
    if let Some(v) = table.remove("dataset") {
        head.insert("dataset".into(), v);
    }
    let files = vec![
        accord_dataset::SourceFile {
            path: "accord.toml".into(),
            text: toml::to_string(&head).unwrap(),
        },
        accord_dataset::SourceFile {
            path: "data.toml".into(),
            text: toml::to_string(&table).unwrap(),
        },
    ];
    let loaded = accord_dataset::load_files(files);
    let ds = loaded.into_result().unwrap_or_else(|d| {
        panic!(
            "{}: the scenario's dataset is invalid:\n{d}",
            path.display()
        )
    });
    (meta, ds)
}

fn check_state(
    name: &str,
    s: &Summary,
    e: &Table,
    engine: &mut Engine,
    d: Date,
    k: Date,
) -> Vec<String> {
    let mut fails = Vec::new();
    let item = s.id.as_str();
    let mut want = |key: &str, got: String| {
        if let Some(v) = e.get(key) {
            let v = text(v);
            if v != got {
                fails.push(format!(
                    "{name}: {item} {key} at {d} (known {k}): expected `{v}`, got `{got}`"
                ));
            }
        }
    };
    want("status", status_text(&s.reported));
    want("operative", s.operative.to_string());
    want("loop", loop_text(&s.loop_));
    want(
        "at_risk",
        s.at_risk.as_ref().map_or("none".into(), |p| p.join(" > ")),
    );
    if let Some(p) = e.get("progress") {
        // "ITEM by PARTY: LEVEL" or "ITEM: LEVEL"
        let p = text(p);
        let (what, level) = p.split_once(':').unwrap();
        let (of, by) = match what.split_once(" by ") {
            Some((of, by)) => (of.trim(), Some(by.trim())),
            None => (what.trim(), None),
        };
        let got = engine
            .derive_all(d, k)
            .progress(of, by)
            .map_or("unknown".into(), |l| l.to_string());
        if got != level.trim() {
            fails.push(format!(
                "{name}: progress({of}, by {by:?}) at {d}: expected `{}`, got `{got}`",
                level.trim()
            ));
        }
    }
    if let Some(b) = e.get("basis") {
        let r = engine.report(item, d, k).unwrap();
        let got = match &r.status.basis {
            Some(accord_engine::BasisView::Claim { claim }) => claim.id.clone(),
            Some(accord_engine::BasisView::Hypothesis { claim }) => claim.id.clone(),
            Some(accord_engine::BasisView::Record { field, .. }) => field.clone(),
            Some(accord_engine::BasisView::Default) => "default".into(),
            None => "none".into(),
        };
        if got != text(b) {
            fails.push(format!(
                "{name}: basis of {item}: expected `{}`, got `{got}`",
                text(b)
            ));
        }
    }
    fails
}

fn run(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let (meta, ds) = load(path);
    let mut fails = Vec::new();
    let mut engine = Engine::new(&ds);
    assert!(
        engine.skipped().is_empty(),
        "{name}: {:?}",
        engine.skipped()
    );
    // The incremental path: no claims, derive, then the claims one by one.
    let mut empty = ds.clone();
    empty.claims.clear();
    let claims: Vec<Claim> = ds.claims.clone();
    for e in meta
        .get("expect")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let e = e.as_table().unwrap();
        let d = date(e, "at").unwrap();
        let k = date(e, "known_at").unwrap_or(d);
        let item = text(e.get("item").unwrap());
        let s = engine
            .derive_all(d, k)
            .summary(&item)
            .unwrap_or_else(|| panic!("{name}: no item `{item}`"));
        fails.extend(check_state(&name, &s, e, &mut engine, d, k));
        let fresh = engine.derive_fresh(d, k).view().summaries();
        // Claims are added one at a time in file order; a correction must name a claim
        // already added, so a file whose corrections point forward (a loop) skips this.
        let forward = claims.iter().enumerate().any(|(i, c)| {
            c.corrects()
                .is_some_and(|t| !claims[..i].iter().any(|x| &x.id == t))
        });
        if !forward {
            let mut inc = Engine::new(&empty);
            inc.derive_all(d, k);
            for c in &claims {
                inc.add_claim(c.clone()).unwrap();
            }
            assert_eq!(
                inc.derive_all(d, k).summaries(),
                fresh,
                "{name}: incremental != scratch at {d}/{k}"
            );
        }
        assert_eq!(
            engine.derive_all(d, k).summaries(),
            fresh,
            "{name}: kept != scratch"
        );
    }
    for e in meta
        .get("expect_whatif")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let e = e.as_table().unwrap();
        let d = date(e, "at").unwrap();
        let k = date(e, "known_at").unwrap_or(d);
        let before = engine.derive_all(d, k).summaries();
        let mut n = 0;
        let mut hyps = Vec::new();
        for spec in list(e, "claims") {
            hyps.extend(accord_engine::parse_claim_spec(&engine, &spec, &mut n, d, k).unwrap());
        }
        let w = engine.what_if(hyps, d, k).unwrap();
        let got: Vec<String> = w
            .changes
            .iter()
            .flat_map(|c| {
                c.changes
                    .iter()
                    .map(move |ch| format!("{} {}: {} -> {}", c.id, ch.field, ch.before, ch.after))
            })
            .collect();
        let want = list(e, "changes");
        if got != want {
            fails.push(format!(
                "{name}: what-if changes:\n  expected {want:#?}\n  got {got:#?}"
            ));
        }
        for c in &w.changes {
            if c.reasons.is_empty() {
                fails.push(format!("{name}: what-if change of {} has no reason", c.id));
            }
        }
        assert_eq!(
            engine.derive_all(d, k).summaries(),
            before,
            "{name}: what-if left a trace"
        );
    }
    for e in meta
        .get("expect_exposure")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let e = e.as_table().unwrap();
        let d = date(e, "at").unwrap();
        let k = date(e, "known_at").unwrap_or(d);
        let items = list(e, "items");
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        let x = engine.exposure(&refs, d, k).unwrap();
        let exposed: Vec<String> = x.exposed.iter().map(|p| p.id.clone()).collect();
        if e.contains_key("exposed") && exposed != list(e, "exposed") {
            fails.push(format!(
                "{name}: exposed: expected {:?}, got {exposed:?}",
                list(e, "exposed")
            ));
        }
        let totals: Vec<String> = x
            .totals
            .iter()
            .map(|t| format!("{} {}", t.currency, t.amount.normalize()))
            .collect();
        if e.contains_key("totals") && totals != list(e, "totals") {
            fails.push(format!(
                "{name}: totals: expected {:?}, got {totals:?}",
                list(e, "totals")
            ));
        }
    }
    for e in meta
        .get("expect_timeline")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let e = e.as_table().unwrap();
        let item = text(e.get("item").unwrap());
        let t = engine.timeline(&item).unwrap();
        let got: Vec<String> = t
            .entries
            .iter()
            .flat_map(|en| {
                en.changes
                    .iter()
                    .map(move |c| format!("{} {}: {} -> {}", en.date, c.field, c.before, c.after))
            })
            .collect();
        let want = list(e, "changes");
        if got != want {
            fails.push(format!(
                "{name}: timeline of {item}:\n  expected {want:#?}\n  got {got:#?}"
            ));
        }
    }
    fails
}

#[test]
fn scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 10,
        "expected the scenario files in {}",
        dir.display()
    );
    let mut fails = Vec::new();
    for p in &paths {
        fails.extend(run(p));
    }
    assert!(
        fails.is_empty(),
        "{} failure(s):\n{}",
        fails.len(),
        fails.join("\n")
    );
}
