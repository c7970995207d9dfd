//! Reading articles: plain text, Markdown with a front matter, HTML pages; and the top-level
//! [`load`] that takes a path or a URL and gives the documents to extract from.
//!
//! The text a reader returns is the **stored text**: offsets in proposals point into it.
//! Readers normalise layout only (paragraphs separated by a blank line, wrapped lines
//! joined, markup removed); they never reword.

use std::io::Read;
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

/// Why an input could not be read. Each message says where (the file or address), what is
/// wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read `{path}`: {message}")]
    Io { path: String, message: String },
    #[error(
        "`{path}` is {} the limit of {limit} bytes (--max-bytes); it was refused without reading it all. If it really is one article or feed, pass a larger --max-bytes",
        size.map_or_else(|| "larger than".to_string(), |s| format!("{s} bytes, more than"))
    )]
    TooLarge {
        path: String,
        /// The size when known (a regular file); `None` when reading stopped at the limit.
        size: Option<u64>,
        limit: u64,
    },
    #[error(
        "`{path}` is not text: {why} at byte offset {offset}. Give an article as plain text, Markdown or HTML, or an RSS/Atom feed"
    )]
    NotText {
        path: String,
        offset: usize,
        why: String,
    },
    #[error(
        "`{path}` is not UTF-8 text: the byte at offset {offset} (line {line}) is 0x{byte:02X}, and no encoding is declared (no byte-order mark, XML `encoding`, HTML `<meta charset>` or HTTP charset). Convert it to UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8` for Latin-1, or declare its encoding"
    )]
    NotUtf8 {
        path: String,
        offset: usize,
        line: usize,
        byte: u8,
    },
    #[error(
        "`{path}` declares its encoding as {encoding} ({declared_by}), but the byte at offset {offset} is not valid {encoding}. Convert it to UTF-8 (e.g. `iconv -f {encoding} -t utf-8 FILE > FILE.utf8`) or correct the declaration"
    )]
    BadEncoding {
        path: String,
        encoding: String,
        declared_by: String,
        offset: usize,
    },
    #[error(
        "`{path}` nests HTML elements more than {limit} deep (at byte offset {offset} of its UTF-8 text); a page that deep is not an article and would take the HTML parser far too long, so it was refused. If it is an article, save its text as a .txt file and ingest that"
    )]
    TooDeep {
        path: String,
        limit: usize,
        offset: usize,
    },
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
    #[error("`{path}`: {source}")]
    Feed {
        path: String,
        source: feed::FeedError,
    },
}

/// Deepest nesting of HTML elements read; a deeper page is refused ([`InputError::TooDeep`]).
/// The HTML parser's work grows with the depth for every element it opens, so a page of
/// 100,000 nested `<div>`s would take minutes; browsers flatten beyond 512.
pub const MAX_HTML_DEPTH: usize = 1_000;

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
///
/// A file is read up to [`Limits::max_bytes`] and refused beyond it (whatever its kind: a
/// regular file by its size, anything else — a pipe, a device — when reading passes the
/// limit); a download stops at the limit. The bytes are then decoded ([`decode`]) and HTML
/// too deeply nested is refused before parsing.
pub fn load(input: &str, limits: &Limits, fetch_opts: &FetchOptions) -> Result<Loaded, InputError> {
    if input.starts_with("http://") || input.starts_with("https://") {
        let got = fetch::fetch(input, fetch_opts)?;
        let text = decode(&got.body, input, got.content_type.as_deref())?;
        let format = detect(&text, None, got.content_type.as_deref());
        return from_text(input, &text, format, Some(got.url), limits);
    }
    let path = Path::new(input);
    let bytes = read_capped(input, limits.max_bytes)?;
    let text = decode(&bytes, input, None)?;
    drop(bytes);
    let format = detect(&text, path.extension().and_then(|e| e.to_str()), None);
    from_text(input, &text, format, None, limits)
}

/// Reads at most `max` bytes of a file; more is [`InputError::TooLarge`].
fn read_capped(input: &str, max: u64) -> Result<Vec<u8>, InputError> {
    let io = |e: std::io::Error| InputError::Io {
        path: input.to_string(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(input).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(InputError::Io {
            path: input.to_string(),
            message: "it is a directory; give a file or an http(s) address".into(),
        });
    }
    if meta.is_file() && meta.len() > max {
        return Err(InputError::TooLarge {
            path: input.to_string(),
            size: Some(meta.len()),
            limit: max,
        });
    }
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(InputError::TooLarge {
            path: input.to_string(),
            size: None,
            limit: max,
        });
    }
    Ok(bytes)
}

