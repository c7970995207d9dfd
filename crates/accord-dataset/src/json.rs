//! One line of a `.jsonl` file as a spanned TOML value tree, so that JSON Lines claims go
//! through the same reading, repair and diagnostics as `[[claim]]` tables, and every
//! diagnostic can point at the exact key or value of the line.
//!
//! The line must already be known to be valid JSON (checked with `serde_json`); this reader
//! only records where each key and value is. It gives `None` rather than guess if it meets
//! something it does not expect. `null` values are left out, as if the key were absent.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// The value tree of the JSON text `text[range]`, with spans as offsets into `text`.
pub(crate) fn tree(text: &str, range: Range<usize>) -> Option<Spanned<DeValue<'_>>> {
    let mut p = Reader {
        s: text,
        pos: range.start,
        end: range.end.min(text.len()),
    };
    p.ws();
    let v = p.value()??;
    p.ws();
    (p.pos == p.end).then_some(v)
}

struct Reader<'a> {
    s: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end)
            .then(|| self.s.as_bytes().get(self.pos).copied())
            .flatten()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    /// A value; `Some(None)` for `null`.
    fn value(&mut self) -> Option<Option<Spanned<DeValue<'a>>>> {
        let start = self.pos;
        let v = match self.peek()? {
            b'{' => DeValue::Table(self.object()?),
            b'[' => DeValue::Array(self.array()?),
            b'"' => DeValue::String(self.string()?.1),
            b't' => self.word("true", DeValue::Boolean(true))?,
            b'f' => self.word("false", DeValue::Boolean(false))?,
            b'n' => {
                self.word("null", DeValue::Boolean(false))?;
                return Some(None);
            }
            _ => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.pos += 1;
                }
                let digits = self.s.get(start..self.pos)?;
                DeValue::parse(digits).ok()?.into_inner()
            }
        };
        Some(Some(Spanned::new(start..self.pos, v)))
    }

    fn word(&mut self, w: &str, v: DeValue<'a>) -> Option<DeValue<'a>> {
        let here = self.s.get(self.pos..self.end)?;
        here.starts_with(w).then(|| {
            self.pos += w.len();
            v
        })
    }

    /// A string token: its span (with the quotes) and its decoded text.
    fn string(&mut self) -> Option<(Range<usize>, Cow<'a, str>)> {
        let start = self.pos;
        self.eat(b'"')?;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                b'"' => {
                    self.pos += 1;
                    break;
                }
                _ => self.pos += 1,
            }
        }
        let raw = self.s.get(start..self.pos)?;
        let text = if escaped {
            Cow::Owned(serde_json::from_str::<String>(raw).ok()?)
        } else {
            Cow::Borrowed(raw.get(1..raw.len() - 1)?)
        };
        Some((start..self.pos, text))
    }

    fn object(&mut self) -> Option<DeTable<'a>> {
        self.eat(b'{')?;
        let mut t = DeTable::new();
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(t);
        }
        loop {
            self.ws();
            let (span, key) = self.string()?;
            self.ws();
            self.eat(b':')?;
            self.ws();
            if let Some(v) = self.value()? {
                t.insert(Spanned::new(span, key), v);
            }
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(t);
            }
        }
    }

    fn array(&mut self) -> Option<DeArray<'a>> {
        self.eat(b'[')?;
        let mut a = DeArray::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(a);
        }
        loop {
            self.ws();
            if let Some(v) = self.value()? {
                a.push(v);
            }
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_into_the_line() {
        let text = "xx{\"id\": \"c\\u0031\", \"n\": 1.5, \"l\": [true, null], \"z\": null}";
        let v = tree(text, 2..text.len())
            .unwrap_or_else(|| Spanned::new(0..0, DeValue::Boolean(false)));
        let DeValue::Table(t) = v.get_ref() else {
            panic!("not a table")
        };
        let (k, id) = t.iter().next().unwrap();
        assert_eq!(&text[k.span()], "\"id\"");
        assert_eq!(&text[id.span()], "\"c\\u0031\"");
        assert!(matches!(id.get_ref(), DeValue::String(s) if s == "c1"));
        assert_eq!(t.len(), 3, "null values are left out");
    }
}
