//! accord's ingestion: news articles, web pages and feeds become **proposed claims**.
//!
//! The extraction core ([`extract`]) is pure: it takes a [`Document`] (the stored text and its
//! metadata) and a [`Dataset`], and returns [`Proposal`]s — who said what about which item,
//! with the cue, the canonical status, the valid date and the character offsets of every
//! part. It is rule-based and explainable: each proposal lists the rules that produced it.
//! A person accepts, edits or rejects each proposal; nothing here writes claims.
//!
//! **Offsets** are character offsets counted in Unicode scalar values (Rust `char`s, Python
//! `str` indices), half-open, into [`Document::text`] exactly as stored.
//!
//! Reading inputs lives beside the core: [`input`] (plain text, Markdown with front matter,
//! HTML), [`feed`] (RSS/Atom) and [`fetch`] (HTTP with size caps, timeouts and a guard
//! against loopback, private and link-local addresses).

mod dates;
pub mod eval;
mod extract;
pub mod feed;
pub mod fetch;
pub mod input;
mod lexicon;
mod matcher;
mod text;

use accord_model::{Asserts, Channel, Dataset, FuzzyDate, Id, Status};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use extract::{Extractor, extract};

/// An article as stored: its text (what offsets point into) and what is known about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The outlet that published it ("BBC News").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The publication day; relative dates are resolved against it.
    #[serde(
        default,
        with = "accord_model::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Document {
    /// A document from plain text.
    pub fn plain(text: impl Into<String>) -> Document {
        Document {
            text: text.into(),
            ..Document::default()
        }
    }

    /// A stable hash of the article's text after normalisation (case, whitespace, quote
    /// marks and dashes folded), so that the same article fetched twice, or from another
    /// address, gets the same key.
    pub fn content_key(&self) -> String {
        hex(&Sha256::digest(normalise(&self.text).as_bytes()))
    }
}

/// A piece of the document: character offsets `start..end` and the text they cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanText {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Who is speaking, as far as the rules can tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerGuess {
    /// The words in the article that name the speaker ("Technology Secretary Liz Kendall",
    /// "He", "BBC sources").
    pub text: String,
    /// Where those words are (for a pronoun: the pronoun itself).
    pub span: SpanText,
    /// The dataset party chosen, if any candidate is strong enough.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_id: Option<Id>,
    /// Dataset parties that fit, best first, with a score from 0 to 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<(Id, f64)>,
    /// A person's name when the speaker is not in the dataset ("Gareth Stace"), or the name a
    /// pronoun refers back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For pronouns and back references ("the spokesperson"): the earlier mention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<SpanText>,
    /// From 0 to 1.
    pub confidence: f64,
}

/// The kind of attribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// A direct quotation.
    Direct,
    /// Reported (indirect) speech.
    Indirect,
    /// An outlet's own reporting ("the BBC has learned", "according to BBC sources",
    /// "the report emerged from The New York Times").
    Report,
    DeclinedToComment,
    NoResponse,
    /// "It is understood that …": the outlet's unattributed understanding.
    Understood,
}

/// Where a proposal's valid date came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateBasis {
    /// A time expression in the text ("on Tuesday", "last week", "16 December 2025"),
    /// resolved against the publication date when relative.
    Text,
    /// Carried over from earlier in the paragraph, or the time of an event the sentence
    /// refers to ("at the time", "when the deal was announced").
    Context,
    /// The publication date, for want of anything nearer. (Also what a proposal serialised
    /// before this field existed reads as.)
    #[default]
    Publication,
    /// Not resolved: no publication date and no written date; `valid` is the placeholder
    /// `1970-01-01` and the confidence is halved. Not to be stored as a date.
    Fallback,
}

impl DateBasis {
    /// Whether the valid date was resolved from the text or the publication date (not a
    /// placeholder).
    pub fn is_resolved(self) -> bool {
        self != DateBasis::Fallback
    }
}

/// The item a proposal is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMatch {
    pub id: Id,
    /// The words that matched (a name, an alias, "the talks", "£31 billion"…).
    pub matched_text: String,
    /// Where they are; for an item carried over from context, the earlier mention.
    pub span: SpanText,
    /// `name`, `alias`, `context`, `track_of_instrument`, `sector`, `money`, `company`.
    pub via: String,
    pub confidence: f64,
    /// Other items that fit, with scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<(Id, f64)>,
}

/// A proposed claim, for a person to accept, edit or reject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub kind: ProposalKind,
    /// The (first) quoted fragment, without its quote marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<SpanText>,
    /// Every quoted fragment that belongs to the statement (split quotes, several quoted
    /// phrases in one reported statement), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quote_parts: Vec<SpanText>,
    /// What was said: the quotation (for split quotes, from the first fragment to the last)
    /// or the reported content.
    pub content: SpanText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<SpeakerGuess>,
    /// "said", "told the BBC", "according to", "has learned", "declined to comment".
    pub cue: SpanText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<ItemMatch>,
    pub asserts: Asserts,
    /// The wording that decided the status, as written ("on indefinite hold", "headwinds").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// When it held (relative dates resolved against the publication date; otherwise the
    /// publication date).
    pub valid: FuzzyDate,
    /// The time expression the valid date came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from_text: Option<SpanText>,
    /// Where [`Proposal::valid`] came from: a time expression in the text, the context
    /// (earlier in the paragraph, "at the time"), the publication date, or a fallback
    /// (`1970-01-01`, when there is no publication date and no written date).
    #[serde(default)]
    pub date_basis: DateBasis,
    /// From 0 to 1: how sure the rules are, all parts together.
    pub confidence: f64,
    /// Which rules fired, in order.
    pub explanation: Vec<String>,
    /// Stable key for de-duplication: the article's [`Document::content_key`] plus the
    /// proposal's kind, speaker words, cue words and normalised content.
    pub dedup_key: String,
}

impl Proposal {
    /// The stable de-duplication key for a proposal of an article with this content key.
    pub fn compute_dedup_key(&self, article_key: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"accord-ingest/proposal/v1\n");
        h.update(article_key.as_bytes());
        h.update(b"\n");
        h.update(format!("{:?}", self.kind).as_bytes());
        h.update(b"\n");
        h.update(
            normalise(self.speaker.as_ref().map(|s| s.text.as_str()).unwrap_or("")).as_bytes(),
        );
        h.update(b"\n");
        h.update(normalise(&self.cue.text).as_bytes());
        h.update(b"\n");
        h.update(normalise(&self.content.text).as_bytes());
        hex(&h.finalize())
    }
}

/// Folds text for hashing: lowercase, quote marks and apostrophes made plain, dashes made
/// plain, whitespace collapsed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            match c {
                '“' | '”' | '„' | '«' | '»' => out.push('"'),
                '‘' | '’' => out.push('\''),
                '–' | '—' | '‑' => out.push('-'),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Convenience: extract from plain text with an optional publication date.
pub fn extract_text(text: &str, published: Option<Date>, ds: &Dataset) -> Vec<Proposal> {
    let doc = Document {
        text: text.to_string(),
        published,
        ..Document::default()
    };
    extract(&doc, ds)
}
