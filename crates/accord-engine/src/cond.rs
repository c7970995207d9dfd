//! Conditions compiled for the hot path: item ids resolved to dense indices and quantifiers
//! expanded over their (fixed) sets. The semantics mirror `accord_lang::evaluate` exactly;
//! `accord_lang::evaluate` itself is used for explanations (it builds a trace), and the
//! differential property test checks that both agree.

use accord_lang::{CmpOp, Expr, ExprKind, Function, Level, Truth};
use accord_model::Status;
use jiff::civil::Date;

use crate::model::Ix;

/// An index into the model's table of `(item, by)` progress pairs.
pub(crate) type PairIx = u32;

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Truth(Truth),
    Level(Level),
    /// A bare name: the canonical status it spells, if any.
    Name(Option<Status>),
    /// A value that is never a condition and never equal to anything (dates, sets, invalid).
    Other,
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Cmp(CmpOp, Box<Cond>, Box<Cond>),
    In {
        negated: bool,
        lhs: Box<Cond>,
        list: Vec<Cond>,
    },
    Status(Option<Ix>),
    Progress(Option<PairIx>),
    Operative(Option<Ix>),
    Met(Option<Ix>),
    After(Date),
    Before(Date),
    Since(Date),
    /// `all`/`any`/`none` over a fixed set; `None` when the set expression is not a set.
    Quant(Function, Option<Vec<Cond>>),
}

/// What compiling needs from the model.
pub(crate) trait Resolve {
    fn item(&mut self, id: &str) -> Option<Ix>;
    fn pair(&mut self, item: Ix, by: Option<&str>) -> PairIx;
    /// The members of a set call (`commitments`, `linked`, `members`) as ids.
    fn set(&mut self, f: Function, item: &str, by: Option<&str>) -> Option<Vec<String>>;
}

fn name_arg(args: &[accord_lang::Arg]) -> (Option<&Expr>, Option<&Expr>, Option<&str>) {
    let mut positional = args.iter().filter(|a| a.name.is_none()).map(|a| &a.value);
    let first = positional.next();
    let second = positional.next();
    let by = args
        .iter()
        .find(|a| a.name.as_ref().is_some_and(|n| n.name == "by"))
        .and_then(|a| a.value.as_name());
    (first, second, by)
}

