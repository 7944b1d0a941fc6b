//! Admission and plan limits: a full service refuses with ResourceExhausted and recovers,
//! queued queries wait for a slot, oversized and overdeep plans are refused.

mod common;

use common::{ADMIN, TestServer, eventually, fetch, rows, sql, status};
use tonic::Code;

const ONE_SLOT: &str = "principals: { admin: { token: admin-token, tables: '*' } }
limits: { max_concurrent_queries: 1, max_queued_queries: 0 }
";

const ONE_SLOT_ONE_QUEUED: &str = "principals: { admin: { token: admin-token, tables: '*' } }
limits: { max_concurrent_queries: 1, max_queued_queries: 1 }
";

const SMALL_PLANS: &str = "principals: { admin: { token: admin-token, tables: '*' } }
limits: { max_plan_bytes: 64, max_plan_depth: 2 }
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_service_refuses_with_resource_exhausted_and_recovers() {
    let server = TestServer::start(ONE_SLOT).await;
    let mut client = server.flight(Some(ADMIN)).await;
    // Started and not yet fetched, the first query holds the only slot.
    let first = client
        .execute("select n_name from nation".into(), None)
        .await
        .expect("takes the slot");
    let refused = status(
        client
            .execute("select r_name from region".into(), None)
            .await
            .expect_err("no slot and no queue"),
    );
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert!(
        refused.message().contains("max_concurrent_queries"),
        "{refused:?}"
    );
    let batches = fetch(&mut client, first)
        .await
        .expect("the first query completes");
    assert_eq!(rows(&batches), 25);
    let batches = sql(&mut client, "select r_name from region")
        .await
        .expect("the slot is free again");
    assert_eq!(rows(&batches), 5);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_query_waits_for_the_slot_and_a_full_queue_refuses() {
    let server = TestServer::start(ONE_SLOT_ONE_QUEUED).await;
    let mut client = server.flight(Some(ADMIN)).await;
    let first = client
        .execute("select n_name from nation".into(), None)
        .await
        .expect("takes the slot");
    let mut second_client = client.clone();
    let second = tokio::spawn(async move {
        sql(&mut second_client, "select r_name from region")
            .await
            .map(|batches| rows(&batches))
    });
    let service = server.service.clone();
    eventually("the second query queues", || service.queued_queries() == 1).await;
    let refused = status(
        client
            .execute("select 1".into(), None)
            .await
            .expect_err("the queue is full"),
    );
    assert_eq!(refused.code(), Code::ResourceExhausted, "{refused:?}");
    assert_eq!(rows(&fetch(&mut client, first).await.expect("first")), 25);
    let second = second
        .await
        .expect("joins")
        .expect("admitted once the slot was free");
    assert_eq!(second, 5);
    assert_eq!(server.service.queued_queries(), 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_overdeep_plans_are_refused_by_name() {
    let server = TestServer::start(SMALL_PLANS).await;
    let mut client = server.flight(Some(ADMIN)).await;
    let long = format!(
        "select n_name from nation where n_name <> '{}'",
        "x".repeat(64)
    );
    let refused = status(sql(&mut client, &long).await.expect_err("too long"));
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    assert!(refused.message().contains("max_plan_bytes"), "{refused:?}");
    let refused = status(
        sql(
            &mut client,
            "select n_name from nation order by n_name limit 2",
        )
        .await
        .expect_err("four relations deep"),
    );
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    assert!(refused.message().contains("max_plan_depth"), "{refused:?}");
    server.stop().await;
}

const SMALL_MEMORY: &str = "principals: { admin: { token: admin-token, tables: '*' } }
limits: { memory_limit_bytes: 2MiB }
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_over_the_memory_ceiling_fails_cleanly_and_the_next_one_runs() {
    let server = TestServer::start(SMALL_MEMORY).await;
    let mut client = server.flight(Some(ADMIN)).await;
    // A hash join keeps its whole build side (every lineitem comment, several MB at scale
    // 0.01) in memory and cannot spill: over a 2 MiB pool it must stop.
    let refused = sql(
        &mut client,
        "select count(*) from lineitem a join lineitem b on a.l_comment = b.l_comment",
    )
    .await
    .expect_err("the join needs more than 2 MiB");
    let refused = status(refused);
    assert_eq!(
        refused.code(),
        tonic::Code::ResourceExhausted,
        "{refused:?}"
    );
    assert!(
        refused.message().contains("Resources exhausted"),
        "{refused:?}"
    );
    let batches = sql(&mut client, "select n_name from nation")
        .await
        .expect("the service carries on");
    assert_eq!(rows(&batches), 25);
    server.stop().await;
}
