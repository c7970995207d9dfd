//! Evaluation: Kleene truth tables, functions, quantifiers and traces.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use accord_lang::{Function, Level, Span, Trace, Truth, evaluate, parse, references};
use common::World;

const T: Truth = Truth::True;
const F: Truth = Truth::False;
const U: Truth = Truth::Unknown;
const ALL: [Truth; 3] = [T, F, U];

fn eval(src: &str, world: &World) -> Truth {
    evaluate(&parse(src).unwrap(), world).value
}

/// `operative(a)` and `operative(b)` evaluate to `a` and `b`.
fn world2(a: Truth, b: Truth) -> World {
    World::new().operative("a", a).operative("b", b)
}

#[test]
fn not_truth_table() {
    for (a, expected) in [(T, F), (F, T), (U, U)] {
        assert_eq!(eval("not operative(a)", &world2(a, U)), expected, "not {a}");
    }
}

#[test]
fn and_truth_table() {
    #[rustfmt::skip]
    let table = [
        (T, T, T), (T, F, F), (T, U, U),
        (F, T, F), (F, F, F), (F, U, F),
        (U, T, U), (U, F, F), (U, U, U),
    ];
    for (a, b, expected) in table {
        assert_eq!(
            eval("operative(a) and operative(b)", &world2(a, b)),
            expected,
            "{a} and {b}"
        );
    }
}

#[test]
fn or_truth_table() {
    #[rustfmt::skip]
    let table = [
        (T, T, T), (T, F, T), (T, U, T),
        (F, T, T), (F, F, F), (F, U, U),
        (U, T, T), (U, F, U), (U, U, U),
    ];
    for (a, b, expected) in table {
        assert_eq!(
            eval("operative(a) or operative(b)", &world2(a, b)),
            expected,
            "{a} or {b}"
        );
    }
}

#[test]
fn truth_methods_match_the_tables() {
    for a in ALL {
        for b in ALL {
            assert_eq!(a.and(b), b.and(a));
            assert_eq!(a.or(b), b.or(a));
            // De Morgan holds in Kleene logic.
            assert_eq!(!(a.and(b)), (!a).or(!b));
        }
        assert_eq!(!!a, a);
    }
    assert_eq!(Truth::from(true), T);
    assert_eq!(U.to_bool(), None);
}

#[test]
fn chains_of_and_or() {
    let w = World::new()
        .operative("a", T)
        .operative("b", U)
        .operative("c", F);
    assert_eq!(
        eval("operative(a) and operative(b) and operative(a)", &w),
        U
    );
    assert_eq!(
        eval("operative(a) and operative(b) and operative(c)", &w),
        F
    );
    assert_eq!(eval("operative(c) or operative(b) or operative(c)", &w), U);
    assert_eq!(eval("operative(c) or operative(b) or operative(a)", &w), T);
    // `and` binds tighter than `or`; `not` tighter than `and`.
    assert_eq!(eval("operative(a) or operative(c) and operative(c)", &w), T);
    assert_eq!(eval("not operative(c) and operative(a)", &w), T);
    assert_eq!(eval("true and not false", &w), T);
}

#[test]
fn levels_compare_in_order() {
    let w = World::new()
        .progress("epd", Some("uk"), Level::Limited)
        .progress("epd", None, Level::Substantial);
    assert_eq!(eval("progress(epd, by: uk) >= substantial", &w), F);
    assert_eq!(eval("progress(epd, by: uk) >= limited", &w), T);
    assert_eq!(eval("progress(epd, by: uk) > none", &w), T);
    assert_eq!(eval("progress(epd, by: uk) < substantial", &w), T);
    assert_eq!(eval("progress(epd, by: uk) <= none", &w), F);
    assert_eq!(eval("progress(epd, by: uk) == limited", &w), T);
    assert_eq!(eval("progress(epd, by: uk) != limited", &w), F);
    assert_eq!(eval("progress(epd) >= substantial", &w), T);
    assert_eq!(eval("substantial <= progress(epd)", &w), T);
    assert_eq!(eval("progress(epd) > progress(epd, by: uk)", &w), T);
    assert_eq!(eval("progress(epd, by: uk) in [limited, complete]", &w), T);
    assert_eq!(
        eval("progress(epd, by: uk) not in [limited, complete]", &w),
        F
    );
    // No evidence: unknown, whatever the operator.
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        assert_eq!(
            eval(&format!("progress(epd, by: us) {op} limited"), &w),
            U,
            "{op}"
        );
    }
    assert_eq!(eval("progress(tpd) in [limited]", &w), U);
    assert_eq!(eval("progress(tpd) not in [limited]", &w), U);
}

