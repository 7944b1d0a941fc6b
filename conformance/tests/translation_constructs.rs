//! The constructs where SQL translators break (date arithmetic, intervals, extract,
//! substring, LIKE, CASE, decimals and casts, integer division, nulls, CTEs, subqueries,
//! outer joins, set operations, limits, grouping sets), each run on DuckDB and on PostgreSQL through
//! translation and compared with DataFusion running the SQL directly, on a small table with
//! nulls, negatives and month ends.

use std::collections::BTreeMap;
use std::path::Path;

use datafusion::physical_plan::common::collect;
use datafusion::prelude::SessionContext;
use switchyard_conformance::{
    DEFAULT_RELATIVE_TOLERANCE, PgCluster, compare_results, direct_session, run_sql_directly,
};
use switchyard_consumer::{DuckDbConfig, EngineConfig, PostgresConfig};
use switchyard_producer::{SqlDialect, TableConfig, TableFormat, ValidatedPlan};
use switchyard_router::{Config, ConfigFile, Switchyard};

const CASES: &[(&str, &str)] = &[
    (
        "date plus and minus intervals",
        "select id, shipped + interval '3' day as later, shipped - interval '1' month as earlier, shipped + interval '1' year as next_year from t",
    ),
    (
        "timestamp arithmetic",
        "select id, ts + interval '90' minute as later, ts - interval '2' day as earlier from t",
    ),
    (
        "extract and date_part",
        "select id, extract(year from shipped) as y, extract(month from shipped) as m, date_part('day', shipped) as d from t",
    ),
    (
        "date comparison with a computed bound",
        "select id from t where shipped < date '1999-01-31' + interval '1' month",
    ),
    (
        "substring, case of letters, length, concatenation",
        "select id, substring(name, 2, 3) as part, upper(name) as up, lower(name) as low, character_length(name) as len, name || '!' as loud from t",
    ),
    (
        "LIKE and NOT LIKE",
        "select id from t where name like 'a%' or name not like '%o%'",
    ),
    (
        "CASE with a null branch",
        "select id, case when qty > 5 then 'big' when qty is null then 'none' else 'small' end as size from t",
    ),
    (
        "decimal arithmetic and casts",
        "select id, price * qty as total, cast(price as decimal(10, 1)) as rounded, price + 1.25 as more, price / 7 as seventh from t",
    ),
    (
        "float and integer casts",
        "select id, cast(qty as double) / 3 as third, cast(price as bigint) as whole, cast(id as varchar) as text_id from t",
    ),
    (
        "integer division and remainder",
        "select id, qty / 2 as half, qty % 3 as rest, -qty / 2 as negative_half from t",
    ),
    (
        "null functions",
        "select id, coalesce(qty, 0) as q, nullif(qty, 3) as n from t",
    ),
    (
        "aggregates with HAVING",
        "select name, count(*) as n, sum(price) as total, avg(qty) as mean, min(shipped) as first, max(price) as top from t group by name having count(*) >= 1",
    ),
    (
        "count distinct",
        "select count(distinct name) as names, count(qty) as with_qty from t",
    ),
    (
        "a CTE",
        "with big as (select * from t where qty > 2) select count(*) as n, sum(price) as total from big",
    ),
    (
        "uncorrelated scalar subquery",
        "select id from t where price > (select avg(price) from t)",
    ),
    (
        "IN subquery",
        "select id from t where id in (select id + 1 from t where qty > 3)",
    ),
    (
        "NOT IN subquery",
        "select id from t where id not in (select id from t where qty > 3)",
    ),
    (
        "correlated EXISTS",
        "select id from t a where exists (select 1 from t b where b.id = a.id + 1 and b.qty > a.qty)",
    ),
    (
        "correlated scalar subquery",
        "select id from t a where price >= (select max(price) from t b where b.name = a.name)",
    ),
    (
        "left join keeping unmatched rows",
        "select a.id, b.id as next_id from t a left join t b on b.id = a.id + 1",
    ),
    (
        "union all and distinct",
        "select name from t union all select distinct name from t",
    ),
    (
        "ordered with nulls and a limit with an offset",
        "select id, qty from t order by qty desc nulls last, id limit 4 offset 1",
    ),
    (
        "an offset over a sort, projected",
        "select id * 10 as tens from (select id, qty from t order by id desc limit 4) s order by tens limit 2 offset 1",
    ),
    (
        "a join that keeps no columns",
        "select count(*) as n from t a, t b",
    ),
    (
        "an aggregate over nothing",
        "select sum(price) as total, count(*) as n from t where 1 = 0",
    ),
    (
        "integer division inside a correlated EXISTS",
        "select id from t a where exists (select 1 from t b where b.qty / 2 > a.id and b.id <> a.id)",
    ),
    (
        "ROLLUP with GROUPING",
        "select name, qty > 3 as many, sum(price) as total, count(*) as n, grouping(name) as g from t group by rollup (name, qty > 3)",
    ),
    (
        "CUBE",
        "select name, shipped, count(qty) as n from t group by cube (name, shipped)",
    ),
    (
        "GROUPING SETS with the empty set",
        "select name, qty, max(price) as top, grouping(name) + grouping(qty) as level from t group by grouping sets ((name), (qty), ())",
    ),
    (
        "window functions",
        "select id, row_number() over (partition by name order by id) as rn, sum(qty) over (order by id rows between 1 preceding and current row) as running, rank() over (order by price desc nulls last) as price_rank from t",
    ),
];

