//! The reference Flight server for DoGet throughput: `service/bench/pyarrow_flight_server.py`,
//! a minimal pyarrow server that reads a table's Parquet files into memory at start-up and
//! serves the whole table for any ticket, run with the Python of the project's virtualenv.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::bench::server_process::ServerProcess;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The script, relative to the project root.
pub const REFERENCE_SCRIPT: &str = "service/bench/pyarrow_flight_server.py";

/// The ticket sent to the reference (it serves its table for any).
pub const REFERENCE_TICKET: &str = "table";

/// The root of the source tree this was built from.
fn project_root() -> BenchResult<&'static Path> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or_else(|| "no project root above the conformance crate".into())
}

/// The Python of the project's virtualenv (with pyarrow), made by `scripts/adbc-venv.sh`
/// when missing (which may take minutes the first time).
pub async fn project_python() -> BenchResult<PathBuf> {
    let script = project_root()?.join("scripts/adbc-venv.sh");
    let output = Command::new(&script)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!("{} failed ({})", script.display(), output.status).into());
    }
    let python = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if python.is_empty() {
        return Err(format!("{} printed no path", script.display()).into());
    }
    Ok(PathBuf::from(python))
}

/// Starts the reference server with `python` on a free port of 127.0.0.1, serving the Parquet
/// files (or folders of them) at `paths`; waits at most `timeout` for it to have read them and
/// to listen.
pub async fn start_reference(
    python: &Path,
    paths: &[PathBuf],
    timeout: Duration,
) -> BenchResult<ServerProcess> {
    let script = project_root()?.join(REFERENCE_SCRIPT);
    if !script.is_file() {
        return Err(format!("{} not found", script.display()).into());
    }
    let mut command = Command::new(python);
    command
        .arg(&script)
        .args(["--port", "0"])
        .args(paths)
        // Unbuffered, so that nothing waits in Python's buffers.
        .env("PYTHONUNBUFFERED", "1");
    ServerProcess::start("the pyarrow reference server", command, timeout)
        .await
        .map_err(Into::into)
}
