//! One module per command; each converts its arguments and delegates to the libraries.

mod bench;
mod bench_distributed;
mod bench_engines;
mod bench_faults;
mod bench_routing;
mod bench_service;
mod calibrate;
mod catalog;
mod cluster;
mod cluster_processes;
mod conformance;
mod datagen;
mod demo;
mod engines;
mod explain;
mod export;
mod features;
mod fuzz_queries;
mod history;
mod load;
mod normalize;
mod plan;
mod plan_input;
mod run;
mod run_verify;
mod serve;
mod translate;

use std::path::Path;

use anyhow::{Context, Result, bail};
use switchyard_router::{Config, Switchyard};

use crate::args::{Cli, Command, SqlSource};

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Datagen(args) => datagen::run(args),
        Command::Catalog => catalog::run(&open(&cli.config, cli.strict_plans).await?).await,
        Command::Plan(args) => plan::run(&open(&cli.config, cli.strict_plans).await?, args).await,
        Command::Run(args) => run::run(&open(&cli.config, cli.strict_plans).await?, args).await,
        Command::Engines => engines::run(&open(&cli.config, cli.strict_plans).await?).await,
        Command::Translate(args) => {
            translate::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::Load(args) => load::run(&open(&cli.config, cli.strict_plans).await?, args).await,
        Command::Features(args) => {
            features::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::Explain(args) => {
            explain::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::Calibrate(args) => calibrate::run(&cli.config, args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Conformance(args) => {
            conformance::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::FuzzQueries(args) => fuzz_queries::run(&cli.config, cli.strict_plans, args).await,
        Command::Normalize(args) => {
            normalize::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::Export(args) => {
            export::run(&open(&cli.config, cli.strict_plans).await?, args).await
        }
        Command::History(args) => history::run(&cli.config, args).await,
        Command::Serve(args) => serve::run(&cli.config, cli.strict_plans, args).await,
        Command::Cluster(command) => cluster::run(command).await,
    }
}

/// Loads the configuration and opens its tables and engines; `strict_plans` (the
/// `--strict-plans` flag) refuses plans with warnings whatever the configuration says.
pub async fn open(config: &Path, strict_plans: bool) -> Result<Switchyard> {
    open_with(config, strict_plans, |_| Ok(())).await
}

/// [`open`], with `edit` applied to the loaded configuration before the engines open.
pub async fn open_with(
    config: &Path,
    strict_plans: bool,
    edit: impl FnOnce(&mut Config) -> Result<()>,
) -> Result<Switchyard> {
    if !config.exists() {
        bail!(
            "config file {} not found; pass --config FILE, or make one with `switchyard datagen tpch`",
            config.display()
        );
    }
    let mut config = Config::load(config)?;
    config.file.routing.strict_plans |= strict_plans;
    // The command line holds plans to the limits the service does (`service.limits`).
    if let Some(limit) = config.file.service.limits.memory_limit_bytes {
        config.cap_datafusion_memory(limit);
    }
    edit(&mut config)?;
    Ok(Switchyard::open(config).await?)
}

/// Where generated TPC-H data of a scale lives unless `--data` says otherwise.
pub fn default_tpch_dir(scale: f64) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("data/tpch-sf{scale}"))
}

/// The SQL text of `--sql` or `--sql-file`.
pub fn sql_text(source: &SqlSource) -> Result<Option<String>> {
    match (&source.sql, &source.sql_file) {
        (Some(sql), _) => Ok(Some(sql.clone())),
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read SQL file {}", path.display()))
            .map(Some),
        (None, None) => Ok(None),
    }
}
