//! `VALUES` nodes named the way the scheduler will name them.
//!
//! The plan reaches the scheduler in datafusion-proto's form, which carries a `Values` node's
//! rows but not its schema: the scheduler rebuilds it with the default names `column1`,
//! `column2`... So a plan whose values are named otherwise (a Substrait virtual table's
//! columns are `col0`, `col1`...) failed there with "No field named col0". Each such node is
//! sent with the default names under a projection that casts and renames them back, which
//! survives the trip. An empty relation with columns (how an empty virtual table is consumed)
//! loses its columns the same way and is sent as one filtered-out row of NULLs.

use std::sync::Arc;

use datafusion::arrow::datatypes::Schema;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::{
    Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, Projection, lit,
};

/// `plan` with every `Values` node and every empty relation with columns (subqueries
/// included) sent as default-named values, renamed above.
pub fn values_with_default_names(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|node| {
        // An empty virtual table is consumed as an empty relation, whose proto form has no
        // schema at all.
        let (schema, given_rows) = match &node {
            LogicalPlan::Values(values) => (Arc::clone(&values.schema), values.values.clone()),
            LogicalPlan::EmptyRelation(empty)
                if !empty.produce_one_row && !empty.schema.fields().is_empty() =>
            {
                (Arc::clone(&empty.schema), Vec::new())
            }
            _ => return Ok(Transformed::no(node)),
        };
        let named_by_default = schema.iter().enumerate().all(|(i, (qualifier, field))| {
            qualifier.is_none() && *field.name() == format!("column{}", i + 1)
        });
        if named_by_default && matches!(node, LogicalPlan::Values(_)) {
            return Ok(Transformed::no(node));
        }
        // Default names, declared types and nullability.
        let unnamed_schema = Schema::new(
            schema
                .fields()
                .iter()
                .enumerate()
                .map(|(i, field)| field.as_ref().clone().with_name(format!("column{}", i + 1)))
                .collect::<Vec<_>>(),
        );
        // No rows: one row of NULLs, filtered out (a `VALUES` list cannot be empty).
        let empty = given_rows.is_empty();
        let rows = if empty {
            vec![vec![
                Expr::Literal(ScalarValue::Null, None);
                schema.fields().len()
            ]]
        } else {
            given_rows
        };
        let mut unnamed = LogicalPlanBuilder::values_with_schema(
            rows,
            &Arc::new(DFSchema::try_from(unnamed_schema)?),
        )?;
        if empty {
            unnamed = unnamed.filter(lit(false))?;
        }
        let unnamed = unnamed.build()?;
        let renamed = schema
            .iter()
            .enumerate()
            .map(|(i, (qualifier, field))| {
                let column = Expr::Column(Column::new_unqualified(format!("column{}", i + 1)));
                // The scheduler infers the types from the rows (an all-NULL column is
                // `Null`); the cast restores the declared one there.
                let typed = column.cast_to(field.data_type(), unnamed.schema())?;
                Ok(typed.alias_qualified(qualifier.cloned(), field.name()))
            })
            .collect::<Result<Vec<_>>>()?;
        let projection = Projection::try_new(renamed, Arc::new(unnamed))?;
        Ok(Transformed::yes(LogicalPlan::Projection(projection)))
    })
    .map(|transformed| transformed.data)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::common::{DFSchema, ScalarValue};
    use datafusion::logical_expr::{EmptyRelation, LogicalPlan, LogicalPlanBuilder, Values, lit};
    use datafusion::prelude::SessionContext;

    use super::values_with_default_names;

    async fn run(plan: LogicalPlan) -> Vec<datafusion::arrow::record_batch::RecordBatch> {
        SessionContext::new()
            .execute_logical_plan(plan)
            .await
            .expect("runs")
            .collect()
            .await
            .expect("collects")
    }

    #[tokio::test]
    async fn named_values_keep_their_names_types_and_rows_after_renaming() {
        let schema = DFSchema::try_from(Schema::new(vec![
            Field::new("col0", DataType::Int64, true),
            Field::new("col1", DataType::Utf8, true),
        ]))
        .expect("schema");
        let rows = vec![
            vec![lit(1_i64), lit("a")],
            vec![lit(2_i64), lit(ScalarValue::Utf8(None))],
        ];
        // As datafusion-substrait consumes a virtual table: the schema's own names.
        let named = LogicalPlan::Values(Values {
            schema: Arc::new(schema),
            values: rows,
        });
        let before = named.schema().clone();
        let rewritten = values_with_default_names(named).expect("rewrites");
        assert_eq!(rewritten.schema(), &before);
        let LogicalPlan::Projection(projection) = &rewritten else {
            panic!("a projection renames the values: {rewritten}");
        };
        let LogicalPlan::Values(values) = projection.input.as_ref() else {
            panic!("over the values: {rewritten}");
        };
        assert_eq!(values.schema.field(0).name(), "column1");
        let batches = run(rewritten).await;
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        assert_eq!(batches[0].schema().field(1).name(), "col1");
    }

    #[tokio::test]
    async fn an_empty_relation_with_columns_keeps_them_and_stays_empty() {
        let schema =
            DFSchema::try_from(Schema::new(vec![Field::new("col0", DataType::Int16, true)]))
                .expect("schema");
        let empty = LogicalPlan::EmptyRelation(EmptyRelation {
            produce_one_row: false,
            schema: Arc::new(schema),
        });
        let before = empty.schema().clone();
        let rewritten = values_with_default_names(empty).expect("rewrites");
        assert_eq!(rewritten.schema(), &before);
        assert!(
            matches!(rewritten, LogicalPlan::Projection(_)),
            "{rewritten}"
        );
        let batches = run(rewritten).await;
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    }

    #[tokio::test]
    async fn named_values_without_rows_stay_empty() {
        let schema =
            DFSchema::try_from(Schema::new(vec![Field::new("col0", DataType::Int64, true)]))
                .expect("schema");
        let empty = LogicalPlan::Values(Values {
            schema: Arc::new(schema),
            values: Vec::new(),
        });
        let before = empty.schema().clone();
        let rewritten = values_with_default_names(empty).expect("rewrites");
        assert_eq!(rewritten.schema(), &before);
        let batches = run(rewritten).await;
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    }

    #[test]
    fn values_already_named_by_default_are_left_alone() {
        let plan = LogicalPlanBuilder::values(vec![vec![lit(1)]])
            .expect("values")
            .build()
            .expect("builds");
        let rewritten = values_with_default_names(plan.clone()).expect("rewrites");
        assert_eq!(rewritten, plan);
    }
}
