//! RSS and Atom feeds: each entry becomes a document, up to a cap.

use crate::Document;
use crate::input::{html_fragment_text, parse_date_prefix};

/// Why a feed could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a readable RSS or Atom feed: {0}")]
    Parse(String),
}

/// One entry of a feed, ready for extraction.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// A stable key for "ingested once": the entry's id (GUID), else its link, else
    /// `content:` and its text's content key.
    pub key: String,
    pub document: Document,
}

/// A feed read with a cap on entries.
#[derive(Debug, Clone)]
pub struct Feed {
    pub title: Option<String>,
    pub entries: Vec<FeedEntry>,
    /// Entries beyond the cap, not read.
    pub skipped: usize,
}

/// Parses RSS 0.9x/1.0/2.0 or Atom; keeps at most `max_entries` entries, in feed order.
/// An entry's text is its full content when the feed carries it, else its summary.
pub fn read_feed(bytes: &[u8], max_entries: usize) -> Result<Feed, FeedError> {
    // No made-up ids: feed-rs would otherwise give an entry without a GUID a hash of its link
    // and title, or a random UUID when it has no link, and a random key would make the same
    // entry new on every run. Such an entry is keyed by its link, else by its text.
    let f = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(bytes)
        .map_err(|e| FeedError::Parse(e.to_string()))?;
    let publisher = f.title.as_ref().map(|t| t.content.trim().to_string());
    let total = f.entries.len();
    let mut entries = Vec::new();
    for e in f.entries.into_iter().take(max_entries) {
        let link = e.links.first().map(|l| l.href.clone());
        let body = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .or_else(|| e.summary.as_ref().map(|s| s.content.clone()))
            .unwrap_or_default();
        let text = if body.contains('<') {
            html_fragment_text(&body)
        } else {
            body.trim().to_string()
        };
        let published = e
            .published
            .or(e.updated)
            .and_then(|d| parse_date_prefix(&d.to_rfc3339()));
        let document = Document {
            text,
            title: e.title.map(|t| t.content.trim().to_string()),
            author: e.authors.first().and_then(|a| a.name.clone()),
            publisher: publisher.clone(),
            published,
            url: link.clone(),
        };
        let key = if !e.id.trim().is_empty() {
            e.id.trim().to_string()
        } else if let Some(l) = link.filter(|l| !l.trim().is_empty()) {
            l.trim().to_string()
        } else {
            format!("content:{}", document.content_key())
        };
        entries.push(FeedEntry { key, document });
    }
    Ok(Feed {
        title: publisher,
        skipped: total.saturating_sub(entries.len()),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_without_a_guid_are_keyed_by_link_else_text() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
<item><title>A</title><link>http://example.org/a</link><description>First.</description></item>
<item><title>B</title><description>Second.</description></item>
<item><title>C</title><guid>urn:c</guid><link>http://example.org/c</link><description>Third.</description></item>
</channel></rss>"#;
        let keys = |f: &Feed| f.entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>();
        let f = read_feed(rss, 10).expect("feed");
        let k = keys(&f);
        assert_eq!(k[0], "http://example.org/a");
        assert_eq!(
            k[1],
            format!("content:{}", Document::plain("Second.").content_key())
        );
        assert_eq!(k[2], "urn:c");
        // Stable from one read to the next (no random ids).
        assert_eq!(keys(&read_feed(rss, 10).expect("feed")), k);
        assert_eq!(f.entries[1].document.url, None);
    }
}
