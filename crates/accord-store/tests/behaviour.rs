//! One behaviour suite, run against both backends: SQLite (a temporary directory) and
//! PostgreSQL (a fresh schema per test, dropped at the end).
//!
//! PostgreSQL is found at `ACCORD_TEST_PG` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached the PostgreSQL half
//! prints "skipped PostgreSQL half" and passes, except under CI (`CI` set), where it fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use std::path::PathBuf;

use accord_dataset::SourceFile;
use accord_model::Claim;
use accord_store::ops::{ClaimWriter, OpError};
use accord_store::{Batch, Def, Store, StoreError};

// ---------------------------------------------------------------------------------------------
// Backends

/// Makes fresh stores for one test and cleans up afterwards.
trait Env {
    /// A new, empty store (a new file or schema each call).
    fn create(&mut self) -> Box<dyn Store>;
    /// Opens the `i`-th store created, again (a second handle on the same data).
    fn reopen(&self, i: usize) -> Box<dyn Store>;
}

struct SqliteEnv {
    dir: tempfile::TempDir,
    n: usize,
}

impl SqliteEnv {
    fn path(&self, i: usize) -> PathBuf {
        self.dir.path().join(format!("store{i}.db"))
    }
}

impl Env for SqliteEnv {
    fn create(&mut self) -> Box<dyn Store> {
        let p = self.path(self.n);
        self.n += 1;
        accord_store::create(p.to_str().unwrap()).unwrap()
    }
    fn reopen(&self, i: usize) -> Box<dyn Store> {
        accord_store::open(self.path(i).to_str().unwrap()).unwrap()
    }
}

fn with_sqlite(f: fn(&mut dyn Env)) {
    let mut env = SqliteEnv {
        dir: tempfile::tempdir().unwrap(),
        n: 0,
    };
    f(&mut env);
}

fn pg_base() -> String {
    std::env::var("ACCORD_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

struct PgEnv {
    base: String,
    prefix: String,
    schemas: Vec<String>,
}

impl PgEnv {
    fn url(&self, schema: &str) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{schema}", self.base)
    }
}

impl Env for PgEnv {
    fn create(&mut self) -> Box<dyn Store> {
        let schema = format!("{}_{}", self.prefix, self.schemas.len());
        let mut c = postgres::Client::connect(&self.base, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
        self.schemas.push(schema.clone());
        accord_store::create(&self.url(&schema)).unwrap()
    }
    fn reopen(&self, i: usize) -> Box<dyn Store> {
        accord_store::open(&self.url(&self.schemas[i])).unwrap()
    }
}

impl Drop for PgEnv {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.base, postgres::NoTls) {
            for s in &self.schemas {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {s} CASCADE"));
            }
        }
    }
}

