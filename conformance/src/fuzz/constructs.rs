//! The constructs a query uses: what coverage is counted in, and what the rules that explain
//! a disagreement name.

use std::collections::BTreeSet;
use std::fmt::{self, Display, Formatter};

use super::ast::{AggFunc, BinOp, Expr, JoinKind, Query, Select, SetOp, Type, WindowFunc};

/// One construct of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Construct {
    /// Arithmetic or string operators in an expression.
    Arithmetic,
    /// `CASE`.
    Case,
    /// A `WHERE`.
    Filter,
    /// `AND`.
    And,
    /// `OR`.
    Or,
    /// `NOT`.
    Not,
    /// `IS [NOT] NULL`.
    IsNull,
    /// `IN (list)`.
    InList,
    /// `BETWEEN`.
    Between,
    /// `LIKE`.
    Like,
    /// A comparison with `=`, `<`... or `IS DISTINCT FROM`.
    Comparison,
    /// A scalar function call.
    Function,
    /// An inner join.
    InnerJoin,
    /// A left join.
    LeftJoin,
    /// A right join.
    RightJoin,
    /// A full join.
    FullJoin,
    /// A cross join.
    CrossJoin,
    /// `GROUP BY`.
    GroupBy,
    /// `COUNT`.
    Count,
    /// `SUM`.
    Sum,
    /// `AVG`.
    Avg,
    /// `MIN`.
    Min,
    /// `MAX`.
    Max,
    /// `STDDEV_SAMP`.
    Stddev,
    /// An aggregate over `DISTINCT` values.
    DistinctAggregate,
    /// `HAVING`.
    Having,
    /// `SELECT DISTINCT`.
    Distinct,
    /// `ORDER BY`.
    OrderBy,
    /// A sort key with `NULLS FIRST`.
    NullsFirst,
    /// A sort key with `NULLS LAST`.
    NullsLast,
    /// `LIMIT`.
    Limit,
    /// `OFFSET`.
    Offset,
    /// `UNION ALL`.
    UnionAll,
    /// `UNION`.
    Union,
    /// `INTERSECT`.
    Intersect,
    /// `EXCEPT`.
    Except,
    /// A scalar subquery.
    ScalarSubquery,
    /// `IN (SELECT ...)`.
    InSubquery,
    /// `NOT IN (SELECT ...)`.
    NotInSubquery,
    /// `EXISTS`.
    Exists,
    /// An `IN (SELECT ...)` or `EXISTS` in the select list (not in a filter).
    SubqueryPredicateInSelect,
    /// A subquery that refers to the query around it.
    CorrelatedSubquery,
    /// A window function.
    Window,
    /// `CAST`.
    Cast,
    /// A read of the edge-value table.
    EdgeTable,
    /// A floating-point value anywhere in the output or a predicate.
    Double,
    /// A decimal value.
    Decimal,
    /// Not of the query but of the disagreement: the engine failed (where the other side
    /// answered), rather than returning different rows.
    EngineError,
    /// Not of the query but of the disagreement: an answer holds a NaN.
    Nan,
}

impl Construct {
    /// Every construct, in report order.
    pub const ALL: &[Construct] = &[
        Construct::Arithmetic,
        Construct::Case,
        Construct::Filter,
        Construct::And,
        Construct::Or,
        Construct::Not,
        Construct::IsNull,
        Construct::InList,
        Construct::Between,
        Construct::Like,
        Construct::Comparison,
        Construct::Function,
        Construct::InnerJoin,
        Construct::LeftJoin,
        Construct::RightJoin,
        Construct::FullJoin,
        Construct::CrossJoin,
        Construct::GroupBy,
        Construct::Count,
        Construct::Sum,
        Construct::Avg,
        Construct::Min,
        Construct::Max,
        Construct::Stddev,
        Construct::DistinctAggregate,
        Construct::Having,
        Construct::Distinct,
        Construct::OrderBy,
        Construct::NullsFirst,
        Construct::NullsLast,
        Construct::Limit,
        Construct::Offset,
        Construct::UnionAll,
        Construct::Union,
        Construct::Intersect,
        Construct::Except,
        Construct::ScalarSubquery,
        Construct::InSubquery,
        Construct::NotInSubquery,
        Construct::Exists,
        Construct::SubqueryPredicateInSelect,
        Construct::CorrelatedSubquery,
        Construct::Window,
        Construct::Cast,
        Construct::EdgeTable,
        Construct::Double,
        Construct::Decimal,
    ];

    /// Constructs a disagreement has rather than a query: rules may name them, coverage does
    /// not count them.
    pub const OF_DISAGREEMENTS: &[Construct] = &[Construct::EngineError, Construct::Nan];

