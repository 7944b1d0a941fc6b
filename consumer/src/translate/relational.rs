//! Logical plan → SQL text, one derived table per relational node.
//!
//! DataFusion's `Unparser` rebuilds SQL from a plan's shape and loses track of qualifiers on
//! the plans Substrait consumption and optimization produce (unaliased derived tables whose
//! columns are still referenced as `t.a`; join sides named `left`/`right`). So relations are
//! written here, in a shape that cannot go wrong: every node is a `SELECT` over its inputs,
//! each input a derived table with a fresh alias (`q1`, `q2`...), and every relation's
//! columns are named by position (`c0`, `c1`...). Column references in expressions are
//! rewritten to those positional names, and the `Unparser` writes the expressions (functions,
//! casts, literals, intervals, `CASE`, `LIKE`...) in the target dialect. Engines flatten the
//! nesting in their own planners.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, DFSchema, NullEquality};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::expr::{Exists, InSubquery};
use datafusion::logical_expr::logical_plan::{FetchType, SkipType};
use datafusion::logical_expr::{
    Aggregate, Cast, Distinct, Expr, Filter, GroupingSet, JoinType, Limit, LogicalPlan, Projection,
    SortExpr, Subquery, TableScan,
};
use datafusion::sql::unparser::Unparser;

/// Writes relations as SQL text.
pub struct RelationalWriter<'a> {
    unparser: Unparser<'a>,
    quote: Option<char>,
    /// The function that gives a grouping set's id over its keys (`GROUPING` or Spark's
    /// `grouping_id`).
    grouping_id: &'static str,
    next_alias: usize,
    /// Subquery expressions, replaced by placeholder columns while their surroundings are
    /// unparsed, then spliced in as text.
    subqueries: HashMap<String, String>,
    /// The scopes enclosing the subquery being written, innermost last: where its correlated
    /// (outer) references point.
    outer: Vec<Vec<(String, DFSchema)>>,
    /// A testing knob: sort keys are written without `NULLS FIRST`/`NULLS LAST`, so the
    /// engine's default null order applies (a wrong translation planted on purpose, for the
    /// query fuzzer to find).
    drop_null_ordering: bool,
}

/// A relation's columns as seen from an enclosing `SELECT`: which alias, and for a join the
/// second input's alias and where its columns start.
struct Scope<'s> {
    inputs: Vec<(String, &'s DFSchema)>,
}

/// `function` (SQL's `GROUPING`) over every key of a grouping set: DataFusion's
/// `__grouping_id`, or 0 when no key is grouped (a set of only `()`), where it cannot be
/// written.
fn grouping_id(function: &str, keys: &[String]) -> String {
    if keys.is_empty() {
        return "0".to_string();
    }
    format!("{function}({})", keys.join(", "))
}

fn unsupported(what: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::NotImplemented(format!("{what} has no SQL translation"))
}

impl<'a> RelationalWriter<'a> {
    /// A writer whose expressions are unparsed by `unparser`, quoting identifiers with
    /// `quote` and naming grouping ids with `grouping_id` (all from the target dialect).
    pub fn new(unparser: Unparser<'a>, quote: Option<char>, grouping_id: &'static str) -> Self {
        Self {
            unparser,
            quote,
            grouping_id,
            next_alias: 0,
            subqueries: HashMap::new(),
            outer: Vec::new(),
            drop_null_ordering: false,
        }
    }

    /// Writes sort keys without their null order (see the field): for testing only.
    pub fn dropping_null_ordering(mut self, drop: bool) -> Self {
        self.drop_null_ordering = drop;
        self
    }

    /// The SQL text of `plan`; its columns are `c0`, `c1`... in the plan's schema order.
    pub fn write(&mut self, plan: &LogicalPlan) -> Result<String> {
        let plan = limits_below_projections(plan.clone())?;
        let sql = self.relation(&plan)?;
        Ok(self.splice_subqueries(sql))
    }

    fn alias(&mut self) -> String {
        self.next_alias += 1;
        format!("q{}", self.next_alias)
    }

    fn ident(&self, name: &str) -> String {
        match self.quote {
            Some(q) => format!("{q}{}{q}", name.replace(q, &format!("{q}{q}"))),
            None => name.to_string(),
        }
    }

