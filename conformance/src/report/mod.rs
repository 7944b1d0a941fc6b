//! Reports of a conformance run: the records as JSON, a Markdown matrix for the docs, and a
//! static HTML page.

mod html;
mod markdown;
mod summary;

use std::io::Write;
use std::path::Path;

use switchyard_consumer::write_atomically;

use crate::function_tests::CaseRecord;

pub use html::{escape_html, render_html};
pub use markdown::{escape_markdown, render_markdown};
pub use summary::{Cell, CellStatus, Counts, Row, Summary};

/// The files [`write_report`] writes into its folder.
pub const REPORT_FILES: [&str; 3] = ["results.json", "matrix.md", "index.html"];

/// Writes the report of `records` into `dir`, creating it: `results.json` (every record, a
/// pretty JSON array), `matrix.md` ([`render_markdown`]) and `index.html` ([`render_html`]).
/// Each file is written whole or not at all, so an interrupted run leaves the last report.
pub fn write_report(dir: &Path, records: &[CaseRecord], engines: &[String]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(records).map_err(std::io::Error::other)?;
    let [results, matrix, index] = REPORT_FILES;
    write_whole(&dir.join(results), &json)?;
    write_whole(
        &dir.join(matrix),
        render_markdown(records, engines).as_bytes(),
    )?;
    write_whole(&dir.join(index), render_html(records, engines).as_bytes())
}

fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically(path, |out| Ok(out.write_all(bytes)?)).map_err(std::io::Error::other)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::function_tests::CaseOutcome;

    /// A record with no group.
    pub(crate) fn record(
        suite: &str,
        file: &str,
        line: usize,
        function: &str,
        engine: &str,
        outcome: CaseOutcome,
    ) -> CaseRecord {
        CaseRecord {
            suite: suite.to_string(),
            file: file.to_string(),
            line,
            function: function.to_string(),
            group: None,
            engine: engine.to_string(),
            outcome,
            exercised: None,
        }
    }

    /// On datafusion: `add` passes twice and fails once (a reason holding `<script>`), a
    /// lambda case is unsupported, TPC-H q1 errors. On duckdb: `add` passes once.
    pub(crate) fn sample() -> Vec<CaseRecord> {
        let functions = "substrait-functions";
        let add = "arithmetic/add.test";
        vec![
            record(functions, add, 7, "add", "datafusion", CaseOutcome::Pass),
            record(functions, add, 8, "add", "datafusion", CaseOutcome::Pass),
            record(
                functions,
                add,
                9,
                "add",
                "datafusion",
                CaseOutcome::Fail {
                    difference: "expected 3::i8, got <script>alert(1)</script>".to_string(),
                },
            ),
            record(functions, add, 7, "add", "duckdb", CaseOutcome::Pass),
            record(
                functions,
                "list/transform.test",
                3,
                "lambda_thing",
                "datafusion",
                CaseOutcome::Unsupported {
                    reason: "lambdas are not supported".to_string(),
                },
            ),
            record(
                "tpch",
                "tpch/q1",
                0,
                "q1",
                "datafusion",
                CaseOutcome::Error {
                    message: "setup: no table lineitem & <friends>".to_string(),
                },
            ),
        ]
    }

    #[test]
    fn records_serialize_flat_with_the_outcome_tag() {
        let records = sample();
        let json = serde_json::to_value(&records).expect("serializes");
        assert_eq!(json[0]["outcome"], "pass");
        assert_eq!(json[0]["suite"], "substrait-functions");
        assert_eq!(json[0]["line"], 7);
        assert_eq!(json[2]["outcome"], "fail");
        assert!(
            json[2]["difference"]
                .as_str()
                .is_some_and(|d| d.contains("<script>"))
        );
        assert_eq!(json[4]["outcome"], "unsupported");
        assert_eq!(json[4]["reason"], "lambdas are not supported");
        assert_eq!(json[5]["outcome"], "error");
        assert!(json[5]["message"].is_string());
        assert!(json[5]["group"].is_null());
    }

    #[test]
    fn the_report_is_three_files_in_a_new_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = dir.path().join("nested/report");
        let records = sample();
        write_report(&report, &records, &["datafusion".to_string()]).expect("written");
        for name in REPORT_FILES {
            assert!(report.join(name).is_file(), "{name}");
        }
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(report.join("results.json")).expect("read"),
        )
        .expect("valid JSON");
        assert_eq!(json.as_array().map(Vec::len), Some(records.len()));
        let names: Vec<String> = std::fs::read_dir(&report)
            .expect("list")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names.len(), 3, "no temporary files are left: {names:?}");
    }
}
