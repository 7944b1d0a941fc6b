//! A small catalog on disk for driving the `switchyard` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A folder with two CSV tables and a configuration naming them.
pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("cities.csv"),
            "id,name,country_id,population\n1,Lyon,1,522000\n2,Porto,2,232000\n3,Paris,1,2103000\n4,Braga,2,193000\n",
        )
        .expect("write csv");
        std::fs::write(
            dir.path().join("countries.csv"),
            "id,name\n1,France\n2,Portugal\n",
        )
        .expect("write csv");
        std::fs::write(
            dir.path().join("switchyard.yaml"),
            "tables:\n  cities: { path: cities.csv, format: csv }\n  countries: { path: countries.csv, format: csv }\n",
        )
        .expect("write config");
        Self { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn config(&self) -> PathBuf {
        self.path("switchyard.yaml")
    }

    /// The binary, run in the fixture's folder with its configuration.
    pub fn switchyard(&self) -> Command {
        let mut command = Command::cargo_bin("switchyard").expect("binary");
        command
            .current_dir(self.dir.path())
            .env_remove("SWITCHYARD_CONFIG")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs the binary with `args` and asserts it fails with one line containing `needle`.
    pub fn fails(&self, args: &[&str], needle: &str) {
        let output = self.switchyard().args(args).output().expect("runs");
        assert_one_line_error(&output, needle);
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }
}

/// Asserts that a failed run printed exactly one line, `error: ...` containing `needle`,
/// exited with status 1, and did not panic.
pub fn assert_one_line_error(output: &std::process::Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit status; stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(needle), "{needle:?} not in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
