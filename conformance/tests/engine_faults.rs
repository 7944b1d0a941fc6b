//! A PostgreSQL engine killed (SIGKILL, server and backends) during a workload of 1,000
//! queries from 16 clients, then restarted: every query returns DataFusion's answer or a
//! clear error, none hangs, the router stops sending to the dead engine at once (well within
//! its health interval) and sends to it again within the interval after it is back.

mod common;

use std::sync::Arc;
use std::time::Duration;

use switchyard_conformance::ThrowawayPgCluster;
use switchyard_conformance::faults::{
    FaultOutcome, FaultSchedule, open_with_postgres, run_fault_workload,
};

const HEALTH_INTERVAL: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_engine_loses_no_query_and_is_used_again_once_back() {
    let cluster = ThrowawayPgCluster::start("switchyard-faults-").expect("PostgreSQL");
    let path = switchyard_conformance::ensure_tpch(0.01, &common::tpch_sf001_dir(), &|_| {})
        .expect("TPC-H");
    let switchyard = open_with_postgres(&path, cluster.url(), HEALTH_INTERVAL)
        .await
        .expect("open with PostgreSQL holding the workload's tables");

    let schedule = FaultSchedule::default();
    let report = run_fault_workload(
        Arc::clone(&switchyard),
        "pg",
        cluster.cluster(),
        HEALTH_INTERVAL,
        schedule,
    )
    .await
    .expect("workload");
    println!("{}", report.markdown());

    assert_eq!(report.records.len(), schedule.queries);
    let wrong: Vec<_> = report
        .records
        .iter()
        .filter(|r| matches!(r.outcome, FaultOutcome::Wrong(_) | FaultOutcome::Hung))
        .collect();
    assert!(wrong.is_empty(), "wrong or hung: {wrong:#?}");
    for record in &report.records {
        if let FaultOutcome::Error(message) = &record.outcome {
            assert!(
                message.contains("pg"),
                "an error names its engine: {message}"
            );
        }
    }
    // PostgreSQL answered before the kill and after the restart; DataFusion in between.
    assert!(report.answered_by("pg", Duration::ZERO, report.killed_at) > 100);
    assert!(report.answered_by("datafusion", report.killed_at, report.restart_began) > 100);
    assert_eq!(
        report.answered_by("pg", report.killed_at, report.restart_began),
        0
    );
    let after_restart = report.restarted_at + HEALTH_INTERVAL * 2;
    assert!(report.answered_by("pg", after_restart, Duration::MAX) > 50);
    // Stopped sending within the health interval (a refused connection marks it down at
    // once; queries started just before the kill may still try it).
    let last = report.last_sent_to_dead().unwrap_or_default();
    assert!(last <= HEALTH_INTERVAL, "{}", report.markdown());
    // Back within one interval (plus the probe itself).
    let back = report
        .first_sent_after_restart()
        .expect("sent to pg again after the restart");
    assert!(
        back <= HEALTH_INTERVAL + Duration::from_millis(500),
        "{}",
        report.markdown()
    );
}
