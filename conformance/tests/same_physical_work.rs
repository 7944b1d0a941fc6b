//! On DataFusion, a plan that went through Substrait executes the same physical work as the
//! SQL run directly: the same scans (files, projections, pruning predicates), filters, joins
//! and aggregates, in the same order. Only projections may differ (the consumer names the root's columns with a
//! projection of its own), which is why execution through Substrait costs what the SQL costs.

mod common;

use datafusion::physical_plan::{ExecutionPlan, displayable};
use datafusion::sql::parser::DFParserBuilder;
use switchyard_conformance::corpus::tpch_query;
use switchyard_consumer::substrait_to_logical::substrait_to_logical;
use switchyard_consumer::{DataFusionConfig, DataFusionEngine};
use switchyard_producer::{SqlDialect, ValidatedPlan};

/// The plan's operators in pre-order, without projections: scans keep their full text (files,
/// columns, pruning predicates); joins their type, aggregates their mode.
fn work(plan: &dyn ExecutionPlan) -> Vec<String> {
    displayable(plan)
        .indent(false)
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("ProjectionExec"))
        .map(|line| {
            if line.starts_with("DataSourceExec") {
                return line.to_string();
            }
            // Column names and positions differ with projections; the operator does not.
            let operator = line.split(':').next().unwrap_or(line);
            let attributes: Vec<&str> = line
                .split([',', ' ', '('])
                .filter(|part| part.starts_with("join_type=") || part.starts_with("mode="))
                .collect();
            format!("{operator} {}", attributes.join(" "))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tpch_query_does_the_same_work_through_substrait() {
    let switchyard = common::tpch_sf001().await;
    let engine = DataFusionEngine::new("check", switchyard.catalog(), &DataFusionConfig::default())
        .expect("engine");
    let ctx = engine.session();
    let mut differing = Vec::new();
    for number in 1..=22 {
        let sql = tpch_query(number).expect("query");
        // Run the file's view definitions, then plan its query (q15 defines a view).
        let mut direct = None;
        for statement in DFParserBuilder::new(sql.as_str())
            .build()
            .expect("parser")
            .parse_statements()
            .expect("parses")
        {
            let plan = ctx
                .state()
                .statement_to_plan(statement)
                .await
                .expect("plans");
            let frame = ctx.execute_logical_plan(plan).await.expect("runs");
            if direct.is_none() && !frame.schema().fields().is_empty() {
                direct = Some(frame.create_physical_plan().await.expect("physical plan"));
            }
        }
        let direct = direct.expect("a query");

        let plan = switchyard
            .producer()
            .compile_sql(&sql, SqlDialect::Generic)
            .await
            .expect("compiles");
        let plan = ValidatedPlan::new(plan).expect("valid");
        let consumed = substrait_to_logical("datafusion", &ctx.state(), &plan)
            .await
            .expect("consumes");
        let via_substrait = ctx
            .execute_logical_plan(consumed)
            .await
            .expect("plans")
            .create_physical_plan()
            .await
            .expect("physical plan");
        if work(direct.as_ref()) != work(via_substrait.as_ref()) {
            differing.push(format!(
                "q{number}:\n--- SQL\n{}\n--- Substrait\n{}",
                displayable(direct.as_ref()).indent(false),
                displayable(via_substrait.as_ref()).indent(false)
            ));
        }
    }
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}
