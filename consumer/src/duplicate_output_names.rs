//! Plans whose output has two columns of one name (`SELECT x1.c, x2.c FROM x x1, x x2`).
//!
//! SQL allows it and so does Substrait (the root's names are a plain list), but
//! datafusion-substrait renames the plan's output to the root names as unqualified columns,
//! and a DataFusion schema cannot hold two unqualified columns of one name ("Schema contains
//! duplicate unqualified field name c"; TPC-DS q39 and q64). So the plan is consumed with the
//! repeated names made unique, and a projection on top gives each column its name back, each
//! column of a repeated name under a qualifier of its own, as DataFusion's SQL planner keeps
//! `x1.c` and `x2.c` apart. The Arrow schema of the result has the names as the plan gives them.

use std::collections::HashMap;

use datafusion::common::{Column, DataFusionError, TableReference};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use datafusion_substrait::substrait::proto::{Plan, plan_rel};

/// The root's names with each repeat made unique (`c`, `c` → `c`, `c__output_1`), or `None`
/// when no name repeats.
pub fn with_unique_root_names(plan: &Plan) -> Option<(Plan, Vec<String>)> {
    let names = root_names(plan)?;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut repeated = false;
    let unique: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let count = seen.entry(name.as_str()).or_default();
            *count += 1;
            if *count == 1 {
                name.clone()
            } else {
                repeated = true;
                format!("{name}__output_{index}")
            }
        })
        .collect();
    if !repeated {
        return None;
    }
    let mut renamed = plan.clone();
    for relation in &mut renamed.relations {
        if let Some(plan_rel::RelType::Root(root)) = &mut relation.rel_type {
            root.names.clone_from(&unique);
        }
    }
    Some((renamed, names.clone()))
}

fn root_names(plan: &Plan) -> Option<&Vec<String>> {
    plan.relations
        .iter()
        .find_map(|relation| match &relation.rel_type {
            Some(plan_rel::RelType::Root(root)) => Some(&root.names),
            _ => None,
        })
}

/// Projects `plan`'s columns under `names` (one per column), each column of a repeated name
/// under a qualifier of its own. Fails when the counts differ: the names then include nested
/// struct fields, which this does not rename.
pub fn restore_names(plan: LogicalPlan, names: &[String]) -> Result<LogicalPlan, DataFusionError> {
    let columns = plan.schema().columns();
    if columns.len() != names.len() {
        return Err(DataFusionError::NotImplemented(format!(
            "output columns with repeated names inside nested types ({} names for {} columns)",
            names.len(),
            columns.len()
        )));
    }
    // Every column of a repeated name is qualified: a qualified and an unqualified column of
    // one name would be ambiguous to DataFusion too.
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for name in names {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let expressions: Vec<Expr> = columns
        .into_iter()
        .zip(names)
        .enumerate()
        .map(|(index, (column, name))| {
            let qualifier = (counts[name.as_str()] > 1)
                .then(|| TableReference::bare(format!("output_{index}")));
            Expr::Column(Column::new(column.relation, column.name))
                .alias_qualified(qualifier, name.as_str())
        })
        .collect();
    LogicalPlanBuilder::from(plan).project(expressions)?.build()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::util::pretty::pretty_format_batches;
    use datafusion::datasource::MemTable;
    use datafusion::prelude::SessionContext;
    use switchyard_producer::ValidatedPlan;
    use switchyard_producer::to_substrait::logical_to_substrait;

    use crate::substrait_to_logical::substrait_to_logical;

    #[tokio::test]
    async fn a_self_join_returning_one_name_twice_runs_and_keeps_both_names() {
        let ctx = SessionContext::new();
        let schema = Arc::new(Schema::new(vec![
            Field::new("k", DataType::Int64, false),
            Field::new("v", DataType::Int64, false),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![1, 1, 2])),
                Arc::new(Int64Array::from(vec![10, 20, 30])),
            ],
        )
        .expect("batch");
        let table = MemTable::try_new(schema, vec![vec![batch]]).expect("table");
        ctx.register_table("t", Arc::new(table)).expect("register");
        let sql = "WITH x AS (SELECT k, count(*) AS c FROM t GROUP BY k) \
                   SELECT x1.k, x1.c, x2.c FROM x x1 JOIN x x2 ON x1.k = x2.k ORDER BY x1.k";
        let direct = ctx
            .sql(sql)
            .await
            .expect("sql")
            .collect()
            .await
            .expect("runs");

        let logical = ctx.sql(sql).await.expect("sql").into_unoptimized_plan();
        let plan = ValidatedPlan::new(logical_to_substrait(logical, &ctx.state()).expect("plan"))
            .expect("valid");
        let consumed = substrait_to_logical("datafusion", &ctx.state(), &plan)
            .await
            .expect("consumes");
        let names: Vec<String> = consumed
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, ["k", "c", "c"]);
        let through_substrait = ctx
            .execute_logical_plan(consumed)
            .await
            .expect("plans")
            .collect()
            .await
            .expect("runs");
        assert_eq!(
            pretty_format_batches(&through_substrait)
                .expect("format")
                .to_string(),
            pretty_format_batches(&direct).expect("format").to_string()
        );
    }
}
