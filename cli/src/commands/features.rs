//! `switchyard features`.

use anyhow::Result;
use switchyard_router::{PlanFeatures, Switchyard};

use crate::args::FeaturesArgs;
use crate::commands::plan_input::plan_input;

pub async fn run(switchyard: &Switchyard, args: FeaturesArgs) -> Result<()> {
    let plan = plan_input(switchyard, &args.input).await?;
    let features = PlanFeatures::of(&plan);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&features)?);
    } else {
        println!("{features}");
    }
    Ok(())
}