    /// The name rules and reports use (kebab case).
    pub fn name(self) -> &'static str {
        match self {
            Construct::Arithmetic => "arithmetic",
            Construct::Case => "case",
            Construct::Filter => "filter",
            Construct::And => "and",
            Construct::Or => "or",
            Construct::Not => "not",
            Construct::IsNull => "is-null",
            Construct::InList => "in-list",
            Construct::Between => "between",
            Construct::Like => "like",
            Construct::Comparison => "comparison",
            Construct::Function => "function",
            Construct::InnerJoin => "inner-join",
            Construct::LeftJoin => "left-join",
            Construct::RightJoin => "right-join",
            Construct::FullJoin => "full-join",
            Construct::CrossJoin => "cross-join",
            Construct::GroupBy => "group-by",
            Construct::Count => "count",
            Construct::Sum => "sum",
            Construct::Avg => "avg",
            Construct::Min => "min",
            Construct::Max => "max",
            Construct::Stddev => "stddev",
            Construct::DistinctAggregate => "distinct-aggregate",
            Construct::Having => "having",
            Construct::Distinct => "distinct",
            Construct::OrderBy => "order-by",
            Construct::NullsFirst => "nulls-first",
            Construct::NullsLast => "nulls-last",
            Construct::Limit => "limit",
            Construct::Offset => "offset",
            Construct::UnionAll => "union-all",
            Construct::Union => "union",
            Construct::Intersect => "intersect",
            Construct::Except => "except",
            Construct::ScalarSubquery => "scalar-subquery",
            Construct::InSubquery => "in-subquery",
            Construct::NotInSubquery => "not-in-subquery",
            Construct::Exists => "exists",
            Construct::SubqueryPredicateInSelect => "subquery-predicate-in-select",
            Construct::CorrelatedSubquery => "correlated-subquery",
            Construct::Window => "window",
            Construct::Cast => "cast",
            Construct::EdgeTable => "edge-table",
            Construct::Double => "double",
            Construct::Decimal => "decimal",
            Construct::EngineError => "engine-error",
            Construct::Nan => "nan",
        }
    }

    /// The construct named `name`.
    pub fn parse(name: &str) -> Option<Construct> {
        Construct::ALL
            .iter()
            .chain(Construct::OF_DISAGREEMENTS)
            .copied()
            .find(|c| c.name() == name)
    }
}

