//! Every diagnostic, asserted exactly: code, message, span, label and help.

mod common;

use accord_lang::{
    Diagnostic, MAX_DEPTH, MAX_ERRORS, MAX_LEN, Span, check, parse, parse_and_check, render,
};

/// The diagnostics for `src`: its parse errors, or else its check errors
/// against the fixture dataset. Asserts how many there are.
#[track_caller]
fn diags(src: &str, count: usize) -> (&str, Vec<Diagnostic>) {
    let found = match parse(src) {
        Ok(expr) => check(&expr, &common::Fixture),
        Err(errors) => errors,
    };
    assert_eq!(found.len(), count, "{src}: {found:#?}");
    (src, found)
}

/// Asserts one diagnostic; the span is given by its start and the text it covers.
#[track_caller]
fn is(
    src: &str,
    d: &Diagnostic,
    code: &str,
    message: &str,
    (start, text): (usize, &str),
    label: &str,
    help: Option<&str>,
) {
    assert_eq!(d.code, code, "{d:#?}");
    assert_eq!(d.message, message);
    assert_eq!(d.span, Span::new(start, start + text.len()), "{d:#?}");
    assert_eq!(&src[d.span.start..d.span.end], text);
    assert_eq!(d.label, label);
    assert_eq!(d.help.as_deref(), help);
}

#[test]
fn l001_unexpected_character() {
    let (src, d) = diags("status(steel) == stalled @ true", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected character `@`",
        (25, "@"),
        "not part of the condition language",
        None,
    );
}

#[test]
fn l001_control_character() {
    let (src, d) = diags("operative(epd)\u{7}", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected character `\\u{7}`",
        (14, "\u{7}"),
        "not part of the condition language",
        None,
    );
}

#[test]
fn l001_hyphen_in_name() {
    let (src, d) = diags("status(steel) in [stalled, on-hold]", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected character `-`",
        (29, "-"),
        "not part of the condition language",
        Some("names join words with `_`, not `-`: write `on_hold`, not `on-hold`"),
    );
}

#[test]
fn l001_quoted_name() {
    let (src, d) = diags("status(steel) == \"stalled\"", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected quoted text `\"stalled\"`",
        (17, "\"stalled\""),
        "not part of the condition language",
        Some("names are written without quotes: write `stalled`"),
    );
}

#[test]
fn l001_quoted_text() {
    let (src, d) = diags("status(steel) == 'on hold'", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected quoted text `'on hold'`",
        (17, "'on hold'"),
        "not part of the condition language",
        Some("names, statuses and dates are written without quotes"),
    );
}

#[test]
fn l001_unmatched_quote() {
    let (src, d) = diags("status(steel) == \"stalled", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected character `\"`",
        (17, "\""),
        "not part of the condition language",
        Some("names, statuses and dates are written without quotes"),
    );
}

#[test]
fn l001_leading_dot() {
    let (src, d) = diags(".epd == active", 1);
    is(
        src,
        &d[0],
        "L001",
        "unexpected character `.`",
        (0, "."),
        "not part of the condition language",
        Some("a `.` joins the segments of a name, as in `epd_gt.c_uk_beef`"),
    );
}

#[test]
fn l002_uppercase_name() {
    let (src, d) = diags("Progress(epd) >= substantial", 1);
    is(
        src,
        &d[0],
        "L002",
        "invalid name `Progress`",
        (0, "Progress"),
        "contains uppercase letters",
        Some("names are lowercase: write `progress`"),
    );
}

#[test]
fn l002_uppercase_keyword() {
    let (src, d) = diags("operative(epd) AND true", 1);
    is(
        src,
        &d[0],
        "L002",
        "invalid name `AND`",
        (15, "AND"),
        "contains uppercase letters",
        Some("names are lowercase: write `and`"),
    );
}

#[test]
fn l003_no_such_month() {
    let (src, d) = diags("after(2026-13-01)", 1);
    is(
        src,
        &d[0],
        "L003",
        "invalid date `2026-13-01`",
        (6, "2026-13-01"),
        "there is no month 13",
        None,
    );
}

#[test]
fn l003_no_such_day() {
    let (src, d) = diags("before(2025-02-29)", 1);
    is(
        src,
        &d[0],
        "L003",
        "invalid date `2025-02-29`",
        (7, "2025-02-29"),
        "February 2025 has 28 days",
        None,
    );
}

#[test]
fn l003_leap_day_is_fine_but_31_april_is_not() {
    let (src, d) = diags("since(2024-04-31)", 1);
    is(
        src,
        &d[0],
        "L003",
        "invalid date `2024-04-31`",
        (6, "2024-04-31"),
        "April 2024 has 30 days",
        None,
    );
}

