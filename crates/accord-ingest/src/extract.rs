//! The extraction rules: from a document's text to proposed claims.
//!
//! The pipeline, each step explainable:
//! 1. layout: tokens, paragraphs, sentences, quotations (`text.rs`);
//! 2. mentions of the dataset's items everywhere (names, aliases, "the talks", sectors,
//!    amounts of money), which also give the running context;
//! 3. cues in each sentence outside quotations: speech verbs with their auxiliaries and
//!    recipients ("has affirmed", "told the BBC"), "according to", "declined to comment",
//!    "did not respond", "it is understood", "has learned", "the report … emerged from";
//! 4. for each cue, the speaker's words (subject before the cue, skipping appositives and
//!    relative clauses; after the cue when inverted; the earlier subject for "…, stating")
//!    and the content (the quotation it introduces or closes, split quotes joined, or the
//!    reported clause);
//! 5. speaker resolution in document order: dataset names, aliases, post titles, surnames;
//!    pronouns and "the spokesperson" back to the last fitting speaker; names of people not
//!    in the dataset kept as names;
//! 6. the item (content first, then the sentence, then context; conditions such as "once
//!    the UK has …" do not make an item the topic), the status through the vocabulary with
//!    the original wording kept, and the valid date.

use std::ops::Range;

use accord_model::{
    Asserts, Channel, Dataset, FuzzyDate, InstrumentKind, ItemKind, PartyKind, Vocabulary,
};
use jiff::civil::Date;

use crate::dates::{self, TimeExpr};
use crate::lexicon::*;
use crate::matcher::{Matchers, find_hits, money_at, month_of};
use crate::text::{self, CharMap, Quote, TK, Tok};
use crate::{DateBasis, Document, ItemMatch, Proposal, ProposalKind, SpanText, SpeakerGuess};

/// The layout of a document, shared by the rules.
struct Doc<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    sents: Vec<Range<usize>>,
    /// Token ranges of sentences.
    sent_toks: Vec<Range<usize>>,
    /// Sentence → paragraph.
    sent_para: Vec<usize>,
    /// Token → sentence.
    tok_sent: Vec<usize>,
    quotes: Vec<Quote>,
    /// Per token: the quotation it lies inside (marks included), if any.
    in_quote: Vec<Option<usize>>,
    cmap: CharMap,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str) -> Doc<'a> {
        let toks = text::tokenize(text);
        let paras = text::paragraphs(text);
        let sents = text::sentences(text, &toks, &paras);
        let quotes = text::quotes(text, &paras);
        let mut sent_toks = Vec::with_capacity(sents.len());
        let mut ti = 0;
        for s in &sents {
            while ti < toks.len() && toks[ti].s < s.start {
                ti += 1;
            }
            let a = ti;
            while ti < toks.len() && toks[ti].e <= s.end {
                ti += 1;
            }
            sent_toks.push(a..ti);
        }
        let sent_para = sents
            .iter()
            .map(|s| {
                paras
                    .iter()
                    .position(|p| p.start <= s.start && s.start < p.end)
                    .unwrap_or(0)
            })
            .collect();
        let mut tok_sent = vec![0; toks.len()];
        for (si, r) in sent_toks.iter().enumerate() {
            for t in tok_sent.iter_mut().take(r.end).skip(r.start) {
                *t = si;
            }
        }
        let mut in_quote = vec![None; toks.len()];
        let mut qi = 0;
        for (i, t) in toks.iter().enumerate() {
            while qi < quotes.len() && quotes[qi].close_end <= t.s {
                qi += 1;
            }
            if let Some(q) = quotes.get(qi)
                && q.open <= t.s
                && t.e <= q.close_end
            {
                in_quote[i] = Some(qi);
            }
        }
        Doc {
            text,
            cmap: CharMap::new(text),
            toks,
            sents,
            sent_toks,
            sent_para,
            tok_sent,
            quotes,
            in_quote,
        }
    }

    fn span(&self, r: Range<usize>) -> SpanText {
        let r = r.start.min(self.text.len())
            ..r.end.min(self.text.len()).max(r.start.min(self.text.len()));
        SpanText {
            start: self.cmap.char_at(r.start),
            end: self.cmap.char_at(r.end),
            text: self.text.get(r).unwrap_or("").to_string(),
        }
    }

    fn tok_span(&self, first: usize, last: usize) -> Range<usize> {
        let s = self.toks.get(first).map(|t| t.s).unwrap_or(0);
        let e = self.toks.get(last).map(|t| t.e).unwrap_or(s);
        s..e.max(s)
    }

    fn words(&self, first: usize, last: usize) -> String {
        let r = self.tok_span(first, last);
        self.text.get(r).unwrap_or("").to_string()
    }

    fn low(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.low.as_str()).unwrap_or("")
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TK::Word)
    }

    fn cap(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == TK::Word && t.is_capitalised(self.text))
    }

    fn is_quote_tok(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| {
            t.kind == TK::Punct
                && (text::is_quote_mark(self.text[t.s..].chars().next().unwrap_or(' '))
                    || self
                        .in_quote
                        .get(i)
                        .copied()
                        .flatten()
                        .and_then(|q| self.quotes.get(q))
                        .is_some_and(|q| q.is_mark(t.s, t.e)))
        })
    }

    /// The token index of the first token starting at or after byte `b`.
    fn tok_at(&self, b: usize) -> usize {
        self.toks.partition_point(|t| t.s < b)
    }
}

/// Who the speaker words are, before resolution.
#[derive(Debug, Clone)]
struct NpRef {
    first: usize,
    last: usize,
    /// An appositive name: "Nvidia's CEO, Jensen Huang,".
    name: Option<(usize, usize)>,
}

/// Where the speaker comes from.
#[derive(Debug, Clone)]
enum Who {
    Np(NpRef),
    /// The same speaker as an earlier attribution (by its `id`), for "…, stating that".
    SameAs(usize),
    /// The publisher of the document ("it is understood").
    Publisher,
    /// No source in the text: an evidential ("seems to", "is expected to") or a question put
    /// by unnamed askers ("Asked whether …, she said …").
    Nobody,
}

/// An attribution found by the rules, before speakers and items are resolved.
#[derive(Debug, Clone)]
struct Raw {
    /// Creation order, for [`Who::SameAs`].
    id: usize,
    kind: ProposalKind,
    cue: (usize, usize),
    who: Who,
    content: Range<usize>,
    quotes: Vec<usize>,
    channel: Option<Channel>,
    sent: usize,
    base: f64,
    why: Vec<String>,
    stance: bool,
}

/// A resolved speaker, kept for pronouns and back references.
#[derive(Debug, Clone)]
struct Resolved {
    guess: SpeakerGuess,
    person: bool,
    head: String,
}

/// An item mention in the text.
#[derive(Debug, Clone)]
struct Mention {
    first: usize,
    last: usize,
    /// Candidate items with scores; empty for a generic reference ("the deal").
    ids: Vec<(String, f64)>,
    via: &'static str,
    generic: Option<Generic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Generic {
    Deal,
    Talks,
    Pledge,
}

const DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my",
    "your", "any", "no", "each", "every", "some", "new", "initial", "first", "latest", "recent",
    "joint", "official", "brief", "written", "public", "his", "whose",
];

const BE: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

const RECIPIENT_NOUNS: &[&str] = &[
    "programme",
    "program",
    "show",
    "newspaper",
    "channel",
    "podcast",
    "radio",
    "reporters",
    "journalists",
    "me",
    "us",
    "him",
    "her",
    "them",
    "lawmakers",
    "senators",
    "supporters",
    "audience",
    "crowd",
    "rally",
    "conference",
    "interviewer",
    "correspondent",
    "broadcaster",
    "parliament",
    "mps",
    "committee",
    "peers",
    "members",
    "viewers",
    "listeners",
    "readers",
];

/// Extracts proposed claims from a document, against a dataset. Prepares the dataset for
/// every call: to extract from many documents, build an [`Extractor`] once.
pub fn extract(doc: &Document, ds: &Dataset) -> Vec<Proposal> {
    Extractor::new(ds).extract(doc)
}

/// A dataset prepared for extraction: its names, aliases and titles of posts as patterns
/// indexed by their first word, and its status vocabulary. Built once per dataset, it
/// extracts from any number of documents ([`Extractor::extract`]); the titles of posts are
/// checked against each document's publication day as they match.
pub struct Extractor<'a> {
    ds: &'a Dataset,
    m: Matchers,
    vocab: Vocabulary,
}

impl<'a> Extractor<'a> {
    /// Prepares `ds` for extraction.
    pub fn new(ds: &'a Dataset) -> Extractor<'a> {
        Extractor {
            ds,
            m: Matchers::new(ds),
            vocab: ds.vocabulary(),
        }
    }

    /// Extracts proposed claims from a document: the same as [`extract`] with this
    /// extractor's dataset.
    pub fn extract(&self, doc: &Document) -> Vec<Proposal> {
        extract_with(doc, self.ds, &self.m, &self.vocab)
    }
}

fn extract_with(doc: &Document, ds: &Dataset, m: &Matchers, vocab: &Vocabulary) -> Vec<Proposal> {
    let d = Doc::new(&doc.text);
    let mentions = find_mentions(&d, m, doc.published);
    let mut raws = Vec::new();
    for si in 0..d.sents.len() {
        find_cues(&d, si, &mut raws);
    }
    for (k, r) in raws.iter_mut().enumerate() {
        r.id = k;
    }
    continuation_quotes(&d, &mut raws);
    // Attributions inside the content of another: a coordinated one ("…, but the
    // Conservatives said …") ends the first one's content; a nested one ("said it wanted
    // …") is dropped — each word belongs to at most one attribution.
    let mut drop = vec![false; raws.len()];
    for b in 0..raws.len() {
        let b_start = match &raws[b].who {
            Who::Np(np) => np.first.min(raws[b].cue.0),
            _ => raws[b].cue.0,
        };
        let b_byte = d.toks.get(b_start).map(|t| t.s).unwrap_or(0);
        for a in 0..b {
            if drop[a]
                || raws[a].sent != raws[b].sent
                || raws[a].cue == raws[b].cue
                || !raws[a].content.contains(&b_byte)
            {
                continue;
            }
            let conj = b_start > 0
                && matches!(
                    d.low(b_start - 1),
                    "but" | "and" | "while" | "whereas" | "yet"
                );
            let semi = b_start > 0 && d.toks[b_start - 1].is_punct(';');
            if conj || semi {
                let cut = if semi || !d.toks[b_start - 2].is_punct(',') {
                    b_start - 1
                } else {
                    b_start - 2
                };
                let end = d.toks[cut].s;
                let start = raws[a].content.start;
                raws[a].content = trim_range(&d, start..end.max(start));
                let keep_q: Vec<usize> = raws[a]
                    .quotes
                    .iter()
                    .copied()
                    .filter(|q| d.quotes[*q].inner.end <= end)
                    .collect();
                raws[a].quotes = keep_q;
            } else {
                drop[b] = true;
            }
        }
    }
    let raws: Vec<Raw> = raws
        .into_iter()
        .zip(drop)
        .filter(|(_, x)| !x)
        .map(|(r, _)| r)
        .collect();
    // Drop attributions whose content is the same text as an earlier, stronger one.
    let mut keep: Vec<Raw> = Vec::new();
    for r in raws {
        if r.content.is_empty() {
            continue;
        }
        if let Some(k) = keep
            .iter_mut()
            .find(|k| k.content == r.content && k.kind == r.kind && same_who(k, &r))
        {
            if r.base > k.base {
                *k = r;
            }
            continue;
        }
        keep.push(r);
    }
    let raws = keep;
    let article_key = doc.content_key();
    let publisher_party = doc
        .publisher
        .as_deref()
        .and_then(|p| resolve_name(p, m, doc.published));
    let mut speakers: std::collections::HashMap<usize, Option<Resolved>> =
        std::collections::HashMap::new();
    let mut history: Vec<Resolved> = Vec::new();
    // People the dataset knows, named near the start of a sentence (its subject), also
    // count as "the last named person" for pronouns.
    let mut person_mentions: Vec<(usize, Resolved)> = Vec::new();
    for tr in &d.sent_toks {
        let hi = (tr.start + 8).min(tr.end);
        for h in find_hits(d.text, &d.toks, tr.start..hi, &m.parties, doc.published) {
            if m.party_kind(&h.pat.id) == Some(PartyKind::Person) && d.in_quote[h.first].is_none() {
                let sp = d.span(d.tok_span(h.first, h.last));
                person_mentions.push((
                    h.first,
                    Resolved {
                        guess: SpeakerGuess {
                            text: sp.text.clone(),
                            span: sp,
                            party_id: Some(h.pat.id.clone()),
                            candidates: vec![(h.pat.id.clone(), 0.9)],
                            name: ds.name_of(&h.pat.id).map(str::to_string),
                            antecedent: None,
                            confidence: 0.9,
                        },
                        person: true,
                        head: String::new(),
                    },
                ));
            }
        }
    }
    // Names the dataset does not know, opening a sentence: "Liam Bates is UK managing
    // director …".
    for tr in &d.sent_toks {
        let (a, b) = (tr.start, tr.start + 1);
        if b + 1 < tr.end
            && d.cap(a)
            && d.cap(b)
            && !TITLES.contains(&d.low(a))
            && !d.low(b).ends_with("'s")
            && matches!(
                d.low(b + 1),
                "is" | "was" | "has" | "had" | "said" | "says" | "told" | ","
            )
            && find_hits(d.text, &d.toks, a..b + 1, &m.parties, doc.published).is_empty()
            && d.in_quote[a].is_none()
        {
            let sp = d.span(d.tok_span(a, b));
            person_mentions.push((
                a,
                Resolved {
                    guess: SpeakerGuess {
                        text: sp.text.clone(),
                        name: Some(sp.text.clone()),
                        span: sp,
                        party_id: None,
                        candidates: Vec::new(),
                        antecedent: None,
                        confidence: 0.7,
                    },
                    person: true,
                    head: String::new(),
                },
            ));
        }
    }
    person_mentions.sort_by_key(|x| x.0);
    let mut pm = 0;
    let mut anchors = Anchors::default();
    let mut out = Vec::new();
    for (ri, r) in raws.iter().enumerate() {
        let mut why = r.why.clone();
        while pm < person_mentions.len() && person_mentions[pm].0 < r.cue.0 {
            history.push(person_mentions[pm].1.clone());
            pm += 1;
        }
        let speaker = match &r.who {
            Who::Np(np) => resolve_speaker(&d, m, np, &history, doc.published, &mut why),
            Who::SameAs(j) => speakers.get(j).cloned().flatten().map(|mut s| {
                why.push(format!("speaker: the same as the attribution before (`{}`)", s.guess.text));
                s.guess.confidence = (s.guess.confidence * 0.9 * 100.0).round() / 100.0;
                s
            }),
            Who::Nobody => None,
            Who::Publisher => doc.publisher.as_ref().map(|p| {
                why.push(format!("speaker: the publisher `{p}`, whose understanding an unattributed \"it is understood\" reports"));
                let cue = d.tok_span(r.cue.0, r.cue.1);
                Resolved {
                    guess: SpeakerGuess {
                        text: p.clone(),
                        span: d.span(cue),
                        party_id: publisher_party.clone(),
                        candidates: publisher_party.iter().map(|x| (x.clone(), 0.6)).collect(),
                        name: None,
                        antecedent: None,
                        confidence: 0.6,
                    },
                    person: false,
                    head: String::new(),
                }
            }),
        };
        if let Some(s) = &speaker
            && matches!(r.who, Who::Np(_))
            && s.guess.antecedent.is_none()
        {
            history.push(s.clone());
        } else if let Some(s) = &speaker
            && matches!(r.who, Who::Np(_))
        {
            // A pronoun keeps the chain going with the same referent.
            history.push(s.clone());
        }
        speakers.insert(r.id, speaker.clone());
        let _ = ri;
        let content = d.span(r.content.clone());
        for q in r.quotes.iter().filter_map(|q| d.quotes.get(*q)) {
            if q.multi_paragraph {
                why.push("quotation: runs over a paragraph break (left open, reopened)".into());
            }
            if !q.closed {
                why.push("quotation: no closing mark; ended at the paragraph".into());
            }
            if q.single {
                why.push("quotation: in single marks".into());
            }
        }
        let quote_parts: Vec<SpanText> = r
            .quotes
            .iter()
            .filter_map(|q| d.quotes.get(*q))
            .map(|q| d.span(q.inner.clone()))
            .collect();
        let sp_party = speaker.as_ref().and_then(|s| s.guess.party_id.clone());
        let (item, status, value) =
            choose_item(&d, m, vocab, &mentions, r, sp_party.as_deref(), &mut why);
        let asserts = match r.kind {
            ProposalKind::DeclinedToComment => Asserts::DeclinedToComment,
            ProposalKind::NoResponse => Asserts::NoResponse,
            _ if status.is_some() => Asserts::Status,
            _ => Asserts::Statement,
        };
        let (valid, valid_text, date_basis) =
            valid_date(&d, m, doc.published, r, &mentions, &mut anchors, &mut why);
        let channel = r.channel.or_else(|| {
            speaker
                .as_ref()
                .and_then(|s| s.guess.party_id.as_ref())
                .and_then(|p| m.party_kind(p))
                .and_then(|k| (k == PartyKind::Outlet).then_some(Channel::Report))
        });
        let kind = match r.kind {
            ProposalKind::Indirect | ProposalKind::Direct
                if speaker
                    .as_ref()
                    .and_then(|s| s.guess.party_id.as_ref())
                    .and_then(|p| m.party_kind(p))
                    == Some(PartyKind::Outlet) =>
            {
                ProposalKind::Report
            }
            k => k,
        };
        let sp_conf = speaker.as_ref().map(|s| s.guess.confidence).unwrap_or(0.4);
        let it_conf = item.as_ref().map(|i| i.confidence).unwrap_or(0.3);
        let mut conf = r.base * (0.4 + 0.6 * sp_conf) * (0.7 + 0.3 * it_conf);
        if r.stance {
            conf *= 0.8;
        }
        let conf = (conf * 100.0).round() / 100.0;
        let mut p = Proposal {
            kind,
            quote: quote_parts.first().cloned(),
            quote_parts,
            content,
            speaker: speaker.map(|s| s.guess),
            cue: d.span(d.tok_span(r.cue.0, r.cue.1)),
            channel,
            item,
            asserts,
            value,
            status,
            valid: valid.unwrap_or_else(|| FuzzyDate::day(Date::constant(1970, 1, 1))),
            valid_from_text: valid_text,
            date_basis,
            confidence: conf,
            explanation: why,
            dedup_key: String::new(),
        };
        if valid.is_none() {
            p.explanation.push("valid date: unknown (no publication date and no written date); set to 1970-01-01 for a person to correct".into());
            p.confidence = (p.confidence * 0.5 * 100.0).round() / 100.0;
        }
        p.dedup_key = p.compute_dedup_key(&article_key);
        out.push(p);
    }
    out
}

fn same_who(a: &Raw, b: &Raw) -> bool {
    match (&a.who, &b.who) {
        (Who::Np(x), Who::Np(y)) => x.first == y.first && x.last == y.last,
        _ => true,
    }
}

/// A party id for a publisher's name ("BBC News" → `bbc`).
fn resolve_name(name: &str, m: &Matchers, on: Option<Date>) -> Option<String> {
    let toks = text::tokenize(name);
    let hits = find_hits(name, &toks, 0..toks.len(), &m.parties, on);
    hits.into_iter()
        .max_by_key(|h| h.last - h.first)
        .map(|h| h.pat.id.clone())
}

// ---------------------------------------------------------------- cues

fn find_cues(d: &Doc, si: usize, out: &mut Vec<Raw>) {
    let r = d.sent_toks[si].clone();
    colon_attribution(d, si, out);
    let mut i = r.start;
    while i < r.end {
        if d.in_quote[i].is_some() || !d.is_word(i) {
            i += 1;
            continue;
        }
        let before = out.len();
        let next = try_cue(d, si, i, out);
        i = if out.len() > before {
            next.max(i + 1)
        } else {
            i + 1
        };
    }
    named_colon_quote(d, si, out);
}

/// `… - Jane Roe: “…”`, `More from Roe: “…”`: a name (up to four capitalised words) right
/// before a colon inside the sentence, and a quotation opening after it that no other cue
/// has taken.
fn named_colon_quote(d: &Doc, si: usize, out: &mut Vec<Raw>) {
    let r = d.sent_toks[si].clone();
    for colon in r.start + 1..r.end.saturating_sub(1) {
        if !d.toks[colon].is_punct(':') || d.in_quote[colon].is_some() {
            continue;
        }
        let k = colon + 1;
        let Some(qi) = d.in_quote[k].filter(|q| d.quotes[*q].open == d.toks[k].s) else {
            continue;
        };
        if out
            .iter()
            .any(|x| x.quotes.contains(&qi) || x.content.contains(&d.quotes[qi].inner.start))
        {
            continue;
        }
        // The name: capitalised words (initials and hyphens inside) back from the colon.
        let mut first = colon;
        while first > r.start
            && colon - first < 6
            && (d.cap(first - 1)
                || (d.toks[first - 1].is_punct('.') && first >= r.start + 2 && d.cap(first - 2)))
        {
            first -= 1;
        }
        let words = (first..colon).filter(|x| d.is_word(*x)).count();
        if first == colon || words > 4 || first == r.start {
            // At the sentence's start the colon rule decides.
            continue;
        }
        // After a dash, "from", "by" or a comma: not the end of a longer capitalised title.
        let lead = d.low(first - 1);
        if !(matches!(
            lead,
            "-" | "—" | "–" | "from" | "by" | "," | "says" | "writes"
        )) {
            continue;
        }
        let np = NpRef {
            first,
            last: colon - 1,
            name: None,
        };
        if !plausible_speaker(d, &np)
            || (first..colon).any(|x| TURN_NOT_SPEAKER.contains(&d.low(x)))
        {
            continue;
        }
        out.push(Raw {
            id: 0,
            kind: ProposalKind::Direct,
            cue: (colon, colon),
            who: Who::Np(np),
            content: d.quotes[qi].inner.clone(),
            quotes: vec![qi],
            channel: None,
            sent: si,
            base: 0.65,
            why: vec!["cue: a colon after a name, before a quotation".to_string()],
            stance: false,
        });
    }
}

/// "President Trump: “…”" and headlines such as "Lynch: No outside influence …": a name
/// at the start of a sentence, a colon, and what was said.
fn colon_attribution(d: &Doc, si: usize, out: &mut Vec<Raw>) {
    let r = d.sent_toks[si].clone();
    let Some(colon) = (r.start..(r.start + 8).min(r.end))
        .find(|k| d.toks[*k].is_punct(':') && d.in_quote[*k].is_none())
    else {
        return;
    };
    if colon == r.start || colon + 1 >= r.end {
        return;
    }
    let np = NpRef {
        first: r.start,
        last: colon - 1,
        name: None,
    };
    let all_words = (np.first..=np.last)
        .all(|k| d.is_word(k) || d.toks[k].is_punct('.') || d.toks[k].is_punct('-'));
    let has_verb = (np.first..=np.last).any(|k| verb_form(d.low(k)).is_some() && !d.cap(k));
    if !all_words
        || has_verb
        || !(np.first..=np.last).any(|k| d.cap(k))
        || !plausible_speaker(d, &np)
    {
        return;
    }
    let k = colon + 1;
    let (content, quotes, kind, base) = match d.in_quote[k] {
        Some(qi) if d.quotes[qi].open == d.toks[k].s => (
            d.quotes[qi].inner.clone(),
            vec![qi],
            ProposalKind::Direct,
            0.75,
        ),
        _ if si == 0 => {
            // A headline's kicker ("BREAKING: …", "The Latest: …") names no speaker.
            if (np.first..=np.last)
                .any(|x| TURN_NOT_SPEAKER.contains(&d.low(x)) && d.low(x) != "the")
            {
                return;
            }
            let c = trim_range(d, d.toks[k].s..content_end(d, si));
            let q = quotes_in(d, &c);
            (c, q, ProposalKind::Indirect, 0.55)
        }
        // A speaker's turn in a transcript: "SMITH: Well, we will see." opening a
        // paragraph; what was said runs to the paragraph's end.
        _ if turn_label(d, si, &np) => {
            let para = d.sent_para[si];
            let mut last = si;
            while last + 1 < d.sents.len() && d.sent_para[last + 1] == para {
                last += 1;
            }
            let c = trim_range(d, d.toks[k].s..content_end(d, last));
            // A turn says something: a clause of a few words, not a figure or a slogan in
            // a list ("Smith: 1,234", "Jones: Finish second").
            let end_tok = d.tok_at(c.end);
            let words = (k..end_tok).filter(|x| d.is_word(*x)).count();
            if words < 5 || d.low(k).starts_with(|ch: char| ch.is_ascii_digit()) {
                return;
            }
            let q = quotes_in(d, &c);
            (c, q, ProposalKind::Indirect, 0.6)
        }
        _ => return,
    };
    if content.is_empty() {
        return;
    }
    let why = vec!["cue: a colon after a name at the start of the sentence".to_string()];
    out.push(Raw {
        id: 0,
        kind,
        cue: (colon, colon),
        who: Who::Np(np),
        content,
        quotes,
        channel: None,
        sent: si,
        base,
        why,
        stance: false,
    });
}

/// Whether the words before a colon that opens a paragraph name a speaker's turn in a
/// transcript ("SMITH", "Mr. Jones", "Jane Roe"): up to four capitalised words, not a label
/// such as "Note" or "Update".
fn turn_label(d: &Doc, si: usize, np: &NpRef) -> bool {
    let opens_para = si == 0 || d.sent_para[si - 1] != d.sent_para[si];
    let words: Vec<usize> = (np.first..=np.last).filter(|k| d.is_word(*k)).collect();
    opens_para
        && !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|k| d.cap(*k))
        && !words.iter().any(|k| TURN_NOT_SPEAKER.contains(&d.low(*k)))
}

