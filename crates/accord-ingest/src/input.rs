//! Reading articles: plain text, Markdown with a front matter, HTML pages; and the top-level
//! [`load`] that takes a path or a URL and gives the documents to extract from.
//!
//! The text a reader returns is the **stored text**: offsets in proposals point into it.
//! Readers normalise layout only (paragraphs separated by a blank line, wrapped lines
//! joined, markup removed); they never reword.

use std::path::Path;

use jiff::civil::Date;
use scraper::{ElementRef, Html, Selector};
use serde::Serialize;

use crate::Document;
use crate::feed::{self, FeedEntry};
use crate::fetch::{self, FetchOptions};

/// What an input was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Feed,
}

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read `{path}`: {message}")]
    Io { path: String, message: String },
    #[error("`{path}` is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("`{0}` is not UTF-8 text")]
    NotText(String),
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
    #[error(transparent)]
    Feed(#[from] feed::FeedError),
}

/// Limits for reading inputs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file or download, in bytes.
    pub max_bytes: u64,
    /// Most feed entries taken from one feed.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 5 * 1024 * 1024,
            max_entries: 50,
        }
    }
}

/// What [`load`] found: one document, or a feed's entries.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub format: Format,
    /// The address the input was finally read from (after redirects), for URLs.
    pub url: Option<String>,
    /// One document per article; for a feed, one per entry (capped).
    pub documents: Vec<Document>,
    /// For feeds: each entry's stable key (its id, else its link, else `content:` and its
    /// content key), parallel to `documents`.
    pub entry_keys: Vec<String>,
    /// For feeds: how many entries were left out by the cap.
    pub skipped_entries: usize,
}

/// Reads a path or an `http(s)://` URL into documents.
pub fn load(input: &str, limits: &Limits, fetch_opts: &FetchOptions) -> Result<Loaded, InputError> {
    if input.starts_with("http://") || input.starts_with("https://") {
        let got = fetch::fetch(input, fetch_opts)?;
        let text = String::from_utf8_lossy(&got.body).into_owned();
        let format = detect(&text, None, got.content_type.as_deref());
        return from_text(&text, format, Some(got.url), limits);
    }
    let path = Path::new(input);
    let meta = std::fs::metadata(path).map_err(|e| InputError::Io {
        path: input.to_string(),
        message: e.to_string(),
    })?;
    if meta.len() > limits.max_bytes {
        return Err(InputError::TooLarge {
            path: input.to_string(),
            size: meta.len(),
            limit: limits.max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| InputError::Io {
        path: input.to_string(),
        message: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| InputError::NotText(input.to_string()))?;
    let format = detect(&text, path.extension().and_then(|e| e.to_str()), None);
    from_text(&text, format, None, limits)
}

fn from_text(
    text: &str,
    format: Format,
    url: Option<String>,
    limits: &Limits,
) -> Result<Loaded, InputError> {
    let (documents, entry_keys, skipped) = match format {
        Format::Text => (vec![read_text(text)], Vec::new(), 0),
        Format::Markdown => (vec![read_markdown(text)], Vec::new(), 0),
        Format::Html => {
            let mut d = read_html(text);
            if d.url.is_none() {
                d.url = url.clone();
            }
            (vec![d], Vec::new(), 0)
        }
        Format::Feed => {
            let f = feed::read_feed(text.as_bytes(), limits.max_entries)?;
            let keys = f
                .entries
                .iter()
                .map(|e: &FeedEntry| e.key.clone())
                .collect();
            let docs = f.entries.into_iter().map(|e| e.document).collect();
            (docs, keys, f.skipped)
        }
    };
    let mut documents = documents;
    // A page's address is its own; a feed's address is not its entries' (an entry without a
    // link has none).
    if format != Format::Feed {
        for d in &mut documents {
            if d.url.is_none() {
                d.url = url.clone();
            }
        }
    }
    Ok(Loaded {
        format,
        url,
        documents,
        entry_keys,
        skipped_entries: skipped,
    })
}

/// Guesses the format from the content type, the file extension, then the text.
pub fn detect(text: &str, ext: Option<&str>, content_type: Option<&str>) -> Format {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("rss") || ct.contains("atom") {
        return Format::Feed;
    }
    if ct.contains("html") {
        return Format::Html;
    }
    match ext.map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm" | "xhtml") => return Format::Html,
        Some("md" | "markdown") => return Format::Markdown,
        Some("rss" | "atom") => return Format::Feed,
        Some("txt") => return Format::Text,
        _ => {}
    }
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if (head.starts_with("<?xml") || head.starts_with("<rss") || head.starts_with("<feed"))
        && (head.contains("<rss") || head.contains("<feed") || head.contains("<rdf"))
    {
        return Format::Feed;
    }
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body") {
        return Format::Html;
    }
    if (ct.contains("xml")) && (text.contains("<rss") || text.contains("<feed")) {
        return Format::Feed;
    }
    if head.starts_with("---") {
        return Format::Markdown;
    }
    Format::Text
}

/// Plain text: stored as given, with Windows line ends made plain.
pub fn read_text(text: &str) -> Document {
    Document::plain(text.replace("\r\n", "\n"))
}

/// Markdown with an optional YAML-like front matter (`title:`, `date:` /
/// `published_time:`, `author:`, `source_url:`). The body is turned into plain paragraphs:
/// wrapped lines joined, list items and headings as their own paragraphs, links reduced to
/// their text, emphasis marks and HTML tags removed.
pub fn read_markdown(text: &str) -> Document {
    let text = text.replace("\r\n", "\n");
    let (front, body) = split_front_matter(&text);
    let mut doc = Document::default();
    for line in front.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
        match k.trim() {
            "title" => doc.title = Some(v),
            "author" => doc.author = Some(v),
            "source_url" | "url" | "link" => doc.url = Some(v),
            "publisher" | "site" | "outlet" => doc.publisher = Some(v),
            "date" | "published_time" | "published" if doc.published.is_none() => {
                doc.published = parse_date_prefix(&v);
            }
            _ => {}
        }
    }
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, paras: &mut Vec<String>| {
        let t = clean_inline(cur.trim());
        if !t.is_empty() {
            paras.push(t);
        }
        cur.clear();
    };
    for line in body.lines() {
        let l = line.trim();
        if l.is_empty() || l == "<!-- -->" {
            flush(&mut cur, &mut paras);
            continue;
        }
        let is_item = l.starts_with("- ")
            || l.starts_with("* ")
            || l.starts_with("+ ")
            || l.starts_with('#')
            || ordered_item(l);
        if is_item {
            flush(&mut cur, &mut paras);
        }
        let l = l.trim_start_matches('#').trim_start_matches('>').trim();
        let l = strip_item_marker(l);
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(l);
        if line.trim_start().starts_with('#') {
            flush(&mut cur, &mut paras);
        }
    }
    flush(&mut cur, &mut paras);
    doc.text = paras.join("\n\n");
    doc
}

