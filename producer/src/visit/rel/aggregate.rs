//! `AggregateRel`: one column per distinct grouping expression, one per measure, and an
//! `i32` grouping-set index when there are several grouping sets.

use datafusion_substrait::substrait::proto::{AggregateRel, Expression};

use super::Node;
use crate::visit::expr::call::{self, CallSite};
use crate::visit::expr::types;
use crate::visit::schema::RelSchema;
use crate::visit::visitor::{CallId, FunctionKind};
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, aggregate: &AggregateRel) -> RelSchema {
    let input = w.input(node.index, aggregate.input.as_deref(), node.child(""));
    let mut output = RelSchema::known(Vec::new());
    check_references(w, node, aggregate);
    for (i, e) in grouping_columns(aggregate).into_iter().enumerate() {
        let ty = w.expression(e, &input, &node.at(&format!("groupings[{i}]")), node.index);
        output.columns.push(ty);
    }
    for (i, measure) in aggregate.measures.iter().enumerate() {
        let path = node.at(&format!("measures[{i}]"));
        let Some(function) = measure.measure.as_ref() else {
            w.problem(&path, "the measure has no aggregate function");
            output.columns.push(None);
            continue;
        };
        let site = CallSite {
            id: CallId::of(function),
            kind: FunctionKind::Aggregate,
            anchor: function.function_reference,
            arguments: &function.arguments,
            options: &function.options,
            output_type: function.output_type.as_ref(),
        };
        let ty = call::walk(w, site, &input, &path, node.index);
        for (j, sort) in function.sorts.iter().enumerate() {
            if let Some(e) = sort.expr.as_ref() {
                w.expression(e, &input, &format!("{path}/sorts[{j}]"), node.index);
            }
        }
        if let Some(filter) = measure.filter.as_ref() {
            w.expression(filter, &input, &format!("{path}/filter"), node.index);
        }
        output.columns.push(ty);
    }
    if aggregate.groupings.len() > 1 {
        output.columns.push(Some(types::i32(false)));
    }
    output
}

/// Checks that each grouping set's references name a grouping expression.
fn check_references(w: &mut Walker<'_>, node: &Node, aggregate: &AggregateRel) {
    let count = aggregate.grouping_expressions.len();
    for (g, grouping) in aggregate.groupings.iter().enumerate() {
        for (r, &reference) in grouping.expression_references.iter().enumerate() {
            if usize::try_from(reference).map_or(true, |i| i >= count) {
                w.problem(
                    &node.at(&format!("groupings[{g}]/expression_references[{r}]")),
                    format!(
                        "references grouping expression {reference}, but the aggregate lists \
                         {count}"
                    ),
                );
            }
        }
    }
}

/// The grouping expressions, one per output column: since spec 0.56 listed once at the top
/// and referenced by index from each grouping set; before, repeated in each set (DataFusion
/// writes both), where each expression is one column however many sets name it, but as
/// many columns as one set repeats it (DataFusion outputs `GROUP BY a, a` as two columns:
/// datafusion-substrait's `aggregate_identical_grouping_expressions` test plan).
pub fn grouping_columns(aggregate: &AggregateRel) -> Vec<&Expression> {
    if !aggregate.grouping_expressions.is_empty() {
        return aggregate.grouping_expressions.iter().collect();
    }
    let mut columns: Vec<&Expression> = Vec::new();
    #[allow(deprecated)] // what producers before spec 0.56 write
    for grouping in &aggregate.groupings {
        for (i, e) in grouping.grouping_expressions.iter().enumerate() {
            let in_set = grouping.grouping_expressions[..=i]
                .iter()
                .filter(|other| *other == e)
                .count();
            let listed = columns.iter().filter(|other| **other == e).count();
            if listed < in_set {
                columns.push(e);
            }
        }
    }
    columns
}
