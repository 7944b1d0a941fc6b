//! The configuration's `service` section, read by `switchyard serve`: who may connect, what
//! each principal may read, TLS, and the limits that keep one client from starving the rest.
//!
//! ```yaml
//! service:
//!   principals:                        # none: the service is open to every client
//!     analyst:
//!       token: "s3cret-analyst-token"  # sent as `authorization: Bearer s3cret-analyst-token`
//!       tables:
//!         lineitem: [l_orderkey, l_quantity, l_shipdate]
//!         nation: "*"                  # every column
//!     admin: { token: "t0p-s3cret", tables: "*" }   # every table
//!   tls: { cert: server.pem, key: server.key }      # relative to this file
//!   limits:
//!     max_message_bytes: 64MiB
//!     max_plan_depth: 128
//!     max_plan_bytes: 16MiB
//!     query_timeout_ms: 300000
//!     max_concurrent_queries: 16
//!     max_queued_queries: 64
//!     memory_limit_bytes: 4GiB
//! ```
//!
//! `"*"` must be quoted (a bare `*` starts a YAML alias); `all` means the same.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize};

use switchyard_producer::ValidatedPlan;
use switchyard_producer::rel_tree::{plan_roots, rel_depth};

use crate::error::RouterError;
use crate::routing_config::parse_byte_size;

/// `service:` in `switchyard.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// Principals by name. With none, every client is served as an anonymous principal that
    /// may read everything.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub principals: BTreeMap<String, PrincipalConfig>,
    /// Serve TLS with this certificate and key instead of plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsConfig>,
    /// Sizes, counts and times the service enforces.
    #[serde(default, skip_serializing_if = "LimitsConfig::is_default")]
    pub limits: LimitsConfig,
}

/// `service.principals.NAME`: one client identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalConfig {
    /// The bearer token that identifies the principal.
    pub token: String,
    /// The tables, and of each the columns, the principal may read.
    pub tables: TableGrants,
}

/// The tables a principal may read: all of them, or those listed with their columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "StarOr<BTreeMap<String, ColumnGrants>>",
    into = "StarOr<BTreeMap<String, ColumnGrants>>"
)]
pub enum TableGrants {
    /// Every table and column (`"*"`).
    All,
    /// Only these tables, each with its columns.
    Tables(BTreeMap<String, ColumnGrants>),
}

/// The columns of one table a principal may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "StarOr<BTreeSet<String>>",
    into = "StarOr<BTreeSet<String>>"
)]
pub enum ColumnGrants {
    /// Every column (`"*"`).
    All,
    /// Only these columns.
    Columns(BTreeSet<String>),
}

/// How grants are written: `"*"` (or `all`), or the list itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StarOr<T> {
    /// `"*"` or `all`.
    Star(String),
    /// The items granted.
    Items(T),
}

fn is_star(text: &str) -> bool {
    text == "*" || text.eq_ignore_ascii_case("all")
}

impl TryFrom<StarOr<BTreeMap<String, ColumnGrants>>> for TableGrants {
    type Error = String;

    fn try_from(value: StarOr<BTreeMap<String, ColumnGrants>>) -> Result<Self, Self::Error> {
        match value {
            StarOr::Star(text) if is_star(&text) => Ok(Self::All),
            StarOr::Star(text) => Err(format!(
                "tables: expected \"*\" or a map of table → columns, not {text:?}"
            )),
            StarOr::Items(tables) => Ok(Self::Tables(tables)),
        }
    }
}

impl From<TableGrants> for StarOr<BTreeMap<String, ColumnGrants>> {
    fn from(grants: TableGrants) -> Self {
        match grants {
            TableGrants::All => StarOr::Star("*".to_string()),
            TableGrants::Tables(tables) => StarOr::Items(tables),
        }
    }
}

impl TryFrom<StarOr<BTreeSet<String>>> for ColumnGrants {
    type Error = String;

    fn try_from(value: StarOr<BTreeSet<String>>) -> Result<Self, Self::Error> {
        match value {
            StarOr::Star(text) if is_star(&text) => Ok(Self::All),
            StarOr::Star(text) => Err(format!(
                "columns: expected \"*\" or a list of column names, not {text:?}"
            )),
            StarOr::Items(columns) => Ok(Self::Columns(columns)),
        }
    }
}

impl From<ColumnGrants> for StarOr<BTreeSet<String>> {
    fn from(grants: ColumnGrants) -> Self {
        match grants {
            ColumnGrants::All => StarOr::Star("*".to_string()),
            ColumnGrants::Columns(columns) => StarOr::Items(columns),
        }
    }
}

/// `service.tls`: PEM files, relative to the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The server's certificate chain.
    pub cert: PathBuf,
    /// The certificate's private key.
    pub key: PathBuf,
}

/// `service.limits`. Sizes take a number of bytes or text such as `64MiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// The largest gRPC message received or sent.
    #[serde(deserialize_with = "byte_size")]
    pub max_message_bytes: u64,
    /// The deepest relation tree a plan may have.
    pub max_plan_depth: usize,
    /// The largest Substrait plan (or SQL text) accepted.
    #[serde(deserialize_with = "byte_size")]
    pub max_plan_bytes: u64,
    /// How long a query may take, from admission to its last batch (a request may ask for
    /// less, never more).
    pub query_timeout_ms: u64,
    /// Queries running at once; more wait in the queue.
    pub max_concurrent_queries: usize,
    /// Queries waiting for a slot; past that they are refused with `ResourceExhausted`.
    pub max_queued_queries: usize,
    /// The memory pool ceiling of embedded DataFusion engines; none by default.
    #[serde(
        deserialize_with = "optional_byte_size",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory_limit_bytes: Option<u64>,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_message_bytes: 64 << 20,
            max_plan_depth: 128,
            max_plan_bytes: 16 << 20,
            query_timeout_ms: 300_000,
            max_concurrent_queries: 16,
            max_queued_queries: 64,
            memory_limit_bytes: None,
        }
    }
}

