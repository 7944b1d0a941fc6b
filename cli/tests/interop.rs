//! `switchyard normalize` and `switchyard export` on the command line.

mod common;

use common::Fixture;
use serde_json::Value;

/// An Isthmus-style plan: upper-case names, extension URIs, a compound function name, and
/// column types that disagree with the CSV's (`ID` declared as a required i32).
const FOREIGN_PLAN: &str = r#"{
  "version": { "minorNumber": 54, "producer": "isthmus" },
  "extensionUris": [{ "extensionUriAnchor": 1, "uri": "/functions_comparison.yaml" }],
  "extensions": [{ "extensionFunction": {
    "extensionUriReference": 1, "functionAnchor": 0, "name": "gt:i32_i32"
  } }],
  "relations": [{ "root": { "input": { "filter": {
    "input": { "read": {
      "baseSchema": { "names": ["ID", "NAME"], "struct": { "types": [
        { "i32": { "nullability": "NULLABILITY_REQUIRED" } },
        { "string": { "nullability": "NULLABILITY_REQUIRED" } }
      ], "nullability": "NULLABILITY_REQUIRED" } },
      "projection": { "select": { "structItems": [{ "field": 0 }, { "field": 1 }] } },
      "namedTable": { "names": ["CITIES"] }
    } },
    "condition": { "scalarFunction": {
      "functionReference": 0,
      "outputType": { "bool": { "nullability": "NULLABILITY_REQUIRED" } },
      "arguments": [
        { "value": { "selection": { "directReference": { "structField": { "field": 0 } }, "rootReference": {} } } },
        { "value": { "literal": { "i32": 2 } } }
      ]
    } }
  } }, "names": ["ID", "NAME"] } }]
}"#;

#[test]
fn normalize_explains_the_passes_and_the_result_runs() {
    let fixture = Fixture::new();
    let input = fixture.write("isthmus.json", FOREIGN_PLAN.as_bytes());
    let output = fixture
        .switchyard()
        .args(["normalize", "--explain", "-o", "normalized.json"])
        .arg(&input)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("producer: isthmus"), "{stdout}");
    for pass in [
        "extension_uris_to_urns",
        "identifier_case",
        "read_types",
        "compound_function_names",
    ] {
        assert!(
            stdout.contains(&format!("pass {pass}:")),
            "{pass} missing from {stdout}"
        );
    }
    let normalized: Value =
        serde_json::from_slice(&std::fs::read(fixture.path("normalized.json")).expect("written"))
            .expect("JSON");
    assert_eq!(
        normalized["extensionUrns"][0]["urn"],
        "extension:io.substrait:functions_comparison"
    );
    assert_eq!(
        normalized["extensions"][0]["extensionFunction"]["name"],
        "gt"
    );
    // The CSV's id column is inferred as a nullable i64; the read now says so.
    let read = &normalized["relations"][0]["root"]["input"]["filter"]["input"]["read"];
    assert_eq!(read["namedTable"]["names"][0], "cities");
    assert_eq!(
        read["baseSchema"]["struct"]["types"][0],
        serde_json::json!({ "i64": { "nullability": "NULLABILITY_NULLABLE" } })
    );
    // Both the original and the normalized plan run, with the rows the SQL gives.
    for plan in ["isthmus.json", "normalized.json"] {
        let run = fixture
            .switchyard()
            .args(["run", plan, "--output", &format!("{plan}.csv")])
            .output()
            .expect("runs");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let csv = std::fs::read_to_string(fixture.path(&format!("{plan}.csv"))).expect("CSV");
        let mut lines: Vec<&str> = csv.lines().skip(1).collect();
        lines.sort_unstable();
        assert_eq!(lines, ["3,Paris", "4,Braga"], "{plan}: {csv}");
    }
}

#[test]
fn normalize_refuses_what_is_not_a_plan() {
    let fixture = Fixture::new();
    fixture.write("broken.json", b"{ \"relations\": 3 }");
    fixture.fails(&["normalize", "broken.json"], "broken.json");
}

#[test]
fn export_writes_constants_phases_and_uris() {
    let fixture = Fixture::new();
    let output = fixture
        .switchyard()
        .args([
            "export",
            "--for",
            "acero",
            "--sql",
            "select country_id, sum(population) as people from cities where population > 200000 \
             group by country_id order by country_id limit 1",
            "-o",
            "acero.json",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for pass in ["fetch_count", "aggregation_phase", "extension_uris"] {
        assert!(
            stderr.contains(&format!("pass {pass}:")),
            "{pass} missing: {stderr}"
        );
    }
    let text = std::fs::read_to_string(fixture.path("acero.json")).expect("written");
    let plan: Value = serde_json::from_str(&text).expect("JSON");
    assert!(!text.contains("countExpr"), "{text}");
    assert!(!text.contains("extensionUrn"), "{text}");
    assert!(text.contains("\"count\": \"1\""), "{text}");
    assert!(
        text.contains("AGGREGATION_PHASE_INITIAL_TO_RESULT"),
        "{text}"
    );
    let uris: Vec<&str> = plan["extensionUris"]
        .as_array()
        .expect("extension URIs")
        .iter()
        .filter_map(|uri| uri["uri"].as_str())
        .collect();
    assert!(
        uris.iter()
            .any(|uri| uri.ends_with("/functions_comparison.yaml")),
        "{uris:?}"
    );
    assert!(
        uris.iter()
            .any(|uri| uri.ends_with("/functions_arithmetic.yaml")),
        "{uris:?}"
    );
    let unknown = fixture
        .switchyard()
        .args(["export", "--for", "acero-9", "--sql", "select 1"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success());
    assert!(stderr.contains("unknown export target"), "{stderr}");
}

#[test]
fn export_reads_tables_missing_from_the_catalog_by_the_plans_own_schema() {
    let fixture = Fixture::new();
    let plan = FOREIGN_PLAN.replace("CITIES", "ELSEWHERE");
    std::fs::write(fixture.path("elsewhere.json"), plan).expect("write");
    let output = fixture
        .switchyard()
        .args([
            "export",
            "elsewhere.json",
            "--for",
            "duckdb-1.1",
            "-o",
            "out.json",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let text = std::fs::read_to_string(fixture.path("out.json")).expect("written");
    assert!(text.contains("\"ELSEWHERE\""), "{text}");
    assert!(text.contains("\"ID\""), "{text}");
}
