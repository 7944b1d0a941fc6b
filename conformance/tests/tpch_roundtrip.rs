//! Every TPC-H query at scale 0.01: SQL → Substrait (binary and JSON) → DataFusion returns the
//! rows DataFusion returns running the SQL directly; JSON → binary → JSON is a fixed point.

mod common;

use datafusion::physical_plan::common::collect;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::{
    DEFAULT_RELATIVE_TOLERANCE, compare_results, direct_session, run_sql_directly,
};
use switchyard_producer::{PlanFormat, SqlDialect, ValidatedPlan, decode_plan_as, encode_plan};

async fn check_query(number: usize) {
    let switchyard = common::tpch_sf001().await;
    let sql = tpch_query(number).expect("query text");
    let direct = direct_session(switchyard.catalog()).expect("session");
    let expected = run_sql_directly(&direct, &sql).await.expect("direct SQL");
    // q18 asks for orders of over 300 units, which scale 0.01 does not have: there the test
    // shows both sides agree on no rows.
    assert!(
        number == 18 || expected.batches.iter().any(|b| b.num_rows() > 0),
        "q{number}: the direct answer is empty, so the comparison would prove nothing"
    );

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
        compare_results(
            &expected.batches,
            &actual,
            expected.ordered,
            DEFAULT_RELATIVE_TOLERANCE,
        )
        .unwrap_or_else(|diff| panic!("q{number} {format}: {diff}"));
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
