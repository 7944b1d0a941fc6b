//! The router on TPC-H at scale 0.01 with real engines: capability refusals name the feature
//! and its plan path, tiny queries stay embedded, PostgreSQL-resident tables pull queries to
//! PostgreSQL, large scans go where the cost model says (and why), a failing engine falls
//! back unless the policy is strict, and explain output is snapshot-tested.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use datafusion::physical_plan::common::collect;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::function_tests::{self, parse_test_file};
use switchyard_conformance::{ColumnNames, PgCluster, check_answer, ensure_tpch};
use switchyard_consumer::{DuckDbConfig, EngineConfig, PostgresConfig};
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::routing_config::{RuleConfig, TableRouting};
use switchyard_router::{Config, PlanFeatures, RouteDecision, RoutingConfig, Switchyard, Verdict};

/// TPC-H at scale 0.01 with `engines` added and `routing` as the routing section.
async fn open(
    engines: BTreeMap<String, EngineConfig>,
    routing: RoutingConfig,
) -> Result<Switchyard, String> {
    let path = ensure_tpch(0.01, &common::tpch_sf001_dir(), &|_| {}).map_err(|e| e.to_string())?;
    let mut config = Config::load(&path).map_err(|e| e.to_string())?;
    config.file.engines.extend(engines);
    config.file.routing = routing;
    config.source = None;
    Switchyard::open(config).await.map_err(|e| e.to_string())
}

fn duckdb() -> (String, EngineConfig) {
    (
        "duckdb".to_string(),
        EngineConfig::DuckDb(DuckDbConfig::default()),
    )
}

fn postgres(url: &str) -> (String, EngineConfig) {
    (
        "pg".to_string(),
        EngineConfig::Postgres(PostgresConfig {
            url: url.to_string(),
            connect_timeout_ms: Some(2_000),
            tables: Vec::new(),
        }),
    )
}

async fn plan(switchyard: &Switchyard, sql: &str) -> ValidatedPlan {
    switchyard
        .producer()
        .compile_checked(sql, SqlDialect::Generic)
        .await
        .expect("compiles")
}

fn verdict<'a>(decision: &'a RouteDecision, engine: &str) -> &'a Verdict {
    &decision.candidate(engine).expect("listed").verdict
}

