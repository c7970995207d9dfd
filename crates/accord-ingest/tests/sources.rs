//! Acceptance on the real texts in `../shared/sources` (not copied into the repository:
//! read from beside the workspace, skipped with a message when absent). Assertions name
//! offsets and short fragments only.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use accord_ingest::input::{self, Limits};
use accord_ingest::{Document, Proposal, ProposalKind, SpanText, extract};
use accord_model::{Asserts, Channel, Dataset, Status};

fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is not there", p.display());
        None
    }
}

fn ds() -> Dataset {
    accord_dataset::load_bundled("us-uk")
        .map(|l| l.dataset)
        .unwrap_or_default()
}

fn load(path: &std::path::Path) -> Document {
    let l = input::load(
        path.to_str().unwrap_or(""),
        &Limits::default(),
        &Default::default(),
    )
    .expect("readable");
    l.documents.into_iter().next().expect("one document")
}

/// The text the character offsets of `s` cover.
fn at(text: &str, s: &SpanText) -> String {
    text.chars().skip(s.start).take(s.end - s.start).collect()
}

/// Every span of every proposal covers exactly its text.
fn check_all_offsets(text: &str, ps: &[Proposal]) {
    for p in ps {
        assert_eq!(at(text, &p.content), p.content.text);
        assert_eq!(at(text, &p.cue), p.cue.text);
        for q in &p.quote_parts {
            assert_eq!(at(text, q), q.text);
        }
        if let Some(s) = &p.speaker {
            assert_eq!(at(text, &s.span), s.span.text);
        }
        if let Some(i) = &p.item {
            assert_eq!(at(text, &i.span), i.span.text);
        }
        if let Some(v) = &p.valid_from_text {
            assert_eq!(at(text, v), v.text);
        }
    }
}

fn find<'a>(ps: &'a [Proposal], what: &str, f: impl Fn(&Proposal) -> bool) -> &'a Proposal {
    ps.iter()
        .find(|p| f(p))
        .unwrap_or_else(|| panic!("no proposal: {what}"))
}

fn speaker(p: &Proposal) -> (&str, Option<&str>) {
    let s = p.speaker.as_ref().expect("a speaker");
    (s.span.text.as_str(), s.party_id.as_deref())
}

fn item(p: &Proposal) -> Option<&str> {
    p.item.as_ref().map(|i| i.id.as_str())
}