#[test]
fn statuses_compare_by_name() {
    let w = World::new().status("steel", "on_hold");
    assert_eq!(eval("status(steel) == on_hold", &w), T);
    assert_eq!(eval("status(steel) != on_hold", &w), F);
    assert_eq!(eval("on_hold == status(steel)", &w), T);
    assert_eq!(eval("status(steel) in [stalled, on_hold]", &w), T);
    assert_eq!(eval("status(steel) in [stalled]", &w), F);
    assert_eq!(eval("status(steel) in []", &w), F);
    assert_eq!(eval("status(steel) not in [stalled]", &w), T);
    assert_eq!(eval("status(steel) == status(steel)", &w), T);
    // No evidence about `tpd`.
    assert_eq!(eval("status(tpd) == active", &w), U);
    assert_eq!(eval("status(tpd) != active", &w), U);
    assert_eq!(eval("status(tpd) in [active]", &w), U);
    assert_eq!(eval("status(tpd) not in [active]", &w), U);
    // `in` is the `or` of `==` over the list: nothing is in the empty list.
    assert_eq!(eval("status(tpd) in []", &w), F);
    assert_eq!(eval("status(tpd) not in []", &w), T);
    assert_eq!(eval("status(steel) == status(tpd)", &w), U);
}

#[test]
fn conditions_compare_with_kleene_equality() {
    for a in ALL {
        for b in ALL {
            let expected = match (a.to_bool(), b.to_bool()) {
                (Some(x), Some(y)) => Truth::from(x == y),
                _ => U,
            };
            assert_eq!(
                eval("operative(a) == operative(b)", &world2(a, b)),
                expected
            );
            assert_eq!(
                eval("operative(a) != operative(b)", &world2(a, b)),
                !expected
            );
        }
    }
}

#[test]
fn dates_are_relative_to_the_as_of_date() {
    let w = World::new().on(jiff::civil::date(2026, 1, 1));
    assert_eq!(eval("after(2025-12-31)", &w), T);
    assert_eq!(eval("after(2026-01-01)", &w), F);
    assert_eq!(eval("before(2026-01-02)", &w), T);
    assert_eq!(eval("before(2026-01-01)", &w), F);
    assert_eq!(eval("since(2026-01-01)", &w), T);
    assert_eq!(eval("since(2026-01-02)", &w), F);
}

#[test]
fn quantifiers_over_empty_sets() {
    let w = World::new();
    assert_eq!(eval("all(linked(tpd), stalled)", &w), T);
    assert_eq!(eval("any(linked(tpd), stalled)", &w), F);
    assert_eq!(eval("none(linked(tpd), stalled)", &w), T);
}

#[test]
fn quantifiers_follow_kleene_logic() {
    // One member per truth value; the predicate is `met`.
    for members in [
        vec![T, T],
        vec![T, F],
        vec![T, U],
        vec![F, U],
        vec![U, U],
        vec![F, F],
        vec![U],
    ] {
        let names: Vec<String> = (0..members.len()).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut w = World::new().commitments("epd", Some("uk"), &refs);
        for (n, t) in names.iter().zip(&members) {
            w = w.met(n, *t);
        }
        let all = members.iter().fold(T, |acc, t| acc.and(*t));
        let any = members.iter().fold(F, |acc, t| acc.or(*t));
        assert_eq!(
            eval("all(commitments(epd, by: uk), met)", &w),
            all,
            "{members:?}"
        );
        assert_eq!(
            eval("any(commitments(epd, by: uk), met)", &w),
            any,
            "{members:?}"
        );
        assert_eq!(
            eval("none(commitments(epd, by: uk), met)", &w),
            !any,
            "{members:?}"
        );
    }
}

#[test]
fn predicates_read_the_member() {
    let w = World::new()
        .linked("tpd", &["epd", "steel", "dst_dispute"])
        .status("epd", "active")
        .status("steel", "stalled")
        .progress("epd", None, Level::Substantial)
        .progress("steel", None, Level::Limited)
        .progress("dst_dispute", None, Level::Complete);
    assert_eq!(eval("any(linked(tpd), stalled)", &w), T);
    assert_eq!(
        eval("any(linked(tpd), status in [stalled, suspended])", &w),
        T
    );
    assert_eq!(eval("any(linked(tpd), status == suspended)", &w), U);
    assert_eq!(eval("all(linked(tpd), status != suspended)", &w), U);
    assert_eq!(eval("all(linked(tpd), progress >= limited)", &w), T);
    assert_eq!(eval("all(linked(tpd), progress >= substantial)", &w), F);
    assert_eq!(
        eval("all(linked(tpd), progress > none and not suspended)", &w),
        U
    );
    assert_eq!(eval("none(linked(tpd), progress == none)", &w), T);
    // Nested quantifiers each read their own member.
    let w = w.members("pkg", &["tpd"]);
    assert_eq!(eval("all(members(pkg), any(linked(tpd), stalled))", &w), T);
}

