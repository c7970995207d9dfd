//! The items a condition depends on.

use serde::Serialize;

use crate::ast::{Expr, ExprKind, Function};
use crate::span::Span;

/// One item named by a condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// The item id.
    pub item: String,
    /// The function whose argument it is: `status`, `progress`, `operative`,
    /// `met`, `commitments`, `linked` or `members`.
    pub function: Function,
    /// The party given with `by:`, if any.
    pub by: Option<String>,
    /// Where the item id is written.
    pub span: Span,
    /// When the call builds the set of a quantifier, that quantifier (`all`,
    /// `any` or `none`): the condition then also depends on every member.
    pub quantifier: Option<Function>,
    /// For such a set, what the predicate reads from each member: `status`,
    /// `progress` and/or `met`, in this order, without repeats.
    pub member_functions: Vec<Function>,
}

/// Every item the condition names, in the order written (an item named twice
/// is listed twice, with both spans). Calls to unknown functions, and
/// arguments that are not names, are skipped.
pub fn references(expr: &Expr) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(expr, None, &mut out);
    out
}

fn walk(e: &Expr, quantified: Option<(Function, &Expr)>, out: &mut Vec<Reference>) {
    match &e.kind {
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Name(_) => {}
        ExprKind::Not(inner) => walk(inner, None, out),
        ExprKind::And(items) | ExprKind::Or(items) => {
            for item in items {
                walk(item, None, out);
            }
        }
        ExprKind::Compare { lhs, rhs, .. } => {
            walk(lhs, None, out);
            walk(rhs, None, out);
        }
        ExprKind::In { lhs, list, .. } => {
            walk(lhs, None, out);
            for item in &list.node {
                walk(item, None, out);
            }
        }
        ExprKind::Call { func, args } => {
            let f = Function::from_name(&func.name);
            let positional: Vec<&Expr> = args
                .iter()
                .filter(|a| a.name.is_none())
                .map(|a| &a.value)
                .collect();
            match f {
                Some(
                    f @ (Function::Status
                    | Function::Progress
                    | Function::Operative
                    | Function::Met
                    | Function::Commitments
                    | Function::Linked
                    | Function::Members),
                ) => {
                    if let Some(first) = positional.first()
                        && let Some(item) = first.as_name()
                    {
                        let by = args
                            .iter()
                            .find(|a| a.name.as_ref().is_some_and(|n| n.name == "by"))
                            .and_then(|a| a.value.as_name())
                            .map(str::to_string);
                        let (quantifier, member_functions) = match quantified {
                            Some((q, pred)) => (Some(q), member_functions(pred)),
                            None => (None, Vec::new()),
                        };
                        out.push(Reference {
                            item: item.to_string(),
                            function: f,
                            by,
                            span: first.span,
                            quantifier,
                            member_functions,
                        });
                    }
                    for arg in args {
                        walk(&arg.value, None, out);
                    }
                }
                Some(q @ (Function::All | Function::Any | Function::None)) => {
                    if let [set, pred, ..] = positional.as_slice() {
                        walk(set, Some((q, pred)), out);
                        walk(pred, None, out);
                    }
                }
                _ => {
                    for arg in args {
                        walk(&arg.value, None, out);
                    }
                }
            }
        }
    }
}

/// What a predicate reads from each member.
fn member_functions(pred: &Expr) -> Vec<Function> {
    let rewritten = crate::eval::substitute(pred, "");
    let mut found = [false; 3];
    scan(&rewritten, &mut found);
    [Function::Status, Function::Progress, Function::Met]
        .into_iter()
        .zip(found)
        .filter_map(|(f, used)| used.then_some(f))
        .collect()
}

/// Marks calls on the member (written as the empty name by `member_functions`).
fn scan(e: &Expr, found: &mut [bool; 3]) {
    match &e.kind {
        ExprKind::Call { func, args } => {
            let on_member = args.len() == 1 && args[0].value.as_name() == Some("");
            if on_member {
                match func.name.as_str() {
                    "status" => found[0] = true,
                    "progress" => found[1] = true,
                    "met" => found[2] = true,
                    _ => {}
                }
            }
        }
        ExprKind::Not(inner) => scan(inner, found),
        ExprKind::And(items) | ExprKind::Or(items) => items.iter().for_each(|i| scan(i, found)),
        ExprKind::Compare { lhs, rhs, .. } => {
            scan(lhs, found);
            scan(rhs, found);
        }
        ExprKind::In { lhs, .. } => scan(lhs, found),
        ExprKind::Bool(_) | ExprKind::Level(_) | ExprKind::Date(_) | ExprKind::Name(_) => {}
    }
}
