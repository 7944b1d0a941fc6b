//! `switchyard explain`.

use anyhow::Result;
use switchyard_router::Switchyard;

use crate::args::ExplainArgs;
use crate::commands::plan_input::plan_input;

pub async fn run(switchyard: &Switchyard, args: ExplainArgs) -> Result<()> {
    let plan = plan_input(switchyard, &args.input).await?;
    let decision = switchyard.explain(&plan, args.engine.as_deref())?;
    if args.json {
        println!("{}", decision.to_json());
    } else {
        println!("{decision}");
    }
    Ok(())
}
