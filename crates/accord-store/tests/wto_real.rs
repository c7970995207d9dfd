//! The importer on the real WTO list (`../shared/data/wto-rta/AllRTAs.csv` beside the
//! repository): every row is imported or reported with its line and reason.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::PathBuf;

fn all_rtas() -> Option<PathBuf> {
    let p =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/wto-rta/AllRTAs.csv");
    p.exists().then_some(p)
}

#[test]
fn the_real_wto_list_imports_with_every_row_accounted_for() {
    let Some(path) = all_rtas() else {
        eprintln!("skipped: the WTO list is not beside the repository (../shared/data/wto-rta)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wto.db");
    let mut s = accord_store::create(db.to_str().unwrap()).unwrap();
    // Into a store that already holds the US–UK dataset: its `uk` and `us` are reused.
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(s.as_mut(), files, "us-uk").unwrap();
    let r = accord_store::wto::import(s.as_mut(), &text, "AllRTAs.csv", &mut |_, _| {}).unwrap();
    eprintln!(
        "WTO RTA list: {} rows, {} agreements imported, {} new parties, {} rejected:",
        r.rows,
        r.imported,
        r.new_parties,
        r.rejected.len()
    );
    for x in &r.rejected {
        eprintln!("  line {} (RTA {:?}): {}", x.line, x.rta_id, x.reason);
    }
    assert_eq!(r.rows, 655);
    assert_eq!(
        r.imported + r.rejected.len(),
        r.rows,
        "every row accounted for"
    );
    let lines: Vec<u64> = r.rejected.iter().map(|x| x.line).collect();
    assert_eq!(lines, [3, 410, 708, 872, 892]);
    assert_eq!(r.imported, 650);

    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    // UK–Japan CEPA names the bundled dataset's `uk`, not a new party.
    let uk_jp = ds
        .instruments
        .iter()
        .find(|i| i.name.contains("United Kingdom - Japan"))
        .unwrap();
    assert!(
        uk_jp.parties.contains(&"uk".to_string()),
        "{:?}",
        uk_jp.parties
    );
    // The sentinel date never becomes a date.
    assert!(
        ds.instruments
            .iter()
            .all(|i| i.signed.is_none_or(|d| d.year() < 9999))
    );
    assert!(s.check_integrity().unwrap().is_empty());
}
