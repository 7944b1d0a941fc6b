//! What the unknown-field check costs on Switchyard's own plans: the 22 TPC-H queries, compiled
//! against empty tables with the corpus's TPC-H DDL, each checked and decoded many times.
//!
//! A measurement, not a test of behaviour: run it with
//! `cargo test -p switchyard-producer --test unknown_fields_cost -- --ignored --nocapture`.
//! In a debug build both numbers are far above a release build's; their ratio is the point.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::prelude::SessionContext;
use prost::Message;
use switchyard_producer::substrait::proto::Plan;
use switchyard_producer::unknown_fields::{LegacyFields, check_plan_bytes};
use switchyard_producer::{Catalog, PlanFormat, Producer, SqlDialect, encode_plan};

const ROUNDS: u32 = 200;

fn corpus() -> std::path::PathBuf {
    std::env::var_os("SWITCHYARD_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
        Into::into,
    )
}

async fn tpch_catalog() -> Catalog {
    let ddl = std::fs::read_to_string(corpus().join("duckdb-1.1.3-generated/ddl/tpch_ddl.sql"))
        .expect("the corpus's TPC-H DDL");
    let ctx = SessionContext::new();
    let mut catalog = Catalog::new();
    for statement in ddl.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        ctx.sql(statement).await.expect("the DDL runs");
        let name = statement
            .trim_start_matches("CREATE TABLE ")
            .split('(')
            .next()
            .expect("a table name")
            .trim()
            .to_string();
        let provider = ctx.table_provider(name.as_str()).await.expect("table");
        catalog = catalog.with_table(name, Arc::clone(&provider));
    }
    catalog
}

fn per_round(total: Duration) -> f64 {
    total.as_secs_f64() * 1e6 / f64::from(ROUNDS)
}

#[tokio::test]
#[ignore = "a measurement: run with --ignored --nocapture"]
async fn check_cost_on_tpch_plans() {
    let producer = Producer::new(tpch_catalog().await, "cost").expect("producer");
    let queries = corpus().join("tpc-sql/datafusion-benchmarks/tpch/queries");
    let (mut check_total, mut decode_total) = (0.0, 0.0);
    let mut measured = 0;
    for n in 1..=22 {
        let Ok(sql) = std::fs::read_to_string(queries.join(format!("q{n}.sql"))) else {
            continue;
        };
        let Ok(plan) = producer.compile_sql(&sql, SqlDialect::Generic).await else {
            eprintln!("q{n}: does not compile here, skipped");
            continue;
        };
        let bytes = encode_plan(&plan, PlanFormat::Binary).expect("encodes");
        check_plan_bytes(&bytes, LegacyFields::Refuse).expect("our own plans pass");
        let start = Instant::now();
        for _ in 0..ROUNDS {
            check_plan_bytes(&bytes, LegacyFields::Refuse).expect("passes");
        }
        let check = per_round(start.elapsed());
        let start = Instant::now();
        for _ in 0..ROUNDS {
            Plan::decode(bytes.as_slice()).expect("decodes");
        }
        let decode = per_round(start.elapsed());
        eprintln!(
            "q{n:02}: {:>6} bytes, check {check:>8.1} µs, prost decode {decode:>8.1} µs",
            bytes.len()
        );
        check_total += check;
        decode_total += decode;
        measured += 1;
    }
    assert!(measured > 15, "only {measured} TPC-H queries compiled");
    eprintln!(
        "mean over {measured} plans: check {:.1} µs, prost decode {:.1} µs",
        check_total / f64::from(measured),
        decode_total / f64::from(measured)
    );
}
