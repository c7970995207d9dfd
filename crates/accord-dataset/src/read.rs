//! First pass: TOML and JSON Lines syntax, then each entry deserialised on its own so that
//! one bad entry does not hide the problems of the others.

use std::ops::Range;

use accord_model::{
    Claim, Dataset, DatasetMeta, Instrument, Link, Package, Party, Pledge, Source, Track,
};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

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

/// One step into a TOML value: a key or an array index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'s> {
    K(&'s str),
    I(usize),
}

/// Where an entry came from, so later checks can point at a field.
pub(crate) struct Origin<'a> {
    pub file: &'a SourceFile,
    /// The whole entry.
    pub span: Range<usize>,
    /// The entry's TOML value (None for JSON Lines).
    pub value: Option<&'a Spanned<DeValue<'a>>>,
}

impl Origin<'_> {
    /// The span of a field inside the entry, falling back to the nearest enclosing value.
    pub fn at(&self, path: &[Seg<'_>]) -> Range<usize> {
        match self.value {
            Some(v) => {
                let mut cur = v;
                for seg in path {
                    let next = match (seg, cur.get_ref()) {
                        (Seg::K(k), DeValue::Table(t)) => {
                            t.iter().find(|(key, _)| key.get_ref() == k).map(|(_, v)| v)
                        }
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
            None => json_field_span(&self.file.text, self.span.clone(), path),
        }
    }

    /// The span of a string value's contents (inside the quotes), for conditions.
    pub fn string_content(&self, path: &[Seg<'_>]) -> Range<usize> {
        let r = self.at(path);
        let raw = self.file.text.get(r.clone()).unwrap_or("");
        let q = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            1
        } else {
            0
        };
        (r.start + q)..(r.end.saturating_sub(q)).max(r.start + q)
    }
}

/// In a JSON line, the span of the last key's value (or the key), else the whole line.
fn json_field_span(text: &str, line: Range<usize>, path: &[Seg<'_>]) -> Range<usize> {
    let key = path.iter().rev().find_map(|s| match s {
        Seg::K(k) => Some(*k),
        Seg::I(_) => None,
    });
    let Some(key) = key else { return line };
    let Some(l) = text.get(line.clone()) else {
        return line;
    };
    let needle = format!("\"{key}\"");
    let Some(pos) = l.find(&needle) else {
        return line;
    };
    let after = &l[pos + needle.len()..];
    let colon = after.find(':').map(|c| c + 1).unwrap_or(0);
    let rest = &after[colon..];
    let lead = rest.len() - rest.trim_start().len();
    let vstart = pos + needle.len() + colon + lead;
    let v = &l[vstart..];
    let vlen = if let Some(stripped) = v.strip_prefix('"') {
        stripped.find('"').map(|e| e + 2).unwrap_or(v.len())
    } else {
        v.find([',', '}']).unwrap_or(v.len())
    };
    (line.start + vstart)..(line.start + vstart + vlen)
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
}

fn de_error(file: &SourceFile, fallback: Range<usize>, e: toml::de::Error) -> Diag {
    let span = e.span().unwrap_or(fallback);
    let msg = e.message().trim().to_string();
    classify(&file.path, span, &msg)
}

/// Turns a deserialiser message into a diagnostic with a code and, where possible, a suggestion.
pub(crate) fn classify(file: &str, span: Range<usize>, msg: &str) -> Diag {
    // serde: "unknown field `x`, expected one of `a`, `b`" / "unknown variant `x`, expected ..."
    let quoted: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = quoted.first().copied().unwrap_or("");
        let candidates: Vec<&str> = quoted.iter().skip(1).copied().collect();
        let help = match accord_lang::suggest(name, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if candidates.is_empty() => "remove this field".to_string(),
            None => format!("the fields allowed here are {}", list(&candidates)),
        };
        let _ = rest;
        return Diag::error("D002", file, span, format!("unknown field `{name}`"))
            .label("not a field of this entry")
            .help(help);
    }
    if msg.starts_with("unknown variant ") {
        let name = quoted.first().copied().unwrap_or("");
        let candidates: Vec<&str> = quoted.iter().skip(1).copied().collect();
        let help = match accord_lang::suggest(name, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("expected one of {}", list(&candidates)),
        };
        return Diag::error("D003", file, span, format!("`{name}` is not an allowed value here"))
            .label("not allowed here")
            .help(help);
    }
    if msg.starts_with("missing field ") {
        let name = quoted.first().copied().unwrap_or("");
        return Diag::error("D003", file, span, format!("missing field `{name}`"))
            .label(format!("this entry needs `{name}`"))
            .help(format!(
                "add `{name} = …`; see docs/dataset-format.md for what it holds"
            ));
    }
    if msg.contains("is not a valid date") || msg.contains("is not a valid day") {
        let (m, h) = split_expected(msg);
        return Diag::error("D006", file, span, m)
            .label("bad date")
            .help_opt(h);
    }
    if msg.starts_with("invalid type") {
        return Diag::error("D003", file, span, msg.replace("invalid type: ", "wrong type: "))
            .label("wrong type");
    }
    let (m, h) = split_expected(msg);
    Diag::error("D003", file, span, m).label("invalid value").help_opt(h)
}

/// Splits "message; expected …" into the message and a help line.
fn split_expected(msg: &str) -> (String, Option<String>) {
    match msg.split_once("; expected ") {
        Some((m, e)) => (m.to_string(), Some(format!("expected {e}"))),
        None => match msg.split_once("; write ") {
            Some((m, e)) => (m.to_string(), Some(format!("write {e}"))),
            None => (msg.to_string(), None),
        },
    }
}

pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn de<T: DeserializeOwned>(v: &Spanned<DeValue<'_>>) -> Result<T, toml::de::Error> {
    T::deserialize(ValueDeserializer::from(v.clone()))
}

fn read_entries<'a, T: DeserializeOwned>(
    file: &'a SourceFile,
    key: &Spanned<std::borrow::Cow<'a, str>>,
    value: &'a Spanned<DeValue<'a>>,
    out: &mut Vec<(T, Origin<'a>)>,
    diags: &mut Vec<Diag>,
) {
    let DeValue::Array(items) = value.get_ref() else {
        diags.push(
            Diag::error(
                "D003",
                &file.path,
                key.span(),
                format!("`{}` must be an array of tables", key.get_ref()),
            )
            .label("not an array of tables")
            .help(format!("write each entry under its own `[[{}]]` header", key.get_ref())),
        );
        return;
    };
    for item in items {
        if !matches!(item.get_ref(), DeValue::Table(_)) {
            diags.push(
                Diag::error(
                    "D003",
                    &file.path,
                    item.span(),
                    format!("each `{}` entry must be a table", key.get_ref()),
                )
                .label("not a table")
                .help(format!("write each entry under its own `[[{}]]` header", key.get_ref())),
            );
            continue;
        }
        match de::<T>(item) {
            Ok(x) => out.push((
                x,
                Origin {
                    file,
                    span: item.span(),
                    value: Some(item),
                },
            )),
            Err(e) => diags.push(de_error(file, item.span(), e)),
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
    };
    let mut broken = std::collections::BTreeSet::new();
    for (f, _, errors) in &parsed {
        for e in errors {
            broken.insert(f.path.clone());
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().replace('\n', " ");
            r.diags.push(
                Diag::error("D001", &f.path, span, format!("TOML syntax: {msg}"))
                    .label("the file cannot be read past here")
                    .help("fix the TOML syntax; see https://toml.io for the format"),
            );
        }
    }
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
    for (file, table, _) in &parsed {
        if broken.contains(&file.path) {
            continue;
        }
        let is_meta = file.path == "accord.toml";
        for (key, value) in table.get_ref().iter() {
            let k: &str = key.get_ref();
            if is_meta {
                if k == "dataset" {
                    match de::<DatasetMeta>(value) {
                        Ok(m) => {
                            r.meta = Some((
                                m,
                                Origin {
                                    file,
                                    span: value.span(),
                                    value: Some(value),
                                },
                            ))
                        }
                        Err(e) => r.diags.push(de_error(file, value.span(), e)),
                    }
                } else {
                    r.diags.push(
                        Diag::error(
                            "D016",
                            &file.path,
                            key.span(),
                            format!("unknown table `{k}` in `accord.toml`"),
                        )
                        .label("not allowed here")
                        .help(format!(
                            "`accord.toml` holds only `[dataset]`; put `[[{k}]]` entries in another `.toml` file"
                        )),
                    );
                }
                continue;
            }
            match k {
                "party" => read_entries(file, key, value, &mut r.parties, &mut r.diags),
                "source" => read_entries(file, key, value, &mut r.sources, &mut r.diags),
                "instrument" => read_entries(file, key, value, &mut r.instruments, &mut r.diags),
                "track" => read_entries(file, key, value, &mut r.tracks, &mut r.diags),
                "package" => read_entries(file, key, value, &mut r.packages, &mut r.diags),
                "link" => read_entries(file, key, value, &mut r.links, &mut r.diags),
                "pledge" => read_entries(file, key, value, &mut r.pledges, &mut r.diags),
                "claim" => read_entries(file, key, value, &mut r.claims, &mut r.diags),
                other => {
                    let help = match accord_lang::suggest(other, TABLES.iter().copied()) {
                        Some(s) => format!("did you mean `[[{s}]]`?"),
                        None => format!("a dataset file holds the tables {}", list(TABLES)),
                    };
                    r.diags.push(
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
    }
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
            match serde_json::from_str::<Claim>(body) {
                Ok(c) => r.claims.push((
                    c,
                    Origin {
                        file,
                        span,
                        value: None,
                    },
                )),
                Err(e) => {
                    let col = e.column().saturating_sub(1).min(body.len());
                    let at = start + col;
                    let msg = e.to_string();
                    let msg = msg
                        .rsplit_once(" at line ")
                        .map(|(m, _)| m.to_string())
                        .unwrap_or(msg);
                    let mut d = if e.is_syntax() || e.is_eof() {
                        Diag::error("D001", &file.path, at..at + 1, format!("JSON syntax: {msg}"))
                            .label("the line cannot be read past here")
                            .help("each line of a `.jsonl` file must be one JSON object holding one claim")
                    } else {
                        classify(&file.path, span.clone(), &msg)
                    };
                    if d.span.is_empty() {
                        d.span = span;
                    }
                    r.diags.push(d);
                }
            }
        }
    }
    validate::validate(r)
}
