//! The commands a user types, end to end through the binary.

mod common;

use common::Fixture;
use datafusion::arrow::ipc::reader::FileReader;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use predicates::prelude::*;

const BIG_CITIES: &str = "select c.name, k.name as country from cities c join countries k on c.country_id = k.id where c.population > 300000 order by c.name";

#[test]
fn catalog_lists_schema_and_row_counts() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .arg("catalog")
        .assert()
        .success()
        .stdout(predicate::str::contains("cities"))
        .stdout(predicate::str::contains("population Int64"))
        .stdout(predicate::str::is_match(r"countries\s*┆\s*2\s*┆\s*csv").expect("regex"));
}

#[test]
fn plan_then_run_binary_and_json() {
    let fixture = Fixture::new();
    for file in ["big.bin", "big.json"] {
        fixture
            .switchyard()
            .args(["plan", "--sql", BIG_CITIES, "-o", file])
            .assert()
            .success();
        let bytes = std::fs::read(fixture.path(file)).expect("plan");
        assert_eq!(
            bytes.first() == Some(&b'{'),
            file.ends_with(".json"),
            "{file} encoding"
        );
        fixture
            .switchyard()
            .args(["run", file])
            .assert()
            .success()
            .stdout(
                predicate::str::is_match(r"(?s)Lyon\s*\|\s*France.*Paris\s*\|\s*France")
                    .expect("regex"),
            )
            .stdout(predicate::str::contains("Porto").not());
    }
}

#[test]
fn plan_is_stamped_with_our_producer() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .args(["plan", "--sql", "select count(*) from cities"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "\"producer\": \"switchyard {}\"",
            env!("CARGO_PKG_VERSION")
        )));
}

#[test]
fn binary_plan_is_not_printed_as_text_to_a_pipe_by_default() {
    let fixture = Fixture::new();
    // Standard output is a pipe here, so an explicit binary plan goes through unchanged.
    let output = fixture
        .switchyard()
        .args(["plan", "--format", "binary", "--sql", "select 1"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(!output.stdout.is_empty() && output.stdout[0] != b'{');
}

#[test]
fn query_file_with_views_is_inlined() {
    let fixture = Fixture::new();
    fixture.write(
        "views.sql",
        b"create view big (city, people) as select name, population from cities where population > 300000;\n\
          select city from big where people = (select max(people) from big);\n\
          drop view big;\n",
    );
    fixture
        .switchyard()
        .args(["plan", "--sql-file", "views.sql", "-o", "views.json"])
        .assert()
        .success();
    let json = std::fs::read_to_string(fixture.path("views.json")).expect("plan");
    assert!(
        json.contains("\"cities\""),
        "the view's table is read directly"
    );
    assert!(
        !json.contains("\"big\""),
        "no reference to the view remains"
    );
    fixture
        .switchyard()
        .args(["run", "views.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Paris"))
        .stdout(predicate::str::contains("Lyon").not());
}

#[test]
fn dialects() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .args([
            "run",
            "--dialect",
            "postgres",
            "--sql",
            "select name::varchar as n from cities where name ilike 'p%' order by n",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"(?s)Paris.*Porto").expect("regex"));
    fixture
        .switchyard()
        .args([
            "run",
            "--dialect",
            "mysql",
            "--sql",
            "select `name` from `cities` where id = 4",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Braga"));
    fixture
        .switchyard()
        .args([
            "run",
            "--dialect",
            "duckdb",
            "--sql",
            "select name from cities order by population desc limit 1",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Paris"));
    fixture
        .switchyard()
        .args(["run", "--dialect", "oracle", "--sql", "select 1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown SQL dialect"));
}

#[test]
fn output_formats_hold_the_rows() {
    let fixture = Fixture::new();
    let run = |file: &str| {
        fixture
            .switchyard()
            .args(["run", "--sql", BIG_CITIES, "--output", file])
            .assert()
            .success()
            .stderr(predicate::str::contains(format!("wrote 2 rows to {file}")));
    };
    run("out.csv");
    let csv = std::fs::read_to_string(fixture.path("out.csv")).expect("csv");
    assert_eq!(csv, "name,country\nLyon,France\nParis,France\n");

    run("out.json");
    let json = std::fs::read_to_string(fixture.path("out.json")).expect("json");
    assert_eq!(
        json,
        r#"[{"name":"Lyon","country":"France"},{"name":"Paris","country":"France"}]"#
    );

    run("out.parquet");
    let file = std::fs::File::open(fixture.path("out.parquet")).expect("parquet");
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("reader")
        .build()
        .expect("reader");
    let rows: usize = reader.map(|b| b.expect("batch").num_rows()).sum();
    assert_eq!(rows, 2);

    run("out.arrow");
    let file = std::fs::File::open(fixture.path("out.arrow")).expect("arrow");
    let reader = FileReader::try_new(file, None).expect("reader");
    assert_eq!(reader.schema().field(1).name(), "country");
    let rows: usize = reader.map(|b| b.expect("batch").num_rows()).sum();
    assert_eq!(rows, 2);
}

#[test]
fn empty_result_to_json_is_an_empty_array() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .args([
            "run",
            "--sql",
            "select name from cities where 1 = 0",
            "--output",
            "none.json",
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(fixture.path("none.json")).expect("json"),
        "[]"
    );
}

#[test]
fn datagen_and_demo() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .args(["datagen", "tpch", "--scale", "0.01", "--out", "tpch"])
        .assert()
        .success();
    let config = std::fs::read_to_string(fixture.path("tpch/switchyard.yaml")).expect("config");
    for table in switchyard_conformance::TPCH_TABLES {
        assert!(
            config.contains(&format!("path: {table}.parquet")),
            "{config}"
        );
        assert!(fixture.path(&format!("tpch/{table}.parquet")).is_file());
    }
    fixture
        .switchyard()
        .args([
            "--config",
            "tpch/switchyard.yaml",
            "run",
            "--sql",
            "select count(*) as n from orders",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("15000"));
    // The demo reuses data that is there.
    fixture
        .switchyard()
        .args(["demo", "--data", "tpch", "--scale", "0.01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TPC-H q1"))
        .stdout(predicate::str::contains("TPC-H q4"))
        .stdout(predicate::str::contains("1-URGENT"))
        // Every demo query also ran on DuckDB and agreed with DataFusion.
        .stdout(predicate::str::contains("DIFFERENT").not())
        .stdout(predicate::function(|out: &str| {
            out.matches("on DuckDB (translated to its SQL)").count() == 4
                && out.matches("the same rows as DataFusion").count() == 4
        }));
}

#[test]
fn bad_scale_is_refused() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["datagen", "tpch", "--scale", "0", "--out", "x"])
        .output()
        .expect("runs");
    common::assert_one_line_error(&output, "scale factor must be a positive number");
}
