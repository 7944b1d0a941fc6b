//! The fuzzer's query tree: what the generator builds, the shrinker edits and the oracles
//! write as SQL. Every expression is written fully parenthesized, so no precedence rule of
//! either dialect can change its meaning.

use std::fmt::{self, Display, Formatter};

/// The value types the generator keeps queries well-typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// Any integer width.
    Int,
    /// A decimal of any precision and scale.
    Decimal,
    /// A floating-point number.
    Double,
    /// A string.
    Text,
    /// A date.
    Date,
    /// A boolean.
    Bool,
}

impl Type {
    /// The SQL type name a cast to this type writes.
    pub fn sql_name(self) -> &'static str {
        match self {
            Type::Int => "BIGINT",
            Type::Decimal => "DECIMAL(15,2)",
            Type::Double => "DOUBLE",
            Type::Text => "VARCHAR",
            Type::Date => "DATE",
            Type::Bool => "BOOLEAN",
        }
    }

    /// Whether values of the type are numbers (comparable and addable with each other).
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Decimal | Type::Double)
    }

    /// The type of `a + b` for numeric `a` and `b`.
    pub fn arithmetic(a: Type, b: Type) -> Type {
        match (a, b) {
            (Type::Double, _) | (_, Type::Double) => Type::Double,
            (Type::Decimal, _) | (_, Type::Decimal) => Type::Decimal,
            _ => Type::Int,
        }
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Times,
    /// `%` (the generator only writes it with a positive constant divisor).
    Modulo,
    /// `||`
    Concat,
    /// `=`
    Eq,
    /// `<>`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `IS DISTINCT FROM`
    DistinctFrom,
    /// `AND`
    And,
    /// `OR`
    Or,
}

impl BinOp {
    fn sql(self) -> &'static str {
        match self {
            BinOp::Plus => "+",
            BinOp::Minus => "-",
            BinOp::Times => "*",
            BinOp::Modulo => "%",
            BinOp::Concat => "||",
            BinOp::Eq => "=",
            BinOp::NotEq => "<>",
            BinOp::Lt => "<",
            BinOp::LtEq => "<=",
            BinOp::Gt => ">",
            BinOp::GtEq => ">=",
            BinOp::DistinctFrom => "IS DISTINCT FROM",
            BinOp::And => "AND",
            BinOp::Or => "OR",
        }
    }

    /// Whether the operator compares (its result is a boolean from two values).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq
                | BinOp::NotEq
                | BinOp::Lt
                | BinOp::LtEq
                | BinOp::Gt
                | BinOp::GtEq
                | BinOp::DistinctFrom
        )
    }
}

/// Aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// `COUNT(*)` (no argument) or `COUNT(x)`.
    Count,
    /// `SUM`
    Sum,
    /// `AVG`
    Avg,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `STDDEV_SAMP`
    StddevSamp,
}

impl AggFunc {
    fn sql(self) -> &'static str {
        match self {
            AggFunc::Count => "COUNT",
            AggFunc::Sum => "SUM",
            AggFunc::Avg => "AVG",
            AggFunc::Min => "MIN",
            AggFunc::Max => "MAX",
            AggFunc::StddevSamp => "STDDEV_SAMP",
        }
    }
}

/// Window functions (aggregates over a window are [`WindowFunc::Aggregate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFunc {
    /// `ROW_NUMBER()`
    RowNumber,
    /// `RANK()`
    Rank,
    /// `DENSE_RANK()`
    DenseRank,
    /// `LAG(x)`
    Lag,
    /// An aggregate over the window.
    Aggregate(AggFunc),
}

