//! Progress bars for data generation and loading.

use std::collections::HashMap;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use switchyard_conformance::TableProgress;

/// One bar per table, created on its first report.
pub struct TableBars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl TableBars {
    pub fn new() -> Self {
        Self {
            multi: MultiProgress::new(),
            bars: Mutex::new(HashMap::new()),
        }
    }

    pub fn update(&self, progress: TableProgress<'_>) {
        let mut bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        let bar = bars.entry(progress.table.to_string()).or_insert_with(|| {
            let bar = self.multi.add(ProgressBar::new(progress.expected_rows));
            let style = ProgressStyle::with_template(
                "{prefix:>9} {bar:40} {human_pos:>11}/{human_len} rows {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(progress.table.to_string());
            bar
        });
        bar.set_length(progress.expected_rows.max(progress.rows));
        bar.set_position(progress.rows);
        if progress.done {
            bar.finish_with_message("done");
        }
    }

    pub fn finish(&self) {
        let bars = self.bars.lock().unwrap_or_else(|p| p.into_inner());
        for bar in bars.values() {
            if !bar.is_finished() {
                bar.abandon();
            }
        }
    }
}

/// A spinner counting rows per table, for work whose total is not known up front.
pub struct RowCounter {
    bar: ProgressBar,
}

impl RowCounter {
    pub fn new(prefix: &str) -> Self {
        let bar = ProgressBar::new_spinner();
        let style = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_prefix(prefix.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Self { bar }
    }

    pub fn update(&self, table: &str, rows: u64) {
        self.bar.set_message(format!("{table} {rows} rows"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
