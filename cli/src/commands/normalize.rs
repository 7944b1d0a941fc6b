//! `switchyard normalize`: import a foreign plan and write what Switchyard would run.

use anyhow::{Context, Result};
use switchyard_producer::{ValidatedPlan, encode_plan, import_plan_bytes};
use switchyard_router::Switchyard;

use crate::args::NormalizeArgs;
use crate::output::{plan_format, write_plan};

pub async fn run(switchyard: &Switchyard, args: NormalizeArgs) -> Result<()> {
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("cannot read plan file {}", args.input.display()))?;
    let (plan, report) = import_plan_bytes(&bytes, switchyard.catalog())
        .with_context(|| format!("plan file {}", args.input.display()))?;
    let plan = ValidatedPlan::new(plan)
        .with_context(|| format!("plan file {} after normalization", args.input.display()))?;
    if args.explain {
        let mut text = format!(
            "producer: {}\n",
            report.producer.as_deref().unwrap_or("(not named)")
        );
        if report.passes.is_empty() {
            text.push_str("no pass changed the plan\n");
        }
        for pass in &report.passes {
            text.push_str(&format!("pass {}: {}\n", pass.name, pass.detail));
        }
        for warning in plan.warnings() {
            text.push_str(&format!("warning: {warning}\n"));
        }
        // What the unknown-field check let through unchecked (opaque payloads, hints).
        for note in &report.notes {
            text.push_str(&format!("note: {note}\n"));
        }
        // With -o the plan goes to the file and the explanation is the command's output.
        if args.output.is_some() {
            print!("{text}");
        } else {
            eprint!("{text}");
        }
    }
    let format = plan_format(args.format, args.output.as_deref());
    write_plan(
        &encode_plan(plan.plan(), format)?,
        format,
        args.output.as_deref(),
    )
}
