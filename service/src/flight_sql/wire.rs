//! Conversions between Flight SQL messages and the gateway's types, and the request headers
//! that steer a Flight SQL query (the protocol has no fields for dialects or engines).

use std::pin::Pin;
use std::time::Duration;

use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::error::FlightError;
use arrow_flight::sql::ProstMessageExt;
use arrow_flight::{
    BasicAuth, FlightData, FlightDescriptor, FlightEndpoint, FlightInfo, IpcMessage, SchemaAsIpc,
    Ticket,
};
use bytes::Bytes;
use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::ipc::writer::IpcWriteOptions;
use datafusion::arrow::record_batch::RecordBatch;
use futures::{Stream, StreamExt, TryStreamExt};
use prost::Message;
use switchyard_producer::SqlDialect;
use tonic::Status;
use tonic::metadata::MetadataMap;

use crate::error::ServiceError;
use crate::gateway::{RunOptions, Started};
use crate::query_stream::QueryStream;

/// The SQL dialect of `CommandStatementQuery` text (default: generic).
pub const DIALECT_HEADER: &str = "x-switchyard-dialect";
/// Run on this engine instead of the one routing picks.
pub const ENGINE_HEADER: &str = "x-switchyard-engine";
/// `true`: no fallback from the engine routing picks.
pub const STRICT_HEADER: &str = "x-switchyard-strict";
/// A time limit shorter than the service's, in milliseconds.
pub const TIMEOUT_HEADER: &str = "x-switchyard-timeout-ms";

/// What `DoGet` streams.
pub type DoGetStream = Pin<Box<dyn Stream<Item = Result<FlightData, Status>> + Send + 'static>>;

fn header<'a>(metadata: &'a MetadataMap, name: &str) -> Result<Option<&'a str>, ServiceError> {
    metadata
        .get(name)
        .map(|value| {
            value
                .to_str()
                .map(str::trim)
                .map_err(|_| ServiceError::InvalidArgument(format!("header {name} is not text")))
        })
        .transpose()
}

/// The dialect a request's SQL is written in.
pub fn dialect(metadata: &MetadataMap) -> Result<SqlDialect, ServiceError> {
    match header(metadata, DIALECT_HEADER)? {
        Some(name) => name
            .parse()
            .map_err(|e: String| ServiceError::InvalidArgument(format!("{DIALECT_HEADER}: {e}"))),
        None => Ok(SqlDialect::Generic),
    }
}

/// The engine, strictness and time limit a request's headers ask for.
pub fn run_options(metadata: &MetadataMap) -> Result<RunOptions, ServiceError> {
    let engine = header(metadata, ENGINE_HEADER)?.map(str::to_string);
    let strict = match header(metadata, STRICT_HEADER)? {
        None => false,
        Some(text) => text.parse().map_err(|_| {
            ServiceError::InvalidArgument(format!("{STRICT_HEADER}: expected true or false"))
        })?,
    };
    let timeout = header(metadata, TIMEOUT_HEADER)?
        .map(|text| {
            text.parse().map(Duration::from_millis).map_err(|_| {
                ServiceError::InvalidArgument(format!("{TIMEOUT_HEADER}: expected milliseconds"))
            })
        })
        .transpose()?;
    Ok(RunOptions {
        engine,
        strict,
        timeout,
    })
}

/// The user name and password of a handshake payload holding Flight's `BasicAuth`.
pub fn basic_auth(payload: &[u8]) -> Option<(String, String)> {
    if payload.is_empty() {
        return None;
    }
    BasicAuth::decode(payload)
        .ok()
        .filter(|auth| !auth.password.is_empty())
        .map(|auth| (auth.username, auth.password))
}

/// The `FlightInfo` of a started query: its schema and one endpoint whose ticket fetches it
/// from this server.
pub fn flight_info(
    started: &Started,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, ServiceError> {
    let endpoint = FlightEndpoint::new().with_ticket(Ticket::new(started.id.ticket()));
    let info = FlightInfo::new()
        .try_with_schema(&started.schema)
        .map_err(|e| ServiceError::Internal(format!("encoding the result schema: {e}")))?;
    Ok(info.with_endpoint(endpoint).with_descriptor(descriptor))
}

/// The `FlightInfo` of a metadata command, whose ticket is the command itself.
pub fn metadata_info(
    command: &impl ProstMessageExt,
    schema: &Schema,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, Status> {
    let ticket = Ticket::new(command.as_any().encode_to_vec());
    let info = FlightInfo::new()
        .try_with_schema(schema)
        .map_err(|e| Status::internal(format!("encoding the schema: {e}")))?;
    Ok(info
        .with_endpoint(FlightEndpoint::new().with_ticket(ticket))
        .with_descriptor(descriptor))
}

/// A schema as an IPC message (for prepared statement results).
pub fn ipc_schema(schema: &Schema) -> Result<Bytes, ServiceError> {
    let options = IpcWriteOptions::default();
    let message: IpcMessage = SchemaAsIpc::new(schema, &options)
        .try_into()
        .map_err(|e| ServiceError::Internal(format!("encoding the result schema: {e}")))?;
    Ok(message.0)
}

/// A query's results as Arrow IPC Flight data. Errors keep their gRPC code; the schema goes
/// first even when there are no rows.
pub fn encode(stream: QueryStream) -> DoGetStream {
    let schema = stream.schema();
    let batches = stream.map(|item| item.map_err(|e| FlightError::Tonic(Box::new(e.into()))));
    Box::pin(
        FlightDataEncoderBuilder::new()
            .with_schema(schema)
            .build(batches)
            .map_err(Status::from),
    )
}

/// One batch (a metadata answer) as Flight data.
pub fn encode_batch(batch: RecordBatch) -> DoGetStream {
    let schema = batch.schema();
    let batches = futures::stream::once(async move { Ok::<_, FlightError>(batch) });
    Box::pin(
        FlightDataEncoderBuilder::new()
            .with_schema(schema)
            .build(batches)
            .map_err(Status::from),
    )
}
