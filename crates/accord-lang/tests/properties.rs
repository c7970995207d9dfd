//! Property tests: the parser never panics, and printing round-trips.

mod common;

use accord_lang::{
    Arg, CmpOp, Expr, ExprKind, Ident, Level, MAX_DEPTH, MAX_LEN, Span, Spanned, check, evaluate,
    is_keyword, parse,
};
use jiff::civil::Date;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1000,
        ..ProptestConfig::default()
    }
}

fn node(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

/// A single name segment that is not a keyword.
fn simple_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,7}".prop_filter("not a keyword", |s| !is_keyword(s))
}

/// A possibly dotted name that is not a keyword.
fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,6}(\\.[a-z][a-z0-9_]{0,5}){0,2}"
        .prop_filter("not a keyword", |s| !is_keyword(s))
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

fn date() -> impl Strategy<Value = Date> {
    (0i16..=9999, 1i8..=12, 1i8..=31)
        .prop_filter_map("a calendar date", |(y, m, d)| Date::new(y, m, d).ok())
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(CmpOp::ALL.to_vec())
}

fn func_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "status",
            "progress",
            "operative",
            "met",
            "commitments",
            "linked",
            "members",
            "all",
            "any",
            "none",
            "after",
            "before",
            "since",
        ])
        .prop_map(str::to_string),
        name(),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<bool>().prop_map(|b| node(ExprKind::Bool(b))),
        level().prop_map(|l| node(ExprKind::Level(l))),
        date().prop_map(|d| node(ExprKind::Date(d))),
        name().prop_map(|n| node(ExprKind::Name(n))),
        (func_name(), prop::collection::vec(name(), 0..3)).prop_map(|(f, args)| {
            node(ExprKind::Call {
                func: Ident::new(f, Span::default()),
                args: args
                    .into_iter()
                    .map(|a| Arg {
                        name: None,
                        value: node(ExprKind::Name(a)),
                    })
                    .collect(),
            })
        }),
    ]
}

/// Any tree the grammar can produce (And / Or have two operands or more).
fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 64, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| node(ExprKind::Not(Box::new(e)))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(|v| node(ExprKind::And(v))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(|v| node(ExprKind::Or(v))),
            (op(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(ExprKind::Compare {
                op: Spanned::new(op, Span::default()),
                lhs: Box::new(l),
                rhs: Box::new(r),
            })),
            (
                any::<bool>(),
                inner.clone(),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(negated, l, list)| node(ExprKind::In {
                    negated,
                    lhs: Box::new(l),
                    list: Spanned::new(list, Span::default()),
                })),
            (
                func_name(),
                prop::collection::vec((prop::option::of(simple_name()), inner), 0..4)
            )
                .prop_map(|(f, args)| node(ExprKind::Call {
                    func: Ident::new(f, Span::default()),
                    args: args
                        .into_iter()
                        .map(|(n, value)| Arg {
                            name: n.map(|n| Ident::new(n, Span::default())),
                            value,
                        })
                        .collect(),
                })),
        ]
    })
}

/// Text made of the language's own tokens, glued with random spacing: far
/// more likely than random text to reach deep into the parser.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "status",
        "progress",
        "operative",
        "met",
        "all",
        "any",
        "none",
        "linked",
        "members",
        "commitments",
        "after",
        "before",
        "since",
        "epd",
        "tpd",
        "uk",
        "by",
        ":",
        "stalled",
        "and",
        "or",
        "not",
        "in",
        "true",
        "false",
        "limited",
        "substantial",
        "complete",
        "(",
        ")",
        "[",
        "]",
        ",",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "=",
        "&&",
        "!",
        "2026-01-01",
        "2025-02-30",
        "12",
        "epd_gt.c_uk_beef",
        "a.",
        "Epd",
        "\"x\"",
        "é",
        "-",
        ".",
    ]);
    let space = prop::sample::select(vec!["", " ", "  ", "\n", "\t"]);
    prop::collection::vec((token, space), 0..40).prop_map(|parts| {
        parts
            .into_iter()
            .map(|(t, s)| format!("{t}{s}"))
            .collect::<String>()
    })
}

