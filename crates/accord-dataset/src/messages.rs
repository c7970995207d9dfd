//! What the reader says: deserialisation errors, TOML and JSON syntax errors turned into
//! diagnostics in the user's terms (the field, what was expected, what to do), never in
//! those of the implementation.

use std::ops::Range;

use accord_model::{FuzzyDate, Precision};

use crate::repair::{EntryCx, quoted_list};
use crate::tree::Step;
use crate::{Diag, SourceFile};

pub(crate) fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a party", "an instrument".
pub(crate) fn a(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

/// Fields that take an exact day; every other date field takes a fuzzy date.
pub(crate) const DAY_FIELDS: &[&str] = &[
    "published",
    "known",
    "announced",
    "signed",
    "in_force",
    "discontinued",
    "from",
    "to",
];

/// The singular name of what a nested table is, by the key that holds it.
pub(crate) fn holder_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "commitment" => "commitment",
        "section" => "section",
        "provision" => "provision",
        "role" => "role",
        "product" => "product",
        "discontinuation" => "discontinuation",
        "money" => "money",
        "quantity" => "quantity",
        "external_ids" => "external id",
        "progress" => "progress",
        "synonyms" => "synonyms",
        _ => return None,
    })
}

/// What a type in a serde message means to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    List,
    Table,
    Whole,
    Number,
    Bool,
    Date,
    Time,
    Amount,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::List => "a list",
            Kind::Table => "a table",
            Kind::Whole => "a whole number",
            Kind::Number => "a number",
            Kind::Bool => "`true` or `false`",
            Kind::Date => "a date",
            Kind::Time => "a time of day",
            Kind::Amount => "an exact amount",
            Kind::Other => "a value of another type",
        }
    }

    /// The plural, for the items of a list.
    fn plural(self) -> &'static str {
        match self {
            Kind::Str => "strings",
            Kind::List => "lists",
            Kind::Table => "tables",
            Kind::Whole => "whole numbers",
            Kind::Number => "numbers",
            Kind::Bool => "`true` or `false`",
            Kind::Date => "dates",
            Kind::Time => "times of day",
            Kind::Amount => "exact amounts",
            Kind::Other => "values of another type",
        }
    }

    /// What the deserialiser said it expected.
    fn expected(exp: &str) -> Kind {
        let first = exp.split_whitespace().next().unwrap_or("");
        match first {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
                Kind::Whole
            }
            "f32" | "f64" => Kind::Number,
            _ if exp.starts_with("a string") => Kind::Str,
            _ if exp.starts_with("a sequence") => Kind::List,
            _ if exp.starts_with("a boolean") => Kind::Bool,
            _ if exp.starts_with("struct") || exp.starts_with("a map") => Kind::Table,
            _ if exp.starts_with("a date") => Kind::Date,
            _ if exp.starts_with("an exact amount") => Kind::Amount,
            _ => Kind::Other,
        }
    }

    /// What the text of a value is.
    fn of_text(raw: &str) -> Kind {
        let b = raw.as_bytes();
        let digits = |r: Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        match b.first() {
            Some(b'"' | b'\'') => Kind::Str,
            Some(b'[') if raw.starts_with("[[") || !raw.ends_with(']') => Kind::Table,
            Some(b'[') => Kind::List,
            Some(b'{') => Kind::Table,
            Some(b't' | b'f') => Kind::Bool,
            _ if digits(0..4) && b.get(4) == Some(&b'-') => Kind::Date,
            _ if digits(0..2) && b.get(2) == Some(&b':') => Kind::Time,
            _ if raw.contains(['.', 'e', 'E']) || raw.contains("inf") || raw.contains("nan") => {
                Kind::Number
            }
            Some(_) => Kind::Whole,
            None => Kind::Other,
        }
    }
}

/// `field = value` in the file's own syntax.
pub(crate) fn assign(field: &str, value: &str, json: bool) -> String {
    if json {
        format!("`\"{field}\": {value}`")
    } else {
        format!("`{field} = {value}`")
    }
}