/// Words that open a paragraph with a colon without naming a speaker.
const TURN_NOT_SPEAKER: &[&str] = &[
    "note",
    "notes",
    "update",
    "updated",
    "correction",
    "photo",
    "photos",
    "video",
    "image",
    "caption",
    "credit",
    "source",
    "sources",
    "related",
    "read",
    "watch",
    "listen",
    "see",
    "more",
    "editor's",
    "editors",
    "disclosure",
    "disclaimer",
    "warning",
    "example",
    "question",
    "answer",
    "summary",
    "background",
    "abstract",
    "transcript",
    "clip",
    "audio",
    "date",
    "time",
    "location",
    "where",
    "when",
    "what",
    "why",
    "how",
    "who",
    "tags",
    "topics",
    "subject",
    "re",
    "fw",
    "ps",
    "p.s.",
    "bottom",
    "top",
    "first",
    "second",
    "third",
    "next",
    "previously",
    "also",
    "plus",
    "bonus",
    "breaking",
    "exclusive",
    "live",
    "poll",
    "polls",
    "survey",
    "chart",
    "graphic",
    "map",
    "table",
    "figure",
    "total",
    "votes",
    "results",
    "the",
    "a",
    "an",
    "this",
    "that",
    "q",
    "email",
    "e-mail",
    "contact",
    "paid",
    "latest",
    "breaking",
    "revealed",
    "look",
    "boom",
    "spoiler",
    "byline",
    "contributing",
    "by",
    "opinion",
    "analysis",
    "editorial",
    "review",
    "interview",
    "podcast",
    "newsletter",
    "report",
    "alert",
    "developing",
    "just",
];

/// A paragraph that is only a quotation, right after a direct quotation, continues it:
/// the same speaker and cue (White House fact sheets list a speaker's quotes this way).
fn continuation_quotes(d: &Doc, raws: &mut Vec<Raw>) {
    let paras = text::paragraphs(d.text);
    for (qi, q) in d.quotes.iter().enumerate() {
        if raws
            .iter()
            .any(|r| r.quotes.contains(&qi) || r.content.contains(&q.inner.start))
        {
            continue;
        }
        let only_punct = |t: &str| {
            t.trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '”' | '"'))
                .is_empty()
        };
        // A paragraph that is only the quotation, after a paragraph with a direct quotation;
        // or a sentence that is only the quotation, after a sentence of the same paragraph
        // with an attribution (`"…," she said. "…"`).
        let since = if let Some(pi) = paras.iter().position(|p| p.start == q.open) {
            let p = &paras[pi];
            if pi == 0 || !only_punct(d.text.get(q.close_end..p.end).unwrap_or("x")) {
                continue;
            }
            Some((paras[pi - 1].start, true))
        } else {
            let first = d.tok_at(q.open);
            let si = d.tok_sent.get(first).copied().unwrap_or(0);
            let last = d.tok_at(q.close_end).saturating_sub(1);
            let sl = d.tok_sent.get(last).copied().unwrap_or(0);
            let sentence_only = d.sents.get(si).is_some_and(|s| s.start == q.open)
                && si > 0
                && d.sent_para[si - 1] == d.sent_para[si]
                && d.sents
                    .get(sl)
                    .is_some_and(|s| only_punct(d.text.get(q.close_end..s.end).unwrap_or("x")));
            sentence_only.then(|| (d.sents[si - 1].start, false))
        };
        let Some((prev_start, para_level)) = since else {
            continue;
        };
        // The attribution just before.
        let Some(j) = raws
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.content.end <= q.open
                    && r.content.end >= prev_start
                    && (r.kind == ProposalKind::Direct
                        || (!para_level && r.content.start >= prev_start))
            })
            .max_by_key(|(_, r)| r.content.end)
            .map(|(j, _)| j)
        else {
            continue;
        };
        if !para_level {
            // One statement: the quotation joins the attribution before it.
            let r = &mut raws[j];
            r.quotes.push(qi);
            r.content = r.content.start..q.inner.end;
            r.why.push(
                "content: a sentence that is only a quotation continues the statement before it"
                    .into(),
            );
            continue;
        }
        let base = &raws[j];
        let sent = d
            .tok_sent
            .get(d.tok_at(q.open))
            .copied()
            .unwrap_or(base.sent);
        let mut why = base.why.clone();
        why.push("content: a paragraph that is only a quotation continues the quotation before it (same speaker and cue)".into());
        let id = raws.len();
        raws.push(Raw {
            id,
            kind: ProposalKind::Direct,
            cue: base.cue,
            who: Who::SameAs(raws[j].id),
            content: q.inner.clone(),
            quotes: vec![qi],
            channel: base.channel,
            sent,
            base: base.base - 0.2,
            why,
            stance: false,
        });
    }
    raws.sort_by_key(|r| r.content.start);
}