fn ordered_item(l: &str) -> bool {
    let digits = l.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && digits < 4 && l[digits..].starts_with(". ")
}

fn strip_item_marker(l: &str) -> &str {
    for m in ["- ", "* ", "+ "] {
        if let Some(r) = l.strip_prefix(m) {
            return r.trim_start();
        }
    }
    if ordered_item(l)
        && let Some((_, r)) = l.split_once(". ")
    {
        return r.trim_start();
    }
    l
}

fn split_front_matter(text: &str) -> (&str, &str) {
    let t = text.trim_start_matches('\u{feff}');
    if let Some(rest) = t.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---")
    {
        let front = &rest[..end];
        let after = &rest[end + 4..];
        let after = after.strip_prefix('\n').unwrap_or(after);
        return (front, after);
    }
    ("", t)
}

/// Links to their text, images and HTML tags removed, emphasis marks and escapes dropped.
fn clean_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Images: ![alt](url) → nothing.
        if c == '!'
            && chars.get(i + 1) == Some(&'[')
            && let Some(end) = link_end(&chars, i + 1)
        {
            i = end;
            continue;
        }
        // Links: [text](url) → text.
        if c == '['
            && let Some(close) = chars[i..].iter().position(|x| *x == ']').map(|p| p + i)
            && chars.get(close + 1) == Some(&'(')
            && let Some(end) = link_end(&chars, i)
        {
            let inner: String = chars[i + 1..close].iter().collect();
            out.push_str(&clean_inline(&inner));
            i = end;
            continue;
        }
        // HTML tags and comments.
        if c == '<'
            && let Some(close) = chars[i..].iter().position(|x| *x == '>').map(|p| p + i)
        {
            {
                let tag: String = chars[i + 1..close].iter().collect();
                let looks_tag = tag.starts_with('/')
                    || tag.starts_with('!')
                    || tag.chars().next().is_some_and(|x| x.is_ascii_alphabetic());
                if looks_tag {
                    i = close + 1;
                    continue;
                }
            }
        }
        if c == '\\' && chars.get(i + 1).is_some_and(|x| x.is_ascii_punctuation()) {
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if (c == '*' || c == '_') && chars.get(i + 1) == Some(&c) {
            i += 2;
            continue;
        }
        if c == '*' {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    // Collapse runs of spaces left by removed markup.
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `[text](url)` starting at `open` (the `[`): the index after the closing `)`.
fn link_end(chars: &[char], open: usize) -> Option<usize> {
    let close = chars[open..].iter().position(|x| *x == ']')? + open;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let mut depth = 0;
    for (k, c) in chars.iter().enumerate().skip(close + 1) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads `2025-12-16`, `2025-12-16T10:00:00Z` or `2025-12-16 10:00` as a day.
pub fn parse_date_prefix(s: &str) -> Option<Date> {
    let t = s.trim().trim_matches(|c| c == '\'' || c == '"');
    t.get(..10)?.parse().ok()
}

/// An HTML page: metadata from `<meta>` tags (title, author, publisher `og:site_name`,
/// `article:published_time`, canonical URL) and the article text — the paragraphs of the
/// element whose direct `<p>` children hold the most text.
pub fn read_html(html: &str) -> Document {
    let page = Html::parse_document(html);
    let meta = |sel: &str| -> Option<String> {
        let s = Selector::parse(sel).ok()?;
        page.select(&s)
            .filter_map(|e| {
                e.value()
                    .attr("content")
                    .or_else(|| e.value().attr("datetime"))
                    .or_else(|| e.value().attr("href"))
            })
            .map(collapse)
            .find(|v| !v.is_empty())
    };
    let text_of = |sel: &str| -> Option<String> {
        let s = Selector::parse(sel).ok()?;
        page.select(&s)
            .map(|e| collapse(&e.text().collect::<String>()))
            .find(|v| !v.is_empty())
    };
    let title = meta("meta[property='og:title']")
        .or_else(|| text_of("title"))
        .or_else(|| text_of("h1"));
    let author = meta("meta[name='author']")
        .or_else(|| meta("meta[property='article:author']"))
        .or_else(|| meta("meta[name='byl']"))
        .or_else(|| text_of("[rel='author']"))
        .map(|a| {
            a.strip_prefix("By ")
                .or_else(|| a.strip_prefix("by "))
                .unwrap_or(&a)
                .to_string()
        });
    let publisher =
        meta("meta[property='og:site_name']").or_else(|| meta("meta[name='publisher']"));
    let published = meta("meta[property='article:published_time']")
        .or_else(|| meta("meta[name='date']"))
        .or_else(|| meta("meta[itemprop='datePublished']"))
        .or_else(|| meta("time[datetime]"))
        .and_then(|d| parse_date_prefix(&d));
    let url = meta("link[rel='canonical']").or_else(|| meta("meta[property='og:url']"));
    let text = main_text(&page);
    Document {
        text,
        title,
        author,
        publisher,
        published,
        url,
    }
}

/// Whitespace collapsed to single spaces.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The paragraphs of the densest block: the element whose direct `<p>` children hold the
/// most text. Falls back to the body's text when a page has no paragraphs.
fn main_text(page: &Html) -> String {
    let Ok(all) = Selector::parse("body *") else {
        return String::new();
    };
    let mut best: Option<(usize, ElementRef)> = None;
    for el in page.select(&all) {
        if matches!(
            el.value().name(),
            "nav" | "footer" | "aside" | "header" | "script" | "style" | "form"
        ) {
            continue;
        }
        let len: usize = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| c.value().name() == "p")
            .map(|p| p.text().map(|t| t.trim().len()).sum::<usize>())
            .sum();
        if len > 0 && best.as_ref().is_none_or(|(b, _)| len > *b) {
            best = Some((len, el));
        }
    }
    if let Some((_, el)) = best {
        let paras: Vec<String> = el
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "p" | "blockquote" | "h2" | "h3"))
            .map(|p| collapse(&p.text().collect::<String>()))
            .filter(|p| !p.is_empty())
            .collect();
        return paras.join("\n\n");
    }
    let Ok(body) = Selector::parse("body") else {
        return String::new();
    };
    page.select(&body)
        .next()
        .map(|b| collapse(&b.text().collect::<String>()))
        .unwrap_or_default()
}

