//! Users, tokens and the review queue (since schema version 2), on SQLite and on PostgreSQL (a fresh
//! schema per test at `ACCORD_TEST_PG`, dropped afterwards; skipped when unreachable, except
//! under CI).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

mod common;
use accord_model::{Asserts, FuzzyDate};
use accord_store::ops::OpError;
use accord_store::{ClaimDraft, NewProposal, ProposalStatus, Role, Store, StoreError, TokenKind};
use common::{on_postgres, on_sqlite};

fn loaded(store: &mut dyn Store) {
    let files = accord_dataset::bundled_files("us-uk").unwrap();
    accord_store::import_files(store, files, "(bundled)").unwrap();
}

fn proposal(key: &str, about: &str, value: &str) -> NewProposal {
    NewProposal {
        dedup_key: key.into(),
        draft: ClaimDraft {
            about: Some(about.into()),
            asserts: Some(Asserts::Status),
            value: Some(value.into()),
            valid: Some(FuzzyDate::parse("2025-12-01").unwrap()),
            known: Some(jiff::civil::date(2025, 12, 2)),
            source: Some("bbc_2025_12_16_tech_deal".into()),
            quote: Some("agreed in principle".into()),
            ..ClaimDraft::default()
        },
        provenance: serde_json::json!({"url": "https://example.org/a", "rules": ["cue:said"]}),
    }
}

fn users_and_tokens(s: &mut dyn Store) {
    assert_eq!(
        s.schema_version().unwrap(),
        accord_store::sqlite::MIGRATIONS.len() as i64
    );
    let u = s
        .add_user("ed", Role::Editor, Some("$argon2id$fake"))
        .unwrap();
    assert!(matches!(
        s.add_user("ed", Role::Viewer, None),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.add_user("bad name!", Role::Viewer, None),
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(s.user("ed").unwrap().unwrap().role, Role::Editor);
    assert_eq!(s.user_by_id(u.id).unwrap().unwrap().name, "ed");
    assert!(s.update_user("ed", Some(Role::Admin), None).unwrap());
    assert_eq!(s.user("ed").unwrap().unwrap().role, Role::Admin);
    assert_eq!(
        s.user("ed").unwrap().unwrap().password_hash.as_deref(),
        Some("$argon2id$fake")
    );
    assert!(!s.update_user("nobody", Some(Role::Admin), None).unwrap());
    s.add_token(u.id, TokenKind::Api, Some("ci"), "hash1", None)
        .unwrap();
    s.add_token(
        u.id,
        TokenKind::Session,
        None,
        "hash2",
        Some("2000-01-01T00:00:00Z"),
    )
    .unwrap();
    let (t, who) = s.token("hash1").unwrap().unwrap();
    assert_eq!(who.name, "ed");
    assert!(t.usable_at(jiff::Timestamp::now()));
    let (t2, _) = s.token("hash2").unwrap().unwrap();
    assert!(!t2.usable_at(jiff::Timestamp::now()), "expired");
    assert!(s.token("nope").unwrap().is_none());
    assert!(s.revoke_token("hash1").unwrap());
    assert!(!s.revoke_token("hash1").unwrap());
    assert!(
        !s.token("hash1")
            .unwrap()
            .unwrap()
            .0
            .usable_at(jiff::Timestamp::now())
    );
    assert_eq!(s.tokens(u.id).unwrap().len(), 2);
    assert_eq!(s.users().unwrap().len(), 1);
}

fn review_queue(s: &mut dyn Store) {
    loaded(s);
    let added = s
        .add_proposals(&[
            proposal("k1", "epd_pharma", "agreed"),
            proposal("k2", "tpd", "paused"),
        ])
        .unwrap();
    assert!(added.iter().all(|a| a.new));
    // The same keys again: nothing new.
    let again = s
        .add_proposals(&[proposal("k1", "epd_pharma", "agreed")])
        .unwrap();
    assert_eq!(again[0].id, added[0].id);
    assert!(!again[0].new);
    assert_eq!(s.list_proposals(None).unwrap().len(), 2);
    let before = s.claim_count().unwrap();
    let a = s
        .accept_proposal(added[0].id, "ed", &ClaimDraft::default())
        .unwrap();
    assert_eq!(a.claim_id, format!("review.p{}", added[0].id));
    assert_eq!(s.claim_count().unwrap(), before + 1);
    let c = s.claim(&a.claim_id).unwrap().unwrap();
    assert_eq!(c.seq, a.seq);
    assert!(c.claim.note.unwrap().contains("by ed"));
    let p = s.get_proposal(added[0].id).unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::Accepted);
    assert_eq!(p.claim_id.as_deref(), Some(a.claim_id.as_str()));
    // Reviewed once.
    assert!(matches!(
        s.accept_proposal(added[0].id, "ed", &ClaimDraft::default()),
        Err(OpError::Store(StoreError::Conflict(_)))
    ));
    assert!(matches!(
        s.reject_proposal(added[0].id, "ed", "no"),
        Err(StoreError::Conflict(_))
    ));
    // An edit that makes the claim invalid: refused with the validator's message, nothing
    // written, the proposal still waiting.
    let bad = ClaimDraft {
        about: Some("no_such_item".into()),
        ..ClaimDraft::default()
    };
    match s.accept_proposal(added[1].id, "ed", &bad) {
        Err(OpError::Invalid(p)) => assert!(p.rendered.contains("no_such_item"), "{}", p.rendered),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.claim_count().unwrap(), before + 1);
    assert_eq!(
        s.get_proposal(added[1].id).unwrap().unwrap().status,
        ProposalStatus::Proposed
    );
    // A draft missing a field says which.
    s.add_proposals(&[NewProposal {
        dedup_key: "k3".into(),
        draft: ClaimDraft::default(),
        provenance: serde_json::Value::Null,
    }])
    .unwrap();
    let k3 = s.list_proposals(Some(ProposalStatus::Proposed)).unwrap();
    let k3 = k3.iter().find(|p| p.dedup_key == "k3").unwrap().id;
    match s.accept_proposal(k3, "ed", &ClaimDraft::default()) {
        Err(OpError::Input(m)) => assert!(m.contains("`about`"), "{m}"),
        other => panic!("{other:?}"),
    }
    s.reject_proposal(added[1].id, "ed", "misread").unwrap();
    let p = s.get_proposal(added[1].id).unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::Rejected);
    assert_eq!(p.reason.as_deref(), Some("misread"));
    assert_eq!(
        s.list_proposals(Some(ProposalStatus::Proposed))
            .unwrap()
            .len(),
        1
    );
    // Following the store: claims after a seq.
    let after = s.claims_after(a.seq - 1).unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].claim.id, a.claim_id);
    assert!(s.generation().unwrap() > 0);
    assert!(s.check_integrity().unwrap().is_empty());
}

#[test]
fn users_and_tokens_on_sqlite() {
    on_sqlite(users_and_tokens);
}

#[test]
fn users_and_tokens_on_postgres() {
    on_postgres("users_and_tokens", "rv", users_and_tokens);
}

#[test]
fn review_queue_on_sqlite() {
    on_sqlite(review_queue);
}

#[test]
fn review_queue_on_postgres() {
    on_postgres("review_queue", "rv", review_queue);
}
