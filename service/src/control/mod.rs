//! The control API (`switchyard.v1.Control`): what Flight SQL has no words for. `Explain`
//! says where a query would run, `ListEngines` what each engine is and can do, `Submit`
//! starts a query with hints and returns a ticket that Flight `DoGet` redeems, and `Cancel`
//! stops one.

mod convert;

use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;
use switchyard_consumer::{EngineRef, Health};
use switchyard_producer::SqlDialect;
use switchyard_proto::v1;
use switchyard_proto::v1::control_server::Control;
use switchyard_proto::v1::{
    CancelRequest, CancelResponse, ClearSuspectRequest, ClearSuspectResponse, ExplainRequest,
    ExplainResponse, ListEnginesRequest, ListEnginesResponse, ListSuspectsRequest,
    ListSuspectsResponse, SubmitRequest, SubmitResponse, query_source,
};
use tonic::{Request, Response, Status};

use crate::error::ServiceError;
use crate::gateway::{Gateway, QuerySource, RunOptions};
use crate::tickets::QueryId;

/// How long `ListEngines` waits for an engine's health check.
pub const HEALTH_TIMEOUT: Duration = Duration::from_secs(5);

/// The control service over the gateway.
#[derive(Debug, Clone)]
pub struct ControlService {
    gateway: Arc<Gateway>,
}

impl ControlService {
    /// A control service over `gateway`.
    pub fn new(gateway: Arc<Gateway>) -> Self {
        Self { gateway }
    }
}

/// The query a request names.
fn query_source(source: Option<v1::QuerySource>) -> Result<QuerySource, ServiceError> {
    match source.and_then(|source| source.source) {
        Some(query_source::Source::Plan(plan)) => Ok(QuerySource::Plan(plan.plan.into())),
        Some(query_source::Source::Sql(query)) => {
            let dialect = if query.dialect.is_empty() {
                SqlDialect::Generic
            } else {
                query
                    .dialect
                    .parse()
                    .map_err(ServiceError::InvalidArgument)?
            };
            Ok(QuerySource::Sql {
                sql: query.sql,
                dialect,
            })
        }
        None => Err(ServiceError::InvalidArgument(
            "the request holds no query: set source.plan or source.sql".into(),
        )),
    }
}

async fn health_within(engine: &EngineRef) -> Health {
    tokio::time::timeout(HEALTH_TIMEOUT, engine.health())
        .await
        .unwrap_or_else(|_| {
            Health::Unreachable(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs()))
        })
}

#[tonic::async_trait]
impl Control for ControlService {
    async fn explain(
        &self,
        request: Request<ExplainRequest>,
    ) -> Result<Response<ExplainResponse>, Status> {
        let principal = self.gateway.authenticate(request.metadata())?;
        let ExplainRequest { source, engine } = request.into_inner();
        let plan = self.gateway.plan(&principal, query_source(source)?).await?;
        let decision = self.gateway.explain(&plan, engine.as_deref())?;
        Ok(Response::new(ExplainResponse {
            decision: Some(convert::decision(&decision)),
        }))
    }

    async fn list_engines(
        &self,
        request: Request<ListEnginesRequest>,
    ) -> Result<Response<ListEnginesResponse>, Status> {
        self.gateway.authenticate(request.metadata())?;
        let switchyard = self.gateway.switchyard();
        let engines: Vec<EngineRef> = switchyard.engines().iter().cloned().collect();
        // Checked together: one engine that is down costs one timeout, not several.
        let health = join_all(engines.iter().map(health_within)).await;
        let engines = engines
            .iter()
            .zip(health)
            .map(|(engine, health)| {
                convert::engine(engine, health, switchyard.router().profile(engine.name()))
            })
            .collect();
        Ok(Response::new(ListEnginesResponse { engines }))
    }

    async fn submit(
        &self,
        request: Request<SubmitRequest>,
    ) -> Result<Response<SubmitResponse>, Status> {
        let principal = self.gateway.authenticate(request.metadata())?;
        let SubmitRequest { source, hints } = request.into_inner();
        let hints = hints.unwrap_or_default();
        let options = RunOptions {
            engine: hints.engine,
            strict: hints.strict,
            timeout: (hints.timeout_ms > 0).then_some(Duration::from_millis(hints.timeout_ms)),
        };
        let plan = self.gateway.plan(&principal, query_source(source)?).await?;
        let started = self.gateway.start(&principal, &plan, &options).await?;
        Ok(Response::new(SubmitResponse {
            ticket: started.id.ticket(),
            decision: Some(convert::decision(&started.decision)),
        }))
    }

    async fn cancel(
        &self,
        request: Request<CancelRequest>,
    ) -> Result<Response<CancelResponse>, Status> {
        let principal = self.gateway.authenticate(request.metadata())?;
        let id = QueryId::from_ticket(&request.get_ref().ticket)?;
        let cancelled = self.gateway.cancel(&principal, &id);
        Ok(Response::new(CancelResponse { cancelled }))
    }

    async fn list_suspects(
        &self,
        request: Request<ListSuspectsRequest>,
    ) -> Result<Response<ListSuspectsResponse>, Status> {
        self.gateway.authenticate(request.metadata())?;
        let switchyard = self.gateway.switchyard();
        Ok(Response::new(ListSuspectsResponse {
            suspects: switchyard
                .router()
                .suspects()
                .list()
                .iter()
                .map(convert::suspect)
                .collect(),
            counts: self.gateway.shadow_counts().map(convert::verify_counts),
            log: switchyard.verify_log().path().display().to_string(),
        }))
    }

    async fn clear_suspect(
        &self,
        request: Request<ClearSuspectRequest>,
    ) -> Result<Response<ClearSuspectResponse>, Status> {
        let principal = self.gateway.authenticate(request.metadata())?;
        if !principal.reads_everything() {
            return Err(ServiceError::PermissionDenied(format!(
                "principal {} may not clear suspect marks: it needs every table (tables: \"*\")",
                principal.name()
            ))
            .into());
        }
        let ClearSuspectRequest {
            engine,
            feature_set,
        } = request.into_inner();
        let cleared = self.gateway.clear_suspect(&engine, feature_set)?;
        Ok(Response::new(ClearSuspectResponse {
            cleared: u32::try_from(cleared).unwrap_or(u32::MAX),
        }))
    }
}
