//! The accord condition language.
//!
//! Datasets write conditions such as
//! `operative when progress(epd, by: uk) >= substantial` or
//! `any(linked(tpd), status in [stalled, suspended])`. This crate
//!
//! - [`parse`]s them into an [`Expr`], with spanned [`Diagnostic`]s for every
//!   error it can find (it never panics, and caps input size and nesting);
//! - prints them back canonically (`Display for Expr`; `parse(&e.to_string()) == Ok(e)`);
//! - [`check`]s them against a dataset through a [`Resolver`] (types, arity,
//!   unknown items, parties, statuses and functions, with "did you mean");
//! - [`evaluate`]s them in three-valued logic against an [`Env`], returning a
//!   [`Trace`] of why;
//! - lists the items they depend on ([`references`]);
//! - [`render`]s diagnostics as rustc-style plain text.
//!
//! The language is specified in `docs/condition-language.md`.
//!
//! ```
//! use accord_lang::{parse, render};
//!
//! let expr = parse("progress( epd, by:uk )>=substantial").unwrap();
//! assert_eq!(expr.to_string(), "progress(epd, by: uk) >= substantial");
//!
//! let src = "status(steel) = stalled";
//! let errors = parse(src).unwrap_err();
//! assert_eq!(
//!     render(&errors[0], "condition", src, 0),
//!     "error[L007]: unknown operator `=`\n --> condition:1:15\n  |\n1 | status(steel) = stalled\n  |               ^ not an operator in conditions\n  = help: use `==` to compare\n"
//! );
//! ```
//!
//! **Architecture Invariant:** this crate depends on no other accord crate,
//! does no IO and never reads the clock (the as-of date comes from the [`Env`]).

mod ast;
mod check;
mod diagnostic;
mod eval;
mod level;
mod lexer;
mod parser;
mod refs;
mod span;

pub use ast::{Arg, CmpOp, Expr, ExprKind, Function, Ident};
pub use check::{ItemKind, Resolver, check};
pub use diagnostic::{Diagnostic, line_col, render, render_all, suggest};
pub use eval::{Env, Evaluation, Trace, evaluate};
pub use level::{Level, ParseLevelError, Truth};
pub use lexer::{KEYWORDS, is_keyword, is_valid_name};
pub use parser::{MAX_DEPTH, MAX_ERRORS, MAX_LEN, parse};
pub use refs::{Reference, references};
pub use span::{Span, Spanned};

/// Parses and checks `src` in one step: the tree, or every error.
pub fn parse_and_check(src: &str, resolver: &dyn Resolver) -> Result<Expr, Vec<Diagnostic>> {
    let expr = parse(src)?;
    let diags = check(&expr, resolver);
    if diags.is_empty() {
        Ok(expr)
    } else {
        Err(diags)
    }
}
