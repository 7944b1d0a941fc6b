//! The control API, gRPC health checking and reflection, on the same listener as Flight SQL.

mod common;

use arrow_flight::Ticket;
use common::{ADMIN, ANALYST, PRINCIPALS, TestServer, authorized, column_text, status};
use datafusion::arrow::record_batch::RecordBatch;
use futures::TryStreamExt;
use switchyard_proto::v1::control_client::ControlClient;
use switchyard_proto::v1::{
    CancelRequest, ExplainRequest, ListEnginesRequest, QuerySource, SqlQuery, SubmitHints,
    SubmitRequest, query_source,
};
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

fn sql(sql: &str) -> Option<QuerySource> {
    Some(QuerySource {
        source: Some(query_source::Source::Sql(SqlQuery {
            sql: sql.to_string(),
            dialect: String::new(),
        })),
    })
}

fn submit(query: &str) -> SubmitRequest {
    SubmitRequest {
        source: sql(query),
        hints: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_and_list_engines() {
    let server = TestServer::start(PRINCIPALS).await;
    let mut control = ControlClient::new(server.channel().await);

    let request = ExplainRequest {
        source: sql("select count(*) from nation"),
        engine: None,
    };
    let decision = control
        .explain(authorized(request, ADMIN))
        .await
        .expect("explains")
        .into_inner()
        .decision
        .expect("a decision");
    assert_eq!(decision.chosen, "datafusion");
    assert!(
        decision
            .candidates
            .iter()
            .any(|c| c.engine == "datafusion" && c.capable),
        "{decision:?}"
    );
    assert!(
        decision.text.contains("chosen: datafusion"),
        "{}",
        decision.text
    );
    assert!(decision.attempts.is_empty(), "explaining runs nothing");

    let request = ExplainRequest {
        source: sql("select l_comment from lineitem"),
        engine: None,
    };
    let refused = control
        .explain(authorized(request, ANALYST))
        .await
        .expect_err("the analyst may not read l_comment");
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert!(
        refused.message().contains("lineitem.l_comment"),
        "{refused:?}"
    );

    let engines = control
        .list_engines(authorized(ListEnginesRequest {}, ANALYST))
        .await
        .expect("lists")
        .into_inner()
        .engines;
    let datafusion = engines
        .iter()
        .find(|engine| engine.name == "datafusion")
        .expect("the embedded default engine");
    assert_eq!(datafusion.kind, "datafusion");
    assert!(datafusion.healthy, "{datafusion:?}");
    assert!(datafusion.scalar_functions > 0, "{datafusion:?}");
    let profile = datafusion.profile.as_ref().expect("a cost profile");
    assert!(profile.scan_mb_per_s > 0.0, "{profile:?}");

    let unauthenticated = control
        .list_engines(ListEnginesRequest {})
        .await
        .expect_err("no token");
    assert_eq!(unauthenticated.code(), Code::Unauthenticated);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_tickets_are_redeemed_once_with_flight_and_can_be_cancelled() {
    let server = TestServer::start(PRINCIPALS).await;
    let mut control = ControlClient::new(server.channel().await);
    let mut flight = server.flight(Some(ANALYST)).await;

    let request = SubmitRequest {
        source: sql("select n_name from nation order by n_name limit 3"),
        hints: Some(SubmitHints {
            engine: Some("datafusion".into()),
            strict: true,
            timeout_ms: 10_000,
        }),
    };
    let submitted = control
        .submit(authorized(request, ANALYST))
        .await
        .expect("submits")
        .into_inner();
    let decision = submitted.decision.expect("a decision");
    assert_eq!(decision.attempts.len(), 1, "{decision:?}");
    assert_eq!(decision.attempts[0].engine, "datafusion");
    assert!(decision.attempts[0].error.is_empty(), "{decision:?}");

    // Another principal cannot redeem it.
    let mut admin = server.flight(Some(ADMIN)).await;
    let foreign = admin
        .do_get(Ticket::new(submitted.ticket.clone()))
        .await
        .expect_err("not the admin's ticket");
    assert_eq!(status(foreign).code(), Code::NotFound);

    let batches: Vec<RecordBatch> = flight
        .do_get(Ticket::new(submitted.ticket.clone()))
        .await
        .expect("DoGet")
        .try_collect()
        .await
        .expect("results");
    assert_eq!(column_text(&batches, 0), ["ALGERIA", "ARGENTINA", "BRAZIL"]);
    let spent = flight
        .do_get(Ticket::new(submitted.ticket))
        .await
        .expect_err("tickets are single-use");
    assert_eq!(status(spent).code(), Code::NotFound);

    // A query cancelled before its DoGet is gone, and cancelling it again says so.
    let submitted = control
        .submit(authorized(submit("select n_name from nation"), ANALYST))
        .await
        .expect("submits")
        .into_inner();
    let cancel = CancelRequest {
        ticket: submitted.ticket.clone(),
    };
    let answer = control
        .cancel(authorized(cancel.clone(), ANALYST))
        .await
        .expect("cancels")
        .into_inner();
    assert!(answer.cancelled);
    assert_eq!(
        server.service.running_queries(),
        0,
        "its slot is free at once"
    );
    let gone = flight
        .do_get(Ticket::new(submitted.ticket))
        .await
        .expect_err("cancelled");
    assert_eq!(status(gone).code(), Code::NotFound);
    let again = control
        .cancel(authorized(cancel, ANALYST))
        .await
        .expect("answers")
        .into_inner();
    assert!(!again.cancelled);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_serving_and_reflection_lists_the_control_api() {
    let server = TestServer::start(PRINCIPALS).await;
    let mut health = HealthClient::new(server.channel().await);
    for service in [
        "",
        "switchyard.v1.Control",
        "arrow.flight.protocol.FlightService",
    ] {
        let request = HealthCheckRequest {
            service: service.to_string(),
        };
        let answer = health.check(request).await.expect("health check");
        assert_eq!(
            answer.into_inner().status,
            ServingStatus::Serving as i32,
            "{service:?}"
        );
    }

    let mut reflection = ServerReflectionClient::new(server.channel().await);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut answers = reflection
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let answer = answers
        .message()
        .await
        .expect("answers")
        .expect("an answer");
    let Some(MessageResponse::ListServicesResponse(list)) = answer.message_response else {
        panic!("expected a service list, got {answer:?}");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.iter().any(|n| n == "switchyard.v1.Control"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "grpc.health.v1.Health"),
        "{names:?}"
    );
    server.stop().await;
}