/// Text from an HTML fragment (a feed entry's content): paragraphs kept apart.
pub fn html_fragment_text(html: &str) -> String {
    let frag = Html::parse_fragment(html);
    let Ok(ps) = Selector::parse("p") else {
        return collapse(html);
    };
    let paras: Vec<String> = frag
        .select(&ps)
        .map(|p| collapse(&p.text().collect::<String>()))
        .filter(|p| !p.is_empty())
        .collect();
    if paras.is_empty() {
        collapse(&frag.root_element().text().collect::<String>())
    } else {
        paras.join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_front_matter_and_wrapped_lines() {
        let md = "---\ntitle: 'A title'\ndate: '2025-09-18'\nsource_url: https://example.org/a\n---\n \nToday, the [deal](https://x.y/z)\nwas **signed**.\n\n-   First item\n    continued.\n-   Second\n\n<span id=\"x\"></span>\n";
        let d = read_markdown(md);
        assert_eq!(d.title.as_deref(), Some("A title"));
        assert_eq!(
            d.published.map(|x| x.to_string()).as_deref(),
            Some("2025-09-18")
        );
        assert_eq!(d.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(
            d.text,
            "Today, the deal was signed.\n\nFirst item continued.\n\nSecond"
        );
    }

    #[test]
    fn detects_formats() {
        assert_eq!(detect("<!DOCTYPE html><html>", None, None), Format::Html);
        assert_eq!(
            detect("<?xml version=\"1.0\"?><rss>", None, None),
            Format::Feed
        );
        assert_eq!(
            detect("<feed xmlns=\"http://www.w3.org/2005/Atom\">", None, None),
            Format::Feed
        );
        assert_eq!(
            detect("---\ntitle: x\n---\nbody", None, None),
            Format::Markdown
        );
        assert_eq!(detect("Just words.", None, None), Format::Text);
        assert_eq!(detect("x", Some("html"), None), Format::Html);
        assert_eq!(detect("x", None, Some("application/rss+xml")), Format::Feed);
    }
}
