//! Switchyard's core: the configuration, [`Switchyard`], which opens it into a catalog, a
//! producer and the configured engines, and the [`Router`], which decides where each plan
//! runs from its features, the engines' capabilities, the policy and a cost model.

pub mod calibrate;
pub mod capabilities;
pub mod config;
pub mod cost;
pub mod cost_fit;
pub mod decision;
pub mod error;
pub mod features;
mod function_options;
pub mod health;
pub mod learning;
pub mod measured_manifest;
pub mod policy;
pub mod profile;
pub mod router;
pub mod routing_config;
pub mod service_config;
pub mod statistics;
pub mod suspects;
pub mod switchyard;
pub mod verify_config;
pub mod verify_log;

pub use capabilities::{Capabilities, MissingFeature};
pub use config::{Config, ConfigFile, DEFAULT_CONFIG_FILE};
pub use cost::{CostBreakdown, PlanEstimate};
pub use decision::{Attempt, Candidate, RouteDecision, Verdict};
pub use error::RouterError;
pub use features::PlanFeatures;
pub use health::{EngineHealth, HealthBook};
pub use profile::EngineProfile;
pub use router::Router;
pub use routing_config::RoutingConfig;
pub use service_config::{
    ColumnGrants, LimitsConfig, PrincipalConfig, ServiceConfig, TableGrants, TlsConfig,
};
pub use statistics::{Statistics, TableStatistics};
pub use suspects::{SuspectBook, SuspectMark};
pub use switchyard::{RoutedRun, Switchyard};
pub use verify_config::VerifyConfig;
pub use verify_log::{Clearance, VerifiedRun, VerifyLog, VerifyLogError, VerifyRecord};