/// One key of an `ORDER BY`.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    /// What is sorted on.
    pub expr: Expr,
    /// Ascending.
    pub asc: bool,
    /// `NULLS FIRST` (else `NULLS LAST`).
    pub nulls_first: bool,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `alias.name`
    Column {
        /// The table alias.
        table: String,
        /// The column.
        name: String,
        /// Its type.
        ty: Type,
    },
    /// A constant, as SQL text.
    Literal {
        /// The text (`NULL` is written as a cast to the type).
        sql: String,
        /// Its type.
        ty: Type,
    },
    /// `-x`
    Negate(Box<Expr>),
    /// `NOT x`
    Not(Box<Expr>),
    /// `left op right`
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `x IS [NOT] NULL`
    IsNull {
        /// The operand.
        arg: Box<Expr>,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `x [NOT] IN (list)`
    InList {
        /// The operand.
        arg: Box<Expr>,
        /// The list.
        list: Vec<Expr>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `x [NOT] BETWEEN low AND high`
    Between {
        /// The operand.
        arg: Box<Expr>,
        /// Lower bound.
        low: Box<Expr>,
        /// Upper bound.
        high: Box<Expr>,
        /// `NOT BETWEEN`.
        negated: bool,
    },
    /// `x [NOT] LIKE 'pattern'`
    Like {
        /// The operand.
        arg: Box<Expr>,
        /// The pattern (without quotes).
        pattern: String,
        /// `NOT LIKE`.
        negated: bool,
    },
    /// `CASE WHEN c THEN v ... [ELSE e] END`
    Case {
        /// The branches.
        branches: Vec<(Expr, Expr)>,
        /// The `ELSE` value.
        otherwise: Option<Box<Expr>>,
    },
    /// `CAST(x AS T)`
    Cast {
        /// The operand.
        arg: Box<Expr>,
        /// The type.
        to: Type,
    },
    /// A scalar function call.
    Function {
        /// The name as written.
        name: &'static str,
        /// The arguments.
        args: Vec<Expr>,
        /// The result type.
        ty: Type,
    },
    /// An aggregate call.
    Aggregate {
        /// The function.
        func: AggFunc,
        /// The argument (`None`: `COUNT(*)`).
        arg: Option<Box<Expr>>,
        /// `DISTINCT`.
        distinct: bool,
        /// The result type.
        ty: Type,
    },
    /// A window function call.
    Window {
        /// The function.
        func: WindowFunc,
        /// The argument, for those that take one.
        arg: Option<Box<Expr>>,
        /// `PARTITION BY`.
        partition: Vec<Expr>,
        /// `ORDER BY`.
        order: Vec<SortKey>,
        /// The result type.
        ty: Type,
    },
    /// `(SELECT ...)` returning one value.
    ScalarSubquery(Box<Query>),
    /// `x [NOT] IN (SELECT ...)`
    InSubquery {
        /// The operand.
        arg: Box<Expr>,
        /// The one-column query.
        query: Box<Query>,
        /// `NOT IN`.
        negated: bool,
    },
    /// `[NOT] EXISTS (SELECT ...)`
    Exists {
        /// The query.
        query: Box<Query>,
        /// `NOT EXISTS`.
        negated: bool,
    },
}

impl Expr {
    /// A literal of `ty`.
    pub fn literal(sql: impl Into<String>, ty: Type) -> Expr {
        Expr::Literal {
            sql: sql.into(),
            ty,
        }
    }

    /// The typed `NULL` of `ty`.
    pub fn null(ty: Type) -> Expr {
        Expr::literal(format!("CAST(NULL AS {})", ty.sql_name()), ty)
    }

    /// `left op right`.
    pub fn binary(op: BinOp, left: Expr, right: Expr) -> Expr {
        Expr::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        }
    }

    /// The expression's type.
    pub fn ty(&self) -> Type {
        match self {
            Expr::Column { ty, .. }
            | Expr::Literal { ty, .. }
            | Expr::Function { ty, .. }
            | Expr::Aggregate { ty, .. }
            | Expr::Window { ty, .. } => *ty,
            Expr::Negate(arg) => arg.ty(),
            Expr::Binary { op, left, right } => match op {
                BinOp::Plus | BinOp::Minus | BinOp::Times | BinOp::Modulo => {
                    Type::arithmetic(left.ty(), right.ty())
                }
                BinOp::Concat => Type::Text,
                _ => Type::Bool,
            },
            Expr::Not(_)
            | Expr::IsNull { .. }
            | Expr::InList { .. }
            | Expr::Between { .. }
            | Expr::Like { .. }
            | Expr::InSubquery { .. }
            | Expr::Exists { .. } => Type::Bool,
            Expr::Case { branches, .. } => branches.first().map_or(Type::Int, |(_, v)| v.ty()),
            Expr::Cast { to, .. } => *to,
            Expr::ScalarSubquery(query) => {
                query.body.select.items.first().map_or(Type::Int, Expr::ty)
            }
        }
    }

    /// The direct sub-expressions (not those inside subqueries).
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Column { .. }
            | Expr::Literal { .. }
            | Expr::ScalarSubquery(_)
            | Expr::Exists { .. } => vec![],
            Expr::Negate(arg) | Expr::Not(arg) | Expr::Cast { arg, .. } => vec![arg],
            Expr::IsNull { arg, .. } | Expr::Like { arg, .. } | Expr::InSubquery { arg, .. } => {
                vec![arg]
            }
            Expr::Binary { left, right, .. } => vec![left, right],
            Expr::InList { arg, list, .. } => std::iter::once(&**arg).chain(list).collect(),
            Expr::Between { arg, low, high, .. } => vec![arg, low, high],
            Expr::Case {
                branches,
                otherwise,
            } => branches
                .iter()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref())
                .collect(),
            Expr::Function { args, .. } => args.iter().collect(),
            Expr::Aggregate { arg, .. } => arg.as_deref().into_iter().collect(),
            Expr::Window {
                arg,
                partition,
                order,
                ..
            } => arg
                .as_deref()
                .into_iter()
                .chain(partition)
                .chain(order.iter().map(|k| &k.expr))
                .collect(),
        }
    }

    /// The direct sub-expressions, mutably (in [`Self::children`]'s order).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Column { .. }
            | Expr::Literal { .. }
            | Expr::ScalarSubquery(_)
            | Expr::Exists { .. } => vec![],
            Expr::Negate(arg) | Expr::Not(arg) | Expr::Cast { arg, .. } => vec![arg],
            Expr::IsNull { arg, .. } | Expr::Like { arg, .. } | Expr::InSubquery { arg, .. } => {
                vec![arg]
            }
            Expr::Binary { left, right, .. } => vec![left, right],
            Expr::InList { arg, list, .. } => std::iter::once(&mut **arg).chain(list).collect(),
            Expr::Between { arg, low, high, .. } => vec![arg, low, high],
            Expr::Case {
                branches,
                otherwise,
            } => branches
                .iter_mut()
                .flat_map(|(c, v)| [c, v])
                .chain(otherwise.as_deref_mut())
                .collect(),
            Expr::Function { args, .. } => args.iter_mut().collect(),
            Expr::Aggregate { arg, .. } => arg.as_deref_mut().into_iter().collect(),
            Expr::Window {
                arg,
                partition,
                order,
                ..
            } => arg
                .as_deref_mut()
                .into_iter()
                .chain(partition)
                .chain(order.iter_mut().map(|k| &mut k.expr))
                .collect(),
        }
    }

    /// The subquery the expression holds directly, if any.
    pub fn subquery(&self) -> Option<&Query> {
        match self {
            Expr::ScalarSubquery(query)
            | Expr::InSubquery { query, .. }
            | Expr::Exists { query, .. } => Some(query),
            _ => None,
        }
    }

    /// Whether an aggregate call appears in it (outside subqueries).
    pub fn has_aggregate(&self) -> bool {
        matches!(self, Expr::Aggregate { .. }) || self.children().iter().any(|c| c.has_aggregate())
    }

    /// Whether a window call appears in it (outside subqueries).
    pub fn has_window(&self) -> bool {
        matches!(self, Expr::Window { .. }) || self.children().iter().any(|c| c.has_window())
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column { table, name, .. } => write!(f, "{table}.{name}"),
            Expr::Literal { sql, .. } => f.write_str(sql),
            Expr::Negate(arg) => write!(f, "(- {arg})"),
            Expr::Not(arg) => write!(f, "(NOT {arg})"),
            Expr::Binary { op, left, right } => write!(f, "({left} {} {right})", op.sql()),
            Expr::IsNull { arg, negated } => {
                write!(f, "({arg} IS {}NULL)", if *negated { "NOT " } else { "" })
            }
            Expr::InList { arg, list, negated } => {
                write!(f, "({arg} {}IN (", not(*negated))?;
                comma_separated(f, list)?;
                f.write_str("))")
            }
            Expr::Between {
                arg,
                low,
                high,
                negated,
            } => write!(f, "({arg} {}BETWEEN {low} AND {high})", not(*negated)),
            Expr::Like {
                arg,
                pattern,
                negated,
            } => write!(
                f,
                "({arg} {}LIKE '{}')",
                not(*negated),
                pattern.replace('\'', "''")
            ),
            Expr::Case {
                branches,
                otherwise,
            } => {
                f.write_str("(CASE")?;
                for (when, then) in branches {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                if let Some(otherwise) = otherwise {
                    write!(f, " ELSE {otherwise}")?;
                }
                f.write_str(" END)")
            }
            Expr::Cast { arg, to } => write!(f, "CAST({arg} AS {})", to.sql_name()),
            Expr::Function { name, args, .. } => {
                write!(f, "{name}(")?;
                comma_separated(f, args)?;
                f.write_str(")")
            }
            Expr::Aggregate {
                func,
                arg,
                distinct,
                ..
            } => match arg {
                None => write!(f, "{}(*)", func.sql()),
                Some(arg) => write!(
                    f,
                    "{}({}{arg})",
                    func.sql(),
                    if *distinct { "DISTINCT " } else { "" }
                ),
            },
            Expr::Window {
                func,
                arg,
                partition,
                order,
                ..
            } => {
                match (func, arg) {
                    (WindowFunc::RowNumber, _) => f.write_str("ROW_NUMBER()")?,
                    (WindowFunc::Rank, _) => f.write_str("RANK()")?,
                    (WindowFunc::DenseRank, _) => f.write_str("DENSE_RANK()")?,
                    (WindowFunc::Lag, Some(arg)) => write!(f, "LAG({arg})")?,
                    (WindowFunc::Lag, None) => f.write_str("LAG(1)")?,
                    (WindowFunc::Aggregate(func), Some(arg)) => write!(f, "{}({arg})", func.sql())?,
                    (WindowFunc::Aggregate(func), None) => write!(f, "{}(*)", func.sql())?,
                }
                f.write_str(" OVER (")?;
                if !partition.is_empty() {
                    f.write_str("PARTITION BY ")?;
                    comma_separated(f, partition)?;
                }
                if !order.is_empty() {
                    if !partition.is_empty() {
                        f.write_str(" ")?;
                    }
                    f.write_str("ORDER BY ")?;
                    sort_keys(f, order)?;
                }
                f.write_str(")")
            }
            Expr::ScalarSubquery(query) => write!(f, "({query})"),
            Expr::InSubquery {
                arg,
                query,
                negated,
            } => write!(f, "({arg} {}IN ({query}))", not(*negated)),
            Expr::Exists { query, negated } => write!(f, "({}EXISTS ({query}))", not(*negated)),
        }
    }
}