#[test]
fn tech_deal_report_acceptance() {
    let Some(path) = shared("sources/tech-deal-report.txt") else {
        return;
    };
    let mut doc = load(&path);
    doc.published = "2025-12-16".parse().ok();
    let text = doc.text.clone();
    let ps = extract(&doc, &ds());
    check_all_offsets(&text, &ps);

    // Downing Street: talks on the tech deal are active.
    let p = find(&ps, "Downing Street", |p| p.cue.text == "has affirmed");
    assert_eq!(speaker(p), ("Downing Street", Some("downing_street")));
    assert_eq!(at(&text, &p.cue), "has affirmed");
    assert_eq!(item(p), Some("tech_track"));
    assert_eq!(p.status, Some(Status::Active));
    assert_eq!(p.value.as_deref(), Some("active conversations"));
    let q = p.quote.as_ref().expect("quote");
    assert!(at(&text, q).starts_with("active conversations with US counterparts"));
    assert_eq!(p.valid.to_string(), "2025-12-16");

    // The BBC's own reporting: the talks have stalled.
    let p = find(&ps, "BBC has learned", |p| p.cue.text == "has learned");
    assert_eq!(speaker(p), ("the BBC", Some("bbc")));
    assert_eq!(p.kind, ProposalKind::Report);
    assert_eq!(item(p), Some("tech_track"));
    assert_eq!(p.status, Some(Status::Stalled));
    assert!(p.content.text.starts_with("that the talks"));

    // The New York Times' report that the talks stalled.
    let p = find(&ps, "NYT report", |p| {
        p.speaker.as_ref().and_then(|s| s.party_id.as_deref()) == Some("nyt") && p.status.is_some()
    });
    assert_eq!(speaker(p).0, "The New York Times");
    assert_eq!(at(&text, &p.cue), "report");
    assert_eq!(at(&text, &p.content), "the stalled talks");
    assert_eq!(item(p), Some("tech_track"));
    assert_eq!(p.status, Some(Status::Stalled));

    // Kratsios on X: work resumes once the UK makes substantial progress on its EPD commitments.
    let p = find(&ps, "Kratsios on X", |p| p.cue.text == "articulated");
    assert_eq!(speaker(p), ("Kratsios", Some("kratsios")));
    assert_eq!(p.channel, Some(Channel::SocialPost));
    assert_eq!(
        item(p),
        Some("tpd"),
        "the EPD is only named inside the `once …` condition"
    );
    let q = p.quote.as_ref().expect("quote");
    assert!(q.text.starts_with(
        "resume work with the United Kingdom once the UK has made substantial progress"
    ));
    assert_eq!(p.valid.to_string(), "2025-12-16");
    let p = find(&ps, "Kratsios indicated", |p| p.cue.text == "indicated");
    assert_eq!(speaker(p), ("Michael Kratsios", Some("kratsios")));
    assert_eq!(
        p.valid_from_text.as_ref().map(|v| v.text.as_str()),
        Some("Tuesday evening")
    );
    let p = find(&ps, "He further emphasized", |p| {
        p.cue.text == "further emphasized"
    });
    assert_eq!(speaker(p), ("He", Some("kratsios")));

    // The steel tariff deal on indefinite hold, according to BBC sources.
    let p = find(&ps, "steel on hold", |p| p.cue.text == "according to");
    assert_eq!(speaker(p), ("BBC sources", Some("bbc")));
    assert_eq!(item(p), Some("epd_steel"));
    assert_eq!(p.status, Some(Status::Suspended));
    assert_eq!(p.value.as_deref(), Some("on indefinite hold"));

    // The investment pledges unaffected ("it is understood", and "the BBC understands").
    let p = find(&ps, "it is understood", |p| {
        p.kind == ProposalKind::Understood && p.status.is_some()
    });
    assert_eq!(at(&text, &p.cue), "it is understood");
    assert_eq!(item(p), Some("pledge_tech_package"));
    assert_eq!(p.status, Some(Status::Affirmed));
    assert_eq!(p.value.as_deref(), Some("unaffected"));
    let p = find(&ps, "the BBC understands", |p| p.cue.text == "understands");
    assert_eq!(speaker(p), ("the BBC", Some("bbc")));
    assert_eq!(item(p), Some("pledge_tech_package"));
    assert_eq!(p.status, Some(Status::Affirmed));

    // The White House has not responded; the companies have not either.
    let p = find(&ps, "White House no response", |p| {
        p.kind == ProposalKind::NoResponse && speaker(p).1 == Some("white_house")
    });
    assert_eq!(speaker(p).0, "the White House");
    assert!(p.cue.text.starts_with("has yet to respond"));
    assert_eq!(p.asserts, Asserts::NoResponse);
    for (company, pledge) in [
        ("google", "pledge_google"),
        ("microsoft", "pledge_microsoft"),
        ("nvidia", "pledge_nvidia"),
    ] {
        let p = find(&ps, company, |p| {
            p.kind == ProposalKind::NoResponse && speaker(p).1 == Some(company)
        });
        assert_eq!(item(p), Some(pledge));
    }

    // Declined to comment: the Prime Minister's spokesperson, and the UK government.
    let p = find(&ps, "declining to comment", |p| {
        p.cue.text == "declining to comment"
    });
    assert_eq!(
        speaker(p),
        (
            "The Prime Minister’s official spokesperson",
            Some("downing_street")
        )
    );
    assert_eq!(p.asserts, Asserts::DeclinedToComment);

    // The September statements of the Prime Minister and the Technology Secretary.
    let p = find(&ps, "Starmer", |p| p.cue.text == "characterizing");
    assert_eq!(
        speaker(p),
        ("Prime Minister Sir Keir Starmer", Some("starmer"))
    );
    assert_eq!(item(p), Some("tpd"));
    assert_eq!(p.valid.to_string(), "2025-09");
    assert!(
        p.quote
            .as_ref()
            .is_some_and(|q| q.text.starts_with("generational step change"))
    );
    let p = find(&ps, "Kendall", |p| p.cue.text == "described");
    assert_eq!(
        speaker(p),
        ("Technology Secretary Liz Kendall", Some("kendall"))
    );
    assert_eq!(p.valid.to_string(), "2025-09");
    assert_eq!(p.quote_parts.len(), 2);
    assert!(p.quote_parts[1].text.starts_with("vote of confidence"));
    let p = find(&ps, "He underscored", |p| p.cue.text == "underscored");
    assert_eq!(speaker(p), ("He", Some("starmer")));

    // Allie Renison's view, told to the BBC.
    let p = find(&ps, "Renison to the BBC", |p| {
        p.cue.text == "explained to the BBC"
    });
    assert_eq!(speaker(p), ("She", Some("renison")));
    assert_eq!(p.channel, Some(Channel::Interview));
    assert_eq!(
        p.speaker
            .as_ref()
            .and_then(|s| s.antecedent.as_ref())
            .map(|a| a.text.as_str()),
        Some("Allie Renison")
    );
    assert_eq!(item(p), Some("tech_track"));
    let p = find(&ps, "Renison views", |p| p.cue.text == "views");
    assert_eq!(speaker(p), ("Allie Renison", Some("renison")));
    assert!(
        p.quote
            .as_ref()
            .is_some_and(|q| q.text == "slightly piecemeal approach")
    );
}

