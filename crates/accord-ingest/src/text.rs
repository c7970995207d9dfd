//! Text layout: words, paragraphs, sentences and quotations, with byte offsets.
//!
//! Everything here works in **byte** offsets into the document text; [`CharMap`] turns them
//! into the character offsets (Unicode scalar values) that proposals carry.

use std::ops::Range;

/// Maps byte offsets to character offsets (Unicode scalar values).
pub(crate) struct CharMap {
    /// `chars[b]` = number of chars before byte `b`, for every byte offset 0..=len.
    chars: Vec<u32>,
}

impl CharMap {
    pub(crate) fn new(text: &str) -> CharMap {
        let mut chars = Vec::with_capacity(text.len() + 1);
        let mut n: u32 = 0;
        for (i, c) in text.char_indices() {
            while chars.len() < i {
                chars.push(n);
            }
            chars.push(n);
            let _ = c;
            n += 1;
        }
        while chars.len() <= text.len() {
            chars.push(n);
        }
        CharMap { chars }
    }

    pub(crate) fn char_at(&self, byte: usize) -> usize {
        self.chars
            .get(byte)
            .or_else(|| self.chars.last())
            .copied()
            .unwrap_or(0) as usize
    }
}

/// What kind of token a [`Tok`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TK {
    Word,
    Punct,
}

/// A token: a word (letters, digits, internal apostrophes, hyphens, abbreviation dots,
/// a leading currency sign) or one punctuation character.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub s: usize,
    pub e: usize,
    pub kind: TK,
    /// Folded form: lowercase, curly apostrophes and dashes made plain.
    pub low: String,
}

impl Tok {
    #[cfg(test)]
    pub(crate) fn is_word(&self) -> bool {
        self.kind == TK::Word
    }
    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.kind == TK::Punct && self.low.starts_with(c)
    }
    /// The folded form without a possessive `'s` / `'`.
    pub(crate) fn base(&self) -> &str {
        self.low
            .strip_suffix("'s")
            .or_else(|| self.low.strip_suffix("s'"))
            .unwrap_or(&self.low)
    }
    pub(crate) fn is_capitalised(&self, text: &str) -> bool {
        text.get(self.s..self.e)
            .and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_uppercase())
    }
}

pub(crate) fn is_open_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '«' | '„')
}

pub(crate) fn is_quote_mark(c: char) -> bool {
    matches!(c, '“' | '”' | '"' | '«' | '»' | '„')
}

/// Folds a word for matching: lowercase, curly apostrophes and dashes made plain.
pub(crate) fn fold_word(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        match c {
            '’' | '‘' | '`' => out.push('\''),
            '–' | '—' | '‑' => out.push('-'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‑' | '.' | '&' | ',')
}

/// Splits text into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| chars.get(i).map(|x| x.0).unwrap_or(text.len());
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let currency = matches!(c, '£' | '$' | '€')
            && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit());
        if c.is_alphanumeric() || currency {
            let start = i;
            i += 1;
            while i < n {
                let d = chars[i].1;
                if d.is_alphanumeric() {
                    i += 1;
                    continue;
                }
                if is_joiner(d) && chars.get(i + 1).is_some_and(|(_, x)| x.is_alphanumeric()) {
                    let prev = chars[i - 1].1;
                    let next = chars[i + 1].1;
                    let ok = match d {
                        // Digits only: 1,000 and 1.5; abbreviations: U.S.
                        ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
                        '.' => {
                            (prev.is_ascii_digit() && next.is_ascii_digit())
                                || (prev.is_alphabetic()
                                    && next.is_alphabetic()
                                    && (i < 2
                                        || !chars[i - 2].1.is_alphanumeric()
                                        || chars[i - 2].1 == '.'))
                        }
                        _ => true,
                    };
                    if ok {
                        i += 1;
                        continue;
                    }
                }
                break;
            }
            // A plural possessive: "the farmers' union" (an apostrophe after an s, before a
            // lowercase word), as the single-quotation rule reads it too.
            if i + 2 < n
                && matches!(chars[i].1, '\'' | '’')
                && matches!(chars[i - 1].1, 's' | 'S')
                && chars[i + 1].1 == ' '
                && chars[i + 2].1.is_lowercase()
            {
                i += 1;
            }
            // A trailing dot of an abbreviation written with inner dots (U.S.), kept.
            if i < n && chars[i].1 == '.' {
                let w = &text[byte_at(start)..byte_at(i)];
                if w.contains('.') && w.chars().filter(|c| c.is_alphabetic()).count() <= 4 {
                    i += 1;
                }
            }
            let (s, e) = (byte_at(start), byte_at(i));
            out.push(Tok {
                s,
                e,
                kind: TK::Word,
                low: fold_word(&text[s..e]),
            });
            continue;
        }
        let (s, e) = (byte_at(i), byte_at(i + 1));
        out.push(Tok {
            s,
            e,
            kind: TK::Punct,
            low: fold_word(&text[s..e]),
        });
        i += 1;
    }
    out
}

