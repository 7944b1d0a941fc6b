//! A real Ballista cluster (a scheduler and two executors, each a process started by
//! `switchyard cluster start`): TPC-H at scale 0.1 equal to DataFusion running the SQL
//! directly, the built-in manifest claiming nothing no passing case (function tests, TPC-H,
//! feature queries, foreign plans) exercised on the cluster, an executor killed during a query, and a stopped scheduler that health shows
//! and routing falls back from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use datafusion::physical_plan::common::collect;
use switchyard_conformance::function_tests::CaseOutcome;
use switchyard_conformance::measured_manifests::{admitted_wrong_cases, passing_features};
use switchyard_conformance::{Suite, ensure_tpch, run_suites};
use switchyard_consumer::{BallistaConfig, EngineConfig, EngineKind, Health, Manifest};
use switchyard_router::measured_manifest::unexercised_claims;
use switchyard_router::routing_config::RuleConfig;
use switchyard_router::{Config, Switchyard, Verdict};

/// A cluster started for one test and stopped when it drops.
struct TestCluster {
    dir: tempfile::TempDir,
    url: String,
}

impl TestCluster {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = switchyard()
            .args([
                "cluster",
                "start",
                "--executors",
                "2",
                "--port",
                "0",
                "--dir",
            ])
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "cluster start: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let url = String::from_utf8_lossy(&output.stdout).trim().to_string();
        assert!(url.starts_with("df://127.0.0.1:"), "{url}");
        Self { dir, url }
    }

    fn state(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.dir.path().join("cluster.json")).expect("cluster state");
        serde_json::from_str(&text).expect("JSON")
    }

    fn pid(&self, role: &str) -> u32 {
        self.state()["processes"]
            .as_array()
            .expect("processes")
            .iter()
            .find(|p| p["role"] == role)
            .and_then(|p| p["pid"].as_u64())
            .and_then(|pid| u32::try_from(pid).ok())
            .unwrap_or_else(|| panic!("no {role} in the cluster state"))
    }

    fn status(&self) -> (bool, String) {
        let output = switchyard()
            .args(["cluster", "status", "--dir"])
            .arg(self.dir.path())
            .output()
            .expect("runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).to_string(),
        )
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        let _ = switchyard()
            .args(["cluster", "stop", "--dir"])
            .arg(self.dir.path())
            .output();
    }
}

fn switchyard() -> Command {
    Command::cargo_bin("switchyard").expect("binary")
}

fn kill(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Waits until process `pid` has exited (its sockets are closed then).
fn wait_gone(pid: u32) {
    let started = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{pid} still alive"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn tpch_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.1")
}

async fn open(url: &str, rules: Vec<RuleConfig>) -> Switchyard {
    open_with_timeout(url, rules, None).await
}

async fn open_with_timeout(
    url: &str,
    rules: Vec<RuleConfig>,
    query_timeout_ms: Option<u64>,
) -> Switchyard {
    let path = ensure_tpch(0.1, &tpch_dir(), &|_| {}).expect("TPC-H at scale 0.1");
    let mut config = Config::load(&path).expect("config");
    config.source = None;
    config.file.engines = BTreeMap::from([(
        "ballista".to_string(),
        EngineConfig::Ballista(BallistaConfig {
            url: url.to_string(),
            connect_timeout_ms: Some(2_000),
            query_timeout_ms,
        }),
    )]);
    config.file.routing.rules = rules;
    Switchyard::open(config).await.expect("open")
}