#[test]
fn operative_and_met_pass_through() {
    for t in ALL {
        let w = World::new().operative("epd", t).met("epd_gt.c_uk_beef", t);
        assert_eq!(eval("operative(epd)", &w), t);
        assert_eq!(eval("met(epd_gt.c_uk_beef)", &w), t);
    }
}

#[test]
fn the_trace_explains_each_step() {
    let w = World::new()
        .progress("epd", Some("uk"), Level::Limited)
        .commitments("epd", Some("uk"), &["epd.c_beef", "epd.c_dst"])
        .met("epd.c_beef", T)
        .met("epd.c_dst", F);
    let expr = parse("progress(epd, by: uk) >= substantial or all(commitments(epd, by: uk), met)")
        .unwrap();
    let result = evaluate(&expr, &w);
    assert_eq!(result.value, F);
    let leaf = |text: &str, value: &str| Trace {
        text: text.to_string(),
        value: value.to_string(),
        children: vec![],
    };
    let expected = Trace {
        text: "progress(epd, by: uk) >= substantial or all(commitments(epd, by: uk), met)".into(),
        value: "false".into(),
        children: vec![
            Trace {
                text: "progress(epd, by: uk) >= substantial".into(),
                value: "false".into(),
                children: vec![leaf("progress(epd, by: uk)", "limited")],
            },
            Trace {
                text: "all(commitments(epd, by: uk), met)".into(),
                value: "false".into(),
                children: vec![
                    leaf("commitments(epd, by: uk)", "[epd.c_beef, epd.c_dst]"),
                    leaf("met(epd.c_beef)", "true"),
                    leaf("met(epd.c_dst)", "false"),
                ],
            },
        ],
    };
    assert_eq!(result.trace, expected);
}

#[test]
fn the_trace_names_members_and_missing_evidence() {
    let w = World::new()
        .linked("tpd", &["epd", "steel"])
        .status("steel", "stalled");
    let result = evaluate(&parse("any(linked(tpd), stalled)").unwrap(), &w);
    assert_eq!(result.value, T);
    let members: Vec<(&str, &str)> = result.trace.children[1..]
        .iter()
        .map(|t| (t.text.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(
        members,
        [
            ("status(epd) == stalled", "unknown"),
            ("status(steel) == stalled", "true")
        ]
    );
    assert_eq!(result.trace.children[1].children[0].value, "unknown");
    assert_eq!(result.trace.children[2].children[0].value, "stalled");
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["value"], "true");
    assert_eq!(json["trace"]["children"][0]["value"], "[epd, steel]");
}

#[test]
fn ill_typed_parts_evaluate_to_unknown() {
    let w = World::new().status("steel", "stalled").operative("epd", T);
    for src in [
        "status(steel)",
        "status(steel) >= stalled",
        "foo(epd)",
        "epd",
        "all(epd, stalled)",
        "after(epd)",
        "status(steel) in [limited]",
        "linked(tpd) == linked(tpd)",
        "progress(epd) == active",
    ] {
        assert_eq!(eval(src, &w), U, "{src}");
    }
    // The well-typed part still counts.
    assert_eq!(eval("operative(epd) or foo(epd)", &w), T);
}

type Summary<'a> = (
    &'a str,
    Function,
    Option<&'a str>,
    Option<Function>,
    Vec<Function>,
);

#[test]
fn references_list_items_with_their_function() {
    let expr = parse(
        "progress(epd, by: uk) >= substantial and not (status(dst_dispute) == active) \
         and any(linked(tpd), status in [stalled]) and met(epd_gt.c_uk_beef) and after(2026-01-01)",
    )
    .unwrap();
    let refs = references(&expr);
    let summary: Vec<Summary> = refs
        .iter()
        .map(|r| {
            (
                r.item.as_str(),
                r.function,
                r.by.as_deref(),
                r.quantifier,
                r.member_functions.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("epd", Function::Progress, Some("uk"), None, vec![]),
            ("dst_dispute", Function::Status, None, None, vec![]),
            (
                "tpd",
                Function::Linked,
                None,
                Some(Function::Any),
                vec![Function::Status]
            ),
            ("epd_gt.c_uk_beef", Function::Met, None, None, vec![]),
        ]
    );
    assert_eq!(refs[0].span, Span::new(9, 12));
    let expr = parse("all(commitments(epd), met or progress >= limited and stalled)").unwrap();
    assert_eq!(
        references(&expr)[0].member_functions,
        vec![Function::Status, Function::Progress, Function::Met]
    );
}
