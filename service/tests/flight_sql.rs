//! Flight SQL against a real server on 127.0.0.1:0: statements (SQL and Substrait), prepared
//! statements, metadata, authentication and the column policy; after every refusal the
//! server goes on serving.

mod common;

use arrow_flight::sql::{
    ActionCreatePreparedStatementResult, ActionCreatePreparedSubstraitPlanRequest, Any,
    CommandGetDbSchemas, CommandGetTables, CommandPreparedStatementQuery,
    CommandStatementSubstraitPlan, ProstMessageExt, SqlInfo, SubstraitPlan,
};
use arrow_flight::{Action, IpcMessage, Ticket};
use common::{
    ADMIN, ANALYST, PRINCIPALS, TestServer, column_text, eventually, fetch, flight_info,
    plan_bytes, rows, sql, status,
};
use datafusion::arrow::array::{
    Array, BinaryArray, BooleanArray, StringArray, UInt32Array, UnionArray,
};
use datafusion::arrow::datatypes::Schema;
use futures::TryStreamExt;
use prost::Message;
use switchyard_conformance::{
    DEFAULT_RELATIVE_TOLERANCE, compare_results, direct_session, run_sql_directly,
};
use tonic::Code;

const REVENUE: &str = "select l_returnflag, count(*) as n, sum(l_quantity) as qty \
                       from lineitem where l_shipdate <= date '1998-09-01' \
                       group by l_returnflag order by l_returnflag";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_and_substrait_statements_return_what_datafusion_returns() {
    let server = TestServer::start(PRINCIPALS).await;
    let direct = direct_session(server.service.switchyard().catalog()).expect("session");
    let expected = run_sql_directly(&direct, REVENUE)
        .await
        .expect("direct answer");
    assert_eq!(rows(&expected.batches), 3, "three return flags in TPC-H");

    let mut client = server.flight(Some(ANALYST)).await;
    let actual = sql(&mut client, REVENUE).await.expect("SQL statement");
    compare_results(
        &expected.batches,
        &actual,
        expected.ordered,
        DEFAULT_RELATIVE_TOLERANCE,
    )
    .expect("same rows as DataFusion");

    let command = CommandStatementSubstraitPlan {
        plan: Some(SubstraitPlan {
            plan: plan_bytes(&server, REVENUE).await.into(),
            version: String::new(),
        }),
        transaction_id: None,
    };
    let info = flight_info(&server.channel().await, ANALYST, &command)
        .await
        .expect("Substrait statement");
    let actual = fetch(&mut client, info).await.expect("results");
    compare_results(
        &expected.batches,
        &actual,
        expected.ordered,
        DEFAULT_RELATIVE_TOLERANCE,
    )
    .expect("same rows as DataFusion");
    let service = server.service.clone();
    eventually("fetched queries are forgotten", || {
        service.active_queries() == 0
    })
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statements_run_sql_and_substrait_plans_again_and_again() {
    let server = TestServer::start(PRINCIPALS).await;
    let mut client = server.flight(Some(ADMIN)).await;
    let mut statement = client
        .prepare(
            "select n_name from nation where n_regionkey = 1 order by n_name".into(),
            None,
        )
        .await
        .expect("prepares");
    let schema = statement.dataset_schema().expect("schema").clone();
    assert_eq!(schema.field(0).name(), "n_name");
    for _ in 0..2 {
        let info = statement.execute().await.expect("executes");
        let batches = fetch(&mut client, info).await.expect("results");
        assert_eq!(
            column_text(&batches, 0),
            ["ARGENTINA", "BRAZIL", "CANADA", "PERU", "UNITED STATES"]
        );
    }
    statement.close().await.expect("closes");

    // CreatePreparedSubstraitPlan answers with the handle (arrow-flight 59 alone drops it).
    let request = ActionCreatePreparedSubstraitPlanRequest {
        plan: Some(SubstraitPlan {
            plan: plan_bytes(&server, "select count(*) as n from nation")
                .await
                .into(),
            version: String::new(),
        }),
        transaction_id: None,
    };
    let action = Action::new(
        "CreatePreparedSubstraitPlan",
        request.as_any().encode_to_vec(),
    );
    let mut results = client.do_action(action).await.expect("prepares the plan");
    let result = results
        .message()
        .await
        .expect("answers")
        .expect("one result");
    let prepared: ActionCreatePreparedStatementResult = Any::decode(result.body)
        .expect("Any")
        .unpack()
        .expect("decodes")
        .expect("a prepared statement result");
    let schema = Schema::try_from(IpcMessage(prepared.dataset_schema)).expect("IPC schema");
    assert_eq!(schema.field(0).name(), "n");
    let query = CommandPreparedStatementQuery {
        prepared_statement_handle: prepared.prepared_statement_handle,
    };
    let batches: Vec<_> = client
        .do_get(Ticket::new(query.as_any().encode_to_vec()))
        .await
        .expect("DoGet of the prepared plan")
        .try_collect()
        .await
        .expect("results");
    assert_eq!(column_text(&batches, 0), ["25"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_info_says_what_the_server_supports() {
    let server = TestServer::start(PRINCIPALS).await;
    let mut client = server.flight(Some(ANALYST)).await;
    let wanted = vec![
        SqlInfo::FlightSqlServerSql,
        SqlInfo::FlightSqlServerSubstrait,
        SqlInfo::FlightSqlServerSubstraitMinVersion,
        SqlInfo::FlightSqlServerSubstraitMaxVersion,
        SqlInfo::FlightSqlServerCancel,
    ];
    let info = client
        .get_sql_info(wanted.clone())
        .await
        .expect("GetSqlInfo");
    let batches = fetch(&mut client, info).await.expect("answers");
    assert_eq!(rows(&batches), wanted.len());
    let batch = &batches[0];
    let names = batch
        .column(0)
        .as_any()
        .downcast_ref::<UInt32Array>()
        .expect("ids");
    let values = batch
        .column(1)
        .as_any()
        .downcast_ref::<UnionArray>()
        .expect("values");
    for row in 0..batch.num_rows() {
        let value = values.value(row);
        let id = names.value(row);
        if id == SqlInfo::FlightSqlServerSubstraitMaxVersion as u32 {
            let text = value.as_any().downcast_ref::<StringArray>().expect("text");
            let spec = switchyard_producer::substrait::version::version();
            assert_eq!(
                text.value(0),
                format!(
                    "{}.{}.{}",
                    spec.major_number, spec.minor_number, spec.patch_number
                )
            );
        } else if id == SqlInfo::FlightSqlServerSubstraitMinVersion as u32 {
            let text = value.as_any().downcast_ref::<StringArray>().expect("text");
            assert_eq!(
                text.value(0),
                switchyard_service::flight_sql::MIN_SUBSTRAIT_VERSION
            );
        } else {
            let flag = value
                .as_any()
                .downcast_ref::<BooleanArray>()
                .expect("a boolean");
            assert!(flag.value(0), "info {id} is true");
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_metadata_shows_each_principal_what_it_may_read() {
    let server = TestServer::start(PRINCIPALS).await;
    let tables = CommandGetTables {
        catalog: None,
        db_schema_filter_pattern: None,
        table_name_filter_pattern: None,
        table_types: vec![],
        include_schema: true,
    };
    let mut analyst = server.flight(Some(ANALYST)).await;
    let info = analyst.get_tables(tables.clone()).await.expect("GetTables");
    let batches = fetch(&mut analyst, info).await.expect("tables");
    let batch = &batches[0];
    let names = batch
        .column(2)
        .as_any()
        .downcast_ref::<StringArray>()
        .expect("names");
    let listed: Vec<&str> = (0..names.len()).map(|i| names.value(i)).collect();
    assert_eq!(listed, ["lineitem", "nation"], "only granted tables");
    let schemas = batch
        .column(4)
        .as_any()
        .downcast_ref::<BinaryArray>()
        .expect("schemas");
    let lineitem = Schema::try_from(IpcMessage(schemas.value(0).to_vec().into())).expect("schema");
    let columns: Vec<&str> = lineitem
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(
        columns,
        ["l_orderkey", "l_quantity", "l_returnflag", "l_shipdate"]
    );

    let mut admin = server.flight(Some(ADMIN)).await;
    let info = admin.get_tables(tables).await.expect("GetTables");
    let batches = fetch(&mut admin, info).await.expect("tables");
    assert_eq!(rows(&batches), 8, "the eight TPC-H tables");
    let info = admin.get_catalogs().await.expect("GetCatalogs");
    let batches = fetch(&mut admin, info).await.expect("catalogs");
    assert_eq!(column_text(&batches, 0), ["datafusion"]);
    let schemas = CommandGetDbSchemas {
        catalog: None,
        db_schema_filter_pattern: None,
    };
    let info = admin.get_db_schemas(schemas).await.expect("GetDbSchemas");
    let batches = fetch(&mut admin, info).await.expect("schemas");
    assert_eq!(column_text(&batches, 1), ["public"]);
    // The names resolve in queries too.
    let batches = sql(&mut admin, "select count(*) from datafusion.public.region")
        .await
        .expect("qualified names");
    assert_eq!(column_text(&batches, 0), ["5"]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_name_their_reason_and_the_server_goes_on_serving() {
    let server = TestServer::start(PRINCIPALS).await;

    let mut stranger = server.flight(Some("not-a-token")).await;
    let refused = status(sql(&mut stranger, "select 1").await.expect_err("bad token"));
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");
    let mut anonymous = server.flight(None).await;
    let refused = status(sql(&mut anonymous, "select 1").await.expect_err("no token"));
    assert_eq!(refused.code(), Code::Unauthenticated, "{refused:?}");

    let mut analyst = server.flight(Some(ANALYST)).await;
    let refused = status(
        sql(
            &mut analyst,
            "select l_orderkey from lineitem where l_extendedprice > 100",
        )
        .await
        .expect_err("forbidden column"),
    );
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert_eq!(
        refused.message(),
        "column lineitem.l_extendedprice is not granted to principal analyst"
    );
    let refused = status(
        sql(&mut analyst, "select count(*) from orders")
            .await
            .expect_err("table"),
    );
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert!(refused.message().contains("table orders"), "{refused:?}");

    let garbage = CommandStatementSubstraitPlan {
        plan: Some(SubstraitPlan {
            plan: b"this is not a substrait plan".to_vec().into(),
            version: String::new(),
        }),
        transaction_id: None,
    };
    let refused = flight_info(&server.channel().await, ANALYST, &garbage)
        .await
        .expect_err("malformed plan");
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");
    assert!(
        refused.message().contains("not a Substrait protobuf plan"),
        "{refused:?}"
    );
    let refused = status(sql(&mut analyst, "selec 1").await.expect_err("bad SQL"));
    assert_eq!(refused.code(), Code::InvalidArgument, "{refused:?}");

    // Handshake: Basic credentials whose password is the token give the bearer token back.
    let mut fresh = server.flight(None).await;
    let token = fresh
        .handshake("analyst", ANALYST)
        .await
        .expect("handshake");
    assert_eq!(&token[..], ANALYST.as_bytes());
    let batches = sql(&mut fresh, "select l_returnflag from lineitem limit 2")
        .await
        .expect("serves");
    assert_eq!(rows(&batches), 2);
    // A client without a token (one holding a valid token sends it with the handshake, which
    // then proves who it is whatever the Basic password says).
    let mut stranger = server.flight(None).await;
    let rejected = stranger
        .handshake("analyst", "wrong")
        .await
        .expect_err("bad password");
    // arrow-flight's client flattens the status into text: tonic's description of
    // Unauthenticated, then our message.
    let text = rejected.to_string();
    assert!(
        text.contains("does not have valid authentication credentials")
            && text.contains("not one this service knows"),
        "{text}"
    );
    server.stop().await;
}
