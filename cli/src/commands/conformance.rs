//! `switchyard conformance`: runs the conformance suites on engines and writes a report.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::{Context, Result};
use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use switchyard_conformance::measured_manifests::{measured_manifests, write_manifests};
use switchyard_conformance::report::Summary;
use switchyard_conformance::{Suite, SuiteProgress, run_suites, write_report};
use switchyard_router::Switchyard;

use crate::args::ConformanceArgs;

pub async fn run(switchyard: &Switchyard, args: ConformanceArgs) -> Result<()> {
    let suites = if args.suites.is_empty() {
        Suite::ALL.to_vec()
    } else {
        args.suites.clone()
    };
    let bars = SuiteBars::new();
    let records = run_suites(switchyard, &args.engines, &suites, &|p| bars.update(p)).await;
    bars.finish();
    // An unknown engine, or a missing corpus, is an error; failing cases are not: they are
    // what the report is for.
    let records = records?;

    let engines: Vec<String> = if args.engines.is_empty() {
        switchyard
            .engines()
            .iter()
            .map(|engine| engine.name().to_string())
            .collect()
    } else {
        args.engines.clone()
    };
    write_report(&args.report, &records, &engines)
        .with_context(|| format!("cannot write the report into {}", args.report.display()))?;
    if let Some(dir) = &args.write_manifests {
        let manifests = measured_manifests(switchyard, &records, &engines)
            .map_err(anyhow::Error::msg)
            .context("measuring the manifests")?;
        for path in write_manifests(dir, &manifests, &records, &suites)
            .map_err(anyhow::Error::msg)
            .context("writing the manifests")?
        {
            eprintln!("manifest: {}", path.display());
        }
    }

    let summary = Summary::new(&records, &engines);
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["engine", "cases", "pass", "fail", "unsupported", "error"]);
    for (engine, totals) in summary.engines.iter().zip(&summary.totals) {
        table.add_row([
            engine.clone(),
            totals.total().to_string(),
            totals.pass.to_string(),
            totals.fail.to_string(),
            totals.unsupported.to_string(),
            totals.error.to_string(),
        ]);
    }
    for index in 1..6 {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    println!("{table}");
    println!(
        "report: {} (results.json, matrix.md)",
        args.report.join("index.html").display()
    );
    Ok(())
}

/// One bar per suite and engine, created on its first report.
struct SuiteBars {
    multi: MultiProgress,
    bars: Mutex<HashMap<(Suite, String), ProgressBar>>,
}

impl SuiteBars {
    fn new() -> Self {
        Self {
            multi: MultiProgress::new(),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn update(&self, progress: SuiteProgress<'_>) {
        let mut bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        let key = (progress.suite, progress.engine.to_string());
        let bar = bars.entry(key).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new(progress.total as u64));
            let style =
                ProgressStyle::with_template("{prefix:>32} {bar:30} {pos:>5}/{len:<5} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(format!("{} on {}", progress.suite, progress.engine));
            bar
        });
        bar.set_length(progress.total as u64);
        bar.set_position(progress.done as u64);
        if progress.done >= progress.total && progress.label.is_empty() {
            bar.finish_with_message("done");
        } else {
            bar.set_message(progress.label.to_string());
        }
    }

    fn finish(&self) {
        let bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        for bar in bars.values() {
            if !bar.is_finished() {
                bar.abandon();
            }
        }
    }
}
