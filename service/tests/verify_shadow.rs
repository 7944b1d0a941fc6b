//! `routing.verify`: the service re-runs sampled queries on a second engine after the
//! client has its answer (real engines: DataFusion and DuckDB over TPC-H sf0.01 and a table
//! of `Int8` values that overflow when added). An agreement and a disagreement are both
//! recorded in the JSONL log; the disagreement marks the engine that answered suspect for the
//! plan's features, which changes routing until the control API clears it, and a restarted
//! service remembers the mark from the log.

mod common;

use std::path::Path;

use arrow_flight::Ticket;
use common::{ADMIN, ANALYST, PRINCIPALS, TestServer, authorized, eventually, rows, tpch_config};
use datafusion::arrow::record_batch::RecordBatch;
use futures::TryStreamExt;
use switchyard_conformance::overflow_fixture::{set_scalar_option, write_overflowing_i8_table};
use switchyard_producer::plan_io::{PlanFormat, encode_plan};
use switchyard_producer::{SqlDialect, TableConfig};
use switchyard_proto::v1::control_client::ControlClient;
use switchyard_proto::v1::{
    ClearSuspectRequest, ExplainRequest, ListSuspectsRequest, QuerySource, RouteDecision,
    SubmitHints, SubmitRequest, SubstraitPlan, query_source,
};
use switchyard_router::routing_config::RuleConfig;
use switchyard_router::{Config, Switchyard, VerifyConfig, VerifyLog, VerifyRecord};
use tonic::Code;
use tonic::transport::Channel;

/// TPC-H sf0.01 with `small_ints` (pinned to DataFusion), DuckDB beside DataFusion, every
/// query verified, the log in `dir`, and the test principals.
async fn config(dir: &Path) -> Config {
    let mut config = tpch_config();
    let small_ints = dir.join("small_ints.parquet");
    write_overflowing_i8_table(&small_ints)
        .await
        .expect("writes small_ints.parquet");
    let table: TableConfig = serde_yaml::from_str(&format!(
        "{{ path: {}, format: parquet }}",
        small_ints.display()
    ))
    .expect("table");
    config.file.tables.insert("small_ints".into(), table);
    config.file.engines.insert(
        "duckdb".into(),
        serde_yaml::from_str("{ kind: duckdb }").expect("engine"),
    );
    // DuckDB's estimate for the tiny table is lower; the pin sends it to DataFusion, which
    // a suspect mark overrides (a pin applies only to an engine routing may use).
    config.file.routing.rules = vec![RuleConfig {
        pin: Some("datafusion".into()),
        tables: vec!["small_ints".into()],
        ..RuleConfig::default()
    }];
    config.file.routing.verify = Some(VerifyConfig {
        sample: 1.0,
        engines: Vec::new(),
        file: Some(dir.join("verify.jsonl")),
    });
    config.file.service = serde_yaml::from_str(PRINCIPALS).expect("service section");
    config
}

/// `SELECT a + b FROM small_ints` as a JSON plan whose `add` sets `overflow: [SILENT]`: any
/// result is allowed, so both engines are capable, but DataFusion wraps and DuckDB raises.
async fn silent_overflow_plan(switchyard: &Switchyard) -> Vec<u8> {
    let plan = switchyard
        .producer()
        .compile_sql("SELECT a + b AS s FROM small_ints", SqlDialect::Generic)
        .await
        .expect("compiles");
    let json = encode_plan(&plan, PlanFormat::Json).expect("JSON");
    let mut value: serde_json::Value = serde_json::from_slice(&json).expect("JSON plan");
    assert_eq!(
        set_scalar_option(&mut value, "overflow", "SILENT"),
        1,
        "one add call"
    );
    serde_json::to_vec(&value).expect("JSON")
}

fn plan_source(plan: &[u8]) -> Option<QuerySource> {
    Some(QuerySource {
        source: Some(query_source::Source::Plan(SubstraitPlan {
            plan: plan.to_vec(),
            substrait_version: String::new(),
        })),
    })
}

/// Submits a plan and reads every batch, as a client would.
async fn run(
    server: &TestServer,
    control: &mut ControlClient<Channel>,
    plan: &[u8],
) -> (String, Vec<RecordBatch>) {
    let submitted = control
        .submit(authorized(
            SubmitRequest {
                source: plan_source(plan),
                hints: Some(SubmitHints::default()),
            },
            ADMIN,
        ))
        .await
        .expect("submits")
        .into_inner();
    let engine = submitted.decision.expect("a decision").chosen;
    let mut flight = server.flight(Some(ADMIN)).await;
    let batches = flight
        .do_get(Ticket {
            ticket: submitted.ticket.into(),
        })
        .await
        .expect("DoGet")
        .try_collect()
        .await
        .expect("batches");
    (engine, batches)
}

async fn chosen(control: &mut ControlClient<Channel>, plan: &[u8]) -> String {
    decision(control, plan).await.chosen
}

