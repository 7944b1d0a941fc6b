//! An independent check of the producer's type derivation against the spec's own expectations:
//! every case in `substrait-tests/tests/cases` that expects a value states that value's type, so
//! the result type derived from the case's argument types (through the extension YAMLs' return
//! programs) must be that type.
//!
//! Nullability: the test files write `?` rarely, so a non-null expected value without `?` leaves
//! nullability open; a `?` or a null expected value states that the result is nullable, and is
//! checked.
//!
//! Disagreements are pinned below with the reason, so a new one fails the test, and so does one
//! that goes away.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use switchyard_conformance::corpus::corpus_dir;
use switchyard_conformance::function_tests::{
    Argument as CaseArgument, DataType, Expected, Literal, TestCase, TestFile, TestKind, case_type,
    extension_urn, parse_test_file,
};
use switchyard_producer::type_derivation::binding::same_ignoring_nullability;
use switchyard_producer::type_derivation::{
    Argument, ConcreteType, FunctionKind, FunctionQuery, FunctionRegistry, ResolveError,
};

/// Cases whose derived type differs from the stated one, or that do not resolve: `path:line`
/// (the key), then the reason, saying which side is at fault.
const EXPECTED_DISAGREEMENTS: &[&str] = &[
    // --- The test file is at fault: `extract` components the YAML does not declare. The YAML's
    // two-argument impls take YEAR, ISO_YEAR, US_YEAR, HOUR, MINUTE, SECOND, MILLISECOND,
    // MICROSECOND, SUBSECOND, UNIX_TIME (...); QUARTER, MONTH, DAY, DAY_OF_YEAR, the week
    // components and the day-of-week components need a third, `indexing` (ONE/ZERO) argument.
    "datetime/extract.test:6 test file: `ISOYEAR`; the YAML spells it ISO_YEAR",
    "datetime/extract.test:7 test file: QUARTER needs the `indexing` argument",
    "datetime/extract.test:8 test file: MONTH needs the `indexing` argument",
    "datetime/extract.test:9 test file: `WEEK`; the YAML has ISO_WEEK, US_WEEK, ...",
    "datetime/extract.test:10 test file: DAY needs the `indexing` argument",
    "datetime/extract.test:11 test file: `ISODOW`; the YAML has MONDAY_DAY_OF_WEEK",
    "datetime/extract.test:12 test file: `DOW`; the YAML has SUNDAY_DAY_OF_WEEK",
    "datetime/extract.test:13 test file: `DOY`; the YAML has DAY_OF_YEAR (with indexing)",
    "datetime/extract.test:17 test file: `MILLISECONDS`; the YAML spells it MILLISECOND",
    "datetime/extract.test:18 test file: `MICROSECONDS`; the YAML spells it MICROSECOND",
    "datetime/extract.test:19 test file: `EPOCH`; the YAML calls it UNIX_TIME",
    "datetime/extract.test:23 test file: MONTH of a date needs the `indexing` argument",
    "datetime/extract.test:24 test file: DAY of a date needs the `indexing` argument",
    // --- The test file is at fault: wrong result types.
    "comparison/nullif.test:21 test file: nullif returns any1 (its first argument's type, dec<38,0>), not bool",
    "arithmetic_decimal/sum_decimal.test:7 test file: sum(dec<2,1>) is DECIMAL?<38,S> = dec<38,1>; the case states dec<38,2>",
    // --- The YAML is at fault: MIRROR nullability (the default) makes the result nullable
    // only when an argument is, but these options (on_domain_error NONE/NAN/NULL,
    // on_division_by_zero NAN, on_log_zero NAN) return null for non-null arguments, so the
    // declared nullability cannot hold. The result type is right; its nullability is not.
    "arithmetic/acosh.test:12 YAML: acosh on_domain_error:NONE returns null; MIRROR",
    "arithmetic/divide.test:11 YAML: divide on_division_by_zero:NAN returns null (i8)",
    "arithmetic/modulus.test:15 YAML: modulus on_domain_error:NULL returns null; MIRROR",
    "arithmetic/sqrt.test:7 YAML: sqrt on_domain_error:NAN returns null; MIRROR",
    "arithmetic/sqrt.test:8 YAML: sqrt on_domain_error:NAN returns null; MIRROR",
    "logarithmic/ln.test:12 YAML: ln on_domain_error:NONE returns null; MIRROR",
    "logarithmic/ln.test:17 YAML: ln on_log_zero:NAN returns null; MIRROR",
    "logarithmic/log10.test:12 YAML: log10 on_domain_error:NONE returns null; MIRROR",
    "logarithmic/log10.test:17 YAML: log10 on_log_zero:NAN returns null; MIRROR",
    "logarithmic/log2.test:13 YAML: log2 on_domain_error:NONE returns null; MIRROR",
    "logarithmic/log2.test:18 YAML: log2 on_log_zero:NAN returns null; MIRROR",
    "logarithmic/logb.test:13 YAML: logb on_domain_error:NONE returns null; MIRROR",
    "logarithmic/logb.test:17 YAML: logb on_log_zero:NAN returns null; MIRROR",
];