/// The text of an input's bytes.
///
/// - A byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE).
/// - A NUL byte, or many control bytes, early on: not text ([`InputError::NotText`]).
/// - Valid UTF-8 is taken as it is (even when something declares another encoding: the
///   declaration is then wrong more often than the bytes).
/// - Else the declared encoding — the HTTP `charset`, else the XML declaration's `encoding`,
///   else an HTML `<meta charset>` / `http-equiv` — decodes it (Latin-1 is read as
///   Windows-1252, as browsers do); bytes invalid in it are [`InputError::BadEncoding`].
/// - Else [`InputError::NotUtf8`], with the offset of the first invalid byte.
pub fn decode(bytes: &[u8], path: &str, content_type: Option<&str>) -> Result<String, InputError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return decode_as(enc, &bytes[bom..], path, "its byte-order mark", bom);
    }
    if let Some((offset, why)) = binary(bytes) {
        return Err(InputError::NotText {
            path: path.to_string(),
            offset,
            why,
        });
    }
    let err = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(s.to_string()),
        Err(e) => e,
    };
    if let Some((enc, by)) = declared_encoding(bytes, content_type)
        && enc != encoding_rs::UTF_8
    {
        return decode_as(enc, bytes, path, &by, 0);
    }
    let offset = err.valid_up_to();
    Err(InputError::NotUtf8 {
        path: path.to_string(),
        offset,
        line: bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1,
        byte: bytes.get(offset).copied().unwrap_or(0),
    })
}

fn decode_as(
    enc: &'static encoding_rs::Encoding,
    bytes: &[u8],
    path: &str,
    by: &str,
    skipped: usize,
) -> Result<String, InputError> {
    if enc == encoding_rs::UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(InputError::BadEncoding {
                path: path.to_string(),
                encoding: "UTF-8".into(),
                declared_by: by.to_string(),
                offset: skipped + e.valid_up_to(),
            }),
        };
    }
    let mut decoder = enc.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => Err(InputError::BadEncoding {
            path: path.to_string(),
            encoding: enc.name().to_string(),
            declared_by: by.to_string(),
            offset: skipped + read.saturating_sub(usize::from(bad) + usize::from(after)),
        }),
        encoding_rs::DecoderResult::OutputFull => Err(InputError::BadEncoding {
            path: path.to_string(),
            encoding: enc.name().to_string(),
            declared_by: by.to_string(),
            offset: skipped + read,
        }),
    }
}

/// Whether the bytes look binary: a NUL byte, or more than one in ten control bytes, in the
/// first 8 KiB. The offset and what was seen.
fn binary(bytes: &[u8]) -> Option<(usize, String)> {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(i) = head.iter().position(|b| *b == 0) {
        let utf16 = head.len() >= 4
            && head.chunks(2).filter(|c| c.contains(&0)).count() * 10 >= head.len() / 2 * 9;
        let why = if utf16 {
            "it holds NUL bytes (it may be UTF-16 without a byte-order mark: convert it to UTF-8, e.g. `iconv -f utf-16le -t utf-8`), the first".to_string()
        } else {
            "it holds a NUL byte".to_string()
        };
        return Some((i, why));
    }
    let control = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    if control * 10 > head.len() {
        let first = head
            .iter()
            .position(|b| *b < 0x20 && !matches!(*b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
            .unwrap_or(0);
        return Some((
            first,
            format!(
                "{control} of its first {} bytes are control characters, the first",
                head.len()
            ),
        ));
    }
    None
}

/// The encoding declared by the HTTP content type, the XML declaration or an HTML `<meta>`,
/// and which of them declared it.
fn declared_encoding(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Option<(&'static encoding_rs::Encoding, String)> {
    if let Some(ct) = content_type
        && let Some(label) = charset_param(ct)
        && let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes())
    {
        return Some((enc, format!("the HTTP Content-Type charset `{label}`")));
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    if head.trim_start().starts_with("<?xml")
        && let Some(end) = head.find("?>")
        && let Some(label) = attr_value(&head[..end], "encoding")
        && let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes())
    {
        return Some((enc, format!("the XML declaration `encoding=\"{label}\"`")));
    }
    let mut rest = head.as_str();
    while let Some(i) = rest.find("<meta") {
        let tag = &rest[i..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let label = attr_value(tag, "charset").or_else(|| {
            attr_value(tag, "content")
                .filter(|_| tag.contains("http-equiv"))
                .and_then(|c| charset_param(&c))
        });
        if let Some(label) = label
            && let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes())
        {
            return Some((enc, format!("the HTML `<meta charset=\"{label}\">`")));
        }
        rest = &rest[i + 5..];
    }
    None
}

/// `charset=…` in a content type.
fn charset_param(ct: &str) -> Option<String> {
    let lower = ct.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let v = lower[at + 8..]
        .trim_start()
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?
        .to_string();
    (!v.is_empty()).then_some(v)
}

/// The value of `name=` in a tag's text (quoted or not).
fn attr_value(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let before_ok = i == 0 || !tag.as_bytes()[i - 1].is_ascii_alphanumeric();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let v = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | ';' | '"' | '\''))
                .next()
                .unwrap_or(""),
        };
        if !v.is_empty() {
            return Some(v.trim().to_string());
        }
    }
    None
}

