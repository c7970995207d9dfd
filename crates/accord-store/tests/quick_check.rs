//! The fast claim check against the full validator, differentially.
//!
//! Claims made from the bundled us-uk dataset's claims and mutated at random (ids invalid,
//! taken by a definition, a stored claim or another claim of the batch; items, sources and
//! parties unknown or of the wrong kind; wordings, levels and assertions that do not fit;
//! dates that do not read back; confidence out of range, NaN, infinite; corrections of
//! unknown claims, of themselves, across items, both at once, of claims later in the batch;
//! text with quotes, escapes, control characters and newlines) must satisfy:
//!
//! - fast accepts ⇒ the full validator (the whole store plus the batch, through
//!   `accord_dataset::load_files`) accepts — except an id already held by a stored claim,
//!   which the write itself refuses (checked too);
//! - equivalently, full rejects ⇒ fast rejects;
//! - `ClaimWriter::check` (fast, then full when unsure) gives the same verdict as
//!   `ClaimWriter::check_full` (the validator only).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use accord_model::{Asserts, Claim, Dataset, FuzzyDate, Precision};
use accord_store::quick::ClaimIndex;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn bundled() -> Dataset {
    let l = accord_dataset::load_bundled("us-uk").expect("bundled us-uk");
    assert!(!l.has_errors());
    l.dataset
}

/// One change to a claim, chosen at random.
#[derive(Debug, Clone)]
enum Change {
    Id(u8, usize),
    About(usize),
    Source(usize),
    Speaker(Option<usize>),
    Side(Option<usize>),
    By(Option<usize>),
    Asserts(u8),
    Value(Option<usize>),
    Known(i16, i8, i8),
    Valid(u8, i16, i8, i8, i16),
    Confidence(f64),
    Retracts(u8, usize),
    Supersedes(u8, usize),
    Text(u8, String),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0u8..6, any::<usize>()).prop_map(|(k, i)| Change::Id(k, i)),
        any::<usize>().prop_map(Change::About),
        any::<usize>().prop_map(Change::Source),
        proptest::option::of(any::<usize>()).prop_map(Change::Speaker),
        proptest::option::of(any::<usize>()).prop_map(Change::Side),
        proptest::option::of(any::<usize>()).prop_map(Change::By),
        (0u8..7).prop_map(Change::Asserts),
        proptest::option::of(any::<usize>()).prop_map(Change::Value),
        (
            prop_oneof![Just(-3i16), Just(0), 1..3i16, 1990..2031i16],
            1..13i8,
            1..29i8
        )
            .prop_map(|(y, m, d)| Change::Known(y, m, d)),
        (
            0u8..7,
            prop_oneof![Just(-2i16), 1990..2031i16],
            1..13i8,
            1..29i8,
            -400..400i16
        )
            .prop_map(|(k, y, m, d, len)| Change::Valid(k, y, m, d, len)),
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.0),
            Just(0.0),
            Just(1.0),
            Just(1e-7),
            Just(5e-324),
            Just(1.0000001),
            Just(80.0),
            -1.0..2.0f64,
            0.0..=1.0f64,
        ]
        .prop_map(Change::Confidence),
        (0u8..7, any::<usize>()).prop_map(|(k, i)| Change::Retracts(k, i)),
        (0u8..7, any::<usize>()).prop_map(|(k, i)| Change::Supersedes(k, i)),
        (0u8..5, "(\\PC|[\"\\\\\n\r\t\u{0}\u{1}\u{2028}]){0,12}")
            .prop_map(|(k, s)| Change::Text(k, s)),
    ]
}

/// A batch: for each claim, the stored claim it starts from and its changes.
fn batch() -> impl Strategy<Value = Vec<(usize, Vec<Change>)>> {
    proptest::collection::vec(
        (any::<usize>(), proptest::collection::vec(change(), 0..3)),
        1..4,
    )
}

struct Pools {
    /// Every id of the dataset (definitions of each kind and claims), plus near misses.
    ids: Vec<String>,
    words: Vec<String>,
    stored: Vec<String>,
}

