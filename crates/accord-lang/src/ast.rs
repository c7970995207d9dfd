//! The syntax tree of a condition, and its canonical printer.
//!
//! Every node carries a [`Span`], and no span takes part in equality: two
//! trees are equal when they say the same thing, wherever it was written.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::level::Level;
use crate::span::{Span, Spanned};

/// A condition, or a part of one.
#[derive(Clone, Debug, Serialize)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Where it was written (for a parenthesised expression, including the parentheses).
    pub span: Span,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for Expr {}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Expr { kind, span }
    }

    /// The name, when the expression is a bare name.
    pub fn as_name(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Name(name) => Some(name),
            _ => None,
        }
    }
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExprKind {
    /// `true` or `false`.
    Bool(bool),
    /// A level keyword: `none`, `limited`, `substantial`, `complete`.
    Level(Level),
    /// A date literal, `YYYY-MM-DD`.
    Date(Date),
    /// A bare name: an item, party or status id such as `epd_gt.c_uk_beef`,
    /// or the implicit subject `status` / `progress` / `met` inside a quantifier.
    Name(String),
    /// A function call such as `progress(epd, by: uk)`.
    Call {
        /// The function name.
        func: Ident,
        /// The arguments, in the order written.
        args: Vec<Arg>,
    },
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b and …` (two operands or more).
    And(Vec<Expr>),
    /// `a or b or …` (two operands or more).
    Or(Vec<Expr>),
    /// `lhs op rhs` with one of `==`, `!=`, `<`, `<=`, `>`, `>=`.
    Compare {
        /// The operator, with its span.
        op: Spanned<CmpOp>,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `lhs in [a, b]` or `lhs not in [a, b]`.
    In {
        /// Whether it is `not in`.
        negated: bool,
        /// The value tested.
        lhs: Box<Expr>,
        /// The list, with the span of its brackets.
        list: Spanned<Vec<Expr>>,
    },
}

/// A name as written, with its span (ignored by equality).
#[derive(Clone, Debug, Serialize)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

impl Ident {
    /// A name at `span`.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Ident {
            name: name.into(),
            span,
        }
    }
}

impl PartialEq for Ident {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Ident {}

/// One argument of a call: positional (`epd`) or named (`by: uk`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arg {
    /// The argument name, for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

impl Arg {
    /// The span from the argument name (if any) to the end of the value.
    pub fn span(&self) -> Span {
        match &self.name {
            Some(name) => name.span.to(self.value.span),
            None => self.value.span,
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Every operator.
    pub const ALL: [CmpOp; 6] = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];

    /// How the operator is written.
    pub const fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether the operator orders its operands (`<`, `<=`, `>`, `>=`).
    pub const fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// Applies the operator to an ordering of `lhs` relative to `rhs`.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            CmpOp::Eq => ordering == Equal,
            CmpOp::Ne => ordering != Equal,
            CmpOp::Lt => ordering == Less,
            CmpOp::Le => ordering != Greater,
            CmpOp::Gt => ordering == Greater,
            CmpOp::Ge => ordering != Less,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The built-in functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    /// `status(ITEM) -> status`
    Status,
    /// `progress(ITEM [, by: PARTY]) -> level`
    Progress,
    /// `operative(ITEM) -> condition`
    Operative,
    /// `met(COMMITMENT) -> condition`
    Met,
    /// `commitments(ITEM [, by: PARTY]) -> set`
    Commitments,
    /// `linked(ITEM) -> set`
    Linked,
    /// `members(ITEM) -> set`
    Members,
    /// `all(SET, PREDICATE) -> condition`
    All,
    /// `any(SET, PREDICATE) -> condition`
    Any,
    /// `none(SET, PREDICATE) -> condition`
    None,
    /// `after(DATE) -> condition`
    After,
    /// `before(DATE) -> condition`
    Before,
    /// `since(DATE) -> condition`
    Since,
}

impl Function {
    /// Every function, in the order of the documentation.
    pub const ALL: [Function; 13] = [
        Function::Status,
        Function::Progress,
        Function::Operative,
        Function::Met,
        Function::Commitments,
        Function::Linked,
        Function::Members,
        Function::All,
        Function::Any,
        Function::None,
        Function::After,
        Function::Before,
        Function::Since,
    ];

    /// The name the function is called by.
    pub const fn name(self) -> &'static str {
        match self {
            Function::Status => "status",
            Function::Progress => "progress",
            Function::Operative => "operative",
            Function::Met => "met",
            Function::Commitments => "commitments",
            Function::Linked => "linked",
            Function::Members => "members",
            Function::All => "all",
            Function::Any => "any",
            Function::None => "none",
            Function::After => "after",
            Function::Before => "before",
            Function::Since => "since",
        }
    }

    /// The function called `name`, if any.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The signature, as the documentation writes it.
    pub const fn signature(self) -> &'static str {
        match self {
            Function::Status => "status(ITEM) -> status",
            Function::Progress => "progress(ITEM, by: PARTY?) -> level",
            Function::Operative => "operative(ITEM) -> condition",
            Function::Met => "met(COMMITMENT) -> condition",
            Function::Commitments => "commitments(ITEM, by: PARTY?) -> set",
            Function::Linked => "linked(ITEM) -> set",
            Function::Members => "members(ITEM) -> set",
            Function::All => "all(SET, PREDICATE) -> condition",
            Function::Any => "any(SET, PREDICATE) -> condition",
            Function::None => "none(SET, PREDICATE) -> condition",
            Function::After => "after(DATE) -> condition",
            Function::Before => "before(DATE) -> condition",
            Function::Since => "since(DATE) -> condition",
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// ---------------------------------------------------------------------------
// The canonical printer.
// ---------------------------------------------------------------------------

/// Binding strength, loosest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Not,
    Compare,
    Primary,
}

fn prec(kind: &ExprKind) -> Prec {
    match kind {
        ExprKind::Or(_) => Prec::Or,
        ExprKind::And(_) => Prec::And,
        ExprKind::Not(_) => Prec::Not,
        ExprKind::Compare { .. } | ExprKind::In { .. } => Prec::Compare,
        ExprKind::Bool(_)
        | ExprKind::Level(_)
        | ExprKind::Date(_)
        | ExprKind::Name(_)
        | ExprKind::Call { .. } => Prec::Primary,
    }
}

/// Writes `e`, in parentheses when `needs_parens`.
fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, needs_parens: bool) -> fmt::Result {
    if needs_parens {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Writes a date as `YYYY-MM-DD`, the only form the lexer reads.
pub(crate) fn write_date(f: &mut impl fmt::Write, d: Date) -> fmt::Result {
    write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The canonical form: one space around binary operators, `, ` between
/// arguments, and parentheses only where the structure needs them (and around
/// a comparison under `not`, for readability). Parsing the printed text gives
/// back an equal tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Level(l) => write!(f, "{l}"),
            ExprKind::Date(d) => write_date(f, *d),
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Call { func, args } => {
                write!(f, "{}(", func.name)?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(name) = &arg.name {
                        write!(f, "{}: ", name.name)?;
                    }
                    write!(f, "{}", arg.value)?;
                }
                f.write_str(")")
            }
            ExprKind::Not(inner) => {
                f.write_str("not ")?;
                // `not a and b` would regroup; `not a == b` is clearer as `not (a == b)`.
                write_operand(
                    f,
                    inner,
                    prec(&inner.kind) != Prec::Not && prec(&inner.kind) != Prec::Primary,
                )
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let (word, own) = if matches!(self.kind, ExprKind::And(_)) {
                    (" and ", Prec::And)
                } else {
                    (" or ", Prec::Or)
                };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    // A nested chain of the same operator keeps its grouping.
                    write_operand(f, item, prec(&item.kind) <= own)?;
                }
                Ok(())
            }
            ExprKind::Compare { op, lhs, rhs } => {
                write_operand(f, lhs, prec(&lhs.kind) != Prec::Primary)?;
                write!(f, " {} ", op.node)?;
                write_operand(f, rhs, prec(&rhs.kind) != Prec::Primary)
            }
            ExprKind::In { negated, lhs, list } => {
                write_operand(f, lhs, prec(&lhs.kind) != Prec::Primary)?;
                f.write_str(if *negated { " not in [" } else { " in [" })?;
                write_list(f, &list.node)?;
                f.write_str("]")
            }
        }
    }
}