/// Tries the rules at token `i`; returns the token after the cue when one fired.
fn try_cue(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> usize {
    let r = d.sent_toks[si].clone();
    let w = d.low(i);
    let at_start = i == r.start;
    // "according to NP"
    if w == "according" && d.low(i + 1) == "to" {
        return according_to(d, si, i, out);
    }
    if let Some(n) = no_response(d, si, i, out) {
        return n;
    }
    if let Some(n) = declined(d, si, i, out) {
        return n;
    }
    if let Some(n) = understood(d, si, i, out) {
        return n;
    }
    if let Some(n) = report_noun(d, si, i, out) {
        return n;
    }
    if let Some(n) = evidential(d, si, i, out) {
        return n;
    }
    if let Some(n) = poll_in(d, si, i, out) {
        return n;
    }
    if let Some(n) = noun_cue(d, si, i, out) {
        return n;
    }
    if let Some(n) = asked(d, si, i, out) {
        return n;
    }
    if w == "issued" || w == "issues" {
        return i + 1;
    }
    let Some(vf) = verb_form(w) else {
        return i + 1;
    };
    // A capitalised cue word is a name ("Tell City"), except in a headline written in title
    // case ("Minister Says Talks Will Resume").
    if at_start
        || (d.cap(i)
            && i > r.start
            && !(title_case(d, si)
                && matches!(
                    vf.base,
                    "say"
                        | "tell"
                        | "warn"
                        | "claim"
                        | "insist"
                        | "admit"
                        | "deny"
                        | "announce"
                        | "vow"
                        | "urge"
                        | "predict"
                        | "suggest"
                        | "argue"
                )))
    {
        return i + 1;
    }
    // Auxiliaries and adverbs before the verb belong to the cue ("has said", "also told",
    // "had previously expressed", "further emphasized").
    let mut cs = i;
    while cs > r.start
        && d.in_quote[cs - 1].is_none()
        && (CUE_AUX.contains(&d.low(cs - 1))
            || BE.contains(&d.low(cs - 1))
            || (d.low(cs - 1).ends_with("ly") && !d.cap(cs - 1) && d.is_word(cs - 1)))
    {
        cs -= 1;
    }
    let prev = if cs > r.start { d.low(cs - 1) } else { "" };
    // "he's predicting", "they're saying": a pronoun and an auxiliary in one token.
    let contracted =
        cs > r.start && contracted_pronoun(prev).is_some() && d.in_quote[cs - 1].is_none();
    // Nouns: "a state visit", "the report", "his statement", "the UK's stated ambitions".
    if cs > r.start
        && !contracted
        && (DETERMINERS.contains(&prev) || prev.ends_with("'s") || prev.ends_with("s'"))
    {
        return i + 1;
    }
    // "went on to say", "goes on to call": the cue starts at "went".
    if cs >= r.start + 3
        && prev == "to"
        && d.low(cs - 2) == "on"
        && matches!(d.low(cs - 3), "went" | "goes" | "go" | "going")
    {
        cs -= 3;
        while cs > r.start
            && d.in_quote[cs - 1].is_none()
            && (CUE_AUX.contains(&d.low(cs - 1))
                || (d.low(cs - 1).ends_with("ly") && !d.cap(cs - 1) && d.is_word(cs - 1)))
        {
            cs -= 1;
        }
    }
    let prev = if cs > r.start { d.low(cs - 1) } else { "" };
    // "As reported by the Gazette, …": the agent is the source, the main clause the content.
    if prev == "as"
        && cs == r.start + 1
        && !vf.participle
        && w != vf.base
        && !w.ends_with('s')
        && d.low(i + 1) == "by"
        && matches!(
            vf.class,
            CueClass::Speech | CueClass::Written | CueClass::Reporting
        )
        && let Some(np) = np_forward(d, i + 2, r.end)
        && d.toks.get(np.last + 1).is_some_and(|t| t.is_punct(','))
        && np.last + 2 < r.end
    {
        let content = trim_range(d, d.toks[np.last + 2].s..content_end(d, si));
        if !content.is_empty() {
            let quotes = quotes_in(d, &content);
            out.push(Raw {
                id: 0,
                kind: if vf.class == CueClass::Reporting {
                    ProposalKind::Report
                } else {
                    ProposalKind::Indirect
                },
                cue: (cs - 1, i + 1),
                who: Who::Np(np.clone()),
                content,
                quotes,
                channel: sentence_channel(d, si),
                sent: si,
                base: 0.8,
                why: vec![
                    format!("cue: `as {} by`", d.low(i)),
                    "content: the main clause after `As … by NP,`".into(),
                ],
                stance: false,
            });
            return np.last + 1;
        }
    }
    // Infinitives and prepositions: "eager to highlight", "despite reports".
    if cs > r.start
        && (prev == "to"
            || matches!(
                prev,
                "of" | "for"
                    | "despite"
                    | "with"
                    | "about"
                    | "amid"
                    | "on"
                    | "in"
                    | "by"
                    | "from"
                    | "or"
                    | "as"
                    | "than"
                    | "if"
            ))
        && !d.is_quote_tok(cs - 1)
    {
        return i + 1;
    }
    // A bare base form is a verb after an auxiliary, a pronoun or a plural subject ("they
    // support", "critics attack", "will oppose"); otherwise it is likely a noun ("the
    // September attack", "an offer").
    let verb_subject = matches!(prev, "i" | "we" | "you" | "they" | "who" | "that" | "which")
        || (prev.ends_with('s') && !prev.ends_with("'s") && !prev.ends_with("ss"));
    if w == vf.base && cs == i && !matches!(vf.base, "say" | "tell") && !verb_subject {
        return i + 1;
    }
    let passive = d.toks[cs..i].iter().any(|t| BE.contains(&t.low.as_str())) && !vf.participle;
    match vf.base {
        "point" if d.low(i + 1) != "out" => return i + 1,
        "make" if made_clear(d, i).is_none() => return i + 1,
        // "called for", "called on X to", "called out", "called X a liar"; not "called off",
        // "called up", "called back", "called in".
        "call"
            if matches!(
                d.low(i + 1),
                "off" | "up" | "back" | "in" | "into" | "at" | "," | "." | "and" | "to"
            ) || (d.low(i + 1) == "it"
                // "called it a mistake", "called it “reckless”"; not "called it quits".
                && !(matches!(d.low(i + 2), "a" | "an" | "the" | "his" | "her" | "their" | "our" | "my")
                    || (d.is_quote_tok(i + 2) && d.in_quote[i + 2].is_some()))) =>
        {
            return i + 1;
        }
        "agree" | "maintain" | "state"
            if !matches!(d.low(i + 1), "that" | ":") && !d.is_quote_tok(i + 1) =>
        {
            return i + 1;
        }
        "see" | "view" | "describe" | "characterize" | "characterise" => {
            let has_as = (i + 1..(i + 15).min(r.end)).any(|k| d.low(k) == "as");
            if !has_as || (vf.participle && matches!(vf.base, "see" | "view")) {
                return i + 1;
            }
        }
        "charge" if d.low(i + 1) != "that" => return i + 1,
        "object" if !matches!(d.low(i + 1), "to" | "that") => return i + 1,
        "talk" | "speak" if !matches!(d.low(i + 1), "about" | "of" | "out") => return i + 1,
        "refer" if d.low(i + 1) != "to" => return i + 1,
        "comment"
            if !matches!(d.low(i + 1), "on" | "that" | ":" | ",") && !d.is_quote_tok(i + 1) =>
        {
            return i + 1;
        }
        "continue" | "read"
            if !(matches!(d.low(i + 1), ":" | ",")
                || (d.is_quote_tok(i + 1) && d.in_quote[i + 1].is_some())
                || (cs == i && after_closed_quote(d, si, cs))) =>
        {
            return i + 1;
        }
        "plan" | "aim" if d.low(i + 1) != "to" => return i + 1,
        "rail" if d.low(i + 1) != "against" => return i + 1,
        "push" | "press" if d.low(i + 1) != "for" => return i + 1,
        "vote" if !matches!(d.low(i + 1), "for" | "against") => return i + 1,
        "decide" if !matches!(d.low(i + 1), "to" | "that" | "whether" | "against") => {
            return i + 1;
        }
        "feel" if !matches!(d.low(i + 1), "that" | "like") => return i + 1,
        "back"
            if matches!(
                d.low(i + 1),
                "out"
                    | "down"
                    | "up"
                    | "away"
                    | "off"
                    | "into"
                    | "to"
                    | "in"
                    | "home"
                    | "from"
                    | "on"
                    | "at"
                    | "then"
                    | "when"
                    | "and"
                    | ","
                    | "."
            ) =>
        {
            return i + 1;
        }
        "understand" | "learn" => {
            let ok = d.low(i + 1) == "that" || d.low(i + 1) == "the" || vf.base == "learn";
            if !ok || vf.participle {
                return i + 1;
            }
        }
        _ => {}
    }
    // A passive has a speaker only as an agent: "was first reported by MSNBC" (speech and
    // reporting verbs; positions and descriptions too when the agent is named: "has been
    // criticised by the unions", checked below).
    if passive
        && (!matches!(
            vf.class,
            CueClass::Position | CueClass::Describe | CueClass::Speech
        ) || matches!(
            vf.base,
            "ask" | "add" | "urge" | "remind" | "advise" | "tell"
        ))
        && !matches!(
            vf.base,
            "report"
                | "announce"
                | "confirm"
                | "reveal"
                | "write"
                | "post"
                | "tweet"
                | "say"
                | "state"
                | "deny"
                | "claim"
        )
    {
        return i + 1;
    }
    let mut ce = i;
    let mut channel = None;
    let mut why = vec![format!(
        "cue: `{}` ({})",
        d.words(cs, i),
        class_name(vf.class)
    )];
    // Recipient or channel after the verb.
    match vf.base {
        "tell" if !passive => {
            let (e, ch) = recipient(d, i + 1, r.end);
            if e > i {
                ce = e;
                why.push(format!("recipient: `{}`", d.words(i + 1, e)));
            }
            channel = ch.or(Some(Channel::Interview));
        }
        "point" | "vote" | "rail" | "push" | "press" => ce = i + 1,
        "make" => ce = made_clear(d, i).unwrap_or(i),
        "call" if matches!(d.low(i + 1), "for" | "on" | "out") => ce = i + 1,
        "talk" | "speak" | "refer" if d.low(i + 1) != "out" => ce = i + 1,
        "comment" if d.low(i + 1) == "on" => ce = i + 1,
        _ => {}
    }
    if matches!(d.low(ce + 1), "to") && d.cap(ce + 2)
        || (d.low(ce + 1) == "to" && d.low(ce + 2) == "the" && d.cap(ce + 3))
    {
        let (e, ch) = recipient(d, ce + 2, r.end);
        if e > ce + 1 {
            why.push(format!("recipient: `{}`", d.words(ce + 2, e)));
            ce = e;
            channel = ch.or(Some(Channel::Interview));
        }
    }
    if let Some((e, ch)) = channel_phrase(d, ce + 1, r.end) {
        why.push(format!("channel: `{}`", d.words(ce + 1, e)));
        ce = e;
        channel = Some(ch);
    }
    if channel.is_none() {
        channel = sentence_channel(d, si);
        if let Some(c) = channel {
            why.push(format!("channel from the sentence: {c:?}"));
        }
    }
    if matches!(vf.class, CueClass::Written) && channel.is_none() {
        channel = Some(if vf.base == "write" {
            Channel::Document
        } else {
            Channel::SocialPost
        });
    }
    let stance = matches!(vf.class, CueClass::Stance | CueClass::Position);
    let base = match vf.class {
        CueClass::Speech | CueClass::Written | CueClass::Describe => 0.85,
        CueClass::Reporting => 0.85,
        CueClass::Stance => 0.7,
        CueClass::Position => 0.6,
    };
    let kind = if vf.class == CueClass::Reporting {
        ProposalKind::Report
    } else {
        ProposalKind::Indirect
    };
    if passive {
        // Only with an agent after "by".
        let mut k = ce + 1;
        if d.low(k) == "first" {
            k += 1;
        }
        if d.low(k) != "by" && d.low(ce + 1) != "by" {
            return ce + 1;
        }
        let by = if d.low(ce + 1) == "by" { ce + 1 } else { k };
        let Some(np) = np_forward(d, by + 1, r.end) else {
            return ce + 1;
        };
        // "by threatening …" is a means, not an agent.
        if !d.cap(np.first) && d.low(np.first).ends_with("ing") {
            return ce + 1;
        }
        let content = clause_before(d, si, cs);
        why.push("passive: the speaker is the agent after `by`".into());
        out.push(Raw {
            id: 0,
            kind,
            cue: (cs, by),
            who: Who::Np(np),
            content,
            quotes: Vec::new(),
            channel,
            sent: si,
            base: base * 0.9,
            why,
            stance,
        });
        return by + 1;
    }
    // Inverted: `"…," said Smith` / `…, said Smith.`
    let prev_tok = cs.checked_sub(1);
    let after_comma_or_quote =
        prev_tok.is_some_and(|p| p >= r.start && (d.toks[p].is_punct(',') || d.is_quote_tok(p)));
    // Only speech, writing and reporting verbs invert, and without auxiliaries ("…, said
    // Smith"; not "…, has endorsed Smith").
    if after_comma_or_quote
        && !vf.participle
        && cs == i
        && matches!(
            vf.class,
            CueClass::Speech | CueClass::Written | CueClass::Reporting
        )
        && let Some(np) = np_forward(d, ce + 1, r.end)
        && inverted_ok(d, &np, r.end)
    {
        let (content, quotes) = left_content(d, si, cs);
        if !content.is_empty() {
            why.push(format!(
                "inverted: speaker after the cue (`{}`)",
                d.words(np.first, np.last)
            ));
            let kind = if !quotes.is_empty() && quotes_cover(d, &quotes, &content) {
                ProposalKind::Direct
            } else {
                kind
            };
            out.push(Raw {
                id: 0,
                kind,
                cue: (cs, ce),
                who: Who::Np(np.clone()),
                content,
                quotes,
                channel,
                sent: si,
                base: base + 0.05,
                why,
                stance,
            });
            return np.last + 1;
        }
    }
    // Participle after a comma with no subject of its own: "…, stating that …".
    // "… and told them", "but said": the subject is the earlier clause's.
    let coordinated = matches!(prev, "and" | "but");
    let subject = if contracted {
        Some(NpRef {
            first: cs - 1,
            last: cs - 1,
            name: None,
        })
    } else if (vf.participle && prev_tok.is_some_and(|p| d.toks[p].is_punct(','))) || coordinated {
        None
    } else {
        subject_before(d, si, cs)
    };
    // Plain speech verbs take any determined noun phrase as speaker ("the billionaire real
    // estate magnate says"); other cues need a person-, organisation- or document-like one.
    let strong = matches!(
        vf.base,
        "say"
            | "tell"
            | "add"
            | "write"
            | "tweet"
            | "ask"
            | "explain"
            | "claim"
            | "argue"
            | "insist"
            | "warn"
            | "report"
            | "announce"
            | "reply"
            | "respond"
            | "declare"
    );
    let subject = subject.filter(|np| {
        if contracted {
            return true;
        }
        let head = d.low(np.last);
        // "officials", "42 percent", "42%", "those surveyed".
        let plural_or_number = !d.cap(np.last)
            && (head.ends_with('s')
                || head.chars().all(|c| c.is_ascii_digit())
                || head.ends_with('%')
                || matches!(head, "percent" | "surveyed" | "polled" | "questioned"));
        plausible_speaker(d, np)
            || (strong
                && (matches!(d.low(np.first), "the" | "a" | "an" | "one" | "another")
                    && np.last > np.first
                    || plural_or_number)
                && !DEAL_NOUNS.contains(&head)
                && !TALK_NOUNS.contains(&head))
    });
    let subordinate = subject.as_ref().is_some_and(|np| {
        np.first > r.start
            && matches!(
                d.low(np.first - 1),
                "while"
                    | "although"
                    | "though"
                    | "as"
                    | "if"
                    | "when"
                    | "because"
                    | "since"
                    | "whereas"
            )
    });
    // "As the paper reported, …": the main clause after the comma is the content.
    let subordinate = subordinate && !d.toks.get(ce + 1).is_some_and(|t| t.is_punct(','));
    let who = match subject {
        Some(np) => Who::Np(np),
        None if vf.participle || coordinated || prev == "," => {
            // The previous attribution in this sentence, or the sentence's leading name.
            if let Some(j) = out.iter().rposition(|x| x.sent == si) {
                why.push("speaker: the subject of the main clause (participle cue)".into());
                Who::SameAs(j)
            } else if let Some(np) = leading_np(d, si) {
                why.push("speaker: the subject of the sentence (participle cue)".into());
                Who::Np(np)
            } else {
                return ce + 1;
            }
        }
        None => return ce + 1,
    };
    // Content: a quotation closed just before the speaker ("…," he said), or what follows.
    let np_first = match &who {
        Who::Np(np) => np.first,
        _ => cs,
    };
    let closes_quote = np_first > r.start
        && {
            let mut p = np_first - 1;
            if d.toks[p].is_punct(',') && p > r.start {
                p -= 1;
            }
            d.is_quote_tok(p) && d.in_quote[p].is_some()
        }
        && np_first.abs_diff(cs) <= 20;
    let (content, quotes, kind, why_c) = if closes_quote {
        let (c, mut q) = left_content(d, si, np_first);
        // Split quote: `"…," he said, "…"`
        let mut c = c;
        let mut k = ce + 1;
        if d.toks
            .get(k)
            .is_some_and(|t| t.is_punct(',') || t.is_punct(':'))
        {
            k += 1;
        }
        let mut why_c = "content: the quotation closed just before the speaker".to_string();
        if let Some(qi) = d.in_quote.get(k).copied().flatten()
            && d.quotes[qi].open == d.toks[k].s
        {
            q.push(qi);
            c = c.start..d.quotes[qi].inner.end;
            why_c = "content: a split quotation around the speaker and cue".into();
        }
        (c, q, ProposalKind::Direct, why_c)
    } else if let Some(qi) = quote_ending_sentence_before(d, si, np_first)
        .filter(|_| right_content_is_not_a_clause(d, si, ce, subordinate))
    {
        // `"… is it?" Smith said.` / `"…." Smith said of the plan.`: the sentence splits
        // after the quotation, whose speaker is named in the sentence that follows.
        (
            d.quotes[qi].inner.clone(),
            vec![qi],
            ProposalKind::Direct,
            "content: the quotation that ends the sentence before the speaker".to_string(),
        )
    } else {
        let (c, q, direct) = right_content(d, si, ce, subordinate);
        let k = if direct { ProposalKind::Direct } else { kind };
        let w = if direct {
            "content: the quotation the cue introduces".to_string()
        } else if c.is_empty() {
            String::new()
        } else {
            "content: the clause after the cue".to_string()
        };
        // "<content>, an official told The Times on Monday." — after "told" and its
        // recipient only a few words without a clause of their own: the content is before.
        // "<content>, the airline said Thursday." / "…, the paper reported in 2014." / "…,
        // the paper reported, citing …": what follows the cue is a time, a short phrase or
        // another cue, not what was said.
        let short_phrase = !c.is_empty() && !direct && q.is_empty() && {
            let (a, b) = (d.tok_at(c.start), d.tok_at(c.end));
            let words = (a..b).filter(|x| d.is_word(*x)).count();
            let participle_cue = verb_form(d.low(a)).is_some_and(|v| v.participle)
                && a > 0
                && d.toks[a - 1].is_punct(',');
            participle_cue
                || (words <= 5
                    && right_content_is_not_a_clause(d, si, ce, subordinate)
                    && !(a..b).any(|x| d.in_quote[x].is_some()))
        };
        let told_after = !c.is_empty()
            && !direct
            && q.is_empty()
            && (short_phrase
                || (vf.base == "tell" && {
                    let (a, b) = (d.tok_at(c.start), d.tok_at(c.end));
                    b - a <= 8
                        && !(a..b).any(|x| {
                            matches!(d.low(x), "that" | "he" | "she" | "they" | "it" | "we" | "i")
                        })
                }))
            && match &who {
                Who::Np(np) if np.first > r.start && d.toks[np.first - 1].is_punct(',') => {
                    let before = clause_before(d, si, np.first);
                    let (a, b) = (d.tok_at(before.start), d.tok_at(before.end));
                    (a..b).filter(|x| d.is_word(*x)).count() >= 4
                        && !matches!(
                            d.low(a),
                            "in" | "on"
                                | "at"
                                | "during"
                                | "after"
                                | "before"
                                | "when"
                                | "while"
                                | "as"
                                | "asked"
                        )
                }
                _ => false,
            };
        if short_phrase && !told_after {
            // "The airline said Thursday.": nothing said in this sentence.
            return ce + 1;
        }
        if c.is_empty() || told_after {
            // "…, NP said." — the content is before.
            let before = match &who {
                Who::Np(np) if np.first > r.start && d.toks[np.first - 1].is_punct(',') => {
                    clause_before(d, si, np.first)
                }
                _ => 0..0,
            };
            let q = quotes_in(d, &before);
            let direct = !q.is_empty() && quotes_cover(d, &q, &before);
            let k = if direct { ProposalKind::Direct } else { kind };
            (
                before,
                q,
                k,
                "content: the clause before the speaker and cue".to_string(),
            )
        } else {
            (c, q, k, w)
        }
    };
    if content.is_empty() {
        return ce + 1;
    }
    why.push(why_c);
    // A direct quotation continued after "he added, …" is one statement.
    let base = if matches!(who, Who::SameAs(_)) {
        base - 0.1
    } else {
        base
    };
    out.push(Raw {
        id: 0,
        kind,
        cue: (cs, ce),
        who,
        content,
        quotes,
        channel,
        sent: si,
        base,
        why,
        stance,
    });
    ce + 1
}

fn class_name(c: CueClass) -> &'static str {
    match c {
        CueClass::Speech => "speech verb",
        CueClass::Written => "writing verb",
        CueClass::Reporting => "reporting verb",
        CueClass::Stance => "stance verb",
        CueClass::Describe => "describing verb",
        CueClass::Position => "verb of taking a position",
    }
}

/// After a cue like "told": the recipient ("the BBC", "the BBC's Today programme",
/// "reporters"). Returns the last token of the recipient (or `start - 1`) and a channel.
fn recipient(d: &Doc, start: usize, end: usize) -> (usize, Option<Channel>) {
    let mut k = start;
    let mut last = start.wrapping_sub(1);
    if matches!(d.low(k), "the" | "a" | "an") {
        k += 1;
    }
    let mut any = false;
    while k < end && d.in_quote[k].is_none() {
        let t = &d.toks[k];
        if t.kind != TK::Word {
            break;
        }
        if RECIPIENT_NOUNS.contains(&t.low.as_str()) {
            last = k;
            any = true;
            // "reporters at the White House" is not followed further.
            break;
        }
        if d.cap(k) && !matches!(t.low.as_str(), "i") {
            last = k;
            any = true;
            k += 1;
            continue;
        }
        break;
    }
    if !any {
        return (start.wrapping_sub(1), None);
    }
    (last, Some(Channel::Interview))
}

