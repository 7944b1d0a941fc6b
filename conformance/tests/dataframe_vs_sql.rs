//! The DataFrame front-end builds plans that return what the equivalent SQL returns.

mod common;

use datafusion::arrow::datatypes::DataType;
use datafusion::functions_aggregate::expr_fn::{count, sum};
use datafusion::logical_expr::JoinType;
use datafusion::physical_plan::common::collect;
use datafusion::prelude::{cast, col, lit};
use switchyard_conformance::{
    DEFAULT_RELATIVE_TOLERANCE, compare_results, direct_session, run_sql_directly,
};
use switchyard_producer::{PlanFormat, ValidatedPlan, encode_plan};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipping_priority_built_without_sql() {
    let switchyard = common::tpch_sf001().await;
    let producer = switchyard.producer();
    let date = |text: &str| cast(lit(text), DataType::Date32);

    let customers = producer
        .table("customer")
        .await
        .expect("customer")
        .filter(col("c_mktsegment").eq(lit("BUILDING")))
        .expect("filter");
    let orders = producer
        .table("orders")
        .await
        .expect("orders")
        .filter(col("o_orderdate").lt(date("1995-03-15")))
        .expect("filter");
    let lineitems = producer
        .table("lineitem")
        .await
        .expect("lineitem")
        .filter(col("l_shipdate").gt(date("1995-03-15")))
        .expect("filter");
    let plan = customers
        .join(
            orders,
            JoinType::Inner,
            &["c_custkey"],
            &["o_custkey"],
            None,
        )
        .expect("join")
        .join(
            lineitems,
            JoinType::Inner,
            &["o_orderkey"],
            &["l_orderkey"],
            None,
        )
        .expect("join")
        .aggregate(
            vec![col("l_orderkey"), col("o_orderdate"), col("o_shippriority")],
            vec![
                sum(col("l_extendedprice") * (lit(1) - col("l_discount"))).alias("revenue"),
                count(lit(1)).alias("lines"),
            ],
        )
        .expect("aggregate")
        .select(vec![
            col("l_orderkey"),
            col("revenue"),
            col("lines"),
            col("o_orderdate"),
            col("o_shippriority"),
        ])
        .expect("select")
        .sort(vec![
            col("revenue").sort(false, true),
            col("o_orderdate").sort(true, true),
        ])
        .expect("sort")
        .limit(0, Some(10))
        .expect("limit")
        .to_substrait()
        .expect("to Substrait");

    let sql = "select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, count(1) as lines, \
               o_orderdate, o_shippriority \
               from customer, orders, lineitem \
               where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey \
               and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15' \
               group by l_orderkey, o_orderdate, o_shippriority \
               order by revenue desc, o_orderdate limit 10";
    let expected = run_sql_directly(&direct_session(switchyard.catalog()).expect("session"), sql)
        .await
        .expect("direct SQL");
    assert_eq!(
        expected.batches.iter().map(|b| b.num_rows()).sum::<usize>(),
        10
    );

    let bytes = encode_plan(&plan, PlanFormat::Binary).expect("encode");
    let (validated, _) = ValidatedPlan::from_bytes(&bytes).expect("valid");
    let (_, stream) = switchyard.execute(&validated, None).await.expect("execute");
    let actual = collect(stream).await.expect("results");
    compare_results(&expected.batches, &actual, true, DEFAULT_RELATIVE_TOLERANCE)
        .expect("same rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_table_and_column_are_errors() {
    let switchyard = common::tpch_sf001().await;
    let err = switchyard
        .producer()
        .table("nope")
        .await
        .expect_err("no such table");
    assert!(
        err.to_string()
            .contains("table nope: no such table in the catalog"),
        "{err}"
    );
    let err = switchyard
        .producer()
        .table("nation")
        .await
        .expect("nation")
        .filter(col("n_population").gt(lit(1)))
        .expect_err("no such column");
    assert!(err.to_string().contains("n_population"), "{err}");
}
