//! The Substrait function suite on the embedded engine: a real test file from the spec, run
//! case by case, where a wrong answer is a failing case with its difference, never a pass.

mod common;

use switchyard_conformance::corpus::corpus_dir;
use switchyard_conformance::function_tests::{CaseOutcome, parse_test_file, run_file};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_cases_pass_and_overflow_options_datafusion_ignores_fail() {
    let switchyard = common::tpch_sf001().await;
    let engine = switchyard.engine_for(Some("datafusion")).expect("engine");
    let path = corpus_dir()
        .expect("corpus")
        .join("substrait-tests/tests/cases/arithmetic/add.test");
    let text = std::fs::read_to_string(&path).expect("add.test");
    let file = parse_test_file(&text).expect("parses");
    let records = run_file(&engine, "arithmetic/add.test", &file).await;
    assert_eq!(records.len(), file.cases.len());
    let outcome = |line: usize| {
        &records
            .iter()
            .find(|r| r.line == line)
            .unwrap_or_else(|| panic!("no case on line {line}"))
            .outcome
    };
    // `add(2000000000::i64, 2000000000::i64) = 4000000000::i64`
    assert_eq!(outcome(8), &CaseOutcome::Pass);
    // `add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>`: DataFusion wraps around instead.
    assert_eq!(
        outcome(11),
        &CaseOutcome::Fail {
            difference: "expected an error, got -126 (Int8)".to_string()
        }
    );
    // `[overflow:SATURATE] = 127::i8`: a wrong value is a failure that shows both values.
    assert_eq!(
        outcome(15),
        &CaseOutcome::Fail {
            difference: "expected 127::i8, got -126 (Int8)".to_string()
        }
    );
    let passes = records
        .iter()
        .filter(|r| r.outcome == CaseOutcome::Pass)
        .count();
    // 15 cases: 9 plain additions pass; the 6 overflow-option cases fail (results.json of
    // `switchyard conformance` on this build).
    assert_eq!(passes, 9, "{records:#?}");
    assert_eq!(records.len(), 15);
}
