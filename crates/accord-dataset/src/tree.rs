//! Paths in TOML value trees: finding the key or value at a span, and editing a tree
//! while an entry is repaired.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// An owned [`Seg`], for paths found in a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// The deepest key or value whose span is exactly `span`: its path, and whether the span is
/// the key's (rather than the value's).
pub(crate) fn locate(
    root: &Spanned<DeValue<'_>>,
    span: &Range<usize>,
) -> Option<(Vec<Step>, bool)> {
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

pub(crate) fn node_mut<'t, 'a>(
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
pub(crate) fn set<'a>(
    root: &mut Spanned<DeValue<'a>>,
    path: &[Step],
    value: Spanned<DeValue<'a>>,
) -> bool {
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

pub(crate) fn remove(root: &mut Spanned<DeValue<'_>>, path: &[Step]) -> bool {
    let Some((Step::Key(k), parent)) = path.split_last() else {
        return false;
    };
    match node_mut(root, parent).map(|p| p.get_mut()) {
        Some(DeValue::Table(t)) => t.remove(k.as_str()).is_some(),
        _ => false,
    }
}

pub(crate) fn string_at<'t>(v: &'t Spanned<DeValue<'_>>, key: &str) -> Option<&'t str> {
    match v.get_ref() {
        DeValue::Table(t) => match t.get(key).map(|x| x.get_ref()) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// The spans of the plain values (not lists or tables) that run into offset `at`.
pub(crate) fn values_touching(v: &Spanned<DeValue<'_>>, at: usize, out: &mut Vec<Range<usize>>) {
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
pub(crate) fn find_unclosed(
    v: &Spanned<DeValue<'_>>,
    text: &str,
    at: usize,
) -> Option<Range<usize>> {
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

/// For a table that TOML made up because a `[[x.sub]]` header came before any `[[x]]`: the
/// name of the first such `sub`.
pub(crate) fn implicit_table<'t>(value: &'t Spanned<DeValue<'_>>) -> Option<&'t str> {
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
pub(crate) fn header_starts(table: &DeTable<'_>) -> Vec<usize> {
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
