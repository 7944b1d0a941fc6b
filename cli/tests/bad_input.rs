//! Bad input gets one clear line on stderr and exit status 1, never a panic.

mod common;

use std::path::Path;

use common::Fixture;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

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
    fixture.fails(
        &["run", path_str(&truncated)],
        "not a Substrait protobuf plan",
    );
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
    fixture.fails(&["run", path_str(&path)], "plan decoding");
}

#[test]
fn empty_file() {
    let fixture = Fixture::new();
    let path = fixture.write("empty.bin", b"");
    fixture.fails(&["run", path_str(&path)], "plan is empty");
}

#[test]
fn json_that_is_not_a_plan() {
    let fixture = Fixture::new();
    let broken = fixture.write("broken.json", br#"{"relations": [ {"root": 12} ]}"#);
    fixture.fails(&["run", path_str(&broken)], "not a Substrait JSON plan");

    let unrelated = fixture.write("unrelated.json", br#"{"name": "not a plan"}"#);
    // Not a plan's field: refused by name before anything else.
    fixture.fails(
        &["run", path_str(&unrelated)],
        "unknown field \"name\" at the plan's top level",
    );
}

#[test]
fn unknown_table_in_sql() {
    let fixture = Fixture::new();
    fixture.fails(
        &["run", "--sql", "select * from towns"],
        "table 'datafusion.public.towns' not found",
    );
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
    fixture.fails(&["run", path_str(&renamed)], "nations");
}

#[test]
fn unknown_function_in_sql() {
    let fixture = Fixture::new();
    fixture.fails(
        &["run", "--sql", "select frobnicate(name) from cities"],
        "Invalid function 'frobnicate'",
    );
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
    fixture.fails(&["run", path_str(&edited)], "frobnicate");
}

#[test]
fn missing_config_file() {
    let fixture = Fixture::new();
    fixture.fails(
        &["--config", "nowhere.yaml", "catalog"],
        "config file nowhere.yaml not found",
    );
}

#[test]
fn malformed_config_file() {
    let fixture = Fixture::new();
    fixture.write("bad.yaml", b"engines:\n  big: { kind: oracle }\n");
    fixture.fails(
        &["--config", "bad.yaml", "catalog"],
        "unknown variant `oracle`",
    );
}

#[test]
fn config_naming_a_missing_file() {
    let fixture = Fixture::new();
    fixture.write(
        "gone.yaml",
        b"tables:\n  gone: { path: gone.parquet, format: parquet }\n",
    );
    fixture.fails(
        &["--config", "gone.yaml", "catalog"],
        "table gone: cannot read",
    );
}

#[test]
fn sql_syntax_error() {
    let fixture = Fixture::new();
    fixture.fails(
        &["plan", "--sql", "selec name from cities"],
        "Expected: an SQL statement, found: selec",
    );
}

#[test]
fn statements_other_than_views_and_one_query() {
    let fixture = Fixture::new();
    fixture.fails(
        &[
            "plan",
            "--sql",
            "insert into cities values (5, 'Nice', 1, 340000)",
        ],
        "`INSERT INTO cities` is not supported",
    );
    fixture.fails(
        &["plan", "--sql", "select 1; select 2"],
        "expected exactly one query, found 2",
    );
}

#[test]
fn unknown_engine() {
    let fixture = Fixture::new();
    fixture.fails(
        &["run", "--engine", "duckdb", "--sql", "select 1"],
        "no engine named \"duckdb\"; configured engines: datafusion",
    );
}

#[test]
fn unknown_output_extension_writes_nothing() {
    let fixture = Fixture::new();
    fixture.fails(
        &[
            "run",
            "--sql",
            "select * from cities",
            "--output",
            "out.xlsx",
        ],
        "unknown extension",
    );
    assert!(!fixture.path("out.xlsx").exists());
}

/// Edits a JSON plan of a sorted query; datafusion-substrait 55 panics on both edits.
fn edited_sort_plan(fixture: &Fixture, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    let plan = compile_plan(
        fixture,
        "select name from cities order by name",
        "sorted.json",
    );
    let json = std::fs::read_to_string(plan).expect("plan");
    let edited = edit(&json);
    assert_ne!(edited, json, "the edit must change the plan");
    fixture.write("edited.json", edited.as_bytes())
}

#[test]
fn sort_without_direction_is_an_error_not_a_panic() {
    let fixture = Fixture::new();
    let path = edited_sort_plan(&fixture, |json| {
        json.replace(
            "\"direction\": \"SORT_DIRECTION_ASC_NULLS_LAST\"",
            "\"direction\": \"SORT_DIRECTION_UNSPECIFIED\"",
        )
    });
    fixture.fails(&["run", path_str(&path)], "malformed plan");
}

#[test]
fn field_reference_out_of_range_is_refused_with_its_path() {
    let fixture = Fixture::new();
    let path = edited_sort_plan(&fixture, |json| {
        json.replace("\"field\": 1", "\"field\": 99")
    });
    let output = fixture
        .switchyard()
        .args(["run", path_str(&path)])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Validation resolves every reference on entry, so no engine sees the plan.
    assert!(
        stderr.contains(
            "the plan is invalid: sort/project/expressions[0]: references field 99, but its \
             input has 4 columns"
        ),
        "{stderr}"
    );
}
