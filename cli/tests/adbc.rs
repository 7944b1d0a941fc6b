//! A real third-party client: the Python ADBC Flight SQL driver against the `switchyard serve`
//! binary. `scripts/adbc-venv.sh` makes (once) a virtualenv with `adbc-driver-flightsql` and
//! pyarrow; pytest runs `service/tests/adbc/test_adbc.py` against the server, which is then
//! stopped with SIGTERM and must exit cleanly.

mod common;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::Fixture;

const SERVICE: &str = "service:
  principals:
    analyst:
      token: analyst-token
      tables:
        cities: [name, country_id]
        countries: '*'
";

/// The query of the plan file the Python test runs (it checks the rows).
const PLAN_SQL: &str = "select name from cities where country_id = 2 order by name";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace folder")
        .to_path_buf()
}

/// Waits for `child` at most `limit`, killing it (by its handle) when it runs over.
fn wait_at_most(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The virtualenv's python, made by the project's script when missing.
fn venv_python(fixture: &Fixture) -> PathBuf {
    let log = fixture.path("venv.log");
    let mut child = Command::new(repository().join("scripts/adbc-venv.sh"))
        .stdout(Stdio::piped())
        .stderr(File::create(&log).expect("log file"))
        .spawn()
        .expect("runs scripts/adbc-venv.sh");
    let mut stdout = child.stdout.take().expect("stdout");
    let status = wait_at_most(&mut child, Duration::from_secs(900), "scripts/adbc-venv.sh");
    let mut path = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut path).expect("reads the python path");
    assert!(
        status.success(),
        "scripts/adbc-venv.sh failed:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    PathBuf::from(path.trim())
}

/// `switchyard serve` on a free port; killed by its handle if the test fails first.
struct Server {
    child: Child,
    port: u16,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(fixture: &Fixture) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard"))
            .current_dir(fixture.dir.path())
            .args([
                "serve",
                "--config",
                "switchyard.yaml",
                "--listen",
                "127.0.0.1:0",
            ])
            .env_remove("SWITCHYARD_CONFIG")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starts switchyard serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("reads the address");
        let port = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|address| address.rsplit(':').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("expected `listening on ADDRESS`, got {line:?}"));
        Self {
            child,
            port,
            _stdout: stdout,
        }
    }

    /// SIGTERM, then a clean exit within the shutdown grace.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("runs kill");
        assert!(sent.success(), "kill -TERM {pid}");
        let status = wait_at_most(&mut self.child, Duration::from_secs(40), "the server");
        assert!(
            status.success(),
            "the server exits cleanly on SIGTERM: {status}"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn the_adbc_flight_sql_driver_runs_sql_and_substrait_and_gets_readable_refusals() {
    let fixture = Fixture::new();
    let config = std::fs::read_to_string(fixture.config()).expect("configuration");
    fixture.write("switchyard.yaml", format!("{config}{SERVICE}").as_bytes());
    fixture
        .switchyard()
        .args(["plan", "--sql", PLAN_SQL, "-o", "plan.bin"])
        .assert()
        .success();
    let python = venv_python(&fixture);

    let server = Server::start(&fixture);
    let report = fixture.path("pytest.log");
    let mut pytest = Command::new(&python)
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(repository().join("service/tests/adbc/test_adbc.py"))
        .env(
            "SWITCHYARD_URI",
            format!("grpc://127.0.0.1:{}", server.port),
        )
        .env("SWITCHYARD_TOKEN", "analyst-token")
        .env("SWITCHYARD_PLAN", fixture.path("plan.bin"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdout(File::create(&report).expect("report file"))
        .stderr(Stdio::inherit())
        .spawn()
        .expect("runs pytest");
    let status = wait_at_most(&mut pytest, Duration::from_secs(300), "pytest");
    let output = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(status.success(), "the ADBC tests failed:\n{output}");
    assert!(output.contains("6 passed"), "{output}");
    server.stop();
}
