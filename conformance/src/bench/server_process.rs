//! A server in a child process, for benchmarks that measure it from outside: started with a
//! command that prints `listening on ADDRESS` once it accepts connections (as `switchyard
//! serve --listen 127.0.0.1:0` does), killed when its handle is dropped, whatever the exit
//! path, and asked for its peak resident memory.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// The server process could not be started.
#[derive(Debug, Error)]
pub enum ProcessError {
    /// The program could not be run.
    #[error("cannot start {name}: {source}")]
    Spawn {
        /// What was started.
        name: String,
        /// Why.
        source: std::io::Error,
    },
    /// Its standard output could not be read.
    #[error("reading the output of {name}: {source}")]
    Output {
        /// What was started.
        name: String,
        /// Why.
        source: std::io::Error,
    },
    /// It did not say where it listens in time.
    #[error("{name} did not print `listening on ADDRESS` within {seconds} s")]
    NotListening {
        /// What was started.
        name: String,
        /// The time allowed.
        seconds: u64,
    },
    /// It ended before saying where it listens.
    #[error("{name} ended before listening ({status})")]
    Exited {
        /// What was started.
        name: String,
        /// Its exit status, as far as known.
        status: String,
    },
}

/// A running server process; killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct ServerProcess {
    name: String,
    child: Child,
    pid: u32,
    address: SocketAddr,
    startup: Duration,
    /// Kept open: a closed pipe would fail the server's next write to standard output.
    _stdout: BufReader<ChildStdout>,
}

impl ServerProcess {
    /// Runs `command` (its standard output captured, its standard error shown) and waits at
    /// most `timeout` for it to print `listening on ADDRESS`; other lines before it are
    /// skipped. On any error the process is killed.
    pub async fn start(
        name: &str,
        mut command: Command,
        timeout: Duration,
    ) -> Result<Self, ProcessError> {
        let started = Instant::now();
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|source| ProcessError::Spawn {
            name: name.to_string(),
            source,
        })?;
        let exited = |status: &str| ProcessError::Exited {
            name: name.to_string(),
            status: status.to_string(),
        };
        let pid = child.id().ok_or_else(|| exited("at once"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| exited("no standard output"))?;
        let mut stdout = BufReader::new(stdout);
        let deadline = tokio::time::Instant::now() + timeout;
        let mut line = String::new();
        let address = loop {
            line.clear();
            match tokio::time::timeout_at(deadline, stdout.read_line(&mut line)).await {
                Err(_) => {
                    return Err(ProcessError::NotListening {
                        name: name.to_string(),
                        seconds: timeout.as_secs(),
                    });
                }
                Ok(Err(source)) => {
                    return Err(ProcessError::Output {
                        name: name.to_string(),
                        source,
                    });
                }
                Ok(Ok(0)) => {
                    let status =
                        match tokio::time::timeout(Duration::from_secs(5), child.wait()).await {
                            Ok(Ok(status)) => status.to_string(),
                            _ => "closed its standard output".to_string(),
                        };
                    return Err(exited(&status));
                }
                Ok(Ok(_)) => {
                    if let Some(address) = listening_address(&line) {
                        break address;
                    }
                }
            }
        };
        Ok(Self {
            name: name.to_string(),
            child,
            pid,
            address,
            startup: started.elapsed(),
            _stdout: stdout,
        })
    }

    /// What was started (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// From starting the process to its `listening on` line.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// The process's peak resident memory so far (`VmHWM` in `/proc/PID/status`), in bytes;
    /// `None` where there is no such file (not Linux) or the process is gone.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        peak_rss_from_status(&status)
    }

    /// Kills the process and waits for it to end.
    pub async fn stop(mut self) {
        if let Err(e) = self.child.kill().await {
            eprintln!("stopping {}: {e}", self.name);
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // After `stop` the process is gone and this fails harmlessly. `kill_on_drop` would do
        // the same when the child handle drops; this says so where it matters.
        let _ = self.child.start_kill();
    }
}

/// The address in a `listening on ADDRESS` line.
fn listening_address(line: &str) -> Option<SocketAddr> {
    line.trim()
        .strip_prefix("listening on ")?
        .trim()
        .parse()
        .ok()
}

/// `VmHWM` of a `/proc/PID/status` text, in bytes.
fn peak_rss_from_status(status: &str) -> Option<u64> {
    let value = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim();
    let kib: u64 = value.strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::{listening_address, peak_rss_from_status};

    #[test]
    fn reads_the_listening_line() {
        assert_eq!(
            listening_address("listening on 127.0.0.1:50051\n").map(|a| a.port()),
            Some(50051)
        );
        assert_eq!(listening_address("loading tables\n"), None);
    }

    #[test]
    fn reads_the_peak_resident_memory() {
        let status =
            "Name:\tswitchyard\nVmPeak:\t  900000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100000 kB\n";
        assert_eq!(peak_rss_from_status(status), Some(123_456 * 1024));
        assert_eq!(peak_rss_from_status("Name:\tx\n"), None);
    }
}
