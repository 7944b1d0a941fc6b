//! The service's error type, and the one place it becomes a gRPC status.

use datafusion::error::DataFusionError;
use switchyard_consumer::EngineError;
use switchyard_producer::ProducerError;
use switchyard_router::RouterError;
use thiserror::Error;
use tonic::{Code, Status};

/// Everything a request to the service can fail with.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// No token, or one that names no principal.
    #[error("{0}")]
    Unauthenticated(String),
    /// The principal may not do this (read a table or column, run a writing plan).
    #[error("{0}")]
    PermissionDenied(String),
    /// The request is malformed: bad plan bytes, unknown dialect, missing field.
    #[error("{0}")]
    InvalidArgument(String),
    /// No such ticket or prepared statement (or it belongs to another principal).
    #[error("{0}")]
    NotFound(String),
    /// Too many queries running and waiting.
    #[error("{0}")]
    ResourceExhausted(String),
    /// The query ran past its time limit.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// A client cancelled the query.
    #[error("{0}")]
    Cancelled(String),
    /// The service cannot be set up from its configuration (TLS files, grants, limits).
    #[error("service configuration: {0}")]
    Config(String),
    /// Compiling, routing or running the plan failed.
    #[error(transparent)]
    Router(#[from] RouterError),
    /// Something the service itself got wrong.
    #[error("{0}")]
    Internal(String),
}

impl From<ProducerError> for ServiceError {
    fn from(error: ProducerError) -> Self {
        Self::Router(RouterError::Producer(error))
    }
}

impl From<EngineError> for ServiceError {
    fn from(error: EngineError) -> Self {
        Self::Router(RouterError::Engine(error))
    }
}

impl ServiceError {
    /// A plan that decoded but that DataFusion's Substrait consumer (which every engine
    /// goes through) cannot turn into a logical plan: the client's plan is at fault.
    pub fn unreadable_plan(error: EngineError) -> Self {
        let reason = match error {
            EngineError::Plan { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        Self::InvalidArgument(format!("the plan cannot be read: {reason}"))
    }

    /// The gRPC code clients see: their mistakes are `InvalidArgument`, the service's
    /// and engines' failures `Internal` or `Unavailable`.
    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::PermissionDenied(_) => Code::PermissionDenied,
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::NotFound(_) => Code::NotFound,
            Self::ResourceExhausted(_) => Code::ResourceExhausted,
            Self::DeadlineExceeded(_) => Code::DeadlineExceeded,
            Self::Cancelled(_) => Code::Cancelled,
            Self::Config(_) | Self::Internal(_) => Code::Internal,
            Self::Router(error) => router_code(error),
        }
    }
}

fn router_code(error: &RouterError) -> Code {
    match error {
        RouterError::Producer(
            ProducerError::Sql(_)
            | ProducerError::Statements(_)
            | ProducerError::Substrait(_)
            | ProducerError::Decode(_)
            | ProducerError::UnknownField { .. }
            | ProducerError::Invalid(_),
        ) => Code::InvalidArgument,
        RouterError::Producer(_) => Code::Internal,
        RouterError::Engine(error) => engine_code(error),
        RouterError::LimitExceeded(_) | RouterError::PlanWarnings { .. } => Code::InvalidArgument,
        RouterError::NoCapableEngine { .. } => Code::Unimplemented,
        RouterError::UnknownTable { .. } => Code::NotFound,
        // Configuration and calibration errors, and every engine failing: the service's side.
        _ => Code::Internal,
    }
}

fn engine_code(error: &EngineError) -> Code {
    match error {
        // The plan names something the engine cannot resolve, or is malformed.
        EngineError::Plan { .. } | EngineError::UnknownEngine { .. } => Code::InvalidArgument,
        EngineError::Execution { source, .. } => datafusion_code(source),
        EngineError::Translate { .. } | EngineError::Unsupported { .. } => Code::Unimplemented,
        EngineError::Unavailable { .. } => Code::Unavailable,
        EngineError::TableNotLoaded { .. } => Code::FailedPrecondition,
        _ => Code::Internal,
    }
}

fn datafusion_code(error: &DataFusionError) -> Code {
    match error.find_root() {
        DataFusionError::ResourcesExhausted(_) => Code::ResourceExhausted,
        _ => Code::Internal,
    }
}

impl From<ServiceError> for Status {
    fn from(error: ServiceError) -> Self {
        let code = error.code();
        // One line: clients show the message as it is.
        let message = error
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if code == Code::Internal {
            tracing::warn!("{message}");
        }
        Status::new(code, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_mistakes_and_service_failures_get_their_codes() {
        let bad_plan = ServiceError::from(ProducerError::Decode("not a plan".into()));
        assert_eq!(Status::from(bad_plan).code(), Code::InvalidArgument);
        let denied = ServiceError::PermissionDenied("column t.c is not granted".into());
        let status = Status::from(denied);
        assert_eq!(status.code(), Code::PermissionDenied);
        assert_eq!(status.message(), "column t.c is not granted");
        let exhausted = ServiceError::from(EngineError::Execution {
            engine: "datafusion".into(),
            source: DataFusionError::ResourcesExhausted("pool".into()),
        });
        assert_eq!(Status::from(exhausted).code(), Code::ResourceExhausted);
        let multi_line = ServiceError::Router(RouterError::NoCapableEngine {
            decision: "chosen: none\n| a | b |".into(),
        });
        let status = Status::from(multi_line);
        assert_eq!(status.code(), Code::Unimplemented);
        assert!(!status.message().contains('\n'), "{}", status.message());
    }
}