/// Turns a deserialisation error into a diagnostic: what is wrong with which field, and
/// what to do about it.
pub(crate) fn describe(
    cx: &EntryCx<'_, '_>,
    msg: &str,
    span: Range<usize>,
    path: Option<&[Step]>,
) -> Diag {
    let file = &cx.file.path;
    let raw = cx.file.text.get(span.clone()).unwrap_or("").trim();
    let path = path.unwrap_or(&[]);
    // The field: the last key of the path (for an item of a list, the list's key).
    let elem = matches!(path.last(), Some(Step::Index(_)));
    let field = path.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    // The table that holds the field, and whether that is the entry itself.
    let parent_key = path.iter().rev().skip(1).find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    let holder = parent_key.and_then(holder_name).unwrap_or(cx.what);
    let (name, options) = quoted_list(msg).unwrap_or(("", Vec::new()));
    let f = field.unwrap_or("this field");

    if msg.starts_with("unknown field ") {
        let help = match accord_lang::suggest(name, options.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if options.is_empty() => "remove this field".to_string(),
            None => format!("the fields of {} are {}", a(holder), list(&options)),
        };
        return Diag::error("D002", file, span, format!("unknown field `{name}`"))
            .label(format!("not a field of {}", a(holder)))
            .help(help);
    }
    if msg.starts_with("unknown variant ") {
        let message = match (field, holder) {
            (_, "synonyms") => format!("unknown status `{name}`"),
            (Some("kind"), h) => format!("unknown {h} kind `{name}`"),
            (Some("asserts"), _) => format!("unknown assertion `{name}`"),
            (Some("channel"), _) => format!("unknown channel `{name}`"),
            (Some("notice"), _) => format!("unknown notice form `{name}`"),
            (Some("mode"), _) => format!("unknown link mode `{name}`"),
            _ => format!("`{name}` is not a valid value for `{f}`"),
        };
        let help = match accord_lang::suggest(name, options.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("use one of {}", list(&options)),
        };
        return Diag::error("D003", file, span, message)
            .label("unknown value")
            .help(help);
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        let dup = rest.split('`').nth(1).unwrap_or(f);
        return Diag::error("D003", file, span, format!("`{dup}` is given twice"))
            .label("given again here")
            .help("keep one of them");
    }
    if msg.contains("is not a valid date") || msg.contains("is not a valid day") {
        return date_problem(cx, span, raw, f, msg);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let exp = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        let want = Kind::expected(exp);
        let got = if raw.is_empty() {
            Kind::Other
        } else {
            Kind::of_text(raw)
        };
        if field.is_none() && want == Kind::Table {
            return Diag::error("D003", file, span, format!("{} must be a table", a(holder)))
                .label(format!("{} here", got.name()))
                .help(format!(
                    "write each {holder} as a table, e.g. under a `[[…]]` header"
                ));
        }
        let inner = raw.trim_matches(['"', '\'']);
        let table_array = matches!(
            field,
            Some("role" | "section" | "provision" | "commitment" | "product")
        );
        let header = std::iter::once(cx.what)
            .chain(path.iter().filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            }))
            .collect::<Vec<_>>()
            .join(".");
        let help = match (want, got) {
            (Kind::List, _) if table_array && !cx.json => format!(
                "write each {f} as a table under its own `[[{header}]]` header; see docs/dataset-format.md"
            ),
            (Kind::List, Kind::Str) => {
                format!("write a list: {}", assign(f, &format!("[{raw}]"), cx.json))
            }
            (Kind::Whole | Kind::Number, Kind::Str) if inner.parse::<f64>().is_ok() => {
                format!("remove the quotes: {}", assign(f, inner, cx.json))
            }
            (Kind::Bool, Kind::Str) if inner == "true" || inner == "false" => {
                format!("remove the quotes: {}", assign(f, inner, cx.json))
            }
            (Kind::Bool, _) => format!(
                "write `true` or `false`, e.g. {}",
                assign(f, "true", cx.json)
            ),
            (Kind::Str, _)
                if elem && !raw.is_empty() && got != Kind::Table && got != Kind::List =>
            {
                format!("put each item in quotes: `\"{raw}\"`")
            }
            (Kind::Str, _) if !raw.is_empty() && got != Kind::Table && got != Kind::List => {
                format!(
                    "put the value in quotes: {}",
                    assign(f, &format!("\"{raw}\""), cx.json)
                )
            }
            (Kind::Number, _) => format!("write a number, e.g. {}", assign(f, "0.5", cx.json)),
            (Kind::Whole, _) => format!("write a whole number, e.g. {}", assign(f, "1", cx.json)),
            (Kind::Table, _) => format!("write `{f}` as a table: {}", assign(f, "{ … }", cx.json)),
            (Kind::List, _) => format!("write a list: {}", assign(f, "[…]", cx.json)),
            (Kind::Date, _) => format!("write a date, e.g. {}", assign(f, "2025-12-16", cx.json)),
            _ => format!("see docs/dataset-format.md for what `{f}` holds"),
        };
        return Diag::error(
            "D003",
            file,
            span,
            if elem {
                format!(
                    "the items of `{f}` must be {}, found {}",
                    want.plural(),
                    got.name()
                )
            } else {
                format!("`{f}` must be {}, found {}", want.name(), got.name())
            },
        )
        .label(format!("expected {}", want.name()))
        .help(help);
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let exp = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        let n = rest.split('`').nth(1).unwrap_or(raw);
        let max = match exp {
            "u8" => Some(u64::from(u8::MAX)),
            "u16" => Some(u64::from(u16::MAX)),
            "u32" => Some(u64::from(u32::MAX)),
            _ => None,
        };
        if n.starts_with('-') && max.is_some() {
            return Diag::error("D003", file, span, format!("`{f}` cannot be negative"))
                .label("negative")
                .help("write a whole number, 0 or more");
        }
        let help = match (field, max) {
            (Some("m49"), _) => {
                "a UN M49 country code has at most three digits, e.g. `826` for the United Kingdom"
                    .to_string()
            }
            (_, Some(m)) => format!("the largest `{f}` allowed is {m}"),
            _ => format!("see docs/dataset-format.md for what `{f}` holds"),
        };
        return Diag::error(
            "D003",
            file,
            span,
            format!("`{n}` is out of range for `{f}`"),
        )
        .label("out of range")
        .help(help);
    }
    if msg.contains("is a floating-point number") {
        let m = msg.split_once("; ").map_or(msg, |(m, _)| m);
        return Diag::error("D003", file, span, m.to_string())
            .label("not exact")
            .help(format!(
                "write the amount as a string: {}",
                assign(f, &format!("\"{raw}\""), cx.json)
            ));
    }
    if msg.contains("is not a decimal number") {
        let m = msg.split_once("; ").map_or(msg, |(m, _)| m);
        return Diag::error("D003", file, span, m.to_string())
            .label("not a number")
            .help(format!(
                "write digits with an optional `.`, e.g. {}",
                assign(f, "\"1.5\"", cx.json)
            ));
    }
    // The model's own messages: "…; expected …" or "…; write …".
    let (m, h) = match msg.split_once("; expected ") {
        Some((m, e)) => (m.to_string(), format!("expected {e}")),
        None => match msg.split_once("; write ") {
            Some((m, e)) => (m.to_string(), format!("write {e}")),
            None => (
                msg.to_string(),
                format!("see docs/dataset-format.md for what `{f}` holds"),
            ),
        },
    };
    Diag::error("D003", file, span, m)
        .label("invalid value")
        .help(h)
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub(crate) fn and_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match q.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => q.join(""),
    }
}

