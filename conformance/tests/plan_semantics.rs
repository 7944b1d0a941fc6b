//! What a plan means, in full, on every embedded engine: outer references stepping out 1, 2
//! and 3 queries through filters, projections and joins; grouping sets with 1, 2 and 3 sets
//! and their GROUPING ids; multi-way joins whose inputs repeat column names. Each query is
//! compiled to Substrait and run on DataFusion and on DuckDB (through translation), and each
//! answer is compared with DuckDB running the SQL text itself (no Substrait in between), at
//! TPC-H scale 0.01 where every answer has rows.

mod common;

use datafusion::physical_plan::common::collect;
use switchyard_conformance::{DEFAULT_RELATIVE_TOLERANCE, compare_results};
use switchyard_consumer::{DuckDbConfig, DuckDbEngine, EngineConfig};
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::Verdict;

const CASES: &[(&str, &str)] = &[
    (
        "outer reference 1 step out, in a filter",
        "select n_name from nation where exists (select 1 from region where r_regionkey = n_regionkey and r_name like 'A%')",
    ),
    (
        "outer reference 1 step out, in a projection",
        "select n_name, (select count(*) from supplier where s_nationkey = n_nationkey) as suppliers from nation",
    ),
    (
        "outer references 2 steps out",
        "select n_name from nation where exists (select 1 from region where r_regionkey = n_regionkey and exists (select 1 from supplier where s_nationkey = n_nationkey and s_acctbal > 0 and r_name <> 'EUROPE'))",
    ),
    (
        "outer references 3 steps out",
        "select r_name from region where exists (select 1 from nation where n_regionkey = r_regionkey and exists (select 1 from supplier where s_nationkey = n_nationkey and exists (select 1 from customer where c_nationkey = s_nationkey and c_mktsegment = 'BUILDING' and r_name <> 'ASIA')))",
    ),
    (
        "outer reference through a join",
        "select n_name from nation where exists (select 1 from supplier join partsupp on ps_suppkey = s_suppkey where s_nationkey = n_nationkey and ps_availqty > 9000)",
    ),
    (
        "outer reference 2 steps out into a join's input",
        "select s_name, n_name from supplier join nation on s_nationkey = n_nationkey where s_acctbal > (select avg(c_acctbal) from customer where c_nationkey = n_nationkey and exists (select 1 from orders where o_custkey = c_custkey and o_totalprice > s_acctbal * 20))",
    ),
    (
        "one grouping set",
        "select r_name, count(*) as n from nation join region on n_regionkey = r_regionkey group by grouping sets ((r_name))",
    ),
    (
        "two grouping sets with GROUPING ids",
        "select r_name, n_name, grouping(r_name) as gr, grouping(n_name) as gn, count(*) as c from nation join region on n_regionkey = r_regionkey group by grouping sets ((r_name), (r_name, n_name))",
    ),
    (
        "three grouping sets with the empty set",
        "select r_name, n_name, grouping(r_name, n_name) as g, sum(n_nationkey) as s from nation join region on n_regionkey = r_regionkey group by grouping sets ((r_name, n_name), (r_name), ())",
    ),
    (
        "a three-way self join repeating every column name",
        "select a.n_name as a_name, b.n_name as b_name, c.n_name as c_name from nation a join nation b on a.n_regionkey = b.n_regionkey join nation c on b.n_nationkey = c.n_regionkey where a.n_nationkey < 5",
    ),
    (
        "a four-way join where two inputs share names",
        "select n1.n_name as supplier_nation, n2.n_name as customer_nation, count(*) as orders from supplier join nation n1 on s_nationkey = n1.n_nationkey join customer on c_nationkey = n1.n_regionkey join nation n2 on c_nationkey = n2.n_nationkey group by n1.n_name, n2.n_name",
    ),
];

