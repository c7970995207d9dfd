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

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use accord_model::{
    Claim, Dataset, DatasetMeta, FuzzyDate, Instrument, Link, Package, Party, Pledge, Precision,
    Source, Track,
};
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeFloat, DeInteger, DeTable, DeValue, ValueDeserializer};

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

/// How many repairs one entry may need before it is given up.
const MAX_REPAIRS: usize = 32;

/// Fields that take an exact day; every other date field takes a fuzzy date.
const DAY_FIELDS: &[&str] = &[
    "published",
    "known",
    "announced",
    "signed",
    "in_force",
    "discontinued",
    "from",
    "to",
];

/// One step into a TOML value: a key or an array index.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'s> {
    K(&'s str),
    I(usize),
}

/// An owned [`Seg`], for paths found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
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

pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a party", "an instrument".
pub(crate) fn a(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn de<T: DeserializeOwned>(v: &Spanned<DeValue<'_>>) -> Result<T, toml::de::Error> {
    T::deserialize(ValueDeserializer::from(v.clone()))
}

// ---------------------------------------------------------------------------------------
// Paths in value trees.

/// The deepest key or value whose span is exactly `span`: its path, and whether the span is
/// the key's (rather than the value's).
fn locate(root: &Spanned<DeValue<'_>>, span: &Range<usize>) -> Option<(Vec<Step>, bool)> {
    fn walk(
        v: &Spanned<DeValue<'_>>,
        span: &Range<usize>,
        path: &mut Vec<Step>,
        best: &mut Option<(Vec<Step>, bool)>,
    ) {
        let deeper = |best: &Option<(Vec<Step>, bool)>, len: usize| {
            best.as_ref().is_none_or(|(p, _)| p.len() <= len)
        };
        if v.span() == *span && deeper(best, path.len()) {
            *best = Some((path.clone(), false));
        }
        match v.get_ref() {
            DeValue::Table(t) => {
                for (k, x) in t.iter() {
                    path.push(Step::Key(k.get_ref().to_string()));
                    if k.span() == *span && deeper(best, path.len()) {
                        *best = Some((path.clone(), true));
                    }
                    walk(x, span, path, best);
                    path.pop();
                }
            }
            DeValue::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(x, span, path, best);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut best = None;
    walk(root, span, &mut Vec::new(), &mut best);
    best
}

fn node_mut<'t, 'a>(
    v: &'t mut Spanned<DeValue<'a>>,
    path: &[Step],
) -> Option<&'t mut Spanned<DeValue<'a>>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v);
    };
    let next = match (first, v.get_mut()) {
        (Step::Key(k), DeValue::Table(t)) => t.get_mut(k.as_str())?,
        (Step::Index(i), DeValue::Array(items)) => items.get_mut(*i)?,
        _ => return None,
    };
    node_mut(next, rest)
}

/// Sets the value at `path`, adding the key if it is missing. False if the parent is absent.
fn set<'a>(root: &mut Spanned<DeValue<'a>>, path: &[Step], value: Spanned<DeValue<'a>>) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let Some(p) = node_mut(root, parent) else {
        return false;
    };
    match (last, p.get_mut()) {
        (Step::Key(k), DeValue::Table(t)) => {
            match t.get_mut(k.as_str()) {
                Some(slot) => *slot = value,
                None => {
                    let key = Spanned::new(value.span(), Cow::Owned(k.clone()));
                    t.insert(key, value);
                }
            }
            true
        }
        (Step::Index(i), DeValue::Array(items)) => match items.get_mut(*i) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

fn remove(root: &mut Spanned<DeValue<'_>>, path: &[Step]) -> bool {
    let Some((Step::Key(k), parent)) = path.split_last() else {
        return false;
    };
    match node_mut(root, parent).map(|p| p.get_mut()) {
        Some(DeValue::Table(t)) => t.remove(k.as_str()).is_some(),
        _ => false,
    }
}

fn string_at<'t>(v: &'t Spanned<DeValue<'_>>, key: &str) -> Option<&'t str> {
    match v.get_ref() {
        DeValue::Table(t) => match t.get(key).map(|x| x.get_ref()) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Reading one entry.

/// What the reader knows about the entry it is reading, for messages.
struct EntryCx<'a, 'r> {
    file: &'a SourceFile,
    /// What the entry is: "party", "claim", "dataset".
    what: &'static str,
    json: bool,
    /// Spans of the syntax errors of the file; deserialisation errors there are not repeated.
    syntax: &'r [Range<usize>],
    /// Whether the entry itself holds a syntax error (then a missing field is likely a
    /// consequence of it and is not reported).
    damaged: bool,
}

/// Where the repair of entries puts what it finds.
struct Sink<'s> {
    diags: &'s mut Vec<Diag>,
    suppressed: &'s mut Vec<(String, Range<usize>)>,
    broken_ids: &'s mut BTreeSet<String>,
    next_sentinel: &'s mut usize,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

/// Fields found missing in one table of an entry: where the table is, its path, and the
/// fields.
type Missing = Vec<(Range<usize>, Vec<Step>, Vec<String>)>;

/// Unknown fields reported without a suggestion: the index of their diagnostic, the path of
/// their table, and their name.
type Unknown = Vec<(usize, Vec<Step>, String)>;

/// Edit distance (insertions, deletions, substitutions) between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (up + 1).min(row[j] + 1).min(diag + usize::from(ca != *cb));
            diag = up;
        }
    }
    row[b.len()]
}