/// Paragraphs: runs of text separated by line breaks. Returns byte ranges (trimmed).
pub(crate) fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            push_trimmed(text, start..i, &mut out);
            start = i + 1;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let Some(seg) = text.get(r.clone()) else {
        return;
    };
    let lead = seg.len() - seg.trim_start().len();
    let trail = seg.len() - seg.trim_end().len();
    if r.start + lead < r.end - trail {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "jr",
    "sr", "prof", "inc", "co", "corp", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ariz", "calif", "fla", "mass", "pa", "va",
    "rev", "hon", "mt", "ft", "ave", "approx", "dept", "est", "fig", "e.g", "i.e", "u.s", "u.k",
];

/// Words that start a new sentence even after an abbreviation such as "U.S.".
const STARTERS: &[&str] = &[
    "the", "he", "she", "they", "it", "but", "and", "in", "a", "this", "we", "i", "that", "there",
    "however", "his", "her", "their", "its", "on", "as", "for", "if", "when", "while",
];

/// Sentences: byte ranges, never crossing a paragraph. A sentence ends at `.`, `!` or `?`
/// (with any closing quotes or brackets after it) before a capital letter, a digit or an
/// opening quote, unless the full stop belongs to an abbreviation or an initial.
pub(crate) fn sentences(text: &str, toks: &[Tok], paras: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut ti = 0;
    for p in paras {
        while ti < toks.len() && toks[ti].s < p.start {
            ti += 1;
        }
        let first = ti;
        while ti < toks.len() && toks[ti].e <= p.end {
            ti += 1;
        }
        let pt = &toks[first..ti];
        let mut start = p.start;
        let mut k = 0;
        while k < pt.len() {
            let t = &pt[k];
            let ends = t.kind == TK::Punct && matches!(t.low.as_str(), "." | "!" | "?");
            // Abbreviation words that carry their own final dot (U.S.) may end a sentence too.
            let abbrev_end = t.kind == TK::Word && t.low.ends_with('.');
            if !(ends || abbrev_end) {
                k += 1;
                continue;
            }
            // Swallow closing quotes and brackets.
            let mut j = k + 1;
            while j < pt.len()
                && pt[j].kind == TK::Punct
                && matches!(pt[j].low.as_str(), "”" | "\"" | ")" | "'" | "»" | "]")
                && pt[j].s == pt[j - 1].e
            {
                j += 1;
            }
            let end = pt[j - 1].e;
            let next = pt.get(j);
            let boundary = match next {
                None => true,
                Some(n) => {
                    let c = text[n.s..].chars().next().unwrap_or(' ');
                    let gap = n.s > end;
                    gap && (c.is_uppercase()
                        || c.is_ascii_digit()
                        || is_open_quote(c)
                        || matches!(c, '\'' | '‘'))
                }
            };
            let mut is_abbrev = false;
            if ends && t.low == "." && k > 0 {
                let prev = &pt[k - 1];
                if prev.e == t.s && prev.kind == TK::Word {
                    let w = prev.low.as_str();
                    let single_initial = w.chars().count() == 1 && prev.is_capitalised(text);
                    is_abbrev = ABBREV.contains(&w) || single_initial;
                }
            }
            if abbrev_end {
                let w = t.low.trim_end_matches('.');
                let starter = next.is_some_and(|n| STARTERS.contains(&n.low.as_str()));
                is_abbrev = (ABBREV.contains(&w) || w.contains('.')) && !starter;
                if next.is_none() {
                    is_abbrev = false;
                }
            }
            if boundary && !is_abbrev {
                out.push(start..end);
                start = next.map(|n| n.s).unwrap_or(p.end);
            }
            k = j;
        }
        if start < p.end {
            out.push(start..p.end);
        }
    }
    out
}