fn not(negated: bool) -> &'static str {
    if negated { "NOT " } else { "" }
}

fn comma_separated<T: Display>(f: &mut Formatter<'_>, items: &[T]) -> fmt::Result {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

fn sort_keys(f: &mut Formatter<'_>, keys: &[SortKey]) -> fmt::Result {
    for (index, key) in keys.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write!(
            f,
            "{} {} NULLS {}",
            key.expr,
            if key.asc { "ASC" } else { "DESC" },
            if key.nulls_first { "FIRST" } else { "LAST" }
        )?;
    }
    Ok(())
}

/// Join types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    /// `INNER JOIN`
    Inner,
    /// `LEFT JOIN`
    Left,
    /// `RIGHT JOIN`
    Right,
    /// `FULL JOIN`
    Full,
    /// `CROSS JOIN`
    Cross,
}

/// A table in a `FROM` with its alias.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRef {
    /// The catalog table.
    pub table: String,
    /// The alias its columns are qualified with.
    pub alias: String,
}

/// A join onto the `FROM` so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The kind.
    pub kind: JoinKind,
    /// The table joined.
    pub table: TableRef,
    /// The `ON` condition (none for a cross join).
    pub on: Option<Expr>,
}

/// One `SELECT` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `SELECT DISTINCT`.
    pub distinct: bool,
    /// The select list; item `i` is named `c{i}`.
    pub items: Vec<Expr>,
    /// The first table.
    pub from: TableRef,
    /// Tables joined on.
    pub joins: Vec<Join>,
    /// `WHERE`.
    pub filter: Option<Expr>,
    /// `GROUP BY`.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
    /// Whether the block aggregates (a `GROUP BY`, or aggregates with no keys).
    pub aggregated: bool,
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item} AS c{index}")?;
        }
        write!(f, " FROM {} AS {}", self.from.table, self.from.alias)?;
        for join in &self.joins {
            let kind = match join.kind {
                JoinKind::Inner => "INNER JOIN",
                JoinKind::Left => "LEFT JOIN",
                JoinKind::Right => "RIGHT JOIN",
                JoinKind::Full => "FULL JOIN",
                JoinKind::Cross => "CROSS JOIN",
            };
            write!(f, " {kind} {} AS {}", join.table.table, join.table.alias)?;
            match (&join.on, join.kind) {
                (_, JoinKind::Cross) => {}
                (Some(on), _) => write!(f, " ON {on}")?,
                (None, _) => f.write_str(" ON TRUE")?,
            }
        }
        if let Some(filter) = &self.filter {
            write!(f, " WHERE {filter}")?;
        }
        if !self.group_by.is_empty() {
            f.write_str(" GROUP BY ")?;
            comma_separated(f, &self.group_by)?;
        }
        if let Some(having) = &self.having {
            write!(f, " HAVING {having}")?;
        }
        Ok(())
    }
}