/// Reads one entry, reporting and repairing every problem that stops it from reading.
fn read_entry<'a, T: DeserializeOwned>(
    cx: &EntryCx<'a, '_>,
    item: &Spanned<DeValue<'a>>,
    sink: &mut Sink<'_>,
) -> Option<(T, Origin<'a>)> {
    let id = string_at(item, "id").map(str::to_string);
    let mut missing = Missing::new();
    let mut unknown = Unknown::new();
    let read = repair::<T>(cx, item, sink, &mut missing, &mut unknown);
    // An unknown field that looks like a missing one of the same table is most likely it,
    // misspelt further than a plain suggestion would reach: say so once.
    for (at, table, name) in unknown {
        let Some((_, _, fields)) = missing.iter_mut().find(|(_, t, _)| *t == table) else {
            continue;
        };
        let close = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (edit_distance(&name, f), i))
            .filter(|(d, i)| *d <= name.len().max(fields[*i].len()) / 2)
            .min();
        if let (Some((_, i)), Some(d)) = (close, sink.diags.get_mut(at)) {
            let field = fields.remove(i);
            d.help = Some(format!(
                "did you mean `{field}`? it is required here and missing"
            ));
        }
    }
    missing.retain(|(_, _, fields)| !fields.is_empty());
    // The fields missing from one table are reported together.
    for (span, table, fields) in missing {
        sink.diags
            .push(missing_fields(cx, span, &table, &fields, id.as_deref()));
    }
    if read.is_none()
        && let Some(id) = id
    {
        sink.broken_ids.insert(id);
    }
    read
}

fn repair<'a, T: DeserializeOwned>(
    cx: &EntryCx<'a, '_>,
    item: &Spanned<DeValue<'a>>,
    sink: &mut Sink<'_>,
    missing: &mut Missing,
    unknown: &mut Unknown,
) -> Option<(T, Origin<'a>)> {
    let mut work = item.clone();
    // Paths whose problem has been reported and whose value was dropped or replaced.
    let mut handled: Vec<Vec<Step>> = Vec::new();
    let mut reported: Vec<Range<usize>> = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let e = match de::<T>(&work) {
            Ok(x) => {
                return Some((
                    x,
                    Origin {
                        file: cx.file,
                        span: item.span(),
                        value: work,
                        damaged: cx.damaged,
                    },
                ));
            }
            Err(e) => e,
        };
        let msg = e.message().trim().to_string();
        let span = e.span().unwrap_or(item.span());
        let found = locate(&work, &span);
        if let Some(field) = quoted(&msg, "missing field ") {
            let mut path = found.map(|(p, _)| p).unwrap_or_default();
            path.push(Step::Key(field.to_string()));
            if !handled.contains(&path) && !cx.damaged {
                let table = path[..path.len() - 1].to_vec();
                match missing.iter_mut().find(|(s, _, _)| *s == span) {
                    Some((_, _, fields)) => fields.push(field.to_string()),
                    None => missing.push((span.clone(), table, vec![field.to_string()])),
                }
            }
            let at = *sink.next_sentinel;
            *sink.next_sentinel += 1;
            if !fill::<T>(&mut work, &path, at..at, None) {
                return None;
            }
            handled.push(path);
            continue;
        }
        let Some((path, at_key)) = found else {
            if !cx.syntax.iter().any(|s| overlaps(s, &span)) {
                sink.diags.push(describe(cx, &msg, span, None));
            }
            return None;
        };
        let pushed = span.start < SENTINEL
            && !reported.contains(&span)
            && !cx.syntax.iter().any(|s| overlaps(s, &span));
        if pushed {
            sink.diags
                .push(describe(cx, &msg, span.clone(), Some(&path)));
            reported.push(span.clone());
        }
        if handled.contains(&path) {
            return None;
        }
        if at_key || msg.starts_with("unknown field ") {
            // A misspelt field is reported once: not again as the field it was meant to be.
            let mut table = path.clone();
            table.pop();
            if let Some((name, options)) = quoted_list(&msg) {
                match accord_lang::suggest(name, options.iter().copied()) {
                    Some(meant) => {
                        let mut p = table.clone();
                        p.push(Step::Key(meant.to_string()));
                        handled.push(p);
                    }
                    None if pushed => {
                        unknown.push((sink.diags.len() - 1, table, name.to_string()));
                    }
                    None => {}
                }
            }
            if !remove(&mut work, &path) {
                return None;
            }
        } else {
            let hint = quoted_list(&msg).and_then(|(name, options)| {
                accord_lang::suggest(name, options.iter().copied())
                    .or(options.first().copied())
                    .map(str::to_string)
            });
            if span.start < SENTINEL {
                sink.suppressed.push((cx.file.path.clone(), span.clone()));
            }
            if !fill::<T>(&mut work, &path, span, hint) {
                return None;
            }
        }
        handled.push(path);
    }
    None
}

