//! The plan a command works on: a plan file, or SQL compiled with the catalog.

use anyhow::{Context, Result, bail};
use switchyard_producer::{ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;

use crate::args::PlanInput;
use crate::commands::sql_text;

/// Reads and validates the plan file, or compiles `--sql`/`--sql-file`, within the
/// configured plan size and depth limits (`service.limits`, as the service applies them).
pub async fn plan_input(switchyard: &Switchyard, input: &PlanInput) -> Result<ValidatedPlan> {
    let limits = &switchyard.config().file.service.limits;
    let plan = read_plan(switchyard, input).await?;
    limits.check_plan_depth(&plan)?;
    Ok(plan)
}

async fn read_plan(switchyard: &Switchyard, input: &PlanInput) -> Result<ValidatedPlan> {
    let limits = &switchyard.config().file.service.limits;
    match (&input.plan, sql_text(&input.source)?) {
        (Some(path), _) => {
            let size = std::fs::metadata(path)
                .with_context(|| format!("cannot read plan file {}", path.display()))?
                .len();
            // Checked before reading, so a huge file is never loaded.
            limits
                .check_plan_bytes("plan file", usize::try_from(size).unwrap_or(usize::MAX))
                .with_context(|| format!("plan file {}", path.display()))?;
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
        (None, Some(sql)) => {
            limits.check_plan_bytes("SQL text", sql.len())?;
            Ok(switchyard
                .producer()
                .compile_checked(&sql, input.dialect)
                .await?)
        }
        (None, None) => bail!("give a plan file, --sql TEXT or --sql-file FILE"),
    }
}