#[test]
fn june_2025_stories() {
    let Some(a) = shared(
        "sources/news-2025/2025-06-04-latest-uk-temporarily-spared-from-trumps-50-steel-tariffs.md",
    ) else {
        return;
    };
    let doc = load(&a);
    assert_eq!(
        doc.published.map(|d| d.to_string()).as_deref(),
        Some("2025-06-04")
    );
    let text = doc.text.clone();
    let ps = extract(&doc, &ds());
    check_all_offsets(&text, &ps);
    let p = find(&ps, "Stace", |p| {
        p.speaker
            .as_ref()
            .is_some_and(|s| s.span.text == "Gareth Stace")
    });
    assert_eq!(speaker(p).1, Some("stace"));
    assert_eq!(p.cue.text, "said");
    let p = find(&ps, "Stace hopes", |p| {
        p.quote
            .as_ref()
            .is_some_and(|q| q.text.starts_with("We hope that deal"))
    });
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(speaker(p), ("he", Some("stace")));
    let p = find(&ps, "Trump in the order", |p| {
        p.cue.text == "said in the order"
    });
    assert_eq!(speaker(p), ("Trump", Some("trump")));
    assert_eq!(p.channel, Some(Channel::Document));
    assert_eq!(item(p), Some("epd"));
    let p = find(&ps, "Griffith", |p| {
        p.speaker
            .as_ref()
            .is_some_and(|s| s.name.as_deref() == Some("Andrew Griffith"))
    });
    assert_eq!(p.kind, ProposalKind::Direct);
    let p = find(&ps, "Crozier to the BBC", |p| {
        p.cue.text == "told the BBC's Today programme"
    });
    assert_eq!(
        p.speaker.as_ref().and_then(|s| s.name.as_deref()),
        Some("Rowan Crozier")
    );
    assert_eq!(p.channel, Some(Channel::Interview));
    // Two parties in one "but" sentence are two proposals, each with its own content.
    let p = find(&ps, "Conservatives", |p| {
        speaker(p).0 == "the Conservatives"
    });
    assert!(p.content.text.starts_with("the order was a"));
    let p = find(&ps, "spokesperson", |p| speaker(p).0 == "A spokesperson");
    assert!(p.content.text.ends_with("jobs\""));

    let Some(b) = shared(
        "sources/news-2025/2025-06-30-latest-uk-us-tariff-deal-begins-but-still-no-latests-on-steel.md",
    ) else {
        return;
    };
    let doc = load(&b);
    let text = doc.text.clone();
    let ps = extract(&doc, &ds());
    check_all_offsets(&text, &ps);
    // A quotation over two paragraphs, closed by "he added"; "he" is Liam Bates.
    let p = find(&ps, "Bates, two paragraphs", |p| {
        p.cue.text == "added" && p.content.text.contains('\n')
    });
    assert_eq!(p.kind, ProposalKind::Direct);
    assert!(p.content.text.starts_with("So that means"));
    assert_eq!(
        p.speaker.as_ref().and_then(|s| s.name.as_deref()),
        Some("Liam Bates")
    );
    // A split quote around "he said".
    let p = find(&ps, "Trump split quote", |p| {
        p.kind == ProposalKind::Direct && p.quote_parts.len() == 2
    });
    assert_eq!(speaker(p), ("he", Some("trump")));
    assert_eq!(p.quote_parts[1].text, "I could, no big deal");
    // "aired on Sunday" and "On Friday" against Monday 30 June.
    let p = find(&ps, "Fox News interview", |p| {
        p.content.text.starts_with("he was unlikely to extend")
    });
    assert_eq!(p.valid.to_string(), "2025-06-29");
    let p = find(&ps, "Canada talks", |p| {
        p.content.text.starts_with("he had called off negotiations")
    });
    assert_eq!(p.valid.to_string(), "2025-06-27");
    let p = find(&ps, "Reynolds", |p| speaker(p).1 == Some("reynolds"));
    assert_eq!(
        speaker(p).0,
        "The Business and Trade Secretary, Jonathan Reynolds"
    );
}

