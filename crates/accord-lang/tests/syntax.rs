//! Parsing and printing: tree shapes, precedence, spans and the canonical form.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use accord_lang::{CmpOp, Expr, ExprKind, Level, Span, parse};

fn p(src: &str) -> Expr {
    parse(src).unwrap_or_else(|e| panic!("{src}: {e:#?}"))
}

fn canonical(src: &str) -> String {
    p(src).to_string()
}

#[test]
fn spans_do_not_take_part_in_equality() {
    assert_eq!(p("a and b"), p("  a   and\n\tb "));
    assert_eq!(p("status(x) in [a,b]"), p("status( x )  in  [ a , b ]"));
    assert_ne!(p("a and b"), p("a or b"));
    assert_ne!(p("status(x) in [a]"), p("status(x) not in [a]"));
}

#[test]
fn precedence_or_and_not_comparison() {
    // `or` < `and` < `not` < comparison.
    assert_eq!(p("a or b and c"), p("a or (b and c)"));
    assert_eq!(p("a and b or c"), p("(a and b) or c"));
    assert_eq!(p("not a and b"), p("(not a) and b"));
    assert_eq!(p("not a == b"), p("not (a == b)"));
    assert_eq!(p("not status(x) in [a]"), p("not (status(x) in [a])"));
    assert!(matches!(p("a or b or c").kind, ExprKind::Or(ref v) if v.len() == 3));
    assert!(matches!(p("a and b and c").kind, ExprKind::And(ref v) if v.len() == 3));
    // Grouping is kept: a parenthesised chain is its own node.
    assert!(matches!(p("a and (b and c)").kind, ExprKind::And(ref v) if v.len() == 2));
    assert_ne!(p("a and (b and c)"), p("a and b and c"));
}

#[test]
fn tree_of_a_comparison() {
    let e = p("progress(epd, by: uk) >= substantial");
    let ExprKind::Compare { op, lhs, rhs } = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(op.node, CmpOp::Ge);
    assert_eq!(op.span, Span::new(22, 24));
    assert_eq!(rhs.kind, ExprKind::Level(Level::Substantial));
    let ExprKind::Call { func, args } = &lhs.kind else {
        panic!("{lhs:?}")
    };
    assert_eq!(func.name, "progress");
    assert_eq!(func.span, Span::new(0, 8));
    assert_eq!(args.len(), 2);
    assert_eq!(args[0].name, None);
    assert_eq!(args[0].value.as_name(), Some("epd"));
    assert_eq!(args[1].name.as_ref().unwrap().name, "by");
    assert_eq!(args[1].span(), Span::new(14, 20));
    assert_eq!(lhs.span, Span::new(0, 21));
    assert_eq!(e.span, Span::new(0, 36));
}

#[test]
fn parenthesised_spans_include_the_parentheses() {
    let e = p("not (status(x) == a)");
    let ExprKind::Not(inner) = &e.kind else {
        panic!()
    };
    assert_eq!(inner.span, Span::new(4, 20));
    assert_eq!(e.span, Span::new(0, 20));
}

#[test]
fn none_is_a_level_or_a_function() {
    assert_eq!(p("progress(x) == none").to_string(), "progress(x) == none");
    let e = p("none(linked(x), stalled)");
    assert!(matches!(&e.kind, ExprKind::Call { func, .. } if func.name == "none"));
    let e = p("progress(x) in [none, limited]");
    let ExprKind::In { list, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(list.node[0].kind, ExprKind::Level(Level::None));
    assert_eq!(list.span, Span::new(15, 30));
}

#[test]
fn dates_and_dotted_names() {
    let e = p("after(2026-01-01) and met(epd_gt.c_uk_beef)");
    assert_eq!(e.to_string(), "after(2026-01-01) and met(epd_gt.c_uk_beef)");
    let ExprKind::And(items) = &e.kind else {
        panic!()
    };
    let ExprKind::Call { args, .. } = &items[0].kind else {
        panic!()
    };
    assert_eq!(
        args[0].value.kind,
        ExprKind::Date(jiff::civil::date(2026, 1, 1))
    );
}

#[test]
fn canonical_printing() {
    for (src, printed) in [
        (
            "progress( epd ,by:uk )>=substantial",
            "progress(epd, by: uk) >= substantial",
        ),
        (
            "status(steel) in [stalled,on_hold,]",
            "status(steel) in [stalled, on_hold]",
        ),
        (
            "status(steel) not in[stalled]",
            "status(steel) not in [stalled]",
        ),
        ("((a))", "a"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a or b) or c", "(a or b) or c"),
        ("a or (b or c)", "a or (b or c)"),
        ("not (a == b)", "not (a == b)"),
        ("not a == b", "not (a == b)"),
        ("not (not a)", "not not a"),
        ("not (a and b)", "not (a and b)"),
        ("(a == b) == c", "(a == b) == c"),
        ("f(a or b, by: (c))", "f(a or b, by: c)"),
        (
            "all(linked(tpd),status in[stalled , suspended])",
            "all(linked(tpd), status in [stalled, suspended])",
        ),
        ("true and false", "true and false"),
        ("f()", "f()"),
        ("x in []", "x in []"),
    ] {
        assert_eq!(canonical(src), printed, "{src}");
        assert_eq!(p(printed), p(src), "{src}");
    }
}

#[test]
fn keywords_are_not_names() {
    let errors = parse("operative(and)").unwrap_err();
    assert_eq!(errors[0].message, "expected an expression, found `and`");
    // A keyword may be a segment of a dotted name.
    assert_eq!(canonical("met(epd.none)"), "met(epd.none)");
}

#[test]
fn the_tree_serializes() {
    let json = serde_json::to_value(p("not operative(epd)")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "kind": {"not": {
                "kind": {"call": {
                    "func": {"name": "operative", "span": {"start": 4, "end": 13}},
                    "args": [{"name": null, "value": {"kind": {"name": "epd"}, "span": {"start": 14, "end": 17}}}]
                }},
                "span": {"start": 4, "end": 18}
            }},
            "span": {"start": 0, "end": 18}
        })
    );
}
