//! First pass: TOML and JSON Lines syntax, then each entry deserialised on its own so that
//! one bad entry does not hide the problems of the others.
//!
//! Nothing here stops at the first problem:
//!
//! - a TOML file with syntax errors is still read, from the parser's recovered tree, so the
//!   entries it holds exist for the checks of the other files;
//! - an entry with a bad field is *repaired* and read again: an unknown field is dropped, a
//!   bad or missing value is replaced by a placeholder, until the entry reads. Every problem
//!   met on the way is reported, the repaired entry takes part in the cross-entry checks,
//!   and diagnostics that would be about a placeholder are dropped later (see
//!   [`Read::suppressed`]);
//! - an entry that cannot be repaired is left out, and its id (when it has one) is
//!   remembered in [`Read::broken_ids`] so that references to it are not reported as unknown.
//!
//! The repair of one entry is in `repair`, tree paths in `tree`, and the wording of every
//! diagnostic found here in `messages`.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use accord_model::{
    Claim, Dataset, DatasetMeta, Instrument, Link, Package, Party, Pledge, Source, Track,
};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::messages::{json_syntax, list, toml_syntax, unclosed_bracket};
use crate::repair::{EntryCx, Sink, read_entry};
use crate::tree::{find_unclosed, header_starts, implicit_table, values_touching};
use crate::validate;
use crate::{Diag, SourceFile};

/// The tables a definitions file may hold.
pub(crate) const TABLES: &[&str] = &[
    "party",
    "source",
    "instrument",
    "track",
    "package",
    "link",
    "pledge",
    "claim",
];

/// The text put in place of a bad string value while an entry is repaired. It is not a valid
/// id, so it never names anything by accident.
pub(crate) const PLACEHOLDER: &str = "\u{1}placeholder";

/// Spans from here up are given to values the repair inserted; they point at no text, and
/// diagnostics with such spans are dropped.
pub(crate) const SENTINEL: usize = usize::MAX / 2;

/// One step into a TOML value: a key or an array index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'s> {
    K(&'s str),
    I(usize),
}

/// Where an entry came from, so later checks can point at a field.
pub(crate) struct Origin<'a> {
    pub file: &'a SourceFile,
    /// The whole entry (for a `[[table]]`, its header; for a JSON line, the line).
    pub span: Range<usize>,
    /// The entry's value as read (after any repair), with the spans of the file.
    pub value: Spanned<DeValue<'a>>,
    /// Whether the entry holds a TOML syntax error: then a field it seems to lack may have
    /// been lost to the error, and checks about absent fields are skipped.
    pub damaged: bool,
}