#[test]
fn l003_malformed_date() {
    let (src, d) = diags("after(2025-1-01)", 1);
    is(
        src,
        &d[0],
        "L003",
        "invalid date `2025-1-01`",
        (6, "2025-1-01"),
        "expected `YYYY-MM-DD`",
        Some(
            "dates are written `YYYY-MM-DD`, e.g. `2026-01-01`; levels are `none`, `limited`, `substantial` and `complete`",
        ),
    );
}

#[test]
fn l003_number() {
    let (src, d) = diags("progress(epd) >= 2", 1);
    is(
        src,
        &d[0],
        "L003",
        "unexpected number `2`",
        (17, "2"),
        "numbers are not part of conditions",
        Some(
            "dates are written `YYYY-MM-DD`, e.g. `2026-01-01`; levels are `none`, `limited`, `substantial` and `complete`",
        ),
    );
}

#[test]
fn l004_missing_operand() {
    let (src, d) = diags("progress(epd, by: uk) >=", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected an expression, found end of condition",
        (24, ""),
        "expected an expression",
        None,
    );
}

#[test]
fn l004_missing_operand_before_and() {
    let (src, d) = diags("status(steel) == and true", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected an expression, found `and`",
        (17, "and"),
        "expected an expression",
        None,
    );
}

#[test]
fn l004_leading_operator() {
    let (src, d) = diags("and operative(epd)", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected an expression, found `and`",
        (0, "and"),
        "expected an expression",
        None,
    );
}

#[test]
fn l004_list_separator() {
    let (src, d) = diags("status(steel) in [stalled on_hold]", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected `,` or `]`, found `on_hold`",
        (26, "on_hold"),
        "expected `,` or `]`",
        None,
    );
}

#[test]
fn l004_argument_separator() {
    let (src, d) = diags("progress(epd uk) >= limited", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected `,` or `)`, found `uk`",
        (13, "uk"),
        "expected `,` or `)`",
        None,
    );
}

#[test]
fn l004_paren_separator() {
    let (src, d) = diags("(operative(epd) operative(tpd)) or true", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected `)`, found `operative`",
        (16, "operative"),
        "expected `)`",
        None,
    );
}

#[test]
fn l004_in_needs_a_list() {
    let (src, d) = diags("status(steel) in stalled", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected `[` after `in`, found `stalled`",
        (17, "stalled"),
        "expected `[` after `in`",
        Some("`in` takes a list, e.g. `status(steel) in [stalled, on_hold]`"),
    );
}

#[test]
fn l004_not_an_expression() {
    let (src, d) = diags("[stalled]", 1);
    is(
        src,
        &d[0],
        "L004",
        "expected an expression, found `[`",
        (0, "["),
        "expected an expression",
        None,
    );
}

#[test]
fn l005_unclosed_call() {
    let (src, d) = diags("all(commitments(epd, by: uk), met", 1);
    is(
        src,
        &d[0],
        "L005",
        "unclosed `(`",
        (3, "("),
        "opened here and never closed",
        Some("add the missing `)`"),
    );
}

#[test]
fn l005_unclosed_paren() {
    let (src, d) = diags("(operative(epd) or true", 1);
    is(
        src,
        &d[0],
        "L005",
        "unclosed `(`",
        (0, "("),
        "opened here and never closed",
        Some("add the missing `)`"),
    );
}

#[test]
fn l005_unclosed_list() {
    let (src, d) = diags("status(steel) in [stalled, on_hold", 1);
    is(
        src,
        &d[0],
        "L005",
        "unclosed `[`",
        (17, "["),
        "opened here and never closed",
        Some("add the missing `]`"),
    );
}

#[test]
fn l006_chained_comparison() {
    let (src, d) = diags("limited < progress(epd) < complete", 1);
    is(
        src,
        &d[0],
        "L006",
        "comparisons cannot be chained",
        (24, "<"),
        "a second comparison",
        Some("compare two values at a time and join the comparisons with `and`"),
    );
}

#[test]
fn l006_chained_in() {
    let (src, d) = diags("status(steel) in [stalled] == true", 1);
    is(
        src,
        &d[0],
        "L006",
        "comparisons cannot be chained",
        (27, "=="),
        "a second comparison",
        Some("compare two values at a time and join the comparisons with `and`"),
    );
}

#[test]
fn l007_single_equals() {
    let (src, d) = diags("status(tpd) = active", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `=`",
        (12, "="),
        "not an operator in conditions",
        Some("use `==` to compare"),
    );
}

#[test]
fn l007_double_ampersand() {
    let (src, d) = diags("operative(epd) && true", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `&&`",
        (15, "&&"),
        "not an operator in conditions",
        Some("write `and`"),
    );
}

#[test]
fn l007_single_ampersand() {
    let (src, d) = diags("operative(epd) & true", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `&`",
        (15, "&"),
        "not an operator in conditions",
        Some("write `and`"),
    );
}