/// Engines that cannot run a case, with the error they must give: a refusal is allowed, a
/// wrong answer never. DataFusion 55 cannot resolve a column of a query more than one step
/// out once it has decorrelated the nearer subquery (a schema error, "No field named ...");
/// DuckDB runs them. Pinned to DataFusion (as here) the plan runs there and fails so;
/// DataFusion's manifest says so (`max_outer_reference_steps: 1`), so the router, left to
/// choose, finds DataFusion missing the reference's depth (named with its path) and routes
/// the plan elsewhere (checked below).
const KNOWN_REFUSALS: &[(&str, &str, &str)] = &[
    (
        "outer references 2 steps out",
        "datafusion",
        "No field named nation.n_nationkey",
    ),
    (
        "outer references 3 steps out",
        "datafusion",
        "No field named region.r_name",
    ),
    (
        "outer reference 2 steps out into a join's input",
        "datafusion",
        "No field named supplier.s_acctbal",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_mean_what_their_sql_means_on_every_embedded_engine() {
    let switchyard = common::tpch_sf001_with(
        "duckdb",
        EngineConfig::DuckDb(DuckDbConfig {
            threads: Some(2),
            ..DuckDbConfig::default()
        }),
    )
    .await;
    let reference = DuckDbEngine::new(
        "reference",
        switchyard.catalog(),
        &DuckDbConfig::default(),
        &common::tpch_sf001_dir(),
    )
    .expect("DuckDB as the reference");
    let mut problems = Vec::new();
    for (name, sql) in CASES {
        let plan = switchyard
            .producer()
            .compile_sql(sql, SqlDialect::Generic)
            .await
            .unwrap_or_else(|e| panic!("{name}: compile: {e}"));
        let plan = ValidatedPlan::new(plan).unwrap_or_else(|e| panic!("{name}: {e}"));
        for engine in ["datafusion", "duckdb"] {
            let known = KNOWN_REFUSALS
                .iter()
                .find(|(case, refusing, _)| case == name && *refusing == engine);
            let outcome = match switchyard.execute(&plan, Some(engine)).await {
                Ok((_, stream)) => collect(stream).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            let actual = match (outcome, known) {
                (Ok(actual), None) => actual,
                (Err(error), Some((_, refusing, expected))) if error.contains(expected) => {
                    // Not pinned to it, the plan goes to an engine that can run it.
                    let decision = switchyard.explain(&plan, None).expect("a route");
                    if decision.chosen.as_deref() == Some(*refusing) || decision.chosen.is_none() {
                        problems.push(format!(
                            "{name}: routed to {:?}, though {refusing} refuses it",
                            decision.chosen
                        ));
                    }
                    let named = decision.candidate(refusing).is_some_and(|c| {
                        matches!(&c.verdict, Verdict::Missing { features } if features
                            .iter()
                            .any(|f| f.feature.contains("subqueries out (this engine resolves 1 at most)")))
                    });
                    if !named {
                        problems.push(format!(
                            "{name}: the route does not say why {refusing} cannot run it"
                        ));
                    }
                    continue;
                }
                (Err(error), None) => {
                    problems.push(format!("{name} on {engine}: {error}"));
                    continue;
                }
                (outcome, Some((_, _, expected))) => {
                    problems.push(format!(
                        "{name} on {engine}: pinned as refused with {expected:?}, got {:?}",
                        outcome.map(|batches| batches.len())
                    ));
                    continue;
                }
            };
            let Some(schema) = actual.first().map(|batch| batch.schema()) else {
                problems.push(format!("{name} on {engine}: no rows, which proves nothing"));
                continue;
            };
            let expected = match reference.run_sql(sql.to_string(), schema).await {
                Ok(stream) => collect(stream).await.expect("DuckDB's answer"),
                Err(e) => panic!("{name}: DuckDB running the SQL: {e}"),
            };
            let rows: usize = expected.iter().map(|b| b.num_rows()).sum();
            assert!(rows > 0, "{name}: DuckDB's answer has no rows");
            if let Err(difference) =
                compare_results(&expected, &actual, false, DEFAULT_RELATIVE_TOLERANCE)
            {
                problems.push(format!("{name} on {engine}: {difference}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