/// Puts a placeholder at `path` that lets the entry read past it: `first` if given, else the
/// first of a few values of different types that does.
fn fill<'a, T: DeserializeOwned>(
    work: &mut Spanned<DeValue<'a>>,
    path: &[Step],
    span: Range<usize>,
    first: Option<String>,
) -> bool {
    let mut candidates: Vec<DeValue<'a>> = Vec::new();
    if let Some(f) = first {
        candidates.push(DeValue::String(Cow::Owned(f)));
    }
    candidates.extend([
        DeValue::String(Cow::Borrowed(PLACEHOLDER)),
        DeValue::String(Cow::Borrowed("2000-01-01")),
        DeValue::Integer(DeInteger::default()),
        DeValue::Float(DeFloat::default()),
        DeValue::Boolean(false),
        DeValue::Array(DeArray::new()),
        DeValue::Table(DeTable::new()),
    ]);
    let mut queue: std::collections::VecDeque<DeValue<'a>> = candidates.into();
    let mut tried_variant = false;
    while let Some(c) = queue.pop_front() {
        if !set(work, path, Spanned::new(span.clone(), c)) {
            return false;
        }
        match de::<T>(work) {
            Ok(_) => return true,
            Err(e) => {
                let here = e.span().and_then(|s| locate(work, &s)).map(|(p, _)| p);
                // Past this field, or inside the placeholder table (a field it lacks).
                let inside =
                    here.as_deref() == Some(path) && e.message().starts_with("missing field");
                if here.as_deref() != Some(path) || inside {
                    return true;
                }
                // A field that takes one of some words: try the first of them next.
                if !tried_variant
                    && let Some((_, options)) = quoted_list(e.message())
                    && let Some(first) = options.first()
                {
                    tried_variant = true;
                    queue.push_front(DeValue::String(Cow::Owned(first.to_string())));
                }
            }
        }
    }
    false
}

/// In "missing field `x`" (after `prefix`), `x`.
fn quoted<'m>(msg: &'m str, prefix: &str) -> Option<&'m str> {
    msg.strip_prefix(prefix)?.split('`').nth(1)
}

/// In "unknown variant `x`, expected one of `a`, `b`": `x` and [`a`, `b`].
fn quoted_list(msg: &str) -> Option<(&str, Vec<&str>)> {
    if !msg.starts_with("unknown variant ") && !msg.starts_with("unknown field ") {
        return None;
    }
    let q: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    let (name, rest) = q.split_first()?;
    Some((name, rest.to_vec()))
}

// ---------------------------------------------------------------------------------------
// Messages.

/// The singular name of what a nested table is, by the key that holds it.
fn holder_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "commitment" => "commitment",
        "section" => "section",
        "provision" => "provision",
        "role" => "role",
        "product" => "product",
        "discontinuation" => "discontinuation",
        "money" => "money",
        "quantity" => "quantity",
        "external_ids" => "external id",
        "progress" => "progress",
        "synonyms" => "synonyms",
        _ => return None,
    })
}