fn stopped_processes_are_gone(dir: &Path) {
    assert!(!dir.join("cluster.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpch_at_scale_0_1_on_two_executors_equals_datafusion() {
    let cluster = TestCluster::start();
    let (running, listing) = cluster.status();
    assert!(running, "{listing}");
    assert_eq!(listing.matches("running").count(), 3, "{listing}");
    let switchyard = open(&cluster.url, Vec::new()).await;
    let suites = [
        Suite::SubstraitFunctions,
        Suite::Tpch,
        Suite::Features,
        Suite::ForeignPlans,
    ];
    let records = run_suites(&switchyard, &["ballista".to_string()], &suites, &|_| {})
        .await
        .expect("suites run");
    let failures: Vec<String> = records
        .iter()
        .filter(|r| r.suite == Suite::Tpch.to_string() && !passes_or_proves_nothing(r))
        .map(|r| format!("{}: {:?}", r.function, r.outcome))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // The built-in manifest claims nothing no passing case exercised on the cluster.
    let passing = passing_features(&records, "ballista");
    let manifest = Manifest::builtin(EngineKind::Ballista).expect("manifest");
    assert_eq!(
        unexercised_claims(&manifest, &passing),
        Ok(Vec::new()),
        "the built-in Ballista manifest claims what no passing case exercises"
    );
    // And it admits no function test case the engine answered wrongly.
    let routed = switchyard.engine_for(Some("ballista")).expect("engine");
    assert_eq!(
        admitted_wrong_cases(routed.manifest(), &records, "ballista"),
        Ok(Vec::new()),
        "the Ballista manifest admits wrong answers"
    );
    let dir = cluster.dir.path().to_path_buf();
    drop(cluster);
    stopped_processes_are_gone(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_killed_during_a_query_gives_a_result_or_a_clear_error() {
    let cluster = TestCluster::start();
    // Ballista 55 can leave a job unfinished after losing an executor (its stage rollback
    // loses a task's status); the engine's query timeout turns that into an error.
    let switchyard = open_with_timeout(&cluster.url, Vec::new(), Some(30_000)).await;
    // q21 reads lineitem three times: long enough to lose an executor in the middle.
    let sql = switchyard_conformance::corpus::tpch_query(21).expect("q21");
    let plan = switchyard
        .producer()
        .compile_checked(&sql, Default::default())
        .await
        .expect("plan");
    let executor = cluster.pid("executor-0");
    let killer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        kill(executor);
    });
    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        let (_, stream) = switchyard
            .execute(&plan, Some("ballista"))
            .await
            .map_err(|e| e.to_string())?;
        collect(stream)
            .await
            .map_err(|e| format!("engine ballista failed: {e}"))
    })
    .await
    .expect("the query neither hangs nor outlives its bound");
    killer.await.expect("killed");
    match outcome {
        Ok(batches) => {
            // Completed on the surviving executor: the answer must still be right, by a
            // reference that is not DataFusion (Ballista's own engine).
            switchyard_conformance::check_answer(
                switchyard.catalog(),
                &plan,
                &sql,
                None,
                &batches,
                switchyard_conformance::ColumnNames::Exact,
            )
            .await
            .expect("the answer after losing an executor equals the reference's");
        }
        Err(e) => {
            eprintln!("q21 with an executor killed failed: {e}");
            assert!(e.contains("engine ballista"), "{e}");
        }
    }
    eprintln!("q21 with an executor killed: {:?}", started.elapsed());
    let (running, listing) = cluster.status();
    assert!(!running, "an executor is gone:\n{listing}");
    assert!(listing.contains("stopped"), "{listing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_scheduler_shows_in_health_and_routing_falls_back() {
    let cluster = TestCluster::start();
    let pin = RuleConfig {
        pin: Some("ballista".to_string()),
        tables: vec!["nation".to_string()],
        ..RuleConfig::default()
    };
    let switchyard = open(&cluster.url, vec![pin]).await;
    let plan = switchyard
        .producer()
        .compile_checked("select count(*) as n from nation", Default::default())
        .await
        .expect("plan");
    let run = switchyard.run(&plan, None).await.expect("runs");
    assert_eq!(run.engine.name(), "ballista", "{}", run.decision);
    collect(run.stream).await.expect("rows");

    let scheduler = cluster.pid("scheduler");
    kill(scheduler);
    wait_gone(scheduler);
    let health = switchyard.check_health().await;
    let ballista = health
        .iter()
        .find(|(name, _)| name == "ballista")
        .expect("checked");
    assert!(
        matches!(&ballista.1, Health::Unreachable(e) if e.contains("does not accept connections")),
        "{ballista:?}"
    );
    let decision = switchyard.explain(&plan, None).expect("explain");
    let candidate = decision.candidate("ballista").expect("listed");
    assert!(
        matches!(candidate.verdict, Verdict::Down { .. }),
        "{decision}"
    );
    assert_eq!(decision.chosen.as_deref(), Some("datafusion"), "{decision}");
    let run = switchyard.run(&plan, None).await.expect("falls back");
    assert_eq!(run.engine.name(), "datafusion");
    let batches = collect(run.stream).await.expect("rows");
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
}

/// A pass, or (for q17 and q18, whose answers can be one NULL or empty at small scales) an
/// agreement with a reference that proves nothing.
fn passes_or_proves_nothing(record: &switchyard_conformance::function_tests::CaseRecord) -> bool {
    match &record.outcome {
        CaseOutcome::Pass => true,
        CaseOutcome::Inconclusive { .. } => ["q17", "q18"].contains(&record.function.as_str()),
        _ => false,
    }
}