#[test]
fn l007_double_bar() {
    let (src, d) = diags("operative(epd) || true", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `||`",
        (15, "||"),
        "not an operator in conditions",
        Some("write `or`"),
    );
}

#[test]
fn l007_single_bar() {
    let (src, d) = diags("operative(epd) | true", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `|`",
        (15, "|"),
        "not an operator in conditions",
        Some("write `or`"),
    );
}

#[test]
fn l007_bang() {
    let (src, d) = diags("!operative(epd)", 1);
    is(
        src,
        &d[0],
        "L007",
        "unknown operator `!`",
        (0, "!"),
        "not an operator in conditions",
        Some("write `not`"),
    );
}

#[test]
fn l008_trailing_dot() {
    let (src, d) = diags("met(epd_gt.)", 1);
    is(
        src,
        &d[0],
        "L008",
        "invalid name `epd_gt.`",
        (4, "epd_gt."),
        "every `.` must sit between two segments",
        Some("names are segments joined by `.`, as in `epd_gt.c_uk_beef`"),
    );
}

#[test]
fn l008_double_dot() {
    let (src, d) = diags("met(epd_gt..c_uk_beef)", 1);
    is(
        src,
        &d[0],
        "L008",
        "invalid name `epd_gt..c_uk_beef`",
        (4, "epd_gt..c_uk_beef"),
        "every `.` must sit between two segments",
        Some("names are segments joined by `.`, as in `epd_gt.c_uk_beef`"),
    );
}

#[test]
fn l008_digit_segment() {
    let (src, d) = diags("met(epd_gt.1)", 1);
    is(
        src,
        &d[0],
        "L008",
        "invalid name `epd_gt.1`",
        (4, "epd_gt.1"),
        "each segment must start with a letter",
        Some(
            "names are segments of lowercase letters, digits and `_`, each starting with a letter",
        ),
    );
}

#[test]
fn l008_underscore_start() {
    let (src, d) = diags("operative(_epd)", 1);
    is(
        src,
        &d[0],
        "L008",
        "invalid name `_epd`",
        (10, "_epd"),
        "each segment must start with a letter",
        Some(
            "names are segments of lowercase letters, digits and `_`, each starting with a letter",
        ),
    );
}

#[test]
fn l011_trailing_paren() {
    let (src, d) = diags("operative(epd))", 1);
    is(
        src,
        &d[0],
        "L011",
        "unexpected `)` after the end of the condition",
        (14, ")"),
        "expected the condition to end here",
        Some("this `)` has no matching `(`"),
    );
}

#[test]
fn l011_trailing_bracket() {
    let (src, d) = diags("operative(epd)]", 1);
    is(
        src,
        &d[0],
        "L011",
        "unexpected `]` after the end of the condition",
        (14, "]"),
        "expected the condition to end here",
        Some("this `]` has no matching `[`"),
    );
}

#[test]
fn l011_trailing_name() {
    let (src, d) = diags("operative(epd) operative(tpd)", 1);
    is(
        src,
        &d[0],
        "L011",
        "unexpected `operative` after the end of the condition",
        (15, "operative"),
        "expected the condition to end here",
        Some("join conditions with `and` or `or`"),
    );
}

#[test]
fn l012_empty() {
    let (src, d) = diags("", 1);
    is(
        src,
        &d[0],
        "L012",
        "empty condition",
        (0, ""),
        "expected a condition",
        Some("write a condition such as `operative(epd)`, or `true` for one that always holds"),
    );
}

#[test]
fn l012_blank() {
    let (src, d) = diags("\t  ", 1);
    is(
        src,
        &d[0],
        "L012",
        "empty condition",
        (0, "\t  "),
        "expected a condition",
        Some("write a condition such as `operative(epd)`, or `true` for one that always holds"),
    );
}

#[test]
fn l101_unknown_function() {
    let (src, d) = diags("progres(epd) >= substantial", 1);
    is(
        src,
        &d[0],
        "L101",
        "unknown function `progres`",
        (0, "progres"),
        "not a function of the condition language",
        Some("did you mean `progress`?"),
    );
}

#[test]
fn l101_unknown_function_lists_the_functions() {
    let (src, d) = diags("xyzzy(epd)", 1);
    is(
        src,
        &d[0],
        "L101",
        "unknown function `xyzzy`",
        (0, "xyzzy"),
        "not a function of the condition language",
        Some(
            "the functions are `status`, `progress`, `operative`, `met`, `commitments`, `linked`, `members`, `all`, `any`, `none`, `after`, `before` and `since`",
        ),
    );
}

