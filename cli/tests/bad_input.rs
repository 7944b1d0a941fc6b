//! Bad input gets one clear line on stderr and exit status 1, never a panic.

mod common;

use common::{Fixture, assert_one_line_error};

fn compile_plan(fixture: &Fixture, sql: &str, file: &str) -> std::path::PathBuf {
    let path = fixture.path(file);
    fixture
        .switchyard()
        .args(["plan", "--sql", sql, "-o"])
        .arg(&path)
        .assert()
        .success();
    path
}

#[test]
fn truncated_protobuf() {
    let fixture = Fixture::new();
    let plan = compile_plan(
        &fixture,
        "select name from cities where population > 300000",
        "p.bin",
    );
    let bytes = std::fs::read(&plan).expect("plan");
    let truncated = fixture.write("truncated.bin", &bytes[..bytes.len() / 2]);
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(truncated)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "not a Substrait protobuf plan");
}

#[test]
fn garbage_bytes() {
    let fixture = Fixture::new();
    // A fixed pseudo-random sequence, so the test is the same every run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let path = fixture.write("garbage.bin", &garbage);
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(path)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "plan decoding");
}

#[test]
fn empty_file() {
    let fixture = Fixture::new();
    let path = fixture.write("empty.bin", b"");
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(path)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "plan is empty");
}

#[test]
fn json_that_is_not_a_plan() {
    let fixture = Fixture::new();
    let broken = fixture.write("broken.json", br#"{"relations": [ {"root": 12} ]}"#);
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(broken)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "not a Substrait JSON plan");

    let unrelated = fixture.write("unrelated.json", br#"{"name": "not a plan"}"#);
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(unrelated)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "plan has no relations");
}

#[test]
fn unknown_table_in_sql() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["run", "--sql", "select * from towns"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "table 'datafusion.public.towns' not found");
}

#[test]
fn unknown_table_in_a_plan() {
    let fixture = Fixture::new();
    let plan = compile_plan(&fixture, "select name from countries", "p.json");
    let json = std::fs::read_to_string(&plan).expect("plan");
    assert!(json.contains("\"countries\""), "{json}");
    let renamed = fixture.write(
        "renamed.json",
        json.replace("\"countries\"", "\"nations\"").as_bytes(),
    );
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(renamed)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "nations");
}

#[test]
fn unknown_function_in_sql() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["run", "--sql", "select frobnicate(name) from cities"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "Invalid function 'frobnicate'");
}

#[test]
fn unknown_function_in_a_plan() {
    let fixture = Fixture::new();
    let plan = compile_plan(&fixture, "select upper(name) from cities", "p.json");
    let json = std::fs::read_to_string(&plan).expect("plan");
    assert!(json.contains("\"name\": \"upper\""), "{json}");
    let edited = fixture.write(
        "edited.json",
        json.replace("\"name\": \"upper\"", "\"name\": \"frobnicate\"")
            .as_bytes(),
    );
    let output = fixture
        .switchyard()
        .arg("run")
        .arg(edited)
        .output()
        .expect("runs");
    assert_one_line_error(&output, "frobnicate");
}

#[test]
fn missing_config_file() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["--config", "nowhere.yaml", "catalog"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "config file nowhere.yaml not found");
}

#[test]
fn malformed_config_file() {
    let fixture = Fixture::new();
    fixture.write("bad.yaml", b"engines:\n  big: { kind: oracle }\n");
    let output = fixture
        .switchyard()
        .args(["--config", "bad.yaml", "catalog"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "unknown variant `oracle`");
}

#[test]
fn config_naming_a_missing_file() {
    let fixture = Fixture::new();
    fixture.write(
        "gone.yaml",
        b"tables:\n  gone: { path: gone.parquet, format: parquet }\n",
    );
    let output = fixture
        .switchyard()
        .args(["--config", "gone.yaml", "catalog"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "table gone: cannot read");
}

#[test]
fn sql_syntax_error() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["plan", "--sql", "selec name from cities"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "Expected: an SQL statement, found: selec");
}

#[test]
fn statements_other_than_views_and_one_query() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args([
            "plan",
            "--sql",
            "insert into cities values (5, 'Nice', 1, 340000)",
        ])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "`INSERT INTO cities` is not supported");
    let output = fixture
        .switchyard()
        .args(["plan", "--sql", "select 1; select 2"])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "expected exactly one query, found 2");
}

#[test]
fn unknown_engine() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["run", "--engine", "duckdb", "--sql", "select 1"])
        .output()
        .expect("runs");
    assert_one_line_error(
        &output,
        "no engine named \"duckdb\"; configured engines: datafusion",
    );
}

#[test]
fn unknown_output_extension_writes_nothing() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args([
            "run",
            "--sql",
            "select * from cities",
            "--output",
            "out.xlsx",
        ])
        .output()
        .expect("runs");
    assert_one_line_error(&output, "unknown extension");
    assert!(!fixture.path("out.xlsx").exists());
}