/// A quotation: one or more quoted fragments that belong together (a quote that runs over
/// several paragraphs is one quotation).
#[derive(Debug, Clone)]
pub(crate) struct Quote {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset just past the closing mark (or the paragraph end when unclosed).
    pub close_end: usize,
    /// The quoted words, without the marks.
    pub inner: Range<usize>,
    pub closed: bool,
    /// It ran over a paragraph break.
    pub multi_paragraph: bool,
    /// Byte offset where the closing mark starts (`close_end` when unclosed).
    pub close_start: usize,
    /// Single quotation marks ('…' or ‘…’) rather than double ones.
    pub single: bool,
}

impl Quote {
    /// Whether the bytes `s..e` lie within one of the quotation's marks.
    pub(crate) fn is_mark(&self, s: usize, e: usize) -> bool {
        (s >= self.open && e <= self.inner.start && s < self.inner.start)
            || (self.closed && s >= self.close_start && e <= self.close_end)
    }
}

/// A quotation mark: its byte offset, its length in bytes, and the character it stands for
/// (`''`, two apostrophes as some outlets print them, stands for `"`).
#[derive(Debug, Clone, Copy)]
struct Mark {
    at: usize,
    len: usize,
    c: char,
}

/// The double quotation marks of a paragraph, in order.
fn double_marks(seg: &str, base: usize) -> Vec<(Mark, Option<char>, Option<char>)> {
    let chars: Vec<(usize, char)> = seg.char_indices().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let two = c == '\'' && chars.get(k + 1).is_some_and(|x| x.1 == '\'');
        if is_quote_mark(c) || two {
            let len = if two { 2 } else { 1 };
            let prev = k.checked_sub(1).map(|j| chars[j].1);
            let next = chars.get(k + len).map(|x| x.1);
            out.push((
                Mark {
                    at: base + i,
                    len: if two { 2 } else { c.len_utf8() },
                    c: if two { '"' } else { c },
                },
                prev,
                next,
            ));
            k += len;
            continue;
        }
        k += 1;
    }
    out
}

/// Finds quotations: double marks (curly, straight, and `''`), a quote continued over
/// paragraphs by the convention of leaving the closing mark off and opening the next
/// paragraph with a mark; then single-quoted spans ('…', ‘…’) outside double quotations,
/// within one paragraph, telling quotation marks from apostrophes ("don't", "the '90s",
/// "Reuters' report", "rock 'n' roll") by what stands on each side of them.
pub(crate) fn quotes(text: &str, paras: &[Range<usize>]) -> Vec<Quote> {
    let mut out = Vec::new();
    // (open byte, open mark length, multi)
    let mut open: Option<(usize, usize, bool)> = None;
    for (pi, p) in paras.iter().enumerate() {
        let seg = &text[p.clone()];
        let marks = double_marks(seg, p.start);
        let mut skip_first_open = false;
        if open.is_some() {
            // Continued from the previous paragraph?
            if marks
                .first()
                .is_some_and(|(m, _, _)| m.at == p.start && is_open_quote(m.c))
            {
                skip_first_open = true;
                if let Some(o) = open.as_mut() {
                    o.2 = true;
                }
            } else {
                // Unclosed: end it at the previous paragraph's end.
                if let Some((o, ol, multi)) = open.take() {
                    let pe = paras[pi - 1].end;
                    push_quote(text, &mut out, (o, ol), pe, pe, false, multi);
                }
            }
        }
        for (k, &(m, prev, next)) in marks.iter().enumerate() {
            if k == 0 && skip_first_open {
                continue;
            }
            let c = m.c;
            let opener_ctx = prev.is_none_or(|p| {
                p.is_whitespace() || matches!(p, '(' | '[' | '—' | '–' | '-' | '/' | ':' | '‘')
            }) && next.is_some_and(|n| !n.is_whitespace());
            let closer_ctx = prev.is_some_and(|p| !p.is_whitespace());
            match open {
                None => {
                    let opens = match c {
                        '“' | '«' | '„' => true,
                        '"' => opener_ctx,
                        // A closing mark where an opening one belongs (bad typography).
                        '”' | '»' => opener_ctx && !closer_ctx,
                        _ => false,
                    };
                    if opens {
                        open = Some((m.at, m.len, false));
                    }
                }
                Some((o, ol, multi)) => {
                    if matches!(c, '”' | '»' | '"') {
                        push_quote(text, &mut out, (o, ol), m.at, m.at + m.len, true, multi);
                        open = None;
                    } else if c == '“' || c == '«' {
                        // A second opening mark: the first was never closed; start again.
                        open = Some((m.at, m.len, false));
                    }
                }
            }
        }
    }
    if let Some((o, ol, multi)) = open
        && let Some(last) = paras.last()
    {
        push_quote(text, &mut out, (o, ol), last.end, last.end, false, multi);
    }
    let doubles = out.clone();
    for p in paras {
        single_quotes(text, p.clone(), &doubles, &mut out);
    }
    out.sort_by_key(|q| q.open);
    out
}

