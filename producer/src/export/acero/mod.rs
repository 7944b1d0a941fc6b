//! Rewrites that only Acero (pyarrow 26) needs, each answering one of its refusals.
//!
//! Every pass here is exact: the plan Acero runs computes what the plan DataFusion wrote
//! computes. They run after [`extension_uris`](super::extension_uris), so functions they
//! declare are declared by URI, as Acero reads them. Acero still refuses what has no exact
//! rewrite (`like` patterns other than a prefix, suffix or substring, `substring`, semi and
//! anti joins with a residual over a right side that is not unique on the join keys) and
//! decimal arithmetic whose precision passes 38, which Arrow refuses; see docs/conformance.md.

pub mod boolean_output_types;
pub mod date_part_extract;
pub mod decimal_literals;
pub mod join_keys;
pub mod like_predicates;
pub mod measure_arguments;
pub mod measure_output_type;
pub mod one_row_joins;
pub mod read_projection;
pub mod semi_anti_emit;
pub mod string_views;
pub mod typed_measure_inputs;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::extension_uris::STANDARD_URI_PREFIX;
use crate::import::{AppliedPass, record};
use crate::standard_functions::standard_extension_of;

/// Runs the Acero passes in order, recording the ones that changed something.
pub fn acero_passes(plan: &mut Value, passes: &mut Vec<AppliedPass>) {
    let changes = read_projection::read_projection(plan);
    record(
        passes,
        read_projection::NAME,
        changes,
        "read column masks written as projections",
    );
    let changes = string_views::string_views(plan);
    record(
        passes,
        string_views::NAME,
        changes,
        "string-view variations dropped",
    );
    let changes = measure_output_type::measure_output_type(plan);
    record(
        passes,
        measure_output_type::NAME,
        changes,
        "output types given to aggregate measures",
    );
    let changes = measure_arguments::measure_arguments(plan);
    record(
        passes,
        measure_arguments::NAME,
        changes,
        "measure arguments computed in a projection below the aggregate",
    );
    let changes = decimal_literals::decimal_literals(plan);
    record(
        passes,
        decimal_literals::NAME,
        changes,
        "decimal literals narrowed to the precision of their value",
    );
    let changes = boolean_output_types::boolean_output_types(plan);
    record(
        passes,
        boolean_output_types::NAME,
        changes,
        "untyped predicates typed boolean",
    );
    let changes = like_predicates::like_predicates(plan);
    record(
        passes,
        like_predicates::NAME,
        changes,
        "like with a prefix, suffix or substring pattern as starts_with, ends_with, contains",
    );
    let changes = one_row_joins::one_row_joins(plan);
    record(
        passes,
        one_row_joins::NAME,
        changes,
        "joins with a one-row aggregate made on a constant key",
    );
    let changes = join_keys::join_keys(plan);
    record(
        passes,
        join_keys::NAME,
        changes,
        "joins on one key equality, the rest of the condition in a filter above",
    );
    let changes = semi_anti_emit::semi_anti_emit(plan);
    record(
        passes,
        semi_anti_emit::NAME,
        changes,
        "semi and anti joins given an emit of their left columns",
    );
    let changes = date_part_extract::date_part_extract(plan);
    record(
        passes,
        date_part_extract::NAME,
        changes,
        "date_part written as extract",
    );
    let changes = typed_measure_inputs::typed_measure_inputs(plan);
    record(
        passes,
        typed_measure_inputs::NAME,
        changes,
        "decimal columns Acero would declare untyped given their type through a typed union",
    );
}

/// Functions whose Arrow kernel always returns a boolean, whatever their arguments.
const BOOLEAN_FUNCTIONS: [&str; 19] = [
    "equal",
    "not_equal",
    "lt",
    "lte",
    "gt",
    "gte",
    "and",
    "or",
    "not",
    "xor",
    "is_null",
    "is_not_null",
    "is_not_distinct_from",
    "is_distinct_from",
    "between",
    "like",
    "starts_with",
    "ends_with",
    "contains",
];

/// A reference to column `index` of the input, as an expression.
fn field_reference(index: usize) -> Value {
    json!({ "selection": { "directReference": { "structField": { "field": index } }, "rootReference": {} } })
}

/// The column an expression refers to, if it is a plain reference to an input column.
fn field_index(expression: &Value) -> Option<usize> {
    let selection = expression.get("selection")?;
    selection.get("rootReference")?;
    let field = selection.get("directReference")?.get("structField")?;
    if field.get("child").is_some() {
        return None;
    }
    Some(field.get("field").and_then(Value::as_u64).unwrap_or(0) as usize)
}

