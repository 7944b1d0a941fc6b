//! `switchyard export`: a plan rewritten for a consumer on an older Substrait version.

use anyhow::{Context, Result};
use switchyard_consumer::flattened_for_export;
use switchyard_producer::export_plan;
use switchyard_router::Switchyard;

use crate::args::ExportArgs;
use crate::commands::plan_input::plan_input;
use crate::output::{plan_format, write_plan};

pub async fn run(switchyard: &Switchyard, args: ExportArgs) -> Result<()> {
    let plan = plan_input(switchyard, &args.input).await?;
    let plan = flattened_for_export(args.target, &plan, switchyard.catalog())
        .await
        .with_context(|| format!("flattening the plan for {}", args.target))?;
    let exported = export_plan(plan.plan(), args.target)
        .with_context(|| format!("exporting for {}", args.target))?;
    for pass in &exported.passes {
        eprintln!("pass {}: {}", pass.name, pass.detail);
    }
    let format = plan_format(args.format, args.output.as_deref());
    write_plan(&exported.encode(format)?, format, args.output.as_deref())
}