pub(crate) fn compile(e: &Expr, r: &mut dyn Resolve) -> Cond {
    match &e.kind {
        ExprKind::Bool(b) => Cond::Truth(Truth::from(*b)),
        ExprKind::Level(l) => Cond::Level(*l),
        ExprKind::Date(_) => Cond::Other,
        ExprKind::Name(n) => Cond::Name(n.parse::<Status>().ok()),
        ExprKind::Not(inner) => Cond::Not(Box::new(compile(inner, r))),
        ExprKind::And(items) => Cond::And(items.iter().map(|i| compile(i, r)).collect()),
        ExprKind::Or(items) => Cond::Or(items.iter().map(|i| compile(i, r)).collect()),
        ExprKind::Compare { op, lhs, rhs } => Cond::Cmp(
            op.node,
            Box::new(compile(lhs, r)),
            Box::new(compile(rhs, r)),
        ),
        ExprKind::In { negated, lhs, list } => Cond::In {
            negated: *negated,
            lhs: Box::new(compile(lhs, r)),
            list: list.node.iter().map(|i| compile(i, r)).collect(),
        },
        ExprKind::Call { func, args } => {
            let Some(f) = Function::from_name(&func.name) else {
                return Cond::Other;
            };
            let (first, second, by) = name_arg(args);
            let name = first.and_then(Expr::as_name);
            let date = match first.map(|e| &e.kind) {
                Some(ExprKind::Date(d)) => Some(*d),
                _ => None,
            };
            match f {
                Function::Status => name.map_or(Cond::Other, |n| Cond::Status(r.item(n))),
                Function::Progress => name.map_or(Cond::Other, |n| {
                    Cond::Progress(r.item(n).map(|ix| r.pair(ix, by)))
                }),
                Function::Operative => name.map_or(Cond::Other, |n| Cond::Operative(r.item(n))),
                Function::Met => name.map_or(Cond::Other, |n| Cond::Met(r.item(n))),
                Function::Commitments | Function::Linked | Function::Members => Cond::Other,
                Function::After => date.map_or(Cond::Other, Cond::After),
                Function::Before => date.map_or(Cond::Other, Cond::Before),
                Function::Since => date.map_or(Cond::Other, Cond::Since),
                Function::All | Function::Any | Function::None => {
                    let (Some(set), Some(pred)) = (first, second) else {
                        return Cond::Other;
                    };
                    let members = match &set.kind {
                        ExprKind::Call { func, args } => match Function::from_name(&func.name) {
                            Some(
                                sf @ (Function::Commitments | Function::Linked | Function::Members),
                            ) => {
                                let (first, _, by) = name_arg(args);
                                match first.and_then(Expr::as_name) {
                                    Some(item) => r.set(sf, item, by),
                                    None => None,
                                }
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    let members = members.map(|ms| {
                        ms.iter()
                            .map(|m| compile(&substitute(pred, m), r))
                            .collect::<Vec<_>>()
                    });
                    Cond::Quant(f, members)
                }
            }
        }
    }
}

/// The quantifier rewrite of `accord_lang` (kept in step with `eval::substitute` there):
/// `met` → `met(member)`, a bare status word `s` → `status(member) == s`, and the subjects
/// `status` / `progress` in comparisons → `status(member)` / `progress(member)`.
pub(crate) fn substitute(pred: &Expr, member: &str) -> Expr {
    const SUBJECTS: [&str; 3] = ["status", "progress", "met"];
    fn call_on(func: &str, member: &str, span: accord_lang::Span) -> Expr {
        Expr::new(
            ExprKind::Call {
                func: accord_lang::Ident::new(func, span),
                args: vec![accord_lang::Arg {
                    name: None,
                    value: Expr::new(ExprKind::Name(member.to_string()), span),
                }],
            },
            span,
        )
    }
    fn operand(e: &Expr, member: &str) -> Expr {
        match &e.kind {
            ExprKind::Name(n) if SUBJECTS.contains(&n.as_str()) => call_on(n, member, e.span),
            _ => e.clone(),
        }
    }
    let kind = match &pred.kind {
        ExprKind::Name(n) if SUBJECTS.contains(&n.as_str()) => {
            return call_on(n, member, pred.span);
        }
        ExprKind::Name(_) => ExprKind::Compare {
            op: accord_lang::Spanned::new(CmpOp::Eq, pred.span),
            lhs: Box::new(call_on("status", member, pred.span)),
            rhs: Box::new(pred.clone()),
        },
        ExprKind::Not(inner) => ExprKind::Not(Box::new(substitute(inner, member))),
        ExprKind::And(items) => {
            ExprKind::And(items.iter().map(|i| substitute(i, member)).collect())
        }
        ExprKind::Or(items) => ExprKind::Or(items.iter().map(|i| substitute(i, member)).collect()),
        ExprKind::Compare { op, lhs, rhs } => ExprKind::Compare {
            op: op.clone(),
            lhs: Box::new(operand(lhs, member)),
            rhs: Box::new(operand(rhs, member)),
        },
        ExprKind::In { negated, lhs, list } => ExprKind::In {
            negated: *negated,
            lhs: Box::new(operand(lhs, member)),
            list: list.clone(),
        },
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Call { .. } => {
            return pred.clone();
        }
    };
    Expr::new(kind, pred.span)
}

/// What evaluating a compiled condition reads.
pub(crate) trait Inputs {
    fn as_of(&self) -> Date;
    fn status(&self, x: Ix) -> Option<Status>;
    fn progress(&self, p: PairIx) -> Option<Level>;
    fn operative(&self, x: Ix) -> Truth;
    fn met(&self, x: Ix) -> Truth;
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    T(Truth),
    L(Option<Level>),
    S(Option<Status>),
    N(Option<Status>),
    Other,
}

impl V {
    fn truth(self) -> Truth {
        match self {
            V::T(t) => t,
            _ => Truth::Unknown,
        }
    }
}

fn equals(a: V, b: V) -> Truth {
    match (a, b) {
        (V::L(Some(x)), V::L(Some(y))) => Truth::from(x == y),
        // A status compared with a word: equal when the word is its canonical name (a word
        // that is no canonical name equals no status).
        (V::S(Some(x)), V::N(y)) | (V::N(y), V::S(Some(x))) => Truth::from(Some(x) == y),
        (V::S(Some(x)), V::S(Some(y))) => Truth::from(x == y),
        (V::T(x), V::T(y)) => match (x.to_bool(), y.to_bool()) {
            (Some(x), Some(y)) => Truth::from(x == y),
            _ => Truth::Unknown,
        },
        _ => Truth::Unknown,
    }
}

fn compare(op: CmpOp, a: V, b: V) -> Truth {
    match (op, a, b) {
        (_, V::L(Some(x)), V::L(Some(y))) => Truth::from(op.holds(x.cmp(&y))),
        (CmpOp::Eq, _, _) => equals(a, b),
        (CmpOp::Ne, _, _) => !equals(a, b),
        _ => Truth::Unknown,
    }
}

pub(crate) fn eval(c: &Cond, env: &dyn Inputs) -> Truth {
    value(c, env).truth()
}

fn value(c: &Cond, env: &dyn Inputs) -> V {
    match c {
        Cond::Truth(t) => V::T(*t),
        Cond::Level(l) => V::L(Some(*l)),
        Cond::Name(s) => V::N(*s),
        Cond::Other => V::Other,
        Cond::Not(i) => V::T(!value(i, env).truth()),
        Cond::And(items) => V::T(
            items
                .iter()
                .fold(Truth::True, |acc, i| acc.and(value(i, env).truth())),
        ),
        Cond::Or(items) => V::T(
            items
                .iter()
                .fold(Truth::False, |acc, i| acc.or(value(i, env).truth())),
        ),
        Cond::Cmp(op, l, r) => V::T(compare(*op, value(l, env), value(r, env))),
        Cond::In { negated, lhs, list } => {
            let l = value(lhs, env);
            let found = list
                .iter()
                .fold(Truth::False, |acc, i| acc.or(equals(l, value(i, env))));
            V::T(if *negated { !found } else { found })
        }
        Cond::Status(x) => V::S(x.and_then(|x| env.status(x))),
        Cond::Progress(p) => V::L(p.and_then(|p| env.progress(p))),
        Cond::Operative(x) => V::T(x.map_or(Truth::Unknown, |x| env.operative(x))),
        Cond::Met(x) => V::T(x.map_or(Truth::Unknown, |x| env.met(x))),
        Cond::After(d) => V::T(Truth::from(env.as_of() > *d)),
        Cond::Before(d) => V::T(Truth::from(env.as_of() < *d)),
        Cond::Since(d) => V::T(Truth::from(env.as_of() >= *d)),
        Cond::Quant(f, members) => {
            let Some(members) = members else {
                return V::T(Truth::Unknown);
            };
            let mut any = Truth::False;
            let mut all = Truth::True;
            for m in members {
                let t = value(m, env).truth();
                any = any.or(t);
                all = all.and(t);
            }
            V::T(match f {
                Function::All => all,
                Function::Any => any,
                _ => !any,
            })
        }
    }
}

/// Every item a compiled condition reads, and how.
#[derive(Debug, Default)]
pub(crate) struct Reads {
    pub status: Vec<Ix>,
    pub met: Vec<Ix>,
    pub operative: Vec<Ix>,
    pub progress: Vec<PairIx>,
}

pub(crate) fn reads(c: &Cond, out: &mut Reads) {
    match c {
        Cond::Truth(_)
        | Cond::Level(_)
        | Cond::Name(_)
        | Cond::Other
        | Cond::After(_)
        | Cond::Before(_)
        | Cond::Since(_) => {}
        Cond::Not(i) => reads(i, out),
        Cond::And(items) | Cond::Or(items) => items.iter().for_each(|i| reads(i, out)),
        Cond::Cmp(_, l, r) => {
            reads(l, out);
            reads(r, out);
        }
        Cond::In { lhs, list, .. } => {
            reads(lhs, out);
            list.iter().for_each(|i| reads(i, out));
        }
        Cond::Status(x) => out.status.extend(x),
        Cond::Met(x) => out.met.extend(x),
        Cond::Operative(x) => out.operative.extend(x),
        Cond::Progress(p) => out.progress.extend(p),
        Cond::Quant(_, Some(ms)) => ms.iter().for_each(|m| reads(m, out)),
        Cond::Quant(_, None) => {}
    }
}

/// Every date literal a condition compares the as-of date with.
pub(crate) fn dates(c: &Cond, out: &mut Vec<Date>) {
    match c {
        Cond::After(d) | Cond::Before(d) | Cond::Since(d) => out.push(*d),
        Cond::Not(i) => dates(i, out),
        Cond::And(items) | Cond::Or(items) => items.iter().for_each(|i| dates(i, out)),
        Cond::Cmp(_, l, r) => {
            dates(l, out);
            dates(r, out);
        }
        Cond::In { lhs, list, .. } => {
            dates(lhs, out);
            list.iter().for_each(|i| dates(i, out));
        }
        Cond::Quant(_, Some(ms)) => ms.iter().for_each(|m| dates(m, out)),
        _ => {}
    }
}

/// Whether `c` is monotone (false < unknown < true) in the operative states it reads of the
/// items `inside` accepts: none of those reads sits under `not`, a comparison, `in` or
/// `none(…)`. Iterating a monotone system from all-false (or all-true) in any order reaches
/// the same fixed point as iterating it in rounds.
pub(crate) fn monotone(c: &Cond, inside: &dyn Fn(Ix) -> bool) -> bool {
    fn reads_inside(c: &Cond, inside: &dyn Fn(Ix) -> bool) -> bool {
        let mut r = Reads::default();
        reads(c, &mut r);
        r.operative.iter().any(|x| inside(*x))
    }
    match c {
        Cond::Not(i) => !reads_inside(i, inside),
        Cond::Cmp(..) | Cond::In { .. } => !reads_inside(c, inside),
        Cond::Quant(accord_lang::Function::None, _) => !reads_inside(c, inside),
        Cond::And(items) | Cond::Or(items) => items.iter().all(|i| monotone(i, inside)),
        Cond::Quant(_, Some(ms)) => ms.iter().all(|m| monotone(m, inside)),
        _ => true,
    }
}
