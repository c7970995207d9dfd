//! The lexer: condition text to tokens, collecting errors as it goes.

use jiff::civil::Date;

use crate::diagnostic::Diagnostic;
use crate::level::Level;
use crate::span::Span;

/// Keywords, which cannot be used as names.
pub const KEYWORDS: [&str; 10] = [
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "none",
    "limited",
    "substantial",
    "complete",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A name such as `epd` or `epd_gt.c_uk_beef`.
    Ident(String),
    Date(Date),
    And,
    Or,
    Not,
    In,
    True,
    False,
    Level(Level),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Text the lexer could not read; already reported.
    Invalid,
    Eof,
}

impl Tok {
    /// How the token is described in "found …".
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Date(d) => {
                let mut s = String::new();
                let _ = crate::ast::write_date(&mut s, *d);
                format!("`{s}`")
            }
            Tok::Eof => "end of condition".to_string(),
            Tok::Invalid => "invalid text".to_string(),
            other => format!("`{}`", other.text()),
        }
    }

    fn text(&self) -> &'static str {
        match self {
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::In => "in",
            Tok::True => "true",
            Tok::False => "false",
            Tok::Level(l) => l.as_str(),
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Eq => "==",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Ident(_) | Tok::Date(_) | Tok::Invalid | Tok::Eof => "",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
    /// Whether the lexer already reported an error for this token.
    pub reported: bool,
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "in" => Tok::In,
        "true" => Tok::True,
        "false" => Tok::False,
        _ => return Level::from_keyword(word).map(Tok::Level),
    })
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `name` is a valid name: `[a-z][a-z0-9_]*` segments joined by `.`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|seg| {
            let mut chars = seg.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Whether `name` is a keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

fn days_in_month(year: i16, month: i8) -> i8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<Diagnostic>,
}

