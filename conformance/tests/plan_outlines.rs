//! The shape of every TPC-H plan, as snapshots: correlated subqueries show up as semi, anti
//! and left joins, and nothing DataFusion-specific is left in the relation tree.

mod common;

use switchyard_conformance::corpus::tpch_query;
use switchyard_producer::{SqlDialect, outline};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpch_plan_outlines() {
    let switchyard = common::tpch_sf001().await;
    for number in 1..=22 {
        let sql = tpch_query(number).expect("query");
        let plan = switchyard
            .producer()
            .compile_sql(&sql, SqlDialect::Generic)
            .await
            .expect("compiles");
        insta::assert_snapshot!(format!("tpch_q{number:02}"), outline(&plan));
    }
}
