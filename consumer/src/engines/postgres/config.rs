//! Settings of a PostgreSQL engine (`{ kind: postgres, url: ... }` in the configuration).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long connecting may take when the configuration does not say.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A PostgreSQL server that holds copies of catalog tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// `postgres://user[:password]@host:port/database` (libpq's URL or key=value form).
    pub url: String,
    /// Milliseconds to wait for a connection, handshake included (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<u64>,
    /// Tables copied into the server by `switchyard load`: the ones plans may read there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
}

impl PostgresConfig {
    /// The bound on connecting.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout_ms
            .map_or(DEFAULT_CONNECT_TIMEOUT, |ms| {
                Duration::from_millis(ms.max(1))
            })
    }
}
