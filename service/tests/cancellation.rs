//! Stopping queries stops the engine: the service's deadline, a client's deadline, a cancel
//! and a deadline mid-stream each leave the process idle (measured with its CPU time, which
//! is why this binary holds one test), and the server goes on serving.

mod common;

use std::time::{Duration, Instant};

use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::sql::{CommandStatementQuery, ProstMessageExt};
use arrow_flight::{FlightDescriptor, Ticket};
use common::{ADMIN, TestServer, authorized, column_text, eventually, sql, status};
use futures::StreamExt;
use prost::Message;
use switchyard_proto::v1::control_client::ControlClient;
use switchyard_proto::v1::{CancelRequest, QuerySource, SqlQuery, SubmitRequest, query_source};
use tonic::Code;

const LIMITS: &str = "principals: { admin: { token: admin-token, tables: '*' } }
limits: { query_timeout_ms: 1500 }
";

/// About 1.2 billion joined rows counted: seconds of work on every core before one row.
const SLOW_COUNT: &str = "select count(*) from lineitem a join lineitem b \
                          on a.l_returnflag = b.l_returnflag";

/// The same join returned: the first rows come at once, the rest would take minutes.
const ENDLESS_ROWS: &str = "select a.l_orderkey, b.l_orderkey from lineitem a join lineitem b \
                            on a.l_returnflag = b.l_returnflag";

/// This process's CPU time (user and system), in seconds.
fn cpu_seconds() -> f64 {
    switchyard_conformance::process_cpu_seconds().expect("/proc/self/stat")
}

/// How long the engine may take to notice it was stopped: DataFusion's operators check for
/// cancellation between batches, and one probe batch of these joins yields millions of rows.
/// Left alone, the queries below run for minutes.
const STOP_WITHIN: Duration = Duration::from_secs(15);

/// Asserts that the query's slot is free and that, within [`STOP_WITHIN`], the process goes
/// idle: a whole second with less than a quarter second of CPU.
async fn assert_engine_idle(server: &TestServer, after: &str) {
    let service = server.service.clone();
    eventually("the slot is freed", || service.running_queries() == 0).await;
    let stopped = Instant::now();
    let mut used = f64::MAX;
    while stopped.elapsed() < STOP_WITHIN {
        let before = cpu_seconds();
        tokio::time::sleep(Duration::from_secs(1)).await;
        used = cpu_seconds() - before;
        if used < 0.25 {
            return;
        }
    }
    panic!(
        "after {after}, the process still used {used:.2} s of CPU a second, {} s on: the \
         engine is still working",
        STOP_WITHIN.as_secs()
    );
}

fn submit(query: &str) -> SubmitRequest {
    SubmitRequest {
        source: Some(QuerySource {
            source: Some(query_source::Source::Sql(SqlQuery {
                sql: query.to_string(),
                dialect: String::new(),
            })),
        }),
        hints: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_way_of_stopping_a_query_stops_its_engine() {
    let server = TestServer::start(LIMITS).await;
    let mut client = server.flight(Some(ADMIN)).await;

    // 1. The service's time limit, while the engine computes the first rows.
    let began = Instant::now();
    let refused = status(
        client
            .execute(SLOW_COUNT.into(), None)
            .await
            .expect_err("runs past 1500 ms"),
    );
    assert_eq!(refused.code(), Code::DeadlineExceeded, "{refused:?}");
    assert!(
        refused.message().contains("time limit of 1500 ms"),
        "{refused:?}"
    );
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "stopped promptly"
    );
    assert_engine_idle(&server, "the service's deadline").await;

    // 2. The client's own deadline (grpc-timeout): the server drops the call.
    let command = CommandStatementQuery {
        query: SLOW_COUNT.into(),
        transaction_id: None,
    };
    let mut request = authorized(
        FlightDescriptor::new_cmd(command.as_any().encode_to_vec()),
        ADMIN,
    );
    request.set_timeout(Duration::from_millis(400));
    let mut raw = FlightServiceClient::new(server.channel().await);
    let gave_up = raw
        .get_flight_info(request)
        .await
        .expect_err("the client gives up");
    assert!(
        matches!(gave_up.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{gave_up:?}"
    );
    assert_engine_idle(&server, "the client's deadline").await;

    // 3. A cancel through the control API while the results stream.
    let mut control = ControlClient::new(server.channel().await);
    let submitted = control
        .submit(authorized(submit(ENDLESS_ROWS), ADMIN))
        .await
        .expect("submits")
        .into_inner();
    let mut results = client
        .do_get(Ticket::new(submitted.ticket.clone()))
        .await
        .expect("DoGet");
    let first = results.next().await.expect("a batch").expect("rows");
    assert!(first.num_rows() > 0);
    let cancel = CancelRequest {
        ticket: submitted.ticket,
    };
    let answer = control
        .cancel(authorized(cancel, ADMIN))
        .await
        .expect("cancels")
        .into_inner();
    assert!(answer.cancelled);
    let ending = loop {
        match results.next().await {
            Some(Ok(_)) => continue,
            Some(Err(error)) => break status(error),
            None => panic!("the stream ended as if complete"),
        }
    };
    assert_eq!(ending.code(), Code::Cancelled, "{ending:?}");
    assert!(ending.message().contains("was cancelled"), "{ending:?}");
    assert_engine_idle(&server, "a cancel").await;

    // 4. The service's time limit while the results stream.
    let submitted = control
        .submit(authorized(submit(ENDLESS_ROWS), ADMIN))
        .await
        .expect("submits")
        .into_inner();
    let mut results = client
        .do_get(Ticket::new(submitted.ticket))
        .await
        .expect("DoGet");
    let ending = loop {
        match results.next().await {
            Some(Ok(_)) => continue,
            Some(Err(error)) => break status(error),
            None => panic!("the stream ended as if complete"),
        }
    };
    assert_eq!(ending.code(), Code::DeadlineExceeded, "{ending:?}");
    assert_engine_idle(&server, "a deadline mid-stream").await;

    // And the server still answers.
    let batches = sql(&mut client, "select count(*) from nation")
        .await
        .expect("serves");
    assert_eq!(column_text(&batches, 0), ["25"]);
    let service = server.service.clone();
    eventually("every query is forgotten", || service.active_queries() == 0).await;
    server.stop().await;
}
