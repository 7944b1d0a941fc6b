//! A call whose declared output type contradicts the one its extension derives: refused by
//! validation with its path, or repaired on import by the `declared_result_types` pass, which
//! says what it did in the import report.

use serde_json::{Value, json};
use switchyard_producer::import::declared_result_types;
use switchyard_producer::substrait::proto::Plan;
use switchyard_producer::substrait::proto::expression::RexType;
use switchyard_producer::substrait::proto::function_argument::ArgType;
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::{AggregateFunction, Expression, plan_rel};
use switchyard_producer::{Catalog, ImportReport, ValidatedPlan, import_json};

const ARITHMETIC: &str = "extension:io.substrait:functions_arithmetic";
const ARITHMETIC_DECIMAL: &str = "extension:io.substrait:functions_arithmetic_decimal";

fn nullable(kind: &str, mut fields: Value) -> Value {
    fields["nullability"] = json!("NULLABILITY_NULLABLE");
    json!({ kind: fields })
}

/// A read of `t(a i32, b i32, c decimal(15, 2))`.
fn read() -> Value {
    json!({ "read": {
        "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [
            nullable("i32", json!({})),
            nullable("i32", json!({})),
            nullable("decimal", json!({ "precision": 15, "scale": 2 })),
        ] } },
        "namedTable": { "names": ["t"] }
    } })
}

fn field(index: usize) -> Value {
    json!({ "value": { "selection": {
        "directReference": { "structField": { "field": index } }, "rootReference": {}
    } } })
}

/// A plan declaring `function` (anchor 1) in `urn`, with `root` as its root relation.
fn plan(urn: &str, function: &str, root: Value, names: &[&str]) -> String {
    json!({
        "extensionUrns": [{ "extensionUrnAnchor": 1, "urn": urn }],
        "extensions": [{ "extensionFunction": {
            "extensionUrnReference": 1, "functionAnchor": 1, "name": function
        } }],
        "relations": [{ "root": { "input": root, "names": names } }]
    })
    .to_string()
}

/// `project(read, function(a, b) declared as output)`, emitting only the call.
fn scalar_call(function: &str, output: Value) -> String {
    let root = json!({ "project": {
        "common": { "emit": { "outputMapping": [3] } },
        "input": read(),
        "expressions": [{ "scalarFunction": {
            "functionReference": 1, "outputType": output, "arguments": [field(0), field(1)]
        } }]
    } });
    plan(ARITHMETIC, function, root, &["x"])
}

/// `aggregate(read, function(column) declared as output)`, no grouping.
fn measure(urn: &str, function: &str, column: usize, output: Value) -> String {
    let root = json!({ "aggregate": {
        "input": read(),
        "groupings": [],
        "measures": [{ "measure": {
            "functionReference": 1, "outputType": output, "arguments": [field(column)],
            "phase": "AGGREGATION_PHASE_INITIAL_TO_RESULT",
            "invocation": "AGGREGATION_INVOCATION_ALL"
        } }]
    } });
    plan(urn, function, root, &["x"])
}

fn imported(text: &str) -> (Plan, ImportReport) {
    let (plan, report) = import_json(text, &Catalog::new()).expect("imports");
    ValidatedPlan::new(plan.clone()).expect("the repaired plan validates");
    (plan, report)
}

fn root_rel(plan: &Plan) -> &RelType {
    let Some(plan_rel::RelType::Root(root)) = plan.relations[0].rel_type.as_ref() else {
        panic!("a root");
    };
    root.input
        .as_ref()
        .and_then(|r| r.rel_type.as_ref())
        .expect("a relation")
}

fn the_measure(plan: &Plan) -> &AggregateFunction {
    let RelType::Aggregate(aggregate) = root_rel(plan) else {
        panic!("an aggregate");
    };
    aggregate.measures[0].measure.as_ref().expect("a measure")
}

fn the_scalar_call(plan: &Plan) -> &Expression {
    let RelType::Project(project) = root_rel(plan) else {
        panic!("a project");
    };
    &project.expressions[0]
}

/// The types the call's value arguments are cast to (`None` where not cast).
fn argument_casts(
    arguments: &[switchyard_producer::substrait::proto::FunctionArgument],
) -> Vec<Option<String>> {
    arguments
        .iter()
        .map(|a| match a.arg_type.as_ref() {
            Some(ArgType::Value(Expression {
                rex_type: Some(RexType::Cast(cast)),
            })) => cast
                .r#type
                .as_ref()
                .map(switchyard_producer::result_types::display),
            _ => None,
        })
        .collect()
}

