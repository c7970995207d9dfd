//! Three-valued evaluation against the derived state of a dataset, with a trace.

use jiff::civil::Date;
use serde::Serialize;

use crate::ast::{Arg, CmpOp, Expr, ExprKind, Function, Ident};
use crate::check::SUBJECTS;
use crate::level::{Level, Truth};
use crate::span::{Span, Spanned};

/// What evaluation needs to know about the state of the world.
///
/// `None` (or an empty set) means there is no evidence; comparisons on it are
/// `unknown`.
pub trait Env {
    /// The valid-time date the condition is evaluated at.
    fn as_of(&self) -> Date;
    /// The canonical status of `item`, if known.
    fn status(&self, item: &str) -> Option<String>;
    /// The progress of `item`, optionally only that of party `by`, if known.
    fn progress(&self, item: &str, by: Option<&str>) -> Option<Level>;
    /// Whether `item` is operative.
    fn operative(&self, item: &str) -> Truth;
    /// Whether `commitment` is met.
    fn met(&self, commitment: &str) -> Truth;
    /// The commitments of `item`, optionally only those owed by party `by`.
    fn commitments(&self, item: &str, by: Option<&str>) -> Vec<String>;
    /// The items `item` is linked to or conditional on.
    fn linked(&self, item: &str) -> Vec<String>;
    /// The members of package (or other item) `item`.
    fn members(&self, item: &str) -> Vec<String>;
}

/// The result of evaluating a condition, with the reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Whether the condition holds.
    pub value: Truth,
    /// How each part of the condition evaluated.
    pub trace: Trace,
}

/// How one sub-expression evaluated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The sub-expression, printed canonically. Inside `all`, `any` and
    /// `none`, each member's line names the member, e.g. `met(epd.c_beef)`.
    pub text: String,
    /// Its value: `true`, `false` or `unknown` for conditions; a level or a
    /// status name (or `unknown` without evidence); `[a, b]` for a set.
    pub value: String,
    /// The sub-expressions that decided it (literals are left out).
    pub children: Vec<Trace>,
}

/// Evaluates `expr` with Kleene's three-valued logic.
///
/// `expr` should have passed [`check`](crate::check); parts that are ill-typed
/// anyway evaluate to `unknown`. `all` over an empty set is `true`, `any` is
/// `false` and `none` is `true`.
pub fn evaluate(expr: &Expr, env: &dyn Env) -> Evaluation {
    let (value, trace) = Evaluator { env }.eval(expr);
    Evaluation {
        value: value.truth(),
        trace,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Truth(Truth),
    Level(Option<Level>),
    Status(Option<String>),
    Set(Vec<String>),
    Date(Date),
    Name(String),
    Invalid,
}

impl Value {
    fn truth(&self) -> Truth {
        match self {
            Value::Truth(t) => *t,
            _ => Truth::Unknown,
        }
    }

    fn text(&self) -> String {
        match self {
            Value::Truth(t) => t.to_string(),
            Value::Level(Some(l)) => l.to_string(),
            Value::Status(Some(s)) => s.clone(),
            Value::Level(None) | Value::Status(None) | Value::Invalid => "unknown".to_string(),
            Value::Set(items) => format!("[{}]", items.join(", ")),
            Value::Date(d) => {
                let mut s = String::new();
                let _ = crate::ast::write_date(&mut s, *d);
                s
            }
            Value::Name(n) => n.clone(),
        }
    }
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Name(_)
    )
}

/// `item == other` for the right side of `==` or one element of an `in` list.
fn equals(lhs: &Value, rhs: &Value) -> Truth {
    match (lhs, rhs) {
        (Value::Level(Some(a)), Value::Level(Some(b))) => Truth::from(a == b),
        (Value::Status(Some(a)), Value::Name(b) | Value::Status(Some(b)))
        | (Value::Name(a), Value::Status(Some(b))) => Truth::from(a == b),
        (Value::Truth(a), Value::Truth(b)) => match (a.to_bool(), b.to_bool()) {
            (Some(a), Some(b)) => Truth::from(a == b),
            _ => Truth::Unknown,
        },
        _ => Truth::Unknown,
    }
}

fn compare(op: CmpOp, lhs: &Value, rhs: &Value) -> Truth {
    match (op, lhs, rhs) {
        (_, Value::Level(Some(a)), Value::Level(Some(b))) => Truth::from(op.holds(a.cmp(b))),
        (CmpOp::Eq, _, _) => equals(lhs, rhs),
        (CmpOp::Ne, _, _) => !equals(lhs, rhs),
        _ => Truth::Unknown,
    }
}

/// Rewrites a quantifier's predicate for one member: `met` becomes
/// `met(member)`, a bare status name `s` becomes `status(member) == s`, and
/// `status` / `progress` in comparisons become `status(member)` / `progress(member)`.
pub(crate) fn substitute(pred: &Expr, member: &str) -> Expr {
    subst_bool(pred, member)
}

fn call_on(func: &str, member: &str, span: Span) -> Expr {
    Expr::new(
        ExprKind::Call {
            func: Ident::new(func, span),
            args: vec![Arg {
                name: None,
                value: Expr::new(ExprKind::Name(member.to_string()), span),
            }],
        },
        span,
    )
}