/// What a type in a serde message means to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    List,
    Table,
    Whole,
    Number,
    Bool,
    Date,
    Time,
    Amount,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::List => "a list",
            Kind::Table => "a table",
            Kind::Whole => "a whole number",
            Kind::Number => "a number",
            Kind::Bool => "`true` or `false`",
            Kind::Date => "a date",
            Kind::Time => "a time of day",
            Kind::Amount => "an exact amount",
            Kind::Other => "a value of another type",
        }
    }

    /// The plural, for the items of a list.
    fn plural(self) -> &'static str {
        match self {
            Kind::Str => "strings",
            Kind::List => "lists",
            Kind::Table => "tables",
            Kind::Whole => "whole numbers",
            Kind::Number => "numbers",
            Kind::Bool => "`true` or `false`",
            Kind::Date => "dates",
            Kind::Time => "times of day",
            Kind::Amount => "exact amounts",
            Kind::Other => "values of another type",
        }
    }

    /// What the deserialiser said it expected.
    fn expected(exp: &str) -> Kind {
        let first = exp.split_whitespace().next().unwrap_or("");
        match first {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
                Kind::Whole
            }
            "f32" | "f64" => Kind::Number,
            _ if exp.starts_with("a string") => Kind::Str,
            _ if exp.starts_with("a sequence") => Kind::List,
            _ if exp.starts_with("a boolean") => Kind::Bool,
            _ if exp.starts_with("struct") || exp.starts_with("a map") => Kind::Table,
            _ if exp.starts_with("a date") => Kind::Date,
            _ if exp.starts_with("an exact amount") => Kind::Amount,
            _ => Kind::Other,
        }
    }

    /// What the text of a value is.
    fn of_text(raw: &str) -> Kind {
        let b = raw.as_bytes();
        let digits = |r: Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        match b.first() {
            Some(b'"' | b'\'') => Kind::Str,
            Some(b'[') if raw.starts_with("[[") || !raw.ends_with(']') => Kind::Table,
            Some(b'[') => Kind::List,
            Some(b'{') => Kind::Table,
            Some(b't' | b'f') => Kind::Bool,
            _ if digits(0..4) && b.get(4) == Some(&b'-') => Kind::Date,
            _ if digits(0..2) && b.get(2) == Some(&b':') => Kind::Time,
            _ if raw.contains(['.', 'e', 'E']) || raw.contains("inf") || raw.contains("nan") => {
                Kind::Number
            }
            Some(_) => Kind::Whole,
            None => Kind::Other,
        }
    }
}

/// `field = value` in the file's own syntax.
pub(crate) fn assign(field: &str, value: &str, json: bool) -> String {
    if json {
        format!("`\"{field}\": {value}`")
    } else {
        format!("`{field} = {value}`")
    }
}

