//! `switchyard fuzz-queries`: differential query fuzzing on engines, with a report.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use switchyard_conformance::fuzz::report::write_fuzz_report;
use switchyard_conformance::fuzz::{
    BUILT_IN_RULES, FuzzOptions, FuzzProgress, add_edge_table, fuzz_queries, parse_rules,
};

use crate::args::FuzzQueriesArgs;
use crate::commands::open_with;

/// How long a run lasts when neither `--seconds` nor `--count` bounds it.
const DEFAULT_SECONDS: u64 = 60;

pub async fn run(config: &Path, strict_plans: bool, args: FuzzQueriesArgs) -> Result<()> {
    // The edge table is written beside the report, so a disagreement can be replayed.
    let edge_dir = args.report.join("data");
    let switchyard = open_with(config, strict_plans, |config| {
        add_edge_table(config, &edge_dir).context("writing the edge-value table")
    })
    .await?;
    let rules_text = match &args.rules {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rules file {}", path.display()))?,
        None => BUILT_IN_RULES.to_string(),
    };
    let mut options = FuzzOptions::new(args.engines.clone())?;
    options.rules = parse_rules(&rules_text)?;
    options.seed = args.seed;
    options.count = args.count;
    options.duration = match (args.seconds, args.count) {
        (Some(seconds), _) => Some(Duration::from_secs(seconds)),
        (None, Some(_)) => None,
        (None, None) => Some(Duration::from_secs(DEFAULT_SECONDS)),
    };
    options.query_timeout = Duration::from_secs(args.query_timeout.max(1));

    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let summary = fuzz_queries(&switchyard, &options, &|p: FuzzProgress| {
        bar.set_message(format!(
            "{} queries, {} disagreements",
            p.generated, p.disagreements
        ));
        bar.tick();
    })
    .await;
    bar.finish_and_clear();
    let summary = summary?;
    write_fuzz_report(&args.report, &summary)?;
    for (index, d) in summary.disagreements.iter().enumerate() {
        let status = match &d.rule {
            Some(rule) => format!("explained: {}", rule.why),
            None => "UNEXPLAINED".to_string(),
        };
        println!(
            "disagreement {index:03} ({} on {}, {status}): {}",
            d.oracle, d.engine, d.shrunk
        );
    }
    println!("report: {}", args.report.join("summary.md").display());
    let unexplained = summary.unexplained();
    if unexplained > 0 {
        // The error is the last line printed, so it carries the counts too.
        bail!(
            "{unexplained} unexplained disagreement(s): {}",
            summary.last_line()
        );
    }
    println!("{}", summary.last_line());
    Ok(())
}