#[test]
fn l102_too_many_arguments() {
    let (src, d) = diags("status(steel, tpd) == stalled", 1);
    is(
        src,
        &d[0],
        "L102",
        "`status` takes 1 argument, found 2 arguments",
        (14, "tpd"),
        "unexpected argument",
        Some("`status` is called as `status(item)`"),
    );
}

#[test]
fn l102_too_few_arguments() {
    let (src, d) = diags("all(linked(epd))", 1);
    is(
        src,
        &d[0],
        "L102",
        "`all` takes 2 arguments, found 1 argument",
        (0, "all(linked(epd))"),
        "expected 2 arguments",
        Some("`all` is called as `all(set, predicate)`"),
    );
}

#[test]
fn l102_no_arguments() {
    let (src, d) = diags("operative()", 1);
    is(
        src,
        &d[0],
        "L102",
        "`operative` takes 1 argument, found none",
        (0, "operative()"),
        "expected 1 argument",
        Some("`operative` is called as `operative(item)`"),
    );
}

#[test]
fn l102_party_given_by_position() {
    let (src, d) = diags("progress(epd, uk) >= limited", 1);
    is(
        src,
        &d[0],
        "L102",
        "`progress` takes 1 argument, found 2 arguments",
        (14, "uk"),
        "unexpected argument",
        Some("name the party: `by: uk`"),
    );
}

#[test]
fn l103_unknown_named_argument() {
    let (src, d) = diags("status(steel, by: uk) == stalled", 1);
    is(
        src,
        &d[0],
        "L103",
        "`status` has no argument named `by`",
        (14, "by"),
        "unknown argument name",
        Some("`status` takes no named arguments; it is called as `status(item)`"),
    );
}

#[test]
fn l103_misspelt_by() {
    let (src, d) = diags("progress(epd, byy: uk) >= limited", 1);
    is(
        src,
        &d[0],
        "L103",
        "`progress` has no argument named `byy`",
        (14, "byy"),
        "unknown argument name",
        Some("did you mean `by`?"),
    );
}

#[test]
fn l103_other_name() {
    let (src, d) = diags("all(commitments(epd, to: uk), met)", 1);
    is(
        src,
        &d[0],
        "L103",
        "`commitments` has no argument named `to`",
        (21, "to"),
        "unknown argument name",
        Some("`commitments` takes only `by:`"),
    );
}

#[test]
fn l104_duplicate_by() {
    let (src, d) = diags("progress(epd, by: uk, by: us) >= limited", 1);
    is(
        src,
        &d[0],
        "L104",
        "argument `by` is given more than once",
        (22, "by"),
        "given again here",
        Some("give each argument once"),
    );
}

#[test]
fn l105_item_is_a_set() {
    let (src, d) = diags("status(linked(tpd)) == stalled", 1);
    is(
        src,
        &d[0],
        "L105",
        "`status` needs the name of an item, found a set of items",
        (7, "linked(tpd)"),
        "not the name of an item",
        Some("to test every item of a set, use `all`, `any` or `none`"),
    );
}

#[test]
fn l105_item_is_a_level() {
    let (src, d) = diags("operative(substantial)", 1);
    is(
        src,
        &d[0],
        "L105",
        "`operative` needs the name of an item, found the level `substantial`",
        (10, "substantial"),
        "not the name of an item",
        None,
    );
}

#[test]
fn l105_date_is_a_name() {
    let (src, d) = diags("after(epd)", 1);
    is(
        src,
        &d[0],
        "L105",
        "`after` needs a date, found `epd`",
        (6, "epd"),
        "not a date",
        Some("dates are written `YYYY-MM-DD`, e.g. `2026-01-01`"),
    );
}

#[test]
fn l105_party_is_a_level() {
    let (src, d) = diags("progress(epd, by: substantial) >= limited", 1);
    is(
        src,
        &d[0],
        "L105",
        "`by` needs the name of a party, found the level `substantial`",
        (18, "substantial"),
        "not the name of a party",
        None,
    );
}

#[test]
fn l106_condition_is_a_level() {
    let (src, d) = diags("progress(epd, by: uk)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found a level",
        (0, "progress(epd, by: uk)"),
        "not a condition",
        Some("compare it with a level, e.g. `progress(epd) >= substantial`"),
    );
}

#[test]
fn l106_condition_is_a_status() {
    let (src, d) = diags("status(steel)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found a status",
        (0, "status(steel)"),
        "not a condition",
        Some("compare it with a status, e.g. `status(steel) == stalled`"),
    );
}

#[test]
fn l106_condition_is_a_set() {
    let (src, d) = diags("linked(tpd)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found a set of items",
        (0, "linked(tpd)"),
        "not a condition",
        Some("test its members with `all`, `any` or `none`, e.g. `all(commitments(epd), met)`"),
    );
}