async fn write_table(dir: &Path) {
    let ctx = SessionContext::new();
    let path = dir.join("t.parquet");
    let sql = format!(
        "COPY (SELECT * FROM (VALUES \
            (1, 'apple', CAST(1.50 AS DECIMAL(10,2)), 3, DATE '1999-01-31', TIMESTAMP '1999-01-31 23:30:00'), \
            (2, 'banana', CAST(-2.25 AS DECIMAL(10,2)), NULL, DATE '2000-02-29', TIMESTAMP '2000-02-29 00:00:00'), \
            (3, 'avocado', CAST(10.00 AS DECIMAL(10,2)), 7, DATE '1998-12-31', TIMESTAMP '1998-12-31 12:00:00'), \
            (4, 'kiwi', CAST(0.05 AS DECIMAL(10,2)), -4, DATE '2001-06-15', TIMESTAMP '2001-06-15 06:15:00'), \
            (5, 'apple', CAST(3.33 AS DECIMAL(10,2)), 5, DATE '1999-03-01', TIMESTAMP '1999-03-01 00:00:01'), \
            (6, 'zucchini', NULL, 9, NULL, NULL) \
         ) AS v(id, name, price, qty, shipped, ts)) TO '{}' STORED AS PARQUET",
        path.display()
    );
    ctx.sql(&sql)
        .await
        .expect("copy")
        .collect()
        .await
        .expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn translated_constructs_match_datafusion_on_duckdb_and_postgres() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_table(dir.path()).await;
    let cluster = PgCluster::start(&dir.path().join("pg")).expect("PostgreSQL");
    let file = ConfigFile {
        tables: BTreeMap::from([(
            "t".to_string(),
            TableConfig {
                path: "t.parquet".into(),
                format: TableFormat::Parquet,
                has_header: None,
                delimiter: None,
            },
        )]),
        engines: BTreeMap::from([
            (
                "duckdb".to_string(),
                EngineConfig::DuckDb(DuckDbConfig::default()),
            ),
            (
                "pg".to_string(),
                EngineConfig::Postgres(PostgresConfig {
                    url: cluster.url().to_string(),
                    connect_timeout_ms: None,
                    tables: Vec::new(),
                }),
            ),
        ]),
        ..ConfigFile::default()
    };
    let switchyard = Switchyard::open(Config::from_file(file, dir.path(), "constructs"))
        .await
        .expect("open");
    switchyard.load("pg", &[], &|_, _| {}).await.expect("load");
    let direct = direct_session(switchyard.catalog()).expect("session");

    let mut problems = Vec::new();
    for (name, sql) in CASES {
        let expected = run_sql_directly(&direct, sql)
            .await
            .unwrap_or_else(|e| panic!("{name}: DataFusion: {e}"));
        let plan = switchyard
            .producer()
            .compile_sql(sql, SqlDialect::Generic)
            .await
            .unwrap_or_else(|e| panic!("{name}: compile: {e}"));
        let plan = ValidatedPlan::new(plan).expect("valid");
        for engine in ["duckdb", "pg"] {
            let outcome = match switchyard.execute(&plan, Some(engine)).await {
                Ok((_, stream)) => collect(stream).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let verdict = outcome.and_then(|actual| {
                compare_results(
                    &expected.batches,
                    &actual,
                    expected.ordered,
                    DEFAULT_RELATIVE_TOLERANCE,
                )
            });
            if let Err(problem) = verdict {
                problems.push(format!("{name} on {engine}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases failed:\n{}",
        problems.len(),
        CASES.len() * 2,
        problems.join("\n")
    );
}
