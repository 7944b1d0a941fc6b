//! Random, well-typed queries over the catalog's tables, from a seed.
//!
//! Every choice keeps the answer deterministic and the meaning the same in DataFusion's SQL
//! (what Switchyard's producer compiles) and DuckDB's (the reference): row order matters only
//! under an `ORDER BY` of every output column; order-sensitive window functions sort by every
//! column of their input; there is no `/` (integer division differs) and `%` only by a
//! positive constant; no cast turns a fraction into an integer (DataFusion truncates, DuckDB
//! rounds) or a float into text (the digits printed differ).

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::ast::{
    AggFunc, BinOp, Body, Expr, Join, JoinKind, OutputOrder, Query, Select, SetOp, SortKey,
    TableRef, Type, WindowFunc,
};
use super::schema::{FuzzTable, join_key};

/// The tables in a `FROM`: each alias with its table.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    tables: Vec<(String, FuzzTable)>,
}

impl Scope {
    fn columns(&self) -> impl Iterator<Item = Expr> + '_ {
        self.tables.iter().flat_map(|(alias, table)| {
            table.columns.iter().map(move |(name, ty)| Expr::Column {
                table: alias.clone(),
                name: name.clone(),
                ty: *ty,
            })
        })
    }

    fn columns_of(&self, ty: Type) -> Vec<Expr> {
        self.columns().filter(|c| c.ty() == ty).collect()
    }
}

/// What an expression may contain where it is generated.
#[derive(Debug, Clone, Copy)]
struct Allow<'a> {
    /// Subqueries, correlated to this scope.
    subqueries: Option<&'a Scope>,
}

const NO_SUBQUERIES: Allow<'static> = Allow { subqueries: None };

const VALUE_TYPES: [Type; 5] = [
    Type::Int,
    Type::Decimal,
    Type::Double,
    Type::Text,
    Type::Date,
];

/// The query generator.
#[derive(Debug)]
pub struct Generator {
    rng: ChaCha8Rng,
    tables: Vec<FuzzTable>,
    next_alias: usize,
}

