//! A Spark Connect server for tests and benchmarks, started and stopped through the
//! project's `scripts/spark-server.sh` (which installs pyspark and Java when missing).

use std::path::{Path, PathBuf};
use std::process::Command;

use thiserror::Error;

/// The server could not be started or stopped.
#[derive(Debug, Error)]
#[error("Spark Connect server: {0}")]
pub struct SparkServerError(String);

/// A running server; stopped (by the PID the script recorded) when dropped.
#[derive(Debug)]
pub struct SparkServer {
    script: PathBuf,
    dir: PathBuf,
    url: String,
}

impl SparkServer {
    /// Starts a server keeping its state under `dir`, on a free port on 127.0.0.1, and
    /// waits until it serves.
    pub fn start(dir: &Path) -> Result<Self, SparkServerError> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or_else(|| SparkServerError("no project root".to_string()))?;
        let script = root.join("scripts/spark-server.sh");
        let mut server = Self {
            script,
            dir: dir.to_path_buf(),
            url: String::new(),
        };
        let stdout = server.run("start")?;
        let url = stdout
            .lines()
            .last()
            .filter(|line| line.starts_with("sc://"))
            .ok_or_else(|| SparkServerError(format!("the script printed no URL: {stdout}")))?
            .to_string();
        server.url = url;
        Ok(server)
    }

    /// `sc://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's PID (the JVM's).
    pub fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("server.pid"))
            .ok()
            .and_then(|text| text.trim().parse().ok())
    }

    /// Stops the server (SIGTERM: Spark's shutdown hook runs); dropping does the same.
    pub fn stop(&self) -> Result<(), SparkServerError> {
        self.run("stop").map(drop)
    }

    /// Kills the server with SIGKILL, as a crash would.
    pub fn kill(&self) -> Result<(), SparkServerError> {
        self.run("kill").map(drop)
    }

    /// Starts the server again on the same port (after [`Self::kill`] or [`Self::stop`]).
    pub fn restart(&self) -> Result<(), SparkServerError> {
        self.run("restart").map(drop)
    }

    /// Whether the server process is alive.
    pub fn is_running(&self) -> bool {
        self.run("status").is_ok()
    }

    fn run(&self, command: &str) -> Result<String, SparkServerError> {
        let output = Command::new(&self.script)
            .arg(command)
            .arg(&self.dir)
            .output()
            .map_err(|e| SparkServerError(format!("cannot run {}: {e}", self.script.display())))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).to_string())
        } else {
            Err(SparkServerError(format!(
                "{command}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }
}

impl Drop for SparkServer {
    fn drop(&mut self) {
        if self.is_running() {
            let _ = self.stop();
        }
    }
}
