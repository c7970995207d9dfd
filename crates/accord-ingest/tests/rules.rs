//! The extraction rules on small texts written for these tests.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use accord_ingest::{Document, Proposal, ProposalKind, extract};
use accord_model::{Asserts, Channel, Dataset, Status};

fn ds() -> Dataset {
    accord_dataset::load_bundled("us-uk")
        .map(|l| l.dataset)
        .unwrap_or_default()
}

fn run(text: &str, published: &str) -> Vec<Proposal> {
    let doc = Document {
        text: text.to_string(),
        published: published.parse().ok(),
        ..Document::default()
    };
    let ps = extract(&doc, &ds());
    check_offsets(text, &ps);
    ps
}

/// Every span's text is what its character offsets cover.
fn check_offsets(text: &str, ps: &[Proposal]) {
    let chars: Vec<char> = text.chars().collect();
    let at = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    for p in ps {
        assert_eq!(at(p.content.start, p.content.end), p.content.text);
        assert_eq!(at(p.cue.start, p.cue.end), p.cue.text);
        for q in &p.quote_parts {
            assert_eq!(at(q.start, q.end), q.text);
        }
        if let Some(s) = &p.speaker {
            assert_eq!(at(s.span.start, s.span.end), s.span.text);
        }
        if let Some(i) = &p.item {
            assert_eq!(at(i.span.start, i.span.end), i.span.text);
        }
        assert!(!p.explanation.is_empty());
        assert_eq!(p.dedup_key.len(), 64);
    }
}

fn by_cue<'a>(ps: &'a [Proposal], cue: &str) -> &'a Proposal {
    ps.iter().find(|p| p.cue.text == cue).unwrap_or_else(|| {
        panic!(
            "no proposal with cue `{cue}` in {:#?}",
            ps.iter().map(|p| &p.cue.text).collect::<Vec<_>>()
        )
    })
}

#[test]
fn split_quotes_are_one_statement() {
    let t = "“We will not sign this,” the minister said, “until the terms change.”";
    let ps = run(t, "2025-10-01");
    let p = by_cue(&ps, "said");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(p.quote_parts.len(), 2);
    assert_eq!(p.quote_parts[0].text, "We will not sign this,");
    assert_eq!(p.quote_parts[1].text, "until the terms change.");
    assert_eq!(
        p.speaker.as_ref().map(|s| s.text.as_str()),
        Some("the minister")
    );
}

#[test]
fn straight_quotes_and_colon_after_cue() {
    let t = "Peter Kyle said: \"The talks on the tech deal are paused.\"";
    let ps = run(t, "2025-12-17");
    let p = by_cue(&ps, "said");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(
        p.quote.as_ref().map(|q| q.text.as_str()),
        Some("The talks on the tech deal are paused.")
    );
    assert_eq!(
        p.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("kyle")
    );
    assert_eq!(p.item.as_ref().map(|i| i.id.as_str()), Some("tech_track"));
    assert_eq!(p.status, Some(Status::Suspended));
    assert_eq!(p.value.as_deref(), Some("paused"));
}

#[test]
fn pronouns_refer_back_to_the_last_named_speaker() {
    let t =
        "Jonathan Reynolds said the steel deal was close.\n\nHe added that talks would continue.";
    let ps = run(t, "2025-06-10");
    let p = by_cue(&ps, "added");
    let s = p.speaker.as_ref().expect("speaker");
    assert_eq!(s.text, "He");
    assert_eq!(s.party_id.as_deref(), Some("reynolds"));
    assert_eq!(
        s.antecedent.as_ref().map(|a| a.text.as_str()),
        Some("Jonathan Reynolds")
    );
}

#[test]
fn titles_before_names_and_people_not_in_the_dataset() {
    let t = "Business Secretary Jonathan Reynolds said the quota was working. Chief executive Jane Doe told Reuters the plan was delayed.";
    let ps = run(t, "2025-06-10");
    let p = by_cue(&ps, "said");
    assert_eq!(
        p.speaker.as_ref().map(|s| s.text.as_str()),
        Some("Business Secretary Jonathan Reynolds")
    );
    assert_eq!(
        p.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("reynolds")
    );
    let q = by_cue(&ps, "told Reuters");
    let s = q.speaker.as_ref().expect("speaker");
    assert_eq!(s.party_id, None);
    assert_eq!(s.name.as_deref(), Some("Jane Doe"));
    assert_eq!(q.channel, Some(Channel::Interview));
}

