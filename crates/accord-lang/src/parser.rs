//! A recursive-descent parser that never panics and reports every error it can.

use crate::ast::{Arg, CmpOp, Expr, ExprKind, Ident};
use crate::diagnostic::Diagnostic;
use crate::level::Level;
use crate::lexer::{Tok, Token, lex};
use crate::span::{Span, Spanned};

/// The longest condition accepted, in bytes.
pub const MAX_LEN: usize = 4096;
/// The deepest nesting accepted: each `not`, parenthesis, call and list adds a level.
pub const MAX_DEPTH: usize = 64;
/// At most this many errors are reported for one condition.
pub const MAX_ERRORS: usize = 32;

/// Parses a condition.
///
/// Returns the tree, or every error found (sorted by position, at most
/// [`MAX_ERRORS`]). Never panics, whatever the input; conditions longer than
/// [`MAX_LEN`] bytes or nested deeper than [`MAX_DEPTH`] levels are refused
/// with an error that states the limit.
pub fn parse(src: &str) -> Result<Expr, Vec<Diagnostic>> {
    if src.len() > MAX_LEN {
        let mut start = MAX_LEN;
        while !src.is_char_boundary(start) {
            start -= 1;
        }
        return Err(vec![
            Diagnostic::new(
                "L009",
                format!(
                    "condition is too long: {} bytes (the limit is {MAX_LEN} bytes)",
                    src.len()
                ),
                Span::new(start, src.len()),
                "the limit is passed here",
            )
            .with_help("split it into shorter conditions on separate items"),
        ]);
    }
    let (tokens, errors) = lex(src);
    let mut parser = Parser {
        tokens,
        pos: 0,
        errors,
        depth: 0,
        open: 0,
        fatal: false,
    };
    let expr = parser.condition(src);
    let mut errors = parser.errors;
    match expr {
        Some(expr) if errors.is_empty() => Ok(expr),
        _ => {
            errors.sort_by_key(|d| d.span.start);
            errors.truncate(MAX_ERRORS);
            Err(errors)
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    errors: Vec<Diagnostic>,
    /// Current nesting depth, checked against [`MAX_DEPTH`].
    depth: usize,
    /// How many parentheses, argument lists and lists are open.
    open: usize,
    /// Set by the depth error: parsing stops and nothing more is reported.
    fatal: bool,
}

/// What closes a delimited sequence.
#[derive(Clone, Copy)]
enum Closer {
    Paren,
    Bracket,
}

impl Closer {
    fn tok(self) -> Tok {
        match self {
            Closer::Paren => Tok::RParen,
            Closer::Bracket => Tok::RBracket,
        }
    }
    fn open_text(self) -> &'static str {
        match self {
            Closer::Paren => "(",
            Closer::Bracket => "[",
        }
    }
    fn close_text(self) -> &'static str {
        match self {
            Closer::Paren => ")",
            Closer::Bracket => "]",
        }
    }
}

impl Parser {
    fn token(&self) -> &Token {
        // The token list always ends with `Eof`, and `pos` never passes it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek(&self) -> &Tok {
        &self.token().tok
    }

