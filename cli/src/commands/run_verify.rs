//! `switchyard run --verify[=ENGINE]`: the plan on two engines, answers compared.

use anyhow::{Result, anyhow, bail};
use switchyard_conformance::verify::{
    Comparison, answer_is_ordered, answer_on, compare_answers, second_engine,
};
use switchyard_producer::ValidatedPlan;
use switchyard_router::{RouterError, Switchyard};

use crate::args::RunArgs;
use crate::commands::run::{query_limit, show_result};

/// Runs `plan` on the engine `--engine` names (or routing chooses) and on a second engine
/// (`named`, or the next capable one by cost), prints the first's answer and whether they
/// agreed; fails when they disagree, when either failed, or when nothing could verify it.
pub async fn run(
    switchyard: &Switchyard,
    plan: &ValidatedPlan,
    args: &RunArgs,
    named: Option<&str>,
) -> Result<()> {
    let limit = query_limit(switchyard, args);
    // The ranking the second engine comes from: routed as if no engine were named.
    let ranking = switchyard.explain(plan, None)?;
    let first = match &args.engine {
        Some(engine) => switchyard.explain(plan, Some(engine))?.chosen,
        None => ranking.chosen.clone(),
    }
    .ok_or_else(|| RouterError::NoCapableEngine {
        decision: ranking.to_string(),
    })?;
    let second = second_engine(&ranking, &first, named, &[])?;
    // Each engine alone, without fallback: the point is whose answer is whose.
    let first_answer = answer_on(switchyard, plan, &first, limit).await;
    let second_answer = answer_on(switchyard, plan, &second, limit).await;
    let ordered = answer_is_ordered(switchyard, plan).await;
    let comparison = compare_answers(&first_answer, &second_answer, ordered);
    if let Ok(batches) = &first_answer.outcome
        && let Some(schema) = batches.first().map(|b| b.schema())
    {
        show_result(args, &schema, batches)?;
    }
    if args.explain {
        eprintln!("{ranking}");
    }
    match comparison {
        Comparison::Agreed => {
            eprintln!(
                "verified: {first} and {second} agree ({} rows, plan {})",
                first_answer.rows(),
                ranking.fingerprint
            );
            Ok(())
        }
        Comparison::Disagreed(difference) => bail!(
            "verify: {first} and {second} disagree on plan {}: {difference}",
            ranking.fingerprint
        ),
        Comparison::BothFailed(errors) => {
            Err(anyhow!("nothing verified: both engines failed: {errors}"))
        }
    }
}
