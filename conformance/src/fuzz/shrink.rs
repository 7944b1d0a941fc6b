//! Shrinking a disagreeing query: try smaller versions of it (a clause dropped, an
//! expression replaced by one of its operands, a list or `CASE` shortened) and keep the first
//! that still disagrees, until none does. Candidates are not checked for validity here: one
//! the reference cannot answer is simply not a disagreement. No candidate adds
//! nondeterminism: an `ORDER BY` is only dropped once there is no `LIMIT` or `OFFSET`.

use super::ast::{Expr, Query, Select};

/// How many clauses a query has: its `SELECT`, each join, `WHERE`, `GROUP BY`, `HAVING`,
/// `DISTINCT`, `ORDER BY`, `LIMIT`, `OFFSET` and set operation (a measure of how small a
/// shrunk query is).
pub fn clause_count(query: &Query) -> usize {
    let select = |s: &Select| {
        1 + s.joins.len()
            + usize::from(s.filter.is_some())
            + usize::from(!s.group_by.is_empty())
            + usize::from(s.having.is_some())
            + usize::from(s.distinct)
    };
    select(&query.body.select)
        + query.body.set.as_ref().map_or(0, |(_, s)| 1 + select(s))
        + usize::from(!query.order.is_empty())
        + usize::from(query.limit.is_some())
        + usize::from(query.offset.is_some())
}

/// Shrinks `query` while `still_disagrees` holds for the smaller query, checking at most
/// `budget` candidates; returns the smallest found and how many candidates were checked.
pub async fn shrink(
    query: Query,
    budget: usize,
    mut still_disagrees: impl AsyncFnMut(&Query) -> bool,
) -> (Query, usize) {
    let mut current = query;
    let mut checked = 0;
    'outer: loop {
        for candidate in candidates(&current) {
            if checked >= budget {
                break 'outer;
            }
            checked += 1;
            if still_disagrees(&candidate).await {
                current = candidate;
                continue 'outer;
            }
        }
        break;
    }
    (current, checked)
}

/// Every one-step simplification of `query`, bigger cuts first.
pub fn candidates(query: &Query) -> Vec<Query> {
    let mut out = Vec::new();
    let with = |edit: &dyn Fn(&mut Query)| {
        let mut copy = query.clone();
        edit(&mut copy);
        copy
    };
    if query.body.set.is_some() {
        out.push(with(&|q| q.body.set = None));
    }
    if query.limit.is_some() {
        out.push(with(&|q| q.limit = None));
    }
    if query.offset.is_some() {
        out.push(with(&|q| q.offset = None));
    }
    if query.limit.is_none() && query.offset.is_none() && !query.order.is_empty() {
        out.push(with(&|q| q.order.clear()));
    }
    let width = query.width();
    if width > 1 {
        for index in 0..width {
            out.push(with(&|q| {
                q.body.select.items.remove(index);
                if let Some((_, second)) = &mut q.body.set {
                    second.items.remove(index);
                }
                if !q.order.is_empty() {
                    q.order.remove(index);
                }
            }));
        }
    }
    for select in select_candidates(&query.body.select) {
        out.push(with(&|q| q.body.select = select.clone()));
    }
    if let Some((op, second)) = &query.body.set {
        for select in select_candidates(second) {
            out.push(with(&|q| {
                q.body.set = Some((*op, Box::new(select.clone())))
            }));
        }
    }
    out
}

/// Simplifications of one `SELECT` block that keep its width.
fn select_candidates(select: &Select) -> Vec<Select> {
    let mut out = Vec::new();
    let with = |edit: &dyn Fn(&mut Select)| {
        let mut copy = select.clone();
        edit(&mut copy);
        copy
    };
    for index in 0..select.joins.len() {
        out.push(with(&|s| {
            s.joins.remove(index);
        }));
    }
    if select.filter.is_some() {
        out.push(with(&|s| s.filter = None));
    }
    if select.having.is_some() {
        out.push(with(&|s| s.having = None));
    }
    if select.distinct {
        out.push(with(&|s| s.distinct = false));
    }
    for index in 0..select.group_by.len() {
        out.push(with(&|s| {
            s.group_by.remove(index);
        }));
    }
    for index in 0..select.items.len() {
        for variant in expr_candidates(&select.items[index]) {
            out.push(with(&|s| s.items[index] = variant.clone()));
        }
    }
    if let Some(filter) = &select.filter {
        for variant in expr_candidates(filter) {
            out.push(with(&|s| s.filter = Some(variant.clone())));
        }
    }
    if let Some(having) = &select.having {
        for variant in expr_candidates(having) {
            out.push(with(&|s| s.having = Some(variant.clone())));
        }
    }
    for index in 0..select.joins.len() {
        if let Some(on) = &select.joins[index].on {
            for variant in expr_candidates(on) {
                out.push(with(&|s| s.joins[index].on = Some(variant.clone())));
            }
        }
    }
    out
}

