//! TPC-H plans exported for older consumers (`switchyard export --for acero|duckdb-1.1`), run on
//! the real consumers and compared with DataFusion running the SQL directly.
//!
//! The consumers are Python packages (pyarrow's Acero; DuckDB 1.1.3 with its substrait
//! extension), installed by `scripts/interop-venv.sh`; `interop/run_legacy_plans.py` runs every
//! plan (each Acero plan in a child process of its own, since Acero crashes on some) and writes
//! each result as an Arrow IPC file, or the consumer's error.

use std::path::{Path, PathBuf};

use datafusion::arrow::ipc::reader::FileReader;
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::json;
use switchyard_consumer::flattened_for_export;
use switchyard_producer::{ExportTarget, PlanFormat, SqlDialect, export_plan};
use switchyard_router::Switchyard;

use crate::compare::{ColumnNames, DEFAULT_RELATIVE_TOLERANCE, compare_results_with};
use crate::corpus::tpch_query;
use crate::direct::{direct_session, run_sql_directly};

/// The script that runs plans on the consumers.
pub const RUNNER_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/interop/run_legacy_plans.py");

/// How one exported query fared on one consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyOutcome {
    /// The consumer returned the rows DataFusion returns for the SQL.
    Pass,
    /// The consumer returned other rows.
    Wrong(String),
    /// The consumer refused or failed the plan; its own message.
    Refused(String),
    /// Export refused the plan: the target cannot express it.
    NotExported(String),
}

/// One query on one consumer.
#[derive(Debug, Clone)]
pub struct LegacyCase {
    /// The TPC-H query number.
    pub query: usize,
    /// The consumer.
    pub target: ExportTarget,
    /// How it went.
    pub outcome: LegacyOutcome,
}

/// A query exported for a target: where its result will be, or why export refused it.
struct Exported {
    query: usize,
    target: ExportTarget,
    result: Result<PathBuf, String>,
}

/// Exports the 22 TPC-H queries for every [`ExportTarget`] into `work`, runs them with
/// `python` on the Parquet tables in `data`, and compares each result with DataFusion running
/// the SQL. `Err` is for the harness failing (no Python, the script crashing), not for a
/// consumer refusing a plan.
pub async fn run_exported_tpch(
    switchyard: &Switchyard,
    data: &Path,
    python: &Path,
    work: &Path,
) -> Result<Vec<LegacyCase>, String> {
    let mut exports = Vec::new();
    let mut jobs = Vec::new();
    for query in 1..=22 {
        let sql = tpch_query(query).map_err(|e| e.to_string())?;
        let plan = switchyard
            .producer()
            .compile_checked(&sql, SqlDialect::Generic)
            .await
            .map_err(|e| format!("q{query}: {e}"))?;
        for target in ExportTarget::ALL {
            let flattened = flattened_for_export(target, &plan, switchyard.catalog()).await;
            let encoded = flattened.map_err(|e| e.to_string()).and_then(|plan| {
                export_plan(plan.plan(), target)
                    .and_then(|exported| exported.encode(PlanFormat::Binary))
                    .map_err(|e| e.to_string())
            });
            let result = match encoded {
                Ok(bytes) => {
                    let path = work.join(format!("q{query:02}.{target}.bin"));
                    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                    let out = work.join(format!("q{query:02}.{target}.arrow"));
                    jobs.push(json!({ "plan": path, "consumer": target.name(), "out": out }));
                    Ok(out)
                }
                Err(error) => Err(error),
            };
            exports.push(Exported {
                query,
                target,
                result,
            });
        }
    }
    run_script(python, data, work, &jobs).await?;

    let direct = direct_session(switchyard.catalog()).map_err(|e| e.to_string())?;
    let mut cases = Vec::with_capacity(exports.len());
    for export in exports {
        let outcome = match &export.result {
            Err(reason) => LegacyOutcome::NotExported(reason.clone()),
            Ok(out) => {
                let sql = tpch_query(export.query).map_err(|e| e.to_string())?;
                let expected = run_sql_directly(&direct, &sql)
                    .await
                    .map_err(|e| format!("q{}: {e}", export.query))?;
                match read_result(out)? {
                    Err(refusal) => LegacyOutcome::Refused(refusal),
                    Ok(actual) => match compare_results_with(
                        &expected.batches,
                        &actual,
                        expected.ordered,
                        DEFAULT_RELATIVE_TOLERANCE,
                        ColumnNames::ProducerChosen,
                    ) {
                        Ok(()) => LegacyOutcome::Pass,
                        Err(difference) => LegacyOutcome::Wrong(difference),
                    },
                }
            }
        };
        cases.push(LegacyCase {
            query: export.query,
            target: export.target,
            outcome,
        });
    }
    Ok(cases)
}

async fn run_script(
    python: &Path,
    data: &Path,
    work: &Path,
    jobs: &[serde_json::Value],
) -> Result<(), String> {
    let job_file = work.join("cases.json");
    let job = json!({ "data": data, "cases": jobs });
    std::fs::write(&job_file, job.to_string())
        .map_err(|e| format!("{}: {e}", job_file.display()))?;
    // Errors go to a file: a pipe nobody reads while waiting could fill and stall the script.
    let stderr_file = work.join("cases.stderr");
    let stderr = std::fs::File::create(&stderr_file)
        .map_err(|e| format!("{}: {e}", stderr_file.display()))?;
    let mut command = std::process::Command::new(python);
    command
        .arg(RUNNER_SCRIPT)
        .arg(&job_file)
        .stdout(std::process::Stdio::null())
        .stderr(stderr);
    let status = tokio::task::spawn_blocking(move || run_with_deadline(command, SCRIPT_DEADLINE))
        .await
        .map_err(|e| format!("{RUNNER_SCRIPT}: {e}"))?
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !status.success() {
        let errors = std::fs::read_to_string(&stderr_file).unwrap_or_default();
        return Err(format!("{RUNNER_SCRIPT} failed ({status}): {errors}"));
    }
    Ok(())
}

/// How long the consumers may take over all the plans.
const SCRIPT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs `command` to completion, killing it past `deadline`.
fn run_with_deadline(
    mut command: std::process::Command,
    deadline: std::time::Duration,
) -> std::io::Result<std::process::ExitStatus> {
    let started = std::time::Instant::now();
    let mut child = command.spawn()?;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > deadline {
            child.kill()?;
            child.wait()?;
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("still running after {} s; killed", deadline.as_secs()),
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The consumer's rows, or its error message; `Err` if the script left neither.
fn read_result(out: &Path) -> Result<Result<Vec<RecordBatch>, String>, String> {
    let error_file = PathBuf::from(format!("{}.error", out.display()));
    if let Ok(message) = std::fs::read_to_string(&error_file) {
        return Ok(Err(message.trim().to_string()));
    }
    let file = std::fs::File::open(out)
        .map_err(|e| format!("the consumer left no result at {}: {e}", out.display()))?;
    let reader = FileReader::try_new(file, None).map_err(|e| format!("{}: {e}", out.display()))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(Ok(batches))
}
