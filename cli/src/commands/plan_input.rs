//! The plan a command works on: a plan file, or SQL compiled with the catalog.

use anyhow::{Context, Result, bail};
use switchyard_producer::plan_io::MAX_PLAN_BYTES;
use switchyard_producer::{ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;

use crate::args::PlanInput;
use crate::commands::sql_text;

/// Reads and validates the plan file, or compiles `--sql`/`--sql-file`.
pub async fn plan_input(switchyard: &Switchyard, input: &PlanInput) -> Result<ValidatedPlan> {
    match (&input.plan, sql_text(&input.source)?) {
        (Some(path), _) => {
            let size = std::fs::metadata(path)
                .with_context(|| format!("cannot read plan file {}", path.display()))?
                .len();
            if size > MAX_PLAN_BYTES as u64 {
                bail!(
                    "plan file {} is {size} bytes, over the {MAX_PLAN_BYTES}-byte limit",
                    path.display()
                );
            }
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read plan file {}", path.display()))?;
            // Plans from other producers and older spec versions are imported: URIs become
            // URNs, names take the catalog's case, reads the catalog's types, signatures
            // leave function names.
            let (plan, report) = import_plan_bytes(&bytes, switchyard.catalog())
                .with_context(|| format!("plan file {}", path.display()))?;
            for pass in &report.passes {
                tracing::info!(pass = pass.name, changes = pass.changes, "{}", pass.detail);
            }
            ValidatedPlan::new(plan).with_context(|| format!("plan file {}", path.display()))
        }
        (None, Some(sql)) => Ok(switchyard
            .producer()
            .compile_checked(&sql, input.dialect)
            .await?),
        (None, None) => bail!("give a plan file, --sql TEXT or --sql-file FILE"),
    }
}
