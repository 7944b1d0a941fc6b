//! Plans for inline cases, and for every case of the Substrait corpus.

use std::path::{Path, PathBuf};

use switchyard_producer::substrait::proto::expression::literal::interval_day_to_second::PrecisionMode;
use switchyard_producer::substrait::proto::expression::literal::{
    Decimal, IntervalDayToSecond, LiteralType, PrecisionTimestamp,
};
use switchyard_producer::substrait::proto::r#type::Kind;

use super::*;
use crate::function_tests::parse_test_file;

const SCALAR_HEADER: &str = "### SUBSTRAIT_SCALAR_TEST: v1.0\n\
    ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n";
const AGGREGATE_HEADER: &str = "### SUBSTRAIT_AGGREGATE_TEST: v1.0\n\
    ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/substrait-tests")
}

/// The plan of the one case in `body`.
fn plan_of(header: &str, body: &str) -> Result<Plan, PlanError> {
    let file = parse_test_file(&format!("{header}{body}\n")).expect("the case parses");
    assert_eq!(file.cases.len(), 1, "{body}");
    case_plan(&file.cases[0], &file.include)
}

fn function_name(plan: &Plan) -> &str {
    match &plan.extensions[0].mapping_type {
        Some(MappingType::ExtensionFunction(function)) => &function.name,
        other => panic!("expected a function declaration, got {other:?}"),
    }
}

fn root(plan: &Plan) -> &RelRoot {
    match &plan.relations[0].rel_type {
        Some(plan_rel::RelType::Root(root)) => root,
        other => panic!("expected a root, got {other:?}"),
    }
}

fn root_input(plan: &Plan) -> &RelType {
    root(plan)
        .input
        .as_ref()
        .and_then(|input| input.rel_type.as_ref())
        .expect("the root has an input")
}

fn scalar_call(plan: &Plan) -> (&ProjectRel, &ScalarFunction) {
    let RelType::Project(project) = root_input(plan) else {
        panic!("expected a project");
    };
    let Some(RexType::ScalarFunction(function)) = &project.expressions[0].rex_type else {
        panic!("expected a scalar function");
    };
    (&**project, function)
}

fn literal_arg(argument: &FunctionArgument) -> &ProtoLiteral {
    match &argument.arg_type {
        Some(ArgType::Value(Expression {
            rex_type: Some(RexType::Literal(literal)),
        })) => literal,
        other => panic!("expected a literal argument, got {other:?}"),
    }
}

fn kind(data_type: Option<&Type>) -> Option<&Kind> {
    data_type.and_then(|data_type| data_type.kind.as_ref())
}

const REQUIRED: i32 = Nullability::Required as i32;
const NULLABLE: i32 = Nullability::Nullable as i32;

#[test]
fn a_scalar_call_with_an_option() {
    let plan = plan_of(
        SCALAR_HEADER,
        "add(120::i8, 10::i8) [overflow:SATURATE] = 127::i8",
    )
    .expect("a plan");
    assert_eq!(
        plan.extension_urns,
        vec![SimpleExtensionUrn {
            extension_urn_anchor: 1,
            urn: "extension:io.substrait:functions_arithmetic".to_string(),
        }]
    );
    assert_eq!(function_name(&plan), "add:i8_i8");
    assert_eq!(root(&plan).names, vec![RESULT_COLUMN.to_string()]);

    let (project, function) = scalar_call(&plan);
    assert_eq!(
        project
            .common
            .as_ref()
            .and_then(|common| common.emit_kind.clone()),
        Some(EmitKind::Emit(Emit {
            output_mapping: vec![0]
        }))
    );
    let Some(RelType::Read(read)) = project
        .input
        .as_ref()
        .and_then(|input| input.rel_type.as_ref())
    else {
        panic!("expected a read under the project");
    };
    let Some(ReadType::VirtualTable(values)) = &read.read_type else {
        panic!("expected a virtual table");
    };
    assert_eq!(values.expressions, vec![nested::Struct::default()]);

    assert_eq!(function.function_reference, 1);
    assert_eq!(
        function.options,
        vec![FunctionOption {
            name: "overflow".to_string(),
            preference: vec!["SATURATE".to_string()],
        }]
    );
    let first = literal_arg(&function.arguments[0]);
    assert_eq!(first.literal_type, Some(LiteralType::I8(120)));
    assert!(!first.nullable);
    assert_eq!(
        kind(function.output_type.as_ref()),
        Some(&Kind::I8(r#type::I8 {
            nullability: REQUIRED,
            ..Default::default()
        }))
    );
}

