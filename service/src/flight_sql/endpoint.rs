//! The Flight service as served: [`FlightSqlHandler`] behind a thin `FlightService` that
//! fixes one dispatch of arrow-flight 59.
//!
//! arrow-flight's `do_action` calls `do_action_create_prepared_substrait_plan` and then
//! answers with an empty stream, dropping the prepared statement's handle and schema, so a
//! client (ADBC's `cursor.execute(plan_bytes)` prepares first) cannot use the statement.
//! Here that action returns its result like `CreatePreparedStatement` does; every other call
//! goes to arrow-flight's own dispatch unchanged.

use std::sync::Arc;

use arrow_flight::flight_service_server::FlightService;
use arrow_flight::sql::server::FlightSqlService;
use arrow_flight::sql::{ActionCreatePreparedSubstraitPlanRequest, Any, ProstMessageExt};
use arrow_flight::{
    Action, Criteria, Empty, FlightData, FlightDescriptor, FlightInfo, HandshakeRequest, PollInfo,
    SchemaResult, Ticket,
};
use prost::Message;
use tonic::{Request, Response, Status, Streaming};

use super::FlightSqlHandler;

/// The action arrow-flight mis-answers.
const CREATE_PREPARED_SUBSTRAIT_PLAN: &str = "CreatePreparedSubstraitPlan";

/// The Flight SQL handler as a gRPC `FlightService`.
#[derive(Debug, Clone)]
pub struct FlightEndpoint {
    handler: Arc<FlightSqlHandler>,
}

impl FlightEndpoint {
    /// Serves `handler`.
    pub fn new(handler: FlightSqlHandler) -> Self {
        Self {
            handler: Arc::new(handler),
        }
    }
}

type Inner = FlightSqlHandler;

#[tonic::async_trait]
impl FlightService for FlightEndpoint {
    type HandshakeStream = <Inner as FlightService>::HandshakeStream;
    type ListFlightsStream = <Inner as FlightService>::ListFlightsStream;
    type DoGetStream = <Inner as FlightService>::DoGetStream;
    type DoPutStream = <Inner as FlightService>::DoPutStream;
    type DoExchangeStream = <Inner as FlightService>::DoExchangeStream;
    type DoActionStream = <Inner as FlightService>::DoActionStream;
    type ListActionsStream = <Inner as FlightService>::ListActionsStream;

    async fn handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<Response<Self::HandshakeStream>, Status> {
        FlightService::handshake(self.handler.as_ref(), request).await
    }

    async fn list_flights(
        &self,
        request: Request<Criteria>,
    ) -> Result<Response<Self::ListFlightsStream>, Status> {
        FlightService::list_flights(self.handler.as_ref(), request).await
    }

    async fn get_flight_info(
        &self,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        FlightService::get_flight_info(self.handler.as_ref(), request).await
    }

    async fn poll_flight_info(
        &self,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<PollInfo>, Status> {
        FlightService::poll_flight_info(self.handler.as_ref(), request).await
    }

    async fn get_schema(
        &self,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<SchemaResult>, Status> {
        FlightService::get_schema(self.handler.as_ref(), request).await
    }

    async fn do_get(
        &self,
        request: Request<Ticket>,
    ) -> Result<Response<Self::DoGetStream>, Status> {
        FlightService::do_get(self.handler.as_ref(), request).await
    }

    async fn do_put(
        &self,
        request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoPutStream>, Status> {
        FlightService::do_put(self.handler.as_ref(), request).await
    }

    async fn do_exchange(
        &self,
        request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoExchangeStream>, Status> {
        FlightService::do_exchange(self.handler.as_ref(), request).await
    }

    async fn do_action(
        &self,
        request: Request<Action>,
    ) -> Result<Response<Self::DoActionStream>, Status> {
        if request.get_ref().r#type != CREATE_PREPARED_SUBSTRAIT_PLAN {
            return FlightService::do_action(self.handler.as_ref(), request).await;
        }
        let invalid = || {
            Status::invalid_argument(
                "CreatePreparedSubstraitPlan: the body is not an \
                 ActionCreatePreparedSubstraitPlanRequest",
            )
        };
        let any = Any::decode(request.get_ref().body.clone()).map_err(|_| invalid())?;
        let command: ActionCreatePreparedSubstraitPlanRequest =
            any.unpack().map_err(|_| invalid())?.ok_or_else(invalid)?;
        let prepared = self
            .handler
            .do_action_create_prepared_substrait_plan(command, request)
            .await?;
        let body = prepared.as_any().encode_to_vec();
        let results = futures::stream::iter([Ok::<_, Status>(arrow_flight::Result::new(body))]);
        Ok(Response::new(Box::pin(results)))
    }

    async fn list_actions(
        &self,
        request: Request<Empty>,
    ) -> Result<Response<Self::ListActionsStream>, Status> {
        FlightService::list_actions(self.handler.as_ref(), request).await
    }
}
