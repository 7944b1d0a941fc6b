//! `FlightSqlHandler`: the state behind the Flight SQL endpoint, and the steps its commands
//! share (start a statement, start a prepared one, prepare, cancel by `FlightInfo`).

use std::fmt;
use std::sync::Arc;

use arrow_flight::FlightDescriptor;
use arrow_flight::FlightInfo;
use arrow_flight::sql::ActionCreatePreparedStatementResult;
use arrow_flight::sql::metadata::SqlInfoData;
use bytes::Bytes;
use tonic::Status;
use tonic::metadata::MetadataMap;

use super::metadata::{self, Namespace};
use super::wire;
use crate::auth::Principal;
use crate::error::ServiceError;
use crate::gateway::{Gateway, QuerySource, Started};
use crate::tickets::QueryId;

/// Answers Flight SQL commands with the gateway.
pub struct FlightSqlHandler {
    pub(super) gateway: Arc<Gateway>,
    pub(super) sql_info: SqlInfoData,
    pub(super) namespace: Namespace,
}

impl fmt::Debug for FlightSqlHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlightSqlHandler")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl FlightSqlHandler {
    /// A handler over `gateway`.
    pub fn new(gateway: Arc<Gateway>) -> Result<Self, ServiceError> {
        let state = gateway.switchyard().producer().session().state();
        let options = &state.config_options().catalog;
        let namespace = Namespace {
            catalog: options.default_catalog.clone(),
            schema: options.default_schema.clone(),
        };
        Ok(Self {
            sql_info: metadata::sql_info()?,
            namespace,
            gateway,
        })
    }

    /// The principal a request's credentials name.
    pub(super) fn principal(&self, metadata: &MetadataMap) -> Result<Principal, Status> {
        Ok(self.gateway.authenticate(metadata)?)
    }

    /// Checks and starts a statement; its `FlightInfo` carries the ticket.
    pub(super) async fn start(
        &self,
        metadata: &MetadataMap,
        source: QuerySource,
        descriptor: FlightDescriptor,
    ) -> Result<FlightInfo, ServiceError> {
        let principal = self.gateway.authenticate(metadata)?;
        let options = wire::run_options(metadata)?;
        let plan = self.gateway.plan(&principal, source).await?;
        let started = self.gateway.start(&principal, &plan, &options).await?;
        wire::flight_info(&started, descriptor)
    }

    /// Starts a prepared statement.
    pub(super) async fn start_prepared(
        &self,
        metadata: &MetadataMap,
        handle: &[u8],
    ) -> Result<(Principal, Started), ServiceError> {
        let principal = self.gateway.authenticate(metadata)?;
        let options = wire::run_options(metadata)?;
        let prepared = self.gateway.prepared(&principal, handle)?;
        let started = self
            .gateway
            .start(&principal, &prepared.plan, &options)
            .await?;
        Ok((principal, started))
    }

    /// Checks a statement and keeps it under a handle.
    pub(super) async fn prepare(
        &self,
        metadata: &MetadataMap,
        source: QuerySource,
    ) -> Result<ActionCreatePreparedStatementResult, ServiceError> {
        let principal = self.gateway.authenticate(metadata)?;
        let plan = self.gateway.plan(&principal, source).await?;
        let (handle, schema) = self.gateway.prepare(&principal, plan).await?;
        Ok(ActionCreatePreparedStatementResult {
            prepared_statement_handle: handle.into(),
            dataset_schema: wire::ipc_schema(&schema)?,
            parameter_schema: Bytes::new(),
        })
    }

    /// Cancels the queries whose tickets `info`'s endpoints hold; whether any was running.
    pub(super) fn cancel(
        &self,
        metadata: &MetadataMap,
        info: &FlightInfo,
    ) -> Result<bool, ServiceError> {
        let principal = self.gateway.authenticate(metadata)?;
        let mut cancelled = false;
        for ticket in info.endpoint.iter().filter_map(|e| e.ticket.as_ref()) {
            let id = QueryId::from_ticket(&ticket.ticket)?;
            cancelled |= self.gateway.cancel(&principal, &id);
        }
        Ok(cancelled)
    }
}
