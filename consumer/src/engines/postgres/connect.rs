//! Connections to the server, bounded in time from the first packet to the ready message.

use tokio_postgres::{Client, NoTls};

use super::config::PostgresConfig;
use crate::error::EngineError;

/// The URL parsed; checked when the engine is built so a typo fails at start-up.
pub fn parse_url(
    engine: &str,
    config: &PostgresConfig,
) -> Result<tokio_postgres::Config, EngineError> {
    let mut parsed: tokio_postgres::Config =
        config.url.parse().map_err(|e| EngineError::Setup {
            engine: engine.to_string(),
            message: format!("invalid url: {}", pg_message(&e)),
        })?;
    parsed.connect_timeout(config.connect_timeout());
    parsed.application_name("switchyard");
    Ok(parsed)
}

/// A new connection; the whole handshake is bounded by the configured timeout, so a server
/// that accepts but never answers cannot hang the caller.
pub async fn connect(
    engine: &str,
    parsed: &tokio_postgres::Config,
    config: &PostgresConfig,
) -> Result<Client, EngineError> {
    let timeout = config.connect_timeout();
    let unavailable = |message: String| EngineError::Unavailable {
        engine: engine.to_string(),
        message,
    };
    let (client, connection) = tokio::time::timeout(timeout, parsed.connect(NoTls))
        .await
        .map_err(|_| unavailable(format!("no answer within {} ms", timeout.as_millis())))?
        .map_err(|e| unavailable(pg_message(&e)))?;
    let name = engine.to_string();
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(engine = %name, error = %pg_message(&error), "connection ended");
        }
    });
    Ok(client)
}

/// A driver error as one line with the server's message, code and detail.
pub fn pg_message(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut message = format!(
            "{}: {} (SQLSTATE {})",
            db.severity(),
            db.message(),
            db.code().code()
        );
        if let Some(detail) = db.detail() {
            message.push_str(&format!("; {detail}"));
        }
        return message;
    }
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}
