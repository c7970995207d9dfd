//! Reading one entry: deserialise it, and on each problem report it and repair the entry
//! (drop an unknown field, stand in for a bad or missing value) so that reading goes on and
//! every problem of the entry is found in one run.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeFloat, DeInteger, DeTable, DeValue, ValueDeserializer};

use crate::messages::{describe, missing_fields};
use crate::read::{Origin, PLACEHOLDER, SENTINEL, overlaps};
use crate::tree::{Step, locate, remove, set, string_at};
use crate::{Diag, SourceFile};

/// How many repairs one entry may need before it is given up.
pub(crate) const MAX_REPAIRS: usize = 32;

pub(crate) fn de<T: DeserializeOwned>(v: &Spanned<DeValue<'_>>) -> Result<T, toml::de::Error> {
    T::deserialize(ValueDeserializer::from(v.clone()))
}

/// What the reader knows about the entry it is reading, for messages.
pub(crate) struct EntryCx<'a, 'r> {
    pub(crate) file: &'a SourceFile,
    /// What the entry is: "party", "claim", "dataset".
    pub(crate) what: &'static str,
    pub(crate) json: bool,
    /// Spans of the syntax errors of the file; deserialisation errors there are not repeated.
    pub(crate) syntax: &'r [Range<usize>],
    /// Whether the entry itself holds a syntax error (then a missing field is likely a
    /// consequence of it and is not reported).
    pub(crate) damaged: bool,
}

/// Where the repair of entries puts what it finds.
pub(crate) struct Sink<'s> {
    pub(crate) diags: &'s mut Vec<Diag>,
    pub(crate) suppressed: &'s mut Vec<(String, Range<usize>)>,
    pub(crate) broken_ids: &'s mut BTreeSet<String>,
    pub(crate) next_sentinel: &'s mut usize,
}

/// Fields found missing in one table of an entry: where the table is, its path, and the
/// fields.
pub(crate) type Missing = Vec<(Range<usize>, Vec<Step>, Vec<String>)>;

/// Unknown fields reported without a suggestion: the index of their diagnostic, the path of
/// their table, and their name.
pub(crate) type Unknown = Vec<(usize, Vec<Step>, String)>;

/// Edit distance (insertions, deletions, substitutions) between two short names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
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
pub(crate) fn read_entry<'a, T: DeserializeOwned>(
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

pub(crate) fn repair<'a, T: DeserializeOwned>(
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
pub(crate) fn fill<'a, T: DeserializeOwned>(
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
pub(crate) fn quoted<'m>(msg: &'m str, prefix: &str) -> Option<&'m str> {
    msg.strip_prefix(prefix)?.split('`').nth(1)
}

/// In "unknown variant `x`, expected one of `a`, `b`": `x` and [`a`, `b`].
pub(crate) fn quoted_list(msg: &str) -> Option<(&str, Vec<&str>)> {
    if !msg.starts_with("unknown variant ") && !msg.starts_with("unknown field ") {
        return None;
    }
    let q: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    let (name, rest) = q.split_first()?;
    Some((name, rest.to_vec()))
}