#[test]
fn l106_condition_is_a_date() {
    let (src, d) = diags("2026-01-01", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found the date `2026-01-01`",
        (0, "2026-01-01"),
        "not a condition",
        Some("test the date with `after(…)`, `before(…)` or `since(…)`"),
    );
}

#[test]
fn l106_set_is_an_item() {
    let (src, d) = diags("all(epd, met)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a set of items, found the item `epd`",
        (4, "epd"),
        "not a set of items",
        Some("make a set with `members(epd)`, `commitments(epd)` or `linked(epd)`"),
    );
}

#[test]
fn l106_set_is_an_unknown_name() {
    let (src, d) = diags("any(epdd, stalled)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a set of items, found `epdd`",
        (4, "epdd"),
        "not a set of items",
        Some("make a set with `members(epdd)`, `commitments(epdd)` or `linked(epdd)`"),
    );
}

#[test]
fn l106_set_is_a_date() {
    let (src, d) = diags("any(2026-01-01, stalled)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a set of items, found the date `2026-01-01`",
        (4, "2026-01-01"),
        "not a set of items",
        Some("make a set with `members(…)`, `commitments(…)` or `linked(…)`"),
    );
}

#[test]
fn l106_level_expected() {
    let (src, d) = diags("progress(epd) >= active", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a level, found `active`",
        (17, "active"),
        "not a level",
        Some("the levels are `none`, `limited`, `substantial` and `complete`"),
    );
}

#[test]
fn l106_level_misspelt() {
    let (src, d) = diags("progress(epd) >= substantail", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a level, found `substantail`",
        (17, "substantail"),
        "not a level",
        Some("did you mean `substantial`?"),
    );
}

#[test]
fn l106_level_list() {
    let (src, d) = diags("progress(epd) in [limited, active]", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a level, found `active`",
        (27, "active"),
        "not a level",
        Some("the levels are `none`, `limited`, `substantial` and `complete`"),
    );
}

#[test]
fn l106_level_list_non_name() {
    let (src, d) = diags("progress(epd) in [limited, status(steel)]", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a level, found a status",
        (27, "status(steel)"),
        "not a level",
        Some("the levels are `none`, `limited`, `substantial` and `complete`"),
    );
}

#[test]
fn l106_status_list() {
    let (src, d) = diags("status(steel) in [stalled, limited]", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a status name, found the level `limited`",
        (27, "limited"),
        "not a status name",
        Some("a status list holds status names, e.g. `[stalled, on_hold]`"),
    );
}

#[test]
fn l106_bare_status_in_predicate() {
    let (src, d) = diags("all(linked(tpd), status)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found a status",
        (17, "status"),
        "not a condition",
        Some("compare it, e.g. `status == stalled` or `status in [stalled, on_hold]`"),
    );
}

#[test]
fn l106_bare_progress_in_predicate() {
    let (src, d) = diags("all(linked(tpd), progress)", 1);
    is(
        src,
        &d[0],
        "L106",
        "expected a condition, found a level",
        (17, "progress"),
        "not a condition",
        Some("compare it, e.g. `progress >= substantial`"),
    );
}

#[test]
fn l107_status_with_level() {
    let (src, d) = diags("status(steel) >= substantial", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare a status with the level `substantial`",
        (0, "status(steel) >= substantial"),
        "these cannot be compared",
        Some(
            "compare a status with status names and a level with levels, e.g. `status(steel) == stalled`, `progress(epd) >= substantial`",
        ),
    );
}

#[test]
fn l107_statuses_ordered() {
    let (src, d) = diags("status(steel) < stalled", 1);
    is(
        src,
        &d[0],
        "L107",
        "statuses cannot be ordered with `<`",
        (14, "<"),
        "statuses have no order",
        Some("use `==`, `!=`, `in` or `not in` to compare statuses"),
    );
}

#[test]
fn l107_conditions_ordered() {
    let (src, d) = diags("operative(epd) < true", 1);
    is(
        src,
        &d[0],
        "L107",
        "conditions cannot be ordered with `<`",
        (15, "<"),
        "conditions have no order",
        Some("use `==` or `!=`, or combine conditions with `and`, `or` and `not`"),
    );
}

#[test]
fn l107_two_names() {
    let (src, d) = diags("stalled == active", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare `stalled` with `active`",
        (0, "stalled == active"),
        "neither side is a value",
        Some("compare a value such as `status(item)` or `progress(item)` with a status or a level"),
    );
}

#[test]
fn l107_name_and_condition() {
    let (src, d) = diags("stalled == true", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare `stalled` with `true`",
        (0, "stalled == true"),
        "these cannot be compared",
        Some("compare a value such as `status(item)` or `progress(item)` with a status or a level"),
    );
}

