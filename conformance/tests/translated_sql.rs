//! The SQL every TPC-H plan becomes for DuckDB and for PostgreSQL, as snapshots: a change to
//! the translator shows up here as a reviewable diff. (Whether the SQL is right is checked by
//! running it: duckdb_tpch.rs and postgres_tpch.rs.)

mod common;

use switchyard_conformance::corpus::tpch_query;
use switchyard_consumer::{SqlTarget, SqlTranslator};
use switchyard_producer::SqlDialect;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpch_as_duckdb_and_postgres_sql() {
    let switchyard = common::tpch_sf001().await;
    for (target, label) in [
        (SqlTarget::DuckDb, "duckdb"),
        (SqlTarget::Postgres, "postgres"),
    ] {
        let translator =
            SqlTranslator::new(label, target, switchyard.catalog()).expect("translator");
        for number in 1..=22 {
            let sql = tpch_query(number).expect("query");
            let plan = switchyard
                .producer()
                .compile_checked(&sql, SqlDialect::Generic)
                .await
                .expect("compiles");
            let translated = translator
                .translate(&plan)
                .await
                .unwrap_or_else(|e| panic!("q{number} {label}: {e}"));
            insta::assert_snapshot!(format!("{label}_q{number:02}"), translated.sql);
        }
    }
}