/// "in a statement", "on X", "on Twitter", "in a post on X", "in an interview".
fn channel_phrase(d: &Doc, start: usize, end: usize) -> Option<(usize, Channel)> {
    let w = |k: usize| if k < end { d.low(k) } else { "" };
    match (w(start), w(start + 1), w(start + 2)) {
        ("in", "a", "statement") | ("in", "a", "written") => Some((
            start + 2 + usize::from(w(start + 2) == "written"),
            Channel::Statement,
        )),
        ("in", "an", "interview") => Some((start + 2, Channel::Interview)),
        (
            "in",
            "the" | "a" | "an" | "his" | "her" | "its",
            "order" | "letter" | "filing" | "document" | "memo" | "proclamation" | "report"
            | "op-ed" | "article" | "blog",
        ) => Some((start + 2, Channel::Document)),
        ("in", "a", "post") | ("in", "a", "tweet") => {
            if w(start + 3) == "on" && d.cap(start + 4) {
                Some((start + 4, Channel::SocialPost))
            } else {
                Some((start + 2, Channel::SocialPost))
            }
        }
        ("on", x, _)
            if matches!(
                x,
                "x" | "twitter" | "facebook" | "linkedin" | "bluesky" | "threads"
            ) && d.cap(start + 1) =>
        {
            Some((start + 1, Channel::SocialPost))
        }
        ("on", "truth", "social") => Some((start + 2, Channel::SocialPost)),
        ("on", "social", "media") => Some((start + 2, Channel::SocialPost)),
        ("at", "a", "briefing") | ("at", "a", "press") => Some((
            start + 2 + usize::from(w(start + 3) == "briefing" || w(start + 3) == "conference"),
            Channel::Briefing,
        )),
        _ => None,
    }
}

/// A channel stated elsewhere in the sentence ("In a statement shared on the social media
/// platform X, …").
fn sentence_channel(d: &Doc, si: usize) -> Option<Channel> {
    let r = d.sent_toks[si].clone();
    let ws: Vec<&str> = r
        .clone()
        .filter(|k| d.in_quote[*k].is_none())
        .map(|k| d.low(k))
        .collect();
    let has = |a: &str, b: &str| ws.windows(2).any(|p| p[0] == a && p[1] == b);
    if has("social", "media")
        || has("on", "x")
            && r.clone()
                .any(|k| d.text.get(d.toks[k].s..d.toks[k].e) == Some("X"))
        || ws.contains(&"tweet")
        || ws.contains(&"tweeted")
    {
        return Some(Channel::SocialPost);
    }
    if has("a", "statement") {
        return Some(Channel::Statement);
    }
    if ws.iter().any(|w| {
        matches!(
            *w,
            "spokesperson" | "spokesman" | "spokeswoman" | "briefing"
        )
    }) {
        return Some(Channel::Briefing);
    }
    None
}

/// Whether the words after an inverted cue really are a speaker: a pronoun or a name,
/// ending the sentence or followed by a comma.
fn inverted_ok(d: &Doc, np: &NpRef, end: usize) -> bool {
    let next = np.last + 1;
    // Not before an opening quotation: in "…, said he “appreciates …”" the pronoun is the
    // subject of what was said.
    let opens_quote = d
        .in_quote
        .get(next)
        .copied()
        .flatten()
        .is_some_and(|q| d.quotes[q].open == d.toks[next].s);
    let ends = next >= end || (d.toks[next].kind == TK::Punct && !opens_quote);
    let nameish = (np.first..=np.last).any(|k| d.cap(k))
        || PRONOUNS_PERSON.contains(&d.low(np.first))
        || PRONOUNS_PLURAL.contains(&d.low(np.first))
        || (matches!(d.low(np.first), "the" | "a" | "an" | "one" | "another")
            && plausible_speaker(d, np));
    ends && nameish && np.last - np.first <= 8
}

/// The noun phrase that starts at `start`, for "said Smith", "according to BBC sources".
fn np_forward(d: &Doc, start: usize, end: usize) -> Option<NpRef> {
    let mut k = start;
    if k >= end || d.in_quote[k].is_some() {
        return None;
    }
    if PRONOUNS_PERSON.contains(&d.low(k)) || PRONOUNS_PLURAL.contains(&d.low(k)) {
        return Some(NpRef {
            first: k,
            last: k,
            name: None,
        });
    }
    let mut last: Option<usize> = None;
    while k < end && k < start + 12 {
        let t = &d.toks[k];
        if d.in_quote[k].is_some() {
            break;
        }
        if t.kind == TK::Punct {
            if (t.low == "-" || t.low == "&") && last.is_some() {
                k += 1;
                continue;
            }
            // The full stop of a title or an initial before a name: "said Mr. Smith",
            // "said Sen. Roe", "said John Q. Public".
            if t.low == "."
                && let Some(p) = last
                && p + 1 == k
                && d.toks[p].e == t.s
                && d.cap(p)
                && (TITLES.contains(&d.low(p)) || d.low(p).chars().count() == 1)
                && d.cap(k + 1)
                && k + 1 < end
            {
                k += 1;
                continue;
            }
            break;
        }
        let lw = t.low.as_str();
        // "a senior adviser to the president", "the ambassador to Mexico".
        let to_office = lw == "to"
            && last.is_some()
            && (SPEAKER_HEADS.contains(&d.low(k - 1)) || TITLES.contains(&d.low(k - 1)))
            && (d.cap(k + 1) || d.low(k + 1) == "the");
        if NP_STOP.contains(&lw)
            && !to_office
            && !(NP_INNER.contains(&lw) && last.is_some() && d.cap(k + 1))
            && !(lw == "and" && last.is_some() && d.cap(k + 1) && d.cap(k - 1))
        {
            break;
        }
        if verb_form(lw).is_some() && last.is_some() && !d.cap(k) {
            break;
        }
        last = Some(k);
        k += 1;
    }
    let last = last?;
    Some(NpRef {
        first: start,
        last,
        name: None,
    })
}

/// The subject noun phrase before the cue starting at `cs`, skipping an appositive or a
/// relative clause between commas ("Michael Kratsios, who served as …, indicated").
fn subject_before(d: &Doc, si: usize, cs: usize) -> Option<NpRef> {
    let r = d.sent_toks[si].clone();
    if cs <= r.start {
        return None;
    }
    let mut j = cs - 1;
    // A parenthesis or a dash-delimited aside just before the cue: "Sen. John Cornyn
    // (R-Texas) told", "Joyce — who is listed as … — told".
    if d.toks[j].is_punct(')') {
        let open = (r.start..j).rev().find(|k| d.toks[*k].is_punct('('))?;
        if open == r.start {
            return None;
        }
        return np_back(d, r.start, open - 1);
    }
    if matches!(d.low(j), "—" | "–") {
        let open = (r.start..j)
            .rev()
            .find(|k| matches!(d.low(*k), "—" | "–"))?;
        if open == r.start {
            return None;
        }
        return np_back(d, r.start, open - 1);
    }
    // "while declining to comment", "…, which highlighted"
    if matches!(d.low(j), "which" | "who") && j > r.start && d.toks[j - 1].is_punct(',') {
        let np = np_back(d, r.start, j.checked_sub(2)?)?;
        return Some(np);
    }
    if matches!(d.low(j), "while" | "when" | "after" | "before" | "by")
        && j > r.start
        && d.toks[j - 1].is_punct(',')
    {
        j -= 1;
        // fall through to the comma case below with the clause as the "appositive"
        let np = np_back(d, r.start, j.checked_sub(1)?)?;
        return Some(np);
    }
    if d.toks[j].is_punct(',') {
        if let Some(np) = leading_name_with_asides(d, r.start, j) {
            return Some(np);
        }
        // An appositive or relative clause: find the comma that opens it.
        let mut k = j;
        let mut opened = None;
        while k > r.start {
            k -= 1;
            if d.toks[k].is_punct(',') && d.in_quote[k].is_none() {
                opened = Some(k);
                break;
            }
            if j - k > 30 {
                break;
            }
        }
        let mut open = opened?;
        if open == r.start || open + 1 >= j {
            return None;
        }
        let seg = (open + 1, j - 1);
        // Several asides in a row: "Woodrow Benford, 58, who lives outside Minneapolis,".
        let mut np = np_back(d, r.start, open - 1);
        for _ in 0..3 {
            if np.as_ref().is_some_and(|n| {
                (n.first..=n.last).any(|x| d.cap(x)) || PRONOUNS_PERSON.contains(&d.low(n.first))
            }) {
                break;
            }
            let Some(prev_comma) = (r.start..open)
                .rev()
                .find(|k| d.toks[*k].is_punct(',') && d.in_quote[*k].is_none())
            else {
                break;
            };
            if prev_comma == r.start || open - prev_comma > 6 {
                break;
            }
            open = prev_comma;
            np = np_back(d, r.start, open - 1).or(np);
        }
        let np = np?;
        let seg_is_name =
            (seg.0..=seg.1).all(|x| d.cap(x) || d.toks[x].low == "-") && seg.1 - seg.0 < 4;
        if seg_is_name {
            return Some(NpRef {
                first: np.first,
                last: seg.1,
                name: Some(seg),
            });
        }
        // The segment must read like a description or a relative clause, not a clause
        // with its own subject and verb ("…, the deal collapsed, he said" is different).
        let lead = d.low(seg.0);
        let looks_described = matches!(
            lead,
            "who"
                | "which"
                | "whose"
                | "a"
                | "an"
                | "the"
                | "director"
                | "chief"
                | "head"
                | "former"
                | "then"
                | "now"
                | "also"
                | "while"
        ) || !d.cap(seg.0) && verb_form(lead).is_none()
            || d.cap(seg.0);
        return looks_described.then_some(np);
    }
    np_back(d, r.start, j)
}

/// "Ann Roe, the Ohio Republican who leads the committee, which oversees …, said": a name
/// opening the sentence, then a comma and a description or a relative clause (however many
/// commas it holds) up to the comma before the cue at `comma`.
fn leading_name_with_asides(d: &Doc, start: usize, comma: usize) -> Option<NpRef> {
    let c1 = (start..comma).find(|k| d.toks[*k].is_punct(',') && d.in_quote[*k].is_none())?;
    if c1 == start || c1 == comma || comma - c1 > 40 {
        return None;
    }
    let name = start..c1;
    let words = name.clone().filter(|k| d.is_word(*k)).count();
    let all_caps = name.clone().all(|k| {
        d.cap(k) || (d.toks[k].is_punct('.') && k > start && d.toks[k - 1].e == d.toks[k].s)
    });
    let lead = d.low(start);
    if !(1..=5).contains(&words)
        || !all_caps
        || CONNECTIVES.contains(&lead)
        || NP_INNER.contains(&lead)
        || NP_STOP.contains(&lead)
        || matches!(
            lead,
            "the"
                | "a"
                | "an"
                | "this"
                | "that"
                | "after"
                | "before"
                | "when"
                | "while"
                | "if"
                | "as"
                | "since"
                | "because"
                | "although"
                | "though"
        )
    {
        return None;
    }
    let next = d.low(c1 + 1);
    let described = matches!(
        next,
        "who"
            | "whose"
            | "which"
            | "a"
            | "an"
            | "the"
            | "former"
            | "then"
            | "now"
            | "also"
            | "another"
            | "one"
            | "its"
            | "his"
            | "her"
            | "their"
            | "chief"
            | "head"
            | "director"
    ) || next.chars().all(|c| c.is_ascii_digit());
    let quoted = (c1..comma).any(|k| d.in_quote[k].is_some());
    (described && !quoted).then_some(NpRef {
        first: start,
        last: c1 - 1,
        name: None,
    })
}

/// Collects a noun phrase ending at token `end`, walking back.
fn np_back(d: &Doc, sent_start: usize, end: usize) -> Option<NpRef> {
    if end < sent_start || !d.is_word(end) || d.in_quote[end].is_some() {
        return None;
    }
    let lw = d.low(end);
    if PRONOUNS_PERSON.contains(&lw)
        || PRONOUNS_PLURAL.contains(&lw)
        || PRONOUNS_OTHER.contains(&lw)
    {
        return Some(NpRef {
            first: end,
            last: end,
            name: None,
        });
    }
    let mut k = end;
    let mut first = end + 1;
    loop {
        let t = &d.toks[k];
        let ok = if d.in_quote[k].is_some() {
            false
        } else if t.kind == TK::Punct {
            ((t.low == "-" || t.low == "&") && k > sent_start && k < end)
                || (t.low == "."
                    && k > sent_start
                    && k < end
                    && d.toks[k - 1].e == t.s
                    && (d.low(k - 1).chars().count() == 1 || TITLES.contains(&d.low(k - 1)))
                    && d.cap(k - 1))
        } else {
            let w = t.low.as_str();
            let inner_prep = NP_INNER.contains(&w)
                && k < end
                && k > sent_start
                && d.is_word(k - 1)
                && d.is_word(k + 1)
                && !NP_STOP.contains(&d.low(k - 1))
                && (d.cap(k + 1) || d.cap(k - 1) || matches!(d.low(k + 1), "the" | "a"));
            let and_names = w == "and" && k > sent_start && d.cap(k - 1) && d.cap(k + 1);
            let is_stop = NP_STOP.contains(&w) && !inner_prep && !and_names;
            let verbish = k < end && verb_form(w).is_some() && !d.cap(k);
            let gerund_or_adverb = !d.cap(k)
                && (w.ends_with("ing") || w.ends_with("ly"))
                && !matches!(
                    w,
                    "thing" | "king" | "ruling" | "family" | "rally" | "ally" | "italy" | "july"
                );
            !is_stop
                && !verbish
                && !gerund_or_adverb
                && (k != sent_start || !d.cap(k) || !CONNECTIVES.contains(&w))
        };
        if !ok {
            break;
        }
        first = k;
        if k == sent_start || end - k >= 12 {
            break;
        }
        k -= 1;
    }
    // A transcript's question marker ("Q   Would you …") is not part of a name.
    if first == sent_start && first < end && d.low(first) == "q" && d.cap(first) {
        first += 1;
    }
    // Trim leading prepositions and connectives.
    while first < end
        && (NP_INNER.contains(&d.low(first))
            || CONNECTIVES.contains(&d.low(first))
            || d.toks[first].kind == TK::Punct)
    {
        first += 1;
    }
    if first > end {
        return None;
    }
    let content_words = (first..=end)
        .filter(|x| d.is_word(*x) && !matches!(d.low(*x), "the" | "a" | "an"))
        .count();
    if content_words == 0 {
        return None;
    }
    // Lowercase single words are rarely speakers ("officials" is, "it" handled above).
    Some(NpRef {
        first,
        last: end,
        name: None,
    })
}

/// Nouns that can head a speaker phrase: people, organisations, documents.
const SPEAKER_HEADS: &[&str] = &[
    "official",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "spokespeople",
    "source",
    "ambassador",
    "envoy",
    "mayor",
    "chancellor",
    "commissioner",
    "negotiators",
    "aide",
    "minister",
    "secretary",
    "president",
    "adviser",
    "advisor",
    "analyst",
    "economist",
    "expert",
    "critic",
    "lawmaker",
    "legislator",
    "senator",
    "congressman",
    "congresswoman",
    "representative",
    "governor",
    "diplomat",
    "negotiator",
    "executive",
    "chief",
    "director",
    "leader",
    "chairman",
    "chairwoman",
    "chair",
    "campaign",
    "government",
    "administration",
    "department",
    "ministry",
    "office",
    "company",
    "firm",
    "group",
    "industry",
    "association",
    "union",
    "body",
    "agency",
    "committee",
    "council",
    "party",
    "people",
    "person",
    "resident",
    "voter",
    "supporter",
    "opponent",
    "activist",
    "farmer",
    "producer",
    "manufacturer",
    "business",
    "investor",
    "researcher",
    "scientist",
    "observer",
    "commentator",
    "insider",
    "staff",
    "team",
    "organiser",
    "organizer",
    "officer",
    "police",
    "prosecutor",
    "judge",
    "court",
    "lawyer",
    "attorney",
    "statement",
    "report",
    "study",
    "poll",
    "survey",
    "data",
    "document",
    "memo",
    "letter",
    "filing",
    "order",
    "website",
    "editorial",
    "article",
    "ceo",
    "boss",
    "candidate",
    "nominee",
    "member",
    "operative",
    "strategist",
    "advocate",
    "organization",
    "organisation",
    "authority",
    "authorities",
    "regulator",
    "watchdog",
    "mou",
    "memorandum",
    "everyone",
    "others",
    "many",
    "both",
    "someone",
    "nobody",
    "friend",
    "family",
    "host",
    "anchor",
    "reporter",
    "journalist",
    "columnist",
    "author",
    "writer",
    "editor",
    "correspondent",
    "man",
    "woman",
    "men",
    "women",
    "official's",
    "counsel",
    "governments",
    "ministers",
    "sources",
    "officials",
    "spokespersons",
    "groups",
    "companies",
    "firms",
    "people's",
    "rivals",
    "allies",
    "pollster",
    "pollsters",
    "voters",
    "critics",
    "experts",
    "analysts",
    "economists",
    "aides",
];

/// Whether a noun phrase can be a speaker: a pronoun, a name, or a person-, organisation-
/// or document-like head ("the spokesperson", "many economists", "the MOU").
fn plausible_speaker(d: &Doc, np: &NpRef) -> bool {
    let lw = d.low(np.first);
    if np.first == np.last
        && (PRONOUNS_PERSON.contains(&lw)
            || PRONOUNS_PLURAL.contains(&lw)
            || PRONOUNS_OTHER.contains(&lw))
    {
        return true;
    }
    let head = d
        .toks
        .get(np.last)
        .map(|t| t.base().to_string())
        .unwrap_or_default();
    let sing = head.strip_suffix('s').unwrap_or(&head).to_string();
    if DEAL_NOUNS.contains(&head.as_str()) || TALK_NOUNS.contains(&head.as_str()) {
        return false;
    }
    let words = d.words(np.first, np.last);
    let letters: Vec<char> = words.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 6 && letters.iter().all(|c| c.is_uppercase()) && np.last > np.first {
        return false;
    }
    let named = (np.first..=np.last).any(|k| {
        d.cap(k)
            && !matches!(
                d.low(k),
                "the"
                    | "this"
                    | "these"
                    | "a"
                    | "an"
                    | "his"
                    | "her"
                    | "their"
                    | "its"
                    | "that"
                    | "those"
                    | "while"
                    | "but"
                    | "and"
            )
    });
    let known_head =
        SPEAKER_HEADS.contains(&head.as_str()) || SPEAKER_HEADS.contains(&sing.as_str());
    named || known_head
}

