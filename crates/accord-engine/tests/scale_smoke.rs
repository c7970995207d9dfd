//! A rough look at the engine's costs on a synthetic dataset (not a benchmark, and not run by
//! default): `cargo test --release -p accord-engine --test scale_smoke -- --ignored --nocapture`.
//! The measured benchmark at a million items belongs to a later issue.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed expectation should stop the test"
)]

use std::time::Instant;

use accord_engine::Engine;
use accord_model::{
    Asserts, Channel, Claim, Dataset, FuzzyDate, Instrument, InstrumentKind, Link, LinkKind, Party,
    PartyKind, Source, SourceKind,
};
use jiff::civil::Date;

#[test]
#[ignore]
fn scale_smoke() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut ds = Dataset::default();
    ds.parties.push(Party {
        id: "a".into(),
        kind: PartyKind::Country,
        name: "A".into(),
        aliases: vec![],
        iso2: None,
        iso3: None,
        m49: None,
        members: vec![],
        country: None,
        roles: vec![],
        wikidata: None,
        lei: None,
        note: None,
    });
    ds.sources.push(Source {
        id: "s".into(),
        kind: SourceKind::News,
        outlet: None,
        title: "S".into(),
        url: None,
        published: Date::new(2025, 1, 1).unwrap(),
        note: None,
    });
    let mut x: u64 = 0x1234_5678;
    let mut rnd = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    for i in 0..n {
        let activation = (i > 10 && rnd(3) == 0).then(|| format!("operative(i{})", rnd(i)));
        ds.instruments.push(Instrument {
            id: format!("i{i}"),
            kind: InstrumentKind::ExecutiveAgreement,
            name: format!("I{i}"),
            aliases: vec![],
            binding: None,
            parties: vec!["a".into()],
            parent: None,
            announced: None,
            signed: Some(Date::new(2025, 1, 1).unwrap()),
            in_force: None,
            discontinued: None,
            activation,
            discontinuation: None,
            sections: vec![],
            commitments: vec![],
            external_ids: vec![],
            sources: vec![],
            note: None,
        });
    }
    for l in 0..(4 * n) {
        let from = rnd(n);
        let to = rnd(n);
        if from == to {
            continue;
        }
        ds.links.push(Link {
            id: format!("l{l}"),
            kind: if rnd(4) == 0 {
                LinkKind::ConditionalOn
            } else {
                LinkKind::LinkedTo
            },
            from: format!("i{from}"),
            to: format!("i{to}"),
            mode: None,
            condition: None,
            sources: vec![],
            note: None,
        });
    }
    let claim = |id: usize, about: usize, value: &str, day: i8| Claim {
        id: format!("c{id}"),
        about: format!("i{about}"),
        asserts: Asserts::Status,
        value: Some(value.into()),
        by: None,
        valid: FuzzyDate::day(Date::new(2025, 3, day).unwrap()),
        known: Date::new(2025, 3, day).unwrap(),
        source: "s".into(),
        speaker: None,
        role: None,
        side: None,
        channel: Channel::Report,
        quote: None,
        confidence: 1.0,
        retracts: None,
        supersedes: None,
        reason: None,
        note: None,
    };
    for c in 0..(3 * n) {
        ds.claims
            .push(claim(c, rnd(n), "in force", 1 + rnd(20) as i8));
    }
    ds.reindex();
    let t = Instant::now();
    let mut e = Engine::new(&ds);
    println!(
        "build: {:?} for {n} items, {} links, {} claims",
        t.elapsed(),
        ds.links.len(),
        ds.claims.len()
    );
    let d = Date::new(2025, 6, 1).unwrap();
    let t = Instant::now();
    e.derive_all(d, d);
    println!("full derivation: {:?}", t.elapsed());
    let t = Instant::now();
    e.derive_all(d, d);
    println!("derive_all again (kept): {:?}", t.elapsed());
    let mut quiet = Vec::new();
    for i in 0..2000 {
        let t = Instant::now();
        e.add_claim(claim(10 * n + i, rnd(n), "in force", 25))
            .unwrap();
        quiet.push(t.elapsed());
    }
    quiet.sort();
    println!(
        "add a claim that changes nothing: p50 {:?}, p99 {:?}",
        quiet[quiet.len() / 2],
        quiet[quiet.len() * 99 / 100]
    );
    let mut loud = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        e.add_claim(claim(20 * n + i, rnd(n), "suspended", 26))
            .unwrap();
        loud.push(t.elapsed());
    }
    loud.sort();
    println!(
        "add a claim that suspends an item: p50 {:?}, p99 {:?}",
        loud[loud.len() / 2],
        loud[loud.len() * 99 / 100]
    );
}
