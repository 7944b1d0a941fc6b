//! A Spark Connect session over gRPC: runs SQL statements and streams their Arrow results.
//!
//! Temporary views live in a session, so the session is kept for the engine's lifetime and
//! the catalog's views are created in it once. After the first answer every request names
//! the server-side session it saw: a restarted server then refuses the request
//! (`INVALID_HANDLE.SESSION_CHANGED`) instead of quietly running it in an empty session, and
//! the engine opens a new session with its views and tries once more.

use std::io::Cursor;
use std::sync::Mutex;
use std::time::Duration;

use arrow::ipc::reader::StreamReader;
use arrow::record_batch::RecordBatch;
use switchyard_proto::spark_connect::execute_plan_response::ResponseType;
use switchyard_proto::spark_connect::interrupt_request::{Interrupt, InterruptType};
use switchyard_proto::spark_connect::spark_connect_service_client::SparkConnectServiceClient;
use switchyard_proto::spark_connect::{
    ExecutePlanRequest, ExecutePlanResponse, InterruptRequest, Plan, Relation,
    ReleaseSessionRequest, Sql, plan, relation,
};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status, Streaming};

/// Spark sends results in Arrow batches of up to a few MB; leave room for wide rows.
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// What this client calls itself in requests (Spark logs it).
const CLIENT_TYPE: &str = concat!("switchyard/", env!("CARGO_PKG_VERSION"));

/// Why a Spark Connect call failed.
#[derive(Debug)]
pub enum ConnectError {
    /// The server could not be reached (refused, timed out, connection lost).
    Unreachable(String),
    /// The server's session is not the one this client set up (the server restarted).
    SessionLost(String),
    /// The server refused or failed the statement; its message.
    Refused(String),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable(m) | Self::SessionLost(m) | Self::Refused(m) => f.write_str(m),
        }
    }
}

impl From<Status> for ConnectError {
    fn from(status: Status) -> Self {
        let message = status.message().to_string();
        match status.code() {
            Code::Unavailable | Code::DeadlineExceeded | Code::Cancelled => {
                Self::Unreachable(format!("{:?}: {message}", status.code()))
            }
            // A connection that broke mid-call (the server died) surfaces from tonic as an
            // h2 or transport error rather than as a status Spark sent.
            _ if message.starts_with("h2 protocol error")
                || message.contains("transport error") =>
            {
                Self::Unreachable(format!("the connection broke: {message}"))
            }
            _ if is_session_lost(&message) => Self::SessionLost(message),
            // Spark reports analysis and runtime errors as INTERNAL with the error class first.
            _ => Self::Refused(message),
        }
    }
}

/// Spark's error classes for a session the server no longer has.
fn is_session_lost(message: &str) -> bool {
    ["SESSION_CHANGED", "SESSION_NOT_FOUND", "SESSION_CLOSED"]
        .iter()
        .any(|class| message.contains(class))
}

/// The session's identity as both sides know it.
#[derive(Debug, Clone)]
struct SessionIds {
    /// Ours (a UUID).
    client: String,
    /// The server's, once it has answered; sent back so a restart is noticed.
    server: Option<String>,
    /// Whether the catalog's views exist in this session.
    views_ready: bool,
}

impl SessionIds {
    fn fresh() -> Self {
        Self {
            client: uuid::Uuid::new_v4().to_string(),
            server: None,
            views_ready: false,
        }
    }
}

/// One session on one Spark Connect server.
#[derive(Debug)]
pub struct SparkSession {
    client: SparkConnectServiceClient<Channel>,
    ids: Mutex<SessionIds>,
}

/// A statement that has started: its first answer has come, and the rest follows.
pub struct StartedQuery {
    /// The operation, for interrupting it.
    pub operation_id: String,
    /// Batches that came with the answers read so far.
    pub first_batches: Vec<RecordBatch>,
    /// The remaining answers (`None` when the statement has already finished).
    pub rest: Option<Streaming<ExecutePlanResponse>>,
}

impl SparkSession {
    /// A session on the server at `endpoint` (`http://host:port`). Nothing is sent yet; the
    /// connection is made (and remade after a restart) when requests need it.
    pub fn new(endpoint: &str, connect_timeout: Duration) -> Result<Self, String> {
        let channel = Endpoint::from_shared(endpoint.to_string())
            .map_err(|e| format!("endpoint {endpoint}: {e}"))?
            .connect_timeout(connect_timeout)
            .tcp_nodelay(true)
            .connect_lazy();
        let client = SparkConnectServiceClient::new(channel)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        Ok(Self {
            client,
            ids: Mutex::new(SessionIds::fresh()),
        })
    }

