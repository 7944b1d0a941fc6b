//! `switchyard engines`, `translate`, `load` and `run --engine` against real DuckDB (in the
//! process) and a real PostgreSQL server started by the project's script.

mod common;

use common::Fixture;
use switchyard_conformance::PgCluster;

fn with_engines(fixture: &Fixture, engines: &str) {
    let config = std::fs::read_to_string(fixture.config()).expect("config");
    std::fs::write(fixture.config(), format!("{config}engines:\n{engines}")).expect("write");
}

fn stdout_of(fixture: &Fixture, args: &[&str]) -> String {
    let output = fixture.switchyard().args(args).output().expect("runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

const BIG_CITIES: &str = "select name from cities where population > 300000 order by name";

#[test]
fn duckdb_lists_translates_and_runs() {
    let fixture = Fixture::new();
    with_engines(&fixture, "  duck: { kind: duckdb, threads: 1 }\n");

    let listing = stdout_of(&fixture, &["engines"]);
    for needle in [
        "duck",
        "duckdb",
        "datafusion",
        "reachable",
        "reads catalog files",
        "relations",
    ] {
        assert!(listing.contains(needle), "{needle:?} not in:\n{listing}");
    }

    let sql = stdout_of(
        &fixture,
        &["translate", "--engine", "duck", "--sql", BIG_CITIES],
    );
    assert!(
        sql.contains("FROM \"cities\"") && sql.contains("ORDER BY"),
        "{sql}"
    );

    let rows = stdout_of(&fixture, &["run", "--engine", "duck", "--sql", BIG_CITIES]);
    let lyon = rows.find("Lyon").expect("Lyon");
    let paris = rows.find("Paris").expect("Paris");
    assert!(lyon < paris && !rows.contains("Porto"), "{rows}");

    fixture.fails(
        &["translate", "--engine", "datafusion", "--sql", BIG_CITIES],
        "runs Substrait plans natively",
    );
    fixture.fails(&["load", "--engine", "duck"], "give it a `database` file");
    fixture.fails(
        &["translate", "--engine", "nope", "--sql", BIG_CITIES],
        "no engine named \"nope\"",
    );
}

#[test]
fn postgres_load_records_tables_and_a_stopped_server_shows_in_engines() {
    let fixture = Fixture::new();
    let cluster = PgCluster::start(&fixture.path("pg")).expect("PostgreSQL");
    with_engines(
        &fixture,
        &format!(
            "  pg: {{ kind: postgres, url: \"{}\", connect_timeout_ms: 2000 }}\n",
            cluster.url()
        ),
    );

    fixture.fails(
        &["run", "--engine", "pg", "--sql", BIG_CITIES],
        "does not hold table cities",
    );
    let output = fixture
        .switchyard()
        .args(["load", "--engine", "pg", "--tables", "cities"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("cities: 4 rows"), "{stderr}");
    let config = std::fs::read_to_string(fixture.config()).expect("config");
    assert!(
        config.contains("- cities"),
        "the config records the load:\n{config}"
    );

    let rows = stdout_of(&fixture, &["run", "--engine", "pg", "--sql", BIG_CITIES]);
    assert!(
        rows.contains("Lyon") && rows.contains("Paris") && !rows.contains("Porto"),
        "{rows}"
    );
    fixture.fails(
        &["run", "--engine", "pg", "--sql", "select * from countries"],
        "does not hold table countries",
    );
    fixture.fails(
        &["load", "--engine", "pg", "--tables", "towns"],
        "no table \"towns\"",
    );

    cluster.stop().expect("stop");
    let listing = stdout_of(&fixture, &["engines"]);
    assert!(listing.contains("unreachable"), "{listing}");
    fixture.fails(
        &["run", "--engine", "pg", "--sql", BIG_CITIES],
        "engine pg is unreachable",
    );
}

#[test]
fn duckdb_with_a_database_file_loads_and_reloads_tables() {
    let fixture = Fixture::new();
    with_engines(
        &fixture,
        "  duckfile: { kind: duckdb, database: local.duckdb, threads: 1 }\n",
    );
    for _ in 0..2 {
        let output = fixture
            .switchyard()
            .args(["load", "--engine", "duckfile"])
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(
            stderr.contains("cities: 4 rows") && stderr.contains("countries: 2 rows"),
            "{stderr}"
        );
    }
    let config = std::fs::read_to_string(fixture.config()).expect("config");
    assert!(
        config.contains("- cities") && config.contains("- countries"),
        "{config}"
    );
    // The loaded copy answers, not a view over the CSV: change the file and the answer stays.
    std::fs::write(
        fixture.path("cities.csv"),
        "id,name,country_id,population\n9,Nowhere,1,1\n",
    )
    .expect("write");
    let rows = stdout_of(
        &fixture,
        &["run", "--engine", "duckfile", "--sql", BIG_CITIES],
    );
    assert!(rows.contains("Lyon") && rows.contains("Paris"), "{rows}");
}