fn pools(ds: &Dataset) -> Pools {
    let mut ids: Vec<String> = ds.ids().map(|(id, _)| id.clone()).collect();
    ids.extend(
        ["nosuch", "Tpd", "tpd ", "uk.x", "", "bbc_2025_12_1"]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut words: Vec<String> = accord_model::Status::ALL
        .iter()
        .map(|s| s.name().to_string())
        .collect();
    words.extend(
        [
            "paused",
            "Paused",
            "on hold",
            "put on hold",
            "not paused",
            "in force",
            "signed",
            "none",
            "limited",
            "substantial",
            "complete",
            "Complete",
            "half",
            "",
            "  ",
            "the deal is dead",
            "suspended indefinitely",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    words.extend(ds.meta.synonyms.keys().cloned());
    let stored = ds.claims.iter().map(|c| c.id.clone()).collect();
    Pools { ids, words, stored }
}

fn pick(v: &[String], i: usize) -> &String {
    &v[i % v.len()]
}

fn make(ds: &Dataset, p: &Pools, spec: &[(usize, Vec<Change>)]) -> Vec<Claim> {
    let mut out: Vec<Claim> = Vec::new();
    for (n, (base, changes)) in spec.iter().enumerate() {
        let mut c = ds.claims[base % ds.claims.len()].clone();
        c.id = format!("q_{n}");
        c.retracts = None;
        c.supersedes = None;
        for ch in changes {
            match ch {
                Change::Id(k, i) => {
                    c.id = match k {
                        0 => ["Bad Id", "9x", "", "a..b", "x-y"][i % 5].to_string(),
                        1 => pick(&p.ids, *i).clone(),
                        2 => pick(&p.stored, *i).clone(),
                        3 if n > 0 => out[i % n].id.clone(),
                        _ => format!("q_{}", i % 4),
                    }
                }
                Change::About(i) => c.about = pick(&p.ids, *i).clone(),
                Change::Source(i) => c.source = pick(&p.ids, *i).clone(),
                Change::Speaker(i) => c.speaker = i.map(|i| pick(&p.ids, i).clone()),
                Change::Side(i) => c.side = i.map(|i| pick(&p.ids, i).clone()),
                Change::By(i) => c.by = i.map(|i| pick(&p.ids, i).clone()),
                Change::Asserts(k) => {
                    c.asserts = [
                        Asserts::Status,
                        Asserts::Met,
                        Asserts::Missed,
                        Asserts::Progress,
                        Asserts::Statement,
                        Asserts::DeclinedToComment,
                        Asserts::NoResponse,
                    ][*k as usize % 7]
                }
                Change::Value(i) => c.value = i.map(|i| pick(&p.words, i).clone()),
                Change::Known(y, m, d) => {
                    if let Ok(day) = jiff::civil::Date::new(*y, *m, *d) {
                        c.known = day;
                    }
                }
                Change::Valid(k, y, m, d, len) => {
                    let Ok(start) = jiff::civil::Date::new(*y, *m, *d) else {
                        continue;
                    };
                    let end = start
                        .checked_add(jiff::Span::new().days(i64::from(*len)))
                        .unwrap_or(start);
                    c.valid = match k {
                        0 => FuzzyDate::day(start),
                        // As its text says (canonical) …
                        1 => FuzzyDate::parse(&format!("{:04}-{:02}", y, m)).unwrap_or(c.valid),
                        2 => FuzzyDate::parse(&format!("{y:04}")).unwrap_or(c.valid),
                        3 => FuzzyDate::parse(&format!("~{start}/{end}")).unwrap_or(c.valid),
                        // … or bounds that do not match the precision, or run backwards.
                        4 => FuzzyDate {
                            start,
                            end,
                            precision: Precision::Interval,
                            approximate: false,
                        },
                        5 => FuzzyDate {
                            start,
                            end,
                            precision: Precision::Month,
                            approximate: *len > 0,
                        },
                        _ => FuzzyDate {
                            start,
                            end: start,
                            precision: Precision::Quarter,
                            approximate: false,
                        },
                    };
                }
                Change::Confidence(x) => c.confidence = *x,
                Change::Retracts(k, i) | Change::Supersedes(k, i) => {
                    let t = match k {
                        0 => pick(&p.stored, *i).clone(),
                        1 if n > 0 => out[i % n].id.clone(),
                        2 => c.id.clone(),
                        3 => format!("q_{}", n + 1),
                        4 => pick(&p.ids, *i).clone(),
                        5 => "nosuch_claim".to_string(),
                        _ => pick(&p.stored, *i).clone(),
                    };
                    if matches!(ch, Change::Retracts(..)) {
                        c.retracts = Some(t);
                        if *k == 6 {
                            c.supersedes = Some(pick(&p.stored, i + 1).clone());
                        }
                    } else {
                        c.supersedes = Some(t);
                    }
                }
                Change::Text(k, s) => match k {
                    0 => c.quote = Some(s.clone()),
                    1 => c.note = Some(s.clone()),
                    2 => c.role = Some(s.clone()),
                    3 => c.reason = Some(s.clone()),
                    _ => c.value = Some(s.clone()),
                },
            }
        }
        out.push(c);
    }
    out
}

/// The full validator on the whole dataset (the store) plus the batch: its error codes.
fn full_errors(ds: &Dataset, claims: &[Claim]) -> Vec<(&'static str, String)> {
    let mut all = ds.clone();
    all.claims.extend(claims.iter().cloned());
    let files = accord_store::files::dataset_files(&all).expect("files");
    let loaded = accord_dataset::load_files(files);
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == accord_dataset::Severity::Error)
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

#[test]
fn fast_check_never_accepts_what_the_validator_refuses() {
    let ds = bundled();
    let p = pools(&ds);
    let index = std::cell::RefCell::new(ClaimIndex::new(ds.clone()));
    // A store holding the bundled dataset, for ClaimWriter::check against check_full.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("q.accord");
    let mut store = accord_store::create(&path.display().to_string()).expect("store");
    accord_store::import_dataset(store.as_mut(), &ds, "us-uk").expect("import");
    let store = std::cell::RefCell::new(store);
    let writer = std::cell::RefCell::new(accord_store::ops::ClaimWriter::new());
    let accepted = std::cell::Cell::new(0u32);
    let total = std::cell::Cell::new(0u32);
    let cases = std::env::var("QUICK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&batch(), |spec| {
            let claims = make(&ds, &p, &spec);
            total.set(total.get() + 1);
            let fast = index
                .borrow_mut()
                .accepts(&claims, &mut |id| Ok(ds.claim(id).map(|c| c.about.clone())))
                .expect("no store error");
            let errors = full_errors(&ds, &claims);
            if fast {
                accepted.set(accepted.get() + 1);
                // Only an id already held by a stored claim may get past the fast check; the
                // write refuses it.
                for (code, msg) in &errors {
                    let stored_dup = *code == "D004"
                        && claims.iter().any(|c| {
                            p.stored.contains(&c.id) && msg.contains(&format!("`{}`", c.id))
                        });
                    prop_assert!(
                        stored_dup,
                        "fast check accepted what the validator refuses: {code} {msg}\n{claims:#?}"
                    );
                }
            }
            // Through the writer: fast-then-full gives the verdict of the full check alone.
            let mut store = store.borrow_mut();
            let mut writer = writer.borrow_mut();
            let a = writer.check(store.as_mut(), &claims, "batch").is_ok();
            let b = writer.check_full(store.as_mut(), &claims, "batch").is_ok();
            prop_assert_eq!(a, b, "check and check_full disagree on {:#?}", claims);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // The mutations must leave enough batches valid for the test to mean something.
    let (accepted, total) = (accepted.get(), total.get());
    assert!(
        accepted * 10 >= total,
        "only {accepted} of {total} batches were accepted by the fast check"
    );
    eprintln!("{accepted} of {total} batches accepted by the fast check");
}

#[test]
fn a_stored_duplicate_passes_the_check_and_is_refused_by_the_write() {
    let ds = bundled();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("d.accord");
    let mut store = accord_store::create(&path.display().to_string()).expect("store");
    accord_store::import_dataset(store.as_mut(), &ds, "us-uk").expect("import");
    let c = ds.claims[0].clone();
    let mut w = accord_store::ops::ClaimWriter::new();
    let e = w.add(store.as_mut(), &[c], "dup").unwrap_err();
    assert!(e.to_string().contains("is already in the store"), "{e}");
}