fn cases_dir() -> PathBuf {
    corpus_dir()
        .expect("the shared corpus")
        .join("substrait-tests/tests/cases")
}

fn test_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            test_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "test") {
            out.push(path);
        }
    }
}

/// A case argument's type as a query argument: its stated type, nullable when it says `?` or
/// the value is null (a table column holding a null is nullable, as case plans make it).
fn argument(case: &TestCase, argument: &CaseArgument) -> Result<Argument, String> {
    let data_type = match argument {
        CaseArgument::Value(v) => DataType {
            kind: v.data_type.kind.clone(),
            nullable: v.data_type.nullable || v.value == Literal::Null,
        },
        CaseArgument::Column { index, data_type } => DataType {
            kind: data_type.kind.clone(),
            nullable: data_type.nullable
                || case.table.as_ref().is_some_and(|table| {
                    table
                        .rows
                        .iter()
                        .any(|row| matches!(row.get(*index), Some(Literal::Null)))
                }),
        },
        CaseArgument::Parameter(name) => return Err(format!("lambda parameter `{name}`")),
    };
    case_type(&data_type)
        .map(Argument::Value)
        .map_err(|e| e.to_string())
}

/// The test format writes enumeration arguments as string literals (`extract('YEAR'::str,
/// ...)`); these arguments as enumeration values instead.
fn as_enums(case: &TestCase, arguments: &[Argument]) -> Vec<Argument> {
    case.arguments
        .iter()
        .zip(arguments)
        .map(|(written, derived)| match written {
            CaseArgument::Value(v) => match &v.value {
                Literal::String(text) => Argument::Enum(text.clone()),
                _ => derived.clone(),
            },
            _ => derived.clone(),
        })
        .collect()
}

fn resolve(
    urn: Option<&str>,
    case: &TestCase,
    arguments: &[Argument],
) -> Result<ConcreteType, ResolveError> {
    let kind = match case.kind {
        TestKind::Scalar => FunctionKind::Scalar,
        TestKind::Aggregate => FunctionKind::Aggregate,
    };
    let query = |arguments: &[Argument]| {
        FunctionRegistry::standard()
            .resolve(&FunctionQuery {
                urn,
                name: &case.function,
                kind,
                arguments,
            })
            .map(|r| ConcreteType::from_proto(&r.output_type).expect("derived types read back"))
    };
    match query(arguments) {
        Err(ResolveError::NoMatchingImpl { .. }) => {
            let enums = as_enums(case, arguments);
            match query(&enums) {
                Ok(t) => Ok(t),
                // Report the first attempt's reasons: the arguments as written.
                Err(_) => query(arguments),
            }
        }
        other => other,
    }
}

#[derive(Default)]
struct Tally {
    files: usize,
    cases: usize,
    value_cases: usize,
    not_expressible: BTreeMap<String, usize>,
    agree: usize,
    nullability_stated: usize,
    nullability_agree: usize,
    without_urn_agree: usize,
    without_urn_ambiguous: usize,
    disagreements: BTreeMap<String, String>,
}