/// Splits `src` into tokens (ending with `Eof`) and the errors found.
pub(crate) fn lex(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lexer = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
    };
    lexer.run();
    (lexer.tokens, lexer.errors)
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        let reported = tok == Tok::Invalid;
        self.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
            reported,
        });
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
                continue;
            }
            if c.is_ascii_alphabetic() || c == '_' {
                self.name(start);
                continue;
            }
            if c.is_ascii_digit() {
                self.number(start);
                continue;
            }
            if c == '"' || c == '\'' {
                self.quoted(c, start);
                continue;
            }
            let errors_before = self.errors.len();
            let two = (c, self.peek_at(1));
            let (tok, len) = match two {
                ('=', Some('=')) => (Tok::Eq, 2),
                ('!', Some('=')) => (Tok::Ne, 2),
                ('<', Some('=')) => (Tok::Le, 2),
                ('>', Some('=')) => (Tok::Ge, 2),
                ('<', _) => (Tok::Lt, 1),
                ('>', _) => (Tok::Gt, 1),
                ('(', _) => (Tok::LParen, 1),
                (')', _) => (Tok::RParen, 1),
                ('[', _) => (Tok::LBracket, 1),
                (']', _) => (Tok::RBracket, 1),
                (',', _) => (Tok::Comma, 1),
                (':', _) => (Tok::Colon, 1),
                ('=', _) => (self.misspelt("=", "==", "use `==` to compare"), 1),
                ('&', Some('&')) => (self.misspelt("&&", "and", "write `and`"), 2),
                ('&', _) => (self.misspelt("&", "and", "write `and`"), 1),
                ('|', Some('|')) => (self.misspelt("||", "or", "write `or`"), 2),
                ('|', _) => (self.misspelt("|", "or", "write `or`"), 1),
                ('!', _) => (self.misspelt("!", "not", "write `not`"), 1),
                _ => {
                    self.pos += c.len_utf8();
                    self.unexpected_char(c, start);
                    self.push(Tok::Invalid, start);
                    continue;
                }
            };
            self.pos += len;
            self.push(tok, start);
            if self.errors.len() > errors_before {
                // A misspelt operator: its error was recorded without its length.
                if let Some(last) = self.errors.last_mut() {
                    last.span = Span::new(start, self.pos);
                }
                if let Some(token) = self.tokens.last_mut() {
                    token.reported = true;
                }
            }
        }
        let end = self.src.len();
        self.tokens.push(Token {
            tok: Tok::Eof,
            span: Span::at(end),
            reported: false,
        });
    }

    /// Reports operator `written` that should be `meant`, and returns the token
    /// for `meant` so that the parser reads on as if it had been written.
    fn misspelt(&mut self, written: &str, meant: &'static str, help: &str) -> Tok {
        let tok = match meant {
            "==" => Tok::Eq,
            "and" => Tok::And,
            "or" => Tok::Or,
            _ => Tok::Not,
        };
        // The span is fixed up by the caller once the length is known.
        self.errors.push(
            Diagnostic::new(
                "L007",
                format!("unknown operator `{written}`"),
                Span::at(self.pos),
                "not an operator in conditions",
            )
            .with_help(help),
        );
        tok
    }

    fn unexpected_char(&mut self, c: char, start: usize) {
        let prev_is_name = self
            .tokens
            .last()
            .is_some_and(|t| matches!(t.tok, Tok::Ident(_)) && t.span.end == start);
        let help = match c {
            '-' if prev_is_name && self.peek().is_some_and(|n| n.is_ascii_alphabetic()) => Some(
                "names join words with `_`, not `-`: write `on_hold`, not `on-hold`".to_string(),
            ),
            '"' | '\'' => Some("names, statuses and dates are written without quotes".to_string()),
            '.' => Some("a `.` joins the segments of a name, as in `epd_gt.c_uk_beef`".to_string()),
            _ => None,
        };
        let shown = if c.is_control() {
            c.escape_default().to_string()
        } else {
            c.to_string()
        };
        self.errors.push(
            Diagnostic::new(
                "L001",
                format!("unexpected character `{shown}`"),
                Span::new(start, self.pos),
                "not part of the condition language",
            )
            .with_help_opt(help),
        );
    }

    /// Quoted text, reported as one error; an unmatched quote is reported alone.
    fn quoted(&mut self, quote: char, start: usize) {
        let rest = &self.src[start + 1..];
        let close = rest
            .find([quote, '\n'])
            .filter(|&i| rest[i..].starts_with(quote));
        let Some(close) = close else {
            self.pos += 1;
            self.unexpected_char(quote, start);
            self.push(Tok::Invalid, start);
            return;
        };
        let inner = &rest[..close];
        self.pos = start + 1 + close + 1;
        let text = &self.src[start..self.pos];
        let help = if is_valid_name(inner) {
            format!("names are written without quotes: write `{inner}`")
        } else {
            "names, statuses and dates are written without quotes".to_string()
        };
        self.errors.push(
            Diagnostic::new(
                "L001",
                format!("unexpected quoted text `{text}`"),
                Span::new(start, self.pos),
                "not part of the condition language",
            )
            .with_help(help),
        );
        self.push(Tok::Invalid, start);
    }

    /// A name: letters, digits and `_`, in segments joined by `.`.
    fn name(&mut self, start: usize) {
        loop {
            while self.peek().is_some_and(is_name_char) {
                self.pos += 1;
            }
            // A `.` continues the name only when a segment follows it, or when
            // it is a mistake we can name precisely (`epd.` or `epd..x`).
            if self.peek() == Some('.') {
                let next = self.peek_at(1);
                if next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
                    self.pos += 1;
                    continue;
                }
                if next.is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                    continue;
                }
                // Dangling `.`: include it in the (invalid) name.
                self.pos += 1;
                while self.peek() == Some('.') {
                    self.pos += 1;
                }
                if self.peek().is_some_and(is_name_char) {
                    continue;
                }
            }
            break;
        }
        let text = &self.src[start..self.pos];
        let span = Span::new(start, self.pos);
        if let Some(kw) = keyword(text) {
            self.push(kw, start);
            return;
        }
        if is_valid_name(text) {
            self.push(Tok::Ident(text.to_string()), start);
            return;
        }
        let lower = text.to_ascii_lowercase();
        if text.split('.').any(str::is_empty) {
            self.errors.push(
                Diagnostic::new(
                    "L008",
                    format!("invalid name `{text}`"),
                    span,
                    "every `.` must sit between two segments",
                )
                .with_help("names are segments joined by `.`, as in `epd_gt.c_uk_beef`"),
            );
        } else if text != lower && is_valid_name(&lower) {
            self.errors.push(
                Diagnostic::new(
                    "L002",
                    format!("invalid name `{text}`"),
                    span,
                    "contains uppercase letters",
                )
                .with_help(format!("names are lowercase: write `{lower}`")),
            );
            // Read on as the lowercase name, so that later errors still show.
            self.push(keyword(&lower).unwrap_or(Tok::Ident(lower)), start);
            if let Some(token) = self.tokens.last_mut() {
                token.reported = true;
            }
            return;
        } else {
            self.errors.push(
                Diagnostic::new(
                    "L008",
                    format!("invalid name `{text}`"),
                    span,
                    "each segment must start with a letter",
                )
                .with_help("names are segments of lowercase letters, digits and `_`, each starting with a letter"),
            );
        }
        self.push(Tok::Invalid, start);
    }

    /// A date `YYYY-MM-DD`, or a number, which is not part of the language.
    fn number(&mut self, start: usize) {
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '-') {
            // Stop before a `-` that does not continue with a digit.
            if self.peek() == Some('-') && !self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
                break;
            }
            self.pos += 1;
        }
        // Letters glued to the number belong to the same mistake (`2025x`).
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        let text = &self.src[start..self.pos];
        let span = Span::new(start, self.pos);
        let parts: Vec<&str> = text.split('-').collect();
        let shape_ok = parts.len() == 3
            && [4, 2, 2]
                .iter()
                .zip(&parts)
                .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
        if !shape_ok {
            let (message, label) = if text.contains('-') {
                (format!("invalid date `{text}`"), "expected `YYYY-MM-DD`")
            } else {
                (
                    format!("unexpected number `{text}`"),
                    "numbers are not part of conditions",
                )
            };
            self.errors.push(
                Diagnostic::new("L003", message, span, label).with_help(
                    "dates are written `YYYY-MM-DD`, e.g. `2026-01-01`; levels are `none`, `limited`, `substantial` and `complete`",
                ),
            );
            self.push(Tok::Invalid, start);
            return;
        }
        let year: i16 = parts[0].parse().unwrap_or(0);
        let month: i8 = parts[1].parse().unwrap_or(0);
        let day: i8 = parts[2].parse().unwrap_or(0);
        let label = if !(1..=12).contains(&month) {
            Some(format!("there is no month {}", parts[1]))
        } else if day < 1 || day > days_in_month(year, month) {
            let name = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
            Some(format!(
                "{name} {year:04} has {} days",
                days_in_month(year, month)
            ))
        } else {
            None
        };
        match (label, Date::new(year, month, day)) {
            (None, Ok(date)) => self.push(Tok::Date(date), start),
            (label, _) => {
                self.errors.push(Diagnostic::new(
                    "L003",
                    format!("invalid date `{text}`"),
                    span,
                    label.unwrap_or_else(|| "not a calendar date".to_string()),
                ));
                self.push(Tok::Invalid, start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let (tokens, errors) = lex(src);
        assert!(errors.is_empty(), "{errors:?}");
        tokens.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn lexes_operators_names_and_dates() {
        assert_eq!(
            toks("progress(epd, by: uk) >= substantial"),
            vec![
                Tok::Ident("progress".into()),
                Tok::LParen,
                Tok::Ident("epd".into()),
                Tok::Comma,
                Tok::Ident("by".into()),
                Tok::Colon,
                Tok::Ident("uk".into()),
                Tok::RParen,
                Tok::Ge,
                Tok::Level(Level::Substantial),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("met(epd_gt.c_uk_beef)!=<=< > ==[]"),
            vec![
                Tok::Ident("met".into()),
                Tok::LParen,
                Tok::Ident("epd_gt.c_uk_beef".into()),
                Tok::RParen,
                Tok::Ne,
                Tok::Le,
                Tok::Lt,
                Tok::Gt,
                Tok::Eq,
                Tok::LBracket,
                Tok::RBracket,
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("after(2024-02-29)"),
            vec![
                Tok::Ident("after".into()),
                Tok::LParen,
                Tok::Date(Date::new(2024, 2, 29).unwrap()),
                Tok::RParen,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn names() {
        assert!(is_valid_name("epd"));
        assert!(is_valid_name("epd_gt.c_uk_beef"));
        assert!(is_valid_name("a1.b2_"));
        assert!(!is_valid_name("Epd"));
        assert!(!is_valid_name("_x"));
        assert!(!is_valid_name("a..b"));
        assert!(!is_valid_name("a."));
        assert!(!is_valid_name("a.1"));
        assert!(!is_valid_name(""));
        assert!(!is_valid_name("on-hold"));
    }

    #[test]
    fn spans_are_byte_offsets() {
        let (tokens, _) = lex("  é epd");
        // `é` is invalid (two bytes); `epd` starts at byte 5.
        assert_eq!(tokens[0].span, Span::new(2, 4));
        assert_eq!(tokens[1].span, Span::new(5, 8));
        assert_eq!(tokens[2].span, Span::at(8));
    }
}