/// Single-quoted spans in a paragraph, outside the double quotations `doubles`.
fn single_quotes(text: &str, p: Range<usize>, doubles: &[Quote], out: &mut Vec<Quote>) {
    let seg = &text[p.clone()];
    let chars: Vec<(usize, char)> = seg.char_indices().collect();
    let inside_double = |b: usize| doubles.iter().any(|q| q.open <= b && b < q.close_end);
    let mut open: Option<usize> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '\'' | '‘' | '’') {
            continue;
        }
        let at = p.start + i;
        let prev = k.checked_sub(1).map(|j| chars[j].1);
        let next = chars.get(k + 1).map(|x| x.1);
        // Two apostrophes are a double mark, handled before.
        if c == '\'' && (prev == Some('\'') || next == Some('\'')) {
            continue;
        }
        if inside_double(at) {
            open = None;
            continue;
        }
        let word_before = prev.is_some_and(|x| x.is_alphanumeric());
        let word_after = next.is_some_and(|x| x.is_alphanumeric());
        if word_before && word_after {
            // An apostrophe inside a word: don't, O'Malley.
            continue;
        }
        let opener = !word_before
            && prev.is_none_or(|x| {
                x.is_whitespace()
                    || matches!(x, '(' | '[' | '—' | '–' | '-' | '/' | ':' | '"' | '“')
            })
            && next.is_some_and(|x| !x.is_whitespace())
            && c != '’';
        if let Some(o) = open {
            let closer = prev.is_some_and(|x| !x.is_whitespace())
                && !word_after
                && c != '‘'
                && !plural_possessive(seg, k, &chars);
            if closer {
                push_single(text, out, o, at, at + c.len_utf8());
                open = None;
                continue;
            }
        }
        if opener && !elision(&chars, k) {
            open = Some(at);
        }
    }
}