#[test]
fn declined_no_response_and_understood() {
    let t = "The White House declined to comment on the tech deal. Microsoft did not respond to requests for comment. It is understood that the pledges remain in place.";
    let ps = run(t, "2025-12-16");
    let d = ps
        .iter()
        .find(|p| p.kind == ProposalKind::DeclinedToComment)
        .expect("declined");
    assert_eq!(d.cue.text, "declined to comment");
    assert_eq!(d.asserts, Asserts::DeclinedToComment);
    assert_eq!(
        d.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("white_house")
    );
    assert_eq!(d.item.as_ref().map(|i| i.id.as_str()), Some("tpd"));
    let n = ps
        .iter()
        .find(|p| p.kind == ProposalKind::NoResponse)
        .expect("no response");
    assert_eq!(n.cue.text, "did not respond to requests for comment");
    assert_eq!(n.asserts, Asserts::NoResponse);
    assert_eq!(
        n.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("microsoft")
    );
    let u = ps
        .iter()
        .find(|p| p.kind == ProposalKind::Understood)
        .expect("understood");
    assert_eq!(u.cue.text, "It is understood");
    assert!(u.content.text.starts_with("that the pledges"));
}

#[test]
fn understood_is_the_publishers_when_known() {
    let doc = Document {
        text: "It is understood that the £31bn of pledges remain in place.".into(),
        publisher: Some("BBC News".into()),
        published: "2025-12-16".parse().ok(),
        ..Document::default()
    };
    let ps = extract(&doc, &ds());
    let u = &ps[0];
    assert_eq!(u.kind, ProposalKind::Understood);
    assert_eq!(
        u.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
        Some("bbc")
    );
    assert_eq!(
        u.item.as_ref().map(|i| i.id.as_str()),
        Some("pledge_tech_package")
    );
    assert_eq!(u.status, Some(Status::Affirmed));
}

#[test]
fn relative_dates_resolve_against_publication() {
    // 2025-12-15 is a Monday.
    let t =
        "British officials told the FT on Monday that the US suspended the tech deal last week.";
    let ps = run(t, "2025-12-15");
    let p = by_cue(&ps, "told the FT");
    assert_eq!(p.valid.to_string(), "2025-12-15");
    assert_eq!(
        p.valid_from_text.as_ref().map(|v| v.text.as_str()),
        Some("Monday")
    );
    let t = "The FT reported that the US suspended the tech deal last week.";
    let ps = run(t, "2025-12-15");
    let p = by_cue(&ps, "reported");
    assert_eq!(
        p.valid.to_string(),
        "2025-12-08/2025-12-12",
        "a status claim takes the time of the event"
    );
    assert_eq!(p.status, Some(Status::Suspended));
    assert_eq!(p.kind, ProposalKind::Report);
    let t = "Kratsios wrote on X yesterday that work on the tech deal would resume.";
    let ps = run(t, "2025-12-17");
    let p = by_cue(&ps, "wrote on X");
    assert_eq!(p.valid.to_string(), "2025-12-16");
    assert_eq!(p.channel, Some(Channel::SocialPost));
}

#[test]
fn according_to_and_nested_cues() {
    let t = "The steel deal has been shelved, according to people familiar with the talks.";
    let ps = run(t, "2025-12-16");
    let p = by_cue(&ps, "according to");
    assert_eq!(
        p.speaker.as_ref().map(|s| s.text.as_str()),
        Some("people familiar")
    );
    assert_eq!(p.content.text, "The steel deal has been shelved");
    assert_eq!(p.item.as_ref().map(|i| i.id.as_str()), Some("epd_steel"));
    assert_eq!(p.status, Some(Status::Suspended));
    // "said it wanted" is one attribution, not two.
    let ps = run(
        "The UK government said it wanted the deal done soon.",
        "2025-06-04",
    );
    assert_eq!(ps.len(), 1);
}

#[test]
fn multi_paragraph_quotes() {
    let t = "Liam Bates is the managing director of a steel firm.\n\n“The lead times are long.\n\n“So it gives us a hard decision,” he added.";
    let ps = run(t, "2025-06-30");
    let p = by_cue(&ps, "added");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert!(p.content.text.starts_with("The lead times are long."));
    assert!(p.content.text.ends_with("hard decision,"));
    assert!(p.content.text.contains("\n\n“So"));
    assert_eq!(
        p.speaker.as_ref().and_then(|s| s.name.as_deref()),
        Some("Liam Bates")
    );
}