/// Every sub-expression with its span.
fn walk<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    out.push(e);
    match &e.kind {
        ExprKind::Not(inner) => walk(inner, out),
        ExprKind::And(items) | ExprKind::Or(items) => items.iter().for_each(|i| walk(i, out)),
        ExprKind::Compare { lhs, rhs, .. } => {
            walk(lhs, out);
            walk(rhs, out);
        }
        ExprKind::In { lhs, list, .. } => {
            walk(lhs, out);
            list.node.iter().for_each(|i| walk(i, out));
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(&a.value, out)),
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Name(_) => {}
    }
}

fn exercise(src: &str) {
    match parse(src) {
        Ok(expr) => {
            let _ = check(&expr, &common::Fixture);
            let _ = evaluate(&expr, &common::World::new());
            let _ = accord_lang::references(&expr);
            // Whatever parses, prints to text that parses to the same tree.
            assert_eq!(parse(&expr.to_string()), Ok(expr));
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                assert!(
                    d.span.start <= d.span.end && d.span.end <= src.len(),
                    "{d:?}"
                );
                assert!(src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end));
                let _ = accord_lang::render(d, "f", src, 0);
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_never_panics_on_any_string(src in any::<String>()) {
        exercise(&src);
    }

    #[test]
    fn parse_never_panics_on_printable_unicode(src in "\\PC{0,200}") {
        exercise(&src);
    }

    #[test]
    fn parse_never_panics_on_token_soup(src in token_soup()) {
        exercise(&src);
    }

    #[test]
    fn parse_never_panics_on_deep_nesting(
        open in 0usize..2500,
        close in 0usize..2500,
        inner in prop::sample::select(vec!["true", "not ", "status(", "[", "all(x, ", ""]),
    ) {
        let src = format!("{}{inner}{}", "(".repeat(open), ")".repeat(close));
        exercise(&src);
    }

    #[test]
    fn print_then_parse_round_trips(ast in expr()) {
        let text = ast.to_string();
        prop_assume!(text.len() <= MAX_LEN);
        let parsed = parse(&text);
        prop_assert_eq!(&parsed, &Ok(ast.clone()), "printed as {}", text);
        // Printing is canonical: the reparsed tree prints the same.
        if let Ok(parsed) = parsed {
            prop_assert_eq!(parsed.to_string(), text.clone());
            // Every node's span covers text that parses to that node.
            let mut nodes = Vec::new();
            walk(&parsed, &mut nodes);
            for n in nodes {
                let slice = &text[n.span.start..n.span.end];
                prop_assert_eq!(&parse(slice), &Ok(n.clone()), "span {:?} = {:?}", n.span, slice);
            }
        }
    }
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
    for depth in [MAX_DEPTH + 1, 200, 1000, MAX_LEN / 2 - 2] {
        for (open, close) in [
            ("(", ")"),
            ("not (", ")"),
            ("status(", ")"),
            ("x in [", "]"),
        ] {
            let src = format!("{}true{}", open.repeat(depth), close.repeat(depth));
            if src.len() > MAX_LEN {
                continue;
            }
            let errors = parse(&src).unwrap_err();
            assert_eq!(errors.len(), 1, "{src}: {errors:?}");
            assert_eq!(errors[0].code, "L010", "{src}: {errors:?}");
            assert_eq!(
                errors[0].message,
                "condition nests too deeply (the limit is 64 levels)"
            );
        }
    }
    // Exactly at the limit is fine.
    let src = format!("{}true{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(parse(&src).map(|e| e.to_string()), Ok("true".to_string()));
    // A long input is refused by size before its nesting is looked at.
    let src = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(parse(&src).unwrap_err()[0].code, "L009");
}

#[test]
fn deep_nesting_on_a_small_stack() {
    // The depth cap keeps recursion shallow enough for a 1 MiB thread, even
    // in a debug build (release frames are far smaller).
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let src = format!("{}true{}", "all(x, ".repeat(2000), ")".repeat(2000));
            let src = &src[..MAX_LEN.min(src.len())];
            parse(src).unwrap_err()[0].code
        })
        .unwrap();
    assert_eq!(handle.join().unwrap(), "L010");
}
