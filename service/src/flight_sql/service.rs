//! `FlightSqlService` for [`FlightSqlHandler`]: each command converted, authenticated, and
//! handed to the gateway.

use std::pin::Pin;

use arrow_flight::flight_service_server::FlightService;
use arrow_flight::sql::server::FlightSqlService;
use arrow_flight::sql::{
    ActionCancelQueryRequest, ActionCancelQueryResult, ActionClosePreparedStatementRequest,
    ActionCreatePreparedStatementRequest, ActionCreatePreparedStatementResult,
    ActionCreatePreparedSubstraitPlanRequest, CommandGetCatalogs, CommandGetDbSchemas,
    CommandGetSqlInfo, CommandGetTables, CommandPreparedStatementQuery, CommandStatementQuery,
    CommandStatementSubstraitPlan, SqlInfo, TicketStatementQuery,
};
use arrow_flight::{
    Action, ActionType, CancelFlightInfoRequest, CancelFlightInfoResult, CancelStatus,
    FlightDescriptor, FlightInfo, HandshakeRequest, HandshakeResponse, Ticket,
};
use futures::Stream;
use prost::Message;
use tonic::{Request, Response, Status, Streaming};

use super::FlightSqlHandler;
use super::wire::{self, DoGetStream};
use crate::gateway::QuerySource;
use crate::tickets::QueryId;

/// Flight's own cancel action (Flight SQL's `CancelQuery` is its deprecated twin).
pub const CANCEL_FLIGHT_INFO: &str = "CancelFlightInfo";
/// `ActionCancelQueryResult.result` values (arrow-flight does not export the enum).
const CANCEL_RESULT_CANCELLED: i32 = 1;
const CANCEL_RESULT_NOT_CANCELLABLE: i32 = 3;

type HandshakeStream = Pin<Box<dyn Stream<Item = Result<HandshakeResponse, Status>> + Send>>;
type ActionStream = <FlightSqlHandler as FlightService>::DoActionStream;

#[tonic::async_trait]
impl FlightSqlService for FlightSqlHandler {
    type FlightService = FlightSqlHandler;

    async fn do_handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<Response<HandshakeStream>, Status> {
        let metadata = request.metadata().clone();
        // Credentials in the header are enough; otherwise the first message may hold them.
        let payload = if metadata.contains_key("authorization") {
            None
        } else {
            let first = request.into_inner().message().await?;
            first.and_then(|message| wire::basic_auth(&message.payload))
        };
        let accepted = self.gateway.handshake(&metadata, payload)?;
        let token = accepted.as_ref().map(|(_, token)| token.clone());
        let answer = HandshakeResponse {
            protocol_version: 0,
            payload: token.clone().unwrap_or_default().into(),
        };
        let answers: HandshakeStream = Box::pin(futures::stream::iter([Ok(answer)]));
        let mut response = Response::new(answers);
        if let Some(token) = token {
            let value = format!("Bearer {token}")
                .parse()
                .map_err(|_| Status::unauthenticated("the token is not ASCII"))?;
            response.metadata_mut().insert("authorization", value);
        }
        Ok(response)
    }