#[test]
fn an_error_case_has_no_output_type() {
    let plan = plan_of(
        SCALAR_HEADER,
        "add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "add:i8_i8");
    assert_eq!(scalar_call(&plan).1.output_type, None);
}

#[test]
fn decimals_carry_their_unscaled_value() {
    let plan = plan_of(
        SCALAR_HEADER,
        "add(1.50::dec<5, 2>, -2.5::dec<2, 1>) = -1.00::dec<6, 2>",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "add:dec_dec");
    let function = scalar_call(&plan).1;
    assert_eq!(
        literal_arg(&function.arguments[0]).literal_type,
        Some(LiteralType::Decimal(Decimal {
            value: 150_i128.to_le_bytes().to_vec(),
            precision: 5,
            scale: 2,
        }))
    );
    let Some(LiteralType::Decimal(second)) = &literal_arg(&function.arguments[1]).literal_type
    else {
        panic!("expected a decimal");
    };
    let bytes: [u8; 16] = second.value.clone().try_into().expect("16 bytes");
    assert_eq!(i128::from_le_bytes(bytes), -25);
}

#[test]
fn dates_intervals_and_timestamps() {
    let plan = plan_of(
        SCALAR_HEADER,
        "add('2020-03-01'::date, 'P1DT1.5S'::iday) = '2020-03-02'::date",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "add:date_iday");
    let function = scalar_call(&plan).1;
    assert_eq!(
        literal_arg(&function.arguments[0]).literal_type,
        Some(LiteralType::Date(18_322))
    );
    assert_eq!(
        literal_arg(&function.arguments[1]).literal_type,
        Some(LiteralType::IntervalDayToSecond(IntervalDayToSecond {
            days: 1,
            seconds: 1,
            subseconds: 500_000,
            precision_mode: Some(PrecisionMode::Precision(6)),
        }))
    );

    let plan = plan_of(
        SCALAR_HEADER,
        "add('2016-12-31T13:30:15'::ts, 'P1Y'::iyear) = '2017-12-31T13:30:15'::ts",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "add:ts_iyear");
    let function = scalar_call(&plan).1;
    assert_eq!(
        literal_arg(&function.arguments[0]).literal_type,
        Some(LiteralType::PrecisionTimestamp(PrecisionTimestamp {
            precision: 6,
            value: 1_483_191_015_000_000,
        }))
    );
    assert!(matches!(
        kind(function.output_type.as_ref()),
        Some(Kind::PrecisionTimestamp(ts)) if ts.precision == 6 && ts.nullability == REQUIRED
    ));
}

#[test]
fn nulls_are_typed_and_make_the_result_nullable() {
    let plan = plan_of(SCALAR_HEADER, "add(null::i8, 1::i8) = null::i8").expect("a plan");
    let function = scalar_call(&plan).1;
    let null = literal_arg(&function.arguments[0]);
    assert!(null.nullable);
    assert_eq!(
        null.literal_type,
        Some(LiteralType::Null(Type {
            kind: Some(Kind::I8(r#type::I8 {
                nullability: NULLABLE,
                ..Default::default()
            })),
        }))
    );
    assert!(matches!(
        kind(function.output_type.as_ref()),
        Some(Kind::I8(i8_type)) if i8_type.nullability == NULLABLE
    ));
}

#[test]
fn lists_and_empty_lists() {
    let plan = plan_of(
        SCALAR_HEADER,
        "f([1, null]::list<i32?>, []::list<i32>) = true::bool",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "f:list_list");
    let function = scalar_call(&plan).1;
    let Some(LiteralType::List(list)) = &literal_arg(&function.arguments[0]).literal_type else {
        panic!("expected a list");
    };
    assert_eq!(list.values.len(), 2);
    assert!(matches!(
        list.values[1].literal_type,
        Some(LiteralType::Null(_))
    ));
    assert!(matches!(
        literal_arg(&function.arguments[1]).literal_type,
        Some(LiteralType::EmptyList(_))
    ));
}

#[test]
fn lambdas_are_unsupported() {
    let result = plan_of(
        SCALAR_HEADER,
        "transform([1, 2]::list<i32>, (x -> multiply(x, 2::i32))::func<i32 -> i32>) \
         = [2, 4]::list<i32>",
    );
    assert!(
        matches!(result, Err(PlanError::Unsupported(_))),
        "{result:?}"
    );
}