impl Display for Construct {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every construct `query` uses, subqueries included.
pub fn constructs(query: &Query, edge_table: &str) -> BTreeSet<Construct> {
    let mut found = BTreeSet::new();
    query_constructs(query, edge_table, &mut found);
    found
}

/// Every construct `expr` uses, as a predicate over `scope_aliases` (the partition oracle's
/// predicate).
pub fn expr_constructs_of(
    expr: &Expr,
    edge_table: &str,
    scope_aliases: &[String],
) -> BTreeSet<Construct> {
    let mut found = BTreeSet::new();
    expr_constructs(expr, edge_table, scope_aliases, &mut found);
    found
}

fn query_constructs(query: &Query, edge_table: &str, found: &mut BTreeSet<Construct>) {
    select_constructs(&query.body.select, edge_table, found);
    if let Some((op, second)) = &query.body.set {
        found.insert(match op {
            SetOp::UnionAll => Construct::UnionAll,
            SetOp::Union => Construct::Union,
            SetOp::Intersect => Construct::Intersect,
            SetOp::Except => Construct::Except,
        });
        select_constructs(second, edge_table, found);
    }
    if !query.order.is_empty() {
        found.insert(Construct::OrderBy);
    }
    for key in &query.order {
        found.insert(if key.nulls_first {
            Construct::NullsFirst
        } else {
            Construct::NullsLast
        });
    }
    if query.limit.is_some() {
        found.insert(Construct::Limit);
    }
    if query.offset.is_some() {
        found.insert(Construct::Offset);
    }
}

fn select_constructs(select: &Select, edge_table: &str, found: &mut BTreeSet<Construct>) {
    if select.distinct {
        found.insert(Construct::Distinct);
    }
    let tables = std::iter::once(&select.from).chain(select.joins.iter().map(|j| &j.table));
    for table in tables {
        if table.table == edge_table {
            found.insert(Construct::EdgeTable);
        }
    }
    for join in &select.joins {
        found.insert(match join.kind {
            JoinKind::Inner => Construct::InnerJoin,
            JoinKind::Left => Construct::LeftJoin,
            JoinKind::Right => Construct::RightJoin,
            JoinKind::Full => Construct::FullJoin,
            JoinKind::Cross => Construct::CrossJoin,
        });
    }
    if select.filter.is_some() {
        found.insert(Construct::Filter);
    }
    if !select.group_by.is_empty() {
        found.insert(Construct::GroupBy);
    }
    if select.having.is_some() {
        found.insert(Construct::Having);
    }
    if select.items.iter().any(has_subquery_predicate) {
        found.insert(Construct::SubqueryPredicateInSelect);
    }
    let own_aliases = aliases(select);
    let exprs = select
        .items
        .iter()
        .chain(select.joins.iter().filter_map(|j| j.on.as_ref()))
        .chain(&select.filter)
        .chain(&select.group_by)
        .chain(&select.having);
    for expr in exprs {
        expr_constructs(expr, edge_table, &own_aliases, found);
    }
}

fn aliases(select: &Select) -> Vec<String> {
    std::iter::once(&select.from)
        .chain(select.joins.iter().map(|j| &j.table))
        .map(|t| t.alias.clone())
        .collect()
}

fn expr_constructs(
    expr: &Expr,
    edge_table: &str,
    own_aliases: &[String],
    found: &mut BTreeSet<Construct>,
) {
    match expr.ty() {
        Type::Double => {
            found.insert(Construct::Double);
        }
        Type::Decimal => {
            found.insert(Construct::Decimal);
        }
        _ => {}
    }
    let construct = match expr {
        Expr::Negate(_) => Some(Construct::Arithmetic),
        Expr::Not(_) => Some(Construct::Not),
        Expr::Binary { op, .. } => Some(match op {
            BinOp::And => Construct::And,
            BinOp::Or => Construct::Or,
            op if op.is_comparison() => Construct::Comparison,
            _ => Construct::Arithmetic,
        }),
        Expr::IsNull { .. } => Some(Construct::IsNull),
        Expr::InList { .. } => Some(Construct::InList),
        Expr::Between { .. } => Some(Construct::Between),
        Expr::Like { .. } => Some(Construct::Like),
        Expr::Case { .. } => Some(Construct::Case),
        Expr::Cast { .. } => Some(Construct::Cast),
        Expr::Function { .. } => Some(Construct::Function),
        Expr::Aggregate { func, distinct, .. } => {
            if *distinct {
                found.insert(Construct::DistinctAggregate);
            }
            Some(aggregate_construct(*func))
        }
        Expr::Window { func, .. } => {
            if let WindowFunc::Aggregate(func) = func {
                found.insert(aggregate_construct(*func));
            }
            Some(Construct::Window)
        }
        Expr::ScalarSubquery(_) => Some(Construct::ScalarSubquery),
        Expr::InSubquery { negated, .. } => {
            if *negated {
                found.insert(Construct::NotInSubquery);
            }
            Some(Construct::InSubquery)
        }
        Expr::Exists { .. } => Some(Construct::Exists),
        Expr::Column { .. } | Expr::Literal { .. } => None,
    };
    found.extend(construct);
    if let Some(query) = expr.subquery() {
        query_constructs(query, edge_table, found);
        if refers_outside(query, own_aliases) {
            found.insert(Construct::CorrelatedSubquery);
        }
    }
    for child in expr.children() {
        expr_constructs(child, edge_table, own_aliases, found);
    }
}

fn has_subquery_predicate(expr: &Expr) -> bool {
    matches!(expr, Expr::InSubquery { .. } | Expr::Exists { .. })
        || expr.children().into_iter().any(has_subquery_predicate)
}

fn aggregate_construct(func: AggFunc) -> Construct {
    match func {
        AggFunc::Count => Construct::Count,
        AggFunc::Sum => Construct::Sum,
        AggFunc::Avg => Construct::Avg,
        AggFunc::Min => Construct::Min,
        AggFunc::Max => Construct::Max,
        AggFunc::StddevSamp => Construct::Stddev,
    }
}

/// Whether a subquery reads a column of one of `outer` aliases (it is correlated).
fn refers_outside(query: &Query, outer: &[String]) -> bool {
    let select = &query.body.select;
    let inner = aliases(select);
    let mut exprs: Vec<&Expr> = select
        .items
        .iter()
        .chain(select.joins.iter().filter_map(|j| j.on.as_ref()))
        .chain(&select.filter)
        .chain(&select.having)
        .collect();
    while let Some(expr) = exprs.pop() {
        if let Expr::Column { table, .. } = expr
            && outer.contains(table)
            && !inner.contains(table)
        {
            return true;
        }
        exprs.extend(expr.children());
    }
    false
}