    async fn get_flight_info_statement(
        &self,
        query: CommandStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let dialect = wire::dialect(request.metadata())?;
        let source = QuerySource::Sql {
            sql: query.query,
            dialect,
        };
        let info = self
            .start(request.metadata(), source, request.get_ref().clone())
            .await?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_substrait_plan(
        &self,
        query: CommandStatementSubstraitPlan,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let plan = query
            .plan
            .ok_or_else(|| Status::invalid_argument("the command holds no Substrait plan"))?;
        let source = QuerySource::Plan(plan.plan);
        let info = self
            .start(request.metadata(), source, request.get_ref().clone())
            .await?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let (_, started) = self
            .start_prepared(request.metadata(), &query.prepared_statement_handle)
            .await?;
        let info = wire::flight_info(&started, request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.principal(request.metadata())?;
        let schema = query.into_builder().schema();
        let info = wire::metadata_info(&query, &schema, request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.principal(request.metadata())?;
        let schema = query.clone().into_builder().schema();
        let info = wire::metadata_info(&query, &schema, request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_tables(
        &self,
        query: CommandGetTables,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.principal(request.metadata())?;
        let schema = query.clone().into_builder().schema();
        let info = wire::metadata_info(&query, &schema, request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn get_flight_info_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.principal(request.metadata())?;
        let schema = query.clone().into_builder(&self.sql_info).schema();
        let info = wire::metadata_info(&query, &schema, request.into_inner())?;
        Ok(Response::new(info))
    }

    async fn do_get_statement(
        &self,
        ticket: TicketStatementQuery,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let principal = self.principal(request.metadata())?;
        let id = QueryId::from_handle(&ticket.statement_handle)?;
        let stream = self.gateway.fetch(&principal, &id)?;
        Ok(Response::new(wire::encode(stream)))
    }

    async fn do_get_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let (principal, started) = self
            .start_prepared(request.metadata(), &query.prepared_statement_handle)
            .await?;
        let stream = self.gateway.fetch(&principal, &started.id)?;
        Ok(Response::new(wire::encode(stream)))
    }

    async fn do_get_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.principal(request.metadata())?;
        let batch = self.namespace.catalogs(query)?;
        Ok(Response::new(wire::encode_batch(batch)))
    }

    async fn do_get_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.principal(request.metadata())?;
        let batch = self.namespace.schemas(query)?;
        Ok(Response::new(wire::encode_batch(batch)))
    }

    async fn do_get_tables(
        &self,
        query: CommandGetTables,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        let principal = self.principal(request.metadata())?;
        let catalog = self.gateway.switchyard().catalog();
        let batch = self.namespace.tables(query, catalog, &principal)?;
        Ok(Response::new(wire::encode_batch(batch)))
    }

    async fn do_get_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<Ticket>,
    ) -> Result<Response<DoGetStream>, Status> {
        self.principal(request.metadata())?;
        let batch = query
            .into_builder(&self.sql_info)
            .build()
            .map_err(Status::from)?;
        Ok(Response::new(wire::encode_batch(batch)))
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        let dialect = wire::dialect(request.metadata())?;
        let source = QuerySource::Sql {
            sql: query.query,
            dialect,
        };
        Ok(self.prepare(request.metadata(), source).await?)
    }

    async fn do_action_create_prepared_substrait_plan(
        &self,
        query: ActionCreatePreparedSubstraitPlanRequest,
        request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        let plan = query
            .plan
            .ok_or_else(|| Status::invalid_argument("the request holds no Substrait plan"))?;
        Ok(self
            .prepare(request.metadata(), QuerySource::Plan(plan.plan))
            .await?)
    }

    async fn do_action_close_prepared_statement(
        &self,
        query: ActionClosePreparedStatementRequest,
        request: Request<Action>,
    ) -> Result<(), Status> {
        let principal = self.principal(request.metadata())?;
        self.gateway
            .close_prepared(&principal, &query.prepared_statement_handle);
        Ok(())
    }

    async fn do_action_cancel_query(
        &self,
        query: ActionCancelQueryRequest,
        request: Request<Action>,
    ) -> Result<ActionCancelQueryResult, Status> {
        let info = FlightInfo::decode(query.info)
            .map_err(|e| Status::invalid_argument(format!("CancelQuery: not a FlightInfo: {e}")))?;
        let result = match self.cancel(request.metadata(), &info)? {
            true => CANCEL_RESULT_CANCELLED,
            false => CANCEL_RESULT_NOT_CANCELLABLE,
        };
        Ok(ActionCancelQueryResult { result })
    }

    async fn do_action_fallback(
        &self,
        request: Request<Action>,
    ) -> Result<Response<ActionStream>, Status> {
        let action = request.get_ref();
        if action.r#type != CANCEL_FLIGHT_INFO {
            return Err(Status::invalid_argument(format!(
                "unknown action {:?}",
                action.r#type
            )));
        }
        let info = CancelFlightInfoRequest::decode(action.body.clone())
            .ok()
            .and_then(|cancel| cancel.info)
            .ok_or_else(|| {
                Status::invalid_argument("CancelFlightInfo: no FlightInfo in the body")
            })?;
        let status = match self.cancel(request.metadata(), &info)? {
            true => CancelStatus::Cancelled,
            false => CancelStatus::NotCancellable,
        };
        let body = CancelFlightInfoResult::new(status).encode_to_vec();
        let results = futures::stream::iter([Ok::<_, Status>(arrow_flight::Result::new(body))]);
        Ok(Response::new(Box::pin(results)))
    }

    async fn list_custom_actions(&self) -> Option<Vec<Result<ActionType, Status>>> {
        Some(vec![Ok(ActionType {
            r#type: CANCEL_FLIGHT_INFO.to_string(),
            description: "Cancels the queries of a FlightInfo.\n
                Request Message: CancelFlightInfoRequest\n
                Response Message: CancelFlightInfoResult"
                .to_string(),
        })])
    }

    /// SQL info is fixed when the handler is made; nothing registers more.
    async fn register_sql_info(&self, _id: i32, _result: &SqlInfo) {}
}
