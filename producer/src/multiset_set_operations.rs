//! `INTERSECT ALL` and `EXCEPT ALL` are refused in SQL. DataFusion 55 plans them as a semi
//! and an anti join without counting duplicates, which keeps every duplicate of a left row that
//! has a match (or none of one that does): over TPC-H, `c_nationkey ... INTERSECT ALL
//! s_nationkey` returns 127 rows where the multiset intersection has 89 (found when DuckDB
//! became the feature suite's reference). A wrong answer is never an outcome, so such a
//! query is refused naming the operation; the distinct forms plan correctly and compile.

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement;
use datafusion::sql::sqlparser::ast::{Query, SetExpr, SetOperator, SetQuantifier, Visit, Visitor};

use crate::error::{ProducerError, Result};

struct MultisetFinder;

impl Visitor for MultisetFinder {
    type Break = &'static str;

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<Self::Break> {
        multiset_operation(&query.body)
    }
}

/// The first multiset set operation in `body`'s tree of set operations.
fn multiset_operation(body: &SetExpr) -> ControlFlow<&'static str> {
    if let SetExpr::SetOperation {
        op,
        set_quantifier,
        left,
        right,
    } = body
    {
        if matches!(set_quantifier, SetQuantifier::All) {
            match op {
                SetOperator::Intersect => return ControlFlow::Break("INTERSECT ALL"),
                SetOperator::Except | SetOperator::Minus => {
                    return ControlFlow::Break("EXCEPT ALL");
                }
                _ => {}
            }
        }
        multiset_operation(left)?;
        multiset_operation(right)?;
    }
    ControlFlow::Continue(())
}

/// Refuses `statement` when it (or any query nested in it) uses `INTERSECT ALL` or
/// `EXCEPT ALL`.
pub fn refuse_multiset_set_operations(statement: &Statement) -> Result<()> {
    let Statement::Statement(inner) = statement else {
        return Ok(());
    };
    match inner.visit(&mut MultisetFinder) {
        ControlFlow::Break(operation) => Err(ProducerError::Refused(format!(
            "{operation}: DataFusion plans it as a semi or anti join that does not count \
             duplicates, which gives a wrong answer; write the distinct form or count the \
             duplicates explicitly"
        ))),
        ControlFlow::Continue(()) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::parser::DFParserBuilder;

    fn check(sql: &str) -> Result<()> {
        let statements = DFParserBuilder::new(sql)
            .build()
            .and_then(|mut parser| parser.parse_statements())
            .expect("parses");
        statements
            .iter()
            .try_for_each(refuse_multiset_set_operations)
    }

    #[test]
    fn multiset_operations_are_refused_wherever_they_are() {
        let err = check("SELECT a FROM t INTERSECT ALL SELECT b FROM u").expect_err("refused");
        assert!(err.to_string().contains("INTERSECT ALL"), "{err}");
        let nested = "SELECT * FROM (SELECT a FROM t EXCEPT ALL SELECT b FROM u) x";
        assert!(
            check(nested)
                .expect_err("refused")
                .to_string()
                .contains("EXCEPT ALL")
        );
        check("SELECT a FROM t INTERSECT SELECT b FROM u").expect("distinct form compiles");
        check("SELECT a FROM t UNION ALL SELECT b FROM u").expect("UNION ALL compiles");
    }
}