#[test]
fn an_aggregate_over_a_single_column() {
    let plan = plan_of(AGGREGATE_HEADER, "sum((1, 2, null)::i8) = 3::i64").expect("a plan");
    assert_eq!(function_name(&plan), "sum:i8");
    let RelType::Aggregate(aggregate) = root_input(&plan) else {
        panic!("expected an aggregate");
    };
    assert!(aggregate.groupings.is_empty());
    let measure = aggregate.measures[0].measure.as_ref().expect("a measure");
    assert_eq!(measure.function_reference, 1);
    assert_eq!(measure.phase, AggregationPhase::InitialToResult as i32);
    assert_eq!(measure.invocation, AggregationInvocation::All as i32);
    assert_eq!(measure.arguments.len(), 1);
    assert!(matches!(
        &measure.arguments[0].arg_type,
        Some(ArgType::Value(Expression {
            rex_type: Some(RexType::Selection(_))
        }))
    ));
    assert!(matches!(
        kind(measure.output_type.as_ref()),
        Some(Kind::I64(i64_type)) if i64_type.nullability == REQUIRED
    ));

    let Some(RelType::Read(read)) = aggregate
        .input
        .as_ref()
        .and_then(|input| input.rel_type.as_ref())
    else {
        panic!("expected a read under the aggregate");
    };
    let schema = read.base_schema.as_ref().expect("a schema");
    assert_eq!(schema.names, vec!["col0".to_string()]);
    // The column holds a null, so it is nullable although the case wrote `i8`.
    let types = &schema.r#struct.as_ref().expect("a struct").types;
    assert!(matches!(
        kind(types.first()),
        Some(Kind::I8(i8_type)) if i8_type.nullability == NULLABLE
    ));
    let Some(ReadType::VirtualTable(values)) = &read.read_type else {
        panic!("expected a virtual table");
    };
    assert_eq!(values.expressions.len(), 3);
}

#[test]
fn an_aggregate_over_columns_with_a_literal_argument() {
    let plan = plan_of(
        AGGREGATE_HEADER,
        "((20, 1), (-3, 2)) corr(col0::fp32, col1::fp32, 0.5::fp64) = 1.0::fp64",
    )
    .expect("a plan");
    assert_eq!(function_name(&plan), "corr:fp32_fp32_fp64");
    let RelType::Aggregate(aggregate) = root_input(&plan) else {
        panic!("expected an aggregate");
    };
    let measure = aggregate.measures[0].measure.as_ref().expect("a measure");
    assert_eq!(
        literal_arg(&measure.arguments[2]).literal_type,
        Some(LiteralType::Fp64(0.5))
    );
    let Some(RelType::Read(read)) = aggregate
        .input
        .as_ref()
        .and_then(|input| input.rel_type.as_ref())
    else {
        panic!("expected a read under the aggregate");
    };
    let schema = read.base_schema.as_ref().expect("a schema");
    assert_eq!(schema.names, vec!["col0".to_string(), "col1".to_string()]);
}

#[test]
fn urns_follow_the_corpus_yamls() {
    assert_eq!(
        extension_urn("/extensions/functions_arithmetic.yaml"),
        Ok("extension:io.substrait:functions_arithmetic".to_string())
    );
    let dir = corpus().join("extensions");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut checked = 0;
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !name.ends_with(".yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable YAML");
        let declared = text
            .lines()
            .find_map(|line| line.strip_prefix("urn:"))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{name} declares no urn"));
        assert_eq!(
            extension_urn(&format!("/extensions/{name}")).as_deref(),
            Ok(declared),
            "{name}"
        );
        checked += 1;
    }
    assert!(
        checked > 10,
        "only {checked} YAMLs found in {}",
        dir.display()
    );
}

/// Every case of the corpus gets a plan or a reason it cannot; none panics and none is called
/// invalid. Expected today: 1,149 plans and 30 unsupported cases, the lambda calls of `list/`
/// (`transform`, `filter`, `any_match`, `all_match`).
#[test]
fn plans_the_whole_substrait_corpus() {
    let mut files = Vec::new();
    crate::suites::find_test_files(&corpus().join("tests/cases"), &mut files)
        .expect("the corpus folder reads");
    files.sort();
    let (mut planned, mut unsupported, mut invalid) = (0, 0, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a readable test file");
        let file = parse_test_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for case in &file.cases {
            match case_plan(case, &file.include) {
                Ok(_) => planned += 1,
                Err(PlanError::Unsupported(_)) => unsupported += 1,
                Err(PlanError::Invalid(reason)) => {
                    invalid.push(format!("{}:{}: {reason}", path.display(), case.line));
                }
            }
        }
    }
    assert!(invalid.is_empty(), "invalid cases:\n{}", invalid.join("\n"));
    assert_eq!(planned + unsupported, 1_179);
    assert!(
        planned >= 1_000,
        "{planned} plans, {unsupported} unsupported"
    );
}
