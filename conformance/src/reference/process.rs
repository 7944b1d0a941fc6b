//! The reference's one long-lived process per catalog: `conformance/interop/reference_answers.py`
//! in DuckDB 2.0.1's virtualenv, spoken to over JSON lines (one request, one reply). Starting
//! Python and opening the catalog once per test binary rather than per query keeps a suite's
//! reference cost at DuckDB's own.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ReferenceError, ReferenceTable};

/// The published answer set's verdict, as the process reports it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct PublishedReply {
    /// `agrees`, `differs` or `none`.
    pub status: String,
    /// What differs, when it does.
    pub message: Option<String>,
}

/// One reply.
#[derive(Debug, Deserialize)]
pub(super) struct Reply {
    ok: bool,
    #[serde(default)]
    pub ordered: bool,
    #[serde(default)]
    pub published: Option<PublishedReply>,
    #[serde(default)]
    error: Option<String>,
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Slot = Arc<Mutex<Option<Server>>>;

/// One server per table set; a server that failed is dropped and started again on next use.
static SERVERS: LazyLock<Mutex<HashMap<Vec<ReferenceTable>, Slot>>> = LazyLock::new(Mutex::default);

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The reference's python: `SWITCHYARD_REFERENCE_PYTHON`, or the one
/// `scripts/reference-venv.sh` makes (once) and prints.
pub(super) fn python() -> Result<&'static Path, ReferenceError> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            if let Some(python) = std::env::var_os("SWITCHYARD_REFERENCE_PYTHON") {
                return Ok(PathBuf::from(python));
            }
            let script = repository().join("scripts/reference-venv.sh");
            let output = Command::new("bash")
                .arg(&script)
                .stderr(Stdio::piped())
                .output()
                .map_err(|e| format!("running {}: {e}", script.display()))?;
            if !output.status.success() {
                return Err(format!(
                    "{} failed: {}",
                    script.display(),
                    String::from_utf8_lossy(&output.stderr).trim()
                ));
            }
            let printed = String::from_utf8_lossy(&output.stdout);
            printed
                .lines()
                .last()
                .map(|line| PathBuf::from(line.trim()))
                .ok_or_else(|| format!("{} printed no python", script.display()))
        })
        .as_deref()
        .map_err(|e| ReferenceError::Install(e.clone()))
}

/// Where the published answer sets sit: `published/` in the virtualenv.
pub(super) fn published_dir(python: &Path) -> Option<PathBuf> {
    let dir = python.parent()?.parent()?.join("published");
    dir.is_dir().then_some(dir)
}

fn start(tables: &[ReferenceTable]) -> Result<Server, ReferenceError> {
    let python = python()?;
    let script = repository().join("conformance/interop/reference_answers.py");
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| ReferenceError::Process(format!("starting {}: {e}", script.display())))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(ReferenceError::Process(
            "no pipes to the reference".to_string(),
        ));
    };
    let mut server = Server {
        child,
        stdin,
        stdout: BufReader::new(stdout),
    };
    let tables: serde_json::Map<String, serde_json::Value> = tables
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                json!({ "path": t.path, "format": t.format }),
            )
        })
        .collect();
    let init = json!({ "tables": tables, "published_dir": published_dir(python) });
    writeln!(server.stdin, "{init}")
        .map_err(|e| ReferenceError::Process(format!("opening the catalog: {e}")))?;
    Ok(server)
}

fn exchange(server: &mut Server, request: &serde_json::Value) -> Result<Reply, ReferenceError> {
    let lost = |e: std::io::Error| ReferenceError::Process(format!("the reference stopped: {e}"));
    writeln!(server.stdin, "{request}").map_err(lost)?;
    server.stdin.flush().map_err(lost)?;
    let mut line = String::new();
    if server.stdout.read_line(&mut line).map_err(lost)? == 0 {
        return Err(ReferenceError::Process(
            "the reference exited (its error is on stderr)".to_string(),
        ));
    }
    serde_json::from_str(&line)
        .map_err(|e| ReferenceError::Process(format!("unreadable reply {line:?}: {e}")))
}

/// Asks the catalog's server to answer `sql` into `out` (Parquet).
pub(super) fn ask(
    tables: &[ReferenceTable],
    sql: &str,
    out: &Path,
    published: Option<&str>,
) -> Result<Reply, ReferenceError> {
    let slot = SERVERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(tables.to_vec())
        .or_default()
        .clone();
    let mut server = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if server.is_none() {
        *server = Some(start(tables)?);
    }
    let request = json!({ "sql": sql, "out": out, "published": published });
    let reply = match server.as_mut().map(|s| exchange(s, &request)) {
        Some(Ok(reply)) => reply,
        Some(Err(error)) => {
            *server = None;
            return Err(error);
        }
        None => return Err(ReferenceError::Process("no reference process".to_string())),
    };
    if reply.ok {
        Ok(reply)
    } else {
        Err(ReferenceError::Query(
            reply.error.unwrap_or_else(|| "no message".to_string()),
        ))
    }
}
