//! Settings of a Ballista engine (`{ kind: ballista, url: "df://host:port" }`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engines::remote_timeouts::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_QUERY_TIMEOUT, millis_or};

/// A Ballista cluster, reached through its scheduler. Its executors read the catalog's files
/// by the same paths, so they must see the same file system (one machine, or shared storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BallistaConfig {
    /// The scheduler: `df://host:port` (`switchyard cluster start` prints it).
    pub url: String,
    /// Milliseconds to wait for the scheduler to accept a connection (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<u64>,
    /// Milliseconds a query may run before it is stopped with an error (default 600000). A
    /// Ballista job that loses an executor can stay unfinished; this bounds the wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_timeout_ms: Option<u64>,
}

impl BallistaConfig {
    /// The bound on reaching the scheduler.
    pub fn connect_timeout(&self) -> Duration {
        millis_or(self.connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT)
    }

    /// The bound on one query.
    pub fn query_timeout(&self) -> Duration {
        millis_or(self.query_timeout_ms, DEFAULT_QUERY_TIMEOUT)
    }

    /// The scheduler's `host:port`, from `df://host:port`.
    pub fn scheduler_address(&self) -> Result<String, String> {
        let rest = self
            .url
            .strip_prefix("df://")
            .ok_or_else(|| format!("url {:?} does not start with df://", self.url))?;
        let address = rest.trim_end_matches('/');
        match address.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                Ok(address.to_string())
            }
            _ => Err(format!("url {:?} is not df://host:port", self.url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> BallistaConfig {
        BallistaConfig {
            url: url.to_string(),
            connect_timeout_ms: None,
            query_timeout_ms: None,
        }
    }

    #[test]
    fn scheduler_address_comes_from_the_url() {
        assert_eq!(
            config("df://127.0.0.1:50050").scheduler_address(),
            Ok("127.0.0.1:50050".to_string())
        );
        assert!(
            config("http://127.0.0.1:50050")
                .scheduler_address()
                .is_err()
        );
        assert!(config("df://127.0.0.1").scheduler_address().is_err());
        assert!(config("df://:50050").scheduler_address().is_err());
    }
}
