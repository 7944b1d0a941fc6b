//! The processes of a local Ballista cluster: started detached from this process (so they
//! outlive `cluster start`), recorded with their PIDs and ports in `DIR/cluster.json`, and
//! stopped by those PIDs.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// One process of the cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterProcess {
    /// `scheduler` or `executor-N`.
    pub role: String,
    /// Its PID.
    pub pid: u32,
    /// The port it serves on (the executor's Arrow Flight port).
    pub port: u16,
    /// Its log file.
    pub log: PathBuf,
}

/// What `DIR/cluster.json` records.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClusterState {
    /// The scheduler first, then the executors.
    pub processes: Vec<ClusterProcess>,
}

impl ClusterState {
    fn file(dir: &Path) -> PathBuf {
        dir.join("cluster.json")
    }

    /// The state recorded in `dir`, if any.
    pub fn read(dir: &Path) -> Result<Option<Self>> {
        let file = Self::file(dir);
        if !file.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        Ok(Some(serde_json::from_str(&text).with_context(|| {
            format!("{} is not a cluster state file", file.display())
        })?))
    }

    /// Records the state in `dir` (after each process starts, so `cluster stop` finds every
    /// process even when starting fails half-way).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let file = Self::file(dir);
        let text = serde_json::to_string_pretty(self).context("encoding the cluster state")?;
        crate::output::write_file_atomically(&file, text.as_bytes())
    }

    /// Removes the state file.
    pub fn remove(dir: &Path) -> Result<()> {
        let file = Self::file(dir);
        if file.exists() {
            std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
        }
        Ok(())
    }

    /// The scheduler, when recorded.
    pub fn scheduler(&self) -> Option<&ClusterProcess> {
        self.processes.iter().find(|p| p.role == "scheduler")
    }
}

/// A free port on 127.0.0.1 (free when asked; the process that binds it comes next).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr().context("a bound address")?.port())
}

/// Starts this executable with `args`, detached in a process group of its own, its output
/// appended to `log`.
pub fn spawn(role: &str, args: &[String], port: u16, log: PathBuf) -> Result<ClusterProcess> {
    let executable = std::env::current_exe().context("finding this executable")?;
    let out = File::options()
        .create(true)
        .append(true)
        .open(&log)
        .with_context(|| format!("opening {}", log.display()))?;
    let err = out.try_clone().context("sharing the log file")?;
    let child = Command::new(executable)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting the {role}"))?;
    Ok(ClusterProcess {
        role: role.to_string(),
        pid: child.id(),
        port,
        log,
    })
}

/// Whether process `pid` is alive (and not a zombie).
pub fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'))
    })
}

/// Whether something accepts connections on 127.0.0.1:`port`.
pub fn accepts(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(500)).is_ok()
}

/// Waits until `process` accepts connections on its port, failing with the end of its log
/// when it exits or `within` passes.
pub fn wait_accepting(process: &ClusterProcess, within: Duration) -> Result<()> {
    let started = Instant::now();
    while started.elapsed() < within {
        if accepts(process.port) {
            return Ok(());
        }
        if !is_alive(process.pid) {
            bail!(
                "the {} exited while starting: {}",
                process.role,
                log_tail(&process.log)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!(
        "the {} did not accept connections on port {} within {} s: {}",
        process.role,
        process.port,
        within.as_secs(),
        log_tail(&process.log)
    )
}

/// Stops `process`: SIGTERM, then SIGKILL if it is still alive after `grace`.
pub fn stop(process: &ClusterProcess, grace: Duration) -> Result<()> {
    if !is_alive(process.pid) {
        return Ok(());
    }
    signal(process.pid, "TERM")?;
    let started = Instant::now();
    while started.elapsed() < grace {
        if !is_alive(process.pid) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(process.pid, "KILL")?;
    Ok(())
}

fn signal(pid: u32, name: &str) -> Result<()> {
    // kill(1) rather than libc: the workspace forbids unsafe code outside one module.
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .context("running kill")?;
    if status.success() || !is_alive(pid) {
        Ok(())
    } else {
        bail!("kill -{name} {pid} failed ({status})")
    }
}

/// The last lines of a log, on one line, for an error message.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().rev().take(3).collect();
    if lines.is_empty() {
        format!("{} is empty", log.display())
    } else {
        lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
    }
}