/// The required fields missing from one table of an entry.
pub(crate) fn missing_fields(
    cx: &EntryCx<'_, '_>,
    span: Range<usize>,
    table: &[Step],
    fields: &[String],
    id: Option<&str>,
) -> Diag {
    let raw = cx.file.text.get(span.clone()).unwrap_or("").trim();
    let parent = table.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    let holder = parent.and_then(holder_name).unwrap_or(cx.what);
    let names = and_list(fields);
    let message = match (id, parent, fields.len()) {
        (Some(id), None, 1) if !id.is_empty() => format!("{} `{id}` has no {names}", cx.what),
        (Some(id), None, _) if !id.is_empty() => format!("{} `{id}` is missing {names}", cx.what),
        (_, _, 1) => format!("{} has no {names}", a(holder)),
        _ => format!("{} is missing {names}", a(holder)),
    };
    let adds: Vec<String> = fields.iter().map(|f| assign(f, "…", cx.json)).collect();
    let adds = and_list(&adds).replace("``", "`");
    let help = if cx.json {
        format!("add {adds} to this line")
    } else if raw.starts_with('{') {
        format!("add {adds} inside the braces")
    } else {
        let what = if fields.len() == 1 {
            "it holds"
        } else {
            "each holds"
        };
        format!("add {adds} below this header; see docs/dataset-format.md for what {what}")
    };
    let label = if fields.len() == 1 {
        format!("{names} is required")
    } else {
        "these fields are required".to_string()
    };
    Diag::error("D003", &cx.file.path, span, message)
        .label(label)
        .help(help)
}