/// The sentence's leading name, for participle cues without a subject.
fn leading_np(d: &Doc, si: usize) -> Option<NpRef> {
    let r = d.sent_toks[si].clone();
    let mut start = r.start;
    // "However, …": a connective is not the subject.
    while start < r.end && (CONNECTIVES.contains(&d.low(start)) || d.toks[start].is_punct(',')) {
        start += 1;
    }
    let mut k = start;
    let mut last = None;
    while k < r.end
        && (d.cap(k) || (d.low(k) == "'s") || (last.is_some() && matches!(d.low(k), "of" | "-")))
    {
        if d.cap(k) {
            last = Some(k);
        }
        k += 1;
    }
    let np = last.map(|l| NpRef {
        first: start,
        last: l,
        name: None,
    })?;
    plausible_speaker(d, &np).then_some(np)
}

/// The content after a cue ending at `ce`: a quotation it introduces, or the rest of the
/// sentence (with "that"). Returns the byte range, quotations inside, and whether direct.
fn right_content(
    d: &Doc,
    si: usize,
    ce: usize,
    subordinate: bool,
) -> (Range<usize>, Vec<usize>, bool) {
    let r = d.sent_toks[si].clone();
    let mut k = ce + 1;
    // Skip a time expression or short prepositional phrase before "that":
    // "indicated on Tuesday evening that …".
    if let Some(t) =
        (k..(k + 7).min(r.end)).find(|x| d.low(*x) == "that" && d.in_quote[*x].is_none())
        && t > k
        && matches!(
            d.low(k),
            "on" | "in"
                | "at"
                | "late"
                | "earlier"
                | "last"
                | "this"
                | "during"
                | "yesterday"
                | "today"
                | "recently"
                | "previously"
                | "again"
                | "repeatedly"
                | "privately"
                | "publicly"
        )
    {
        k = t;
    }
    while k < r.end
        && (d.toks[k].is_punct(':')
            || d.toks[k].is_punct(',')
            || d.toks[k].is_punct('-')
            || d.toks[k].low == "—")
    {
        k += 1;
    }
    if k >= r.end {
        // `… said in a statement:` ending the paragraph, and the quotation opening the next.
        if let Some(qi) = colon_then_quote_paragraph(d, si, ce) {
            return (d.quotes[qi].inner.clone(), vec![qi], true);
        }
        return (0..0, Vec::new(), false);
    }
    // Direct: a quotation opens here.
    if let Some(qi) = d.in_quote[k]
        && d.quotes[qi].open == d.toks[k].s
    {
        let q = &d.quotes[qi];
        let mut quotes = vec![qi];
        let mut range = q.inner.clone();
        let after = d.tok_at(q.close_end);
        // "…," he added, "…" — a split quote continuing after the speaker.
        if let Some((qi2, _)) = split_continuation(d, after) {
            quotes.push(qi2);
            range = range.start..d.quotes[qi2].inner.end;
            return (range, quotes, true);
        }
        // Direct only when the quotation ends the clause: `said: "…".`, not
        // `warned "far reaching" uncertainty was …`.
        let ends_clause = after >= r.end
            || d.toks[after].kind == TK::Punct && !d.is_quote_tok(after)
            || q.close_end >= d.sents[si].end;
        if ends_clause {
            return (range, quotes, true);
        }
    }
    let start = d.toks[k].s;
    let mut end = content_end(d, si);
    // Stop before ", stating that …" (another cue) and, in a subordinate clause ("while X
    // maintains that …, …"), at the clause's comma.
    for t in k + 1..r.end {
        let tok = &d.toks[t];
        if tok.s >= end {
            break;
        }
        if tok.is_punct(',') && d.in_quote[t].is_none() {
            let next_cue = d
                .toks
                .get(t + 1)
                .and_then(|n| verb_form(&n.low))
                .is_some_and(|v| v.participle);
            // The reporter's own concessive framing is not what was said.
            let concessive = matches!(
                d.low(t + 1),
                "despite" | "although" | "though" | "whereas" | "notwithstanding"
            );
            if next_cue || subordinate || concessive {
                end = tok.s;
                break;
            }
        }
        if subordinate
            && d.is_quote_tok(t)
            && t > 0
            && d.toks[t - 1].is_punct(',')
            && d.in_quote[t].is_some_and(|q| d.quotes[q].close_end == tok.e)
        {
            end = tok.e;
            break;
        }
    }
    if end <= start {
        return (0..0, Vec::new(), false);
    }
    // A quotation that starts inside and runs past the sentence end belongs to the content.
    for q in &d.quotes {
        if q.open >= start && q.open < end && q.close_end > end && end == content_end(d, si) {
            end = q.close_end;
        }
    }
    let range = trim_range(d, start..end);
    let q = quotes_in(d, &range);
    (range, q, false)
}

/// Whether a sentence is written in title case, as headlines are: at least four words, and
/// all but small function words capitalised.
fn title_case(d: &Doc, si: usize) -> bool {
    let r = d.sent_toks[si].clone();
    let words: Vec<usize> = r
        .filter(|k| d.is_word(*k) && d.in_quote[*k].is_none())
        .collect();
    words.len() >= 4
        && words.iter().all(|k| {
            d.cap(*k)
                || d.low(*k).starts_with(|c: char| c.is_ascii_digit())
                || matches!(
                    d.low(*k),
                    "a" | "an"
                        | "the"
                        | "of"
                        | "in"
                        | "on"
                        | "to"
                        | "for"
                        | "and"
                        | "or"
                        | "but"
                        | "at"
                        | "by"
                        | "with"
                        | "as"
                        | "from"
                )
        })
}

/// "made (it) clear that", "made the case that", "made the point that": the token that ends
/// the cue.
fn made_clear(d: &Doc, i: usize) -> Option<usize> {
    let end = match (d.low(i + 1), d.low(i + 2)) {
        ("clear", _) => i + 1,
        ("it", "clear") => i + 2,
        ("the", "case" | "point" | "argument" | "observation") => i + 2,
        _ => return None,
    };
    (d.low(end + 1) == "that").then_some(end)
}

/// A sentence ending its paragraph with a colon right after the cue (`… said in a
/// statement:`), and the next paragraph opening with a quotation: that quotation.
fn colon_then_quote_paragraph(d: &Doc, si: usize, ce: usize) -> Option<usize> {
    let r = d.sent_toks.get(si)?;
    let colon = (ce + 1..r.end).find(|k| d.toks[*k].is_punct(':'))?;
    let only_after = (colon + 1..r.end).all(|k| d.toks[k].kind == TK::Punct && !d.is_quote_tok(k));
    let between_ok = (ce + 1..colon).all(|k| d.toks[k].is_punct(','));
    let next = si + 1;
    if !only_after || !between_ok || next >= d.sents.len() || d.sent_para[next] == d.sent_para[si] {
        return None;
    }
    let first = d.sent_toks[next].start;
    let qi = d.in_quote.get(first).copied().flatten()?;
    (d.quotes[qi].open == d.toks[first].s).then_some(qi)
}

/// Whether a quotation closes just before the subject that ends at `cs` (`"…," he
/// continued`): a closing mark, then at most a comma and a short subject.
fn after_closed_quote(d: &Doc, si: usize, cs: usize) -> bool {
    let r = d.sent_toks[si].clone();
    (cs.saturating_sub(5).max(r.start)..cs).any(|k| {
        d.is_quote_tok(k)
            && d.in_quote[k].is_some_and(|q| d.quotes[q].close_end == d.toks[k].e)
            && (k + 1..cs)
                .all(|x| d.is_word(x) || d.toks[x].is_punct(',') || d.toks[x].is_punct('.'))
    }) || (cs > r.start
        && quote_ending_sentence_before(d, si, r.start).is_some()
        && cs - r.start <= 4)
}

/// The quotation that ends the sentence before `si` in the same paragraph, when sentence
/// `si` opens with its speaker (token `np_first`).
fn quote_ending_sentence_before(d: &Doc, si: usize, np_first: usize) -> Option<usize> {
    let r = d.sent_toks.get(si)?;
    if si == 0 || np_first != r.start || d.sent_para[si - 1] != d.sent_para[si] {
        return None;
    }
    let prev = d.sent_toks[si - 1].clone();
    let last = prev.end.checked_sub(1).filter(|l| *l >= prev.start)?;
    let qi = d.in_quote[last]?;
    let q = &d.quotes[qi];
    (d.is_quote_tok(last) && q.close_end == d.toks[last].e && q.closed).then_some(qi)
}

/// Whether what follows a cue is no reported clause: nothing, or only a time or a
/// prepositional phrase ("said of the plan on Monday", "said in an interview").
fn right_content_is_not_a_clause(d: &Doc, si: usize, ce: usize, subordinate: bool) -> bool {
    let (c, _, _) = right_content(d, si, ce, subordinate);
    if c.is_empty() {
        return true;
    }
    let k = d.tok_at(c.start);
    let tr = d.sent_toks[si].clone();
    let has_that = (k..tr.end).any(|x| d.low(x) == "that" && d.in_quote[x].is_none());
    !has_that
        && d.in_quote[k].is_none()
        && (matches!(
            d.low(k),
            "of" | "about"
                | "in"
                | "on"
                | "at"
                | "during"
                | "after"
                | "before"
                | "with"
                | "from"
                | "while"
                | "when"
                | "last"
                | "this"
                | "earlier"
                | "later"
                | "yesterday"
                | "today"
                | "tonight"
                | "recently"
                | "afterward"
                | "afterwards"
                | "then"
        ) || dates::weekday(d.low(k)).is_some())
}

/// `"…," he said, "…"` after the speaker: the continuing quotation, if any.
fn split_continuation(d: &Doc, after_close: usize) -> Option<(usize, usize)> {
    let mut k = after_close;
    if d.toks.get(k).is_some_and(|t| t.is_punct(',')) {
        k += 1;
    }
    let np_end =
        (k..k + 6).find(|x| d.toks.get(*x).is_some_and(|t| verb_form(&t.low).is_some()))?;
    let mut j = np_end + 1;
    if d.toks.get(j).is_some_and(|t| t.is_punct(',')) {
        j += 1;
    }
    let qi = d.in_quote.get(j).copied().flatten()?;
    (d.quotes[qi].open == d.toks[j].s).then_some((qi, j))
}

/// Where a sentence's content ends: before its final punctuation (kept when inside a
/// closing quote).
fn content_end(d: &Doc, si: usize) -> usize {
    let r = d.sent_toks[si].clone();
    let mut k = r.end;
    while k > r.start {
        let t = &d.toks[k - 1];
        if t.kind == TK::Punct
            && matches!(t.low.as_str(), "." | "!" | "?" | ";" | ":" | ",")
            && d.in_quote[k - 1].is_none()
        {
            k -= 1;
            continue;
        }
        break;
    }
    if k == r.start {
        return d.sents[si].end;
    }
    d.toks[k - 1].e
}

/// The part of the sentence before the cue (or before the comma that precedes the speaker),
/// without leading connectives.
fn clause_before(d: &Doc, si: usize, upto: usize) -> Range<usize> {
    let r = d.sent_toks[si].clone();
    let mut e = upto;
    while e > r.start && d.toks[e - 1].kind == TK::Punct && !d.is_quote_tok(e - 1) {
        e -= 1;
    }
    if e <= r.start {
        return 0..0;
    }
    let mut s = r.start;
    // Strip "However," and the like.
    while s < e && CONNECTIVES.contains(&d.low(s)) {
        s += 1;
        if d.toks.get(s).is_some_and(|t| t.is_punct(',')) {
            s += 1;
        }
    }
    if s >= e {
        return 0..0;
    }
    trim_range(d, d.toks[s].s..d.toks[e - 1].e)
}

/// The quotation(s) closed just before token `upto` ("…," he said), or the clause before.
fn left_content(d: &Doc, si: usize, upto: usize) -> (Range<usize>, Vec<usize>) {
    let r = d.sent_toks[si].clone();
    let mut p = upto;
    while p > r.start && d.toks[p - 1].is_punct(',') {
        p -= 1;
    }
    // The clause's first word, past connectives ("However, …").
    let mut first = r.start;
    while first < p && CONNECTIVES.contains(&d.low(first)) {
        first += 1;
        if d.toks.get(first).is_some_and(|t| t.is_punct(',')) {
            first += 1;
        }
    }
    if p > 0
        && let Some(qi) = d.in_quote[p - 1]
        && d.is_quote_tok(p - 1)
    {
        let q = &d.quotes[qi];
        // Only a quotation that makes up the clause is the content by itself; words before
        // it ("… could "displace domestic producers", he added") belong to the content too.
        let starts_clause = q.open <= d.toks.get(first).map(|t| t.s).unwrap_or(0);
        if starts_clause {
            return (q.inner.clone(), vec![qi]);
        }
    }
    let c = clause_before(d, si, upto);
    let q = quotes_in(d, &c);
    (c, q)
}

