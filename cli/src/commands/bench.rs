//! `switchyard bench`.

use anyhow::{Result, anyhow};
use switchyard_conformance::bench::overhead::{
    OverheadOptions, ReportContext, measure_overhead, render_markdown,
};
use switchyard_conformance::ensure_tpch;
use switchyard_router::{Config, Switchyard};

use crate::args::Bench;
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
                command: std::env::args().collect::<Vec<_>>().join(" "),
                scale,
                options,
                when: utc_now(),
            };
            let markdown = render_markdown(&results, &context);
            write_file_atomically(&report, markdown.as_bytes())?;
            println!("{markdown}");
            eprintln!("wrote {}", report.display());
            Ok(())
        }
    }
}

fn utc_now() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}