/// Set operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// `UNION ALL`
    UnionAll,
    /// `UNION`
    Union,
    /// `INTERSECT`
    Intersect,
    /// `EXCEPT`
    Except,
}

impl SetOp {
    fn sql(self) -> &'static str {
        match self {
            SetOp::UnionAll => "UNION ALL",
            SetOp::Union => "UNION",
            SetOp::Intersect => "INTERSECT",
            SetOp::Except => "EXCEPT",
        }
    }
}

/// A `SELECT`, possibly combined with a second one by a set operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The first block.
    pub select: Select,
    /// The operation and the second block (same column types).
    pub set: Option<(SetOp, Box<Select>)>,
}

/// How the output is sorted: one key per output column, by position, so the order is total
/// up to equal rows and the answer is deterministic under `LIMIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputOrder {
    /// Ascending.
    pub asc: bool,
    /// `NULLS FIRST`.
    pub nulls_first: bool,
}

/// A whole query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// What it selects.
    pub body: Body,
    /// `ORDER BY 1, 2, ...`: one entry per output column, or empty.
    pub order: Vec<OutputOrder>,
    /// `LIMIT` (only with an order).
    pub limit: Option<u64>,
    /// `OFFSET` (only with an order).
    pub offset: Option<u64>,
}

impl Query {
    /// How many columns it returns.
    pub fn width(&self) -> usize {
        self.body.select.items.len()
    }

    /// Whether its row order is part of the answer.
    pub fn is_ordered(&self) -> bool {
        !self.order.is_empty()
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.body.select)?;
        if let Some((op, second)) = &self.body.set {
            write!(f, " {} {second}", op.sql())?;
        }
        if !self.order.is_empty() {
            f.write_str(" ORDER BY ")?;
            for (index, key) in self.order.iter().enumerate() {
                if index > 0 {
                    f.write_str(", ")?;
                }
                write!(
                    f,
                    "{} {} NULLS {}",
                    index + 1,
                    if key.asc { "ASC" } else { "DESC" },
                    if key.nulls_first { "FIRST" } else { "LAST" }
                )?;
            }
        }
        if let Some(limit) = self.limit {
            write!(f, " LIMIT {limit}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " OFFSET {offset}")?;
        }
        Ok(())
    }
}