#[test]
fn l107_condition_and_name() {
    let (src, d) = diags("true == stalled", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare `true` with `stalled`",
        (0, "true == stalled"),
        "these cannot be compared",
        Some("compare a value such as `status(item)` or `progress(item)` with a status or a level"),
    );
}

#[test]
fn l107_sets() {
    let (src, d) = diags("linked(tpd) == linked(epd)", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare a set of items with a set of items",
        (0, "linked(tpd) == linked(epd)"),
        "these cannot be compared",
        Some("test the members of a set with `all`, `any` or `none`"),
    );
}

#[test]
fn l107_dates() {
    let (src, d) = diags("after(2026-01-01) == 2026-01-01", 1);
    is(
        src,
        &d[0],
        "L107",
        "cannot compare a condition with the date `2026-01-01`",
        (0, "after(2026-01-01) == 2026-01-01"),
        "these cannot be compared",
        Some("test dates with `after(…)`, `before(…)` or `since(…)`"),
    );
}

#[test]
fn l107_in_needs_status_or_level() {
    let (src, d) = diags("stalled in [stalled]", 1);
    is(
        src,
        &d[0],
        "L107",
        "`in` needs a status or a level on its left, found `stalled`",
        (0, "stalled"),
        "not a status or a level",
        Some(
            "e.g. `status(steel) in [stalled, on_hold]` or `progress(epd) in [limited, substantial]`",
        ),
    );
}

#[test]
fn l107_in_on_a_condition() {
    let (src, d) = diags("operative(epd) in [stalled]", 1);
    is(
        src,
        &d[0],
        "L107",
        "`in` needs a status or a level on its left, found a condition",
        (0, "operative(epd)"),
        "not a status or a level",
        Some(
            "e.g. `status(steel) in [stalled, on_hold]` or `progress(epd) in [limited, substantial]`",
        ),
    );
}

#[test]
fn l110_item_as_condition() {
    let (src, d) = diags("epd and operative(tpd)", 1);
    is(
        src,
        &d[0],
        "L110",
        "`epd` is not a condition",
        (0, "epd"),
        "an item, not a condition",
        Some("did you mean `operative(epd)`?"),
    );
}

#[test]
fn l110_status_as_condition() {
    let (src, d) = diags("stalled", 1);
    is(
        src,
        &d[0],
        "L110",
        "`stalled` is not a condition",
        (0, "stalled"),
        "a status name, not a condition",
        Some(
            "compare a status with it, e.g. `status(item) == stalled`; a bare status name is a condition only inside `all`, `any` or `none`",
        ),
    );
}

#[test]
fn l110_unknown_name_as_condition() {
    let (src, d) = diags("foo or true", 1);
    is(
        src,
        &d[0],
        "L110",
        "`foo` is not a condition",
        (0, "foo"),
        "not a condition",
        Some("a condition is a call such as `operative(item)`, a comparison, `true` or `false`"),
    );
}

#[test]
fn l111_status_outside_quantifier() {
    let (src, d) = diags("status in [stalled, suspended]", 1);
    is(
        src,
        &d[0],
        "L111",
        "`status` needs an item",
        (0, "status"),
        "no item to apply `status` to",
        Some(
            "write `status(item)`; a bare `status` stands for each member only inside `all`, `any` or `none`",
        ),
    );
}

#[test]
fn l111_progress_outside_quantifier() {
    let (src, d) = diags("progress >= limited", 1);
    is(
        src,
        &d[0],
        "L111",
        "`progress` needs an item",
        (0, "progress"),
        "no item to apply `progress` to",
        Some(
            "write `progress(item)`; a bare `progress` stands for each member only inside `all`, `any` or `none`",
        ),
    );
}

#[test]
fn l111_met_outside_quantifier() {
    let (src, d) = diags("met", 1);
    is(
        src,
        &d[0],
        "L111",
        "`met` needs a commitment",
        (0, "met"),
        "no commitment to apply `met` to",
        Some(
            "write `met(commitment)`; a bare `met` stands for each member only inside `all`, `any` or `none`",
        ),
    );
}

#[test]
fn l111_status_compared_with_name() {
    let (src, d) = diags("active == status", 1);
    is(
        src,
        &d[0],
        "L111",
        "`status` needs an item",
        (10, "status"),
        "no item to apply `status` to",
        Some(
            "write `status(item)`; a bare `status` stands for each member only inside `all`, `any` or `none`",
        ),
    );
}

#[test]
fn l120_unknown_item() {
    let (src, d) = diags("progress(epdd, by: uk) >= substantial", 1);
    is(
        src,
        &d[0],
        "L120",
        "unknown item `epdd`",
        (9, "epdd"),
        "not an item in the dataset",
        Some("did you mean `epd`?"),
    );
}

