//! The verification log: one JSON object per line for every verified run (agreed or
//! disagreed) and every suspect mark an operator cleared. Appended by the service's shadow
//! runs; read back at start-up to restore which engines are suspect, and by
//! `switchyard history`.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VerifyRecord {
    /// Both engines gave the same answer.
    Agreed(VerifiedRun),
    /// The answers differ: `engine` (which answered the client) is suspect for the feature
    /// set until cleared or a later verified run agrees.
    Disagreed(VerifiedRun),
    /// An operator cleared suspect marks.
    Cleared(Clearance),
}

/// One plan run on two engines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifiedRun {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The engine whose answer the client got.
    pub engine: String,
    /// The engine that gave the second answer.
    pub verifier: String,
    /// The plan's fingerprint (as `switchyard explain` prints it).
    pub plan: String,
    /// The plan's feature set (see `PlanFeatures::feature_set`).
    pub feature_set: String,
    /// Rows in the client's answer.
    pub rows: usize,
    /// The first difference (row, column, both values), or one side's error; `None` when
    /// they agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
}

/// Marks an operator cleared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clearance {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The engine whose marks were cleared.
    pub engine: String,
    /// The feature set cleared; `None`: every mark of the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_set: Option<String>,
}

/// Why the log could not be read or written.
#[derive(Debug, Error)]
pub enum VerifyLogError {
    /// The file could not be opened, read or written.
    #[error("verification log {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A line is not a record.
    #[error("verification log {path}, line {line}: {message}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Its line number, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// The log file, appended to by one writer at a time.
#[derive(Debug)]
pub struct VerifyLog {
    path: PathBuf,
    writing: Mutex<()>,
}

impl VerifyLog {
    /// The log at `path` (created on the first append).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            writing: Mutex::new(()),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as a line (one `write` call, so a reader never sees half a line
    /// from this process).
    pub fn append(&self, record: &VerifyRecord) -> Result<(), VerifyLogError> {
        let io = |source| VerifyLogError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line =
            serde_json::to_string(record).map_err(|e| io(std::io::Error::other(e.to_string())))?;
        line.push('\n');
        let _writing = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        file.write_all(line.as_bytes()).map_err(io)
    }

    /// Every record in order; a missing file holds none.
    pub fn read(&self) -> Result<Vec<VerifyRecord>, VerifyLogError> {
        let io = |source| VerifyLogError::Io {
            path: self.path.clone(),
            source,
        };
        let file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(e)),
        };
        let mut records = Vec::new();
        for (index, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(io)?;
            if line.trim().is_empty() {
                continue;
            }
            let record = serde_json::from_str(&line).map_err(|e| VerifyLogError::Malformed {
                path: self.path.clone(),
                line: index + 1,
                message: e.to_string(),
            })?;
            records.push(record);
        }
        Ok(records)
    }
}

/// The time now as the log writes it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = VerifyLog::new(dir.path().join("verify.jsonl"));
        assert_eq!(log.read().expect("no file yet"), Vec::new());
        let run = VerifiedRun {
            at: now(),
            engine: "datafusion".into(),
            verifier: "duckdb".into(),
            plan: "0123456789abcdef".into(),
            feature_set: "fedcba9876543210".into(),
            rows: 1,
            difference: Some("row 0, column x: expected -126, got 130".into()),
        };
        let cleared = VerifyRecord::Cleared(Clearance {
            at: now(),
            engine: "datafusion".into(),
            feature_set: None,
        });
        log.append(&VerifyRecord::Disagreed(run.clone()))
            .expect("append");
        log.append(&cleared).expect("append");
        assert_eq!(
            log.read().expect("read"),
            vec![VerifyRecord::Disagreed(run), cleared]
        );
        std::fs::write(log.path(), "{\"outcome\": \"maybe\"}\n").expect("write");
        let error = log.read().expect_err("malformed");
        assert!(error.to_string().contains("line 1"), "{error}");
    }
}
