//! `switchyard features`, `explain`, `calibrate` and routed `run` through the binary.

mod common;

use common::Fixture;
use predicates::prelude::*;

const JOIN: &str = "select c.name, k.name from cities c join countries k on c.country_id = k.id where c.population > 200000";

#[test]
fn features_lists_relations_functions_and_tables() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args(["features", "--json", "--sql", JOIN])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let features: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        features["tables"],
        serde_json::json!(["cities", "countries"])
    );
    let relations: Vec<&str> = features["relations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["relation"].as_str().expect("name"))
        .collect();
    assert!(
        relations.contains(&"JOIN") && relations.contains(&"READ"),
        "{relations:?}"
    );
    let gt = features["functions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|f| f["name"] == "gt")
        .expect("the population filter");
    assert_eq!(
        gt["arguments"],
        serde_json::json!([{ "value": "I64" }, { "value": "I64" }])
    );
    fixture
        .switchyard()
        .args(["features", "--sql", JOIN])
        .assert()
        .success()
        .stdout(predicate::str::contains("JOIN INNER"))
        .stdout(predicate::str::contains("tables: cities, countries"));
}

#[test]
fn explain_names_every_engine_and_run_follows_it() {
    let fixture = Fixture::new();
    std::fs::write(
        fixture.config(),
        "tables:\n  cities: { path: cities.csv, format: csv }\n  countries: { path: countries.csv, format: csv }\n\
         engines:\n  datafusion: { kind: datafusion }\n  duck: { kind: duckdb }\n\
         routing:\n  rules:\n  - { pin: duck, tables: [countries] }\n",
    )
    .expect("config");
    let output = fixture
        .switchyard()
        .args(["explain", "--json", "--sql", JOIN])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let decision: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(decision["chosen"], "duck");
    assert_eq!(
        decision["reason"],
        "pinned by rule 1 (pin to duck for tables countries)"
    );
    let engines: Vec<&str> = decision["candidates"]
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["engine"].as_str().expect("name"))
        .collect();
    assert_eq!(engines, ["duck", "datafusion"]);
    fixture
        .switchyard()
        .args(["run", "--explain", "--sql", JOIN])
        .assert()
        .success()
        .stdout(predicate::str::contains("Paris"))
        .stderr(predicate::str::contains(
            "on duck (duckdb): pinned by rule 1",
        ))
        .stderr(predicate::str::contains("tried duck: ran"));
    // A misspelt engine in a rule is a one-line error naming it.
    std::fs::write(
        fixture.config(),
        "tables:\n  cities: { path: cities.csv, format: csv }\nrouting:\n  rules:\n  - { forbid: [duckk], tables: [cities] }\n",
    )
    .expect("config");
    fixture.fails(
        &["explain", "--sql", "select 1"],
        "routing rule 1: no engine \"duckk\"",
    );
}

#[test]
fn calibrate_writes_profiles_into_the_configuration() {
    let fixture = Fixture::new();
    fixture
        .switchyard()
        .args(["calibrate", "--runs", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("datafusion"))
        .stderr(predicate::str::contains("wrote the profiles"));
    let text = std::fs::read_to_string(fixture.config()).expect("config");
    let config: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    let profile = &config["routing"]["engines"]["datafusion"]["profile"];
    for field in [
        "startup_ms",
        "scan_mb_per_s",
        "row_ns",
        "result_row_ns",
        "transfer_mb_per_s",
    ] {
        let value = profile[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field} in {text}"));
        assert!(value > 0.0, "{field}: {value}");
    }
    // The written configuration opens and routes with the measured profile.
    fixture
        .switchyard()
        .args(["explain", "--sql", JOIN])
        .assert()
        .success()
        .stdout(predicate::str::contains("chosen: datafusion"));
}