impl Origin<'_> {
    /// The span of a field inside the entry, falling back to the nearest enclosing value.
    pub fn at(&self, path: &[Seg<'_>]) -> Range<usize> {
        let mut cur = &self.value;
        for seg in path {
            let next = match (seg, cur.get_ref()) {
                (Seg::K(k), DeValue::Table(t)) => t.get(*k),
                (Seg::I(i), DeValue::Array(a)) => a.get(*i),
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => break,
            }
        }
        cur.span()
    }

    /// For a string field holding `decoded`, the file offset of each of its bytes and of
    /// its end; `None` if the field is not written as a plain string token.
    pub fn string_offsets(&self, path: &[Seg<'_>], decoded: &str) -> Option<Vec<usize>> {
        let r = self.at(path);
        let raw = self.file.text.get(r.clone())?;
        crate::strings::decoded_offsets(raw, r.start, decoded)
    }
}

/// What the reader collected: the model plus where every entry came from.
pub(crate) struct Read<'a> {
    pub meta: Option<(DatasetMeta, Origin<'a>)>,
    pub parties: Vec<(Party, Origin<'a>)>,
    pub sources: Vec<(Source, Origin<'a>)>,
    pub instruments: Vec<(Instrument, Origin<'a>)>,
    pub tracks: Vec<(Track, Origin<'a>)>,
    pub packages: Vec<(Package, Origin<'a>)>,
    pub links: Vec<(Link, Origin<'a>)>,
    pub pledges: Vec<(Pledge, Origin<'a>)>,
    pub claims: Vec<(Claim, Origin<'a>)>,
    pub diags: Vec<Diag>,
    /// (file, span) of values replaced by placeholders: later diagnostics there are dropped,
    /// because the problem with the value has been reported already.
    pub suppressed: Vec<(String, Range<usize>)>,
    /// Ids of entries that could not be read at all.
    pub broken_ids: BTreeSet<String>,
}

/// Whether a diagnostic at `span` of `file` would be about a placeholder.
pub(crate) fn is_suppressed(
    suppressed: &[(String, Range<usize>)],
    file: &str,
    span: &Range<usize>,
) -> bool {
    span.start >= SENTINEL
        || suppressed
            .iter()
            .any(|(f, s)| f == file && overlaps(s, span))
}

pub(crate) fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// The id of a JSON line that could not be parsed, if `"id": "…"` can be seen in it.
fn json_line_id(line: &str) -> Option<String> {
    let rest = &line[line.find("\"id\"")? + 4..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    rest.split_once('"').map(|(id, _)| id.to_string())
}

/// The ids written as `id = "…"` at the start of a line of a TOML text.
fn written_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let rest = l
                .trim_start()
                .strip_prefix("id")?
                .trim_start()
                .strip_prefix('=')?;
            let rest = rest.trim_start().strip_prefix('"')?;
            rest.split_once('"').map(|(id, _)| id.to_string())
        })
        .collect()
}

fn read_entries<'a, T: DeserializeOwned>(
    cx: &EntryCx<'a, '_>,
    key: &Spanned<Cow<'a, str>>,
    value: &Spanned<DeValue<'a>>,
    starts: &[usize],
    out: &mut Vec<(T, Origin<'a>)>,
    sink: &mut Sink<'_>,
) {
    let name = key.get_ref();
    if let Some(sub) = implicit_table(value) {
        sink.diags.push(
            Diag::error(
                "D016",
                &cx.file.path,
                key.span(),
                format!("`[[{name}.{sub}]]` comes before any `[[{name}]]`"),
            )
            .label(format!("no `[[{name}]]` above this"))
            .help(format!(
                "move it below the `[[{name}]]` it belongs to; until then the `[[{name}]]` entries of this file cannot be read"
            )),
        );
        return;
    }
    let one = std::slice::from_ref(value);
    let items: &[Spanned<DeValue<'a>>] = match value.get_ref() {
        DeValue::Array(items) => items,
        other => {
            let (message, help) = if matches!(other, DeValue::Table(_)) {
                (
                    format!("`[{name}]` must be written `[[{name}]]`"),
                    format!(
                        "write each entry under its own `[[{name}]]` header, with double brackets"
                    ),
                )
            } else {
                (
                    format!("`{name}` must be an array of tables"),
                    format!("write each entry under its own `[[{name}]]` header"),
                )
            };
            sink.diags.push(
                Diag::error("D003", &cx.file.path, key.span(), message)
                    .label("not an array of tables")
                    .help(help),
            );
            // A single `[x]` table is still read as one entry, so that what it defines
            // exists for the other checks.
            if !matches!(other, DeValue::Table(_)) {
                return;
            }
            one
        }
    };
    for item in items.iter() {
        if !matches!(item.get_ref(), DeValue::Table(_)) {
            sink.diags.push(
                Diag::error(
                    "D003",
                    &cx.file.path,
                    item.span(),
                    format!("each `{name}` entry must be a table"),
                )
                .label("not a table")
                .help(format!(
                    "write each entry under its own `[[{name}]]` header"
                )),
            );
            continue;
        }
        // The entry runs from its header to the next header of the file.
        let start = item.span().start;
        // `starts` is sorted: a binary search, not a scan (a scan per entry made reading a
        // file quadratic in its number of entries).
        let end = next_start(starts, start);
        let damaged = cx.syntax.iter().any(|s| s.start >= start && s.start < end);
        let ecx = EntryCx { damaged, ..*cx };
        if let Some(x) = read_entry::<T>(&ecx, item, sink) {
            out.push(x);
        }
    }
}

pub(crate) fn read_and_validate(files: &[SourceFile]) -> (Dataset, Vec<Diag>) {
    // Parse every TOML file first; the parsed trees borrow from `files` and live until the
    // end of this function, so diagnostics can point into them.
    let parsed: Vec<(&SourceFile, Spanned<DeTable<'_>>, Vec<toml::de::Error>)> = files
        .iter()
        .filter(|f| f.path.ends_with(".toml"))
        .map(|f| {
            let (table, errors) = DeTable::parse_recoverable(&f.text);
            (f, table, errors)
        })
        .collect();
    let mut r = Read {
        meta: None,
        parties: vec![],
        sources: vec![],
        instruments: vec![],
        tracks: vec![],
        packages: vec![],
        links: vec![],
        pledges: vec![],
        claims: vec![],
        diags: vec![],
        suppressed: vec![],
        broken_ids: BTreeSet::new(),
    };
    let mut next_sentinel = SENTINEL;
    let has_accord_toml = files.iter().any(|f| f.path == "accord.toml");
    if !has_accord_toml {
        r.diags.push(
            Diag::error(
                "D016",
                "accord.toml",
                0..0,
                "the dataset has no `accord.toml`".to_string(),
            )
            .label("missing file")
            .help("create `accord.toml` with a `[dataset]` table holding at least `name = \"…\"`"),
        );
    }
    for (file, table, errors) in &parsed {
        let mut syntax: Vec<Range<usize>> = errors.iter().filter_map(|e| e.span()).collect();
        // Tables TOML made up for a `[[x.sub]]` before any `[[x]]`; the later `[[x]]` is then
        // a duplicate key, which the diagnostic about the order explains.
        let implicit: Vec<&str> = table
            .get_ref()
            .iter()
            .filter(|(k, v)| TABLES.contains(&k.get_ref().as_ref()) && implicit_table(v).is_some())
            .map(|(k, _)| k.get_ref().as_ref())
            .collect();
        // An unclosed `[` or `{` swallows the rest of the file, and every line after it is
        // a syntax error of its own: report the bracket that was never closed instead.
        let root = if errors.is_empty() {
            Spanned::new(0..0, DeValue::Boolean(false))
        } else {
            Spanned::new(table.span(), DeValue::Table(table.get_ref().clone()))
        };
        let mut swallowed: Vec<Range<usize>> = Vec::new();
        for e in errors {
            let unclosed = e.message().starts_with("unclosed array")
                || e.message().starts_with("unclosed inline table");
            if let (true, Some(at)) = (unclosed, e.span())
                && let Some(open) = find_unclosed(&root, &file.text, at.start)
                && !swallowed.iter().any(|s| s.start == open.start)
            {
                r.diags.push(unclosed_bracket(file, open.clone()));
                swallowed.push(open.start..at.end.max(at.start + 1));
            }
        }
        // A value a syntax error runs into (an unterminated string, a stray character in a
        // list) is the parser's guess: no later check speaks of it, nor of what an unclosed
        // bracket swallowed.
        let mut guessed = Vec::new();
        for e in &syntax {
            values_touching(&root, e.start, &mut guessed);
        }
        syntax.extend(swallowed.iter().cloned());
        syntax.extend(guessed.iter().cloned());
        r.suppressed.extend(
            swallowed
                .iter()
                .chain(&guessed)
                .map(|s| (file.path.clone(), s.clone())),
        );
        let mut lines_with_errors = BTreeSet::new();
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let at = file.text.get(span.clone()).unwrap_or("");
            if e.message().starts_with("duplicate key") && implicit.contains(&at.trim()) {
                continue;
            }
            if swallowed
                .iter()
                .any(|s| s.start <= span.start && span.start < s.end)
            {
                continue;
            }
            // After the first syntax error of a line, the rest of it is usually a consequence.
            let line = accord_lang::line_col(&file.text, span.start).0;
            if !lines_with_errors.insert(line) {
                continue;
            }
            r.diags.push(toml_syntax(file, e));
        }
        let starts = header_starts(table.get_ref());
        let is_meta = file.path == "accord.toml";
        let cx = EntryCx {
            file,
            what: "dataset",
            json: false,
            syntax: &syntax,
            damaged: false,
        };
        let mut sink = Sink {
            diags: &mut r.diags,
            suppressed: &mut r.suppressed,
            broken_ids: &mut r.broken_ids,
            next_sentinel: &mut next_sentinel,
        };
        let mut stray_keys = false;
        if !syntax.is_empty() {
            // What the parser recovered may have lost entries; remember the ids written in
            // the file so that references to them are not reported as unknown.
            sink.broken_ids.extend(written_ids(&file.text));
        }
        for (key, value) in table.get_ref().iter() {
            let k: &str = key.get_ref();
            let is_table = matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_));
            // After a syntax error the recovered layout of the file is a guess: a key out of
            // place is more likely a consequence than a problem of its own.
            let known = k == "dataset" || TABLES.contains(&k);
            if !syntax.is_empty() && (!is_table || !known) {
                stray_keys = true;
                continue;
            }
            if !is_table {
                stray_keys = true;
                let (message, help) = if is_meta {
                    (
                        format!("`{k}` must be inside `[dataset]`"),
                        "put it below a `[dataset]` header".to_string(),
                    )
                } else {
                    (
                        format!("`{k}` is outside any entry"),
                        "put it below the header of the entry it belongs to, e.g. `[[party]]`"
                            .to_string(),
                    )
                };
                sink.diags.push(
                    Diag::error("D016", &file.path, key.span(), message)
                        .label("not in a table")
                        .help(help),
                );
                continue;
            }
            if is_meta {
                if k == "dataset" {
                    if !matches!(value.get_ref(), DeValue::Table(_)) {
                        sink.diags.push(
                            Diag::error(
                                "D016",
                                &file.path,
                                key.span(),
                                "`dataset` must be a single table".to_string(),
                            )
                            .label("written as an array of tables")
                            .help("write the header with single brackets: `[dataset]`"),
                        );
                        continue;
                    }
                    let start = value.span().start;
                    let end = next_start(&starts, start);
                    let damaged = syntax.iter().any(|s| s.start >= start && s.start < end);
                    let ecx = EntryCx { damaged, ..cx };
                    if let Some(m) = read_entry::<DatasetMeta>(&ecx, value, &mut sink) {
                        r.meta = Some(m);
                    }
                } else {
                    sink.diags.push(
                        Diag::error("D016", &file.path, key.span(), format!("unknown table `{k}` in `accord.toml`"))
                            .label("not allowed here")
                            .help(format!(
                                "`accord.toml` holds only `[dataset]`; put `[[{k}]]` entries in another `.toml` file"
                            )),
                    );
                }
                continue;
            }
            let what = |w| EntryCx { what: w, ..cx };
            match k {
                "party" => read_entries(
                    &what("party"),
                    key,
                    value,
                    &starts,
                    &mut r.parties,
                    &mut sink,
                ),
                "source" => read_entries(
                    &what("source"),
                    key,
                    value,
                    &starts,
                    &mut r.sources,
                    &mut sink,
                ),
                "instrument" => read_entries(
                    &what("instrument"),
                    key,
                    value,
                    &starts,
                    &mut r.instruments,
                    &mut sink,
                ),
                "track" => read_entries(
                    &what("track"),
                    key,
                    value,
                    &starts,
                    &mut r.tracks,
                    &mut sink,
                ),
                "package" => read_entries(
                    &what("package"),
                    key,
                    value,
                    &starts,
                    &mut r.packages,
                    &mut sink,
                ),
                "link" => read_entries(&what("link"), key, value, &starts, &mut r.links, &mut sink),
                "pledge" => read_entries(
                    &what("pledge"),
                    key,
                    value,
                    &starts,
                    &mut r.pledges,
                    &mut sink,
                ),
                "claim" => read_entries(
                    &what("claim"),
                    key,
                    value,
                    &starts,
                    &mut r.claims,
                    &mut sink,
                ),
                "dataset" => sink.diags.push(
                    Diag::error(
                        "D016",
                        &file.path,
                        key.span(),
                        "`[dataset]` belongs in `accord.toml`".to_string(),
                    )
                    .label("not allowed here")
                    .help("move this table to `accord.toml` at the top of the dataset"),
                ),
                other => {
                    let help = match accord_lang::suggest(other, TABLES.iter().copied()) {
                        Some(s) => format!("did you mean `[[{s}]]`?"),
                        None => format!("a dataset file holds the tables {}", list(TABLES)),
                    };
                    sink.diags.push(
                        Diag::error(
                            "D016",
                            &file.path,
                            key.span(),
                            format!("unknown table `{other}`"),
                        )
                        .label("not a dataset table")
                        .help(help),
                    );
                }
            }
        }
        if is_meta
            && r.meta.is_none()
            && !stray_keys
            && errors.is_empty()
            && !table.get_ref().contains_key("dataset")
        {
            r.diags.push(
                Diag::error(
                    "D016",
                    &file.path,
                    0..0,
                    "`accord.toml` has no `[dataset]` table".to_string(),
                )
                .label("expected `[dataset]`")
                .help("add a `[dataset]` table holding at least `name = \"…\"`"),
            );
        }
    }
    // JSON Lines: check the syntax of each line with serde_json, then read it as a tree with
    // spans so that it goes through the same reading as a `[[claim]]` table.
    let mut lines: Vec<(&SourceFile, Spanned<DeValue<'_>>)> = Vec::new();
    for file in files.iter().filter(|f| f.path.ends_with(".jsonl")) {
        let mut offset = 0;
        for line in file.text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                continue;
            }
            let span = start..start + body.len();
            match serde_json::from_str::<serde_json::Value>(body) {
                Err(e) => {
                    r.diags.push(json_syntax(file, span, &e));
                    // The claim is lost; so that corrections of it are not reported as
                    // dangling, remember its id if it can be seen.
                    if let Some(id) = json_line_id(body) {
                        r.broken_ids.insert(id);
                    }
                }
                Ok(serde_json::Value::Object(_)) => match crate::json::tree(&file.text, span.clone()) {
                    Some(v) => lines.push((file, v)),
                    None => r.diags.push(
                        Diag::error("D001", &file.path, span, "JSON syntax: this line could not be read".to_string())
                            .label("unreadable")
                            .help("each line of a `.jsonl` file must be one JSON object holding one claim"),
                    ),
                },
                Ok(_) => r.diags.push(
                    Diag::error("D003", &file.path, span, "each line of a `.jsonl` file must be a JSON object".to_string())
                        .label("not an object")
                        .help("write one claim per line as `{\"id\": …, \"about\": …, …}`"),
                ),
            }
        }
    }
    let mut sink = Sink {
        diags: &mut r.diags,
        suppressed: &mut r.suppressed,
        broken_ids: &mut r.broken_ids,
        next_sentinel: &mut next_sentinel,
    };
    for (file, v) in &lines {
        let cx = EntryCx {
            file,
            what: "claim",
            json: true,
            syntax: &[],
            damaged: false,
        };
        if let Some(c) = read_entry::<Claim>(&cx, v, &mut sink) {
            r.claims.push(c);
        }
    }
    validate::validate(r)
}

/// The first header start after `start` in the sorted `starts`, or `usize::MAX`.
fn next_start(starts: &[usize], start: usize) -> usize {
    starts
        .get(starts.partition_point(|s| *s <= start))
        .copied()
        .unwrap_or(usize::MAX)
}
