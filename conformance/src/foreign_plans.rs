//! Plans made by other producers (Isthmus, DuckDB 1.1.3), imported and checked against the
//! answer DataFusion computes from the SQL they were made from.
//!
//! The plans are consumer-testing's TPC-H producer snapshots
//! (`<corpus>/consumer-testing/substrait_consumer/snapshots/producer/integration/tpch/
//! qNN-<producer>_plan.json`); the SQL is consumer-testing's own query text
//! (`testdata/integration/tpch/qNN.sql`, table names written `'{lineitem}'`). The configured
//! catalog must hold the TPC-H tables.

use std::path::{Path, PathBuf};

use switchyard_producer::{ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;

use crate::compare::ColumnNames;
use crate::corpus::{CorpusError, corpus_dir};
use crate::differential::{DifferentialError, DifferentialPass, plan_differential};

/// The producers whose snapshots the suite imports.
pub const FOREIGN_PRODUCERS: [&str; 2] = ["isthmus", "duckdb"];

/// One foreign plan with the SQL it was made from.
#[derive(Debug, Clone)]
pub struct ForeignPlan {
    /// The producer, as in the snapshot's file name (`isthmus`, `duckdb`).
    pub producer: &'static str,
    /// The TPC-H query number.
    pub query: usize,
    /// The plan file.
    pub plan: PathBuf,
    /// The SQL file.
    pub sql: PathBuf,
}

impl ForeignPlan {
    /// `isthmus/q07`: the case's name in reports.
    pub fn label(&self) -> String {
        format!("{}/q{:02}", self.producer, self.query)
    }
}

fn tpch_dir(corpus: &Path) -> PathBuf {
    corpus.join("consumer-testing/substrait_consumer")
}

/// Every TPC-H plan of [`FOREIGN_PRODUCERS`] in the corpus, by producer then query.
pub fn foreign_tpch_plans() -> Result<Vec<ForeignPlan>, CorpusError> {
    let root = tpch_dir(&corpus_dir()?);
    let snapshots = root.join("snapshots/producer/integration/tpch");
    let queries = root.join("testdata/integration/tpch");
    let mut plans = Vec::new();
    for producer in FOREIGN_PRODUCERS {
        for query in 1..=22 {
            let plan = snapshots.join(format!("q{query:02}-{producer}_plan.json"));
            if plan.is_file() {
                plans.push(ForeignPlan {
                    producer,
                    query,
                    plan,
                    sql: queries.join(format!("q{query:02}.sql")),
                });
            }
        }
    }
    Ok(plans)
}

/// consumer-testing's SQL with its `'{table}'` placeholders replaced by the table names.
pub fn foreign_sql(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut sql = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("'{") {
        let Some(length) = rest[start..].find("}'") else {
            break;
        };
        sql.push_str(&rest[..start]);
        sql.push_str(&rest[start + 2..start + length]);
        rest = &rest[start + length + 2..];
    }
    sql.push_str(rest);
    Ok(sql)
}

/// Imports `plan` (every normalization pass), runs it on `engine` and compares the rows with
/// DataFusion running the plan's SQL directly (column names as the producer chose them:
/// [`ColumnNames::ProducerChosen`]). An import failure is the engine-side error a
/// user would see, so it is reported as [`DifferentialError::Engine`].
pub async fn foreign_differential(
    switchyard: &Switchyard,
    engine: &str,
    plan: &ForeignPlan,
) -> Result<DifferentialPass, DifferentialError> {
    let sql = foreign_sql(&plan.sql).map_err(DifferentialError::Setup)?;
    let bytes = std::fs::read(&plan.plan).map_err(|e| {
        DifferentialError::Setup(format!("cannot read {}: {e}", plan.plan.display()))
    })?;
    let (imported, _) = import_plan_bytes(&bytes, switchyard.catalog())
        .map_err(|e| DifferentialError::Engine(format!("import: {e}")))?;
    let validated = ValidatedPlan::new(imported)
        .map_err(|e| DifferentialError::Engine(format!("import: {e}")))?;
    plan_differential(
        switchyard,
        engine,
        &validated,
        &sql,
        ColumnNames::ProducerChosen,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::{foreign_sql, foreign_tpch_plans};

    #[test]
    fn the_corpus_has_both_producers_plans_with_their_sql() {
        let plans = foreign_tpch_plans().expect("corpus");
        let count = |producer: &str| plans.iter().filter(|p| p.producer == producer).count();
        assert_eq!(count("isthmus"), 21, "query 15 has no Isthmus plan");
        assert_eq!(count("duckdb"), 15, "DuckDB 1.1.3 plans 15 of 22 queries");
        for plan in &plans {
            assert!(plan.sql.is_file(), "{}", plan.sql.display());
        }
    }

    #[test]
    fn placeholders_become_table_names() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("q.sql");
        std::fs::write(
            &path,
            "SELECT * FROM '{customer}', '{orders}' WHERE x = 'a'",
        )
        .expect("write");
        assert_eq!(
            foreign_sql(&path).expect("reads"),
            "SELECT * FROM customer, orders WHERE x = 'a'"
        );
    }
}
