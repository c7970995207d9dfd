//! Ingested **articles** and **feed entries** (schema version 3), kept so that ingestion is
//! idempotent and accepted claims keep their provenance.
//!
//! An article is keyed by its *content key* (the hash of its normalised stored text, computed
//! by `accord-ingest`): the same article fetched twice, or reached under another address, is
//! one row, which records every address it was seen under. The stored text is what a
//! proposal's character offsets point into, so `accord review show` can quote a proposal in
//! its context.
//!
//! A feed entry is keyed by the feed's address and the entry's key (its GUID, else its link)
//! and points to the article it carried: an entry seen before is not read again.
//!
//! [`crate::Store::ingest`] writes one ingestion run — articles, addresses, feed entries and
//! proposals — in **one transaction**: all of it or nothing.

use jiff::civil::Date;
use serde::Serialize;

use crate::{AddedProposal, NewProposal, StoreError};

/// An article as ingested in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    /// The hash of the normalised stored text (`accord_ingest::Document::content_key`).
    pub content_key: String,
    /// The stored text: what proposal offsets point into.
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    /// The addresses it was read under in this run (first the one it names itself).
    pub urls: Vec<String>,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleRecord {
    pub content_key: String,
    pub text: String,
    pub title: Option<String>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    #[serde(with = "accord_model::date::day::option")]
    pub published: Option<Date>,
    /// The first address it was seen under.
    pub url: Option<String>,
    /// Other addresses it was seen under later, in the order they were seen.
    pub other_urls: Vec<String>,
    /// When it was first ingested (UTC, RFC 3339).
    pub first_ingested: String,
}

impl ArticleRecord {
    /// Every address the article was seen under, the first first.
    pub fn urls(&self) -> Vec<&str> {
        self.url
            .iter()
            .chain(self.other_urls.iter())
            .map(String::as_str)
            .collect()
    }

    /// The stored text from character `start` to `end` (Unicode scalar values, half-open)
    /// with up to `words` words of context either side, from the same paragraph:
    /// `(before, span, after)`. `None` when the offsets do not fit the text.
    pub fn in_context(
        &self,
        start: usize,
        end: usize,
        words: usize,
    ) -> Option<(String, String, String)> {
        if start > end {
            return None;
        }
        let chars: Vec<char> = self.text.chars().collect();
        if end > chars.len() {
            return None;
        }
        // Context stays inside the span's paragraph.
        let from = chars[..start]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(0, |i| i + 1);
        let to = chars[end..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(chars.len(), |i| end + i);
        let before: String = chars[from..start].iter().collect();
        let span: String = chars[start..end].iter().collect();
        let after: String = chars[end..to].iter().collect();
        let before_words: Vec<&str> = before.split_whitespace().collect();
        let after_words: Vec<&str> = after.split_whitespace().collect();
        let b = before_words[before_words.len().saturating_sub(words)..].join(" ");
        let a = after_words[..words.min(after_words.len())].join(" ");
        let b = if !b.is_empty() && before.ends_with(char::is_whitespace) {
            format!("{b} ")
        } else {
            b
        };
        let a = if !a.is_empty() && after.starts_with(char::is_whitespace) {
            format!(" {a}")
        } else {
            a
        };
        Some((b, span, a))
    }
}

/// A feed entry seen in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedEntry {
    /// The feed's address (or path) as given to `accord ingest`.
    pub feed_url: String,
    /// The entry's GUID, else its link.
    pub entry_key: String,
    /// The article it carried (one of the run's [`NewArticle`]s or an article already stored).
    pub content_key: String,
}

/// A stored feed entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedEntryRecord {
    pub feed_url: String,
    pub entry_key: String,
    pub content_key: String,
    /// When it was first seen (UTC, RFC 3339).
    pub first_seen: String,
}

/// Everything one ingestion run writes, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingest {
    /// Articles to store; one already stored only gains the addresses it did not have.
    pub articles: Vec<NewArticle>,
    /// Feed entries to record; one already recorded is left as it is.
    pub feed_entries: Vec<NewFeedEntry>,
    /// Proposals for the review queue; one whose dedup key is stored is not added again.
    pub proposals: Vec<NewProposal>,
}

/// What an article of the run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleOutcome {
    pub content_key: String,
    /// False when the article was already stored.
    pub new: bool,
    /// Addresses recorded for it by this run (for a new article: all of its addresses).
    pub urls_added: Vec<String>,
}

/// What an ingestion run wrote (parallel to the [`Ingest`]'s lists).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ingested {
    pub articles: Vec<ArticleOutcome>,
    /// For each feed entry: true when it was new.
    pub feed_entries: Vec<bool>,
    pub proposals: Vec<AddedProposal>,
}

/// The stored form of `other_urls`.
pub(crate) fn urls_to_json(urls: &[String]) -> crate::Result<String> {
    crate::canonical_json(&urls)
}

pub(crate) fn urls_from_json(key: &str, s: &str) -> crate::Result<Vec<String>> {
    serde_json::from_str(s)
        .map_err(|e| StoreError::Data(format!("article `{key}`: other_urls: {e}")))
}

pub(crate) fn date_from_text(key: &str, s: Option<String>) -> crate::Result<Option<Date>> {
    s.map(|d| {
        accord_model::date::parse_day(&d)
            .map_err(|e| StoreError::Data(format!("article `{key}`: published: {e}")))
    })
    .transpose()
}

/// Merges the run's addresses into a stored article's: returns the new first address (when
/// it had none), the new list of other addresses and the addresses added.
pub(crate) fn merge_urls(
    url: Option<&str>,
    other: &[String],
    new: &[String],
) -> (Option<String>, Vec<String>, Vec<String>) {
    let mut first = url.map(str::to_string);
    let mut others = other.to_vec();
    let mut added = Vec::new();
    for u in new {
        if u.is_empty() || first.as_deref() == Some(u.as_str()) || others.contains(u) {
            continue;
        }
        if first.is_none() {
            first = Some(u.clone());
        } else {
            others.push(u.clone());
        }
        added.push(u.clone());
    }
    (first, others, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_addresses() {
        let (f, o, a) = merge_urls(None, &[], &["a".into(), "b".into(), "a".into()]);
        assert_eq!(f.as_deref(), Some("a"));
        assert_eq!(o, vec!["b".to_string()]);
        assert_eq!(a, vec!["a".to_string(), "b".to_string()]);
        let (f, o, a) = merge_urls(Some("a"), &["b".into()], &["b".into(), "c".into()]);
        assert_eq!(f.as_deref(), Some("a"));
        assert_eq!(o, vec!["b".to_string(), "c".to_string()]);
        assert_eq!(a, vec!["c".to_string()]);
    }

    #[test]
    fn context_around_a_span() {
        let r = ArticleRecord {
            content_key: "k".into(),
            text: "One two three “four five” six seven eight.".into(),
            title: None,
            author: None,
            publisher: None,
            published: None,
            url: None,
            other_urls: Vec::new(),
            first_ingested: String::new(),
        };
        let (b, s, a) = r.in_context(15, 24, 2).expect("fits");
        assert_eq!(s, "four five");
        assert_eq!(b, "three “");
        assert_eq!(a, "” six");
        assert!(r.in_context(10, 999, 2).is_none());
    }
}