/// Turns a deserialisation error into a diagnostic: what is wrong with which field, and
/// what to do about it.
fn describe(cx: &EntryCx<'_, '_>, msg: &str, span: Range<usize>, path: Option<&[Step]>) -> Diag {
    let file = &cx.file.path;
    let raw = cx.file.text.get(span.clone()).unwrap_or("").trim();
    let path = path.unwrap_or(&[]);
    // The field: the last key of the path (for an item of a list, the list's key).
    let elem = matches!(path.last(), Some(Step::Index(_)));
    let field = path.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    // The table that holds the field, and whether that is the entry itself.
    let parent_key = path.iter().rev().skip(1).find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    let holder = parent_key.and_then(holder_name).unwrap_or(cx.what);
    let (name, options) = quoted_list(msg).unwrap_or(("", Vec::new()));
    let f = field.unwrap_or("this field");

    if msg.starts_with("unknown field ") {
        let help = match accord_lang::suggest(name, options.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if options.is_empty() => "remove this field".to_string(),
            None => format!("the fields of {} are {}", a(holder), list(&options)),
        };
        return Diag::error("D002", file, span, format!("unknown field `{name}`"))
            .label(format!("not a field of {}", a(holder)))
            .help(help);
    }
    if msg.starts_with("unknown variant ") {
        let message = match (field, holder) {
            (_, "synonyms") => format!("unknown status `{name}`"),
            (Some("kind"), h) => format!("unknown {h} kind `{name}`"),
            (Some("asserts"), _) => format!("unknown assertion `{name}`"),
            (Some("channel"), _) => format!("unknown channel `{name}`"),
            (Some("notice"), _) => format!("unknown notice form `{name}`"),
            (Some("mode"), _) => format!("unknown link mode `{name}`"),
            _ => format!("`{name}` is not a valid value for `{f}`"),
        };
        let help = match accord_lang::suggest(name, options.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", list(&options)),
        };
        return Diag::error("D003", file, span, message)
            .label("unknown value")
            .help(help);
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        let dup = rest.split('`').nth(1).unwrap_or(f);
        return Diag::error("D003", file, span, format!("`{dup}` is given twice"))
            .label("given again here")
            .help("keep one of them");
    }
    if msg.contains("is not a valid date") || msg.contains("is not a valid day") {
        return date_problem(cx, span, raw, f, msg);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let exp = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        let want = Kind::expected(exp);
        let got = if raw.is_empty() {
            Kind::Other
        } else {
            Kind::of_text(raw)
        };
        if field.is_none() && want == Kind::Table {
            return Diag::error("D003", file, span, format!("{} must be a table", a(holder)))
                .label(format!("{} here", got.name()))
                .help(format!(
                    "write each {holder} as a table, e.g. under a `[[…]]` header"
                ));
        }
        let inner = raw.trim_matches(['"', '\'']);
        let table_array = matches!(
            field,
            Some("role" | "section" | "provision" | "commitment" | "product")
        );
        let header = std::iter::once(cx.what)
            .chain(path.iter().filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            }))
            .collect::<Vec<_>>()
            .join(".");
        let help = match (want, got) {
            (Kind::List, _) if table_array && !cx.json => format!(
                "write each {f} as a table under its own `[[{header}]]` header; see docs/dataset-format.md"
            ),
            (Kind::List, Kind::Str) => {
                format!("write a list: {}", assign(f, &format!("[{raw}]"), cx.json))
            }
            (Kind::Whole | Kind::Number, Kind::Str) if inner.parse::<f64>().is_ok() => {
                format!("remove the quotes: {}", assign(f, inner, cx.json))
            }
            (Kind::Bool, Kind::Str) if inner == "true" || inner == "false" => {
                format!("remove the quotes: {}", assign(f, inner, cx.json))
            }
            (Kind::Bool, _) => format!(
                "write `true` or `false`, e.g. {}",
                assign(f, "true", cx.json)
            ),
            (Kind::Str, _)
                if elem && !raw.is_empty() && got != Kind::Table && got != Kind::List =>
            {
                format!("put each item in quotes: `\"{raw}\"`")
            }
            (Kind::Str, _) if !raw.is_empty() && got != Kind::Table && got != Kind::List => {
                format!(
                    "put the value in quotes: {}",
                    assign(f, &format!("\"{raw}\""), cx.json)
                )
            }
            (Kind::Number, _) => format!("write a number, e.g. {}", assign(f, "0.5", cx.json)),
            (Kind::Whole, _) => format!("write a whole number, e.g. {}", assign(f, "1", cx.json)),
            (Kind::Table, _) => format!("write `{f}` as a table: {}", assign(f, "{ … }", cx.json)),
            (Kind::List, _) => format!("write a list: {}", assign(f, "[…]", cx.json)),
            (Kind::Date, _) => format!("write a date, e.g. {}", assign(f, "2025-12-16", cx.json)),
            _ => format!("see docs/dataset-format.md for what `{f}` holds"),
        };
        return Diag::error(
            "D003",
            file,
            span,
            if elem {
                format!(
                    "the items of `{f}` must be {}, found {}",
                    want.plural(),
                    got.name()
                )
            } else {
                format!("`{f}` must be {}, found {}", want.name(), got.name())
            },
        )
        .label(format!("expected {}", want.name()))
        .help(help);
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let exp = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        let n = rest.split('`').nth(1).unwrap_or(raw);
        let max = match exp {
            "u8" => Some(u64::from(u8::MAX)),
            "u16" => Some(u64::from(u16::MAX)),
            "u32" => Some(u64::from(u32::MAX)),
            _ => None,
        };
        if n.starts_with('-') && max.is_some() {
            return Diag::error("D003", file, span, format!("`{f}` cannot be negative"))
                .label("negative")
                .help("write a whole number, 0 or more");
        }
        let help = match (field, max) {
            (Some("m49"), _) => {
                "a UN M49 country code has at most three digits, e.g. `826` for the United Kingdom"
                    .to_string()
            }
            (_, Some(m)) => format!("the largest `{f}` allowed is {m}"),
            _ => format!("see docs/dataset-format.md for what `{f}` holds"),
        };
        return Diag::error(
            "D003",
            file,
            span,
            format!("`{n}` is out of range for `{f}`"),
        )
        .label("out of range")
        .help(help);
    }
    if msg.contains("is a floating-point number") {
        let m = msg.split_once("; ").map_or(msg, |(m, _)| m);
        return Diag::error("D003", file, span, m.to_string())
            .label("not exact")
            .help(format!(
                "write the amount as a string: {}",
                assign(f, &format!("\"{raw}\""), cx.json)
            ));
    }
    if msg.contains("is not a decimal number") {
        let m = msg.split_once("; ").map_or(msg, |(m, _)| m);
        return Diag::error("D003", file, span, m.to_string())
            .label("not a number")
            .help(format!(
                "write digits with an optional `.`, e.g. {}",
                assign(f, "\"1.5\"", cx.json)
            ));
    }
    // The model's own messages: "…; expected …" or "…; write …".
    let (m, h) = match msg.split_once("; expected ") {
        Some((m, e)) => (m.to_string(), format!("expected {e}")),
        None => match msg.split_once("; write ") {
            Some((m, e)) => (m.to_string(), format!("write {e}")),
            None => (
                msg.to_string(),
                format!("see docs/dataset-format.md for what `{f}` holds"),
            ),
        },
    };
    Diag::error("D003", file, span, m)
        .label("invalid value")
        .help(h)
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn and_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