#[test]
fn dedup_keys_are_stable_and_ignore_layout() {
    let a = run(
        "Downing Street said the tech deal talks were active.",
        "2025-12-16",
    );
    let b = run(
        "Downing  Street said the tech deal talks were active.\n",
        "2025-12-16",
    );
    assert_eq!(a[0].dedup_key, b[0].dedup_key);
    let c = run(
        "Downing Street said the tech deal talks were stalled.",
        "2025-12-16",
    );
    assert_ne!(a[0].dedup_key, c[0].dedup_key);
    let json = serde_json::to_string(&a[0]).expect("json");
    let back: Proposal = serde_json::from_str(&json).expect("back");
    assert_eq!(back, a[0]);
}

fn speaker_text(p: &Proposal) -> Option<&str> {
    p.speaker.as_ref().map(|s| s.span.text.as_str())
}

#[test]
fn two_apostrophes_are_a_quotation_mark() {
    let t = "''We will sign it next week,'' Mrs. Patel said. ''Nothing is left to agree.''";
    let ps = run(t, "2016-03-01");
    let p = by_cue(&ps, "said");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(speaker_text(p), Some("Mrs. Patel"));
    let parts: Vec<&str> = p.quote_parts.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        parts,
        ["We will sign it next week,", "Nothing is left to agree."],
        "the sentence that is only a quotation continues the statement"
    );
    assert_eq!(ps.len(), 1);
}

#[test]
fn single_quotes_are_quotations_but_apostrophes_are_not() {
    let t = "'The deal is finished,' the trade minister said.";
    let ps = run(t, "2016-03-01");
    let p = by_cue(&ps, "said");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(
        p.quote.as_ref().map(|q| q.text.as_str()),
        Some("The deal is finished,")
    );
    assert_eq!(speaker_text(p), Some("the trade minister"));
    let t = "‘We are not there yet,’ said the negotiators' chief.";
    let ps = run(t, "2016-03-01");
    let p = by_cue(&ps, "said");
    assert_eq!(
        p.quote.as_ref().map(|q| q.text.as_str()),
        Some("We are not there yet,")
    );
    // Apostrophes: elisions, plural possessives and contractions open no quotation.
    let t = "The farmers' union said it doesn't expect the '90s quotas to return.";
    let ps = run(t, "2016-03-01");
    let p = by_cue(&ps, "said");
    assert!(p.quote_parts.is_empty(), "{:?}", p.quote_parts);
    assert_eq!(p.kind, ProposalKind::Indirect);
    assert_eq!(
        p.content.text,
        "it doesn't expect the '90s quotas to return"
    );
    assert_eq!(speaker_text(p), Some("The farmers' union"));
}

