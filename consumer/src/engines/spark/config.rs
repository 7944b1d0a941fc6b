//! Settings of a Spark engine (`{ kind: spark, url: "sc://host:port" }`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engines::remote_timeouts::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_QUERY_TIMEOUT, millis_or};

/// A Spark Connect server. Spark reads the catalog's files by the same paths, so it must see
/// the same file system (one machine, or shared storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SparkConfig {
    /// The server: `sc://host:port` (`scripts/spark-server.sh start` prints it).
    pub url: String,
    /// Milliseconds to wait for the server to accept a connection (default 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<u64>,
    /// Milliseconds a query may run before it is interrupted with an error (default 600000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_timeout_ms: Option<u64>,
}

impl SparkConfig {
    /// The bound on reaching the server.
    pub fn connect_timeout(&self) -> Duration {
        millis_or(self.connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT)
    }

    /// The bound on one query.
    pub fn query_timeout(&self) -> Duration {
        millis_or(self.query_timeout_ms, DEFAULT_QUERY_TIMEOUT)
    }

    /// The server's gRPC endpoint, `http://host:port`, from `sc://host:port` (Spark Connect
    /// URLs may carry `/;param=value` options after the port; none are used here, so any is
    /// refused rather than ignored).
    pub fn endpoint(&self) -> Result<String, String> {
        let rest = self
            .url
            .strip_prefix("sc://")
            .ok_or_else(|| format!("url {:?} does not start with sc://", self.url))?;
        let address = rest.strip_suffix('/').unwrap_or(rest);
        match address.rsplit_once(':') {
            Some((host, port))
                if !host.is_empty() && !host.contains('/') && port.parse::<u16>().is_ok() =>
            {
                Ok(format!("http://{address}"))
            }
            _ => Err(format!(
                "url {:?} is not sc://host:port (connection parameters are not supported)",
                self.url
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> SparkConfig {
        SparkConfig {
            url: url.to_string(),
            connect_timeout_ms: None,
            query_timeout_ms: None,
        }
    }

    #[test]
    fn the_endpoint_comes_from_the_url() {
        assert_eq!(
            config("sc://127.0.0.1:15002").endpoint(),
            Ok("http://127.0.0.1:15002".to_string())
        );
        assert_eq!(
            config("sc://localhost:15002/").endpoint(),
            Ok("http://localhost:15002".to_string())
        );
        for bad in [
            "http://127.0.0.1:15002",
            "sc://127.0.0.1",
            "sc://:15002",
            "sc://127.0.0.1:15002/;token=abc",
        ] {
            assert!(config(bad).endpoint().is_err(), "{bad}");
        }
    }
}