/// "the '90s", "'em", "'til", "'cause", "rock 'n' roll": an apostrophe standing for
/// left-out letters, not an opening quotation mark.
fn elision(chars: &[(usize, char)], k: usize) -> bool {
    let word: String = chars[k + 1..]
        .iter()
        .map(|x| x.1)
        .take_while(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let after = chars.get(k + 1 + word.chars().count()).map(|x| x.1);
    (word.len() == 3 && word.ends_with('s') && word.starts_with(|c: char| c.is_ascii_digit()))
        || (word.len() == 2 && word.chars().all(|c| c.is_ascii_digit()))
        || (matches!(
            word.as_str(),
            "em" | "til" | "cause" | "tis" | "twas" | "n" | "nuff" | "bout" | "round"
        ) && after != Some('\'')
            && after != Some('’'))
        || (word == "n" && matches!(after, Some('\'' | '’')))
}

/// "the candidates' debate": a plural possessive, not a closing mark (an `s` before it and
/// a lowercase word after it).
fn plural_possessive(seg: &str, k: usize, chars: &[(usize, char)]) -> bool {
    let _ = seg;
    let prev_s = k
        .checked_sub(1)
        .is_some_and(|j| matches!(chars[j].1, 's' | 'S'));
    let next_word = chars
        .get(k + 1)
        .is_some_and(|x| x.1 == ' ')
        .then(|| chars.get(k + 2).map(|x| x.1))
        .flatten();
    prev_s && next_word.is_some_and(|c| c.is_lowercase())
}

fn push_single(text: &str, out: &mut Vec<Quote>, open: usize, close: usize, close_end: usize) {
    let s = open
        + text[open..]
            .chars()
            .next()
            .map(|c| c.len_utf8())
            .unwrap_or(1);
    let inner = text.get(s..close).unwrap_or("");
    let lead = inner.len() - inner.trim_start().len();
    let trail = inner.len() - inner.trim_end().len();
    if s + lead >= close.saturating_sub(trail) {
        return;
    }
    out.push(Quote {
        open,
        close_end,
        inner: s + lead..close - trail,
        closed: true,
        multi_paragraph: false,
        close_start: close,
        single: true,
    });
}

fn push_quote(
    text: &str,
    out: &mut Vec<Quote>,
    (open, mark_len): (usize, usize),
    inner_end: usize,
    close_end: usize,
    closed: bool,
    multi: bool,
) {
    let s = open + mark_len;
    // Trim spaces just inside the marks.
    let inner = text.get(s..inner_end).unwrap_or("");
    let lead = inner.len() - inner.trim_start().len();
    let trail = inner.len() - inner.trim_end().len();
    if s + lead >= inner_end.saturating_sub(trail) {
        return;
    }
    out.push(Quote {
        open,
        close_end,
        inner: s + lead..inner_end - trail,
        closed,
        multi_paragraph: multi,
        close_start: inner_end,
        single: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        let toks = tokenize(t);
        let paras = paragraphs(t);
        sentences(t, &toks, &paras)
            .into_iter()
            .map(|r| &t[r])
            .collect()
    }

    #[test]
    fn words_keep_apostrophes_abbreviations_and_money() {
        let t = "O’Malley’s U.S. deal cost £31bn, or 1,000.5 units; well-known.";
        let w: Vec<&str> = tokenize(t)
            .iter()
            .filter(|x| x.is_word())
            .map(|x| &t[x.s..x.e])
            .collect();
        assert_eq!(
            w,
            [
                "O’Malley’s",
                "U.S.",
                "deal",
                "cost",
                "£31bn",
                "or",
                "1,000.5",
                "units",
                "well-known"
            ]
        );
    }

    #[test]
    fn sentences_split_after_quotes_not_after_titles() {
        assert_eq!(
            sents("Mr. Smith said “it is done.” Then he left. Donald J. Trump agreed."),
            [
                "Mr. Smith said “it is done.”",
                "Then he left.",
                "Donald J. Trump agreed."
            ]
        );
        assert_eq!(
            sents("He met U.S. officials. The talks ended."),
            ["He met U.S. officials.", "The talks ended."]
        );
    }

    #[test]
    fn quotes_curly_straight_and_multi_paragraph() {
        let t = "He said \"one\" and “two”.\n\n“Three, and\n\n“four,” he added.";
        let paras = paragraphs(t);
        let q: Vec<&str> = quotes(t, &paras)
            .iter()
            .map(|q| &t[q.inner.clone()])
            .collect();
        assert_eq!(q, ["one", "two", "Three, and\n\n“four,"]);
        let qs = quotes(t, &paras);
        assert!(qs[2].multi_paragraph && qs[2].closed);
    }

    #[test]
    fn char_map_counts_scalar_values() {
        let t = "a’b£c";
        let m = CharMap::new(t);
        assert_eq!(m.char_at(t.find('b').unwrap_or(0)), 2);
        assert_eq!(m.char_at(t.len()), 5);
    }
}