    fn ids(&self) -> SessionIds {
        self.ids
            .lock()
            .map(|ids| ids.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn update(&self, change: impl FnOnce(&mut SessionIds)) {
        let mut ids = self.ids.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut ids);
    }

    /// Whether the catalog's views are set up in the current session.
    pub fn views_ready(&self) -> bool {
        self.ids().views_ready
    }

    /// Records that the views now exist in session `client` (unless it was replaced meanwhile).
    pub fn mark_views_ready(&self, client: &str) {
        self.update(|ids| {
            if ids.client == client {
                ids.views_ready = true;
            }
        });
    }

    /// The current session's client id.
    pub fn session_id(&self) -> String {
        self.ids().client
    }

    /// Forgets the session (the server lost it): the next statement opens a new one.
    pub fn reset(&self) {
        self.update(|ids| *ids = SessionIds::fresh());
    }

    /// Sends `sql` and reads answers until the first batch of rows, the end, or an error,
    /// so that errors before any row are returned here.
    pub async fn start(&self, sql: &str) -> Result<StartedQuery, ConnectError> {
        let ids = self.ids();
        let operation_id = uuid::Uuid::new_v4().to_string();
        let request = ExecutePlanRequest {
            session_id: ids.client.clone(),
            client_observed_server_side_session_id: ids.server.clone(),
            user_context: None,
            operation_id: Some(operation_id.clone()),
            plan: Some(Plan {
                op_type: Some(plan::OpType::Root(Relation {
                    common: None,
                    rel_type: Some(relation::RelType::Sql(Sql {
                        query: sql.to_string(),
                    })),
                })),
            }),
            client_type: Some(CLIENT_TYPE.to_string()),
            tags: Vec::new(),
        };
        let mut stream = self
            .client
            .clone()
            .execute_plan(request)
            .await?
            .into_inner();
        let mut first_batches = Vec::new();
        loop {
            match stream.message().await? {
                None => {
                    return Ok(StartedQuery {
                        operation_id,
                        first_batches,
                        rest: None,
                    });
                }
                Some(response) => {
                    self.observe(&ids.client, &response);
                    let (batches, complete) = batches_of(response)?;
                    first_batches.extend(batches);
                    if complete {
                        return Ok(StartedQuery {
                            operation_id,
                            first_batches,
                            rest: None,
                        });
                    }
                    if !first_batches.is_empty() {
                        return Ok(StartedQuery {
                            operation_id,
                            first_batches,
                            rest: Some(stream),
                        });
                    }
                }
            }
        }
    }

    /// Runs a statement that returns no rows worth keeping (a view definition).
    pub async fn run_statement(&self, sql: &str) -> Result<(), ConnectError> {
        let started = self.start(sql).await?;
        if let Some(mut rest) = started.rest {
            while rest.message().await?.is_some() {}
        }
        Ok(())
    }

    fn observe(&self, client: &str, response: &ExecutePlanResponse) {
        if response.server_side_session_id.is_empty() {
            return;
        }
        self.update(|ids| {
            if ids.client == client {
                ids.server = Some(response.server_side_session_id.clone());
            }
        });
    }

    /// Asks the server to stop an operation (its reader has gone); errors are ignored, as
    /// the operation may have finished meanwhile.
    pub async fn interrupt(&self, operation_id: String) {
        let ids = self.ids();
        let request = InterruptRequest {
            session_id: ids.client,
            client_observed_server_side_session_id: ids.server,
            user_context: None,
            client_type: Some(CLIENT_TYPE.to_string()),
            interrupt_type: InterruptType::OperationId as i32,
            interrupt: Some(Interrupt::OperationId(operation_id)),
        };
        let _ = self.client.clone().interrupt(request).await;
    }

    /// One gRPC round trip that creates nothing on the server: releasing a session that
    /// does not exist, which Spark answers with OK and the session id. Anything else (a
    /// refused connection, a broken one, another answer) counts as not serving.
    pub async fn ping(&self) -> Result<(), ConnectError> {
        let session_id = uuid::Uuid::new_v4().to_string();
        let request = ReleaseSessionRequest {
            session_id: session_id.clone(),
            user_context: None,
            client_type: Some(CLIENT_TYPE.to_string()),
            allow_reconnect: false,
        };
        match self.client.clone().release_session(request).await {
            Ok(response) if response.get_ref().session_id == session_id => Ok(()),
            Ok(response) => Err(ConnectError::Unreachable(format!(
                "the health probe got an answer for session {:?}, not {session_id:?}",
                response.get_ref().session_id
            ))),
            Err(status) => Err(ConnectError::Unreachable(format!(
                "{:?}: {}",
                status.code(),
                status.message()
            ))),
        }
    }
}

/// The record batches in one answer, and whether it says the statement is complete.
pub fn batches_of(response: ExecutePlanResponse) -> Result<(Vec<RecordBatch>, bool), ConnectError> {
    match response.response_type {
        Some(ResponseType::ArrowBatch(batch)) => {
            let reader = StreamReader::try_new(Cursor::new(batch.data), None)
                .map_err(|e| ConnectError::Refused(format!("reading Spark's Arrow data: {e}")))?;
            let batches = reader
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ConnectError::Refused(format!("reading Spark's Arrow data: {e}")))?;
            Ok((batches, false))
        }
        Some(ResponseType::ResultComplete(_)) => Ok((Vec::new(), true)),
        // Progress, metrics and other answers this client has no use for.
        None => Ok((Vec::new(), false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_what_the_engine_does_next() {
        assert!(matches!(
            ConnectError::from(Status::unavailable("connection refused")),
            ConnectError::Unreachable(_)
        ));
        assert!(matches!(
            ConnectError::from(Status::internal(
                "[INVALID_HANDLE.SESSION_CHANGED] The existing Spark server driver instance has restarted."
            )),
            ConnectError::SessionLost(_)
        ));
        assert!(matches!(
            ConnectError::from(Status::internal("[TABLE_OR_VIEW_NOT_FOUND] The table ...")),
            ConnectError::Refused(_)
        ));
        assert!(matches!(
            ConnectError::from(Status::unknown(
                "h2 protocol error: error reading a body from connection"
            )),
            ConnectError::Unreachable(_)
        ));
    }
}
