//! RSS and Atom feeds: each entry becomes a document, up to a cap.

use crate::Document;
use crate::input::{html_fragment_text, parse_date_prefix};

/// Why a feed could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not a readable RSS or Atom feed: {0}")]
    Parse(String),
    #[error(
        "refused: the feed declares XML entities (`<!ENTITY` in its DOCTYPE, at byte offset {offset}). Entity declarations are how entity-expansion (\"billion laughs\") and external-entity (file or network) attacks work, and feeds do not need them; nothing was expanded or read. If the feed is genuine, remove its DOCTYPE or ask its publisher for one without"
    )]
    Entities { offset: u64 },
    #[error(
        "refused: the feed nests XML elements more than {limit} deep (at byte offset {offset}); no real feed is that deep"
    )]
    TooDeep { limit: usize, offset: u64 },
}

/// Deepest nesting of XML elements in a feed.
pub const MAX_XML_DEPTH: usize = 1_000;

/// What the pre-scan found: where to cut the feed after the last entry kept, the elements
/// open there, and how many entries the whole feed has.
struct Scan {
    cut: Option<(usize, Vec<String>)>,
    entries: usize,
}

/// Streams through the feed once without building anything: refuses entity declarations
/// and deep nesting, counts the entries (`<item>`, `<entry>`) and finds the end of the
/// `max_entries`-th, so that the parser is given only the entries kept — a feed of 700,000
/// empty items within the size cap would otherwise become 700,000 parsed entries in memory.
/// A syntax error ends the scan quietly: the parser reports it.
fn scan(bytes: &[u8], max_entries: usize) -> Result<Scan, FeedError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut stack: Vec<String> = Vec::new();
    // The depth of the entry being read (1-based stack length), if inside one.
    let mut in_entry: Option<usize> = None;
    let mut entries = 0usize;
    let mut cut = None;
    loop {
        let before = reader.buffer_position();
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(_) => break,
        };
        match ev {
            Event::DocType(d) => {
                let raw: &[u8] = d[..].as_bytes();
                if let Some(k) = raw
                    .windows(8)
                    .position(|w| w.eq_ignore_ascii_case(b"<!ENTITY"))
                {
                    return Err(FeedError::Entities {
                        offset: before + 10 + k as u64,
                    });
                }
            }
            Event::Start(e) => {
                stack.push(e.name().into_inner().to_string());
                if stack.len() > MAX_XML_DEPTH {
                    return Err(FeedError::TooDeep {
                        limit: MAX_XML_DEPTH,
                        offset: before,
                    });
                }
                if in_entry.is_none() && is_entry(e.local_name().into_inner()) {
                    entries += 1;
                    in_entry = Some(stack.len());
                }
            }
            Event::Empty(e) if in_entry.is_none() && is_entry(e.local_name().into_inner()) => {
                entries += 1;
                if entries == max_entries && cut.is_none() {
                    cut = Some((reader.buffer_position() as usize, stack.clone()));
                }
            }
            Event::End(_) => {
                if in_entry == Some(stack.len()) {
                    in_entry = None;
                    if entries == max_entries && cut.is_none() {
                        stack.pop();
                        cut = Some((reader.buffer_position() as usize, stack.clone()));
                        continue;
                    }
                }
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(Scan { cut, entries })
}

fn is_entry(local: &str) -> bool {
    local == "item" || local == "entry"
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
    let scanned = scan(bytes, max_entries)?;
    let cut_bytes;
    let (bytes, counted) = match &scanned.cut {
        // Entries beyond the cap: the parser gets the feed up to the end of the last entry
        // kept, with the elements open there closed.
        Some((at, open)) if scanned.entries > max_entries => {
            let mut b = bytes.get(..*at).unwrap_or(bytes).to_vec();
            for name in open.iter().rev() {
                b.extend_from_slice(b"</");
                b.extend_from_slice(name.as_bytes());
                b.push(b'>');
            }
            cut_bytes = b;
            (cut_bytes.as_slice(), Some(scanned.entries))
        }
        _ => (bytes, None),
    };
    let f = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(bytes)
        .map_err(|e| FeedError::Parse(e.to_string()))?;
    let publisher = f.title.as_ref().map(|t| t.content.trim().to_string());
    let total = counted.unwrap_or(f.entries.len()).max(f.entries.len());
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
