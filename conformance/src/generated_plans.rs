//! Foreign plans the project generated itself with producers that install from PyPI
//! (`scripts/generate-foreign-plans.sh`: DuckDB 1.1.3's substrait extension, the `substrait`
//! Python package, ibis-substrait), each with the answer DuckDB 2.0.1 computed from the SQL
//! the plan was made from, kept in `conformance/foreign-plans/` with a manifest. No
//! Switchyard code computed those answers, so they grade every engine, DataFusion included.
//!
//! Each case's outcome is pinned in `conformance/foreign-plans/outcomes.json`: a wrong
//! answer fails unless the manifest names the plan as the producer's bug, with its
//! evidence; a refusal must be pinned with its reason; a case that becomes correct must be
//! un-pinned.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::common::collect;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use serde::{Deserialize, Serialize};
use switchyard_producer::{ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;

use crate::column_kind::ColumnKind;
use crate::compare::{ColumnNames, Comparison, DEFAULT_RELATIVE_TOLERANCE, compare_answers};

/// The folder of generated plans, in the repository.
pub fn generated_plans_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("foreign-plans")
}

/// The manifest's view of one generated case.
#[derive(Debug, Clone, Deserialize)]
pub struct GeneratedPlan {
    /// The producer's name (`DuckDB substrait extension`).
    pub producer: String,
    /// Its version.
    pub producer_version: String,
    /// The query set (`tpch`, `features`, `dataframe`, `tpcds`).
    pub set: String,
    /// The query's name in its set (`q07`).
    pub query: String,
    /// The data set it reads (`tpch-sf0.01`, `tpcds-sf0.01`).
    pub dataset: String,
    /// Whether the producer made a plan (`produced`) or refused.
    pub outcome: String,
    /// The plan as JSON, relative to the folder.
    #[serde(default)]
    pub plan_json: Option<String>,
    /// DuckDB 2.0.1's answer, relative to the folder.
    #[serde(default)]
    pub answer_parquet: Option<String>,
    /// Whether the answer's row order is part of it.
    #[serde(default)]
    pub ordered: bool,
    /// Rows in the answer.
    #[serde(default)]
    pub rows: Option<usize>,
    /// Why the plan is wrong as its producer wrote it, when it is (the evidence).
    #[serde(default)]
    pub known_wrong_plan: Option<String>,
}

impl GeneratedPlan {
    /// `duckdb-1.1.3/tpch/q07`: the case's name in reports and pins.
    pub fn label(&self) -> String {
        let folder = self
            .plan_json
            .as_deref()
            .and_then(|p| p.split('/').next())
            .unwrap_or(&self.producer);
        format!("{folder}/{}/{}", self.set, self.query)
    }
}

#[derive(Deserialize)]
struct Manifest {
    plans: Vec<GeneratedPlan>,
}

/// Every generated case with a plan and an answer, reading `dataset`.
pub fn generated_plans(dataset: &str) -> Result<Vec<GeneratedPlan>, String> {
    let path = generated_plans_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(manifest
        .plans
        .into_iter()
        .filter(|p| p.dataset == dataset && p.plan_json.is_some() && p.answer_parquet.is_some())
        .collect())
}

/// What running one generated plan on one engine gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum GeneratedOutcome {
    /// The engine's answer equals DuckDB's.
    Correct,
    /// Import, validation, routing or the engine refused, with the reason.
    Refused {
        /// The reason, as the user would read it.
        reason: String,
    },
    /// The answer differs from DuckDB's.
    Wrong {
        /// The first difference.
        difference: String,
    },
    /// The answer differs from DuckDB's because the plan is wrong as its producer wrote it.
    ProducersBug {
        /// Why the plan is wrong (the manifest's evidence).
        evidence: String,
    },
}

/// Imports `case`'s plan (every normalization pass), runs it on `engine` and compares the
/// rows with DuckDB's answer, column by position.
pub async fn run_generated(
    switchyard: &Switchyard,
    engine: &str,
    case: &GeneratedPlan,
) -> GeneratedOutcome {
    let refused = |reason: String| GeneratedOutcome::Refused { reason };
    let dir = generated_plans_dir();
    let (Some(plan_file), Some(answer_file)) = (&case.plan_json, &case.answer_parquet) else {
        return refused("the case has no plan or no answer".to_string());
    };
    let bytes = match std::fs::read(dir.join(plan_file)) {
        Ok(bytes) => bytes,
        Err(e) => return refused(format!("cannot read the plan: {e}")),
    };
    let plan = match import_plan_bytes(&bytes, switchyard.catalog())
        .map_err(|e| format!("import: {e}"))
        .and_then(|(plan, _)| ValidatedPlan::new(plan).map_err(|e| format!("import: {e}")))
    {
        Ok(plan) => plan,
        Err(reason) => return refused(reason),
    };
    let actual = match switchyard.execute(&plan, Some(engine)).await {
        Ok((_, stream)) => collect(stream).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let actual = match actual {
        Ok(actual) => actual,
        Err(reason) => return refused(reason),
    };
    let expected = match read_answer(&dir.join(answer_file)).await {
        Ok(expected) => expected,
        Err(reason) => return refused(format!("the answer file: {reason}")),
    };
    // Held to the kinds the plan declares (a date where it declares a timestamp is a
    // difference) and to DuckDB's values.
    let comparison = Comparison {
        ordered: case.ordered,
        tolerance: DEFAULT_RELATIVE_TOLERANCE,
        names: ColumnNames::Positional,
        declared: plan.output_types().map(ColumnKind::of_declared),
    };
    match compare_answers(&expected, &actual, &comparison) {
        Ok(()) => GeneratedOutcome::Correct,
        Err(difference) => match &case.known_wrong_plan {
            Some(evidence) => GeneratedOutcome::ProducersBug {
                evidence: evidence.clone(),
            },
            None => GeneratedOutcome::Wrong { difference },
        },
    }
}

async fn read_answer(path: &Path) -> Result<Vec<RecordBatch>, String> {
    let ctx = SessionContext::new();
    let frame = ctx
        .read_parquet(path.display().to_string(), ParquetReadOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    frame.collect().await.map_err(|e| e.to_string())
}

/// The pinned outcomes: `label@engine` → outcome (correct cases are not pinned).
pub type PinnedOutcomes = BTreeMap<String, GeneratedOutcome>;

/// The pin file's path.
pub fn pinned_outcomes_path() -> PathBuf {
    generated_plans_dir().join("outcomes.json")
}