impl LimitsConfig {
    /// Whether every limit has its default value (the section is then not written).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Refuses plan bytes or SQL text (`what`) larger than `max_plan_bytes`.
    pub fn check_plan_bytes(&self, what: &str, bytes: usize) -> Result<(), RouterError> {
        let most = self.max_plan_bytes;
        if u64::try_from(bytes).unwrap_or(u64::MAX) > most {
            return Err(RouterError::LimitExceeded(format!(
                "the {what} is {bytes} bytes, over the limit of {most} \
                 (service.limits.max_plan_bytes)"
            )));
        }
        Ok(())
    }

    /// Refuses plans whose relation tree is deeper than `max_plan_depth`.
    pub fn check_plan_depth(&self, plan: &ValidatedPlan) -> Result<(), RouterError> {
        let depth = plan_roots(plan.plan())
            .into_iter()
            .flatten()
            .map(rel_depth)
            .max()
            .unwrap_or(0);
        let most = self.max_plan_depth;
        if depth > most {
            return Err(RouterError::LimitExceeded(format!(
                "the plan is {depth} relations deep, over the limit of {most} \
                 (service.limits.max_plan_depth)"
            )));
        }
        Ok(())
    }

    /// A query's time limit: what is asked for, at most `query_timeout_ms`.
    pub fn query_timeout(&self, requested: Option<Duration>) -> Duration {
        let most = Duration::from_millis(self.query_timeout_ms);
        requested
            .filter(|d| !d.is_zero())
            .map_or(most, |d| d.min(most))
    }
}

impl ServiceConfig {
    /// Checks what serde cannot: non-empty, distinct tokens and usable limits. Errors name
    /// the setting at fault.
    pub fn validate(&self) -> Result<(), String> {
        let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, principal) in &self.principals {
            if principal.token.trim().is_empty() {
                return Err(format!("service.principals.{name}.token is empty"));
            }
            if let Some(other) = owners.insert(principal.token.as_str(), name.as_str()) {
                return Err(format!(
                    "service.principals.{name}.token is also the token of {other}; tokens must \
                     identify one principal"
                ));
            }
        }
        let limits = &self.limits;
        let positive = [
            ("max_message_bytes", limits.max_message_bytes),
            ("max_plan_bytes", limits.max_plan_bytes),
            ("query_timeout_ms", limits.query_timeout_ms),
            ("max_plan_depth", limits.max_plan_depth as u64),
            (
                "max_concurrent_queries",
                limits.max_concurrent_queries as u64,
            ),
        ];
        match positive.iter().find(|(_, value)| *value == 0) {
            Some((name, _)) => Err(format!("service.limits.{name} must be at least 1")),
            None => Ok(()),
        }
    }
}

fn byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Number(u64),
        Text(String),
    }
    match Size::deserialize(deserializer)? {
        Size::Number(n) => Ok(n),
        Size::Text(text) => parse_byte_size(&text).map_err(serde::de::Error::custom),
    }
}

fn optional_byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    byte_size(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_grants_and_limits_read_from_yaml() {
        let config: ServiceConfig = serde_yaml::from_str(
            "principals:\n  analyst:\n    token: abc\n    tables:\n      lineitem: [l_orderkey, l_quantity]\n      nation: '*'\n  admin: { token: xyz, tables: all }\nlimits: { max_plan_bytes: 1MiB, max_concurrent_queries: 2 }\n",
        )
        .expect("valid");
        let analyst = &config.principals["analyst"];
        let TableGrants::Tables(tables) = &analyst.tables else {
            panic!("analyst has table grants: {analyst:?}");
        };
        assert_eq!(
            tables["lineitem"],
            ColumnGrants::Columns(BTreeSet::from(["l_orderkey".into(), "l_quantity".into()]))
        );
        assert_eq!(tables["nation"], ColumnGrants::All);
        assert_eq!(config.principals["admin"].tables, TableGrants::All);
        assert_eq!(config.limits.max_plan_bytes, 1 << 20);
        assert_eq!(config.limits.max_concurrent_queries, 2);
        assert_eq!(
            config.limits.query_timeout_ms, 300_000,
            "unset limits keep defaults"
        );
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn bad_grants_and_settings_are_named() {
        let err = serde_yaml::from_str::<ServiceConfig>(
            "principals:\n  a: { token: t, tables: everything }\n",
        )
        .expect_err("not a grant");
        assert!(err.to_string().contains("everything"), "{err}");
        let err = serde_yaml::from_str::<ServiceConfig>("limts: {}\n").expect_err("typo");
        assert!(err.to_string().contains("limts"), "{err}");
        let config: ServiceConfig = serde_yaml::from_str(
            "principals:\n  a: { token: same, tables: '*' }\n  b: { token: same, tables: '*' }\n",
        )
        .expect("parses");
        let err = config.validate().expect_err("shared token");
        assert!(err.contains("service.principals.b.token"), "{err}");
    }

    #[test]
    fn grants_round_trip_through_yaml() {
        let config: ServiceConfig = serde_yaml::from_str(
            "principals:\n  a: { token: t, tables: { orders: '*', lineitem: [l_tax] } }\n",
        )
        .expect("valid");
        let text = serde_yaml::to_string(&config).expect("writes");
        let again: ServiceConfig = serde_yaml::from_str(&text).expect("reads back");
        assert_eq!(again, config);
        assert!(
            !text.contains("limits"),
            "default limits are not written: {text}"
        );
    }
}