async fn decision(control: &mut ControlClient<Channel>, plan: &[u8]) -> RouteDecision {
    control
        .explain(authorized(
            ExplainRequest {
                source: plan_source(plan),
                engine: None,
            },
            ADMIN,
        ))
        .await
        .expect("explains")
        .into_inner()
        .decision
        .expect("a decision")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shadow_runs_record_agreements_and_disagreements_and_a_suspect_mark_steers_routing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path()).await;
    let server = TestServer::start_with(config.clone()).await;
    let mut control = ControlClient::new(server.channel().await);
    let service = server.service.clone();

    // Engines that agree: the client's answer, then a shadow run that agrees.
    let switchyard = server.service.switchyard().clone();
    let count = switchyard
        .producer()
        .compile_sql("SELECT count(*) AS n FROM nation", SqlDialect::Generic)
        .await
        .expect("compiles");
    let count = encode_plan(&count, PlanFormat::Binary).expect("binary");
    let (engine, batches) = run(&server, &mut control, &count).await;
    assert_eq!((engine.as_str(), rows(&batches)), ("datafusion", 1));
    eventually("the shadow run agrees", || {
        service.shadow_counts().is_some_and(|c| c.agreed == 1)
    })
    .await;

    // add(i8, i8) with overflow SILENT: the client gets DataFusion's wrapped -126 at once;
    // the shadow run on DuckDB raises, a disagreement.
    let silent = silent_overflow_plan(&switchyard).await;
    assert_eq!(chosen(&mut control, &silent).await, "datafusion");
    let (engine, batches) = run(&server, &mut control, &silent).await;
    assert_eq!((engine.as_str(), rows(&batches)), ("datafusion", 2));
    eventually("the shadow run disagrees", || {
        service.shadow_counts().is_some_and(|c| c.disagreed == 1)
    })
    .await;
    let counts = service.shadow_counts().expect("verify configured");
    assert_eq!(
        (counts.sampled, counts.dropped_busy, counts.unverified),
        (2, 0, 0)
    );

    let log = VerifyLog::new(dir.path().join("verify.jsonl"));
    let records = log.read().expect("the log");
    assert_eq!(records.len(), 2, "{records:?}");
    let VerifyRecord::Agreed(agreed) = &records[0] else {
        panic!("first an agreement: {records:?}")
    };
    assert_eq!(
        (agreed.engine.as_str(), agreed.verifier.as_str()),
        ("datafusion", "duckdb")
    );
    let VerifyRecord::Disagreed(disagreed) = &records[1] else {
        panic!("then a disagreement: {records:?}")
    };
    assert_eq!(
        (disagreed.engine.as_str(), disagreed.verifier.as_str()),
        ("datafusion", "duckdb")
    );
    assert_ne!(disagreed.plan, agreed.plan);
    let difference = disagreed.difference.as_deref().unwrap_or_default();
    assert!(
        difference.starts_with("datafusion returned 2 rows; duckdb failed: ")
            && difference.contains("Overflow"),
        "{difference}"
    );

    // DataFusion is now suspect for plans with these features: they go to DuckDB, and
    // the marks are listed; other plans still go to DataFusion.
    assert_eq!(chosen(&mut control, &silent).await, "duckdb");
    let datafusion = |decision: RouteDecision| {
        decision
            .candidates
            .into_iter()
            .find(|c| c.engine == "datafusion")
            .expect("listed")
    };
    let marked = datafusion(decision(&mut control, &silent).await);
    assert!(!marked.capable, "{marked:?}");
    assert!(marked.excluded.starts_with("suspect: plan "), "{marked:?}");
    let other = datafusion(decision(&mut control, &count).await);
    assert!(
        other.capable,
        "other feature sets are not suspect: {other:?}"
    );
    let listed = control
        .list_suspects(authorized(ListSuspectsRequest {}, ADMIN))
        .await
        .expect("lists")
        .into_inner();
    assert_eq!(listed.suspects.len(), 1);
    assert_eq!(listed.suspects[0].engine, "datafusion");
    assert_eq!(listed.suspects[0].feature_set, disagreed.feature_set);
    assert_eq!(listed.counts.map(|c| c.disagreed), Some(1));

    // A restarted service remembers the mark from the log.
    let reopened = Switchyard::open(config.clone()).await.expect("opens");
    assert_eq!(
        reopened.router().suspects().list().len(),
        1,
        "replayed from the log"
    );

    // Only a principal that reads everything may clear it; then routing is as before.
    let refused = control
        .clear_suspect(authorized(
            ClearSuspectRequest {
                engine: "datafusion".into(),
                feature_set: None,
            },
            ANALYST,
        ))
        .await
        .expect_err("the analyst may not");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let cleared = control
        .clear_suspect(authorized(
            ClearSuspectRequest {
                engine: "datafusion".into(),
                feature_set: Some(disagreed.feature_set.clone()),
            },
            ADMIN,
        ))
        .await
        .expect("the admin may")
        .into_inner();
    assert_eq!(cleared.cleared, 1);
    assert_eq!(chosen(&mut control, &silent).await, "datafusion");
    assert!(matches!(
        log.read().expect("log").last(),
        Some(VerifyRecord::Cleared(_))
    ));
    server.stop().await;
}