    fn peek_nth(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.tokens.len() - 1);
        &self.tokens[i].tok
    }

    fn span(&self) -> Span {
        self.token().span
    }

    fn at(&self, tok: &Tok) -> bool {
        self.peek() == tok
    }

    fn bump(&mut self) -> Token {
        let token = self.token().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn error(&mut self, diag: Diagnostic) {
        if !self.fatal && self.errors.len() < MAX_ERRORS * 4 {
            self.errors.push(diag);
        }
    }

    /// Reports "expected `what`, found …" at the current token, unless the
    /// lexer already reported that token.
    fn expected(&mut self, what: &str, help: Option<String>) {
        if self.token().reported {
            return;
        }
        let found = self.peek().describe();
        let span = self.span();
        self.error(
            Diagnostic::new(
                "L004",
                format!("expected {what}, found {found}"),
                span,
                format!("expected {what}"),
            )
            .with_help_opt(help),
        );
    }

    fn unclosed(&mut self, closer: Closer, open: Span) {
        self.error(
            Diagnostic::new(
                "L005",
                format!("unclosed `{}`", closer.open_text()),
                open,
                "opened here and never closed",
            )
            .with_help(format!("add the missing `{}`", closer.close_text())),
        );
    }

    /// Enters one nesting level; `false` (after reporting once) past the limit.
    fn enter(&mut self, span: Span) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.error(
                Diagnostic::new(
                    "L010",
                    format!("condition nests too deeply (the limit is {MAX_DEPTH} levels)"),
                    span,
                    format!("level {} starts here", self.depth),
                )
                .with_help("each `not`, parenthesis, call and list adds a level; remove redundant parentheses or split the condition"),
            );
            self.fatal = true;
            self.pos = self.tokens.len() - 1;
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// condition := or_expr EOF
    fn condition(&mut self, src: &str) -> Option<Expr> {
        if self.at(&Tok::Eof) {
            if self.errors.is_empty() {
                self.error(
                    Diagnostic::new(
                        "L012",
                        "empty condition",
                        Span::new(0, src.len()),
                        "expected a condition",
                    )
                    .with_help("write a condition such as `operative(epd)`, or `true` for one that always holds"),
                );
            }
            return None;
        }
        let expr = self.or_expr();
        if !self.at(&Tok::Eof) && !self.fatal {
            let found = self.peek().describe();
            let span = self.span();
            let help = if self.at(&Tok::RParen) {
                "this `)` has no matching `(`".to_string()
            } else if self.at(&Tok::RBracket) {
                "this `]` has no matching `[`".to_string()
            } else {
                "join conditions with `and` or `or`".to_string()
            };
            if !self.token().reported {
                self.error(
                    Diagnostic::new(
                        "L011",
                        format!("unexpected {found} after the end of the condition"),
                        span,
                        "expected the condition to end here",
                    )
                    .with_help(help),
                );
            }
            return None;
        }
        expr
    }

    /// Skips to the next `and` / `or`, or to a closing bracket or `,` of an
    /// enclosing construct, or to the end.
    fn recover_to_connective(&mut self) {
        let mut nesting = 0usize;
        loop {
            match self.peek() {
                Tok::Eof => return,
                Tok::And | Tok::Or if nesting == 0 => return,
                Tok::RParen | Tok::RBracket | Tok::Comma if nesting == 0 && self.open > 0 => {
                    return;
                }
                Tok::LParen | Tok::LBracket => nesting += 1,
                Tok::RParen | Tok::RBracket => nesting = nesting.saturating_sub(1),
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips to the `,` or closing bracket of the current sequence (not consumed).
    fn recover_in_sequence(&mut self, closer: Closer) {
        let mut nesting = 0usize;
        loop {
            let tok = self.peek();
            if *tok == Tok::Eof {
                return;
            }
            if nesting == 0 && (*tok == Tok::Comma || *tok == closer.tok()) {
                return;
            }
            match tok {
                Tok::LParen | Tok::LBracket => nesting += 1,
                Tok::RParen | Tok::RBracket => {
                    if nesting == 0 {
                        // A closer of the wrong kind: leave it to the enclosing construct.
                        return;
                    }
                    nesting -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// or_expr := and_expr ("or" and_expr)*
    fn or_expr(&mut self) -> Option<Expr> {
        self.chain(Tok::Or)
    }

    /// and_expr := not_expr ("and" not_expr)*
    fn and_expr(&mut self) -> Option<Expr> {
        self.chain(Tok::And)
    }

    fn chain(&mut self, op: Tok) -> Option<Expr> {
        let mut items = Vec::new();
        let mut ok = true;
        loop {
            let item = if op == Tok::Or {
                self.and_expr()
            } else {
                let item = self.not_expr();
                if item.is_none() {
                    self.recover_to_connective();
                }
                item
            };
            match item {
                Some(e) => items.push(e),
                None => ok = false,
            }
            if self.fatal || !self.at(&op) {
                break;
            }
            self.bump();
        }
        if !ok || items.is_empty() {
            return None;
        }
        if items.len() == 1 {
            return items.pop();
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        let kind = if op == Tok::Or {
            ExprKind::Or(items)
        } else {
            ExprKind::And(items)
        };
        Some(Expr::new(kind, span))
    }

    /// not_expr := "not" not_expr | cmp_expr
    fn not_expr(&mut self) -> Option<Expr> {
        if !self.at(&Tok::Not) {
            return self.cmp_expr();
        }
        let start = self.bump().span;
        if !self.enter(start) {
            return None;
        }
        let inner = self.not_expr();
        self.leave();
        let inner = inner?;
        let span = start.to(inner.span);
        Some(Expr::new(ExprKind::Not(Box::new(inner)), span))
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        Some(match self.peek() {
            Tok::Eq => CmpOp::Eq,
            Tok::Ne => CmpOp::Ne,
            Tok::Lt => CmpOp::Lt,
            Tok::Le => CmpOp::Le,
            Tok::Gt => CmpOp::Gt,
            Tok::Ge => CmpOp::Ge,
            _ => return None,
        })
    }

    fn at_comparison(&self) -> bool {
        self.cmp_op().is_some()
            || self.at(&Tok::In)
            || (self.at(&Tok::Not) && *self.peek_nth(1) == Tok::In)
    }

    /// cmp_expr := primary [ cmp_op primary | ["not"] "in" list ]
    fn cmp_expr(&mut self) -> Option<Expr> {
        let lhs = self.primary()?;
        let expr = if let Some(op) = self.cmp_op() {
            let op = Spanned::new(op, self.bump().span);
            let rhs = self.primary()?;
            let span = lhs.span.to(rhs.span);
            Expr::new(
                ExprKind::Compare {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            )
        } else if self.at(&Tok::In) || (self.at(&Tok::Not) && *self.peek_nth(1) == Tok::In) {
            let negated = self.at(&Tok::Not);
            if negated {
                self.bump();
            }
            self.bump();
            let list = self.list()?;
            let span = lhs.span.to(list.span);
            Expr::new(
                ExprKind::In {
                    negated,
                    lhs: Box::new(lhs),
                    list,
                },
                span,
            )
        } else {
            return Some(lhs);
        };
        if self.at_comparison() {
            let span = if self.at(&Tok::Not) {
                self.span()
                    .to(self.tokens[(self.pos + 1).min(self.tokens.len() - 1)].span)
            } else {
                self.span()
            };
            self.error(
                Diagnostic::new(
                    "L006",
                    "comparisons cannot be chained",
                    span,
                    "a second comparison",
                )
                .with_help("compare two values at a time and join the comparisons with `and`"),
            );
            return None;
        }
        Some(expr)
    }

    /// list := "[" [ or_expr ("," or_expr)* [","] ] "]"
    fn list(&mut self) -> Option<Spanned<Vec<Expr>>> {
        if !self.at(&Tok::LBracket) {
            self.expected(
                "`[` after `in`",
                Some("`in` takes a list, e.g. `status(steel) in [stalled, on_hold]`".to_string()),
            );
            return None;
        }
        let open = self.bump().span;
        let (items, end) = self.sequence(Closer::Bracket, open, |p| p.or_expr())?;
        Some(Spanned::new(items, open.to(end)))
    }

    /// Parses `item ("," item)* [","] closer` after the opening bracket at
    /// `open`; returns the items and the span of the closer.
    fn sequence<T>(
        &mut self,
        closer: Closer,
        open: Span,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<(Vec<T>, Span)> {
        if !self.enter(open) {
            return None;
        }
        self.open += 1;
        let result = self.sequence_items(closer, open, &mut item);
        self.open -= 1;
        self.leave();
        result
    }

    fn sequence_items<T>(
        &mut self,
        closer: Closer,
        open: Span,
        item: &mut impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<(Vec<T>, Span)> {
        let close = closer.tok();
        let mut items = Vec::new();
        let mut ok = true;
        loop {
            if self.fatal {
                return None;
            }
            if self.at(&close) {
                let end = self.bump().span;
                return ok.then_some((items, end));
            }
            if self.at(&Tok::Eof) {
                self.unclosed(closer, open);
                return None;
            }
            match item(self) {
                Some(x) => items.push(x),
                None => {
                    ok = false;
                    self.recover_in_sequence(closer);
                }
            }
            if self.at(&Tok::Comma) {
                self.bump();
                continue;
            }
            if self.at(&close) {
                continue;
            }
            if self.at(&Tok::Eof) {
                self.unclosed(closer, open);
                return None;
            }
            if ok {
                self.expected(&format!("`,` or `{}`", closer.close_text()), None);
            }
            ok = false;
            self.recover_in_sequence(closer);
            if !self.at(&Tok::Comma) && !self.at(&close) {
                // A closer of the other kind: this sequence cannot be finished.
                if !self.at(&Tok::Eof) {
                    self.bump();
                }
                return None;
            }
            if self.at(&Tok::Comma) {
                self.bump();
            }
        }
    }

    /// primary := "true" | "false" | LEVEL | DATE | call | NAME | "(" or_expr ")"
    fn primary(&mut self) -> Option<Expr> {
        let span = self.span();
        let kind = match self.peek().clone() {
            Tok::True => ExprKind::Bool(true),
            Tok::False => ExprKind::Bool(false),
            Tok::Level(Level::None) if *self.peek_nth(1) == Tok::LParen => {
                return self.call("none".to_string());
            }
            Tok::Level(level) => ExprKind::Level(level),
            Tok::Date(date) => ExprKind::Date(date),
            Tok::Ident(name) if *self.peek_nth(1) == Tok::LParen => return self.call(name),
            Tok::Ident(name) => ExprKind::Name(name),
            Tok::LParen => return self.parenthesized(),
            _ => {
                self.expected("an expression", None);
                return None;
            }
        };
        self.bump();
        Some(Expr::new(kind, span))
    }

    fn parenthesized(&mut self) -> Option<Expr> {
        let open = self.bump().span;
        if !self.enter(open) {
            return None;
        }
        self.open += 1;
        let inner = self.or_expr();
        self.open -= 1;
        self.leave();
        if self.fatal {
            return None;
        }
        if self.at(&Tok::RParen) {
            let close = self.bump().span;
            let mut inner = inner?;
            inner.span = open.to(close);
            return Some(inner);
        }
        if self.at(&Tok::Eof) {
            self.unclosed(Closer::Paren, open);
            return None;
        }
        if inner.is_some() {
            self.expected("`)`", None);
        }
        // Skip to the matching `)`.
        self.recover_in_sequence(Closer::Paren);
        if self.at(&Tok::RParen) {
            self.bump();
        }
        None
    }

    /// call := NAME "(" [ arg ("," arg)* [","] ] ")"
    fn call(&mut self, name: String) -> Option<Expr> {
        let func = Ident::new(name, self.bump().span);
        let open = self.bump().span;
        let (args, end) = self.sequence(Closer::Paren, open, |p| p.arg())?;
        let span = func.span.to(end);
        Some(Expr::new(ExprKind::Call { func, args }, span))
    }

    /// arg := [ NAME ":" ] or_expr
    fn arg(&mut self) -> Option<Arg> {
        let name = match self.peek().clone() {
            Tok::Ident(name) if *self.peek_nth(1) == Tok::Colon => {
                let span = self.bump().span;
                self.bump();
                Some(Ident::new(name, span))
            }
            _ => None,
        };
        let value = self.or_expr()?;
        Some(Arg { name, value })
    }
}
