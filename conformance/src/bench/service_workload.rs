//! The small queries `bench service` sends under load: key lookups and small aggregates over
//! TPC-H, each compiled once into a Substrait plan and answered once by DataFusion directly,
//! so that every answer the service gives can be checked.

use std::fmt;

use datafusion::arrow::record_batch::RecordBatch;
use prost::bytes::Bytes;
use switchyard_producer::{PlanFormat, SqlDialect, encode_plan};
use switchyard_router::Switchyard;

use crate::direct::{direct_session, run_sql_directly};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How a query is sent to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// Flight SQL `CommandStatementQuery`: the SQL text, compiled by the service.
    Sql,
    /// Flight SQL `CommandStatementSubstraitPlan`: a plan compiled beforehand.
    Substrait,
}

impl fmt::Display for QueryForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QueryForm::Sql => "SQL",
            QueryForm::Substrait => "Substrait",
        })
    }
}

/// One query of the workload: its SQL, its plan, and the answer to expect.
#[derive(Debug, Clone)]
pub struct ServiceQuery {
    /// A short name for reports.
    pub name: String,
    /// The SQL text.
    pub sql: String,
    /// The same query as a binary Substrait plan, made by Switchyard's producer.
    pub plan: Bytes,
    /// DataFusion's answer to the SQL.
    pub expected: Vec<RecordBatch>,
    /// Whether row order is part of the answer (the query sorts).
    pub ordered: bool,
}

/// The queries as (name, SQL), with keys that exist in TPC-H data at `scale`.
///
/// Each takes milliseconds on one core at scale 1: lookups by key (Parquet statistics prune
/// the row groups) and aggregates over the small tables.
pub fn service_queries(scale: f64) -> Vec<(String, String)> {
    let orders = ((1_500_000.0 * scale) as u64).max(1);
    let customers = ((150_000.0 * scale) as u64).max(1);
    let parts = ((200_000.0 * scale) as u64).max(1);
    // TPC-H order keys are sparse, 8 of every 32 (1-7, 32-39, 64-71, ...): key 32g + 3 is
    // the fourth order of group g.
    let order_key = (orders / 3 / 8) * 32 + 3;
    let customer_key = customers / 2 + 1;
    let part_key = parts / 3 + 1;
    [
        (
            "order by key",
            format!(
                "SELECT o_orderkey, o_custkey, o_orderstatus, o_totalprice, o_orderdate \
                 FROM orders WHERE o_orderkey = {order_key}"
            ),
        ),
        (
            "customer by key",
            format!(
                "SELECT c_custkey, c_name, c_acctbal, c_mktsegment \
                 FROM customer WHERE c_custkey = {customer_key}"
            ),
        ),
        (
            "part by key",
            format!(
                "SELECT p_partkey, p_name, p_brand, p_retailprice \
                 FROM part WHERE p_partkey = {part_key}"
            ),
        ),
        (
            "nations of a region",
            "SELECT n_name FROM nation JOIN region ON n_regionkey = r_regionkey \
             WHERE r_name = 'EUROPE' ORDER BY n_name"
                .to_string(),
        ),
        (
            "nations per region",
            "SELECT r_name, count(*) AS nations FROM nation \
             JOIN region ON n_regionkey = r_regionkey GROUP BY r_name"
                .to_string(),
        ),
        (
            "suppliers per nation",
            "SELECT s_nationkey, count(*) AS suppliers, sum(s_acctbal) AS balance \
             FROM supplier GROUP BY s_nationkey"
                .to_string(),
        ),
    ]
    .into_iter()
    .map(|(name, sql)| (name.to_string(), sql))
    .collect()
}

/// Compiles each query into a binary Substrait plan with `switchyard`'s producer and answers
/// it with DataFusion running the SQL directly over the same catalog. A query whose answer
/// has no rows is refused: it would check little.
pub async fn prepare_queries(
    switchyard: &Switchyard,
    queries: &[(String, String)],
) -> BenchResult<Vec<ServiceQuery>> {
    let direct = direct_session(switchyard.catalog())?;
    let mut prepared = Vec::with_capacity(queries.len());
    for (name, sql) in queries {
        let plan = switchyard
            .producer()
            .compile_sql(sql, SqlDialect::Generic)
            .await?;
        let plan = encode_plan(&plan, PlanFormat::Binary)?;
        let answer = run_sql_directly(&direct, sql).await?;
        if answer.batches.iter().all(|b| b.num_rows() == 0) {
            return Err(format!("the query {name} returns no rows on this data: {sql}").into());
        }
        prepared.push(ServiceQuery {
            name: name.clone(),
            sql: sql.clone(),
            plan: Bytes::from(plan),
            expected: answer.batches,
            ordered: answer.ordered,
        });
    }
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::service_queries;

    #[test]
    fn keys_exist_at_scale_one() {
        let queries = service_queries(1.0);
        assert_eq!(queries.len(), 6);
        // 1 500 000 orders: group 500 000 / 8 = 62 500, key 62 500 × 32 + 3.
        assert!(
            queries[0].1.ends_with("o_orderkey = 2000003"),
            "{}",
            queries[0].1
        );
        assert!(
            queries[1].1.ends_with("c_custkey = 75001"),
            "{}",
            queries[1].1
        );
        assert!(
            queries[2].1.ends_with("p_partkey = 66667"),
            "{}",
            queries[2].1
        );
    }
}
