//! A throwaway PostgreSQL server for tests and benchmarks, started and stopped through the
//! project's `scripts/pg-cluster.sh` (which installs PostgreSQL when it is missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use thiserror::Error;

/// The server could not be started.
#[derive(Debug, Error)]
#[error("PostgreSQL cluster: {0}")]
pub struct ClusterError(String);

/// A running server; stopped (by the PID the script recorded) when dropped.
#[derive(Debug)]
pub struct PgCluster {
    script: PathBuf,
    dir: PathBuf,
    url: String,
}

impl PgCluster {
    /// initdb under `dir` and start on a free port on 127.0.0.1.
    pub fn start(dir: &Path) -> Result<Self, ClusterError> {
        let script = script_path()?;
        let output = Command::new(&script)
            .arg("start")
            .arg(dir)
            .output()
            .map_err(|e| ClusterError(format!("cannot run {}: {e}", script.display())))?;
        if !output.status.success() {
            return Err(ClusterError(
                String::from_utf8_lossy(&output.stderr).trim().to_string(),
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let url = stdout
            .lines()
            .last()
            .filter(|line| line.starts_with("postgres://"))
            .ok_or_else(|| ClusterError(format!("the script printed no URL: {stdout}")))?
            .to_string();
        Ok(Self {
            script,
            dir: dir.to_path_buf(),
            url,
        })
    }

    /// `postgres://switchyard@127.0.0.1:PORT/switchyard`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stops the server (fast shutdown); dropping does the same.
    pub fn stop(&self) -> Result<(), ClusterError> {
        let status = Command::new(&self.script)
            .arg("stop")
            .arg(&self.dir)
            .status()
            .map_err(|e| ClusterError(e.to_string()))?;
        if status.success() {
            Ok(())
        } else {
            Err(ClusterError(format!("stop exited with {status}")))
        }
    }

    /// Kills the server and its backends with SIGKILL, as a crash would.
    pub fn kill(&self) -> Result<(), ClusterError> {
        self.script_command("kill")
    }

    /// Starts the server again on the same data and port (after [`Self::kill`] or
    /// [`Self::stop`]); PostgreSQL recovers from a crash first.
    pub fn restart(&self) -> Result<(), ClusterError> {
        self.script_command("restart")
    }

    fn script_command(&self, command: &str) -> Result<(), ClusterError> {
        let output = Command::new(&self.script)
            .arg(command)
            .arg(&self.dir)
            .output()
            .map_err(|e| ClusterError(format!("cannot run {}: {e}", self.script.display())))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(ClusterError(format!(
                "{command}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }

    /// Whether the server process is alive.
    pub fn is_running(&self) -> bool {
        Command::new(&self.script)
            .arg("status")
            .arg(&self.dir)
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.is_running() {
            let _ = self.stop();
        }
    }
}

/// A cluster in a folder of its own under the system's temporary folder, which is removed
/// (after the server stops) when this drops: benchmarks load gigabytes into it.
#[derive(Debug)]
pub struct ThrowawayPgCluster {
    // Fields drop in order: the server stops before its folder goes.
    cluster: PgCluster,
    _dir: tempfile::TempDir,
}

impl ThrowawayPgCluster {
    /// Starts a cluster in a new temporary folder named from `prefix`.
    pub fn start(prefix: &str) -> Result<Self, ClusterError> {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir()
            .map_err(|e| ClusterError(format!("cannot make a temporary folder: {e}")))?;
        let cluster = PgCluster::start(&dir.path().join("pg"))?;
        Ok(Self { cluster, _dir: dir })
    }

    /// The connection URL.
    pub fn url(&self) -> &str {
        self.cluster.url()
    }

    /// The server, to kill or restart.
    pub fn cluster(&self) -> &PgCluster {
        &self.cluster
    }
}

/// `scripts/pg-cluster.sh` of the source tree this was built from.
fn script_path() -> Result<PathBuf, ClusterError> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or_else(|| ClusterError("no project root".to_string()))?;
    let script = root.join("scripts/pg-cluster.sh");
    if script.is_file() {
        Ok(script)
    } else {
        Err(ClusterError(format!("{} not found", script.display())))
    }
}