/// A date the model refused, said in terms of the field.
pub(crate) fn date_problem(
    cx: &EntryCx<'_, '_>,
    span: Range<usize>,
    raw: &str,
    field: &str,
    msg: &str,
) -> Diag {
    let file = &cx.file.path;
    let text = raw.trim_matches(['"', '\'']);
    let day_field = DAY_FIELDS.contains(&field);
    let quote = |v: &str| {
        if cx.json || raw.starts_with(['"', '\'']) {
            format!("\"{v}\"")
        } else {
            v.to_string()
        }
    };
    // A TOML datetime, or a string that looks like one.
    let date_part = text.get(..10).filter(|d| {
        d.len() == 10 && FuzzyDate::parse(d).is_ok_and(|x| x.precision == Precision::Day)
    });
    if let Some(day) = date_part
        && text.len() > 10
        && text[10..].starts_with(['T', 't', ' '])
    {
        return Diag::error(
            "D006",
            file,
            span,
            format!("`{text}` has a time of day, but `{field}` takes a date"),
        )
        .label("a date and time")
        .help(format!(
            "write the date alone: {}",
            assign(field, &quote(day), cx.json)
        ));
    }
    if text.contains(':') && !text.contains('-') {
        return Diag::error(
            "D006",
            file,
            span,
            format!("`{text}` is a time of day, not a date"),
        )
        .label("a time of day")
        .help(format!(
            "write the date as `YYYY-MM-DD`, e.g. {}",
            assign(field, &quote("2025-12-16"), cx.json)
        ));
    }
    if day_field
        && let Ok(d) = FuzzyDate::parse(text)
        && (d.precision != Precision::Day || d.approximate)
    {
        let what = if d.approximate {
            "an approximate date".to_string()
        } else if d.precision == Precision::Interval {
            "an interval".to_string()
        } else {
            format!("a {}", d.precision)
        };
        return Diag::error("D006", file, span, format!("`{field}` takes an exact day, but `{text}` is {what}"))
            .label("not an exact day")
            .help("write the day as `YYYY-MM-DD`; only `valid` and `due` take a month, quarter, year, interval or `~`");
    }
    let message = msg
        .split_once("; expected ")
        .map(|(m, _)| m)
        .unwrap_or(msg)
        .replace("is not a valid day", "is not a valid date");
    let help = if day_field {
        "write a day that exists, as `YYYY-MM-DD`, e.g. `2025-12-16`".to_string()
    } else {
        "write `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Qn` or `YYYY`, optionally with `~` or as `A/B`"
            .to_string()
    };
    Diag::error("D006", file, span, message)
        .label("bad date")
        .help(help)
}

/// A TOML syntax error as a diagnostic.
pub(crate) fn toml_syntax(file: &SourceFile, e: &toml::de::Error) -> Diag {
    let text = &file.text;
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().replace('\n', " ");
    let at = text.get(span.clone()).unwrap_or("");
    let line_start = text
        .get(..span.start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    if msg.starts_with("invalid date") || msg.starts_with("invalid time") {
        let why = accord_model::date::parse_day(at)
            .err()
            .map(|e| e.message)
            .unwrap_or_else(|| format!("`{at}` is not a valid date"));
        let why = why
            .split_once("; expected ")
            .map(|(m, _)| m.to_string())
            .unwrap_or(why);
        return Diag::error(
            "D006",
            &file.path,
            span,
            why.replace("is not a valid day", "is not a valid date"),
        )
        .label("not a valid date")
        .help("write a day that exists, as `YYYY-MM-DD`, e.g. `2025-12-16`");
    }
    if (msg.starts_with("invalid basic string") || msg.starts_with("invalid literal string"))
        && msg.contains("expected `")
    {
        // Underline the string from its opening quote to the end of the line.
        let line = text.get(line_start..span.start).unwrap_or("");
        let open = line
            .find('=')
            .and_then(|eq| line[eq..].find(['"', '\'']).map(|q| line_start + eq + q))
            .unwrap_or(span.start);
        let quote = if msg.starts_with("invalid basic") {
            "\""
        } else {
            "'"
        };
        return Diag::error(
            "D001",
            &file.path,
            open..span.start,
            "TOML syntax: unterminated string".to_string(),
        )
        .label("the string is not closed")
        .help(format!("add the closing `{quote}` at the end of the value"));
    }
    if msg.starts_with("duplicate key") {
        let key = at.trim();
        return Diag::error("D001", &file.path, span, format!("TOML syntax: duplicate key `{key}`"))
            .label("given again here")
            .help("a key may appear once per table; remove one, or start a new entry with its own `[[…]]` header");
    }
    if msg.starts_with("string values must be quoted") {
        let word = at.trim();
        return Diag::error(
            "D001",
            &file.path,
            span,
            format!("TOML syntax: `{word}` is not quoted"),
        )
        .label("text must be quoted")
        .help(format!("put the text in quotes: `\"{word}\"`"));
    }
    if msg.starts_with("key with no value") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: a key with no value".to_string(),
        )
        .label("expected `=` and a value")
        .help("write `key = value`");
    }
    if msg.starts_with("unclosed array table") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: unclosed `[[` header".to_string(),
        )
        .label("expected `]]`")
        .help("close the header with `]]`, e.g. `[[party]]`");
    }
    if msg.starts_with("unclosed table") {
        return Diag::error(
            "D001",
            &file.path,
            span,
            "TOML syntax: unclosed `[` header".to_string(),
        )
        .label("expected `]`")
        .help("close the header with `]`");
    }
    if msg.starts_with("unexpected key or value") && msg.contains("expected newline") {
        let line_end = text
            .get(span.start..)
            .and_then(|s| s.find('\n'))
            .map_or(text.len(), |n| span.start + n);
        let end = line_end.max(span.start);
        return Diag::error("D001", &file.path, span.start..end, "TOML syntax: more text after the value".to_string())
            .label("expected the end of the line")
            .help("write one `key = value` per line; several values go in a list, e.g. `aliases = [\"UK\", \"Britain\"]`");
    }
    Diag::error("D001", &file.path, span, format!("TOML syntax: {msg}"))
        .label("invalid TOML")
        .help("see https://toml.io for how to write TOML")
}

