//! The checker: types, names and arities, against the dataset's items, parties and statuses.

use serde::{Deserialize, Serialize};

use crate::ast::{Arg, CmpOp, Expr, ExprKind, Function, Ident};
use crate::diagnostic::{Diagnostic, did_you_mean, did_you_mean_or_list};
use crate::level::Level;
use crate::span::{Span, Spanned};

/// What kind of thing an item id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// An agreement, memorandum, arrangement or other instrument.
    Instrument,
    /// A commitment inside an instrument, with an obligor.
    Commitment,
    /// A negotiation track.
    Track,
    /// A package of linked items.
    Package,
    /// An investment pledge.
    Pledge,
    /// Anything else that has a status.
    Other,
}

impl ItemKind {
    /// The kind with its article, as messages write it: "an instrument".
    pub const fn with_article(self) -> &'static str {
        match self {
            ItemKind::Instrument => "an instrument",
            ItemKind::Commitment => "a commitment",
            ItemKind::Track => "a track",
            ItemKind::Package => "a package",
            ItemKind::Pledge => "a pledge",
            ItemKind::Other => "an item",
        }
    }
}

/// What the checker needs to know about the dataset.
pub trait Resolver {
    /// The kind of item `id`, or `None` when there is no such item.
    fn item_kind(&self, id: &str) -> Option<ItemKind>;
    /// Every item id (used for "did you mean" suggestions).
    fn item_ids(&self) -> Vec<String>;
    /// Whether there is a party `id`.
    fn party_exists(&self, id: &str) -> bool;
    /// Every party id (used for suggestions).
    fn party_ids(&self) -> Vec<String>;
    /// Whether `name` is a canonical status name.
    fn is_status(&self, name: &str) -> bool;
    /// Every canonical status name (used for suggestions).
    fn status_names(&self) -> Vec<String>;
}

/// The types of the language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Bool,
    Level,
    Status,
    Set,
    Date,
}

impl Ty {
    fn with_article(self) -> &'static str {
        match self {
            Ty::Bool => "a condition",
            Ty::Level => "a level",
            Ty::Status => "a status",
            Ty::Set => "a set of items",
            Ty::Date => "a date",
        }
    }
}

/// What a parameter of a built-in function accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    /// Any item name.
    Item,
    /// The name of a commitment.
    Commitment,
    /// A set-valued expression.
    Set,
    /// A predicate over each member of the set.
    Predicate,
    /// A date literal.
    Date,
}

pub(crate) struct Signature {
    pub params: &'static [Param],
    /// Whether `by: PARTY` is accepted.
    pub by: bool,
    pub returns: Ty,
    /// How a call is written, for help lines.
    pub usage: &'static str,
}

pub(crate) fn signature(f: Function) -> Signature {
    use Param as P;
    let (params, by, returns, usage): (&'static [Param], bool, Ty, &'static str) = match f {
        Function::Status => (&[P::Item], false, Ty::Status, "status(item)"),
        Function::Progress => (&[P::Item], true, Ty::Level, "progress(item, by: party)"),
        Function::Operative => (&[P::Item], false, Ty::Bool, "operative(item)"),
        Function::Met => (&[P::Commitment], false, Ty::Bool, "met(commitment)"),
        Function::Commitments => (&[P::Item], true, Ty::Set, "commitments(item, by: party)"),
        Function::Linked => (&[P::Item], false, Ty::Set, "linked(item)"),
        Function::Members => (&[P::Item], false, Ty::Set, "members(item)"),
        Function::All => (
            &[P::Set, P::Predicate],
            false,
            Ty::Bool,
            "all(set, predicate)",
        ),
        Function::Any => (
            &[P::Set, P::Predicate],
            false,
            Ty::Bool,
            "any(set, predicate)",
        ),
        Function::None => (
            &[P::Set, P::Predicate],
            false,
            Ty::Bool,
            "none(set, predicate)",
        ),
        Function::After => (&[P::Date], false, Ty::Bool, "after(date)"),
        Function::Before => (&[P::Date], false, Ty::Bool, "before(date)"),
        Function::Since => (&[P::Date], false, Ty::Bool, "since(date)"),
    };
    Signature {
        params,
        by,
        returns,
        usage,
    }
}

