//! The time bounds shared by engines reached over the network (Ballista, Spark).

use std::time::Duration;

/// How long reaching the engine may take when the configuration does not say.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a query may run when the configuration does not say.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(600);

/// `ms` milliseconds (at least one), or `default` when not configured.
pub fn millis_or(ms: Option<u64>, default: Duration) -> Duration {
    ms.map_or(default, |ms| Duration::from_millis(ms.max(1)))
}
