//! Exporting plans for consumers built on older Substrait versions.
//!
//! Switchyard speaks spec 0.85; Acero (pyarrow) reads spec 0.44 and DuckDB's substrait
//! extension 1.1.3 reads about 0.53. Both read a modern plan without complaint and then do the
//! wrong thing or fail late: Acero drops `FetchRel.count_expr` (so `LIMIT` returns no rows) and
//! refuses `AGGREGATION_PHASE_UNSPECIFIED`; DuckDB 1.1.3's JSON reader rejects `countExpr`.
//! Each difference is one pass on the plan's JSON form, and [`ExportedPlan::encode`] writes the
//! fields the old consumers look for (extension URIs) that the modern schema no longer has.

pub mod acero;
pub mod aggregation_phase;
pub mod extension_uris;
pub mod fetch_count;
pub mod legacy_encoding;
pub mod like_escape;

use std::fmt;
use std::str::FromStr;

use datafusion_substrait::substrait::proto::Plan;
use serde_json::Value;

use crate::error::ProducerError;
use crate::import::{AppliedPass, record};
use crate::plan_io::PlanFormat;

/// A consumer to export for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// Apache Arrow's Acero, as `pyarrow.substrait.run_query` runs it (spec 0.44).
    Acero,
    /// DuckDB 1.1.3 with its substrait extension 1.1.3.
    DuckDb11,
}

impl ExportTarget {
    /// Every target, for help texts and tests.
    pub const ALL: [ExportTarget; 2] = [ExportTarget::Acero, ExportTarget::DuckDb11];

    /// Whether the consumer reads anti joins (`JOIN_TYPE_LEFT_ANTI`): DuckDB 1.1.3's reader
    /// stops at them with "Unsupported join type".
    pub fn reads_anti_joins(self) -> bool {
        match self {
            ExportTarget::Acero => true,
            ExportTarget::DuckDb11 => false,
        }
    }

    /// The name `--for` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportTarget::Acero => "acero",
            ExportTarget::DuckDb11 => "duckdb-1.1",
        }
    }
}

impl fmt::Display for ExportTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExportTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|target| target.name() == s)
            .ok_or_else(|| format!("unknown export target {s:?}; known: acero, duckdb-1.1"))
    }
}

/// A plan rewritten for an older consumer, with what was rewritten.
#[derive(Debug, Clone)]
pub struct ExportedPlan {
    /// The target.
    pub target: ExportTarget,
    /// The plan in the target's JSON form (extension URIs, no URNs).
    pub json: Value,
    /// The passes that changed something, in order.
    pub passes: Vec<AppliedPass>,
}

impl ExportedPlan {
    /// Encodes the plan for the target, binary or JSON.
    pub fn encode(&self, format: PlanFormat) -> Result<Vec<u8>, ProducerError> {
        match format {
            PlanFormat::Json => serde_json::to_vec_pretty(&self.json)
                .map_err(|e| ProducerError::Encode(format!("plan as JSON: {e}"))),
            PlanFormat::Binary => legacy_encoding::encode_binary(&self.json),
        }
    }
}

/// Rewrites `plan` for `target`: fetch counts as constants, aggregation phases spelled out,
/// extension URIs in place of URNs, and for Acero the [`acero`] rewrites.
///
/// Fails, naming the relation, where the target cannot express the plan (a `LIMIT` computed by
/// an expression, which the old `count` field cannot hold).
pub fn export_plan(plan: &Plan, target: ExportTarget) -> Result<ExportedPlan, ProducerError> {
    let mut json = serde_json::to_value(plan)
        .map_err(|e| ProducerError::Encode(format!("plan as JSON: {e}")))?;
    let mut passes = Vec::new();
    let changes = fetch_count::fetch_count(&mut json)?;
    record(
        &mut passes,
        fetch_count::NAME,
        changes,
        "fetch counts and offsets written as constants",
    );
    let changes = aggregation_phase::aggregation_phase(&mut json);
    record(
        &mut passes,
        aggregation_phase::NAME,
        changes,
        "unspecified aggregation phases set to INITIAL_TO_RESULT",
    );
    let changes = like_escape::like_escape(&mut json);
    record(
        &mut passes,
        like_escape::NAME,
        changes,
        "null escape characters dropped from like",
    );
    let changes = extension_uris::extension_uris(&mut json);
    record(
        &mut passes,
        extension_uris::NAME,
        changes,
        "function declarations given extension URIs",
    );
    if target == ExportTarget::Acero {
        acero::acero_passes(&mut json, &mut passes);
    }
    Ok(ExportedPlan {
        target,
        json,
        passes,
    })
}