/// One-step simplifications of an expression: replaced by an operand of its type, a `CASE`
/// or `IN` list shortened, a subquery's filter simplified; or any of those applied to one
/// operand.
fn expr_candidates(expr: &Expr) -> Vec<Expr> {
    let mut out: Vec<Expr> = expr
        .children()
        .into_iter()
        .filter(|child| child.ty() == expr.ty())
        .cloned()
        .collect();
    match expr {
        Expr::Case {
            branches,
            otherwise,
        } => {
            if branches.len() > 1 {
                for index in 0..branches.len() {
                    let mut branches = branches.clone();
                    branches.remove(index);
                    out.push(Expr::Case {
                        branches,
                        otherwise: otherwise.clone(),
                    });
                }
            }
            if otherwise.is_some() {
                out.push(Expr::Case {
                    branches: branches.clone(),
                    otherwise: None,
                });
            }
        }
        Expr::InList { arg, list, negated } if list.len() > 1 => {
            for index in 0..list.len() {
                let mut list = list.clone();
                list.remove(index);
                out.push(Expr::InList {
                    arg: arg.clone(),
                    list,
                    negated: *negated,
                });
            }
        }
        Expr::ScalarSubquery(query) => {
            out.extend(subquery_candidates(query).map(|q| Expr::ScalarSubquery(Box::new(q))));
        }
        Expr::InSubquery {
            arg,
            query,
            negated,
        } => out.extend(subquery_candidates(query).map(|q| Expr::InSubquery {
            arg: arg.clone(),
            query: Box::new(q),
            negated: *negated,
        })),
        Expr::Exists { query, negated } => {
            out.extend(subquery_candidates(query).map(|q| Expr::Exists {
                query: Box::new(q),
                negated: *negated,
            }));
        }
        _ => {}
    }
    let children = expr.children().len();
    for index in 0..children {
        let Some(child) = expr.children().get(index).map(|c| (*c).clone()) else {
            continue;
        };
        for variant in expr_candidates(&child) {
            let mut copy = expr.clone();
            if let Some(slot) = copy.children_mut().into_iter().nth(index) {
                *slot = variant;
                out.push(copy);
            }
        }
    }
    out
}

fn subquery_candidates(query: &Query) -> impl Iterator<Item = Query> + '_ {
    select_candidates(&query.body.select)
        .into_iter()
        .map(move |select| {
            let mut copy = query.clone();
            copy.body.select = select;
            copy
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzz::ast::{BinOp, Body, OutputOrder, TableRef, Type};

    fn column(name: &str, ty: Type) -> Expr {
        Expr::Column {
            table: "t1".into(),
            name: name.into(),
            ty,
        }
    }

    fn query() -> Query {
        Query {
            body: Body {
                select: Select {
                    distinct: true,
                    items: vec![
                        Expr::binary(
                            BinOp::Plus,
                            column("e_int", Type::Int),
                            Expr::literal("1", Type::Int),
                        ),
                        column("e_text", Type::Text),
                    ],
                    from: TableRef {
                        table: "fuzz_edge".into(),
                        alias: "t1".into(),
                    },
                    joins: vec![],
                    filter: Some(Expr::IsNull {
                        arg: Box::new(column("e_int", Type::Int)),
                        negated: true,
                    }),
                    group_by: vec![],
                    having: None,
                    aggregated: false,
                },
                set: None,
            },
            order: vec![
                OutputOrder {
                    asc: true,
                    nulls_first: true,
                };
                2
            ],
            limit: Some(3),
            offset: None,
        }
    }

    #[tokio::test]
    async fn shrinks_to_what_still_disagrees_and_keeps_the_order_under_a_limit() {
        // "Disagrees" while it sorts on e_text: the limit, filter, DISTINCT and the other
        // column go; the order stays.
        let (shrunk, checked) = shrink(query(), 1000, async |q: &Query| {
            q.to_string().contains("t1.e_text AS") && q.is_ordered()
        })
        .await;
        assert!(checked > 0);
        assert_eq!(
            shrunk.to_string(),
            "SELECT t1.e_text AS c0 FROM fuzz_edge AS t1 ORDER BY 1 ASC NULLS FIRST"
        );
        assert_eq!(clause_count(&shrunk), 2);
    }

    #[test]
    fn an_order_under_a_limit_is_never_dropped() {
        for candidate in candidates(&query()) {
            assert!(
                candidate.limit.is_none() || candidate.is_ordered(),
                "{candidate}"
            );
        }
    }

    #[test]
    fn expressions_shrink_to_operands_of_their_type() {
        let plus = query().body.select.items[0].clone();
        let variants = expr_candidates(&plus);
        assert!(variants.contains(&column("e_int", Type::Int)));
        assert!(variants.contains(&Expr::literal("1", Type::Int)));
    }
}
