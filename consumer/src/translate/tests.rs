//! Each translation rule, on small plans.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use switchyard_producer::Catalog;

use super::{SqlTarget, SqlTranslator};

fn catalog() -> Catalog {
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, false),
        Field::new("b", DataType::Int32, false),
        Field::new("price", DataType::Decimal128(15, 2), false),
        Field::new("ratio", DataType::Float64, false),
    ]));
    let table = MemTable::try_new(schema, vec![vec![]]).expect("table");
    Catalog::new().with_table("t", Arc::new(table))
}

async fn translate(target: SqlTarget, sql: &str) -> String {
    let catalog = catalog();
    let ctx = SessionContext::new();
    catalog.register_into(&ctx).expect("register");
    let plan = ctx.state().create_logical_plan(sql).await.expect("plan");
    let translator = SqlTranslator::new("test", target, &catalog).expect("translator");
    translator.translate_logical(&plan).expect("translates").sql
}

#[tokio::test]
async fn duckdb_divides_integers_with_integer_division_and_the_rest_with_slash() {
    let sql = translate(
        SqlTarget::DuckDb,
        "select a / b as i, price / 3 as d, ratio / 2 as f from t",
    )
    .await;
    // Columns are positional: a is c0, b is c1, price is c2, ratio is c3. Constants are
    // folded (no `CAST(3 AS DECIMAL(20,0))`, which DuckDB would compute in 128 bits).
    assert!(
        sql.contains(r#"("q1"."c0" // CAST("q1"."c1" AS BIGINT)) AS "c0""#),
        "{sql}"
    );
    assert!(sql.contains(r#"("q1"."c2" / 3) AS "c1""#), "{sql}");
    assert!(sql.contains(r#"("q1"."c3" / 2.0) AS "c2""#), "{sql}");
    assert_eq!(sql.matches("//").count(), 1, "{sql}");
}

#[tokio::test]
async fn postgres_keeps_slash_for_every_division() {
    let sql = translate(
        SqlTarget::Postgres,
        "select a / b as i, price / 3 as d from t",
    )
    .await;
    assert!(!sql.contains("//"), "{sql}");
    assert_eq!(sql.matches(" / ").count(), 2, "{sql}");
}

#[tokio::test]
async fn the_plan_schema_travels_with_the_sql() {
    let catalog = catalog();
    let ctx = SessionContext::new();
    catalog.register_into(&ctx).expect("register");
    let plan = ctx
        .state()
        .create_logical_plan("select a, sum(price) as total from t group by a")
        .await
        .expect("plan");
    let translation = SqlTranslator::new("test", SqlTarget::DuckDb, &catalog)
        .expect("translator")
        .translate_logical(&plan)
        .expect("translates");
    assert_eq!(translation.tables, vec!["t".to_string()]);
    let names: Vec<&str> = translation
        .schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(names, ["a", "total"]);
}

#[tokio::test]
async fn casts_from_decimals_and_floats_to_integers_truncate_explicitly() {
    for target in [SqlTarget::DuckDb, SqlTarget::Postgres] {
        let sql = translate(
            target,
            "select cast(price as bigint) as p, cast(ratio as int) as r, cast(b as bigint) as i from t",
        )
        .await;
        // PostgreSQL's scan keeps only the columns used (b is c0, price c1, ratio c2);
        // DuckDB's, unoptimized, has all four (b is c1, price c2, ratio c3).
        let (b, price, ratio) = match target {
            SqlTarget::Postgres => (0, 1, 2),
            _ => (1, 2, 3),
        };
        assert!(
            sql.contains(&format!(r#"CAST(trunc("q1"."c{price}") AS BIGINT)"#)),
            "{sql}"
        );
        assert!(
            sql.contains(&format!(r#"CAST(trunc("q1"."c{ratio}") AS INTEGER)"#)),
            "{sql}"
        );
        // An integer widened to another integer needs no truncation.
        assert!(
            sql.contains(&format!(r#"CAST("q1"."c{b}" AS BIGINT)"#)),
            "{sql}"
        );
    }
}

#[tokio::test]
async fn an_offset_over_a_sort_stays_in_one_ordered_select() {
    for target in [SqlTarget::DuckDb, SqlTarget::Postgres] {
        let sql = translate(target, "select a from t order by b limit 10 offset 5").await;
        assert_eq!(sql.matches("ORDER BY").count(), 1, "{sql}");
        // The ORDER BY, LIMIT and OFFSET share the outermost SELECT.
        let tail = &sql[sql.rfind(") AS").unwrap_or(0)..];
        assert!(
            tail.contains("ORDER BY") && tail.contains("LIMIT 10 OFFSET 5"),
            "{sql}"
        );
    }
}

#[tokio::test]
async fn nulls_are_typed_and_constant_keys_are_not_positions() {
    let sql = translate(
        SqlTarget::Postgres,
        "select 2 as k, count(*) as n, cast(null as bigint) as z from t group by 1",
    )
    .await;
    assert!(!sql.contains("GROUP BY 2"), "{sql}");
    assert!(sql.contains("CAST(NULL AS BIGINT)"), "{sql}");
}

#[tokio::test]
async fn spark_quotes_with_backticks_and_divides_integers_with_div() {
    let sql = translate(SqlTarget::Spark, "select a / b as i, ratio / 2 as f from t").await;
    assert!(
        sql.contains("`q1`.`c0` DIV CAST(`q1`.`c1` AS BIGINT)"),
        "{sql}"
    );
    assert!(sql.contains("(`q1`.`c2` / 2.0)"), "{sql}");
    assert!(!sql.contains('"'), "{sql}");
}

#[tokio::test]
async fn spark_computes_decimal_quotients_and_averages_in_double() {
    let sql = translate(
        SqlTarget::Spark,
        "select sum(price) / 3 as q, avg(price) as m, sum(price) as s from t group by a",
    )
    .await;
    assert!(sql.contains("avg(CAST("), "{sql}");
    assert!(sql.contains("AS DOUBLE) / CAST("), "{sql}");
    // Sums stay exact decimals.
    assert!(sql.contains("sum(`q"), "{sql}");
}

#[tokio::test]
async fn spark_escapes_strings_with_backslashes_and_writes_its_types_and_intervals() {
    let sql = translate(
        SqlTarget::Spark,
        r"select concat(cast(a as varchar), 'it''s a\b') as s, extract(year from cast(cast(a as varchar) as date) + interval '3' month) as y, cast(cast(a as timestamp) as varchar) as ts from t where cast(b as varchar) like '%\_%'",
    )
    .await;
    assert!(sql.contains(r"'it\'s a\\b'"), "{sql}");
    assert!(sql.contains("AS STRING)"), "{sql}");
    assert!(sql.contains("TIMESTAMP_NTZ"), "{sql}");
    // Spark has date_part, and reads the SQL-standard interval as an ANSI interval.
    assert!(sql.contains("date_part('YEAR', (CAST("), "{sql}");
    assert!(sql.contains("INTERVAL '3' MONTH"), "{sql}");
    assert!(sql.contains(r"'%\\_%'"), "{sql}");
}

#[tokio::test]
async fn duckdb_keeps_a_correlated_subquery_with_references_to_the_enclosing_query() {
    let sql = "select a from t where exists \
               (select 1 from t as inner_t where inner_t.a = t.a and inner_t.b > t.b)";
    let duckdb = translate(SqlTarget::DuckDb, sql).await;
    // The subquery's condition names the enclosing query's derived table (`q1`, scanned
    // first), whose columns a and b are c0 and c1.
    assert!(duckdb.contains("EXISTS (SELECT"), "{duckdb}");
    assert!(duckdb.contains(r#"= "q1"."c0""#), "{duckdb}");
    assert!(duckdb.contains(r#"> "q1"."c1""#), "{duckdb}");
}