    fn column_list(&self, count: usize) -> String {
        (0..count)
            .map(|i| self.ident(&format!("c{i}")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn relation(&mut self, plan: &LogicalPlan) -> Result<String> {
        match plan {
            LogicalPlan::TableScan(scan) => self.table_scan(scan),
            LogicalPlan::Projection(projection) => self.projection(projection),
            LogicalPlan::Filter(filter) => self.filter(filter),
            LogicalPlan::Aggregate(aggregate) => self.aggregate(aggregate),
            LogicalPlan::Sort(_) | LogicalPlan::Limit(_) => {
                let (input, tail) = peel_ordering(plan)?;
                let (from, alias) = self.derived(input)?;
                let scope = Scope::one(&alias, input.schema());
                let tail = self.tail(&tail, &scope)?;
                Ok(format!("SELECT * FROM {from}{tail}"))
            }
            LogicalPlan::Join(join) => self.join(join),
            LogicalPlan::SubqueryAlias(alias) => self.relation(&alias.input),
            LogicalPlan::Union(union) => {
                let parts = union
                    .inputs
                    .iter()
                    .map(|input| {
                        let (from, _) = self.derived(input)?;
                        Ok(format!("SELECT * FROM {from}"))
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(parts.join(" UNION ALL "))
            }
            LogicalPlan::Distinct(Distinct::All(input)) => {
                let (from, _) = self.derived(input)?;
                Ok(format!("SELECT DISTINCT * FROM {from}"))
            }
            LogicalPlan::Window(window) => {
                let (from, alias) = self.derived(&window.input)?;
                let scope = Scope::one(&alias, window.input.schema());
                let width = window.input.schema().fields().len();
                let mut items = vec![format!("{}.*", self.ident(&alias))];
                for (i, expr) in window.window_expr.iter().enumerate() {
                    let sql = self.expr(expr, &scope)?;
                    items.push(format!(
                        "{sql} AS {}",
                        self.ident(&format!("c{}", width + i))
                    ));
                }
                Ok(format!("SELECT {} FROM {from}", items.join(", ")))
            }
            LogicalPlan::EmptyRelation(empty) => {
                let columns = empty.schema.fields().len();
                let select = if columns == 0 {
                    format!("SELECT 1 AS {}", self.ident("__one"))
                } else {
                    let nulls = empty
                        .schema
                        .fields()
                        .iter()
                        .enumerate()
                        .map(|(i, field)| {
                            let null = Expr::Cast(Cast::new(
                                Box::new(Expr::Literal(
                                    datafusion::common::ScalarValue::try_from(field.data_type())?,
                                    None,
                                )),
                                field.data_type().clone(),
                            ));
                            let sql = self.unparser.expr_to_sql(&null)?.to_string();
                            Ok(format!("{sql} AS {}", self.ident(&format!("c{i}"))))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    format!("SELECT {}", nulls.join(", "))
                };
                Ok(if empty.produce_one_row {
                    select
                } else {
                    format!("{select} WHERE false")
                })
            }
            LogicalPlan::Values(values) => {
                let scope = Scope { inputs: vec![] };
                let rows = values
                    .values
                    .iter()
                    .map(|row| {
                        let cells = row
                            .iter()
                            .map(|e| self.expr(e, &scope))
                            .collect::<Result<Vec<_>>>()?;
                        Ok(format!("({})", cells.join(", ")))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let alias = self.alias();
                Ok(format!(
                    "SELECT * FROM (VALUES {}) AS {}({})",
                    rows.join(", "),
                    self.ident(&alias),
                    self.column_list(values.schema.fields().len())
                ))
            }
            other => Err(unsupported(format!("relation {}", other.display()))),
        }
    }

    /// `(input SQL) AS qN`, and the alias.
    fn derived(&mut self, input: &LogicalPlan) -> Result<(String, String)> {
        let sql = self.relation(input)?;
        let alias = self.alias();
        Ok((format!("({sql}) AS {}", self.ident(&alias)), alias))
    }

    fn table_scan(&mut self, scan: &TableScan) -> Result<String> {
        let schema = scan.source.schema();
        let indices: Vec<usize> = match &scan.projection {
            Some(projection) => projection.clone(),
            None => (0..schema.fields().len()).collect(),
        };
        let columns = indices
            .iter()
            .enumerate()
            .map(|(i, &index)| {
                format!(
                    "{} AS {}",
                    self.ident(schema.field(index).name()),
                    self.ident(&format!("c{i}"))
                )
            })
            .collect::<Vec<_>>();
        let select = if columns.is_empty() {
            format!("1 AS {}", self.ident("__one"))
        } else {
            columns.join(", ")
        };
        let table = scan
            .table_name
            .to_vec()
            .iter()
            .map(|part| self.ident(part))
            .collect::<Vec<_>>()
            .join(".");
        let mut sql = format!("SELECT {select} FROM {table}");
        if !scan.filters.is_empty() {
            // Filters of a scan are written against the table's own (unqualified) columns.
            let predicates = scan
                .filters
                .iter()
                .map(|f| {
                    let plain = f.clone().transform_up(|e| match e {
                        Expr::Column(c) => Ok(Transformed::yes(Expr::Column(
                            Column::new_unqualified(c.name),
                        ))),
                        other => Ok(Transformed::no(other)),
                    })?;
                    Ok(format!("({})", self.unparse(&plain.data)?))
                })
                .collect::<Result<Vec<_>>>()?;
            sql.push_str(&format!(" WHERE {}", predicates.join(" AND ")));
        }
        if let Some(fetch) = scan.fetch {
            sql.push_str(&format!(" LIMIT {fetch}"));
        }
        Ok(sql)
    }

    fn projection(&mut self, projection: &Projection) -> Result<String> {
        // A projection that passes its input's columns through in order adds nothing.
        if is_identity(projection) {
            return self.relation(&projection.input);
        }
        // A projection over a sort or limit keeps the ORDER BY and LIMIT in its own SELECT:
        // an order inside a derived table is not guaranteed to survive it.
        let (input, tail) = peel_ordering(&projection.input)?;
        let (from, alias) = self.derived(input)?;
        let scope = Scope::one(&alias, input.schema());
        let items = projection
            .expr
            .iter()
            .enumerate()
            .map(|(i, e)| {
                Ok(format!(
                    "{} AS {}",
                    self.expr(e, &scope)?,
                    self.ident(&format!("c{i}"))
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let tail = self.tail(&tail, &scope)?;
        Ok(format!(
            "SELECT {} FROM {from}{tail}",
            self.select_list(items)
        ))
    }

    fn filter(&mut self, filter: &Filter) -> Result<String> {
        let (from, alias) = self.derived(&filter.input)?;
        let scope = Scope::one(&alias, filter.input.schema());
        let predicate = self.expr(&filter.predicate, &scope)?;
        Ok(format!("SELECT * FROM {from} WHERE {predicate}"))
    }

    fn aggregate(&mut self, aggregate: &Aggregate) -> Result<String> {
        let grouping_set = match aggregate.group_expr.as_slice() {
            [Expr::GroupingSet(set)] => Some(set),
            keys if keys.iter().any(|e| matches!(e, Expr::GroupingSet(_))) => {
                return Err(unsupported("a grouping set beside other grouping keys"));
            }
            _ => None,
        };
        let (from, alias) = self.derived(&aggregate.input)?;
        let scope = Scope::one(&alias, aggregate.input.schema());
        let keys: Vec<Expr> = match grouping_set {
            Some(set) => set.distinct_expr().into_iter().cloned().collect(),
            None => aggregate.group_expr.clone(),
        };
        let keys = keys
            .iter()
            .map(|e| self.group_key(e, &scope))
            .collect::<Result<Vec<_>>>()?;
        let mut columns = keys.clone();
        let group_by = match grouping_set {
            None if keys.is_empty() => String::new(),
            None => format!(" GROUP BY {}", keys.join(", ")),
            Some(set) => {
                // DataFusion's `__grouping_id` follows the keys: SQL's GROUPING over all of
                // them gives the same bits (first key highest, 1 where the key is rolled up).
                columns.push(grouping_id(self.grouping_id, &keys));
                format!(" GROUP BY {}", self.grouping_set(set, &scope)?)
            }
        };
        for e in &aggregate.aggr_expr {
            columns.push(self.expr(e, &scope)?);
        }
        let items = columns
            .iter()
            .enumerate()
            .map(|(i, sql)| format!("{sql} AS {}", self.ident(&format!("c{i}"))))
            .collect::<Vec<_>>();
        let select = self.select_list(items);
        Ok(format!("SELECT {select} FROM {from}{group_by}"))
    }

    /// A grouping key; a constant one is cast, so a bare integer is not read as a select-list
    /// position.
    fn group_key(&mut self, key: &Expr, scope: &Scope<'_>) -> Result<String> {
        match strip_alias(key) {
            Expr::Literal(value, _) => {
                let data_type = value.data_type();
                self.expr(
                    &Expr::Cast(Cast::new(Box::new(key.clone()), data_type)),
                    scope,
                )
            }
            _ => self.expr(key, scope),
        }
    }

    /// `GROUPING SETS (...)`, `ROLLUP (...)` or `CUBE (...)`.
    fn grouping_set(&mut self, set: &GroupingSet, scope: &Scope<'_>) -> Result<String> {
        let list = |writer: &mut Self, keys: &[Expr]| -> Result<String> {
            let keys = keys
                .iter()
                .map(|e| writer.group_key(e, scope))
                .collect::<Result<Vec<_>>>()?;
            Ok(format!("({})", keys.join(", ")))
        };
        Ok(match set {
            GroupingSet::Rollup(keys) => format!("ROLLUP {}", list(self, keys)?),
            GroupingSet::Cube(keys) => format!("CUBE {}", list(self, keys)?),
            GroupingSet::GroupingSets(sets) => {
                // A set named twice yields its rows twice, told apart in DataFusion only by
                // high bits of `__grouping_id` that SQL's GROUPING cannot give.
                let mut seen: Vec<Vec<&Expr>> = Vec::new();
                for keys in sets {
                    let mut sorted: Vec<&Expr> = keys.iter().collect();
                    sorted.sort_by_key(|e| e.to_string());
                    sorted.dedup();
                    if seen.contains(&sorted) {
                        return Err(unsupported("a grouping set named twice"));
                    }
                    seen.push(sorted);
                }
                let lists = sets
                    .iter()
                    .map(|keys| list(self, keys))
                    .collect::<Result<Vec<_>>>()?;
                format!("GROUPING SETS ({})", lists.join(", "))
            }
        })
    }

    fn join(&mut self, join: &datafusion::logical_expr::Join) -> Result<String> {
        let (left_from, left_alias) = self.derived(&join.left)?;
        let (right_from, right_alias) = self.derived(&join.right)?;
        let scope = Scope {
            inputs: vec![
                (left_alias.clone(), join.left.schema().as_ref()),
                (right_alias.clone(), join.right.schema().as_ref()),
            ],
        };
        let equal = match join.null_equality {
            NullEquality::NullEqualsNothing => "=",
            NullEquality::NullEqualsNull => "IS NOT DISTINCT FROM",
        };
        let mut conditions = join
            .on
            .iter()
            .map(|(l, r)| {
                Ok(format!(
                    "({} {equal} {})",
                    self.expr(l, &scope)?,
                    self.expr(r, &scope)?
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some(filter) = &join.filter {
            conditions.push(format!("({})", self.expr(filter, &scope)?));
        }
        let condition = if conditions.is_empty() {
            "TRUE".to_string()
        } else {
            conditions.join(" AND ")
        };
        let left_width = join.left.schema().fields().len();
        let right_width = join.right.schema().fields().len();
        let columns = |writer: &Self, alias: &str, width: usize, offset: usize| -> Vec<String> {
            (0..width)
                .map(|i| {
                    format!(
                        "{}.{} AS {}",
                        writer.ident(alias),
                        writer.ident(&format!("c{i}")),
                        writer.ident(&format!("c{}", offset + i))
                    )
                })
                .collect()
        };
        let both = |writer: &Self| {
            let mut all = columns(writer, &left_alias, left_width, 0);
            all.extend(columns(writer, &right_alias, right_width, left_width));
            writer.select_list(all)
        };
        Ok(match join.join_type {
            JoinType::Inner | JoinType::Left | JoinType::Right | JoinType::Full => {
                let kind = match join.join_type {
                    JoinType::Inner => "INNER JOIN",
                    JoinType::Left => "LEFT OUTER JOIN",
                    JoinType::Right => "RIGHT OUTER JOIN",
                    _ => "FULL OUTER JOIN",
                };
                format!(
                    "SELECT {} FROM {left_from} {kind} {right_from} ON {condition}",
                    both(self)
                )
            }
            JoinType::LeftSemi | JoinType::LeftAnti if join.null_aware => {
                let [(probe, key)] = join.on.as_slice() else {
                    return Err(unsupported("a null-aware anti join on several keys"));
                };
                let filter = match &join.filter {
                    Some(f) => format!(" WHERE {}", self.expr(f, &scope)?),
                    None => String::new(),
                };
                let not = if join.join_type == JoinType::LeftAnti {
                    "NOT "
                } else {
                    ""
                };
                let probe = self.expr(probe, &scope)?;
                let key = self.expr(key, &scope)?;
                format!(
                    "SELECT {} FROM {left_from} WHERE {probe} {not}IN (SELECT {key} FROM {right_from}{filter})",
                    self.select_list(columns(self, &left_alias, left_width, 0)),
                )
            }
            JoinType::LeftSemi | JoinType::LeftAnti => {
                let not = if join.join_type == JoinType::LeftAnti {
                    "NOT "
                } else {
                    ""
                };
                format!(
                    "SELECT {} FROM {left_from} WHERE {not}EXISTS (SELECT 1 FROM {right_from} WHERE {condition})",
                    self.select_list(columns(self, &left_alias, left_width, 0))
                )
            }
            JoinType::RightSemi | JoinType::RightAnti => {
                let not = if join.join_type == JoinType::RightAnti {
                    "NOT "
                } else {
                    ""
                };
                format!(
                    "SELECT {} FROM {right_from} WHERE {not}EXISTS (SELECT 1 FROM {left_from} WHERE {condition})",
                    self.select_list(columns(self, &right_alias, right_width, 0))
                )
            }
            JoinType::LeftMark => {
                let mut items = columns(self, &left_alias, left_width, 0);
                items.push(format!(
                    "EXISTS (SELECT 1 FROM {right_from} WHERE {condition}) AS {}",
                    self.ident(&format!("c{left_width}"))
                ));
                format!("SELECT {} FROM {left_from}", items.join(", "))
            }
            JoinType::RightMark => return Err(unsupported("a right mark join")),
        })
    }

    /// `ORDER BY ... LIMIT ... OFFSET ...` for an ordering peeled off the input.
    fn tail(&mut self, tail: &Ordering<'_>, scope: &Scope<'_>) -> Result<String> {
        let mut sql = String::new();
        if let Some(order) = tail.order {
            let keys = self.order_by(order, scope)?;
            if !keys.is_empty() {
                sql.push_str(&format!(" ORDER BY {keys}"));
            }
        }
        if let Some(fetch) = tail.fetch {
            sql.push_str(&format!(" LIMIT {fetch}"));
        }
        if tail.skip > 0 {
            sql.push_str(&format!(" OFFSET {}", tail.skip));
        }
        Ok(sql)
    }

    /// Items of a select list; a `SELECT` must select something, so an empty list selects a
    /// constant that no parent reads.
    fn select_list(&self, items: Vec<String>) -> String {
        if items.is_empty() {
            format!("1 AS {}", self.ident("__one"))
        } else {
            items.join(", ")
        }
    }

    fn order_by(&mut self, keys: &[SortExpr], scope: &Scope<'_>) -> Result<String> {
        // A constant key orders nothing, and a bare integer would be read as a position.
        keys.iter()
            .filter(|key| !matches!(key.expr, Expr::Literal(_, _)))
            .map(|key| {
                let direction = if key.asc { "ASC" } else { "DESC" };
                let nulls = match (self.drop_null_ordering, key.nulls_first) {
                    (true, _) => "",
                    (false, true) => " NULLS FIRST",
                    (false, false) => " NULLS LAST",
                };
                Ok(format!(
                    "{} {direction}{nulls}",
                    self.expr(&key.expr, scope)?
                ))
            })
            .collect::<Result<Vec<_>>>()
            .map(|keys| keys.join(", "))
    }

    /// An expression over `scope`'s columns, as SQL text.
    fn expr(&mut self, expr: &Expr, scope: &Scope<'_>) -> Result<String> {
        let expr = strip_alias(expr);
        let rewritten = expr
            .clone()
            .transform_up(|e| match e {
                Expr::Column(column) => Ok(Transformed::yes(Expr::Column(scope.resolve(&column)?))),
                // A bare NULL is text to PostgreSQL in a derived table: say its type.
                Expr::Literal(value, metadata)
                    if value.is_null() && !value.data_type().is_null() =>
                {
                    let data_type = value.data_type();
                    Ok(Transformed::yes(Expr::Cast(Cast::new(
                        Box::new(Expr::Literal(value, metadata)),
                        data_type,
                    ))))
                }
                Expr::OuterReferenceColumn(_, column) => {
                    Ok(Transformed::yes(Expr::Column(self.resolve_outer(&column)?)))
                }
                Expr::ScalarSubquery(subquery) => {
                    let sql = self.subquery(&subquery, scope)?;
                    Ok(Transformed::yes(self.placeholder(format!("({sql})"))))
                }
                Expr::Exists(Exists { subquery, negated }) => {
                    let sql = self.subquery(&subquery, scope)?;
                    let not = if negated { "NOT " } else { "" };
                    Ok(Transformed::yes(
                        self.placeholder(format!("{not}EXISTS ({sql})")),
                    ))
                }
                Expr::InSubquery(InSubquery {
                    expr,
                    subquery,
                    negated,
                }) => {
                    let probe = self.unparse(&expr)?;
                    let sql = self.subquery(&subquery, scope)?;
                    let not = if negated { "NOT " } else { "" };
                    Ok(Transformed::yes(
                        self.placeholder(format!("({probe} {not}IN ({sql}))")),
                    ))
                }
                other => Ok(Transformed::no(other)),
            })?
            .data;
        self.unparse(&rewritten)
    }

    /// A subquery written inside `scope`, which its correlated references may name.
    fn subquery(&mut self, subquery: &Subquery, scope: &Scope<'_>) -> Result<String> {
        self.outer.push(
            scope
                .inputs
                .iter()
                .map(|(alias, schema)| (alias.clone(), (*schema).clone()))
                .collect(),
        );
        let written = self.derived(&subquery.subquery);
        self.outer.pop();
        let (from, _) = written?;
        Ok(format!("SELECT * FROM {from}"))
    }

    /// A correlated reference as `alias.cN` of the nearest enclosing scope that has it.
    /// Aliases are unique in the whole statement, so the name reaches across nesting.
    fn resolve_outer(&self, column: &Column) -> Result<Column> {
        self.outer
            .iter()
            .rev()
            .flat_map(|scope| scope.iter())
            .find_map(|(alias, schema)| {
                let index = schema.maybe_index_of_column(column)?;
                Some(Column::new(Some(alias.as_str()), format!("c{index}")))
            })
            .ok_or_else(|| {
                DataFusionError::Plan(format!(
                    "the correlated column {column} is in no enclosing query"
                ))
            })
    }

    fn placeholder(&mut self, sql: String) -> Expr {
        let name = format!("__switchyard_subquery_{}", self.subqueries.len());
        self.subqueries.insert(self.ident(&name), sql);
        Expr::Column(Column::new_unqualified(name))
    }

    fn splice_subqueries(&self, mut sql: String) -> String {
        // Later placeholders may sit inside earlier ones' text; repeat until none is left.
        for _ in 0..=self.subqueries.len() {
            let mut changed = false;
            for (placeholder, text) in &self.subqueries {
                if sql.contains(placeholder.as_str()) {
                    sql = sql.replace(placeholder.as_str(), text);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        sql
    }

    fn unparse(&self, expr: &Expr) -> Result<String> {
        Ok(self.unparser.expr_to_sql(expr)?.to_string())
    }
}

/// An ordering, fetch and offset peeled off a relation, applied in the `SELECT` above it.
struct Ordering<'p> {
    order: Option<&'p [SortExpr]>,
    fetch: Option<usize>,
    skip: usize,
}

/// Splits a `Sort`, a `Limit`, or a `Limit` over a `Sort` off `plan`: the relation underneath
/// and what to apply to it in one `SELECT` (an order in a derived table is not guaranteed to
/// survive, so it must be in the same `SELECT` as the limit and the projection).
fn peel_ordering(plan: &LogicalPlan) -> Result<(&LogicalPlan, Ordering<'_>)> {
    let none = Ordering {
        order: None,
        fetch: None,
        skip: 0,
    };
    Ok(match plan {
        LogicalPlan::Sort(sort) => (
            sort.input.as_ref(),
            Ordering {
                order: Some(&sort.expr),
                fetch: sort.fetch,
                skip: 0,
            },
        ),
        LogicalPlan::Limit(limit) => {
            let skip = match limit.get_skip_type()? {
                SkipType::Literal(n) => n,
                SkipType::UnsupportedExpr => return Err(unsupported("a computed OFFSET")),
            };
            let fetch = match limit.get_fetch_type()? {
                FetchType::Literal(n) => n,
                FetchType::UnsupportedExpr => return Err(unsupported("a computed LIMIT")),
            };
            match limit.input.as_ref() {
                // The sort keeps its first `sort.fetch` rows, then the limit skips and takes.
                LogicalPlan::Sort(sort) => {
                    let after_sort = sort.fetch.map(|f| f.saturating_sub(skip));
                    let fetch = match (after_sort, fetch) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    (
                        sort.input.as_ref(),
                        Ordering {
                            order: Some(&sort.expr),
                            fetch,
                            skip,
                        },
                    )
                }
                other => (
                    other,
                    Ordering {
                        order: None,
                        fetch,
                        skip,
                    },
                ),
            }
        }
        other => (other, none),
    })
}

impl<'s> Scope<'s> {
    fn one(alias: &str, schema: &'s Arc<DFSchema>) -> Self {
        Self {
            inputs: vec![(alias.to_string(), schema.as_ref())],
        }
    }

    /// `column` as `alias.cN`.
    fn resolve(&self, column: &Column) -> Result<Column> {
        for (alias, schema) in &self.inputs {
            if let Some(index) = schema.maybe_index_of_column(column) {
                return Ok(Column::new(Some(alias.as_str()), format!("c{index}")));
            }
        }
        // Placeholders for subqueries pass through untouched.
        if column.relation.is_none() && column.name.starts_with("__switchyard_subquery_") {
            return Ok(column.clone());
        }
        Err(DataFusionError::Plan(format!(
            "column {column} is not in the input of the expression that uses it"
        )))
    }
}

/// `Limit(Projection(Sort))` as `Projection(Limit(Sort))`, the same rows: the projection's
/// `SELECT` then holds the `ORDER BY` and the `LIMIT` together. DataFusion's planner puts a
/// sort by a column the query does not return under the projection that drops it, and the
/// limit above both; written as it stands, the order would sit in a derived table the limit
/// is taken from, which SQL does not promise to keep.
fn limits_below_projections(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|node| match node {
        LogicalPlan::Limit(limit) => match limit.input.as_ref() {
            LogicalPlan::Projection(projection)
                if matches!(projection.input.as_ref(), LogicalPlan::Sort(_)) =>
            {
                let below = LogicalPlan::Limit(Limit {
                    skip: limit.skip.clone(),
                    fetch: limit.fetch.clone(),
                    input: Arc::clone(&projection.input),
                });
                let moved = Projection::try_new(projection.expr.clone(), Arc::new(below))?;
                Ok(Transformed::yes(LogicalPlan::Projection(moved)))
            }
            _ => Ok(Transformed::no(LogicalPlan::Limit(limit))),
        },
        other => Ok(Transformed::no(other)),
    })
    .map(|t| t.data)
}

/// Whether `projection` selects exactly its input's columns, in order.
fn is_identity(projection: &Projection) -> bool {
    let input = projection.input.schema();
    projection.expr.len() == input.fields().len()
        && projection.expr.iter().enumerate().all(|(i, expr)| {
            matches!(strip_alias(expr), Expr::Column(column)
                if input.maybe_index_of_column(column) == Some(i))
        })
}

fn strip_alias(expr: &Expr) -> &Expr {
    match expr {
        Expr::Alias(alias) => strip_alias(&alias.expr),
        other => other,
    }
}