/// The diagnostic for a `[` or `{` that is never closed: underlined from the bracket to the
/// end of its line.
pub(crate) fn unclosed_bracket(file: &SourceFile, open: Range<usize>) -> Diag {
    let text = &file.text;
    let end = text
        .get(open.start..)
        .and_then(|s| s.find('\n'))
        .map_or(text.len(), |n| open.start + n);
    let (bracket, close, what) = if text.get(open.start..).is_some_and(|t| t.starts_with('{')) {
        ("{", "}", "inline table")
    } else {
        ("[", "]", "list")
    };
    Diag::error(
        "D001",
        &file.path,
        open.start..end,
        format!("TOML syntax: unclosed `{bracket}`"),
    )
    .label(format!("this {what} is never closed"))
    .help(format!(
        "add the missing `{close}` after the last item; until then the rest of the file is read as part of it"
    ))
}

/// A JSON syntax error on one line of a `.jsonl` file as a diagnostic.
pub(crate) fn json_syntax(file: &SourceFile, line: Range<usize>, e: &serde_json::Error) -> Diag {
    let body = file.text.get(line.clone()).unwrap_or("");
    let col = e.column().saturating_sub(1).min(body.len());
    let at = line.start + col;
    let msg = e.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(msg);
    let d = |span: Range<usize>, m: &str, label: &str, help: &str| {
        Diag::error("D001", &file.path, span, format!("JSON syntax: {m}"))
            .label(label.to_string())
            .help(help.to_string())
    };
    if e.is_eof() {
        return d(
            line.end..line.end,
            "the line ends before the claim is complete",
            "the line ends here",
            "each line of a `.jsonl` file holds one whole JSON object; close every `\"`, `[` and `{` on the same line",
        );
    }
    if msg.starts_with("trailing comma") {
        let comma = body
            .get(..col)
            .and_then(|s| s.rfind(','))
            .map_or(at, |c| line.start + c);
        return d(
            comma..comma + 1,
            "trailing comma",
            "remove this comma",
            "JSON allows no comma before `}` or `]`",
        );
    }
    if msg.starts_with("trailing characters") {
        return d(
            at..line.end,
            "text after the end of the object",
            "unexpected text",
            "each line of a `.jsonl` file holds exactly one JSON object",
        );
    }
    if msg.starts_with("key must be a string") {
        return d(
            at..at + 1,
            "a key is not a string",
            "expected `\"`",
            "write keys in double quotes, e.g. `\"id\"`",
        );
    }
    if msg.starts_with("expected value") {
        let end = body
            .get(col..)
            .and_then(|s| s.find([',', '}', ']']))
            .map_or(at + 1, |n| at + n.max(1));
        return d(
            at..end,
            "expected a value",
            "not a JSON value",
            "write text in double quotes; JSON values are strings, numbers, `true`, `false`, `null`, lists and objects",
        );
    }
    if msg.starts_with("expected `,` or `}`") {
        return d(
            at..at + 1,
            "expected `,` or `}`",
            "expected `,` before this",
            "separate the fields of the object with `,` and end it with `}`",
        );
    }
    if msg.starts_with("expected `:`") {
        return d(
            at..at + 1,
            "expected `:`",
            "expected `:` after the key",
            "write each field as `\"key\": value`",
        );
    }
    let m = msg.replace("EOF", "end of line");
    d(
        at..at + 1,
        &m,
        "invalid JSON",
        "each line of a `.jsonl` file must be one JSON object holding one claim",
    )
}