#[test]
fn a_contradiction_is_refused_by_validation_with_its_path() {
    // Decoded as is, without the import passes: the library user's path to an engine.
    let text = scalar_call("add", nullable("i64", json!({})));
    let plan: Plan = serde_json::from_str(&text).expect("decodes");
    let error = ValidatedPlan::new(plan).expect_err("refused").to_string();
    assert!(
        error.contains("project/expressions[0]")
            && error.contains("`add` declares its result as i64?")
            && error.contains("its extension gives i32?"),
        "{error}"
    );
}

#[test]
fn an_agreeing_plan_is_left_alone() {
    let (_, report) = imported(&scalar_call("add", nullable("i32", json!({}))));
    assert!(report.pass(declared_result_types::NAME).is_none());
}

#[test]
fn integer_arithmetic_declared_wider_is_computed_in_the_declared_type() {
    // ibis and the `substrait` package: int32 + int32 is int64.
    let (plan, report) = imported(&scalar_call("add", nullable("i64", json!({}))));
    let pass = report.pass(declared_result_types::NAME).expect("repaired");
    assert_eq!(pass.changes, 1);
    assert!(
        pass.detail
            .contains("project/expressions[0]: add(i32?, i32?) computed as i64?"),
        "{}",
        pass.detail
    );
    let Some(RexType::ScalarFunction(call)) = the_scalar_call(&plan).rex_type.as_ref() else {
        panic!("a call");
    };
    assert_eq!(
        argument_casts(&call.arguments),
        [Some("i64?".to_string()), Some("i64?".to_string())]
    );
}

#[test]
fn integer_division_declared_as_a_double_divides_doubles() {
    // ibis: `/` is true division.
    let (plan, _) = imported(&scalar_call("divide", nullable("fp64", json!({}))));
    let Some(RexType::ScalarFunction(call)) = the_scalar_call(&plan).rex_type.as_ref() else {
        panic!("a call");
    };
    assert_eq!(
        argument_casts(&call.arguments),
        [Some("fp64?".to_string()), Some("fp64?".to_string())]
    );
}

#[test]
fn a_decimal_average_declared_as_a_double_averages_doubles_from_the_arithmetic_extension() {
    // DuckDB: avg(decimal) is a double. `avg` of `fp64` is in functions_arithmetic, not in
    // the decimal extension the plan names, so the call is pointed at a new declaration.
    let text = measure(ARITHMETIC_DECIMAL, "avg", 2, nullable("fp64", json!({})));
    let (plan, report) = imported(&text);
    assert!(report.pass(declared_result_types::NAME).is_some());
    let call = the_measure(&plan);
    assert_eq!(argument_casts(&call.arguments), [Some("fp64?".to_string())]);
    assert_ne!(
        call.function_reference, 1,
        "the decimal declaration is not used"
    );
    let urn = plan
        .extension_urns
        .iter()
        .find(|u| u.urn == ARITHMETIC)
        .expect("functions_arithmetic declared");
    assert!(plan.extensions.iter().any(|d| matches!(
        d.mapping_type.as_ref(),
        Some(switchyard_producer::substrait::proto::extensions::simple_extension_declaration::MappingType::ExtensionFunction(f))
            if f.name == "avg"
                && f.extension_urn_reference == urn.extension_urn_anchor
                && f.function_anchor == call.function_reference
    )));
}

#[test]
fn an_integer_sum_declared_narrower_is_given_the_extensions_type() {
    // Calcite (Isthmus): sum(integer) is an integer. No widening makes `sum` return `i32`,
    // so the call says what every engine computes: `i64`.
    let (plan, report) = imported(&measure(ARITHMETIC, "sum", 0, nullable("i32", json!({}))));
    let pass = report.pass(declared_result_types::NAME).expect("repaired");
    assert!(
        pass.detail
            .contains("aggregate/measures[0]: sum declared i32?, now i64?"),
        "{}",
        pass.detail
    );
    let call = the_measure(&plan);
    assert_eq!(
        call.output_type
            .as_ref()
            .map(switchyard_producer::result_types::display),
        Some("i64?".to_string())
    );
    assert_eq!(argument_casts(&call.arguments), [None]);
}

#[test]
fn a_decimal_precision_alone_is_no_contradiction_but_a_scale_is() {
    // sum(decimal<15,2>) is decimal<38,2>: a producer writing decimal<19,2> states a narrower
    // range of the same values.
    let precision = measure(
        ARITHMETIC_DECIMAL,
        "sum",
        2,
        nullable("decimal", json!({ "precision": 19, "scale": 2 })),
    );
    let (_, report) = imported(&precision);
    assert!(report.pass(declared_result_types::NAME).is_none());
    let scale = measure(
        ARITHMETIC_DECIMAL,
        "sum",
        2,
        nullable("decimal", json!({ "precision": 38, "scale": 4 })),
    );
    let plan: Plan = serde_json::from_str(&scale).expect("decodes");
    let error = ValidatedPlan::new(plan).expect_err("refused").to_string();
    assert!(error.contains("decimal?<38,4>"), "{error}");
}