impl Generator {
    /// A generator over `tables` whose choices follow from `seed`.
    pub fn new(tables: Vec<FuzzTable>, seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            tables,
            next_alias: 0,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n.max(1))
    }

    fn alias(&mut self, prefix: &str) -> String {
        self.next_alias += 1;
        format!("{prefix}{}", self.next_alias)
    }

    /// A new random query; `None` only when the catalog has no usable table.
    pub fn query(&mut self) -> Option<Query> {
        self.next_alias = 0;
        let (select, _) = match self.below(100) {
            0..20 => self.aggregated_select()?,
            20..30 => self.window_select()?,
            _ => self.plain_select(true)?,
        };
        let set = if self.chance(0.15) {
            let types: Vec<Type> = select.items.iter().map(Expr::ty).collect();
            let op = *[
                SetOp::UnionAll,
                SetOp::Union,
                SetOp::Intersect,
                SetOp::Except,
            ]
            .choose(&mut self.rng)?;
            Some((op, Box::new(self.select_of_types(&types)?)))
        } else {
            None
        };
        let mut query = Query {
            body: Body { select, set },
            order: vec![],
            limit: None,
            offset: None,
        };
        if self.chance(0.4) {
            query.order = (0..query.width())
                .map(|_| OutputOrder {
                    asc: self.chance(0.6),
                    nulls_first: self.chance(0.5),
                })
                .collect();
            if self.chance(0.5) {
                query.limit = Some(self.rng.random_range(0..20));
            }
            if self.chance(0.3) {
                query.offset = Some(self.rng.random_range(0..10));
            }
        }
        Some(query)
    }

    /// The predicate the ternary-logic oracle partitions `select`'s rows by: over the tables
    /// of its `FROM`, no subqueries.
    pub fn partition_predicate(&mut self, select: &Select) -> Expr {
        let scope = self.scope_of(select);
        self.predicate(&scope, 2, NO_SUBQUERIES)
    }

    fn scope_of(&self, select: &Select) -> Scope {
        let refs = std::iter::once(&select.from).chain(select.joins.iter().map(|j| &j.table));
        Scope {
            tables: refs
                .filter_map(|r| {
                    let table = self.tables.iter().find(|t| t.name == r.table)?;
                    Some((r.alias.clone(), table.clone()))
                })
                .collect(),
        }
    }

    fn pick_table(&mut self, filter: impl Fn(&FuzzTable) -> bool) -> Option<FuzzTable> {
        let candidates: Vec<&FuzzTable> = self.tables.iter().filter(|t| filter(t)).collect();
        candidates
            .choose_weighted(&mut self.rng, |t| t.weight)
            .ok()
            .map(|t| (*t).clone())
    }

    /// A `FROM` with up to two joins.
    fn from(&mut self) -> Option<(TableRef, Vec<Join>, Scope)> {
        let base = self.pick_table(|_| true)?;
        let from = TableRef {
            table: base.name.clone(),
            alias: self.alias("t"),
        };
        let mut scope = Scope {
            tables: vec![(from.alias.clone(), base)],
        };
        let mut joins = Vec::new();
        let count = match self.below(100) {
            0..55 => 0,
            55..85 => 1,
            _ => 2,
        };
        for _ in 0..count {
            if let Some(join) = self.join(&scope) {
                let table = self
                    .tables
                    .iter()
                    .find(|t| t.name == join.table.table)
                    .cloned()?;
                scope.tables.push((join.table.alias.clone(), table));
                joins.push(join);
            }
        }
        Some((from, joins, scope))
    }

    fn join(&mut self, scope: &Scope) -> Option<Join> {
        let all_small = scope.tables.iter().all(|(_, t)| t.is_small());
        if all_small && self.chance(0.15) {
            let table = self.pick_table(FuzzTable::is_small)?;
            return Some(Join {
                kind: JoinKind::Cross,
                table: TableRef {
                    table: table.name,
                    alias: self.alias("t"),
                },
                on: None,
            });
        }
        // Tables sharing a key with one in scope.
        let keys: Vec<(Expr, String)> = scope
            .columns()
            .filter_map(|c| match &c {
                Expr::Column { name, .. } => join_key(name).map(|k| (c.clone(), k.to_string())),
                _ => None,
            })
            .collect();
        let table = self.pick_table(|t| {
            t.columns
                .iter()
                .any(|(name, _)| join_key(name).is_some_and(|k| keys.iter().any(|(_, o)| o == k)))
        })?;
        let alias = self.alias("t");
        let mut pairs: Vec<Expr> = Vec::new();
        for (name, ty) in &table.columns {
            for (outer, key) in &keys {
                if join_key(name) == Some(key.as_str()) {
                    pairs.push(Expr::binary(
                        BinOp::Eq,
                        outer.clone(),
                        Expr::Column {
                            table: alias.clone(),
                            name: name.clone(),
                            ty: *ty,
                        },
                    ));
                }
            }
        }
        let mut on = pairs.choose(&mut self.rng)?.clone();
        let kind = *[
            JoinKind::Inner,
            JoinKind::Inner,
            JoinKind::Left,
            JoinKind::Right,
            JoinKind::Full,
        ]
        .choose(&mut self.rng)?;
        if self.chance(0.25) {
            let mut both = scope.clone();
            both.tables.push((alias.clone(), table.clone()));
            let extra = self.predicate(&both, 1, NO_SUBQUERIES);
            on = Expr::binary(BinOp::And, on, extra);
        }
        Some(Join {
            kind,
            table: TableRef {
                table: table.name,
                alias,
            },
            on: Some(on),
        })
    }

    fn filter(&mut self, scope: &Scope, p: f64) -> Option<Expr> {
        self.chance(p).then(|| {
            self.predicate(
                scope,
                2,
                Allow {
                    subqueries: Some(scope),
                },
            )
        })
    }

    fn plain_select(&mut self, subqueries: bool) -> Option<(Select, Scope)> {
        let (from, joins, scope) = self.from()?;
        let allow = Allow {
            subqueries: subqueries.then_some(&scope),
        };
        let count = 1 + self.below(4);
        let items = (0..count)
            .map(|_| {
                let ty = self.value_type();
                self.expr(&scope, ty, 2, allow)
            })
            .collect();
        let filter = self.filter(&scope, 0.6);
        let select = Select {
            distinct: self.chance(0.15),
            items,
            from,
            joins,
            filter,
            group_by: vec![],
            having: None,
            aggregated: false,
        };
        Some((select, scope))
    }

    fn aggregated_select(&mut self) -> Option<(Select, Scope)> {
        let (from, joins, scope) = self.from()?;
        let keys: Vec<Expr> = (0..self.below(3))
            .map(|_| {
                if self.chance(0.8) {
                    let columns: Vec<Expr> = scope.columns().collect();
                    columns.choose(&mut self.rng).cloned()
                } else {
                    let ty = self.value_type();
                    Some(self.expr(&scope, ty, 1, NO_SUBQUERIES))
                }
            })
            .collect::<Option<_>>()?;
        let mut items: Vec<Expr> = keys.iter().filter(|_| self.chance(0.8)).cloned().collect();
        for _ in 0..1 + self.below(3) {
            let aggregate = self.aggregate(&scope);
            items.push(aggregate);
        }
        let having = self.chance(0.4).then(|| {
            let aggregate = self.aggregate(&scope);
            let ty = aggregate.ty();
            let other = self.literal(ty);
            let op = self.comparison_op();
            Expr::binary(op, aggregate, other)
        });
        let filter = self.filter(&scope, 0.5);
        let select = Select {
            distinct: self.chance(0.1),
            items,
            from,
            joins,
            filter,
            group_by: keys,
            having,
            aggregated: true,
        };
        Some((select, scope))
    }

    fn window_select(&mut self) -> Option<(Select, Scope)> {
        let (mut select, scope) = self.plain_select(false)?;
        let window = self.window(&scope)?;
        let at = self.below(select.items.len() + 1);
        select.items.insert(at, window);
        Some((select, scope))
    }

    /// A plain `SELECT` whose items have `types`, for the second input of a set operation.
    fn select_of_types(&mut self, types: &[Type]) -> Option<Select> {
        let (from, joins, scope) = self.from()?;
        let items = types
            .iter()
            .map(|ty| self.expr(&scope, *ty, 1, NO_SUBQUERIES))
            .collect();
        let filter = self.filter(&scope, 0.5);
        Some(Select {
            distinct: false,
            items,
            from,
            joins,
            filter,
            group_by: vec![],
            having: None,
            aggregated: false,
        })
    }

    fn value_type(&mut self) -> Type {
        if self.chance(0.1) {
            Type::Bool
        } else {
            VALUE_TYPES[self.below(VALUE_TYPES.len())]
        }
    }

    fn comparison_op(&mut self) -> BinOp {
        const OPS: [BinOp; 7] = [
            BinOp::Eq,
            BinOp::NotEq,
            BinOp::Lt,
            BinOp::LtEq,
            BinOp::Gt,
            BinOp::GtEq,
            BinOp::DistinctFrom,
        ];
        OPS[self.below(OPS.len())]
    }

    fn aggregate(&mut self, scope: &Scope) -> Expr {
        let func = [
            AggFunc::Count,
            AggFunc::Sum,
            AggFunc::Avg,
            AggFunc::Min,
            AggFunc::Max,
            AggFunc::StddevSamp,
        ][self.below(6)];
        let arg_ty = match func {
            AggFunc::Count => self.value_type(),
            AggFunc::Sum | AggFunc::Avg => [Type::Int, Type::Decimal, Type::Double][self.below(3)],
            AggFunc::Min | AggFunc::Max => VALUE_TYPES[self.below(VALUE_TYPES.len())],
            AggFunc::StddevSamp => [Type::Int, Type::Double][self.below(2)],
        };
        if func == AggFunc::Count && self.chance(0.3) {
            return Expr::Aggregate {
                func,
                arg: None,
                distinct: false,
                ty: Type::Int,
            };
        }
        let arg = self.expr(scope, arg_ty, 1, NO_SUBQUERIES);
        let ty = aggregate_type(func, arg_ty);
        Expr::Aggregate {
            func,
            arg: Some(Box::new(arg)),
            distinct: func != AggFunc::StddevSamp && self.chance(0.15),
            ty,
        }
    }

    fn window(&mut self, scope: &Scope) -> Option<Expr> {
        let func = match self.below(5) {
            0 => WindowFunc::RowNumber,
            1 => WindowFunc::Rank,
            2 => WindowFunc::DenseRank,
            3 => WindowFunc::Lag,
            _ => WindowFunc::Aggregate(
                [
                    AggFunc::Count,
                    AggFunc::Sum,
                    AggFunc::Min,
                    AggFunc::Max,
                    AggFunc::Avg,
                ][self.below(5)],
            ),
        };
        let columns: Vec<Expr> = scope.columns().collect();
        let partition = (0..self.below(2))
            .filter_map(|_| columns.choose(&mut self.rng).cloned())
            .collect();
        let key = |generator: &mut Self, expr: Expr| SortKey {
            expr,
            asc: generator.chance(0.6),
            nulls_first: generator.chance(0.5),
        };
        let keys = match func {
            // Ties would make the answer depend on the engine: sort by every column, so rows
            // that tie are equal and their numbers or predecessors interchangeable.
            WindowFunc::RowNumber | WindowFunc::Lag => columns.len(),
            WindowFunc::Rank | WindowFunc::DenseRank => 1 + self.below(2),
            WindowFunc::Aggregate(_) => self.below(3),
        };
        let mut order = Vec::new();
        for index in 0..keys {
            let column = match func {
                WindowFunc::RowNumber | WindowFunc::Lag => columns.get(index).cloned(),
                _ => columns.choose(&mut self.rng).cloned(),
            };
            if let Some(column) = column {
                order.push(key(self, column));
            }
        }
        let (arg, ty) = match func {
            WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => (None, Type::Int),
            WindowFunc::Lag => {
                let ty = self.value_type();
                (Some(self.leaf(scope, ty)), ty)
            }
            WindowFunc::Aggregate(agg) => {
                let arg_ty = match agg {
                    AggFunc::Sum | AggFunc::Avg => {
                        [Type::Int, Type::Decimal, Type::Double][self.below(3)]
                    }
                    _ => VALUE_TYPES[self.below(VALUE_TYPES.len())],
                };
                (Some(self.leaf(scope, arg_ty)), aggregate_type(agg, arg_ty))
            }
        };
        Some(Expr::Window {
            func,
            arg: arg.map(Box::new),
            partition,
            order,
            ty,
        })
    }

    /// A column of `ty` from the scope, or a constant.
    fn leaf(&mut self, scope: &Scope, ty: Type) -> Expr {
        if ty == Type::Bool {
            return self.predicate(scope, 0, NO_SUBQUERIES);
        }
        let columns = scope.columns_of(ty);
        if !columns.is_empty()
            && self.chance(0.8)
            && let Some(column) = columns.choose(&mut self.rng)
        {
            return column.clone();
        }
        self.literal(ty)
    }

    /// A constant of `ty`, sometimes `NULL`.
    fn literal(&mut self, ty: Type) -> Expr {
        if self.chance(0.06) {
            return Expr::null(ty);
        }
        let pick = |g: &mut Self, values: &[&str]| values[g.below(values.len())].to_string();
        let sql = match ty {
            Type::Int => pick(
                self,
                &[
                    "0", "1", "2", "-1", "3", "5", "7", "10", "24", "100", "1000",
                ],
            ),
            Type::Decimal => format!(
                "CAST({} AS DECIMAL(15,2))",
                pick(
                    self,
                    &[
                        "0.00", "1.50", "-3.25", "100.00", "1000.01", "5000.50", "0.01"
                    ]
                )
            ),
            Type::Double => format!(
                "CAST({} AS DOUBLE)",
                pick(self, &["0.0", "1.5", "-2.25", "0.05", "1000.0", "1e10"])
            ),
            Type::Text => format!(
                "'{}'",
                pick(
                    self,
                    &[
                        "",
                        "a",
                        "A",
                        "ASIA",
                        "BRAZIL",
                        "abc",
                        "Supplier#000000001",
                        " ",
                        "F",
                        "O"
                    ]
                )
            ),
            Type::Date => format!(
                "DATE '{}'",
                pick(
                    self,
                    &[
                        "1970-01-01",
                        "1992-01-01",
                        "1995-06-17",
                        "1998-12-31",
                        "1999-12-31",
                        "2000-01-01",
                        "2000-02-29"
                    ]
                )
            ),
            Type::Bool => pick(self, &["TRUE", "FALSE"]),
        };
        Expr::literal(sql, ty)
    }

    /// An expression of `ty`, `depth` levels deep at most.
    fn expr(&mut self, scope: &Scope, ty: Type, depth: u32, allow: Allow<'_>) -> Expr {
        if ty == Type::Bool {
            return self.predicate(scope, depth, allow);
        }
        if depth == 0 || self.chance(0.35) {
            return self.leaf(scope, ty);
        }
        let d = depth - 1;
        let form = self.below(8);
        // Forms every type has.
        match form {
            0 => return self.case(scope, ty, d, allow),
            1 => {
                let args = vec![
                    self.expr(scope, ty, d, allow),
                    self.expr(scope, ty, d, allow),
                ];
                return Expr::Function {
                    name: "COALESCE",
                    args,
                    ty,
                };
            }
            2 if allow.subqueries.is_some() && self.chance(0.5) => {
                if let Some(subquery) = self.scalar_subquery(allow.subqueries, ty) {
                    return subquery;
                }
            }
            _ => {}
        }
        match ty {
            Type::Int => match form % 5 {
                0 => {
                    let op = [BinOp::Plus, BinOp::Minus, BinOp::Times][self.below(3)];
                    Expr::binary(
                        op,
                        self.expr(scope, Type::Int, d, allow),
                        self.expr(scope, Type::Int, d, allow),
                    )
                }
                1 => Expr::binary(
                    BinOp::Modulo,
                    self.expr(scope, Type::Int, d, allow),
                    Expr::literal((2 + self.below(8)).to_string(), Type::Int),
                ),
                2 => Expr::Function {
                    name: "LENGTH",
                    args: vec![self.expr(scope, Type::Text, d, allow)],
                    ty,
                },
                3 => Expr::Function {
                    name: "date_part",
                    args: vec![
                        Expr::literal("'year'", Type::Text),
                        self.expr(scope, Type::Date, d, allow),
                    ],
                    ty,
                },
                _ => Expr::Negate(Box::new(self.expr(scope, Type::Int, d, allow))),
            },
            Type::Decimal | Type::Double => match form % 4 {
                0 => {
                    let op = [BinOp::Plus, BinOp::Minus, BinOp::Times][self.below(3)];
                    let other = if self.chance(0.5) { Type::Int } else { ty };
                    Expr::binary(
                        op,
                        self.expr(scope, ty, d, allow),
                        self.expr(scope, other, d, allow),
                    )
                }
                1 => {
                    let from = if ty == Type::Double && self.chance(0.5) {
                        Type::Decimal
                    } else {
                        Type::Int
                    };
                    Expr::Cast {
                        arg: Box::new(self.expr(scope, from, d, allow)),
                        to: ty,
                    }
                }
                2 => Expr::Function {
                    name: "ABS",
                    args: vec![self.expr(scope, ty, d, allow)],
                    ty,
                },
                _ => Expr::Negate(Box::new(self.expr(scope, ty, d, allow))),
            },
            Type::Text => match form % 5 {
                0 => Expr::binary(
                    BinOp::Concat,
                    self.expr(scope, Type::Text, d, allow),
                    self.expr(scope, Type::Text, d, allow),
                ),
                1 => {
                    let name = ["UPPER", "LOWER", "TRIM"][self.below(3)];
                    Expr::Function {
                        name,
                        args: vec![self.expr(scope, Type::Text, d, allow)],
                        ty,
                    }
                }
                2 => Expr::Function {
                    name: "SUBSTR",
                    args: vec![
                        self.expr(scope, Type::Text, d, allow),
                        Expr::literal((1 + self.below(3)).to_string(), Type::Int),
                        Expr::literal((1 + self.below(5)).to_string(), Type::Int),
                    ],
                    ty,
                },
                _ => {
                    let from = [Type::Int, Type::Date, Type::Decimal][self.below(3)];
                    Expr::Cast {
                        arg: Box::new(self.expr(scope, from, d, allow)),
                        to: Type::Text,
                    }
                }
            },
            Type::Date | Type::Bool => self.leaf(scope, ty),
        }
    }

    fn case(&mut self, scope: &Scope, ty: Type, depth: u32, allow: Allow<'_>) -> Expr {
        let branches = (0..1 + self.below(2))
            .map(|_| {
                (
                    self.predicate(scope, depth, allow),
                    self.expr(scope, ty, depth, allow),
                )
            })
            .collect();
        let otherwise = self
            .chance(0.7)
            .then(|| Box::new(self.expr(scope, ty, depth, allow)));
        Expr::Case {
            branches,
            otherwise,
        }
    }

    /// A boolean expression, `depth` levels deep at most.
    fn predicate(&mut self, scope: &Scope, depth: u32, allow: Allow<'_>) -> Expr {
        let form = if depth == 0 { 0 } else { self.below(11) };
        let d = depth.saturating_sub(1);
        match form {
            1 | 2 => {
                let op = if form == 1 { BinOp::And } else { BinOp::Or };
                Expr::binary(
                    op,
                    self.predicate(scope, d, allow),
                    self.predicate(scope, d, allow),
                )
            }
            3 => Expr::Not(Box::new(self.predicate(scope, d, allow))),
            4 => {
                let ty = self.value_type();
                Expr::IsNull {
                    arg: Box::new(self.expr(scope, ty, d, allow)),
                    negated: self.chance(0.5),
                }
            }
            5 => {
                let ty = VALUE_TYPES[self.below(VALUE_TYPES.len())];
                let list = (0..1 + self.below(4)).map(|_| self.literal(ty)).collect();
                Expr::InList {
                    arg: Box::new(self.expr(scope, ty, d, allow)),
                    list,
                    negated: self.chance(0.3),
                }
            }
            6 => {
                let ty = VALUE_TYPES[self.below(VALUE_TYPES.len())];
                Expr::Between {
                    arg: Box::new(self.expr(scope, ty, d, allow)),
                    low: Box::new(self.leaf(scope, ty)),
                    high: Box::new(self.leaf(scope, ty)),
                    negated: self.chance(0.3),
                }
            }
            7 => {
                const PATTERNS: [&str; 8] = ["%a%", "A%", "%", "", "_%", "%#%", "B_A%", "%s"];
                Expr::Like {
                    arg: Box::new(self.expr(scope, Type::Text, d, allow)),
                    pattern: PATTERNS[self.below(PATTERNS.len())].to_string(),
                    negated: self.chance(0.3),
                }
            }
            8 | 9 if allow.subqueries.is_some() => self
                .predicate_subquery(allow.subqueries, form == 8)
                .unwrap_or_else(|| self.comparison(scope, d, allow)),
            10 => {
                let columns = scope.columns_of(Type::Bool);
                match columns.choose(&mut self.rng) {
                    Some(column) => column.clone(),
                    None => self.comparison(scope, d, allow),
                }
            }
            _ => self.comparison(scope, d, allow),
        }
    }

    fn comparison(&mut self, scope: &Scope, depth: u32, allow: Allow<'_>) -> Expr {
        let ty = VALUE_TYPES[self.below(VALUE_TYPES.len())];
        let other = if ty.is_numeric() {
            [Type::Int, Type::Decimal, Type::Double][self.below(3)]
        } else {
            ty
        };
        let op = self.comparison_op();
        let left = self.expr(scope, ty, depth, allow);
        let right = if self.chance(0.5) {
            self.literal(other)
        } else {
            self.expr(scope, other, depth, allow)
        };
        Expr::binary(op, left, right)
    }

    /// A subquery's `FROM`: one table (not a large one when correlated), maybe correlated
    /// to `outer` by an equality on a join key or on columns of one type.
    fn subquery_select(
        &mut self,
        outer: &Scope,
        item: impl FnOnce(&mut Self, &Scope) -> Option<Expr>,
        need: Option<Type>,
    ) -> Option<Query> {
        let table = self.pick_table(|t| need.is_none_or(|ty| t.columns_of(ty).next().is_some()))?;
        let alias = self.alias("s");
        let scope = Scope {
            tables: vec![(alias.clone(), table.clone())],
        };
        let item = item(self, &scope)?;
        let mut conditions = Vec::new();
        if self.chance(0.6) {
            let inner: Vec<Expr> = scope.columns().collect();
            let outer_columns: Vec<Expr> = outer.columns().collect();
            let pairs: Vec<(Expr, Expr)> = inner
                .iter()
                .flat_map(|i| outer_columns.iter().map(move |o| (i.clone(), o.clone())))
                .filter(|(i, o)| match (i, o) {
                    (Expr::Column { name: a, .. }, Expr::Column { name: b, .. }) => {
                        join_key(a).is_some() && join_key(a) == join_key(b)
                    }
                    _ => false,
                })
                .collect();
            let pair = match pairs.choose(&mut self.rng) {
                Some(pair) => Some(pair.clone()),
                None => {
                    let ty = [Type::Int, Type::Text, Type::Date][self.below(3)];
                    let inner = scope.columns_of(ty);
                    let outer = outer.columns_of(ty);
                    inner
                        .choose(&mut self.rng)
                        .cloned()
                        .zip(outer.choose(&mut self.rng).cloned())
                }
            };
            if let Some((inner, outer)) = pair {
                conditions.push(Expr::binary(BinOp::Eq, inner, outer));
            }
        }
        if self.chance(0.5) {
            conditions.push(self.predicate(&scope, 1, NO_SUBQUERIES));
        }
        let filter = conditions
            .into_iter()
            .reduce(|a, b| Expr::binary(BinOp::And, a, b));
        let aggregated = item.has_aggregate();
        Some(Query {
            body: Body {
                select: Select {
                    distinct: false,
                    items: vec![item],
                    from: TableRef {
                        table: table.name,
                        alias,
                    },
                    joins: vec![],
                    filter,
                    group_by: vec![],
                    having: None,
                    aggregated,
                },
                set: None,
            },
            order: vec![],
            limit: None,
            offset: None,
        })
    }

    /// `(SELECT agg(x) FROM ...)` of type `ty`.
    fn scalar_subquery(&mut self, outer: Option<&Scope>, ty: Type) -> Option<Expr> {
        let outer = outer?;
        let func = match ty {
            Type::Int => [AggFunc::Count, AggFunc::Sum, AggFunc::Min, AggFunc::Max][self.below(4)],
            Type::Decimal | Type::Double => {
                [AggFunc::Sum, AggFunc::Min, AggFunc::Max, AggFunc::Avg][self.below(4)]
            }
            Type::Text | Type::Date => [AggFunc::Min, AggFunc::Max][self.below(2)],
            Type::Bool => return None,
        };
        // AVG of an integer is a double: only ask for it with double arguments.
        let arg_ty = if func == AggFunc::Count {
            None
        } else {
            Some(ty)
        };
        let query = self.subquery_select(
            outer,
            |g, scope| {
                Some(match arg_ty {
                    None => Expr::Aggregate {
                        func,
                        arg: None,
                        distinct: false,
                        ty: Type::Int,
                    },
                    Some(arg_ty) => {
                        let column = scope.columns_of(arg_ty).choose(&mut g.rng).cloned()?;
                        Expr::Aggregate {
                            func,
                            arg: Some(Box::new(column)),
                            distinct: false,
                            ty: aggregate_type(func, arg_ty),
                        }
                    }
                })
            },
            arg_ty,
        )?;
        (query.body.select.items.first()?.ty() == ty).then(|| Expr::ScalarSubquery(Box::new(query)))
    }

    /// `x IN (SELECT ...)` or `EXISTS (SELECT ...)`.
    fn predicate_subquery(&mut self, outer: Option<&Scope>, in_subquery: bool) -> Option<Expr> {
        let outer = outer?;
        if in_subquery {
            let ty = [Type::Int, Type::Text, Type::Date, Type::Decimal][self.below(4)];
            let arg = self.leaf(outer, ty);
            let query = self.subquery_select(
                outer,
                |g, scope| scope.columns_of(ty).choose(&mut g.rng).cloned(),
                Some(ty),
            )?;
            Some(Expr::InSubquery {
                arg: Box::new(arg),
                query: Box::new(query),
                negated: self.chance(0.4),
            })
        } else {
            let query =
                self.subquery_select(outer, |_, _| Some(Expr::literal("1", Type::Int)), None)?;
            Some(Expr::Exists {
                query: Box::new(query),
                negated: self.chance(0.4),
            })
        }
    }
}

/// The type of `func` over an argument of `arg`.
fn aggregate_type(func: AggFunc, arg: Type) -> Type {
    match func {
        AggFunc::Count => Type::Int,
        AggFunc::Sum | AggFunc::Min | AggFunc::Max => arg,
        AggFunc::Avg => match arg {
            Type::Decimal => Type::Decimal,
            _ => Type::Double,
        },
        AggFunc::StddevSamp => Type::Double,
    }
}