/// The required fields missing from one table of an entry.
fn missing_fields(
    cx: &EntryCx<'_, '_>,
    span: Range<usize>,
    table: &[Step],
    fields: &[String],
    id: Option<&str>,
) -> Diag {
    let raw = cx.file.text.get(span.clone()).unwrap_or("").trim();
    let parent = table.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    let holder = parent.and_then(holder_name).unwrap_or(cx.what);
    let names = and_list(fields);
    let message = match (id, parent, fields.len()) {
        (Some(id), None, 1) if !id.is_empty() => format!("{} `{id}` has no {names}", cx.what),
        (Some(id), None, _) if !id.is_empty() => format!("{} `{id}` is missing {names}", cx.what),
        (_, _, 1) => format!("{} has no {names}", a(holder)),
        _ => format!("{} is missing {names}", a(holder)),
    };
    let adds: Vec<String> = fields.iter().map(|f| assign(f, "…", cx.json)).collect();
    let adds = and_list(&adds).replace("``", "`");
    let help = if cx.json {
        format!("add {adds} to this line")
    } else if raw.starts_with('{') {
        format!("add {adds} inside the braces")
    } else {
        let what = if fields.len() == 1 {
            "it holds"
        } else {
            "each holds"
        };
        format!("add {adds} below this header; see docs/dataset-format.md for what {what}")
    };
    let label = if fields.len() == 1 {
        format!("{names} is required")
    } else {
        "these fields are required".to_string()
    };
    Diag::error("D003", &cx.file.path, span, message)
        .label(label)
        .help(help)
}

/// A date the model refused, said in terms of the field.
fn date_problem(
    cx: &EntryCx<'_, '_>,
    span: Range<usize>,
    raw: &str,
    field: &str,
    msg: &str,
) -> Diag {
    let file = &cx.file.path;
    let text = raw.trim_matches(['"', '\'']);
    let day_field = DAY_FIELDS.contains(&field);
    let quote = |v: &str| {
        if cx.json || raw.starts_with(['"', '\'']) {
            format!("\"{v}\"")
        } else {
            v.to_string()
        }
    };
    // A TOML datetime, or a string that looks like one.
    let date_part = text.get(..10).filter(|d| {
        d.len() == 10 && FuzzyDate::parse(d).is_ok_and(|x| x.precision == Precision::Day)
    });
    if let Some(day) = date_part
        && text.len() > 10
        && text[10..].starts_with(['T', 't', ' '])
    {
        return Diag::error(
            "D006",
            file,
            span,
            format!("`{text}` has a time of day, but `{field}` takes a date"),
        )
        .label("a date and time")
        .help(format!(
            "write the date alone: {}",
            assign(field, &quote(day), cx.json)
        ));
    }
    if text.contains(':') && !text.contains('-') {
        return Diag::error(
            "D006",
            file,
            span,
            format!("`{text}` is a time of day, not a date"),
        )
        .label("a time of day")
        .help(format!(
            "write the date as `YYYY-MM-DD`, e.g. {}",
            assign(field, &quote("2025-12-16"), cx.json)
        ));
    }
    if day_field
        && let Ok(d) = FuzzyDate::parse(text)
        && (d.precision != Precision::Day || d.approximate)
    {
        let what = if d.approximate {
            "an approximate date".to_string()
        } else if d.precision == Precision::Interval {
            "an interval".to_string()
        } else {
            format!("a {}", d.precision)
        };
        return Diag::error("D006", file, span, format!("`{field}` takes an exact day, but `{text}` is {what}"))
            .label("not an exact day")
            .help("write the day as `YYYY-MM-DD`; only `valid` and `due` take a month, quarter, year, interval or `~`");
    }
    let message = msg
        .split_once("; expected ")
        .map(|(m, _)| m)
        .unwrap_or(msg)
        .replace("is not a valid day", "is not a valid date");
    let help = if day_field {
        "write a day that exists, as `YYYY-MM-DD`, e.g. `2025-12-16`".to_string()
    } else {
        "write `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Qn` or `YYYY`, optionally with `~` or as `A/B`"
            .to_string()
    };
    Diag::error("D006", file, span, message)
        .label("bad date")
        .help(help)
}