fn with_postgres(name: &str, f: fn(&mut dyn Env)) {
    let base = pg_base();
    if let Err(e) = postgres::Client::connect(&base, postgres::NoTls) {
        if std::env::var_os("CI").is_some() {
            panic!("PostgreSQL is required under CI but {base} is unreachable: {e}");
        }
        eprintln!("skipped PostgreSQL half of `{name}`: {base} is unreachable ({e})");
        return;
    }
    let mut env = PgEnv {
        base,
        // Short: PostgreSQL cuts names at 63 bytes.
        prefix: format!(
            "accord_test_{}_{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ),
        schemas: vec![],
    };
    f(&mut env);
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite_backend {
            $( #[test] fn $name() { super::with_sqlite(super::$name) } )*
        }
        mod postgres_backend {
            $( #[test] fn $name() { super::with_postgres(stringify!($name), super::$name) } )*
        }
    };
}

suite!(
    a_new_store_is_empty,
    bundled_dataset_round_trips_through_export,
    import_is_all_or_nothing_and_reports_every_problem,
    import_of_ids_already_there_is_refused,
    claims_are_append_only_and_retracted_by_new_claims,
    claim_writer_validates_each_claim,
    edits_are_versioned_and_stale_edits_refused,
    an_invalid_edit_is_refused,
    a_batch_validated_against_old_definitions_is_stale,
    json_export_is_canonical,
    wto_rows_are_imported_or_reported,
);

// ---------------------------------------------------------------------------------------------
// Helpers

fn bundled() -> accord_model::Dataset {
    accord_dataset::load_bundled("us-uk")
        .unwrap()
        .into_result()
        .unwrap()
}

fn import_bundled(s: &mut dyn Store) {
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(s, files, "us-uk").unwrap();
}

/// A claim about an item of the bundled dataset, from one of its sources.
fn claim(id: &str) -> Claim {
    let ds = bundled();
    let src = &ds.claims[0].source;
    serde_json::from_value(serde_json::json!({
        "id": id,
        "about": "tpd",
        "asserts": "status",
        "value": "stalled",
        "valid": "2025-12",
        "known": "2025-12-20",
        "source": src,
    }))
    .unwrap()
}

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        text: text.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Behaviours

fn a_new_store_is_empty(env: &mut dyn Env) {
    let mut s = env.create();
    assert_eq!(
        s.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
    assert_eq!(
        accord_store::sqlite::MIGRATIONS.len(),
        accord_store::pg::MIGRATIONS.len()
    );
    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    assert!(ds.parties.is_empty() && ds.instruments.is_empty() && ds.claims.is_empty());
    assert_eq!(s.claim_count().unwrap(), 0);
    assert!(s.check_integrity().unwrap().is_empty());
    // Opening it again works, and `create` on it is refused.
    let mut again = env.reopen(0);
    assert_eq!(
        again.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
}

fn bundled_dataset_round_trips_through_export(env: &mut dyn Env) {
    let want = bundled();
    let mut s = env.create();
    import_bundled(s.as_mut());
    let got = accord_store::load_dataset(s.as_mut()).unwrap();
    assert_eq!(got, want, "the store gives back the dataset it was given");

    // Export as a dataset directory: `accord check` accepts it and it loads to the same state.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    accord_store::export::export_dataset(&got, &out).unwrap();
    let loaded = accord_dataset::load_dir(&out).unwrap();
    assert!(!loaded.has_errors(), "{}", loaded.render_diagnostics());
    assert_eq!(loaded.dataset, want);

    // import(export(x)) into a fresh store gives the same state.
    let mut s2 = env.create();
    let files = accord_dataset::read_dir_files(&out).unwrap();
    let o = accord_store::import_files(s2.as_mut(), files, "export").unwrap();
    assert_eq!(o.claims, want.claims.len());
    assert_eq!(accord_store::load_dataset(s2.as_mut()).unwrap(), want);
    assert!(s2.check_integrity().unwrap().is_empty());

    // And the same through canonical JSON.
    let json = accord_store::export::canonical_json(&got).unwrap();
    let back: accord_model::Dataset = serde_json::from_str(&json).unwrap();
    let mut s3 = env.create();
    accord_store::import_dataset(s3.as_mut(), &back, "json").unwrap();
    assert_eq!(accord_store::load_dataset(s3.as_mut()).unwrap(), want);
}

fn import_is_all_or_nothing_and_reports_every_problem(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let before = s.snapshot(true).unwrap();
    let good = serde_json::to_string(&claim("cl_new_good")).unwrap();
    let bad_about = serde_json::to_string(&Claim {
        about: "no_such_item".into(),
        ..claim("cl_new_bad")
    })
    .unwrap();
    let files = vec![
        file("claims.jsonl", &format!("{good}\n{bad_about}\n")),
        file(
            "more.toml",
            "[[party]]\nid = \"atlantis\"\nkind = \"country\"\nname = \"Atlantis\"\niso2 = \"QQ\"\n",
        ),
    ];
    let err = accord_store::import_files(s.as_mut(), files, "incoming").unwrap_err();
    let OpError::Invalid(p) = err else {
        panic!("expected validation problems, got {err}")
    };
    assert!(p.errors >= 2, "{}", p.rendered);
    assert!(p.rendered.contains("no_such_item"), "{}", p.rendered);
    assert!(p.rendered.contains("QQ"), "{}", p.rendered);
    assert!(
        p.rendered.contains("incoming/claims.jsonl"),
        "{}",
        p.rendered
    );
    let after = s.snapshot(true).unwrap();
    assert_eq!(after.defs, before.defs);
    assert_eq!(after.claims.len(), before.claims.len());
    assert_eq!(after.generation, before.generation);

    // The good part alone goes in.
    let files = vec![file("claims.jsonl", &format!("{good}\n"))];
    let o = accord_store::import_files(s.as_mut(), files, "incoming").unwrap();
    assert_eq!(o.claims, 1);
    assert_eq!(s.claim_count().unwrap() as usize, before.claims.len() + 1);
}

fn import_of_ids_already_there_is_refused(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let before = s.snapshot(true).unwrap();
    let files = vec![file(
        "dup.toml",
        "[[package]]\nid = \"tpd\"\nname = \"Not the TPD\"\n",
    )];
    let err = accord_store::import_files(s.as_mut(), files, "incoming").unwrap_err();
    assert!(err.to_string().contains("duplicate id `tpd`"), "{err}");
    assert_eq!(s.snapshot(true).unwrap().defs, before.defs);
}

fn claims_are_append_only_and_retracted_by_new_claims(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let n = s.claim_count().unwrap();
    let a = accord_store::add_claims(s.as_mut(), &[claim("cl_x")], "new").unwrap();
    assert_eq!(a.claims.len(), 1);
    assert!(a.claims[0].1 > 0);
    // The same id again is refused, whatever the content.
    let again = accord_store::add_claims(s.as_mut(), &[claim("cl_x")], "new").unwrap_err();
    assert!(
        matches!(&again, OpError::Store(StoreError::Conflict(m)) if m.contains("already in the store")),
        "{again}"
    );
    // Retraction is a new claim; the original stays.
    let r = Claim {
        retracts: Some("cl_x".into()),
        reason: Some("misreported".into()),
        ..claim("cl_x_retracted")
    };
    accord_store::add_claims(s.as_mut(), &[r], "new").unwrap();
    assert_eq!(s.claim_count().unwrap(), n + 2);
    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    assert!(ds.claim("cl_x").is_some());
    assert_eq!(
        ds.claim("cl_x_retracted").unwrap().retracts.as_deref(),
        Some("cl_x")
    );
    // Append order is kept.
    let last: Vec<&str> = ds
        .claims
        .iter()
        .rev()
        .take(2)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(last, ["cl_x_retracted", "cl_x"]);
    // A retraction of a claim that does not exist is invalid.
    let r = Claim {
        retracts: Some("cl_nope".into()),
        ..claim("cl_y")
    };
    assert!(matches!(
        accord_store::add_claims(s.as_mut(), &[r], "new"),
        Err(OpError::Invalid(_))
    ));
}

fn claim_writer_validates_each_claim(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let n = s.claim_count().unwrap();
    let mut w = ClaimWriter::new();
    let mut seqs = vec![];
    for i in 0..25 {
        let a = w
            .add(s.as_mut(), &[claim(&format!("cl_w{i}"))], "stream")
            .unwrap();
        seqs.push(a.claims[0].1);
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let bad = Claim {
        source: "nobody".into(),
        ..claim("cl_bad")
    };
    let e = w.add(s.as_mut(), &[bad], "stream").unwrap_err();
    assert!(e.to_string().contains("unknown source `nobody`"), "{e}");
    // An id that a definition already has is refused too.
    let e = w.add(s.as_mut(), &[claim("tpd")], "stream").unwrap_err();
    assert!(e.to_string().contains("duplicate id `tpd`"), "{e}");
    // A claim about a commitment, by a speaker: the parts it names are found.
    let ds = bundled();
    let (ins, com) = ds
        .instruments
        .iter()
        .find_map(|i| i.commitments.first().map(|c| (i, c)))
        .unwrap();
    let ok = Claim {
        about: com.id.clone(),
        asserts: accord_model::Asserts::Met,
        value: None,
        speaker: Some(ins.parties[0].clone()),
        ..claim("cl_commitment_met")
    };
    w.add(s.as_mut(), &[ok], "stream").unwrap();
    assert_eq!(s.claim_count().unwrap(), n + 26);
}

fn edits_are_versioned_and_stale_edits_refused(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let cur = s.definition("tpd").unwrap().unwrap();
    assert_eq!(cur.version, 1);
    let Def::Instrument(mut tpd) = Def::from_json(cur.kind, &cur.body).unwrap() else {
        panic!("tpd is an instrument")
    };
    tpd.note = Some("edited by Alice".into());
    let o =
        accord_store::edit_definition(s.as_mut(), "tpd", Def::Instrument(tpd.clone()), 1).unwrap();
    assert_eq!((o.old_version, o.new_version, o.changed), (1, 2, true));

    // Bob, on another handle, still edits against version 1: refused, nothing overwritten.
    let mut bob = env.reopen(0);
    tpd.note = Some("edited by Bob".into());
    let e = accord_store::edit_definition(bob.as_mut(), "tpd", Def::Instrument(tpd.clone()), 1)
        .unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("version 2") && m.contains("--expect-version 2"),
        "{m}"
    );
    let now = s.definition("tpd").unwrap().unwrap();
    assert_eq!(now.version, 2);
    assert!(now.body.contains("edited by Alice"));

    // The history keeps version 1; the dataset shows version 2.
    let h = s.history("tpd").unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!((h[0].version, &h[0].body), (1, &cur.body));
    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    assert_eq!(
        ds.instrument("tpd").unwrap().note.as_deref(),
        Some("edited by Alice")
    );
    // Bob retries on the current version.
    let o = accord_store::edit_definition(bob.as_mut(), "tpd", Def::Instrument(tpd), 2).unwrap();
    assert_eq!(o.new_version, 3);
    // Changing the kind or the id is refused.
    let p = Def::Package(accord_model::Package {
        id: "tpd".into(),
        name: "x".into(),
        aliases: vec![],
        sources: vec![],
        note: None,
    });
    assert!(accord_store::edit_definition(s.as_mut(), "tpd", p, 3).is_err());
}

fn an_invalid_edit_is_refused(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let cur = s.definition("tpd").unwrap().unwrap();
    let Def::Instrument(mut tpd) = Def::from_json(cur.kind, &cur.body).unwrap() else {
        panic!("tpd is an instrument")
    };
    tpd.parties.push("no_such_party".into());
    let e = accord_store::edit_definition(s.as_mut(), "tpd", Def::Instrument(tpd), 1).unwrap_err();
    assert!(matches!(e, OpError::Invalid(_)), "{e}");
    assert!(e.to_string().contains("no_such_party"), "{e}");
    assert_eq!(s.definition("tpd").unwrap().unwrap(), cur);
}

fn a_batch_validated_against_old_definitions_is_stale(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let g = s.snapshot(false).unwrap().generation;
    let cur = s.definition("tpd").unwrap().unwrap();
    let Def::Instrument(mut tpd) = Def::from_json(cur.kind, &cur.body).unwrap() else {
        panic!("tpd is an instrument")
    };
    tpd.note = Some("changed".into());
    accord_store::edit_definition(s.as_mut(), "tpd", Def::Instrument(tpd), 1).unwrap();
    let batch = Batch {
        based_on: Some(g),
        defs: vec![],
        claims: vec![claim("cl_late")],
    };
    assert_eq!(s.apply(&batch).unwrap_err(), StoreError::Stale);
    assert!(s.claim("cl_late").unwrap().is_none());
}

fn json_export_is_canonical(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let a = accord_store::export::canonical_json(&accord_store::load_dataset(s.as_mut()).unwrap())
        .unwrap();
    let b = accord_store::export::canonical_json(&bundled()).unwrap();
    assert_eq!(a, b);
    assert!(a.ends_with('\n'));
}

const WTO_SAMPLE: &str = "RTA ID,RTA Name,Coverage,Type,Notification,Status,Date of Signature (G),Date of Signature (S),Date of Notification (G),Date of Notification (S),Date of Entry into Force (G),Date of Entry into Force (S),Inactive Date,Accession?,RTA Composition,Region,Cross-regional,All Parties WTO members?,Current signatories,Original signatories,Specific Entry/Exit dates,WTO Consideration Process (G),Consideration Date (G),WTO Consideration Process (S),Consideration Date (S),End of implementation period (G),End of implementation period (S),Remarks
164,Canada - Singapore,,,,Early announcement-Under negotiation,,,,,,,,No,Bilateral,North America; East Asia, Yes,Yes,,,,,,,,,,
1,EU - Korea,Goods & Services,FTA & EIA,GATT Art. XXIV & GATS Art. V,In Force,2010-10-06,2010-10-06,2011-07-07,2011-07-07,2011-07-01,2011-07-01,,No,Bilateral; One Party is an RTA,East Asia; Europe, Yes,Yes,\"European Union; Korea, Republic of\",,\"Korea, Republic of(01-Jan-9999 - )\",,,,,,,\"First line.
Second line of the remarks.\"
2,Old Agreement,Goods,FTA,GATT Art. XXIV,Inactive,1990-01-01,,,,1990-06-01,,2004-05-01,No,Bilateral,Europe, No,Yes,Hungary; Slovak Republic,,,,,,,,,
3,Backwards,Goods,FTA,GATT Art. XXIV,In Force,2014-06-27,,,,2014-04-23,,,No,Bilateral,Europe, No,Yes,Japan; Chile,,,,,,,,,
4,Future Pact,Goods,FTA,GATT Art. XXIV,Early announcement-Signed ,2025-02-30,,,,,,,No,Bilateral,Europe, No,Yes,Japan; Chile,,,,,,,,,
5,African Common Market,Goods,,,In Force,1964-08-13,,,,1964-08-13,,,No,Plurilateral,Africa, No,Yes,,,,,,,,,,
x,Broken,Goods,,,In Force,,,,,,,,No,Bilateral,Africa, No,Yes,Japan,,,,,,,,,
6,Strange,Goods,,,Suspended,,,,,,,,No,Bilateral,Africa, No,Yes,Japan; Chile,,,,,,,,,
";

fn wto_rows_are_imported_or_reported(env: &mut dyn Env) {
    let mut s = env.create();
    import_bundled(s.as_mut());
    let r =
        accord_store::wto::import(s.as_mut(), WTO_SAMPLE, "AllRTAs.csv", &mut |_, _| {}).unwrap();
    assert_eq!(r.rows, 8);
    assert_eq!(r.imported, 3, "{r:#?}");
    let lines: Vec<(u64, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(lines[0].0, 6);
    assert!(lines[0].1.contains("before `signed`"), "{lines:?}");
    assert!(
        lines[1].1.contains("`2025-02-30` is not a date"),
        "{lines:?}"
    );
    assert!(lines[2].1.contains("no parties"), "{lines:?}");
    assert!(lines[3].1.contains("not a number"), "{lines:?}");
    assert!(
        lines[4].1.contains("unknown status `Suspended`"),
        "{lines:?}"
    );

    let ds = accord_store::load_dataset(s.as_mut()).unwrap();
    let eu_kr = ds.instrument("wto_rta_1").unwrap();
    // The UK of the bundled dataset is reused by ISO code; the EU is a bloc; Korea by its
    // WTO name.
    assert_eq!(eu_kr.parties.len(), 2);
    let kinds: Vec<_> = eu_kr
        .parties
        .iter()
        .map(|p| ds.party(p).unwrap().kind)
        .collect();
    assert!(kinds.contains(&accord_model::PartyKind::Bloc));
    assert!(eu_kr.parties.contains(&"kor".to_string()));
    assert_eq!(eu_kr.in_force.unwrap().to_string(), "2011-07-01");
    assert!(eu_kr.note.as_deref().unwrap().contains("Second line"));
    assert_eq!(eu_kr.external_ids[0].value, "1");
    let old = ds.instrument("wto_rta_2").unwrap();
    assert_eq!(old.discontinued.unwrap().to_string(), "2004-05-01");
    let status = ds.claim("wto_rta_2_status").unwrap();
    assert_eq!(status.value.as_deref(), Some("Inactive"));
    assert_eq!(status.valid.start.to_string(), "2004-05-01");
    // Parties from the name of an early announcement.
    let ca_sg = ds.instrument("wto_rta_164").unwrap();
    assert_eq!(ca_sg.parties.len(), 2);
    // The rest of the bundled dataset is untouched and still valid.
    assert!(s.check_integrity().unwrap().is_empty());

    // Importing again adds nothing.
    let r2 =
        accord_store::wto::import(s.as_mut(), WTO_SAMPLE, "AllRTAs.csv", &mut |_, _| {}).unwrap();
    assert_eq!((r2.imported, r2.already), (0, 3));
}
