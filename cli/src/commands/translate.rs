//! `switchyard translate`: the SQL an engine would run for a plan.

use anyhow::Result;
use switchyard_router::Switchyard;

use crate::args::TranslateArgs;
use crate::commands::plan_input::plan_input;

pub async fn run(switchyard: &Switchyard, args: TranslateArgs) -> Result<()> {
    let plan = plan_input(switchyard, &args.input).await?;
    let engine = switchyard.engine_for(Some(&args.engine))?;
    let translation = engine.translate(&plan).await?;
    println!("{};", translation.sql);
    Ok(())
}