/// An XML declaration naming another encoding, rewritten to say UTF-8: the text handed to
/// the feed parser is always UTF-8, whatever the bytes were.
fn xml_declared_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    if !t.starts_with("<?xml") {
        return text.into();
    }
    let Some(end) = t.find("?>") else {
        return text.into();
    };
    let decl = &t[..end];
    let Some(at) = decl.find("encoding") else {
        return text.into();
    };
    let after = &decl[at + 8..];
    let Some(q0) = after.find(['"', '\'']) else {
        return text.into();
    };
    let quote = after[q0..].chars().next().unwrap_or('"');
    let Some(q1) = after[q0 + 1..].find(quote) else {
        return text.into();
    };
    let value = &after[q0 + 1..q0 + 1 + q1];
    if value.eq_ignore_ascii_case("utf-8") {
        return text.into();
    }
    let start = lead + at + 8 + q0 + 1;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.push_str("UTF-8");
    out.push_str(&text[start + value.len()..]);
    out.into()
}

/// Elements the depth scan does not count as nesting: void elements, and elements the HTML
/// parser closes by itself when the next one opens (`<p>`, `<li>`, `<a>` …), so that sloppy
/// pages of unclosed paragraphs are not mistaken for deep ones.
fn flat_element(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "frame"
            | "basefont"
            | "bgsound"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
            | "a"
            | "nobr"
            | "html"
            | "head"
            | "body"
    )
}

/// A cheap scan of the open-tag depth of HTML, without parsing it: the byte offset where
/// the depth first passes `limit`, if it does. Comments, doctypes, raw text (`<script>`,
/// `<style>`, `<textarea>`, `<title>`) and self-closed or void tags do not nest; an end tag
/// closes the nearest open element of its name among the innermost few.
pub fn html_too_deep(html: &str, limit: usize) -> Option<usize> {
    let b = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &b[i..]).map(|k| k + i) {
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, lt + 4, b"-->").map_or(b.len(), |k| k + 3);
            continue;
        }
        if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i = memchr(b'>', rest).map_or(b.len(), |k| lt + 1 + k + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(b, name_start + name_len);
        i = end;
        if closing {
            let top = stack.len().saturating_sub(8);
            if let Some(k) = stack[top..].iter().rposition(|n| *n == name) {
                stack.truncate(top + k);
            }
            continue;
        }
        let self_closed = end >= 2 && b[end - 2] == b'/';
        if matches!(
            name.as_str(),
            "script" | "style" | "textarea" | "title" | "xmp" | "noembed" | "noframes"
        ) && !self_closed
        {
            let close = format!("</{name}");
            i = find_ci(b, end, close.as_bytes()).unwrap_or(b.len());
            continue;
        }
        if name == "plaintext" {
            return None;
        }
        if self_closed || flat_element(&name) {
            continue;
        }
        stack.push(name);
        if stack.len() > limit {
            return Some(lt);
        }
    }
    None
}

/// The index after a tag's `>` (quotes in attributes respected), from inside the tag.
fn tag_end(b: &[u8], mut i: usize) -> usize {
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    b.len()
}

fn memchr(c: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|x| *x == c)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|k| k + from)
}

fn find_ci(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|k| k + from)
}

fn from_text(
    input: &str,
    text: &str,
    format: Format,
    url: Option<String>,
    limits: &Limits,
) -> Result<Loaded, InputError> {
    let (documents, entry_keys, skipped) = match format {
        Format::Text => (vec![read_text(text)], Vec::new(), 0),
        Format::Markdown => (vec![read_markdown(text)], Vec::new(), 0),
        Format::Html => {
            if let Some(offset) = html_too_deep(text, MAX_HTML_DEPTH) {
                return Err(InputError::TooDeep {
                    path: input.to_string(),
                    limit: MAX_HTML_DEPTH,
                    offset,
                });
            }
            let mut d = read_html(text);
            if d.url.is_none() {
                d.url = url.clone();
            }
            (vec![d], Vec::new(), 0)
        }
        Format::Feed => {
            let f = feed::read_feed(xml_declared_utf8(text).as_bytes(), limits.max_entries)
                .map_err(|source| InputError::Feed {
                    path: input.to_string(),
                    source,
                })?;
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
    // The body's descendants walked once (a `body *` selector would walk every element's
    // ancestors again: quadratic on a deep page).
    let Ok(body_sel) = Selector::parse("body") else {
        return String::new();
    };
    let Some(body) = page.select(&body_sel).next() else {
        return String::new();
    };
    let mut best: Option<(usize, ElementRef)> = None;
    for el in body.descendants().skip(1).filter_map(ElementRef::wrap) {
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
    collapse(&body.text().collect::<String>())
}

/// Text from an HTML fragment (a feed entry's content): paragraphs kept apart.
///
/// A fragment nested deeper than [`MAX_HTML_DEPTH`] is not parsed: its tags are removed and
/// its text kept as one paragraph.
pub fn html_fragment_text(html: &str) -> String {
    if html_too_deep(html, MAX_HTML_DEPTH).is_some() {
        return collapse(&strip_tags(html));
    }
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

/// Text with every `<…>` removed and the basic entities decoded, without parsing.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = &rest[lt..];
        rest = &rest[tag_end(rest.as_bytes(), 1).min(rest.len())..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
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