fn subst_bool(e: &Expr, member: &str) -> Expr {
    let kind = match &e.kind {
        ExprKind::Name(n) if SUBJECTS.contains(&n.as_str()) => return call_on(n, member, e.span),
        ExprKind::Name(_) => ExprKind::Compare {
            op: Spanned::new(CmpOp::Eq, e.span),
            lhs: Box::new(call_on("status", member, e.span)),
            rhs: Box::new(e.clone()),
        },
        ExprKind::Not(inner) => ExprKind::Not(Box::new(subst_bool(inner, member))),
        ExprKind::And(items) => {
            ExprKind::And(items.iter().map(|i| subst_bool(i, member)).collect())
        }
        ExprKind::Or(items) => ExprKind::Or(items.iter().map(|i| subst_bool(i, member)).collect()),
        ExprKind::Compare { op, lhs, rhs } => ExprKind::Compare {
            op: op.clone(),
            lhs: Box::new(subst_operand(lhs, member)),
            rhs: Box::new(subst_operand(rhs, member)),
        },
        ExprKind::In { negated, lhs, list } => ExprKind::In {
            negated: *negated,
            lhs: Box::new(subst_operand(lhs, member)),
            list: list.clone(),
        },
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Call { .. } => {
            return e.clone();
        }
    };
    Expr::new(kind, e.span)
}

fn subst_operand(e: &Expr, member: &str) -> Expr {
    match &e.kind {
        ExprKind::Name(n) if SUBJECTS.contains(&n.as_str()) => call_on(n, member, e.span),
        _ => e.clone(),
    }
}

struct Evaluator<'a> {
    env: &'a dyn Env,
}

impl Evaluator<'_> {
    fn eval(&self, e: &Expr) -> (Value, Trace) {
        let mut children = Vec::new();
        let value = self.value(e, &mut children);
        let trace = Trace {
            text: e.to_string(),
            value: value.text(),
            children,
        };
        (value, trace)
    }

    /// Evaluates `e`, adding the traces of its non-literal parts to `children`.
    fn child(&self, e: &Expr, children: &mut Vec<Trace>) -> Value {
        let (value, trace) = self.eval(e);
        if !is_literal(e) {
            children.push(trace);
        }
        value
    }

    fn value(&self, e: &Expr, children: &mut Vec<Trace>) -> Value {
        match &e.kind {
            ExprKind::Bool(b) => Value::Truth(Truth::from(*b)),
            ExprKind::Level(l) => Value::Level(Some(*l)),
            ExprKind::Date(d) => Value::Date(*d),
            ExprKind::Name(n) => Value::Name(n.clone()),
            ExprKind::Not(inner) => Value::Truth(!self.child(inner, children).truth()),
            ExprKind::And(items) => Value::Truth(items.iter().fold(Truth::True, |acc, i| {
                acc.and(self.child(i, children).truth())
            })),
            ExprKind::Or(items) => Value::Truth(items.iter().fold(Truth::False, |acc, i| {
                acc.or(self.child(i, children).truth())
            })),
            ExprKind::Compare { op, lhs, rhs } => {
                let l = self.child(lhs, children);
                let r = self.child(rhs, children);
                Value::Truth(compare(op.node, &l, &r))
            }
            ExprKind::In { negated, lhs, list } => {
                let l = self.child(lhs, children);
                let found = list.node.iter().fold(Truth::False, |acc, item| {
                    acc.or(equals(&l, &self.child(item, children)))
                });
                Value::Truth(if *negated { !found } else { found })
            }
            ExprKind::Call { func, args } => match Function::from_name(&func.name) {
                Some(f) => self.call(f, args, children),
                None => Value::Invalid,
            },
        }
    }

    fn call(&self, f: Function, args: &[Arg], children: &mut Vec<Trace>) -> Value {
        let mut positional = args.iter().filter(|a| a.name.is_none()).map(|a| &a.value);
        let first = positional.next();
        let second = positional.next();
        let name = first.and_then(Expr::as_name);
        let by = args
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.name == "by"))
            .and_then(|a| a.value.as_name());
        let date = match first.map(|e| &e.kind) {
            Some(ExprKind::Date(d)) => Some(*d),
            _ => None,
        };
        let env = self.env;
        match f {
            Function::Status => name.map_or(Value::Invalid, |n| Value::Status(env.status(n))),
            Function::Progress => {
                name.map_or(Value::Invalid, |n| Value::Level(env.progress(n, by)))
            }
            Function::Operative => name.map_or(Value::Invalid, |n| Value::Truth(env.operative(n))),
            Function::Met => name.map_or(Value::Invalid, |n| Value::Truth(env.met(n))),
            Function::Commitments => {
                name.map_or(Value::Invalid, |n| Value::Set(env.commitments(n, by)))
            }
            Function::Linked => name.map_or(Value::Invalid, |n| Value::Set(env.linked(n))),
            Function::Members => name.map_or(Value::Invalid, |n| Value::Set(env.members(n))),
            Function::After => date.map_or(Value::Invalid, |d| {
                Value::Truth(Truth::from(env.as_of() > d))
            }),
            Function::Before => date.map_or(Value::Invalid, |d| {
                Value::Truth(Truth::from(env.as_of() < d))
            }),
            Function::Since => date.map_or(Value::Invalid, |d| {
                Value::Truth(Truth::from(env.as_of() >= d))
            }),
            Function::All | Function::Any | Function::None => {
                let (Some(set), Some(pred)) = (first, second) else {
                    return Value::Invalid;
                };
                let Value::Set(members) = self.child(set, children) else {
                    return Value::Truth(Truth::Unknown);
                };
                let mut any = Truth::False;
                let mut all = Truth::True;
                for member in &members {
                    let rewritten = substitute(pred, member);
                    let (value, trace) = self.eval(&rewritten);
                    children.push(trace);
                    any = any.or(value.truth());
                    all = all.and(value.truth());
                }
                Value::Truth(match f {
                    Function::All => all,
                    Function::Any => any,
                    _ => !any,
                })
            }
        }
    }
}
