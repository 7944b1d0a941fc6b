//! `switchyard bench`.

use anyhow::{Result, anyhow};
use switchyard_conformance::bench::engines::EnginesOptions;
use switchyard_conformance::bench::overhead::{
    OverheadOptions, ReportContext, measure_overhead, render_markdown,
};
use switchyard_conformance::ensure_tpch;
use switchyard_router::{Config, Switchyard};

use crate::args::Bench;
use crate::commands::{
    bench_distributed, bench_engines, bench_faults, bench_routing, bench_service, default_tpch_dir,
};
use crate::output::write_file_atomically;
use crate::progress::TableBars;

pub async fn run(args: Bench) -> Result<()> {
    match args {
        Bench::Overhead {
            data,
            scale,
            runs,
            queries,
            report,
        } => {
            let data = data.unwrap_or_else(|| default_tpch_dir(scale));
            if cfg!(debug_assertions) {
                eprintln!(
                    "warning: this is a debug build; benchmark a release build (cargo run --release)"
                );
            }
            let bars = TableBars::new();
            let config = ensure_tpch(scale, &data, &|p| bars.update(p))?;
            bars.finish();
            let switchyard = Switchyard::open(Config::load(&config)?).await?;
            let queries = if queries.is_empty() {
                (1..=22).collect()
            } else {
                queries
            };
            let options = OverheadOptions {
                runs,
                micro_runs: 50,
                queries,
            };
            let results = measure_overhead(&switchyard, &options, &|q| eprintln!("measuring q{q}"))
                .await
                .map_err(|e| anyhow!(e))?;
            let context = ReportContext {
                command: command_line(),
                build: build_kind(),
                scale,
                options,
                when: utc_now(),
            };
            let markdown = render_markdown(&results, &context);
            publish(&report, OVERHEAD_SECTION, &markdown)
        }
        Bench::Engines {
            data,
            scale,
            runs,
            queries,
            postgres_url,
            no_postgres,
            report,
        } => {
            let options = EnginesOptions {
                runs,
                queries: if queries.is_empty() {
                    (1..=22).collect()
                } else {
                    queries
                },
            };
            let markdown =
                bench_engines::run(data, scale, options, postgres_url, no_postgres).await?;
            publish(&report, ENGINES_SECTION, &markdown)
        }
        Bench::Routing {
            data,
            scale,
            runs,
            lookups,
            postgres_url,
            replay,
            report,
        } => {
            let markdown = bench_routing::run(bench_routing::RoutingBenchOptions {
                data,
                scale,
                runs,
                lookups,
                postgres_url,
                replay,
            })
            .await?;
            publish(&report, ROUTING_SECTION, &markdown)
        }
        Bench::Service {
            data,
            scale,
            clients,
            seconds,
            runs,
            python,
            no_doget,
            verify_sample,
            verify_clients,
            report,
        } => {
            let markdown = bench_service::run(bench_service::ServiceBenchArgs {
                data,
                scale,
                clients,
                seconds,
                runs,
                python,
                no_doget,
                verify_sample,
                verify_clients,
            })
            .await?;
            publish(&report, SERVICE_SECTION, &markdown)
        }
        Bench::Distributed {
            scales,
            runs,
            queries,
            executors,
            report,
        } => {
            let markdown = bench_distributed::run(bench_distributed::DistributedBenchArgs {
                scales,
                runs,
                queries,
                executors,
            })
            .await?;
            publish(&report, DISTRIBUTED_SECTION, &markdown)
        }
        Bench::Faults {
            data,
            scale,
            clients,
            queries,
            per_second,
            health_interval_ms,
            report,
        } => {
            let markdown = bench_faults::run(bench_faults::FaultBenchArgs {
                data,
                scale,
                clients,
                queries,
                per_second,
                health_interval_ms,
            })
            .await?;
            publish(&report, FAULTS_SECTION, &markdown)
        }
    }
}

/// The marker pair around the distributed engines section of the report.
const DISTRIBUTED_SECTION: &str = "distributed";

/// The marker pair around the fault-injection section of the reliability report.
const FAULTS_SECTION: &str = "faults";

/// The marker pair around the service section of the report.
const SERVICE_SECTION: &str = "service";

/// The marker pair around the routing section of the report.
const ROUTING_SECTION: &str = "routing";

/// Prints a report section and writes it into `report`, replacing that section only.
fn publish(report: &std::path::Path, section: &str, markdown: &str) -> Result<()> {
    // Print first: minutes of measurement must not be lost to an unwritable report.
    println!("{markdown}");
    let existing = std::fs::read_to_string(report).unwrap_or_default();
    let updated = replace_section(&existing, section, markdown);
    write_file_atomically(report, updated.as_bytes())?;
    eprintln!("wrote {}", report.display());
    Ok(())
}

/// The marker pair around the engines section of the report.
const ENGINES_SECTION: &str = "engines";

/// The marker pair around the overhead section of the report, so that a new run replaces
/// only its own figures and keeps whatever else the file says.
const OVERHEAD_SECTION: &str = "overhead";

fn replace_section(document: &str, name: &str, content: &str) -> String {
    let begin =
        format!("<!-- {name}:begin (written by switchyard bench; edits inside are lost) -->");
    let end = format!("<!-- {name}:end -->");
    let section = format!("{begin}\n{}\n{end}", content.trim_end());
    match (document.find(&begin), document.find(&end)) {
        (Some(start), Some(stop)) if start < stop => {
            format!(
                "{}{section}{}",
                &document[..start],
                &document[stop + end.len()..]
            )
        }
        _ if document.trim().is_empty() => format!("# Performance\n\n{section}\n"),
        _ => format!("{}\n\n{section}\n", document.trim_end()),
    }
}

pub fn utc_now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The command line as users type it (`switchyard ...`), not the path the binary ran from.
pub fn command_line() -> String {
    std::iter::once("switchyard".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether these figures come from a debug or a release build.
pub fn build_kind() -> &'static str {
    if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    }
}

#[cfg(test)]
mod tests {
    use super::replace_section;

    #[test]
    fn only_the_section_is_replaced() {
        let first = replace_section("", "overhead", "## Figures\nold");
        assert!(first.starts_with("# Performance\n"));
        let edited = format!("{first}\n## Notes\nkept\n");
        let second = replace_section(&edited, "overhead", "## Figures\nnew");
        assert!(
            second.contains("new") && !second.contains("old"),
            "{second}"
        );
        assert!(second.contains("## Notes\nkept"), "{second}");
        assert_eq!(second.matches(":begin").count(), 1);
    }
}