/// The words that stand for the current member inside a predicate.
pub(crate) const SUBJECTS: [&str; 3] = ["status", "progress", "met"];

/// Checks `expr` as a condition: it must be true-or-false, every function,
/// argument, item, party and status name must exist, and every operator must
/// fit its operands. Returns every error found (empty when the condition is
/// well formed), in the order of the condition.
pub fn check(expr: &Expr, resolver: &dyn Resolver) -> Vec<Diagnostic> {
    let mut checker = Checker {
        r: resolver,
        diags: Vec::new(),
    };
    checker.expect_bool(expr, false);
    checker.diags.sort_by_key(|d| d.span.start);
    checker.diags
}

fn plural(n: usize, word: &str) -> String {
    match n {
        0 => "none".to_string(),
        1 => format!("1 {word}"),
        n => format!("{n} {word}s"),
    }
}

/// A short description of `e` for "found …", without checking it.
fn describe(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(b) => format!("`{b}`"),
        ExprKind::Level(l) => format!("the level `{l}`"),
        ExprKind::Date(_) => format!("the date `{e}`"),
        ExprKind::Name(n) => format!("`{n}`"),
        ExprKind::Call { func, .. } => match Function::from_name(&func.name) {
            Some(f) => signature(f).returns.with_article().to_string(),
            None => format!("a call to `{}`", func.name),
        },
        ExprKind::Not(_)
        | ExprKind::And(_)
        | ExprKind::Or(_)
        | ExprKind::Compare { .. }
        | ExprKind::In { .. } => "a condition".to_string(),
    }
}