#[test]
fn l120_unknown_item_lists_a_few_items() {
    let (src, d) = diags("operative(pharma)", 1);
    is(
        src,
        &d[0],
        "L120",
        "unknown item `pharma`",
        (10, "pharma"),
        "not an item in the dataset",
        Some(
            "the items are `epd`, `epd_gt`, `epd_gt.c_uk_beef`, `epd_gt.c_uk_ethanol`, `epd_gt.c_us_autos`, `tpd`, `steel`, `dst_dispute`, `tech_pkg` and `msft_pledge`",
        ),
    );
}

#[test]
fn l121_met_on_instrument() {
    let (src, d) = diags("met(epd)", 1);
    is(
        src,
        &d[0],
        "L121",
        "`met` needs a commitment, but `epd` is an instrument",
        (4, "epd"),
        "not a commitment",
        Some("to require all of its commitments, write `all(commitments(epd), met)`"),
    );
}

#[test]
fn l121_met_on_pledge() {
    let (src, d) = diags("met(msft_pledge)", 1);
    is(
        src,
        &d[0],
        "L121",
        "`met` needs a commitment, but `msft_pledge` is a pledge",
        (4, "msft_pledge"),
        "not a commitment",
        Some("`met` applies to commitments only"),
    );
}

#[test]
fn l122_unknown_party() {
    let (src, d) = diags("progress(epd, by: ukk) >= substantial", 1);
    is(
        src,
        &d[0],
        "L122",
        "unknown party `ukk`",
        (18, "ukk"),
        "not a party in the dataset",
        Some("did you mean `uk`?"),
    );
}

#[test]
fn l122_unknown_party_lists_a_few_parties() {
    let (src, d) = diags("all(commitments(epd, by: france), met)", 1);
    is(
        src,
        &d[0],
        "L122",
        "unknown party `france`",
        (25, "france"),
        "not a party in the dataset",
        Some("the parties are `uk`, `us` and `microsoft`"),
    );
}

#[test]
fn l123_unknown_status() {
    let (src, d) = diags("status(steel) == stalld", 1);
    is(
        src,
        &d[0],
        "L123",
        "unknown status `stalld`",
        (17, "stalld"),
        "not a status",
        Some("did you mean `stalled`?"),
    );
}

#[test]
fn l123_unknown_status_in_list() {
    let (src, d) = diags("status(steel) in [stalled, onhold]", 1);
    is(
        src,
        &d[0],
        "L123",
        "unknown status `onhold`",
        (27, "onhold"),
        "not a status",
        Some("did you mean `on_hold`?"),
    );
}

#[test]
fn l123_unknown_status_in_predicate() {
    let (src, d) = diags("any(linked(tpd), suspnded)", 1);
    is(
        src,
        &d[0],
        "L123",
        "unknown status `suspnded`",
        (17, "suspnded"),
        "not a status",
        Some("did you mean `suspended`?"),
    );
}

#[test]
fn l123_unknown_status_lists_a_few_statuses() {
    let (src, d) = diags("status(steel) != pending", 1);
    is(
        src,
        &d[0],
        "L123",
        "unknown status `pending`",
        (17, "pending"),
        "not a status",
        Some(
            "the statuses are `proposed`, `active`, `agreed`, `in_force`, `stalled`, `on_hold`, `suspended`, `discontinued` and `fulfilled`",
        ),
    );
}

#[test]
fn several_parse_errors() {
    let (src, d) = diags(
        "status(steel) == , and progress(epd) >= and after(2026-13-01)",
        3,
    );
    is(
        src,
        &d[0],
        "L004",
        "expected an expression, found `,`",
        (17, ","),
        "expected an expression",
        None,
    );
    is(
        src,
        &d[1],
        "L004",
        "expected an expression, found `and`",
        (40, "and"),
        "expected an expression",
        None,
    );
    is(
        src,
        &d[2],
        "L003",
        "invalid date `2026-13-01`",
        (50, "2026-13-01"),
        "there is no month 13",
        None,
    );
}

#[test]
fn several_check_errors() {
    let (src, d) = diags(
        "operative(tdp) and any(linked(tpd), stalld) or before(epd)",
        3,
    );
    is(
        src,
        &d[0],
        "L120",
        "unknown item `tdp`",
        (10, "tdp"),
        "not an item in the dataset",
        Some("did you mean `tpd`?"),
    );
    is(
        src,
        &d[1],
        "L123",
        "unknown status `stalld`",
        (36, "stalld"),
        "not a status",
        Some("did you mean `stalled`?"),
    );
    is(
        src,
        &d[2],
        "L105",
        "`before` needs a date, found `epd`",
        (54, "epd"),
        "not a date",
        Some("dates are written `YYYY-MM-DD`, e.g. `2026-01-01`"),
    );
}