#[test]
fn derived_result_types_match_the_spec_test_cases() {
    let root = cases_dir();
    let mut paths = Vec::new();
    test_files(&root, &mut paths);
    let mut tally = Tally::default();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable test file");
        let relative = path
            .strip_prefix(&root)
            .expect("under the cases folder")
            .display()
            .to_string();
        let file: TestFile =
            parse_test_file(&text).unwrap_or_else(|e| panic!("{relative} parses: {e}"));
        tally.files += 1;
        let [include] = file.include.as_slice() else {
            panic!("{relative}: one include expected");
        };
        let urn = extension_urn(include).expect("an extension URN");
        for case in &file.cases {
            tally.cases += 1;
            let Expected::Value(expected) = &case.expected else {
                continue;
            };
            tally.value_cases += 1;
            let key = format!("{relative}:{}", case.line);
            let arguments: Result<Vec<Argument>, String> =
                case.arguments.iter().map(|a| argument(case, a)).collect();
            let expected_nullable = expected.data_type.nullable || expected.value == Literal::Null;
            let expected_type = case_type(&DataType {
                kind: expected.data_type.kind.clone(),
                nullable: expected_nullable,
            })
            .map_err(|e| e.to_string());
            let (arguments, expected_type) = match (arguments, expected_type) {
                (Ok(a), Ok(t)) => (a, ConcreteType::from_proto(&t).expect("a case type reads")),
                (Err(reason), _) | (_, Err(reason)) => {
                    // Lambdas and user-defined types: a query cannot state these arguments.
                    *tally.not_expressible.entry(reason).or_default() += 1;
                    continue;
                }
            };
            let call = format!(
                "{}({}) = {}",
                case.function,
                case.arguments
                    .iter()
                    .map(|a| match a {
                        CaseArgument::Value(v) => v.data_type.to_string(),
                        CaseArgument::Column { data_type, .. } => data_type.to_string(),
                        CaseArgument::Parameter(p) => p.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                expected.data_type
            );
            match resolve(Some(&urn), case, &arguments) {
                Ok(derived) if same_ignoring_nullability(&derived, &expected_type) => {
                    tally.agree += 1;
                    if expected_nullable {
                        tally.nullability_stated += 1;
                        if derived.nullable {
                            tally.nullability_agree += 1;
                        } else {
                            tally.disagreements.insert(
                                key.clone(),
                                format!("{call}: derived `{derived}` is not nullable"),
                            );
                        }
                    }
                    // The same call without a URN, as DataFusion's plans make it.
                    match resolve(None, case, &arguments) {
                        Ok(t) if same_ignoring_nullability(&t, &derived) => {
                            tally.without_urn_agree += 1
                        }
                        Err(ResolveError::Ambiguous { .. }) => tally.without_urn_ambiguous += 1,
                        other => panic!("{key} {call}: without a URN gives {other:?}"),
                    }
                }
                Ok(derived) => {
                    tally
                        .disagreements
                        .insert(key, format!("{call}: derived `{derived}`"));
                }
                Err(error) => {
                    tally.disagreements.insert(key, format!("{call}: {error}"));
                }
            }
        }
    }
    let not_expressible: usize = tally.not_expressible.values().sum();
    eprintln!(
        "{} files, {} cases, {} expect a value: {} not expressible as proto arguments {:?}; \
         of the {} compared, {} agree on the type; {} pinned disagreements (type, nullability or \
         no resolution). The file states a nullable result in {} of the agreeing cases; derived \
         nullable in {}. Without a URN: {} give the same type, {} are ambiguous.",
        tally.files,
        tally.cases,
        tally.value_cases,
        not_expressible,
        tally.not_expressible,
        tally.value_cases - not_expressible,
        tally.agree,
        tally.disagreements.len(),
        tally.nullability_stated,
        tally.nullability_agree,
        tally.without_urn_agree,
        tally.without_urn_ambiguous,
    );
    for (key, what) in &tally.disagreements {
        eprintln!("  {key}  {what}");
    }
    let found: Vec<&str> = tally.disagreements.keys().map(String::as_str).collect();
    let mut pinned: Vec<&str> = EXPECTED_DISAGREEMENTS
        .iter()
        .map(|entry| entry.split_once(' ').map_or(*entry, |(key, _)| key))
        .collect();
    pinned.sort_unstable();
    assert_eq!(found, pinned, "disagreements changed");
    assert!(tally.agree > 0);
}
