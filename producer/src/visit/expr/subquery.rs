//! Subqueries: their relations are walked with the holding expression's input pushed as
//! the schema their outer references step out into.

use datafusion_substrait::substrait::proto::expression::subquery::SubqueryType;
use datafusion_substrait::substrait::proto::{Expression, Rel, Type};

use super::types;
use crate::visit::rel;
use crate::visit::schema::RelSchema;
use crate::visit::walker::{Placement, Walker};

pub(super) fn walk(
    w: &mut Walker<'_>,
    subquery: Option<&SubqueryType>,
    input: &RelSchema,
    path: &str,
    holder: usize,
) -> Option<Type> {
    let Some(subquery) = subquery else {
        w.problem(path, "the subquery has no kind");
        return None;
    };
    let (relation, needles): (Option<&Rel>, Vec<&Expression>) = match subquery {
        SubqueryType::Scalar(s) => (s.input.as_deref(), Vec::new()),
        SubqueryType::InPredicate(p) => (p.haystack.as_deref(), p.needles.iter().collect()),
        SubqueryType::SetPredicate(p) => (p.tuples.as_deref(), Vec::new()),
        SubqueryType::SetComparison(c) => {
            (c.right.as_deref(), c.left.as_deref().into_iter().collect())
        }
    };
    for (i, needle) in needles.iter().enumerate() {
        w.expression(needle, input, &format!("{path}/needles[{i}]"), holder);
    }
    let Some(relation) = relation else {
        w.problem(path, "the subquery has no relation");
        return None;
    };
    w.outer.push(input.clone());
    let placement = Placement {
        parent: None,
        subquery_of: Some(holder),
        depth: w.depth_of(holder) + 1,
    };
    let (_, schema) = rel::walk(w, relation, format!("{path}/subquery:"), placement);
    w.outer.pop();
    match subquery {
        SubqueryType::Scalar(_) => {
            if schema.complete && schema.width() != 1 {
                w.problem(
                    path,
                    format!(
                        "a scalar subquery must return one column, this one returns {}",
                        schema.width()
                    ),
                );
            }
            // No row gives a null.
            schema
                .columns
                .first()
                .cloned()
                .flatten()
                .map(types::nullable)
        }
        SubqueryType::InPredicate(_) => {
            if schema.complete && schema.width() != needles.len() {
                w.problem(
                    path,
                    format!(
                        "IN compares {} values with a subquery returning {} columns",
                        needles.len(),
                        schema.width()
                    ),
                );
            }
            Some(types::boolean(true))
        }
        SubqueryType::SetPredicate(_) => Some(types::boolean(false)),
        SubqueryType::SetComparison(_) => Some(types::boolean(true)),
    }
}