/// A TOML syntax error as a diagnostic.
fn toml_syntax(file: &SourceFile, e: &toml::de::Error) -> Diag {
    let text = &file.text;
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().replace('\n', " ");
    let at = text.get(span.clone()).unwrap_or("");
    let line_start = text
        .get(..span.start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    if msg.starts_with("invalid date") || msg.starts_with("invalid time") {
        let why = accord_model::date::parse_day(at)
            .err()
            .map(|e| e.message)
            .unwrap_or_else(|| format!("`{at}` is not a valid date"));
        let why = why
            .split_once("; expected ")
            .map(|(m, _)| m.to_string())
            .unwrap_or(why);
        return Diag::error(
            "D006",
            &file.path,
            span,
            why.replace("is not a valid day", "is not a valid date"),
        )
        .label("not a valid date")
        .help("write a day that exists, as `YYYY-MM-DD`, e.g. `2025-12-16`");
    }
    if (msg.starts_with("invalid basic string") || msg.starts_with("invalid literal string"))
        && msg.contains("expected `")
    {
        // Underline the string from its opening quote to the end of the line.
        let line = text.get(line_start..span.start).unwrap_or("");
        let open = line
            .find('=')
            .and_then(|eq| line[eq..].find(['"', '\'']).map(|q| line_start + eq + q))
            .unwrap_or(span.start);
        let quote = if msg.starts_with("invalid basic") {
            "\""
        } else {
            "'"
        };
        return Diag::error(
            "D001",
            &file.path,
            open..span.start,
            "TOML syntax: unterminated string".to_string(),
        )
        .label("the string is not closed")
        .help(format!("add the closing `{quote}` at the end of the value"));
    }
    if msg.starts_with("duplicate key") {
        let key = at.trim();
        return Diag::error("D001", &file.path, span, format!("TOML syntax: duplicate key `{key}`"))
            .label("given again here")
            .help("a key may appear once per table; remove one, or start a new entry with its own `[[…]]` header");
    }
    if msg.starts_with("string values must be quoted") {
        let word = at.trim();
        return Diag::error(
            "D001",
            &file.path,
            span,
            format!("TOML syntax: `{word}` is not quoted"),
        )
        .label("text must be quoted")
        .help(format!("put the text in quotes: `\"{word}\"`"));
    }
    if msg.starts_with("key with no value") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: a key with no value".to_string(),
        )
        .label("expected `=` and a value")
        .help("write `key = value`");
    }
    if msg.starts_with("unclosed array table") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: unclosed `[[` header".to_string(),
        )
        .label("expected `]]`")
        .help("close the header with `]]`, e.g. `[[party]]`");
    }
    if msg.starts_with("unclosed table") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: unclosed `[` header".to_string(),
        )
        .label("expected `]`")
        .help("close the header with `]`");
    }
    if msg.starts_with("unexpected key or value") && msg.contains("expected newline") {
        let line_end = text
            .get(span.start..)
            .and_then(|s| s.find('\n'))
            .map_or(text.len(), |n| span.start + n);
        let end = line_end.max(span.start);
        return Diag::error("D001", &file.path, span.start..end, "TOML syntax: more text after the value".to_string())
            .label("expected the end of the line")
            .help("write one `key = value` per line; several values go in a list, e.g. `aliases = [\"UK\", \"Britain\"]`");
    }
    Diag::error("D001", &file.path, span, format!("TOML syntax: {msg}"))
        .label("invalid TOML")
        .help("see https://toml.io for how to write TOML")
}

/// The spans of the plain values (not lists or tables) that run into offset `at`.
fn values_touching(v: &Spanned<DeValue<'_>>, at: usize, out: &mut Vec<Range<usize>>) {
    match v.get_ref() {
        DeValue::Table(t) => t.iter().for_each(|(_, x)| values_touching(x, at, out)),
        DeValue::Array(items) => items.iter().for_each(|x| values_touching(x, at, out)),
        _ => {
            let s = v.span();
            if s.start <= at && at <= s.end {
                out.push(s);
            }
        }
    }
}

/// The outermost list or inline table that opens before `at` and runs on to it (the parser
/// closes an unclosed one at the end of the file).
fn find_unclosed(v: &Spanned<DeValue<'_>>, text: &str, at: usize) -> Option<Range<usize>> {
    let span = v.span();
    let opens = text
        .get(span.clone())
        .is_some_and(|t| t.starts_with('[') || t.starts_with('{'));
    let collection = matches!(v.get_ref(), DeValue::Array(_) | DeValue::Table(_));
    if collection && opens && span.start < at && at <= span.end {
        return Some(span);
    }
    match v.get_ref() {
        DeValue::Table(t) => t.iter().find_map(|(_, x)| find_unclosed(x, text, at)),
        DeValue::Array(items) => items.iter().find_map(|x| find_unclosed(x, text, at)),
        _ => None,
    }
}