/// One side of a comparison: a typed value, or a bare name whose meaning
/// depends on the other side.
enum Operand<'e> {
    Ty(Ty, &'e Expr),
    Name(&'e str, Span),
}

struct Checker<'r> {
    r: &'r dyn Resolver,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// L106: `e` has the wrong type.
    fn mismatch(&mut self, expected: &str, e: &Expr, help: Option<String>) {
        self.push(
            Diagnostic::new(
                "L106",
                format!("expected {expected}, found {}", describe(e)),
                e.span,
                format!("not {expected}"),
            )
            .with_help_opt(help),
        );
    }

    /// `e` must be a condition; `member` is whether a quantifier's member is in scope.
    fn expect_bool(&mut self, e: &Expr, member: bool) {
        match &e.kind {
            ExprKind::Name(n) => self.bare_name_condition(e, n, member),
            _ => match self.ty(e, member) {
                Some(Ty::Bool) | None => {}
                Some(t) => {
                    let help = match t {
                        Ty::Level => "compare it with a level, e.g. `progress(epd) >= substantial`",
                        Ty::Status => "compare it with a status, e.g. `status(steel) == stalled`",
                        Ty::Set => {
                            "test its members with `all`, `any` or `none`, e.g. `all(commitments(epd), met)`"
                        }
                        Ty::Date => "test the date with `after(…)`, `before(…)` or `since(…)`",
                        Ty::Bool => "",
                    };
                    self.mismatch("a condition", e, Some(help.to_string()));
                }
            },
        }
    }

    /// A bare name where a condition is expected.
    fn bare_name_condition(&mut self, e: &Expr, n: &str, member: bool) {
        if member {
            match n {
                "met" => {}
                "status" | "progress" => {
                    let (t, help) = if n == "status" {
                        (
                            Ty::Status,
                            "compare it, e.g. `status == stalled` or `status in [stalled, on_hold]`",
                        )
                    } else {
                        (Ty::Level, "compare it, e.g. `progress >= substantial`")
                    };
                    self.push(
                        Diagnostic::new(
                            "L106",
                            format!("expected a condition, found {}", t.with_article()),
                            e.span,
                            "not a condition",
                        )
                        .with_help(help),
                    );
                }
                _ if self.r.is_status(n) => {}
                _ => {
                    let names = self.r.status_names();
                    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
                    names.push("met");
                    let help = did_you_mean_or_list(n, &names, "status", "statuses");
                    self.push(
                        Diagnostic::new(
                            "L123",
                            format!("unknown status `{n}`"),
                            e.span,
                            "not a status",
                        )
                        .with_help_opt(help),
                    );
                }
            }
            return;
        }
        if n == "status" || n == "progress" || n == "met" {
            self.subject_outside(n, e.span);
            return;
        }
        let (label, help) = if self.r.item_kind(n).is_some() {
            (
                "an item, not a condition",
                format!("did you mean `operative({n})`?"),
            )
        } else if self.r.is_status(n) {
            (
                "a status name, not a condition",
                format!(
                    "compare a status with it, e.g. `status(item) == {n}`; a bare status name is a condition only inside `all`, `any` or `none`"
                ),
            )
        } else {
            (
                "not a condition",
                "a condition is a call such as `operative(item)`, a comparison, `true` or `false`"
                    .to_string(),
            )
        };
        self.push(
            Diagnostic::new("L110", format!("`{n}` is not a condition"), e.span, label)
                .with_help(help),
        );
    }

    /// L111: `status`, `progress` or `met` without an item, outside a quantifier.
    fn subject_outside(&mut self, n: &str, span: Span) {
        let (arg, with_article) = if n == "met" {
            ("commitment", "a commitment")
        } else {
            ("item", "an item")
        };
        self.push(
            Diagnostic::new("L111", format!("`{n}` needs {with_article}"), span, format!("no {arg} to apply `{n}` to"))
                .with_help(format!(
                    "write `{n}({arg})`; a bare `{n}` stands for each member only inside `all`, `any` or `none`"
                )),
        );
    }

    /// The type of `e`, or `None` when an error was reported (or the type
    /// cannot be known, as for a bare name).
    fn ty(&mut self, e: &Expr, member: bool) -> Option<Ty> {
        match &e.kind {
            ExprKind::Bool(_) => Some(Ty::Bool),
            ExprKind::Level(_) => Some(Ty::Level),
            ExprKind::Date(_) => Some(Ty::Date),
            ExprKind::Name(n) => match self.subject(n, member) {
                Some(t) => Some(t),
                None => {
                    self.bare_name_condition(e, n, member);
                    None
                }
            },
            ExprKind::Call { func, args } => self.call(e, func, args, member),
            ExprKind::Not(inner) => {
                self.expect_bool(inner, member);
                Some(Ty::Bool)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                for item in items {
                    self.expect_bool(item, member);
                }
                Some(Ty::Bool)
            }
            ExprKind::Compare { op, lhs, rhs } => {
                self.compare(e, op, lhs, rhs, member);
                Some(Ty::Bool)
            }
            ExprKind::In { lhs, list, .. } => {
                self.in_list(lhs, list, member);
                Some(Ty::Bool)
            }
        }
    }

    /// The type of a bare subject word inside a predicate.
    fn subject(&self, n: &str, member: bool) -> Option<Ty> {
        if !member {
            return None;
        }
        match n {
            "status" => Some(Ty::Status),
            "progress" => Some(Ty::Level),
            "met" => Some(Ty::Bool),
            _ => None,
        }
    }

    fn operand<'e>(&mut self, e: &'e Expr, member: bool) -> Option<Operand<'e>> {
        if let ExprKind::Name(n) = &e.kind {
            return Some(match self.subject(n, member) {
                Some(t) => Operand::Ty(t, e),
                None => Operand::Name(n, e.span),
            });
        }
        self.ty(e, member).map(|t| Operand::Ty(t, e))
    }

    fn compare(&mut self, e: &Expr, op: &Spanned<CmpOp>, lhs: &Expr, rhs: &Expr, member: bool) {
        let (Some(l), Some(r)) = (self.operand(lhs, member), self.operand(rhs, member)) else {
            return;
        };
        // A bare `status` / `progress` / `met` outside a quantifier has no item.
        for operand in [&l, &r] {
            if let Operand::Name(n, span) = operand
                && !member
                && SUBJECTS.contains(n)
            {
                self.subject_outside(n, *span);
                return;
            }
        }
        let ordering = op.node.is_ordering();
        match (&l, &r) {
            (Operand::Ty(Ty::Level, _), Operand::Ty(Ty::Level, _)) => {}
            (Operand::Ty(Ty::Status, _), Operand::Ty(Ty::Status, _)) => {
                if ordering {
                    self.not_ordered(
                        op,
                        "statuses",
                        "use `==`, `!=`, `in` or `not in` to compare statuses",
                    );
                }
            }
            (Operand::Ty(Ty::Status, _), Operand::Name(n, span))
            | (Operand::Name(n, span), Operand::Ty(Ty::Status, _)) => {
                if ordering {
                    self.not_ordered(
                        op,
                        "statuses",
                        "use `==`, `!=`, `in` or `not in` to compare statuses",
                    );
                }
                self.status_name(n, *span);
            }
            (Operand::Ty(Ty::Level, _), Operand::Name(n, span))
            | (Operand::Name(n, span), Operand::Ty(Ty::Level, _)) => self.not_a_level(n, *span),
            (Operand::Ty(Ty::Bool, _), Operand::Ty(Ty::Bool, _)) => {
                if ordering {
                    self.not_ordered(
                        op,
                        "conditions",
                        "use `==` or `!=`, or combine conditions with `and`, `or` and `not`",
                    );
                }
            }
            (Operand::Name(a, _), Operand::Name(b, _)) => {
                self.push(
                    Diagnostic::new(
                        "L107",
                        format!("cannot compare `{a}` with `{b}`"),
                        e.span,
                        "neither side is a value",
                    )
                    .with_help("compare a value such as `status(item)` or `progress(item)` with a status or a level"),
                );
            }
            (Operand::Name(n, _), Operand::Ty(_, other)) => {
                self.cannot_compare(e, &format!("`{n}`"), &describe(other));
            }
            (Operand::Ty(_, other), Operand::Name(n, _)) => {
                self.cannot_compare(e, &describe(other), &format!("`{n}`"));
            }
            (Operand::Ty(a, ae), Operand::Ty(b, be)) => {
                let help = if *a == Ty::Date || *b == Ty::Date {
                    Some("test dates with `after(…)`, `before(…)` or `since(…)`")
                } else if *a == Ty::Set || *b == Ty::Set {
                    Some("test the members of a set with `all`, `any` or `none`")
                } else if (*a, *b) == (Ty::Status, Ty::Level) || (*a, *b) == (Ty::Level, Ty::Status)
                {
                    Some(
                        "compare a status with status names and a level with levels, e.g. `status(steel) == stalled`, `progress(epd) >= substantial`",
                    )
                } else {
                    None
                };
                self.push(
                    Diagnostic::new(
                        "L107",
                        format!("cannot compare {} with {}", describe(ae), describe(be)),
                        e.span,
                        "these cannot be compared",
                    )
                    .with_help_opt(help.map(str::to_string)),
                );
            }
        }
    }

    fn cannot_compare(&mut self, e: &Expr, a: &str, b: &str) {
        self.push(
            Diagnostic::new("L107", format!("cannot compare {a} with {b}"), e.span, "these cannot be compared")
                .with_help("compare a value such as `status(item)` or `progress(item)` with a status or a level"),
        );
    }

    fn not_ordered(&mut self, op: &Spanned<CmpOp>, what: &str, help: &str) {
        self.push(
            Diagnostic::new(
                "L107",
                format!("{what} cannot be ordered with `{}`", op.node),
                op.span,
                format!("{what} have no order"),
            )
            .with_help(help),
        );
    }

    /// L106: a name where a level is expected.
    fn not_a_level(&mut self, n: &str, span: Span) {
        let help = did_you_mean(n, Level::ALL.iter().map(|l| l.as_str())).unwrap_or_else(|| {
            "the levels are `none`, `limited`, `substantial` and `complete`".to_string()
        });
        self.push(
            Diagnostic::new(
                "L106",
                format!("expected a level, found `{n}`"),
                span,
                "not a level",
            )
            .with_help(help),
        );
    }

    /// L123 unless `n` is a status name.
    fn status_name(&mut self, n: &str, span: Span) {
        if self.r.is_status(n) {
            return;
        }
        let names = self.r.status_names();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let help = did_you_mean_or_list(n, &names, "status", "statuses");
        self.push(
            Diagnostic::new(
                "L123",
                format!("unknown status `{n}`"),
                span,
                "not a status",
            )
            .with_help_opt(help),
        );
    }

    fn in_list(&mut self, lhs: &Expr, list: &Spanned<Vec<Expr>>, member: bool) {
        let Some(l) = self.operand(lhs, member) else {
            // The left side is in error (already reported): the list's type is unknown.
            return;
        };
        match l {
            Operand::Ty(Ty::Status, _) => {
                for item in &list.node {
                    match &item.kind {
                        ExprKind::Name(n) => self.status_name(n, item.span),
                        _ => self.mismatch(
                            "a status name",
                            item,
                            Some(
                                "a status list holds status names, e.g. `[stalled, on_hold]`"
                                    .to_string(),
                            ),
                        ),
                    }
                }
            }
            Operand::Ty(Ty::Level, _) => {
                for item in &list.node {
                    match &item.kind {
                        ExprKind::Level(_) => {}
                        ExprKind::Name(n) => self.not_a_level(n, item.span),
                        _ => self.mismatch(
                            "a level",
                            item,
                            Some(
                                "the levels are `none`, `limited`, `substantial` and `complete`"
                                    .to_string(),
                            ),
                        ),
                    }
                }
            }
            Operand::Name(n, span) if !member && SUBJECTS.contains(&n) => {
                self.subject_outside(n, span)
            }
            Operand::Name(..) | Operand::Ty(..) => {
                self.push(
                    Diagnostic::new(
                        "L107",
                        format!("`in` needs a status or a level on its left, found {}", describe(lhs)),
                        lhs.span,
                        "not a status or a level",
                    )
                    .with_help("e.g. `status(steel) in [stalled, on_hold]` or `progress(epd) in [limited, substantial]`"),
                );
            }
        }
    }

    fn call(&mut self, e: &Expr, func: &Ident, args: &[Arg], member: bool) -> Option<Ty> {
        let Some(f) = Function::from_name(&func.name) else {
            let names: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
            let help = did_you_mean(&func.name, names.iter().copied()).or_else(|| {
                let (last, rest) = names.split_last()?;
                Some(format!(
                    "the functions are `{}` and `{last}`",
                    rest.join("`, `")
                ))
            });
            self.push(
                Diagnostic::new(
                    "L101",
                    format!("unknown function `{}`", func.name),
                    func.span,
                    "not a function of the condition language",
                )
                .with_help_opt(help),
            );
            return None;
        };
        let sig = signature(f);
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();

        // Named arguments: only `by:`, only where accepted, only once.
        let mut seen_by = false;
        for arg in args {
            let Some(name) = &arg.name else { continue };
            if name.name == "by" && sig.by {
                if seen_by {
                    self.push(
                        Diagnostic::new(
                            "L104",
                            "argument `by` is given more than once",
                            name.span,
                            "given again here",
                        )
                        .with_help("give each argument once"),
                    );
                } else {
                    seen_by = true;
                    self.party(&arg.value);
                }
                continue;
            }
            let help = if sig.by {
                did_you_mean(&name.name, ["by"])
                    .unwrap_or_else(|| format!("`{f}` takes only `by:`"))
            } else {
                format!(
                    "`{f}` takes no named arguments; it is called as `{}`",
                    sig.usage
                )
            };
            self.push(
                Diagnostic::new(
                    "L103",
                    format!("`{f}` has no argument named `{}`", name.name),
                    name.span,
                    "unknown argument name",
                )
                .with_help(help),
            );
        }

        let want = sig.params.len();
        if positional.len() != want {
            let (span, label) = if positional.len() > want {
                let extra = &positional[want..];
                let span = extra[0].span().to(extra[extra.len() - 1].span());
                let label = if extra.len() == 1 {
                    "unexpected argument"
                } else {
                    "unexpected arguments"
                };
                (span, label.to_string())
            } else {
                (e.span, format!("expected {}", plural(want, "argument")))
            };
            let help = if sig.by
                && positional.len() == 2
                && positional[1]
                    .value
                    .as_name()
                    .is_some_and(|n| self.r.party_exists(n))
            {
                let party = positional[1].value.as_name().unwrap_or_default();
                format!("name the party: `by: {party}`")
            } else {
                format!("`{f}` is called as `{}`", sig.usage)
            };
            self.push(
                Diagnostic::new(
                    "L102",
                    format!(
                        "`{f}` takes {}, found {}",
                        plural(want, "argument"),
                        plural(positional.len(), "argument")
                    ),
                    span,
                    label,
                )
                .with_help(help),
            );
        }

        for (param, arg) in sig.params.iter().zip(&positional) {
            let value = &arg.value;
            match param {
                Param::Item | Param::Commitment => self.item(f, *param, value),
                Param::Set => self.set(value, member),
                Param::Predicate => self.expect_bool(value, true),
                Param::Date => {
                    if !matches!(value.kind, ExprKind::Date(_)) {
                        self.push(
                            Diagnostic::new(
                                "L105",
                                format!("`{f}` needs a date, found {}", describe(value)),
                                value.span,
                                "not a date",
                            )
                            .with_help("dates are written `YYYY-MM-DD`, e.g. `2026-01-01`"),
                        );
                    }
                }
            }
        }
        Some(sig.returns)
    }

    fn item(&mut self, f: Function, param: Param, value: &Expr) {
        let what = if param == Param::Commitment {
            "a commitment"
        } else {
            "an item"
        };
        let Some(n) = value.as_name() else {
            let help = match self.static_ty(value) {
                Some(Ty::Set) => {
                    Some("to test every item of a set, use `all`, `any` or `none`".to_string())
                }
                _ => None,
            };
            self.push(
                Diagnostic::new(
                    "L105",
                    format!("`{f}` needs the name of {what}, found {}", describe(value)),
                    value.span,
                    format!("not the name of {what}"),
                )
                .with_help_opt(help),
            );
            return;
        };
        match self.r.item_kind(n) {
            None => {
                let ids = self.r.item_ids();
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                let help = did_you_mean_or_list(n, &ids, "item", "items");
                self.push(
                    Diagnostic::new(
                        "L120",
                        format!("unknown item `{n}`"),
                        value.span,
                        "not an item in the dataset",
                    )
                    .with_help_opt(help),
                );
            }
            Some(ItemKind::Commitment) => {}
            Some(kind) if param == Param::Commitment => {
                let help = if matches!(
                    kind,
                    ItemKind::Instrument | ItemKind::Track | ItemKind::Package
                ) {
                    format!("to require all of its commitments, write `all(commitments({n}), met)`")
                } else {
                    "`met` applies to commitments only".to_string()
                };
                self.push(
                    Diagnostic::new(
                        "L121",
                        format!(
                            "`{f}` needs a commitment, but `{n}` is {}",
                            kind.with_article()
                        ),
                        value.span,
                        "not a commitment",
                    )
                    .with_help(help),
                );
            }
            Some(_) => {}
        }
    }

    fn set(&mut self, value: &Expr, member: bool) {
        if let Some(n) = value.as_name() {
            let found = if self.r.item_kind(n).is_some() {
                format!("the item `{n}`")
            } else {
                format!("`{n}`")
            };
            self.push(
                Diagnostic::new(
                    "L106",
                    format!("expected a set of items, found {found}"),
                    value.span,
                    "not a set of items",
                )
                .with_help(format!(
                    "make a set with `members({n})`, `commitments({n})` or `linked({n})`"
                )),
            );
            return;
        }
        match self.ty(value, member) {
            Some(Ty::Set) | None => {}
            Some(_) => self.mismatch(
                "a set of items",
                value,
                Some("make a set with `members(…)`, `commitments(…)` or `linked(…)`".to_string()),
            ),
        }
    }

    fn party(&mut self, value: &Expr) {
        let Some(n) = value.as_name() else {
            self.push(Diagnostic::new(
                "L105",
                format!("`by` needs the name of a party, found {}", describe(value)),
                value.span,
                "not the name of a party",
            ));
            return;
        };
        if !self.r.party_exists(n) {
            let ids = self.r.party_ids();
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let help = did_you_mean_or_list(n, &ids, "party", "parties");
            self.push(
                Diagnostic::new(
                    "L122",
                    format!("unknown party `{n}`"),
                    value.span,
                    "not a party in the dataset",
                )
                .with_help_opt(help),
            );
        }
    }

    /// The type of `e` without checking it.
    fn static_ty(&self, e: &Expr) -> Option<Ty> {
        match &e.kind {
            ExprKind::Call { func, .. } => {
                Function::from_name(&func.name).map(|f| signature(f).returns)
            }
            ExprKind::Level(_) => Some(Ty::Level),
            ExprKind::Date(_) => Some(Ty::Date),
            ExprKind::Name(_) => None,
            _ => Some(Ty::Bool),
        }
    }
}
