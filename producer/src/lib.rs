//! Switchyard's front-ends: SQL (in a chosen dialect) and DataFrames compiled into Substrait
//! plans, plus plan encoding (binary and JSON), the checks a plan passes on entry, import of
//! plans from other producers and export for older consumers.
//!
//! Everything goes through DataFusion's planner and datafusion-substrait's producer; see
//! [`to_substrait`] for what rewrites a plan gets before it is encoded.

pub mod canonical_sql;
pub mod catalog;
pub mod dataframe;
pub mod declaration_order;
pub mod dialect;
pub mod error;
pub mod export;
pub mod import;
pub mod json_walk;
pub mod multiset_set_operations;
pub mod outer_references;
pub mod outline;
pub mod plan_cache;
pub mod plan_fingerprint;
pub mod plan_io;
pub mod plan_size;
pub mod plan_warnings;
pub mod producer;
pub mod rel_tree;
pub mod result_types;
pub mod single_grouping_set;
mod sql;
pub mod standard_functions;
pub mod to_substrait;
pub mod type_derivation;
pub mod type_rules;
pub mod unknown_fields;
pub mod validated;
pub mod visit;

pub use catalog::{Catalog, CatalogTable, FileSource, TableConfig, TableFormat};
pub use dataframe::Frame;
pub use datafusion_substrait::substrait;
pub use dialect::SqlDialect;
pub use error::{ProducerError, Result};
pub use export::{ExportTarget, ExportedPlan, export_plan};
pub use import::{AppliedPass, ImportReport, import_json, import_plan_bytes};
pub use outline::outline;
pub use plan_cache::{CompiledPlan, PlanCache, PlanKey};
pub use plan_io::{PlanFormat, decode_plan, decode_plan_as, encode_plan};
pub use producer::Producer;
pub use to_substrait::{PRODUCER_NAME, produce_prepared};
pub use validated::ValidatedPlan;
