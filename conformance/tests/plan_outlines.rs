//! The shape of every TPC-H plan, as snapshots: correlated subqueries show up as semi, anti
//! and left joins, and nothing DataFusion-specific is left in the relation tree.

use std::path::PathBuf;

use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::open_tpch;
use switchyard_producer::{SqlDialect, outline};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpch_plan_outlines() {
    let switchyard = open_tpch(
        0.01,
        &PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01"),
    )
    .await
    .expect("TPC-H at scale 0.01");
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