/// The diagnostic for a `[` or `{` that is never closed: underlined from the bracket to the
/// end of its line.
fn unclosed_bracket(file: &SourceFile, open: Range<usize>) -> Diag {
    let text = &file.text;
    let end = text
        .get(open.start..)
        .and_then(|s| s.find('\n'))
        .map_or(text.len(), |n| open.start + n);
    let (bracket, close, what) = if text.get(open.start..).is_some_and(|t| t.starts_with('{')) {
        ("{", "}", "inline table")
    } else {
        ("[", "]", "list")
    };
    Diag::error(
        "D001",
        &file.path,
        open.start..end,
        format!("TOML syntax: unclosed `{bracket}`"),
    )
    .label(format!("this {what} is never closed"))
    .help(format!(
        "add the missing `{close}` after the last item; until then the rest of the file is read as part of it"
    ))
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

/// A JSON syntax error on one line of a `.jsonl` file as a diagnostic.
fn json_syntax(file: &SourceFile, line: Range<usize>, e: &serde_json::Error) -> Diag {
    let body = file.text.get(line.clone()).unwrap_or("");
    let col = e.column().saturating_sub(1).min(body.len());
    let at = line.start + col;
    let msg = e.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(msg);
    let d = |span: Range<usize>, m: &str, label: &str, help: &str| {
        Diag::error("D001", &file.path, span, format!("JSON syntax: {m}"))
            .label(label.to_string())
            .help(help.to_string())
    };
    if e.is_eof() {
        return d(
            line.end..line.end,
            "the line ends before the claim is complete",
            "the line ends here",
            "each line of a `.jsonl` file holds one whole JSON object; close every `\"`, `[` and `{` on the same line",
        );
    }
    if msg.starts_with("trailing comma") {
        let comma = body
            .get(..col)
            .and_then(|s| s.rfind(','))
            .map_or(at, |c| line.start + c);
        return d(
            comma..comma + 1,
            "trailing comma",
            "remove this comma",
            "JSON allows no comma before `}` or `]`",
        );
    }
    if msg.starts_with("trailing characters") {
        return d(
            at..line.end,
            "text after the end of the object",
            "unexpected text",
            "each line of a `.jsonl` file holds exactly one JSON object",
        );
    }
    if msg.starts_with("key must be a string") {
        return d(
            at..at + 1,
            "a key is not a string",
            "expected `\"`",
            "write keys in double quotes, e.g. `\"id\"`",
        );
    }
    if msg.starts_with("expected value") {
        let end = body
            .get(col..)
            .and_then(|s| s.find([',', '}', ']']))
            .map_or(at + 1, |n| at + n.max(1));
        return d(
            at..end,
            "expected a value",
            "not a JSON value",
            "write text in double quotes; JSON values are strings, numbers, `true`, `false`, `null`, lists and objects",
        );
    }
    if msg.starts_with("expected `,` or `}`") {
        return d(
            at..at + 1,
            "expected `,` or `}`",
            "expected `,` before this",
            "separate the fields of the object with `,` and end it with `}`",
        );
    }
    if msg.starts_with("expected `:`") {
        return d(
            at..at + 1,
            "expected `:`",
            "expected `:` after the key",
            "write each field as `\"key\": value`",
        );
    }
    let m = msg.replace("EOF", "end of line");
    d(
        at..at + 1,
        &m,
        "invalid JSON",
        "each line of a `.jsonl` file must be one JSON object holding one claim",
    )
}

// ---------------------------------------------------------------------------------------
// Whole files.

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
        let end = starts
            .iter()
            .copied()
            .find(|s| *s > start)
            .unwrap_or(usize::MAX);
        let damaged = cx.syntax.iter().any(|s| s.start >= start && s.start < end);
        let ecx = EntryCx { damaged, ..*cx };
        if let Some(x) = read_entry::<T>(&ecx, item, sink) {
            out.push(x);
        }
    }
}

/// For a table that TOML made up because a `[[x.sub]]` header came before any `[[x]]`: the
/// name of the first such `sub`.
fn implicit_table<'t>(value: &'t Spanned<DeValue<'_>>) -> Option<&'t str> {
    let DeValue::Table(t) = value.get_ref() else {
        return None;
    };
    let only_sub_tables = t
        .iter()
        .all(|(_, v)| matches!(v.get_ref(), DeValue::Array(_) | DeValue::Table(_)));
    let first = t.iter().next().map(|(k, _)| k.get_ref().as_ref());
    if only_sub_tables { first } else { None }
}

/// The start of every top-level header of a file (entries and tables), sorted.
fn header_starts(table: &DeTable<'_>) -> Vec<usize> {
    let mut v = Vec::new();
    for (_, value) in table.iter() {
        match value.get_ref() {
            DeValue::Array(items) => v.extend(items.iter().map(|i| i.span().start)),
            _ => v.push(value.span().start),
        }
    }
    v.sort_unstable();
    v
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
        let root = Spanned::new(table.span(), DeValue::Table(table.get_ref().clone()));
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
                    let end = starts
                        .iter()
                        .copied()
                        .find(|s| *s > start)
                        .unwrap_or(usize::MAX);
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