#[test]
fn white_house_documents() {
    let Some(a) = shared(
        "sources/whitehouse/articles/2025-09/2025-09-18-president-trump-signs-technology-prosperity-deal-with-united-kingdom.md",
    ) else {
        return;
    };
    let doc = load(&a);
    assert_eq!(
        doc.published.map(|d| d.to_string()).as_deref(),
        Some("2025-09-18")
    );
    assert!(
        doc.title
            .as_deref()
            .is_some_and(|t| t.contains("Technology Prosperity Deal"))
    );
    let text = doc.text.clone();
    let ps = extract(&doc, &ds());
    check_all_offsets(&text, &ps);
    let p = find(&ps, "Kratsios quote", |p| speaker(p).1 == Some("kratsios"));
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(p.cue.text, "said");
    assert_eq!(item(p), Some("tpd"));
    assert_eq!(p.status, Some(Status::Signed));

    let Some(b) = shared(
        "sources/whitehouse/fact-sheets/2025-05/2025-05-08-fact-sheet-u-s-uk-reach-historic-trade-deal.md",
    ) else {
        return;
    };
    let doc = load(&b);
    let text = doc.text.clone();
    let ps = extract(&doc, &ds());
    check_all_offsets(&text, &ps);
    // "President Trump: “…”" and the quotations listed under it.
    let trump: Vec<&Proposal> = ps
        .iter()
        .filter(|p| {
            p.kind == ProposalKind::Direct
                && p.speaker.as_ref().and_then(|s| s.party_id.as_deref()) == Some("trump")
        })
        .collect();
    assert_eq!(trump.len(), 3);
    assert!(trump.iter().all(|p| p.cue.text == ":"));
    let p = find(&ps, "Starmer quote", |p| {
        p.kind == ProposalKind::Direct && speaker(p).1 == Some("starmer")
    });
    assert!(p.content.text.starts_with("This is going to boost trade"));
}
