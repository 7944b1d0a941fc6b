//! Every TPC-H query at scale 0.01 on DuckDB through SQL translation, each result equal to
//! DataFusion running the SQL directly; queries the DuckDB manifest lists as unsupported must
//! fail with the error it names.

mod common;

use switchyard_conformance::tpch_differential;
use switchyard_consumer::{DuckDbConfig, EngineConfig, EngineKind, Manifest};

async fn check_query(number: usize) {
    let switchyard = common::tpch_sf001_with(
        "duckdb",
        EngineConfig::DuckDb(DuckDbConfig {
            threads: Some(2),
            ..DuckDbConfig::default()
        }),
    )
    .await;
    let manifest = Manifest::builtin(EngineKind::DuckDb).expect("manifest");
    let outcome = tpch_differential(&switchyard, "duckdb", number).await;
    common::expect_outcome(&manifest, number, outcome);
}

macro_rules! tpch_tests {
    ($($name:ident => $number:expr),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                check_query($number).await;
            }
        )*
    };
}

tpch_tests! {
    q01 => 1, q02 => 2, q03 => 3, q04 => 4, q05 => 5, q06 => 6, q07 => 7, q08 => 8,
    q09 => 9, q10 => 10, q11 => 11, q12 => 12, q13 => 13, q14 => 14, q15 => 15, q16 => 16,
    q17 => 17, q18 => 18, q19 => 19, q20 => 20, q21 => 21, q22 => 22,
}