#[test]
fn l009_too_long() {
    let src = format!("operative(epd) or {}true", "true or ".repeat(600));
    let (src, d) = diags(&src, 1);
    is(
        src,
        &d[0],
        "L009",
        &format!(
            "condition is too long: {} bytes (the limit is 4096 bytes)",
            src.len()
        ),
        (MAX_LEN, &src[MAX_LEN..]),
        "the limit is passed here",
        Some("split it into shorter conditions on separate items"),
    );
}

#[test]
fn l009_limit_is_on_a_char_boundary() {
    // `é` is two bytes and straddles the limit: the span starts before it.
    let src = format!("{}é", " ".repeat(MAX_LEN - 1));
    let (_, d) = diags(&src, 1);
    assert_eq!(d[0].span, Span::new(MAX_LEN - 1, MAX_LEN + 1));
}

#[test]
fn l010_too_deep() {
    let src = format!(
        "{}true{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let (src, d) = diags(&src, 1);
    is(
        src,
        &d[0],
        "L010",
        "condition nests too deeply (the limit is 64 levels)",
        (MAX_DEPTH, "("),
        "level 65 starts here",
        Some(
            "each `not`, parenthesis, call and list adds a level; remove redundant parentheses or split the condition",
        ),
    );
}

#[test]
fn l010_counts_not_calls_and_lists() {
    let src = format!("{}true", "not ".repeat(MAX_DEPTH + 1));
    let (src, d) = diags(&src, 1);
    is(
        src,
        &d[0],
        "L010",
        "condition nests too deeply (the limit is 64 levels)",
        (4 * MAX_DEPTH, "not"),
        "level 65 starts here",
        Some(
            "each `not`, parenthesis, call and list adds a level; remove redundant parentheses or split the condition",
        ),
    );
    let src = format!(
        "{}true{}",
        "all(x, ".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(parse(&src).unwrap_err()[0].code, "L010");
    let src = format!(
        "{}stalled{}",
        "x in [".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(parse(&src).unwrap_err()[0].code, "L010");
}

#[test]
fn errors_are_capped() {
    let src = "@ ".repeat(100);
    let errors = parse(&src).unwrap_err();
    assert_eq!(errors.len(), MAX_ERRORS);
    assert!(errors.iter().all(|d| d.code == "L001"));
}

#[test]
fn errors_come_in_source_order() {
    let src = "status(steel) = stalled && Epd";
    let codes: Vec<&str> = parse(src).unwrap_err().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["L007", "L007", "L002"]);
}

#[test]
fn parse_and_check_returns_either() {
    let ok = parse_and_check("operative(epd)", &common::Fixture).unwrap();
    assert_eq!(ok.to_string(), "operative(epd)");
    let parse_error = parse_and_check("operative(epd", &common::Fixture).unwrap_err();
    assert_eq!(parse_error[0].code, "L005");
    let check_error = parse_and_check("operative(epdd)", &common::Fixture).unwrap_err();
    assert_eq!(check_error[0].code, "L120");
}

#[test]
fn every_example_of_the_brief_checks() {
    for src in [
        "progress(epd, by: uk) >= substantial",
        "status(steel) in [stalled, on_hold]",
        "all(commitments(epd, by: uk), met)",
        "any(linked(tpd), stalled)",
        "any(linked(tpd), status in [stalled, suspended])",
        "after(2026-01-01)",
        "before(2025-12-31)",
        "since(2025-05-08)",
        "operative(epd_gt) and not (status(dst_dispute) == active)",
        "met(epd_gt.c_uk_beef)",
        "true or false",
        "none(members(tech_pkg), suspended)",
        "progress(epd) == none",
        "status(steel) not in [active, in_force]",
        "all(linked(tpd), progress >= limited and not stalled)",
    ] {
        let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {e:#?}"));
        assert_eq!(check(&expr, &common::Fixture), vec![], "{src}");
    }
}

#[test]
fn diagnostics_serialize_to_json() {
    let (_, d) = diags("operative(epdd)", 1);
    let json = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "code": "L120",
            "message": "unknown item `epdd`",
            "span": {"start": 10, "end": 14},
            "label": "not an item in the dataset",
            "help": "did you mean `epd`?"
        })
    );
}

#[test]
fn rendering_with_a_base_offset() {
    let file = "[instrument.tpd]\nactivation = \"progress(epd, by: ukk) >= substantial\"\n";
    let start = file.find("progress").unwrap();
    let condition = &file[start..file.rfind('"').unwrap()];
    let d = parse_and_check(condition, &common::Fixture).unwrap_err();
    assert_eq!(
        render(&d[0], "us-uk.toml", file, start),
        "error[L122]: unknown party `ukk`\n --> us-uk.toml:2:33\n  |\n2 | activation = \"progress(epd, by: ukk) >= substantial\"\n  |                                 ^^^ not a party in the dataset\n  = help: did you mean `uk`?\n"
    );
}