/// Runs `sql` routed and checks the rows against the reference running the SQL directly.
async fn run_and_check(switchyard: &Switchyard, sql: &str) -> RouteDecision {
    let plan = plan(switchyard, sql).await;
    let routed = switchyard.run(&plan, None).await.expect("runs");
    let batches = collect(routed.stream).await.expect("rows");
    check_answer(
        switchyard.catalog(),
        &plan,
        sql,
        None,
        &batches,
        ColumnNames::Exact,
    )
    .await
    .unwrap_or_else(|e| panic!("{sql} on {}: {e}", routed.engine.name()));
    routed.decision
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tpch_plan_is_capable_on_every_engine_whose_tests_pass_it() {
    let switchyard = open(BTreeMap::from([duckdb()]), RoutingConfig::default())
        .await
        .expect("open");
    for number in 1..=22 {
        let sql = tpch_query(number).expect("query");
        let decision = switchyard.router().route(&plan(&switchyard, &sql).await);
        for engine in ["datafusion", "duckdb"] {
            assert_eq!(
                verdict(&decision, engine),
                &Verdict::Capable,
                "q{number} on {engine}:\n{decision}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_the_manifest_lacks_is_never_sent_there() {
    // Even pinned there by a rule, a plan DuckDB's manifest cannot run goes elsewhere.
    let routing = RoutingConfig {
        rules: vec![RuleConfig {
            pin: Some("duckdb".to_string()),
            tables: vec!["nation".to_string()],
            ..RuleConfig::default()
        }],
        ..RoutingConfig::default()
    };
    let switchyard = open(BTreeMap::from([duckdb()]), routing)
        .await
        .expect("open");
    let sql = "SELECT n_name, md5(n_name) AS digest FROM nation ORDER BY n_name";
    let decision = run_and_check(&switchyard, sql).await;
    assert_eq!(decision.chosen.as_deref(), Some("datafusion"), "{decision}");
    let Verdict::Missing { features } = verdict(&decision, "duckdb") else {
        panic!("duckdb should lack md5:\n{decision}");
    };
    assert_eq!(features.len(), 1, "{decision}");
    assert_eq!(features[0].feature, "scalar function md5(str)");
    assert_eq!(features[0].path, "sort/project/expressions[1]");
    assert!(
        decision.reason.contains(
            "rule 1 (pin to duckdb for tables nation) pins to duckdb, which cannot run it"
        ),
        "{}",
        decision.reason
    );
    let attempted: Vec<&str> = decision
        .attempts
        .iter()
        .map(|a| a.engine.as_str())
        .collect();
    assert_eq!(attempted, ["datafusion"]);
    let text = decision.to_string();
    assert!(
        text.contains("scalar function md5(str) at sort/project/expressions[1]"),
        "{text}"
    );

    // Without the function the pin holds.
    let pinned = run_and_check(&switchyard, "SELECT n_name FROM nation ORDER BY n_name").await;
    assert_eq!(pinned.chosen.as_deref(), Some("duckdb"), "{pinned}");
    assert_eq!(
        pinned.reason,
        "pinned by rule 1 (pin to duckdb for tables nation)"
    );
}

/// The plan of one function test case (`add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>`).
fn case_plan(case: &str) -> ValidatedPlan {
    let text = format!(
        "### SUBSTRAIT_SCALAR_TEST: v1.0\n\
         ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n\n{case}\n"
    );
    let file = parse_test_file(&text).expect("a valid case");
    let plan = function_tests::case_plan(&file.cases[0], &file.include).expect("a plan");
    ValidatedPlan::new(plan).expect("valid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_option_no_engine_honors_is_refused_naming_it_and_a_silent_one_runs_anywhere() {
    let switchyard = open(BTreeMap::from([duckdb()]), RoutingConfig::default())
        .await
        .expect("open");
    // Both engines wrap i8 addition (arithmetic/add.test:11 is wrong on each), so a plan
    // asking for an error on overflow never reaches either: no wrapped number comes back.
    let error = case_plan("add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>");
    let decision = switchyard.explain(&error, None).expect("explains");
    assert_eq!(decision.chosen, None, "{decision}");
    for engine in ["datafusion", "duckdb"] {
        let Verdict::Missing { features } = verdict(&decision, engine) else {
            panic!("{engine} should not take overflow=ERROR:\n{decision}");
        };
        assert_eq!(features.len(), 1, "{decision}");
        assert!(
            features[0]
                .feature
                .starts_with("scalar function add(i8, i8) with overflow=ERROR: "),
            "{}",
            features[0].feature
        );
        assert_eq!(features[0].path, "project/expressions[0]");
    }
    let refused = switchyard
        .run(&error, None)
        .await
        .err()
        .expect("refused, not run");
    assert!(
        refused
            .to_string()
            .contains("add(i8, i8) with overflow=ERROR: DataFusion honors overflow only as SILENT"),
        "{refused}"
    );

    // Named options the engines honor run on either engine; the result is the engine's.
    let silent = case_plan("add(120::i8, 10::i8) [overflow:SILENT] = <!UNDEFINED>");
    let decision = switchyard.explain(&silent, None).expect("explains");
    for engine in ["datafusion", "duckdb"] {
        assert_eq!(verdict(&decision, engine), &Verdict::Capable, "{decision}");
        let routed = switchyard.run(&silent, Some(engine)).await.expect("runs");
        let batches = collect(routed.stream).await.expect("rows");
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
    }

    // Our producer claims no overflow semantics for SQL arithmetic (DataFusion's SQL wraps,
    // so ERROR would be false): its calls set no option and the consumer chooses.
    let sql = plan(&switchyard, "SELECT n_nationkey + n_regionkey FROM nation").await;
    let features = PlanFeatures::of(&sql);
    let add = features
        .functions
        .iter()
        .find(|f| f.name == "add")
        .expect("add");
    assert_eq!(add.options, Vec::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_scans_go_where_the_cost_model_says_and_tiny_queries_stay_embedded() {
    let switchyard = open(BTreeMap::from([duckdb()]), RoutingConfig::default())
        .await
        .expect("open");
    // A lookup in a 25-row table: start-up decides, and DataFusion's is the smallest.
    let tiny = run_and_check(
        &switchyard,
        "SELECT n_name FROM nation WHERE n_nationkey = 7",
    )
    .await;
    assert_eq!(tiny.chosen.as_deref(), Some("datafusion"), "{tiny}");
    assert!(
        tiny.reason.contains("the largest difference is start-up"),
        "{}",
        tiny.reason
    );
    // TPC-H q1 scans lineitem: DuckDB's profile scans faster, and the reason says so.
    let q1 = run_and_check(&switchyard, &tpch_query(1).expect("q1")).await;
    assert_eq!(q1.chosen.as_deref(), Some("duckdb"), "{q1}");
    assert!(
        q1.reason.contains("the largest difference is scan"),
        "{}",
        q1.reason
    );
    let costs: Vec<f64> = ["duckdb", "datafusion"]
        .iter()
        .map(|e| {
            q1.candidate(e)
                .and_then(|c| c.cost.as_ref())
                .map(|c| c.total_ms)
                .expect("costed")
        })
        .collect();
    assert!(costs[0] < costs[1], "{q1}");

    // Measured runs teach the router: DuckDB measured far slower than its estimate on q1
    // makes DataFusion the choice for that plan.
    let q1_plan = plan(&switchyard, &tpch_query(1).expect("q1")).await;
    switchyard
        .router()
        .record_run(&q1, "duckdb", Duration::from_secs(5));
    let relearned = switchyard.router().route(&q1_plan);
    assert_eq!(
        relearned.chosen.as_deref(),
        Some("datafusion"),
        "{relearned}"
    );
    let duck = relearned
        .candidate("duckdb")
        .and_then(|c| c.cost.as_ref())
        .expect("costed");
    assert!((duck.total_ms - 5000.0).abs() < 1e-6, "{relearned}");
    assert!(
        duck.learned
            .as_deref()
            .is_some_and(|l| l.contains("measured")),
        "{relearned}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn costs_fitted_to_measured_runs_decide_plans_never_measured() {
    let switchyard = open(BTreeMap::from([duckdb()]), RoutingConfig::default())
        .await
        .expect("open");
    let router = switchyard.router();
    // Engines that behave unlike their profiles: DuckDB slow to start (3 ms) and fast per
    // MB scanned (0.1 ms), DataFusion quick to start (1 ms) and slow per MB (1 ms).
    let truth = |engine: &str, mb: f64| match engine {
        "duckdb" => 3.0 + 0.1 * mb,
        _ => 1.0 + mb,
    };
    for number in 2..=22 {
        let decision = router.route(&plan(&switchyard, &tpch_query(number).expect("q")).await);
        for engine in ["duckdb", "datafusion"] {
            let work = decision
                .candidate(engine)
                .and_then(|c| c.cost.as_ref())
                .expect("costed")
                .work;
            let ms = truth(engine, work.0[1]);
            router.record_run(&decision, engine, Duration::from_secs_f64(ms / 1e3));
        }
    }
    // Neither plan below ran: the fits price them.
    for (sql, expected) in [
        (tpch_query(1).expect("q1"), "duckdb"),
        (
            "SELECT n_name FROM nation WHERE n_nationkey = 7".to_string(),
            "datafusion",
        ),
    ] {
        let decision = router.route(&plan(&switchyard, &sql).await);
        assert_eq!(decision.chosen.as_deref(), Some(expected), "{decision}");
        for engine in ["duckdb", "datafusion"] {
            let cost = decision
                .candidate(engine)
                .and_then(|c| c.cost.as_ref())
                .expect("costed");
            let expected_ms = truth(engine, cost.work.0[1]);
            assert!(
                (cost.total_ms - expected_ms).abs() < 0.05 * expected_ms,
                "{engine}: {} against {expected_ms}\n{decision}",
                cost.total_ms
            );
            assert!(
                cost.learned
                    .as_deref()
                    .is_some_and(|l| l.contains("fitted to 21 measured runs")),
                "{decision}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_resident_tables_pull_queries_there_and_a_stopped_server_falls_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cluster = PgCluster::start(&dir.path().join("pg")).expect("PostgreSQL");
    let (name, config) = postgres(cluster.url());
    let switchyard = open(
        BTreeMap::from([(name.clone(), config.clone())]),
        RoutingConfig::default(),
    )
    .await
    .expect("open");
    let sql = "SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey ORDER BY n_name";

    // Before loading, PostgreSQL cannot read the tables, and explain says which and how.
    let before = switchyard.router().route(&plan(&switchyard, sql).await);
    assert_eq!(before.chosen.as_deref(), Some("datafusion"), "{before}");
    let Verdict::Missing { features } = verdict(&before, "pg") else {
        panic!("pg holds nothing yet:\n{before}");
    };
    assert!(
        features[0]
            .feature
            .starts_with("table nation (not loaded: switchyard load --engine pg"),
        "{before}"
    );

    switchyard
        .load(
            "pg",
            &["nation".to_string(), "region".to_string()],
            &|_, _| {},
        )
        .await
        .expect("load");
    // The load refreshed what PostgreSQL says about its copies (reltuples, relation size).
    let held = switchyard.router().statistics().held_bytes("pg", "nation");
    assert!(held.is_some_and(|bytes| bytes > 0), "{held:?}");
    let local = run_and_check(&switchyard, sql).await;
    assert_eq!(local.chosen.as_deref(), Some("pg"), "{local}");
    assert!(
        local
            .reason
            .contains("the largest difference is moving tables"),
        "{}",
        local.reason
    );
    let datafusion = local
        .candidate("datafusion")
        .and_then(|c| c.cost.as_ref())
        .expect("costed");
    let moved: Vec<&str> = datafusion.moved.iter().map(|m| m.table.as_str()).collect();
    assert_eq!(moved, ["nation", "region"]);
    // A query also reading a table PostgreSQL lacks stays where the files are.
    let mixed = switchyard.router().route(
        &plan(
            &switchyard,
            "SELECT count(*) FROM nation JOIN supplier ON n_nationkey = s_nationkey",
        )
        .await,
    );
    assert_eq!(mixed.chosen.as_deref(), Some("datafusion"), "{mixed}");

    // The server stops: the chosen engine fails before any rows, the next one answers, and
    // the decision records both.
    cluster.stop().expect("stop");
    let fallen_back = run_and_check(&switchyard, sql).await;
    let attempts: Vec<(&str, bool)> = fallen_back
        .attempts
        .iter()
        .map(|a| (a.engine.as_str(), a.error.is_some()))
        .collect();
    assert_eq!(
        attempts,
        [("pg", true), ("datafusion", false)],
        "{fallen_back}"
    );
    assert!(
        fallen_back.attempts[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("pg")),
        "{fallen_back}"
    );

    // Strict: the failure is the answer.
    let strict = open(
        BTreeMap::from([(
            name,
            EngineConfig::Postgres(PostgresConfig {
                url: cluster.url().to_string(),
                connect_timeout_ms: Some(2_000),
                tables: vec!["nation".to_string()],
            }),
        )]),
        RoutingConfig {
            strict: true,
            tables: BTreeMap::from([(
                "nation".to_string(),
                TableRouting {
                    home: "pg".to_string(),
                },
            )]),
            ..RoutingConfig::default()
        },
    )
    .await
    .expect("open");
    let err = strict
        .run(&plan(&strict, "SELECT n_name FROM nation").await, None)
        .await
        .err()
        .expect("pg is down and the policy is strict");
    assert!(err.to_string().contains("pg"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_ceiling_excludes_embedded_engines_from_large_scans() {
    let routing = RoutingConfig {
        embedded_max_bytes: Some(1_000_000),
        ..RoutingConfig::default()
    };
    let switchyard = open(BTreeMap::from([duckdb()]), routing)
        .await
        .expect("open");
    let decision = switchyard
        .router()
        .route(&plan(&switchyard, &tpch_query(1).expect("q1")).await);
    assert_eq!(decision.chosen, None, "{decision}");
    for engine in ["datafusion", "duckdb"] {
        let Verdict::Excluded { reason } = verdict(&decision, engine) else {
            panic!("{engine} should be excluded:\n{decision}");
        };
        assert!(
            reason.contains("over the embedded ceiling of 1.0 MB"),
            "{reason}"
        );
    }
    let err = switchyard
        .run(&plan(&switchyard, &tpch_query(1).expect("q1")).await, None)
        .await
        .err()
        .expect("nothing can take it");
    assert!(
        err.to_string().contains("no engine can run this plan"),
        "{err}"
    );
    // A small table stays under the ceiling.
    let small = switchyard
        .router()
        .route(&plan(&switchyard, "SELECT * FROM region").await);
    assert_eq!(small.chosen.as_deref(), Some("datafusion"), "{small}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_output_is_stable() {
    let switchyard = open(BTreeMap::from([duckdb()]), RoutingConfig::default())
        .await
        .expect("open");
    for number in [1, 3, 22] {
        let decision = switchyard
            .router()
            .route(&plan(&switchyard, &tpch_query(number).expect("query")).await);
        insta::assert_snapshot!(
            format!("explain_q{number}"),
            decision
                .to_string()
                .replace(&decision.fingerprint, "[fingerprint]")
        );
    }
    let md5 = switchyard
        .router()
        .route(&plan(&switchyard, "SELECT md5(n_name) FROM nation").await);
    // Fingerprints hash the plan's bytes: stable for a build, not a contract.
    let hidden = |text: String| text.replace(&md5.fingerprint, "[fingerprint]");
    insta::assert_snapshot!("explain_missing_function", hidden(md5.to_string()));
    insta::assert_snapshot!("explain_missing_function_json", hidden(md5.to_json()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_routing_configuration_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("broken.yaml");
    std::fs::write(&manifest, "supported_types: [I65]\n").expect("write");
    let cases: Vec<(RoutingConfig, &str)> = vec![
        (
            RoutingConfig {
                engines: BTreeMap::from([(
                    "duckdb".to_string(),
                    switchyard_router::routing_config::EngineRouting {
                        manifest: Some(manifest.clone()),
                        profile: None,
                    },
                )]),
                ..RoutingConfig::default()
            },
            "broken.yaml: supported_types: unknown type \"I65\"",
        ),
        (
            RoutingConfig {
                engines: BTreeMap::from([(
                    "duckdb".to_string(),
                    switchyard_router::routing_config::EngineRouting {
                        manifest: Some(dir.path().join("missing.yaml")),
                        profile: None,
                    },
                )]),
                ..RoutingConfig::default()
            },
            "missing.yaml: No such file",
        ),
        (
            RoutingConfig {
                rules: vec![RuleConfig {
                    forbid: vec!["oracle".to_string()],
                    tables: vec!["nation".to_string()],
                    ..RuleConfig::default()
                }],
                ..RoutingConfig::default()
            },
            "routing rule 1: no engine \"oracle\"",
        ),
        (
            RoutingConfig {
                rules: vec![RuleConfig {
                    pin: Some("duckdb".to_string()),
                    tables: vec!["nations".to_string()],
                    ..RuleConfig::default()
                }],
                ..RoutingConfig::default()
            },
            "routing rule 1: no table \"nations\" in the catalog",
        ),
        (
            RoutingConfig {
                tables: BTreeMap::from([(
                    "nation".to_string(),
                    TableRouting {
                        home: "mysql".to_string(),
                    },
                )]),
                ..RoutingConfig::default()
            },
            "routing.tables.nation.home: no engine \"mysql\"",
        ),
    ];
    for (routing, expected) in cases {
        let err = open(BTreeMap::from([duckdb()]), routing)
            .await
            .expect_err(expected);
        assert!(err.contains(expected), "expected {expected:?} in: {err}");
    }
    // A malformed manifest file (not YAML of the dialect format) names the file and the field.
    std::fs::write(
        &manifest,
        "supported_relations: [JOIN]\nsupported_funcs: []\n",
    )
    .expect("write");
    let routing = RoutingConfig {
        engines: BTreeMap::from([(
            "duckdb".to_string(),
            switchyard_router::routing_config::EngineRouting {
                manifest: Some(manifest.clone()),
                profile: None,
            },
        )]),
        ..RoutingConfig::default()
    };
    let err = open(BTreeMap::from([duckdb()]), routing)
        .await
        .expect_err("unknown field");
    assert!(
        err.contains("broken.yaml") && err.contains("supported_funcs"),
        "{err}"
    );
}
