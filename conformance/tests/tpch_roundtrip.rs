//! Every TPC-H query at scale 0.01: SQL → Substrait (binary and JSON) → DataFusion returns the
//! rows the reference (DuckDB 2.0.1 running the SQL directly) returns; JSON → binary → JSON is
//! a fixed point.

mod common;

use datafusion::physical_plan::common::collect;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::{ColumnNames, DifferentialError, check_answer};
use switchyard_producer::{PlanFormat, SqlDialect, ValidatedPlan, decode_plan_as, encode_plan};

async fn check_query(number: usize) {
    let switchyard = common::tpch_sf001().await;
    let sql = tpch_query(number).expect("query text");
    let inconclusive = common::INCONCLUSIVE_AT_SF001
        .iter()
        .find(|(query, _)| *query == number);

    let plan = switchyard
        .producer()
        .compile_sql(&sql, SqlDialect::Generic)
        .await
        .unwrap_or_else(|e| panic!("q{number}: compile: {e}"));

    for format in [PlanFormat::Binary, PlanFormat::Json] {
        let bytes = encode_plan(&plan, format).expect("encode");
        let (validated, detected) = ValidatedPlan::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("q{number} {format}: decode: {e}"));
        assert_eq!(detected, format);
        let (_, stream) = switchyard
            .execute(&validated, None)
            .await
            .unwrap_or_else(|e| panic!("q{number} {format}: execute: {e}"));
        let actual = collect(stream)
            .await
            .unwrap_or_else(|e| panic!("q{number} {format}: stream: {e}"));
        let checked = check_answer(
            switchyard.catalog(),
            &validated,
            &sql,
            None,
            &actual,
            ColumnNames::Exact,
        )
        .await;
        match (inconclusive, checked) {
            (None, Ok(())) => {}
            (Some((_, why)), Err(DifferentialError::Inconclusive(reason)))
                if reason.contains(why) => {}
            (_, outcome) => panic!("q{number} {format}: {outcome:?}"),
        }
    }

    let json = encode_plan(&plan, PlanFormat::Json).expect("json");
    let from_json = decode_plan_as(&json, PlanFormat::Json).expect("decode json");
    let binary = encode_plan(&from_json, PlanFormat::Binary).expect("binary");
    let from_binary = decode_plan_as(&binary, PlanFormat::Binary).expect("decode binary");
    let json_again = encode_plan(&from_binary, PlanFormat::Json).expect("json again");
    assert_eq!(
        String::from_utf8_lossy(&json),
        String::from_utf8_lossy(&json_again),
        "q{number}: JSON → binary → JSON changed the plan"
    );
    assert_eq!(
        from_binary, plan,
        "q{number}: the decoded plan differs from the produced one"
    );
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