/// The plan's declared functions by anchor, with compound names (`like:str_str`) cut to the
/// function's name.
fn function_names(plan: &Value) -> BTreeMap<u64, String> {
    plan.get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|declaration| declaration.get("extensionFunction"))
        .filter_map(|function| {
            let name = function.get("name").and_then(Value::as_str)?;
            let anchor = function
                .get("functionAnchor")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            Some((anchor, name.split(':').next().unwrap_or(name).to_string()))
        })
        .collect()
}

/// The name of the function a `scalarFunction` call refers to.
fn called_name<'a>(call: &Value, names: &'a BTreeMap<u64, String>) -> Option<&'a str> {
    let reference = call
        .get("functionReference")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    names.get(&reference).map(String::as_str)
}

/// The anchor of standard function `name`, declaring it (and its extension URI) if the plan
/// has not; `None` for a name no standard extension defines.
fn declare_function(plan: &mut Value, name: &str) -> Option<u64> {
    let uri = format!("{STANDARD_URI_PREFIX}{}.yaml", standard_extension_of(name)?);
    let root = plan.as_object_mut()?;
    let uris = root
        .entry("extensionUris")
        .or_insert_with(|| json!([]))
        .as_array_mut()?;
    let anchor_of = |entry: &Value, key: &str| entry.get(key).and_then(Value::as_u64).unwrap_or(0);
    let uri_anchor = match uris.iter().find(|entry| entry["uri"] == uri.as_str()) {
        Some(entry) => anchor_of(entry, "extensionUriAnchor"),
        None => {
            let next = uris
                .iter()
                .map(|entry| anchor_of(entry, "extensionUriAnchor"))
                .max()
                .map_or(1, |max| max + 1);
            uris.push(json!({ "extensionUriAnchor": next, "uri": uri }));
            next
        }
    };
    let declarations = root
        .entry("extensions")
        .or_insert_with(|| json!([]))
        .as_array_mut()?;
    let functions = declarations
        .iter()
        .filter_map(|declaration| declaration.get("extensionFunction"));
    let mut next_anchor = 0;
    for function in functions {
        let anchor = anchor_of(function, "functionAnchor");
        next_anchor = next_anchor.max(anchor + 1);
        if function["name"] == name && anchor_of(function, "extensionUriReference") == uri_anchor {
            return Some(anchor);
        }
    }
    declarations.push(json!({ "extensionFunction": {
        "name": name, "functionAnchor": next_anchor, "extensionUriReference": uri_anchor
    } }));
    Some(next_anchor)
}

/// The number of grouping keys of an aggregate with at most one grouping set (in the old
/// `groupingExpressions` or the 0.85 `expressionReferences` form); `None` with several sets.
fn grouping_keys(aggregate: &Value) -> Option<usize> {
    let groupings = aggregate.get("groupings").and_then(Value::as_array);
    match groupings.map(Vec::as_slice).unwrap_or_default() {
        [] => Some(0),
        [grouping] => Some(
            ["groupingExpressions", "expressionReferences"]
                .iter()
                .find_map(|key| grouping.get(*key).and_then(Value::as_array))
                .map_or(0, Vec::len),
        ),
        _ => None,
    }
}

/// Removes a relation's emit, and its `common` if nothing else is left in it.
fn remove_emit(rel: &mut Map<String, Value>) {
    if let Some(Value::Object(common)) = rel.get_mut("common") {
        common.remove("emit");
        if common.is_empty() {
            rel.remove("common");
        }
    }
}

/// The nullable boolean type, for calls DataFusion wrote without an output type.
fn nullable_bool() -> Value {
    json!({ "bool": { "nullability": "NULLABILITY_NULLABLE" } })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{declare_function, field_index, field_reference, function_names};

    #[test]
    fn declares_a_function_once_under_its_standard_uri() {
        let mut plan = json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "https://github.com/substrait-io/substrait/blob/main/extensions/functions_boolean.yaml" }],
            "extensions": [{ "extensionFunction": { "name": "and", "functionAnchor": 4, "extensionUriReference": 1 } }]
        });
        assert_eq!(declare_function(&mut plan, "and"), Some(4));
        assert_eq!(declare_function(&mut plan, "starts_with"), Some(5));
        assert_eq!(declare_function(&mut plan, "starts_with"), Some(5));
        assert_eq!(plan["extensionUris"][1]["extensionUriAnchor"], 2);
        assert!(
            plan["extensionUris"][1]["uri"]
                .as_str()
                .expect("a URI")
                .ends_with("functions_string.yaml")
        );
        assert_eq!(declare_function(&mut plan, "no_such_function"), None);
        assert_eq!(
            function_names(&plan).get(&5).map(String::as_str),
            Some("starts_with")
        );
    }

    #[test]
    fn field_references_round_trip_and_other_expressions_are_not_references() {
        assert_eq!(field_index(&field_reference(3)), Some(3));
        assert_eq!(field_index(&json!({ "literal": { "i32": 3 } })), None);
    }
}