fn quotes_in(d: &Doc, r: &Range<usize>) -> Vec<usize> {
    d.quotes
        .iter()
        .enumerate()
        .filter(|(_, q)| {
            q.open >= r.start.saturating_sub(3) && q.inner.end <= r.end + 3 && q.inner.start < r.end
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether the quotations make up (nearly) all of the content.
fn quotes_cover(d: &Doc, qs: &[usize], r: &Range<usize>) -> bool {
    let inner: usize = qs
        .iter()
        .filter_map(|q| d.quotes.get(*q))
        .map(|q| q.inner.len())
        .sum();
    inner * 10 >= r.len() * 8
}

/// Trims spaces, a trailing comma and a full stop outside quotes.
fn trim_range(d: &Doc, r: Range<usize>) -> Range<usize> {
    let s = d.text.get(r.clone()).unwrap_or("");
    let lead = s.len() - s.trim_start().len();
    let mut t = s.trim();
    while let Some(x) = t.strip_suffix([',', ';', ':']) {
        t = x.trim_end();
    }
    if let Some(x) = t.strip_suffix('.')
        && !x.ends_with('.')
    {
        t = x;
    }
    r.start + lead..r.start + lead + t.len()
}

fn according_to(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> usize {
    let r = d.sent_toks[si].clone();
    let Some(np) = np_forward(d, i + 2, r.end) else {
        return i + 2;
    };
    let mut why = vec!["cue: `according to`".to_string()];
    // "according to NP, CONTENT" or "CONTENT, according to NP".
    let content = if i == r.start
        || (i > r.start && CONNECTIVES.contains(&d.low(r.start)) && i <= r.start + 2)
    {
        let mut k = np.last + 1;
        if d.toks.get(k).is_some_and(|t| t.is_punct(',')) {
            k += 1;
        }
        if k >= r.end {
            return np.last + 1;
        }
        why.push("content: the clause after `according to …,`".into());
        trim_range(d, d.toks[k].s..content_end(d, si))
    } else {
        why.push("content: the clause before `according to`".into());
        let mut c = clause_before(d, si, i);
        // "…, according to NP, …": the rest of the sentence belongs to the content too.
        if np.last + 1 < r.end && d.toks[np.last + 1].is_punct(',') && np.last + 2 < r.end {
            let e = content_end(d, si);
            if e > c.end {
                c = c.start..e;
            }
        }
        c
    };
    let quotes = quotes_in(d, &content);
    let channel = sentence_channel(d, si);
    out.push(Raw {
        id: 0,
        kind: ProposalKind::Report,
        cue: (i, i + 1),
        who: Who::Np(np.clone()),
        content,
        quotes,
        channel,
        sent: si,
        base: 0.85,
        why,
        stance: false,
    });
    np.last + 1
}

/// Nouns of polls and surveys, whose findings are attributed to them ("in a poll released
/// Monday, …").
const POLL_NOUNS: &[&str] = &["poll", "polls", "survey", "surveys", "polling"];

/// A poll as a source through "in": "In a poll released Monday, 50 percent chose …" (the
/// clause after the comma) and "… leads by 10 points in the latest national poll." (the
/// clause before).
fn poll_in(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    if d.low(i) != "in" {
        return None;
    }
    let r = d.sent_toks[si].clone();
    // The phrase after "in", up to a comma or the end of the sentence.
    let stop = (i + 1..(i + 16).min(r.end))
        .find(|k| {
            d.toks[*k].kind == TK::Punct && !matches!(d.low(*k), "-" | "/" | "&" | "'" | "’")
                || d.in_quote[*k].is_some()
        })
        .unwrap_or(r.end);
    let noun = (i + 1..stop.min(i + 10)).find(|k| POLL_NOUNS.contains(&d.low(*k)))?;
    // "in the polls" / "in a CNN poll"; not "in polling places".
    if noun + 1 < stop
        && !matches!(
            d.low(noun + 1),
            "released"
                | "conducted"
                | "published"
                | "taken"
                | "out"
                | "by"
                | "of"
                | "last"
                | "this"
                | "on"
                | "from"
                | "that"
        )
    {
        return None;
    }
    let ends_np = stop >= r.end
        || d.toks[stop].is_punct(',')
        || (d.toks[stop].kind == TK::Punct && d.toks[stop].s >= content_end(d, si));
    if !ends_np {
        return None;
    }
    let np = NpRef {
        first: i + 1,
        last: stop - 1,
        name: None,
    };
    let lead = i == r.start
        || (i == r.start + 1 && CONNECTIVES.contains(&d.low(r.start)))
        || (i == r.start + 2
            && CONNECTIVES.contains(&d.low(r.start))
            && d.toks[r.start + 1].is_punct(','));
    let mut why = vec!["cue: `in` a poll or survey (the poll is the source)".to_string()];
    let content = if lead {
        if stop >= r.end || !d.toks[stop].is_punct(',') || stop + 1 >= r.end {
            return None;
        }
        why.push("content: the clause after `In … poll,`".into());
        trim_range(d, d.toks[stop + 1].s..content_end(d, si))
    } else {
        // The clause before: it must have a verb of its own ("he fell to 10 percent in …"),
        // not be someone taking part ("respondents in the survey").
        // Only a particular poll ("in a Quinnipiac poll", "in the survey"), not "in the
        // polls" at large.
        let particular = matches!(d.low(noun), "poll" | "survey")
            && (i + 1..noun).any(|k| {
                d.cap(k)
                    || matches!(
                        d.low(k),
                        "a" | "an" | "this" | "that" | "latest" | "new" | "recent"
                    )
            });
        if !particular
            || i == r.start
            || matches!(
                d.low(i - 1),
                "respondents"
                    | "participants"
                    | "participated"
                    | "included"
                    | "interviewed"
                    | "questioned"
                    | "asked"
                    | "surveyed"
                    | "polled"
                    | "those"
                    | "people"
                    | "voters"
            )
        {
            return None;
        }
        why.push("content: the clause before `in … poll`".into());
        clause_before(d, si, i)
    };
    if content.is_empty() {
        return None;
    }
    let quotes = quotes_in(d, &content);
    out.push(Raw {
        id: 0,
        kind: ProposalKind::Report,
        cue: (i, i),
        who: Who::Np(np),
        content,
        quotes,
        channel: Some(Channel::Report),
        sent: si,
        base: 0.6,
        why,
        stance: false,
    });
    Some(stop)
}

/// Evidentials without a source: "NP seems to …", "NP appeared to …", "NP is expected to
/// …", "NP is likely to …". The content is the subject with what follows the cue.
fn evidential(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    if i == r.start {
        return None;
    }
    let w = d.low(i);
    let next = d.low(i + 1);
    let seem = matches!(
        w,
        "seem" | "seems" | "seemed" | "appear" | "appears" | "appeared"
    ) && matches!(next, "to" | "that");
    let expected = w == "expected"
        && next == "to"
        && matches!(d.low(i - 1), "is" | "are" | "was" | "were" | "be" | "been");
    if !(seem || expected) {
        return None;
    }
    let mut cs = i;
    while cs > r.start
        && d.in_quote[cs - 1].is_none()
        && (CUE_AUX.contains(&d.low(cs - 1)) || BE.contains(&d.low(cs - 1)))
    {
        cs -= 1;
    }
    let start = match subject_before(d, si, cs) {
        Some(np) => np.first,
        None => cs,
    };
    if start == cs || d.in_quote[start].is_some() {
        return None;
    }
    let content = trim_range(d, d.toks[start].s..content_end(d, si));
    if content.end <= d.toks[i].e {
        return None;
    }
    let why = vec![
        format!(
            "cue: `{}` (an evidential: how things look, with no source named)",
            d.words(cs, i)
        ),
        "content: the subject and what follows the cue".to_string(),
    ];
    let quotes = quotes_in(d, &content);
    out.push(Raw {
        id: 0,
        kind: ProposalKind::Indirect,
        cue: (cs, i),
        who: Who::Nobody,
        content,
        quotes,
        channel: None,
        sent: si,
        base: 0.45,
        why,
        stance: true,
    });
    Some(i + 1)
}

/// Nouns that report what someone said or thinks, when a possessor names the source:
/// "the senator's claim that …", "his call for …", "their support for …".
const NOUN_CUES: &[&str] = &[
    "statement",
    "statements",
    "claim",
    "claims",
    "remarks",
    "comments",
    "comment",
    "assertion",
    "assertions",
    "proposal",
    "proposals",
    "call",
    "calls",
    "warning",
    "warnings",
    "promise",
    "promises",
    "pledge",
    "vow",
    "criticism",
    "criticisms",
    "accusation",
    "accusations",
    "suggestion",
    "argument",
    "arguments",
    "belief",
    "beliefs",
    "view",
    "views",
    "position",
    "positions",
    "stance",
    "opinion",
    "announcement",
    "testimony",
    "tweet",
    "tweets",
    "speech",
    "support",
    "opposition",
    "endorsement",
    "insistence",
    "contention",
    "concern",
    "concerns",
    "praise",
    "rhetoric",
    "description",
    "characterization",
    "characterisation",
    "assessment",
    "prediction",
    "predictions",
    "refusal",
    "denial",
    "denials",
    "admission",
    "defense",
    "defence",
    "response",
    "answer",
    "reply",
    "message",
    "complaint",
    "complaints",
    "demand",
    "demands",
    "request",
    "questions",
    "plea",
    "appeal",
    "decision",
    "plan",
    "plans",
];

/// A cue noun with its possessor: "Smith's claim that …", "her call for …". The source is
/// the possessor, the content what follows the noun (to the clause's end).
fn noun_cue(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    let w = d.low(i);
    if i == r.start || !NOUN_CUES.contains(&w) || d.in_quote[i].is_some() {
        return None;
    }
    let mut k = i - 1;
    // One adjective between: "his latest remarks", "Trump's controversial proposal".
    let owner = |x: &str| {
        x.ends_with("'s") || x.ends_with("s'") || matches!(x, "his" | "her" | "their" | "its")
    };
    if !owner(d.low(k)) && k > r.start && !d.cap(k) && d.is_word(k) && verb_form(d.low(k)).is_none()
    {
        k -= 1;
    }
    let pos = d.low(k);
    let possessive = pos.ends_with("'s") || pos.ends_with("s'");
    let pronoun = matches!(pos, "his" | "her" | "their" | "its");
    if !(possessive || pronoun) || d.in_quote[k].is_some() {
        return None;
    }
    let next = d.low(i + 1);
    let introduces = matches!(
        next,
        "that" | "to" | "for" | "of" | "on" | "about" | "against" | "over" | ":"
    ) || (d.is_quote_tok(i + 1) && d.in_quote[i + 1].is_some());
    if !introduces || i + 2 >= r.end {
        return None;
    }
    // The possessor: a name ("Donald Trump's"), a noun phrase ("the senator's"), a pronoun.
    let np = if pronoun {
        NpRef {
            first: k,
            last: k,
            name: None,
        }
    } else {
        let mut np = np_back(d, r.start, k)?;
        np.last = k;
        np
    };
    if !pronoun && !plausible_speaker(d, &np) && !d.cap(k) {
        return None;
    }
    let start = if matches!(next, "that" | "to" | ":") || d.is_quote_tok(i + 1) {
        i + 1
    } else {
        i + 2
    };
    let start = if d.toks[start].is_punct(':') {
        start + 1
    } else {
        start
    };
    let start_b = d.toks.get(start)?.s;
    let mut end = content_end(d, si);
    if let Some(c) = (start + 1..r.end)
        .find(|x| d.toks[*x].is_punct(',') && d.in_quote[*x].is_none() && d.toks[*x].s < end)
    {
        end = d.toks[c].s;
    }
    let content = trim_range(d, start_b..end);
    if content.is_empty() {
        return None;
    }
    let quotes = quotes_in(d, &content);
    let direct = !quotes.is_empty() && quotes_cover(d, &quotes, &content);
    out.push(Raw {
        id: 0,
        kind: if direct {
            ProposalKind::Direct
        } else {
            ProposalKind::Indirect
        },
        cue: (i, i),
        who: Who::Np(np),
        content,
        quotes,
        channel: None,
        sent: si,
        base: 0.55,
        why: vec![
            format!(
                "cue: the noun `{}` with its possessor `{}`",
                d.low(i),
                d.words(k, k)
            ),
            "content: what follows the noun, to the clause's end".to_string(),
        ],
        stance: true,
    });
    Some(i + 1)
}

/// "Asked about …, she said …", "When asked whether …": the question put to someone by
/// unnamed askers; the content is the question, up to the comma.
fn asked(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    if d.low(i) != "asked" {
        return None;
    }
    let lead = i == r.start
        || (i == r.start + 1 && matches!(d.low(r.start), "when" | "if" | "once" | "after"))
        || (i > r.start && d.low(i - 1) == "when" && d.toks[i - 2].is_punct(','));
    if !lead
        || !matches!(
            d.low(i + 1),
            "about"
                | "if"
                | "whether"
                | "what"
                | "how"
                | "why"
                | "who"
                | "where"
                | "when"
                | "to"
                | "on"
                | "for"
                | "by"
                | "specifically"
                | "again"
                | "later"
                | "directly"
        )
    {
        return None;
    }
    let comma = (i + 2..r.end).find(|k| d.toks[*k].is_punct(',') && d.in_quote[*k].is_none())?;
    let content = trim_range(d, d.toks[i + 1].s..d.toks[comma].s);
    if content.is_empty() {
        return None;
    }
    let quotes = quotes_in(d, &content);
    out.push(Raw {
        id: 0,
        kind: ProposalKind::Indirect,
        cue: (i, i),
        who: Who::Nobody,
        content,
        quotes,
        channel: Some(Channel::Interview),
        sent: si,
        base: 0.45,
        why: vec![
            "cue: `asked` opening the sentence (a question put by unnamed askers)".to_string(),
            "content: the question, up to the comma".to_string(),
        ],
        stance: false,
    });
    // The answer ("…, she said …") is found by the rules that follow.
    Some(comma)
}

/// "did not respond to requests for comment", "has yet to respond", "could not be reached",
/// "not yet yielded a response", "no response".
fn no_response(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    let w = |k: usize| if k < r.end { d.low(k) } else { "" };
    let respond = |x: &str| {
        matches!(
            x,
            "respond"
                | "responded"
                | "reply"
                | "replied"
                | "return"
                | "returned"
                | "answer"
                | "answered"
                | "comment"
        )
    };
    let mut k;
    let start;
    if matches!(
        w(i),
        "did" | "does" | "has" | "have" | "had" | "could" | "would"
    ) && matches!(w(i + 1), "not" | "n't")
    {
        k = i + 2;
        while matches!(w(k), "yet" | "immediately" | "so" | "far" | "as") {
            k += 1;
        }
        if respond(w(k)) && w(k) != "comment"
            || (w(k) == "be" && w(k + 1) == "reached")
            || (w(k) == "yielded" && matches!(w(k + 1), "a" | "any"))
        {
            start = i;
        } else {
            return None;
        }
    } else if matches!(w(i), "has" | "have" | "had")
        && w(i + 1) == "yet"
        && w(i + 2) == "to"
        && respond(w(i + 3))
    {
        start = i;
        k = i + 3;
    } else if w(i) == "not" && w(i + 1) == "yet" && w(i + 2) == "yielded" {
        start = i;
        k = i + 2;
    } else if w(i) == "no"
        && matches!(w(i + 1), "response" | "reply")
        && i > r.start
        && !DETERMINERS.contains(&w(i - 1))
    {
        start = i;
        k = i + 1;
    } else {
        return None;
    }
    // Extend over "to (a) request(s) for comment/clarification", "be reached for comment",
    // "yielded a response".
    let mut last = k;
    k += 1;
    while k < r.end
        && matches!(
            w(k),
            "to" | "a"
                | "an"
                | "any"
                | "request"
                | "requests"
                | "for"
                | "comment"
                | "clarification"
                | "reached"
                | "be"
                | "response"
                | "reply"
                | "inquiries"
                | "queries"
                | "messages"
                | "emails"
                | "calls"
                | "immediately"
                | "further"
        )
    {
        last = k;
        k += 1;
    }
    let why = vec![format!("cue: `{}` (no response)", d.words(start, last))];
    // "Inquiries made to Google, Microsoft, and Nvidia for comment have … not yielded a
    // response": each addressee did not respond.
    let addressees = addressees(d, si, start);
    if !addressees.is_empty() {
        for np in addressees {
            let mut why = why.clone();
            why.push(format!(
                "speaker: `{}`, to whom the request for comment was made",
                d.words(np.first, np.last)
            ));
            let content = d.tok_span(np.first, last);
            out.push(Raw {
                id: 0,
                kind: ProposalKind::NoResponse,
                cue: (start, last),
                who: Who::Np(np),
                content: trim_range(d, d.toks[r.start].s.min(content.start)..content_end(d, si)),
                quotes: Vec::new(),
                channel: None,
                sent: si,
                base: 0.85,
                why,
                stance: false,
            });
        }
        return Some(last + 1);
    }
    let Some(np) = subject_before(d, si, start) else {
        return Some(last + 1);
    };
    let content = trim_range(d, d.toks[start].s..content_end(d, si));
    out.push(Raw {
        id: 0,
        kind: ProposalKind::NoResponse,
        cue: (start, last),
        who: Who::Np(np),
        content,
        quotes: Vec::new(),
        channel: None,
        sent: si,
        base: 0.85,
        why,
        stance: false,
    });
    Some(last + 1)
}

/// The parties a request for comment was made to: "(inquiries|requests) (made|sent) to A, B
/// and C for comment".
fn addressees(d: &Doc, si: usize, before: usize) -> Vec<NpRef> {
    let r = d.sent_toks[si].clone();
    let Some(to) = (r.start..before).find(|k| {
        d.low(*k) == "to"
            && (r.start..*k).any(|j| {
                matches!(
                    d.low(j),
                    "inquiries" | "requests" | "queries" | "approaches" | "questions"
                )
            })
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut k = to + 1;
    let mut cur: Option<(usize, usize)> = None;
    while k < before && d.low(k) != "for" {
        if d.cap(k) {
            cur = Some(match cur {
                Some((f, _)) => (f, k),
                None => (k, k),
            });
        } else if let Some((f, l)) = cur.take() {
            out.push(NpRef {
                first: f,
                last: l,
                name: None,
            });
        }
        k += 1;
    }
    if let Some((f, l)) = cur {
        out.push(NpRef {
            first: f,
            last: l,
            name: None,
        });
    }
    out
}

/// "declined to comment", "refused to comment", "would not comment", "has not offered
/// specific commentary".
fn declined(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    let w = |k: usize| if k < r.end { d.low(k) } else { "" };
    let topic = |x: &str| {
        matches!(
            x,
            "comment" | "say" | "discuss" | "elaborate" | "speculate" | "confirm"
        )
    };
    let (start, last) = if matches!(
        w(i),
        "declined" | "declines" | "declining" | "decline" | "refused" | "refuses" | "refusing"
    ) && w(i + 1) == "to"
        && topic(w(i + 2))
    {
        let mut cs = i;
        while cs > r.start && CUE_AUX.contains(&d.low(cs - 1)) {
            cs -= 1;
        }
        (cs, i + 2)
    } else if matches!(
        w(i),
        "would" | "did" | "could" | "will" | "has" | "have" | "had"
    ) && matches!(w(i + 1), "not" | "n't")
    {
        let mut k = i + 2;
        let mut steps = 0;
        while k < r.end && steps < 4 && !matches!(w(k), "comment" | "commentary" | "comments") {
            if !matches!(
                w(k),
                "offered"
                    | "provided"
                    | "given"
                    | "made"
                    | "immediately"
                    | "any"
                    | "specific"
                    | "further"
                    | "a"
                    | "publicly"
                    | "officially"
                    | "directly"
                    | "offer"
                    | "provide"
                    | "give"
            ) {
                return None;
            }
            k += 1;
            steps += 1;
        }
        if !matches!(w(k), "comment" | "commentary" | "comments") {
            return None;
        }
        (i, k)
    } else {
        return None;
    };
    let mut why = vec![format!(
        "cue: `{}` (declined to comment)",
        d.words(start, last)
    )];
    let who = match subject_before(d, si, start) {
        Some(np) => Who::Np(np),
        None => {
            if let Some(j) = out.iter().rposition(|x| x.sent == si) {
                why.push("speaker: the subject of the main clause".into());
                Who::SameAs(j)
            } else {
                let Some(np) = leading_np(d, si) else {
                    return Some(last + 1);
                };
                Who::Np(np)
            }
        }
    };
    // What was not commented on: "on the specifics of …" up to the clause end.
    let mut e = last + 1;
    let mut end_b = d.toks[last].e;
    if matches!(w(e), "on" | "about" | "directly") {
        while e < r.end
            && !(d.toks[e].is_punct(',') && d.in_quote[e].is_none())
            && !(d.toks[e].kind == TK::Punct && matches!(d.toks[e].low.as_str(), "." | ";"))
        {
            end_b = d.toks[e].e;
            e += 1;
        }
    }
    let content = trim_range(d, d.toks[start].s..end_b);
    let quotes = quotes_in(d, &content);
    out.push(Raw {
        id: 0,
        kind: ProposalKind::DeclinedToComment,
        cue: (start, last),
        who,
        content,
        quotes,
        channel: None,
        sent: si,
        base: 0.85,
        why,
        stance: false,
    });
    Some(last + 1)
}

/// "it is understood that …", "X are understood to …".
fn understood(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    let w = |k: usize| if k < r.end { d.low(k) } else { "" };
    if w(i) == "it" && matches!(w(i + 1), "is" | "was" | "'s") && w(i + 2) == "understood" {
        let mut k = i + 3;
        if d.toks.get(k).is_some_and(|t| t.is_punct(',')) {
            k += 1;
        }
        let content = trim_range(
            d,
            d.toks.get(k).map(|t| t.s).unwrap_or(d.sents[si].end)..content_end(d, si),
        );
        let quotes = quotes_in(d, &content);
        let why =
            vec!["cue: `it is understood` (the outlet's unattributed understanding)".to_string()];
        out.push(Raw {
            id: 0,
            kind: ProposalKind::Understood,
            cue: (i, i + 2),
            who: Who::Publisher,
            content,
            quotes,
            channel: Some(Channel::Report),
            sent: si,
            base: 0.6,
            why,
            stance: false,
        });
        return Some(i + 3);
    }
    if matches!(w(i), "is" | "are" | "was" | "were") && w(i + 1) == "understood" && w(i + 2) == "to"
    {
        let content = trim_range(d, d.toks[r.start].s..content_end(d, si));
        let quotes = quotes_in(d, &content);
        let why = vec![format!(
            "cue: `{} understood to` (the outlet's unattributed understanding)",
            w(i)
        )];
        out.push(Raw {
            id: 0,
            kind: ProposalKind::Understood,
            cue: (i, i + 2),
            who: Who::Publisher,
            content,
            quotes,
            channel: Some(Channel::Report),
            sent: si,
            base: 0.55,
            why,
            stance: false,
        });
        return Some(i + 3);
    }
    None
}

/// "The initial report on X emerged from The New York Times".
fn report_noun(d: &Doc, si: usize, i: usize, out: &mut Vec<Raw>) -> Option<usize> {
    let r = d.sent_toks[si].clone();
    if !matches!(d.low(i), "report" | "reports" | "reporting")
        || i == r.start
        || !DETERMINERS.contains(&d.low(i - 1))
    {
        return None;
    }
    let from = (i + 1..(i + 14).min(r.end)).find(|k| {
        matches!(d.low(*k), "from" | "by")
            && matches!(
                d.low(k - 1),
                "emerged" | "came" | "comes" | "published" | "first" | "originated" | "surfaced"
            )
    })?;
    let np = np_forward(d, from + 1, r.end)?;
    if !(np.first..=np.last).any(|k| d.cap(k)) {
        return None;
    }
    let mut cs = i + 1;
    if matches!(d.low(cs), "on" | "of" | "about" | "into") {
        cs += 1;
    }
    let mut ce = from - 1;
    while ce > cs
        && matches!(
            d.low(ce),
            "emerged"
                | "came"
                | "comes"
                | "published"
                | "first"
                | "originated"
                | "surfaced"
                | "was"
                | "were"
                | "had"
                | "has"
        )
    {
        ce -= 1;
    }
    if ce < cs {
        return None;
    }
    let content = d.tok_span(cs, ce);
    let why = vec![
        format!(
            "cue: the noun `{}` with its source after `{}`",
            d.low(i),
            d.words(from - 1, from)
        ),
        "content: what the report is on".to_string(),
    ];
    out.push(Raw {
        id: 0,
        kind: ProposalKind::Report,
        cue: (i, i),
        who: Who::Np(np.clone()),
        content,
        quotes: Vec::new(),
        channel: Some(Channel::Report),
        sent: si,
        base: 0.8,
        why,
        stance: false,
    });
    Some(np.last + 1)
}

// ---------------------------------------------------------------- speakers

fn resolve_speaker(
    d: &Doc,
    m: &Matchers,
    np: &NpRef,
    history: &[Resolved],
    on: Option<Date>,
    why: &mut Vec<String>,
) -> Option<Resolved> {
    let words = d.words(np.first, np.last);
    let span = d.span(d.tok_span(np.first, np.last));
    let lw = contracted_pronoun(d.low(np.first))
        .filter(|_| np.first == np.last)
        .unwrap_or(d.low(np.first));
    // Pronouns (and possessive pronouns owning a cue noun: "her call for …").
    if np.first == np.last
        && (PRONOUNS_PERSON.contains(&lw)
            || PRONOUNS_PLURAL.contains(&lw)
            || PRONOUNS_OTHER.contains(&lw)
            || matches!(lw, "his" | "her" | "their" | "its"))
    {
        let want_person = PRONOUNS_PERSON.contains(&lw) || matches!(lw, "his" | "her");
        // "I", "we" and "you" are the writer, a transcript's speaker or the audience: not
        // the last person named.
        let first_person = matches!(lw, "i" | "we" | "you");
        let ante = history
            .iter()
            .rev()
            .filter(|_| !first_person)
            .find(|h| if want_person { h.person } else { !h.person });
        return match ante {
            Some(a) => {
                why.push(format!(
                    "speaker: `{words}` refers back to `{}`",
                    a.guess.name.clone().unwrap_or(a.guess.text.clone())
                ));
                let mut g = a.guess.clone();
                g.antecedent = Some(a.guess.antecedent.clone().unwrap_or(a.guess.span.clone()));
                g.text = words;
                g.span = span;
                g.confidence = (a.guess.confidence * 0.85 * 100.0).round() / 100.0;
                g.name = a.guess.name.clone().or(Some(a.guess.text.clone()));
                Some(Resolved {
                    guess: g,
                    person: a.person,
                    head: a.head.clone(),
                })
            }
            None => {
                why.push(if first_person {
                    format!("speaker: `{words}` (first or second person: left unresolved)")
                } else {
                    format!("speaker: `{words}` with nobody earlier to refer to")
                });
                Some(Resolved {
                    guess: SpeakerGuess {
                        text: words,
                        span,
                        party_id: None,
                        candidates: Vec::new(),
                        name: None,
                        antecedent: None,
                        confidence: 0.3,
                    },
                    person: want_person || first_person,
                    head: lw.to_string(),
                })
            }
        };
    }
    // Possessive pronoun + statement: "His statement suggests".
    if matches!(lw, "his" | "her")
        && np.last > np.first
        && let Some(a) = history.iter().rev().find(|h| h.person)
    {
        {
            why.push(format!(
                "speaker: `{words}` refers back to `{}`",
                a.guess.text
            ));
            let mut g = a.guess.clone();
            g.antecedent = Some(a.guess.span.clone());
            g.text = words;
            g.span = span;
            g.confidence = (a.guess.confidence * 0.7 * 100.0).round() / 100.0;
            return Some(Resolved {
                guess: g,
                person: true,
                head: a.head.clone(),
            });
        }
    }
    let hits = find_hits(d.text, &d.toks, np.first..np.last + 1, &m.parties, on);
    let head = d.low(np.last).to_string();
    let head_base = d
        .toks
        .get(np.last)
        .map(|t| t.base().to_string())
        .unwrap_or_default();
    let org_head = ORG_HEADS.contains(&head_base.as_str()) || ORG_HEADS.contains(&head.as_str());
    let mut cands: Vec<(String, f64, &'static str)> = Vec::new();
    for h in &hits {
        let at_end = h.last == np.last || np.name.is_some_and(|(_, l)| h.last == l);
        let mut s = h.pat.score;
        if at_end {
            s += 0.05;
        } else if org_head {
            s -= 0.1;
        } else if d.cap(np.last) {
            // The phrase ends in a name the dataset does not know: "BBC News business
            // editor Simon Jack" — the outlet is only a candidate.
            s -= 0.5;
        } else {
            s -= 0.45;
        }
        if let Some(c) = cands.iter_mut().find(|c| c.0 == h.pat.id) {
            if s > c.1 {
                c.1 = s;
                c.2 = h.pat.how;
            }
        } else {
            cands.push((h.pat.id.clone(), s, h.pat.how));
        }
    }
    // "The United Kingdom government" → the party written as "UK government".
    if matches!(head_base.as_str(), "government" | "administration") {
        let countries: Vec<String> = hits
            .iter()
            .filter(|h| m.party_kind(&h.pat.id) == Some(PartyKind::Country))
            .map(|h| h.pat.id.clone())
            .collect();
        for c in countries {
            let forms: Vec<&Vec<String>> = m
                .parties
                .iter()
                .filter(|p| p.id == c && p.live(on))
                .map(|p| &p.words)
                .collect();
            for p in m.parties.iter().filter(|p| p.live(on)) {
                if p.words.len() >= 2
                    && p.words.last().map(String::as_str) == Some(head_base.as_str())
                    && forms
                        .iter()
                        .any(|f| f.as_slice() == &p.words[..p.words.len() - 1])
                    && m.party_kind(&p.id) != Some(PartyKind::Country)
                {
                    cands.retain(|x| x.0 != c && x.0 != p.id);
                    cands.push((p.id.clone(), 0.85, "country and head noun"));
                }
            }
        }
    }
    cands.sort_by(|a, b| b.1.total_cmp(&a.1));
    // A name the dataset does not know: the trailing capitalised words after titles.
    let unknown_name = person_name(d, np);
    // Back references: "the spokesperson", "the company".
    if cands.is_empty() && matches!(lw, "the" | "this" | "that") {
        let hb = head_base.as_str();
        if BACK_REFERENCES.contains(&hb) {
            let ante = history.iter().rev().find(|h| {
                h.guess.text.to_lowercase().contains(hb)
                    || h.head == hb
                    || (matches!(hb, "company" | "firm")
                        && h.guess.party_id.as_ref().and_then(|p| m.party_kind(p))
                            == Some(PartyKind::Company))
            });
            if let Some(a) = ante {
                why.push(format!(
                    "speaker: `{words}` refers back to `{}`",
                    a.guess.text
                ));
                let mut g = a.guess.clone();
                g.antecedent = Some(a.guess.span.clone());
                g.text = words;
                g.span = span;
                g.confidence = (a.guess.confidence * 0.85 * 100.0).round() / 100.0;
                return Some(Resolved {
                    guess: g,
                    person: a.person,
                    head: a.head.clone(),
                });
            }
        }
    }
    // "Mr Bates", "Ms. Renison" → the earlier full name.
    let mut name = unknown_name.clone();
    if cands.is_empty()
        && let Some(n) = &unknown_name
        && !n.contains(' ')
    {
        if let Some(a) = history.iter().rev().find(|h| {
            h.guess
                .name
                .as_deref()
                .is_some_and(|x| x.ends_with(&format!(" {n}")))
        }) {
            why.push(format!(
                "speaker: `{words}` is `{}` named earlier",
                a.guess.name.clone().unwrap_or_default()
            ));
            let mut g = a.guess.clone();
            g.antecedent = Some(a.guess.span.clone());
            g.text = words;
            g.span = span;
            return Some(Resolved {
                guess: g,
                person: true,
                head: a.head.clone(),
            });
        }
        if let Some(full) = full_name_before(d, np.first, n) {
            why.push(format!(
                "speaker: `{words}` is `{full}` named earlier in the article"
            ));
            name = Some(full);
        }
    }
    let best = cands.first().filter(|c| c.1 >= 0.6);
    let party_id = best.map(|c| c.0.clone());
    let kind = party_id.as_ref().and_then(|p| m.party_kind(p));
    let person = kind
        .map(|k| k == PartyKind::Person)
        .unwrap_or(unknown_name.is_some() && !org_head);
    let confidence = match best {
        Some(c) => c.1.min(0.95),
        None if name.is_some() => 0.7,
        None if (np.first..=np.last).any(|k| d.cap(k)) => 0.6,
        None => 0.45,
    };
    match best {
        Some(c) => why.push(format!(
            "speaker: `{words}` matches party `{}` by {}",
            c.0, c.2
        )),
        None if name.is_some() => {
            why.push(format!("speaker: `{words}`, a person not in the dataset"))
        }
        None => why.push(format!("speaker: `{words}`, not matched to a party")),
    }
    if let (Some(on), Some(c)) = (on, best)
        && c.2 == "role"
    {
        why.push(format!("post title held on {on}"));
    }
    Some(Resolved {
        guess: SpeakerGuess {
            text: words,
            span,
            party_id,
            candidates: cands
                .iter()
                .map(|c| (c.0.clone(), (c.1.clamp(0.0, 1.0) * 100.0).round() / 100.0))
                .collect(),
            name: if kind.is_some_and(|k| k != PartyKind::Person) {
                None
            } else {
                name
            },
            antecedent: None,
            confidence: (confidence * 100.0).round() / 100.0,
        },
        person,
        head: head_base,
    })
}

/// The trailing capitalised words of a noun phrase once titles are removed: "Technology
/// Secretary Liz Kendall" → "Liz Kendall"; "Spokeswoman Haley Morris" → "Haley Morris".
fn person_name(d: &Doc, np: &NpRef) -> Option<String> {
    let (f, l) = np.name.unwrap_or((np.first, np.last));
    if !d.cap(l) || ORG_HEADS.contains(&d.low(l)) {
        return None;
    }
    let mut k = l;
    while k > f && d.cap(k - 1) && !d.low(k - 1).ends_with("'s") {
        k -= 1;
    }
    while k < l && TITLES.contains(&d.low(k)) {
        k += 1;
    }
    if TITLES.contains(&d.low(k)) && k == l {
        return None;
    }
    let w = d.words(k, l);
    // A single capitalised word that is a country or an organisation is not a name; the
    // caller only uses this when no party matched.
    Some(w)
}

/// "Bates" → "Liam Bates" if the article wrote the full name before.
fn full_name_before(d: &Doc, before: usize, surname: &str) -> Option<String> {
    let sl = text::fold_word(surname);
    (1..before).rev().find_map(|k| {
        let t = &d.toks[k];
        (t.base() == sl && d.cap(k - 1) && !TITLES.contains(&d.low(k - 1)))
            .then(|| d.words(k - 1, k))
    })
}

// ---------------------------------------------------------------- items

fn find_mentions(d: &Doc, m: &Matchers, on: Option<Date>) -> Vec<Mention> {
    let mut out = Vec::new();
    let hits = find_hits(d.text, &d.toks, 0..d.toks.len(), &m.items, None);
    let mut taken = vec![false; d.toks.len()];
    for h in &hits {
        for t in taken.iter_mut().take(h.last + 1).skip(h.first) {
            *t = true;
        }
        out.push(Mention {
            first: h.first,
            last: h.last,
            ids: vec![(h.pat.id.clone(), h.pat.score)],
            via: h.pat.how,
            generic: None,
        });
    }
    for (i, &is_taken) in taken.iter().enumerate() {
        if is_taken || !d.is_word(i) {
            continue;
        }
        let w = d.low(i);
        // Money: "£31 billion".
        if let Some((amount, cur, last)) = money_at(d.text, &d.toks, i) {
            let ps = m.pledges_with_money(amount, &cur);
            if !ps.is_empty() {
                out.push(Mention {
                    first: i,
                    last,
                    ids: ps.iter().map(|p| (p.id.clone(), 0.8)).collect(),
                    via: "money",
                    generic: None,
                });
            }
            continue;
        }
        // "Nvidia's … investment": a company's pledge.
        if d.cap(i) {
            let base = d.toks[i].base();
            let party = m
                .parties
                .starting(base)
                .iter()
                .filter_map(|&k| m.parties.pats.get(k))
                .find(|p| {
                    p.words.len() == 1
                        && p.words[0] == base
                        && p.live(on)
                        && m.party_kind(&p.id) == Some(PartyKind::Company)
                });
            if let Some(p) = party {
                let near = (i + 1..(i + 12).min(d.toks.len()))
                    .any(|k| d.tok_sent[k] == d.tok_sent[i] && PLEDGE_NOUNS.contains(&d.low(k)));
                let ps = m.pledges_of(&p.id);
                if near && !ps.is_empty() {
                    out.push(Mention {
                        first: i,
                        last: i,
                        ids: ps.iter().map(|x| (x.id.clone(), 0.7)).collect(),
                        via: "company",
                        generic: None,
                    });
                    continue;
                }
            }
        }
        // Sector words near a deal or talks noun: "a proposed agreement … on UK steel".
        if crate::lexicon::SECTORS.iter().any(|g| g.contains(&w)) && d.in_quote[i].is_none() {
            let lo = i.saturating_sub(7);
            let hi = (i + 4).min(d.toks.len());
            let near = |k: &usize| d.tok_sent[*k] == d.tok_sent[i] && d.in_quote[*k].is_none();
            let deal = (lo..hi)
                .filter(near)
                .any(|k| DEAL_NOUNS.contains(&d.low(k)));
            let talks = (lo..hi)
                .filter(near)
                .any(|k| TALK_NOUNS.contains(&d.low(k)));
            if deal || talks {
                let items = m.sector_items(w);
                let ids: Vec<(String, f64)> = items
                    .iter()
                    .map(|it| {
                        let s = match (it.kind, it.instrument_kind) {
                            (ItemKind::Track, _) if talks => 0.65,
                            (ItemKind::Track, _) => 0.45,
                            (
                                _,
                                Some(
                                    InstrumentKind::SectorArrangement
                                    | InstrumentKind::AgreementInPrinciple,
                                ),
                            ) if deal => 0.65,
                            (
                                _,
                                Some(InstrumentKind::Proclamation | InstrumentKind::ExecutiveOrder),
                            ) => 0.3,
                            _ => 0.5,
                        };
                        (it.id.clone(), s)
                    })
                    .collect();
                if !ids.is_empty() {
                    out.push(Mention {
                        first: i,
                        last: i,
                        ids,
                        via: "sector",
                        generic: None,
                    });
                }
            }
            continue;
        }
        // Generic references: "the deal", "the talks", "these investment plans".
        let det = i > 0
            && matches!(
                d.low(i - 1),
                "the" | "this" | "that" | "these" | "those" | "its" | "their"
            );
        let det2 =
            i > 1 && matches!(d.low(i - 2), "the" | "this" | "these" | "those") && d.is_word(i - 1);
        if DEAL_NOUNS.contains(&w) && (det || det2) {
            out.push(Mention {
                first: i - if det { 1 } else { 2 },
                last: i,
                ids: Vec::new(),
                via: "context",
                generic: Some(Generic::Deal),
            });
        } else if TALK_NOUNS.contains(&w)
            && (det
                || det2
                || i + 1 < d.toks.len() && matches!(d.low(i + 1), "on" | "over" | "about"))
        {
            out.push(Mention {
                first: i.saturating_sub(1),
                last: i,
                ids: Vec::new(),
                via: "context",
                generic: Some(Generic::Talks),
            });
        } else if PLEDGE_NOUNS.contains(&w)
            && (matches!(d.low(i + 1), "plans" | "pledges" | "commitments")
                || (i > 0 && matches!(d.low(i - 1), "planned" | "pledged")))
        {
            let last = if matches!(d.low(i + 1), "plans" | "pledges" | "commitments") {
                i + 1
            } else {
                i
            };
            out.push(Mention {
                first: i.saturating_sub(1),
                last,
                ids: Vec::new(),
                via: "context",
                generic: Some(Generic::Pledge),
            });
        }
    }
    out.sort_by_key(|x| x.first);
    out
}

/// The item a generic mention at `pos` stands for: the latest specific mention before it
/// (of a pledge, for pledge nouns); for talks, the track that negotiates an instrument.
fn context_item(
    m: &Matchers,
    mentions: &[Mention],
    pos: usize,
    g: Generic,
) -> Option<(String, usize, &'static str)> {
    let prior = mentions
        .iter()
        .rev()
        .filter(|x| x.first < pos && x.generic.is_none() && !x.ids.is_empty());
    for x in prior {
        let id = &x.ids.iter().max_by(|a, b| a.1.total_cmp(&b.1))?.0;
        let info = m.item(id)?;
        match g {
            Generic::Pledge => {
                if info.kind == ItemKind::Pledge {
                    return Some((id.clone(), x.first, "context"));
                }
            }
            Generic::Talks => {
                if info.kind == ItemKind::Track {
                    return Some((id.clone(), x.first, "context"));
                }
                if let Some(t) = &info.track {
                    return Some((t.clone(), x.first, "track_of_instrument"));
                }
            }
            Generic::Deal => {
                if info.kind == ItemKind::Instrument {
                    return Some((id.clone(), x.first, "context"));
                }
            }
        }
    }
    None
}

/// The item the article was last talking about before token `pos`: the latest mention of
/// any kind, a generic one ("the talks") resolved in turn.
fn latest_context(
    m: &Matchers,
    mentions: &[Mention],
    pos: usize,
    talky: bool,
) -> Option<(String, usize, &'static str)> {
    let x = mentions
        .iter()
        .rev()
        .find(|x| x.first < pos && (x.generic.is_some() || !x.ids.is_empty()))?;
    let (id, at, via) = match x.generic {
        Some(g) => context_item(m, mentions, x.first, g)?,
        None => (
            x.ids.iter().max_by(|a, b| a.1.total_cmp(&b.1))?.0.clone(),
            x.first,
            "context",
        ),
    };
    // Talks about an instrument are the track that negotiates it.
    if talky && let Some(t) = m.item(&id).and_then(|i| i.track.clone()) {
        return Some((t, at, "track_of_instrument"));
    }
    Some((id, at, via))
}

type ItemChoice = (
    Option<ItemMatch>,
    Option<accord_model::Status>,
    Option<String>,
);

fn choose_item(
    d: &Doc,
    m: &Matchers,
    vocab: &Vocabulary,
    mentions: &[Mention],
    r: &Raw,
    speaker: Option<&str>,
    why: &mut Vec<String>,
) -> ItemChoice {
    let sent = d.sents[r.sent].clone();
    let content = r.content.clone();
    let ctext = d.text.get(content.clone()).unwrap_or("");
    // Talks in what was said (not in the speaker's description) make an instrument's track
    // the topic.
    let talky = d.sent_toks[r.sent].clone().any(|k| {
        d.toks[k].s >= content.start && d.toks[k].e <= content.end && TALK_NOUNS.contains(&d.low(k))
    });
    // Condition clauses inside the content: "once the UK has made substantial progress …".
    let cond_start = d.sent_toks[r.sent]
        .clone()
        .find(|k| {
            d.toks[*k].s >= content.start
                && d.toks[*k].e <= content.end
                && CONDITION_WORDS.contains(&d.low(*k))
        })
        .map(|k| d.toks[k].s);
    // (id, score, via, span bytes, matched text, position)
    let mut cands: Vec<(String, f64, String, Range<usize>, usize)> = Vec::new();
    fn push(
        cands: &mut Vec<(String, f64, String, Range<usize>, usize)>,
        id: String,
        s: f64,
        via: String,
        sp: Range<usize>,
        pos: usize,
    ) {
        if let Some(c) = cands.iter_mut().find(|c| c.0 == id) {
            if s > c.1 {
                *c = (id, s, via, sp, pos);
            }
        } else {
            cands.push((id, s, via, sp, pos));
        }
    }
    // A company that did not answer about its pledge: "Inquiries made to Google …".
    if let Some(p) = speaker
        && m.party_kind(p) == Some(PartyKind::Company)
    {
        let para = d.sent_para[r.sent];
        let about_investment = d
            .sent_toks
            .iter()
            .enumerate()
            .filter(|(si, _)| d.sent_para[*si] == para)
            .any(|(_, tr)| tr.clone().any(|k| PLEDGE_NOUNS.contains(&d.low(k))));
        if about_investment {
            for pl in m.pledges_of(p) {
                let sp = match &r.who {
                    Who::Np(np) => d.tok_span(np.first, np.last),
                    _ => r.content.clone(),
                };
                push(
                    &mut cands,
                    pl.id.clone(),
                    0.75,
                    format!("company (`{p}` pledged it)"),
                    sp,
                    usize::MAX - 1,
                );
            }
        }
    }
    let mut cond_note = None;
    for x in mentions {
        let sp = d.tok_span(x.first, x.last);
        let in_content = sp.start >= content.start && sp.end <= content.end;
        let in_sent = sp.start >= sent.start && sp.end <= sent.end;
        if !in_content && !in_sent {
            continue;
        }
        let mut adj = if in_content { 0.0 } else { -0.15 };
        if in_content && cond_start.is_some_and(|c| sp.start > c) {
            adj -= 0.6;
            cond_note = Some(d.words(x.first, x.last));
        }
        match x.generic {
            None => {
                for (id, s) in &x.ids {
                    let info = m.item(id);
                    // "talks on the tech deal" → the track that negotiates it.
                    if talky && let Some(t) = info.and_then(|i| i.track.clone()) {
                        push(
                            &mut cands,
                            t,
                            s - 0.05 + adj,
                            "track_of_instrument".into(),
                            sp.clone(),
                            sp.start,
                        );
                        push(
                            &mut cands,
                            id.clone(),
                            s - 0.2 + adj,
                            x.via.into(),
                            sp.clone(),
                            sp.start,
                        );
                    } else {
                        push(
                            &mut cands,
                            id.clone(),
                            s + adj,
                            x.via.into(),
                            sp.clone(),
                            sp.start,
                        );
                    }
                }
            }
            Some(g) => {
                if let Some((id, at, via)) = context_item(m, mentions, x.first, g) {
                    let ante = mentions
                        .iter()
                        .find(|y| y.first == at)
                        .map(|y| d.tok_span(y.first, y.last))
                        .unwrap_or(sp.clone());
                    let _ = ante;
                    push(
                        &mut cands,
                        id,
                        0.6 + adj,
                        format!("{via} (`{}`)", d.words(x.first, x.last)),
                        sp.clone(),
                        sp.start,
                    );
                }
            }
        }
    }
    if let Some(c) = &cond_note {
        why.push(format!("item: `{c}` is inside a condition (`once`/`until`/`if` …), so it is not what the statement is about"));
    }
    // Nothing (useful) in the sentence: the running context.
    if cands.iter().all(|c| c.1 < 0.45) {
        let first_tok = d.sent_toks[r.sent].start;
        let para = d.sent_para[r.sent];
        let para_start = d.sent_toks[d
            .sent_para
            .iter()
            .position(|p| *p == para)
            .unwrap_or(r.sent)]
        .start;
        let para_end = d.sent_toks[d
            .sent_para
            .iter()
            .rposition(|p| *p == para)
            .unwrap_or(r.sent)]
        .end;
        // The paragraph's topic (its first mention), then what came before, then (for an
        // opening sentence) what the paragraph goes on to name.
        let topic = mentions
            .iter()
            .find(|x| x.first >= para_start && x.first < first_tok)
            .map(|x| x.last + 1);
        let found = topic
            .and_then(|t| latest_context(m, mentions, t, talky))
            .map(|(a, b, c)| (a, b, c, "the paragraph's topic"))
            .or_else(|| {
                latest_context(m, mentions, first_tok, talky)
                    .map(|(a, b, c)| (a, b, c, "carried over from earlier in the article"))
            })
            .or_else(|| {
                mentions
                    .iter()
                    .filter(|x| x.first >= first_tok && x.first < para_end && x.generic.is_none())
                    .find_map(|later| latest_context(m, mentions, later.last + 1, talky))
                    .map(|(a, b, c)| (a, b, c, "named later in the paragraph"))
            });
        if let Some((id, at, via, how)) = found {
            let y = mentions.iter().find(|y| y.first == at);
            let sp = y.map(|y| d.tok_span(y.first, y.last)).unwrap_or(0..0);
            push(
                &mut cands,
                id,
                0.45,
                format!("{via}: {how}"),
                sp,
                usize::MAX,
            );
        }
    }
    if cands.is_empty() {
        return (None, None, None);
    }
    // Which candidates' kind gives the content a status?
    let scored: Vec<(usize, Option<accord_model::vocab::Mapped>)> = cands
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let kind = m.item(&c.0).map(|i| i.kind);
            let mapped = if matches!(
                r.kind,
                ProposalKind::DeclinedToComment | ProposalKind::NoResponse
            ) {
                None
            } else {
                kind.and_then(|kd| vocab.canonical(kd, ctext))
            };
            (k, mapped)
        })
        .collect();
    let any_fit = scored.iter().any(|(_, mm)| mm.is_some());
    let mut order: Vec<usize> = (0..cands.len()).collect();
    let wording_pos = |mm: &accord_model::vocab::Mapped| {
        locate_wording(d, &content, &mm.matched).map(|r| r.start)
    };
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&cands[a], &cands[b]);
        let (ma, mb) = (&scored[a].1, &scored[b].1);
        if any_fit && ma.is_some() != mb.is_some() {
            return mb.is_some().cmp(&ma.is_some());
        }
        if let (Some(x), Some(y)) = (ma, mb) {
            // Prefer the mention just before the status wording (its subject).
            let before = |c: &(String, f64, String, Range<usize>, usize), w: Option<usize>| {
                w.is_some_and(|w| c.4 < w && c.4 >= content.start)
            };
            let (ba, bb) = (before(ca, wording_pos(x)), before(cb, wording_pos(y)));
            if ba != bb {
                return bb.cmp(&ba);
            }
            if ba && bb {
                return cb.4.cmp(&ca.4);
            }
        }
        cb.1.total_cmp(&ca.1).then(ca.4.cmp(&cb.4))
    });
    let best = order[0];
    let c = &cands[best];
    let mapped = scored[best].1.clone();
    let candidates: Vec<(String, f64)> = order
        .iter()
        .map(|&k| {
            (
                cands[k].0.clone(),
                (cands[k].1.clamp(0.0, 1.0) * 100.0).round() / 100.0,
            )
        })
        .collect();
    why.push(format!(
        "item: `{}` via {} (`{}`)",
        c.0,
        c.2,
        d.text.get(c.3.clone()).unwrap_or("")
    ));
    let item = ItemMatch {
        id: c.0.clone(),
        matched_text: d.text.get(c.3.clone()).unwrap_or("").to_string(),
        span: d.span(c.3.clone()),
        via: c
            .2
            .split(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches(':')
            .to_string(),
        confidence: (c.1.clamp(0.0, 1.0) * 100.0).round() / 100.0,
        candidates: if candidates.len() > 1 {
            candidates
        } else {
            Vec::new()
        },
    };
    let (status, value) = match mapped {
        Some(mm) => {
            let wording = locate_wording(d, &content, &mm.matched)
                .map(|r| extend_wording(d, r))
                .and_then(|r| d.text.get(r).map(str::to_string))
                .unwrap_or(mm.matched.clone());
            why.push(format!(
                "status: `{wording}` → {} for a {} (vocabulary phrase `{}`)",
                mm.status,
                m.item(&c.0).map(|i| i.kind.name()).unwrap_or("?"),
                mm.matched
            ));
            (Some(mm.status), Some(wording))
        }
        None => (None, None),
    };
    (Some(item), status, value)
}

/// Where the folded phrase `phrase` occurs (by words) in the content; byte range.
fn locate_wording(d: &Doc, content: &Range<usize>, phrase: &str) -> Option<Range<usize>> {
    let words: Vec<&str> = phrase.split(' ').collect();
    let a = d.tok_at(content.start);
    let b = d.tok_at(content.end);
    let idx: Vec<usize> = (a..b).filter(|k| d.is_word(*k)).collect();
    for w in idx.windows(words.len().max(1)) {
        let ok = w.iter().zip(&words).all(|(k, p)| {
            let f = crate::text::fold_word(&d.text[d.toks[*k].s..d.toks[*k].e]);
            let f: String = f
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ')
                .collect();
            f == *p || f.replace('-', " ") == *p
        });
        if ok && let (Some(f), Some(l)) = (w.first(), w.last()) {
            return Some(d.toks[*f].s..d.toks[*l].e);
        }
    }
    None
}

/// "indefinite hold" → "on indefinite hold" (keep the preposition that makes the phrase).
fn extend_wording(d: &Doc, r: Range<usize>) -> Range<usize> {
    let k = d.tok_at(r.start);
    if k > 0 && matches!(d.low(k - 1), "on" | "in" | "under" | "at") {
        return d.toks[k - 1].s..r.end;
    }
    r
}

// ---------------------------------------------------------------- dates

#[derive(Default)]
struct Anchors {
    para: Option<usize>,
    anchor: Option<(FuzzyDate, String, Option<Range<usize>>)>,
    done_sents: Vec<usize>,
}

fn valid_date(
    d: &Doc,
    m: &Matchers,
    published: Option<Date>,
    r: &Raw,
    mentions: &[Mention],
    anchors: &mut Anchors,
    why: &mut Vec<String>,
) -> (Option<FuzzyDate>, Option<SpanText>, DateBasis) {
    let Some(p) = published else {
        let (v, t) = absolute_date(d, r, why);
        let basis = if v.is_some() {
            DateBasis::Text
        } else {
            DateBasis::Fallback
        };
        return (v, t, basis);
    };
    // Update the paragraph anchor with sentences up to this one.
    let para = d.sent_para[r.sent];
    if anchors.para != Some(para) {
        anchors.para = Some(para);
        anchors.anchor = None;
    }
    for si in 0..r.sent {
        if d.sent_para[si] != para || anchors.done_sents.contains(&si) {
            continue;
        }
        anchors.done_sents.push(si);
        if let Some(a) = sentence_anchor(d, m, si, p, mentions) {
            anchors.anchor = Some(a);
        }
    }
    let sr = d.sent_toks[r.sent].clone();
    let exprs: Vec<TimeExpr> = dates::find(&d.toks, sr.clone(), p)
        .into_iter()
        .filter(|t| d.in_quote[t.first].is_none() && t.date.start <= p)
        .collect();
    let content_toks = d.tok_at(r.content.start)..d.tok_at(r.content.end);
    let near_cue = |t: &TimeExpr| {
        let (cs, ce) = r.cue;
        let speaker_start = match &r.who {
            Who::Np(np) => np.first.min(cs),
            _ => cs,
        };
        (t.first > ce && t.first <= ce + 4)
            || (t.last < cs && t.last + 4 >= speaker_start)
            || (t.first >= speaker_start && t.last < cs)
    };
    if let Some(t) = exprs.iter().find(|t| near_cue(t)) {
        why.push(format!(
            "valid date: {} from `{}` ({})",
            t.date,
            d.words(t.first, t.last),
            t.rule
        ));
        anchors.anchor = Some((
            t.date,
            format!("`{}`", d.words(t.first, t.last)),
            Some(d.tok_span(t.first, t.last)),
        ));
        return (
            Some(t.date),
            Some(d.span(d.tok_span(t.first, t.last))),
            DateBasis::Text,
        );
    }
    let is_status_like = !matches!(
        r.kind,
        ProposalKind::DeclinedToComment | ProposalKind::NoResponse
    );
    if is_status_like && let Some(t) = exprs.iter().find(|t| content_toks.contains(&t.first)) {
        why.push(format!(
            "valid date: {} from `{}` in the content ({})",
            t.date,
            d.words(t.first, t.last),
            t.rule
        ));
        return (
            Some(t.date),
            Some(d.span(d.tok_span(t.first, t.last))),
            DateBasis::Text,
        );
    }
    // "at the time", or a date set earlier in the paragraph.
    let at_the_time = sr
        .clone()
        .any(|k| d.low(k) == "at" && d.low(k + 1) == "the" && d.low(k + 2) == "time");
    if let Some((date, src, sp)) = &anchors.anchor {
        let how = if at_the_time {
            "`at the time` refers to"
        } else {
            "carried over from"
        };
        why.push(format!(
            "valid date: {date}, {how} {src} earlier in the paragraph"
        ));
        return (
            Some(*date),
            sp.clone().map(|s| d.span(s)),
            DateBasis::Context,
        );
    }
    // "this ambitious agreement, unveiled … in September": sentence anchor of this sentence.
    if at_the_time && let Some((date, src, sp)) = sentence_anchor(d, m, r.sent, p, mentions) {
        why.push(format!("valid date: {date}, `at the time` of {src}"));
        return (Some(date), sp.map(|s| d.span(s)), DateBasis::Context);
    }
    why.push(format!("valid date: the publication date {p}"));
    (Some(FuzzyDate::day(p)), None, DateBasis::Publication)
}

/// A sentence's own time: a time expression outside quotes, or "when <item> was
/// announced/signed" → that item's date (month precision).
fn sentence_anchor(
    d: &Doc,
    m: &Matchers,
    si: usize,
    p: Date,
    mentions: &[Mention],
) -> Option<(FuzzyDate, String, Option<Range<usize>>)> {
    let sr = d.sent_toks[si].clone();
    let when = sr
        .clone()
        .find(|k| d.low(*k) == "when" && d.in_quote[*k].is_none());
    if let Some(w) = when {
        let verb = (w + 1..(w + 10).min(sr.end)).find(|k| {
            matches!(
                d.low(*k),
                "announced" | "signed" | "unveiled" | "launched" | "agreed"
            )
        });
        if let Some(v) = verb {
            let x = mentions
                .iter()
                .find(|x| x.first > w && x.last < v && x.generic.is_none())?;
            let (id, _) = x.ids.first()?;
            let date = m.item(id)?.date?;
            return Some((
                month_of(date),
                format!("`{}` ({id} dated {date})", d.words(w, v)),
                Some(d.tok_span(w, v)),
            ));
        }
    }
    let t = dates::find(&d.toks, sr, p)
        .into_iter()
        .find(|t| d.in_quote[t.first].is_none() && t.date.start <= p)?;
    Some((
        t.date,
        format!("`{}`", d.words(t.first, t.last)),
        Some(d.tok_span(t.first, t.last)),
    ))
}

fn absolute_date(d: &Doc, r: &Raw, why: &mut Vec<String>) -> (Option<FuzzyDate>, Option<SpanText>) {
    // Without a publication date only written days, months with years resolve; use a far
    // future reference so nothing is skipped as "after publication".
    let sr = d.sent_toks[r.sent].clone();
    let far = Date::constant(2200, 1, 1);
    let t = dates::find(&d.toks, sr, far)
        .into_iter()
        .find(|t| d.in_quote[t.first].is_none() && t.rule.starts_with("a written"));
    match t {
        Some(t) => {
            why.push(format!(
                "valid date: {} written in the sentence (no publication date)",
                t.date
            ));
            (Some(t.date), Some(d.span(d.tok_span(t.first, t.last))))
        }
        None => (None, None),
    }
}
