//! The acceptance queries of issue #3, run on the bundled US–UK dataset.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::type_complexity,
    reason = "test code: a failed expectation should stop the test"
)]

use accord_engine::{BasisView, Engine, Reported};
use accord_lang::Truth;
use accord_model::{Decimal, Status};
use jiff::civil::Date;

fn engine() -> Engine {
    let loaded = accord_dataset::load_bundled("us-uk").expect("the bundled dataset exists");
    let ds = loaded.into_result().expect("the bundled dataset is valid");
    let e = Engine::new(&ds);
    assert!(e.skipped().is_empty(), "skipped claims: {:?}", e.skipped());
    e
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn texts(n: &accord_engine::Node, out: &mut Vec<String>) {
    out.push(format!("{} = {}", n.text, n.value));
    for c in &n.claims {
        out.push(format!("claim {}", c.id));
    }
    for c in &n.children {
        texts(c, out);
    }
}

#[test]
fn tpd_is_not_operative_on_2025_12_17_and_why_names_the_open_uk_commitments() {
    let mut e = engine();
    let d = day("2025-12-17");
    let r = e.report("tpd", d, d).unwrap();
    assert_eq!(r.operative, Truth::False);
    assert!(
        r.reasons
            .iter()
            .any(|x| x.contains("progress(epd, by: uk)")),
        "{:?}",
        r.reasons
    );
    let w = e.why("tpd", d, d).unwrap();
    let mut lines = Vec::new();
    texts(&w.tree, &mut lines);
    let all = lines.join("\n");
    // Every UK commitment counted by the activation condition that is not met is named.
    for c in [
        "epd.uk_formalise",
        "epd.uk_non_tariff_barriers",
        "epd_steel.uk_supply_chain_requirements",
        "epd_pharma.uk_net_price",
    ] {
        assert!(
            all.contains(&format!("{c} (uk)")),
            "{c} missing from:\n{all}"
        );
    }
    // ... with the claims behind it (the FT report on non-tariff barriers).
    assert!(all.contains("commitments not met = "), "{all}");
    let ntb = all
        .lines()
        .skip_while(|l| !l.starts_with("epd.uk_non_tariff_barriers (uk)"))
        .nth(1)
        .unwrap_or("");
    assert!(
        ntb.starts_with("claim "),
        "no claim under the non-tariff-barrier commitment:\n{all}"
    );
}

#[test]
fn tech_track_is_contested_on_2025_12_17_with_both_sides_sourced() {
    let mut e = engine();
    let d = day("2025-12-17");
    let r = e.report("tech_track", d, d).unwrap();
    let Reported::Contested { sides } = &r.status.reported else {
        panic!("not contested: {:?}", r.status.reported);
    };
    assert!(sides.contains(&Status::Suspended) && sides.contains(&Status::Active));
    let neg = r
        .status
        .sides
        .iter()
        .find(|s| s.status.is_negative())
        .unwrap();
    let pos = r
        .status
        .sides
        .iter()
        .find(|s| s.status == Status::Active)
        .unwrap();
    assert!(!neg.claims.is_empty() && !pos.claims.is_empty());
    for c in neg.claims.iter().chain(&pos.claims) {
        assert!(
            c.source.title.is_some() && c.source.published.is_some(),
            "{c:?}"
        );
    }
    // Downing Street's "active conversations" is on the active side.
    assert!(
        pos.claims
            .iter()
            .any(|c| c.wording.as_deref().is_some_and(|w| w.contains("active"))),
        "{:?}",
        pos.claims
    );
    let listed = e.contested(d, d);
    assert!(listed.iter().any(|c| c.id == "tech_track"));
}

#[test]
fn the_pause_is_known_on_2025_12_17_but_not_on_2025_12_10() {
    let mut e = engine();
    let d = day("2025-12-10");
    let before = e.report("tech_track", d, day("2025-12-10")).unwrap();
    let after = e.report("tech_track", d, day("2025-12-17")).unwrap();
    let negative = |r: &accord_engine::ItemReport| match &r.status.reported {
        Reported::Status { status } => status.is_negative(),
        Reported::Contested { sides } => sides.iter().any(|s| s.is_negative()),
        Reported::None => false,
    };
    assert!(!negative(&before), "{:?}", before.status.reported);
    assert!(negative(&after), "{:?}", after.status.reported);
    if let Some(BasisView::Claim { claim }) = &after.status.basis {
        assert!(claim.known > d, "the pause was reported after the fact");
    }
}

#[test]
fn what_if_the_uk_meets_its_epd_commitments_the_tpd_becomes_operative() {
    let mut e = engine();
    let d = day("2025-12-17");
    let base = e.derive_all(d, d).summaries();
    let mut n = 0;
    let hyps =
        accord_engine::parse_claim_spec(&e, "commitments(epd, by: uk) met", &mut n, d, d).unwrap();
    assert!(hyps.len() >= 4);
    let w = e.what_if(hyps, d, d).unwrap();
    let tpd = w
        .changes
        .iter()
        .find(|c| c.id == "tpd")
        .expect("tpd changes");
    assert_eq!(tpd.before.operative, Truth::False);
    assert_eq!(tpd.after.operative, Truth::True);
    assert!(
        tpd.reasons
            .iter()
            .any(|r| r.starts_with("progress(epd, by: uk)")),
        "{:?}",
        tpd.reasons
    );
    // The real state is unchanged afterwards.
    assert_eq!(e.derive_all(d, d).summaries(), base);
    assert_eq!(e.derive_fresh(d, d).view().summaries(), base);
}

#[test]
fn exposure_of_pledges_tied_to_the_tpd_counts_overlaps_once() {
    let mut e = engine();
    let d = day("2025-12-17");
    let x = e.exposure(&["tpd"], d, d).unwrap();
    let ids: Vec<&str> = x.exposed.iter().map(|p| p.id.as_str()).collect();
    for p in ["pledge_tech_package", "pledge_microsoft", "pledge_google"] {
        assert!(ids.contains(&p), "{ids:?}");
    }
    let gbp = x.totals.iter().find(|t| t.currency == "GBP").unwrap();
    // The £31bn package and its members are counted once, not £31bn + £22bn + £5bn + ….
    assert_eq!(gbp.amount, Decimal::from(31_000_000_000u64));
    assert!(gbp.gross > gbp.amount);
    let pkg = x
        .exposed
        .iter()
        .find(|p| p.id == "pledge_tech_package")
        .unwrap();
    assert!(
        pkg.deductions
            .iter()
            .any(|d| d.pledge == "pledge_microsoft" && d.applied)
    );
}

#[test]
fn steel_timeline_runs_from_may_to_december_2025() {
    let e = engine();
    let t = e.timeline("epd_steel").unwrap();
    let dates: Vec<Date> = t.entries.iter().map(|x| x.date).collect();
    assert!(
        dates.first().is_some_and(|d| *d <= day("2025-05-31")),
        "{dates:?}"
    );
    assert!(dates.iter().any(|d| *d >= day("2025-12-01")), "{dates:?}");
    let statuses: Vec<String> = t
        .entries
        .iter()
        .flat_map(|x| x.changes.iter())
        .filter(|c| c.field == "status")
        .map(|c| c.after.clone())
        .collect();
    assert!(statuses.contains(&"suspended".to_string()), "{statuses:?}");
    for entry in &t.entries {
        assert!(!entry.because.is_empty(), "{entry:?}");
    }
}