#[test]
fn positions_taken_are_attributions() {
    let ps = run(
        "The senator endorsed the governor's trade plan on Tuesday.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "endorsed");
    assert_eq!(speaker_text(p), Some("The senator"));
    assert_eq!(p.content.text, "the governor's trade plan on Tuesday");
    assert!(p.explanation[0].contains("taking a position"));
    let ps = run(
        "Labour called on the government to publish the full text.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "called on");
    assert_eq!(speaker_text(p), Some("Labour"));
    assert_eq!(p.content.text, "the government to publish the full text");
    // A bare form after a determiner or a modifier is a noun, not a cue.
    let ps = run("The September attack changed the talks.", "2016-03-03");
    assert!(ps.is_empty(), "{ps:#?}");
    // Only speech verbs invert: "…, has endorsed Sen. Smith" has no speaker after the cue.
    let ps = run(
        "Jane Roe, a former adviser to the campaign, has endorsed Sen. Smith for president.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "has endorsed");
    assert_eq!(speaker_text(p), Some("Jane Roe"));
    assert_eq!(p.content.text, "Sen. Smith for president");
}

#[test]
fn evidentials_have_no_speaker() {
    let ps = run(
        "The agreement appears to be in serious trouble.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "appears");
    assert!(p.speaker.is_none());
    assert_eq!(
        p.content.text,
        "The agreement appears to be in serious trouble"
    );
    let ps = run(
        "The vote is expected to take place next month.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "is expected");
    assert!(p.speaker.is_none());
    assert_eq!(
        p.content.text,
        "The vote is expected to take place next month"
    );
}

#[test]
fn asked_opens_a_question_and_the_answer_follows() {
    let ps = run(
        "Asked whether the talks had stalled, the minister said they had not.",
        "2016-03-03",
    );
    let q = by_cue(&ps, "Asked");
    assert!(q.speaker.is_none());
    assert_eq!(q.content.text, "whether the talks had stalled");
    let a = by_cue(&ps, "said");
    assert_eq!(speaker_text(a), Some("the minister"));
    assert_eq!(a.content.text, "they had not");
}

#[test]
fn cue_nouns_with_a_possessor() {
    // (Inside another attribution's content a cue noun is not a second attribution.)
    let ps = run(
        "The ambassador's claim that tariffs would fall, made last week, drew little notice.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "claim");
    assert_eq!(speaker_text(p), Some("The ambassador's"));
    assert_eq!(p.content.text, "that tariffs would fall");
    let ps = run(
        "Her call for a second vote angered the party leadership.",
        "2016-03-03",
    );
    let p = by_cue(&ps, "call");
    assert_eq!(speaker_text(p), Some("Her"));
    assert_eq!(p.content.text, "a second vote angered the party leadership");
}

#[test]
fn as_x_reported_takes_the_main_clause() {
    let ps = run(
        "As the Financial Times reported, the steel deal has been shelved.",
        "2025-12-16",
    );
    let p = by_cue(&ps, "reported");
    assert_eq!(speaker_text(p), Some("the Financial Times"));
    assert_eq!(p.content.text, "the steel deal has been shelved");
}

#[test]
fn each_proposal_says_where_its_date_came_from() {
    use accord_ingest::DateBasis;
    let ps = run(
        "Downing Street said on Monday that the tech deal talks were active.",
        "2025-12-17",
    );
    assert_eq!(ps[0].date_basis, DateBasis::Text);
    let ps = run(
        "Downing Street said that the tech deal talks were active.",
        "2025-12-17",
    );
    assert_eq!(ps[0].date_basis, DateBasis::Publication);
    let ps = run(
        "Downing Street said that the tech deal talks were active.",
        "not a date",
    );
    assert_eq!(ps[0].date_basis, DateBasis::Fallback);
    assert!(!ps[0].date_basis.is_resolved());
    assert_eq!(ps[0].valid.to_string(), "1970-01-01");
    let json = serde_json::to_value(&ps[0]).expect("json");
    assert_eq!(json["date_basis"], "fallback");
}

#[test]
fn a_prepared_extractor_gives_what_extract_gives_and_titles_follow_the_day() {
    use accord_ingest::Extractor;
    let ds = ds();
    let ex = Extractor::new(&ds);
    let text = "The Technology Secretary said the tech deal talks were going well.";
    let party = |published: &str| {
        let doc = Document {
            text: text.to_string(),
            published: published.parse().ok(),
            ..Document::default()
        };
        let ps = ex.extract(&doc);
        assert_eq!(
            ps,
            extract(&doc, &ds),
            "the same as extract() on {published}"
        );
        ps.first()
            .and_then(|p| p.speaker.as_ref())
            .and_then(|s| s.party_id.clone())
    };
    // One extractor, documents of different days: the post's holder on each day.
    assert_eq!(party("2025-07-01").as_deref(), Some("kyle"));
    assert_eq!(party("2025-12-01").as_deref(), Some("kendall"));
    assert_eq!(party("2025-07-01").as_deref(), Some("kyle"));
}

fn content_of<'a>(ps: &'a [Proposal], cue: &str) -> &'a str {
    by_cue(ps, cue).content.text.as_str()
}

#[test]
fn a_title_with_a_full_stop_is_part_of_an_inverted_speaker() {
    let ps = run(
        "“The orchard needs rain,” said Mr. Okafor, a grower near the river.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "said");
    assert_eq!(speaker_text(p), Some("Mr. Okafor"));
    assert_eq!(p.content.text, "The orchard needs rain,");
    // A subject before the cue, and a clause after it that opens with a title: no
    // inversion ("said Mr.") but reported speech.
    let ps = run(
        "Ms. Brandt, whose firm sells pumps, said Mr. Okafor had paid on time.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "said");
    assert_eq!(speaker_text(p), Some("Ms. Brandt"));
    assert_eq!(p.content.text, "Mr. Okafor had paid on time");
    // A pronoun before an opening quotation is what was said, not an inverted speaker.
    let ps = run(
        "Ms. Brandt, in a note to staff on Friday, said he “never missed a payment.”",
        "2025-10-01",
    );
    assert_eq!(speaker_text(by_cue(&ps, "said")), Some("Ms. Brandt"));
}

#[test]
fn a_quotation_ending_the_sentence_before_its_named_speaker() {
    let ps = run(
        "The vote was close. “Who could have planned for this?” Okafor said.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "said");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(p.content.text, "Who could have planned for this?");
    assert_eq!(speaker_text(p), Some("Okafor"));
    // With a prepositional phrase after the cue, still the quotation.
    let ps = run(
        "“It will not last.” Brandt said of the truce on Monday.",
        "2025-10-01",
    );
    assert_eq!(content_of(&ps, "said"), "It will not last.");
    // But a reported clause after the cue is the content.
    let ps = run(
        "“It will not last.” Brandt said the truce was already failing.",
        "2025-10-01",
    );
    assert_eq!(content_of(&ps, "said"), "the truce was already failing");
}

#[test]
fn a_speakers_turn_in_a_transcript() {
    let text = "The interview was recorded on Monday.\n\nHOLLIS: We will keep the mills open through the winter. Nobody is leaving.\n\nNote: the transcript was edited for length.\n\nHollis: 12,000";
    let ps = run(text, "2025-10-01");
    let turns: Vec<&Proposal> = ps.iter().filter(|p| p.cue.text == ":").collect();
    assert_eq!(turns.len(), 1, "{turns:#?}");
    assert_eq!(speaker_text(turns[0]), Some("HOLLIS"));
    assert_eq!(
        turns[0].content.text,
        "We will keep the mills open through the winter. Nobody is leaving"
    );
}

#[test]
fn polls_and_surveys_as_sources() {
    let ps = run(
        "In a Harwell Institute survey released Monday, 41 percent of farmers said prices had fallen.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "In");
    assert_eq!(p.kind, ProposalKind::Report);
    assert_eq!(
        speaker_text(p),
        Some("a Harwell Institute survey released Monday")
    );
    assert_eq!(
        p.content.text,
        "41 percent of farmers said prices had fallen"
    );
    let ps = run(
        "The governor trails her rival by six points in the latest Fenwick poll.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "in");
    assert_eq!(speaker_text(p), Some("the latest Fenwick poll"));
    assert_eq!(
        p.content.text,
        "The governor trails her rival by six points"
    );
    // "in the polls" at large, and those taking part, are no source.
    for t in [
        "The governor trails her rival in the polls.",
        "Farmers in the survey were mostly from the north.",
    ] {
        assert!(
            run(t, "2025-10-01").iter().all(|p| p.cue.text != "in"),
            "{t}"
        );
    }
}

#[test]
fn more_speech_cue_forms() {
    // "continued" after a quotation, with a full stop.
    let ps = run(
        "“The harbour is full,” she continued. “We need a second pier.”",
        "2025-10-01",
    );
    assert_eq!(by_cue(&ps, "continued").kind, ProposalKind::Direct);
    // "went on to": the cue starts at "went".
    let ps = run(
        "The mayor went on to say that the pier would open in May.",
        "2025-10-01",
    );
    assert_eq!(
        content_of(&ps, "went on to say"),
        "that the pier would open in May"
    );
    // A named agent of a passive stance: "has been criticised by".
    let ps = run(
        "The pier plan has been criticized by the fishermen's guild.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "has been criticized by");
    assert_eq!(speaker_text(p), Some("the fishermen's guild"));
    assert_eq!(p.content.text, "The pier plan");
    // …but the person asked is not the asker's statement.
    let ps = run(
        "Hollis was asked by a reporter about the pier.",
        "2025-10-01",
    );
    assert!(ps.iter().all(|p| p.cue.text != "was asked by"));
    // "made it clear that", "made the case that".
    let ps = run(
        "The council made it clear that the pier would be built.",
        "2025-10-01",
    );
    assert_eq!(
        content_of(&ps, "made it clear"),
        "that the pier would be built"
    );
    assert!(run("The council made a decision.", "2025-10-01").is_empty());
    // A pronoun with a contracted auxiliary, and adverbs inside the cue.
    let ps = run(
        "He’s predicting that the pier will pay for itself.",
        "2025-10-01",
    );
    let p = by_cue(&ps, "predicting");
    assert_eq!(p.content.text, "that the pier will pay for itself");
    assert!(speaker_text(p).is_some_and(|s| s.starts_with("He")));
    let ps = run(
        "The harbour board now says the pier will cost more.",
        "2025-10-01",
    );
    assert_eq!(
        speaker_text(by_cue(&ps, "now says")),
        Some("The harbour board")
    );
}

#[test]
fn a_colon_ending_the_paragraph_introduces_the_quotation_after_it() {
    let ps = run(
        "The co-operative said in a statement:\n\n“We will not sell the mill. Our members voted against it.”",
        "2025-10-01",
    );
    let p = by_cue(&ps, "said in a statement");
    assert_eq!(p.kind, ProposalKind::Direct);
    assert_eq!(
        p.content.text,
        "We will not sell the mill. Our members voted against it."
    );
    // A name before a colon and a quotation inside a sentence.
    let ps = run(
        "Growers were split on Tuesday - Ada Quill: “The price is fair.”",
        "2025-10-01",
    );
    let p = by_cue(&ps, ":");
    assert_eq!(speaker_text(p), Some("Ada Quill"));
    assert_eq!(p.content.text, "The price is fair.");
}

#[test]
fn after_the_cue_a_time_or_another_cue_is_not_what_was_said() {
    let ps = run(
        "The ferry had run late for a week, the operator said Thursday.",
        "2025-10-02",
    );
    assert_eq!(content_of(&ps, "said"), "The ferry had run late for a week");
    let ps = run(
        "The ferry will be sold in spring, the Gazette reported, citing two managers.",
        "2025-10-02",
    );
    assert_eq!(
        content_of(&ps, "reported"),
        "The ferry will be sold in spring"
    );
    let ps = run(
        "The union will sit out the vote, its director Phil Smyth told the Gazette last week.",
        "2025-10-02",
    );
    assert_eq!(
        content_of(&ps, "told the Gazette"),
        "The union will sit out the vote"
    );
    // Without a clause before either, nothing was said in the sentence.
    assert!(run("The operator said Thursday.", "2025-10-02").is_empty());
    // A reported clause after the recipient stays the content.
    let ps = run(
        "In Leeds, Smyth told reporters the deal was dead.",
        "2025-10-02",
    );
    assert_eq!(content_of(&ps, "told reporters"), "the deal was dead");
}

#[test]
fn headlines_in_title_case_and_as_reported_by() {
    let ps = run("Minister Says Ferry Talks Will Resume In May", "2025-10-02");
    let p = by_cue(&ps, "Says");
    assert_eq!(speaker_text(p), Some("Minister"));
    assert_eq!(p.content.text, "Ferry Talks Will Resume In May");
    let ps = run(
        "As reported by the Gazette, the ferry will be sold in spring.",
        "2025-10-02",
    );
    let p = by_cue(&ps, "As reported by");
    assert_eq!(speaker_text(p), Some("the Gazette"));
    assert_eq!(p.content.text, "the ferry will be sold in spring");
    let ps = run("She called it a “reckless gamble” on Monday.", "2025-10-02");
    assert_eq!(
        by_cue(&ps, "called").content.text,
        "it a “reckless gamble” on Monday"
    );
    assert!(run("The board called it quits in May.", "2025-10-02").is_empty());
}

#[test]
fn speakers_with_descriptions_and_poll_respondents() {
    let ps = run(
        "Senator Ann Roe, the Ohio Republican who leads the farm committee, which oversees the subsidies, said the bill was dead.",
        "2025-10-02",
    );
    assert_eq!(speaker_text(by_cue(&ps, "said")), Some("Senator Ann Roe"));
    let ps = run(
        "Mr. Pike, whose latest company, Fieldwork, sells seed, said the rules were unclear.",
        "2025-10-02",
    );
    assert_eq!(speaker_text(by_cue(&ps, "said")), Some("Mr. Pike"));
    // A place opening the sentence is no speaker.
    let ps = run(
        "In Dayton, a town that voted twice for him, the mayor said the plant would stay.",
        "2025-10-02",
    );
    assert_eq!(speaker_text(by_cue(&ps, "said")), Some("the mayor"));
    let ps = run(
        "By wide margins, those surveyed say the ferry should stay public.",
        "2025-10-02",
    );
    assert_eq!(speaker_text(by_cue(&ps, "say")), Some("those surveyed"));
}
