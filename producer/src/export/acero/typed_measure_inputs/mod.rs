//! `typed_measure_inputs`: declares the type of decimal columns Acero would declare null,
//! through a union whose first input is typed nulls, below the aggregates and projections that
//! crash on them.
//!
//! Acero declares the column of a projected call with its kernel's fixed output type. Decimal
//! arithmetic, `cast`, `ifThen` (Arrow's `case_when`) and `coalesce` have none: Arrow computes
//! their result type from the arguments, so the column is declared with a null type. When the
//! column is a decimal, `sum`, `min`, `max` or `avg` over it, and an `ifThen` reading it, crash
//! Acero (SIGSEGV) while it converts the plan (`count` does not crash, nor does anything over
//! such an integer, float or string column). A `UNION ALL` declares the schema of its first
//! input, so the input R of such an aggregate or projection becomes
//!
//! ```text
//! union_all(project[emit 0..k](filter(false, project[emit w..w+k](read, k NULL literals))),
//!           project[emit 0..k](project[emit used](R)))
//! ```
//!
//! The first input has no rows, so the union outputs R's rows narrowed to the `k` columns the
//! relation refers to, and its references (and a projection's emit) are renumbered to match:
//! each measure aggregates the same values, the keys group the same rows, each expression
//! computes the same value. Each NULL literal is nullable (Acero refuses a non-nullable NULL)
//! and of the type Arrow gives its column at run time, which this pass infers through the
//! plan: read schemas, references, literals, joins, nested aggregates and Arrow's decimal
//! rules, which unlike DataFusion's do not cap precision at 38 (`add`/`subtract`: scale
//! `max(s1, s2)`, precision `max(p1 - s1, p2 - s2) + scale + 1`; `multiply`: `p1 + p2 + 1`,
//! `s1 + s2`; `divide`: scale `max(4, s1 + p2 - s2 + 1)`, precision `p1 - s1 + s2 + scale`;
//! an integer counts as `decimal(3|5|10|19, 0)`). A literal of another type makes Acero refuse
//! the plan ("UnionNode input schemas must all match"): an error, never a different answer.
//! Both union inputs end in an emit-only projection because Acero names such a projection's
//! columns `FieldPath(i)` after their input index, and the union wants the same names on both
//! sides. A relation whose columns cannot all be typed, or whose decimals pass precision 38
//! (Arrow refuses those anyway: TPC-H q1's `charge`), is left as it is, and still crashes.
//!
//! With its input typed, an `ifThen` over decimals meets Acero's other demand: all its values
//! of one type. DataFusion writes `CASE WHEN ... THEN volume ELSE 0 END` with a `0` literal
//! narrower than `volume`, so each projection's `ifThen` values first get their common type
//! (`align_project`).
//!
//! Runs after every other Acero pass: it reads the literal precisions
//! [`decimal_literals`](super::decimal_literals) narrows, the read projections
//! [`read_projection`](super::read_projection) writes, and relation widths the join passes
//! change.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use datafusion_substrait::substrait::proto::expression::literal::Decimal;
use serde_json::{Map, Value, json};

mod arrow_type;
mod typer;

use arrow_type::{ArrowType, common_type, number};
use typer::{Column, Typer, argument_values};

use super::{called_name, field_index, function_names};
use crate::json_walk::for_each_object_children_first;

/// The pass's name in an export report.
pub const NAME: &str = "typed_measure_inputs";

/// What a missing JSON field reads as.
static NULL: Value = Value::Null;

/// Arrow's largest decimal128 precision; Arrow refuses arithmetic whose result passes it.
const MAX_PRECISION: i64 = 38;

/// The measures Acero crashes on over a null-declared decimal column.
const CRASHING_MEASURES: [&str; 5] = ["sum", "min", "max", "avg", "mean"];

/// Gives every aggregate whose `sum`, `min`, `max` or `avg` reads a null-declared decimal
/// column, and every projection whose calls read one, a typed union below it, after giving
/// each projection's `ifThen` values one decimal type; returns how many relations and values
/// changed.
pub fn typed_measure_inputs(plan: &mut Value) -> usize {
    let names = function_names(plan);
    let typer = Typer { names: &names };
    let mut changes = 0;
    // Inner relations first, so an aggregate sees the projection below it typed; a rewritten
    // relation's new input is not walked again, and its columns are declared, so a second
    // run changes nothing.
    for_each_object_children_first(plan, &mut |object| {
        if let Some(Value::Object(project)) = object.get_mut("project") {
            changes += align_project(project, &typer);
            if rewrite_project(project, &typer) == Ok(true) {
                changes += 1;
            }
        }
        if let Some(Value::Object(aggregate)) = object.get_mut("aggregate")
            && rewrite_aggregate(aggregate, &typer) == Ok(true)
        {
            changes += 1;
        }
    });
    changes
}

/// Collects the input columns the expressions under `value` refer to; `Err` for what this
/// pass cannot renumber (outer references, nested fields, subqueries).
fn referenced_columns(value: &Value, columns: &mut BTreeSet<usize>) -> Result<(), String> {
    match value {
        Value::Object(object) => {
            if object.contains_key("subquery") {
                return Err("a subquery in the aggregate".to_string());
            }
            if object.contains_key("selection") {
                let index = field_index(value)
                    .ok_or_else(|| "a reference that is not to an input column".to_string())?;
                columns.insert(index);
                return Ok(());
            }
            object
                .values()
                .try_for_each(|child| referenced_columns(child, columns))
        }
        Value::Array(items) => items
            .iter()
            .try_for_each(|item| referenced_columns(item, columns)),
        _ => Ok(()),
    }
}

/// Points every input column reference under `value` at its new position.
fn renumber(value: &mut Value, position: &BTreeMap<usize, usize>) {
    match value {
        Value::Object(object) => {
            if let Some(selection) = object.get_mut("selection") {
                if let Some(Value::Object(field)) =
                    selection.pointer_mut("/directReference/structField")
                {
                    let old = field.get("field").and_then(Value::as_u64).unwrap_or(0) as usize;
                    if let Some(&new) = position.get(&old) {
                        field.insert("field".to_string(), Value::from(new));
                    }
                }
                return;
            }
            for child in object.values_mut() {
                renumber(child, position);
            }
        }
        Value::Array(items) => {
            for item in items {
                renumber(item, position);
            }
        }
        _ => {}
    }
}

/// The named-table read nearest the top of `rel`, for the typed input to read from.
fn nearest_named_read(rel: &Value) -> Option<&Map<String, Value>> {
    let mut queue = VecDeque::from([rel]);
    while let Some(value) = queue.pop_front() {
        match value {
            Value::Object(object) => {
                if let Some(Value::Object(read)) = object.get("read")
                    && read.contains_key("namedTable")
                    && read.get("baseSchema").is_some()
                {
                    return Some(read);
                }
                queue.extend(object.values());
            }
            Value::Array(items) => queue.extend(items),
            _ => {}
        }
    }
    None
}

/// A projection with no expressions emitting `mapping` of its input's columns.
fn emit_only(input: Value, mapping: Vec<usize>) -> Value {
    json!({ "project": {
        "common": { "emit": { "outputMapping": mapping } },
        "input": input,
        "expressions": []
    } })
}

/// The union's first input: no rows, one NULL column of each type.
fn typed_nulls(read: &Map<String, Value>, types: &[ArrowType]) -> Option<Value> {
    let mut read = read.clone();
    // Its own mask or emit would change the width the literals' emit counts on.
    read.remove("projection");
    read.remove("common");
    let width = read
        .get("baseSchema")?
        .pointer("/struct/types")?
        .as_array()?
        .len();
    let literals: Vec<Value> = types
        .iter()
        .map(|t| json!({ "literal": { "null": t.to_substrait() } }))
        .collect();
    let literal_columns: Vec<usize> = (width..width + types.len()).collect();
    let nulls = json!({ "project": {
        "common": { "emit": { "outputMapping": literal_columns } },
        "input": { "read": read },
        "expressions": literals
    } });
    let no_rows = json!({ "filter": {
        "input": nulls,
        "condition": { "literal": { "boolean": false } }
    } });
    Some(emit_only(no_rows, (0..types.len()).collect()))
}

/// Whether a column, read by a call or by `sum`, `min`, `max` or `avg`, crashes Acero: it is
/// declared null and is, or may be, a decimal (integer, float and string columns declared
/// null do not crash).
fn crashes_on(column: &Column) -> bool {
    column.null_declared
        && !column
            .data_type
            .as_ref()
            .is_ok_and(|data_type| !data_type.is_decimal())
}

/// Whether a `sum`, `min`, `max` or `avg` of the aggregate reads a column Acero crashes on.
fn aggregate_crashes(
    aggregate: &Map<String, Value>,
    columns: &[Column],
    names: &BTreeMap<u64, String>,
) -> bool {
    let measures = aggregate.get("measures").and_then(Value::as_array);
    measures
        .into_iter()
        .flatten()
        .filter_map(|measure| measure.get("measure"))
        .filter(|function| {
            called_name(function, names).is_some_and(|name| CRASHING_MEASURES.contains(&name))
        })
        .flat_map(argument_values)
        .filter_map(field_index)
        .filter_map(|index| columns.get(index))
        .any(crashes_on)
}

/// Puts the typed union below one aggregate if it needs it: `Ok(true)` when rewritten,
/// `Ok(false)` when it does not crash, `Err` (the aggregate left as it is) when it would and
/// cannot be typed.
fn rewrite_aggregate(
    aggregate: &mut Map<String, Value>,
    typer: &Typer<'_>,
) -> Result<bool, String> {
    let input = aggregate
        .get("input")
        .ok_or_else(|| "an aggregate without input".to_string())?;
    let columns = typer.relation(input)?;
    if !aggregate_crashes(aggregate, &columns, typer.names) {
        return Ok(false);
    }
    let keys = ["groupings", "groupingExpressions", "measures"];
    let mut used = BTreeSet::new();
    for key in keys {
        if let Some(value) = aggregate.get(key) {
            referenced_columns(value, &mut used)?;
        }
    }
    let position = put_typed_union(aggregate, &used, &columns)?;
    for key in keys {
        if let Some(value) = aggregate.get_mut(key) {
            renumber(value, &position);
        }
    }
    Ok(true)
}

/// Puts the typed union below one projection if it needs it: when an expression other than
/// a plain reference reads a column Acero crashes on (TPC-H q8 and q14: `CASE WHEN ... THEN
/// volume ELSE 0 END` over a projected `l_extendedprice * (1 - l_discount)`). The union keeps
/// the input columns the expressions and the emit refer to (all of them without an emit).
fn rewrite_project(project: &mut Map<String, Value>, typer: &Typer<'_>) -> Result<bool, String> {
    let input = project
        .get("input")
        .ok_or_else(|| "a projection without input".to_string())?;
    let columns = typer.relation(input)?;
    let width = columns.len();
    let expressions = project.get("expressions").and_then(Value::as_array);
    let mut used = BTreeSet::new();
    let mut crashing = false;
    for expression in expressions.into_iter().flatten() {
        let mut read = BTreeSet::new();
        referenced_columns(expression, &mut read)?;
        crashing |= field_index(expression).is_none()
            && read
                .iter()
                .filter_map(|&index| columns.get(index))
                .any(crashes_on);
        used.extend(read);
    }
    if !crashing {
        return Ok(false);
    }
    let emit = project
        .get("common")
        .and_then(|common| common.pointer("/emit/outputMapping"))
        .and_then(Value::as_array)
        .map(|mapping| {
            mapping
                .iter()
                .map(|index| index.as_u64().unwrap_or(0) as usize)
                .collect::<Vec<_>>()
        });
    match &emit {
        Some(mapping) => used.extend(mapping.iter().copied().filter(|&index| index < width)),
        None => used.extend(0..width),
    }
    let position = put_typed_union(project, &used, &columns)?;
    if let Some(expressions) = project.get_mut("expressions") {
        renumber(expressions, &position);
    }
    if let Some(mapping) = emit
        && let Some(Value::Object(common)) = project.get_mut("common")
    {
        // Input columns move to their place among the kept ones; expressions follow them.
        let mapping: Vec<usize> = mapping
            .into_iter()
            .map(|index| match position.get(&index) {
                Some(&new) => new,
                None => index - width + used.len(),
            })
            .collect();
        common.insert("emit".to_string(), json!({ "outputMapping": mapping }));
    }
    Ok(true)
}

/// Replaces `rel`'s input R with `union_all(typed NULLs, R narrowed to used)`; returns where
/// each used column now is. `Err`, with `rel` unchanged, when a used column's type is
/// unknown or no read can carry the typed NULLs.
fn put_typed_union(
    rel: &mut Map<String, Value>,
    used: &BTreeSet<usize>,
    columns: &[Column],
) -> Result<BTreeMap<usize, usize>, String> {
    let types = used
        .iter()
        .map(|&index| match columns.get(index) {
            Some(column) => column.data_type.clone(),
            None => Err(format!(
                "a reference to column {index} of {}",
                columns.len()
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let read = rel
        .get("input")
        .and_then(nearest_named_read)
        .ok_or_else(|| "no named-table read for the typed input".to_string())?;
    let typed =
        typed_nulls(read, &types).ok_or_else(|| "a read without a base schema".to_string())?;
    let Some(input) = rel.remove("input") else {
        return Err("a relation without input".to_string());
    };
    let narrowed = emit_only(
        emit_only(input, used.iter().copied().collect()),
        (0..used.len()).collect(),
    );
    rel.insert(
        "input".to_string(),
        json!({ "set": { "op": "SET_OP_UNION_ALL", "inputs": [typed, narrowed] } }),
    );
    Ok(used
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect())
}

/// Gives every `ifThen` value of a projection's expressions the values' common decimal type;
/// returns how many values changed.
///
/// Acero runs `ifThen` as `case_when`, which wants its values of one type ("All types must be
/// compatible, expected: decimal128(32, 4), but got: decimal128(4, 4)"), while DataFusion
/// writes `ELSE 0` as a literal [`decimal_literals`](super::decimal_literals) narrows. A
/// literal is rewritten with the same value in the common type; another value is cast to it,
/// which widens (the common type has the largest scale and the most integer digits), so no
/// value changes.
fn align_project(project: &mut Map<String, Value>, typer: &Typer<'_>) -> usize {
    let Some(Ok(columns)) = project.get("input").map(|input| typer.relation(input)) else {
        return 0;
    };
    project
        .get_mut("expressions")
        .map_or(0, |expressions| align_if_then(expressions, &columns, typer))
}

fn align_if_then(value: &mut Value, input: &[Column], typer: &Typer<'_>) -> usize {
    let mut changes = 0;
    match value {
        Value::Array(items) => {
            return items
                .iter_mut()
                .map(|item| align_if_then(item, input, typer))
                .sum();
        }
        Value::Object(object) => {
            // A subquery's references are to its own input.
            if object.contains_key("subquery") {
                return 0;
            }
            for child in object.values_mut() {
                changes += align_if_then(child, input, typer);
            }
        }
        _ => return 0,
    }
    let Some(if_then) = value.get_mut("ifThen") else {
        return changes;
    };
    let clauses = if_then
        .get("ifs")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mut slots: Vec<String> = (0..clauses).map(|i| format!("/ifs/{i}/then")).collect();
    slots.push("/else".to_string());
    let types: Result<Vec<Option<ArrowType>>, String> = slots
        .iter()
        .map(|slot| match if_then.pointer(slot) {
            Some(value) => typer.value_type(value, input),
            None => Err("an ifThen without a value".to_string()),
        })
        .collect();
    let Ok(types) = types else {
        return changes;
    };
    let common = match common_type(&types) {
        Ok(common @ ArrowType::Decimal { .. }) => common,
        _ => return changes,
    };
    for (slot, data_type) in slots.iter().zip(types) {
        if data_type.is_none_or(|data_type| data_type == common) {
            continue;
        }
        if let Some(value) = if_then.pointer_mut(slot) {
            *value = in_type(value, common);
            changes += 1;
        }
    }
    changes
}

/// `value` as a value of decimal type `common`: a literal with the same value, or a cast.
fn in_type(value: &Value, common: ArrowType) -> Value {
    if let Some(literal) = value.get("literal")
        && let Some(rescaled) = decimal_literal(literal, common)
    {
        return rescaled;
    }
    json!({ "cast": {
        "type": common.to_substrait(),
        "input": value,
        "failureBehavior": "FAILURE_BEHAVIOR_THROW_EXCEPTION"
    } })
}

/// A decimal or integer literal as a decimal literal of type `target` with the same value;
/// `None` for other literals, or when `target` cannot hold the value exactly.
fn decimal_literal(literal: &Value, target: ArrowType) -> Option<Value> {
    let ArrowType::Decimal { precision, scale } = target else {
        return None;
    };
    let (unscaled, from_scale) = if let Some(decimal) = literal.get("decimal") {
        (unscaled_of(decimal)?, number(decimal, "scale"))
    } else {
        let integer = ["i8", "i16", "i32", "i64"]
            .iter()
            .find_map(|key| literal.get(*key))?;
        // The JSON form writes i64 as a string.
        let integer = match integer {
            Value::String(text) => text.parse::<i64>().ok()?,
            other => other.as_i64()?,
        };
        (i128::from(integer), 0)
    };
    let shift = u32::try_from(scale - from_scale).ok()?;
    let unscaled = unscaled.checked_mul(10i128.checked_pow(shift)?)?;
    let digits = unscaled
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |log| log + 1);
    if i64::from(digits) > precision {
        return None;
    }
    Some(json!({ "literal": { "decimal": decimal_json(unscaled, precision, scale)? } }))
}

/// The unscaled value of a decimal literal's JSON form (its bytes are base64 there).
fn unscaled_of(decimal: &Value) -> Option<i128> {
    let parsed: Decimal = serde_json::from_value(decimal.clone()).ok()?;
    Some(i128::from_le_bytes(parsed.value.try_into().ok()?))
}

/// A decimal literal's JSON form.
fn decimal_json(unscaled: i128, precision: i64, scale: i64) -> Option<Value> {
    let decimal = Decimal {
        value: unscaled.to_le_bytes().to_vec(),
        precision: i32::try_from(precision).ok()?,
        scale: i32::try_from(scale).ok()?,
    };
    serde_json::to_value(decimal).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::arrow_type::arithmetic;
    use super::{
        ArrowType, Typer, common_type, decimal_json, decimal_literal, function_names,
        typed_measure_inputs, unscaled_of,
    };
    use crate::export::acero::field_reference;

    const ARITHMETIC: &str =
        "https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml";

    fn decimal_type(precision: i64, scale: i64) -> Value {
        json!({ "decimal": { "scale": scale, "precision": precision, "nullability": "NULLABILITY_NULLABLE" } })
    }

    /// `t(g i32, a decimal(15,2), b decimal(15,2), c string)`.
    fn read() -> Value {
        json!({ "read": {
            "baseSchema": { "names": ["g", "a", "b", "c"], "struct": { "types": [
                { "i32": { "nullability": "NULLABILITY_REQUIRED" } },
                decimal_type(15, 2),
                decimal_type(15, 2),
                { "string": { "nullability": "NULLABILITY_NULLABLE" } }
            ] } },
            "namedTable": { "names": ["t"] }
        } })
    }

    fn call(anchor: u64, arguments: &[Value]) -> Value {
        let arguments: Vec<Value> = arguments.iter().map(|a| json!({ "value": a })).collect();
        json!({ "scalarFunction": { "functionReference": anchor, "arguments": arguments } })
    }

    /// 1 as `decimal(1, 0)`, as `decimal_literals` leaves it.
    fn one() -> Value {
        json!({ "literal": { "decimal": { "value": "AQAAAAAAAAAAAAAAAAAAAA==", "precision": 1 } } })
    }

    fn measure(anchor: u64, column: usize) -> Value {
        json!({ "measure": { "functionReference": anchor,
            "arguments": [{ "value": field_reference(column) }],
            "outputType": { "fp64": { "nullability": "NULLABILITY_NULLABLE" } } } })
    }

    /// A plan whose root is `rel`. Anchors: 1 multiply, 2 subtract, 3 add, 4 sum, 5 count,
    /// 6 max.
    fn wrap(rel: Value) -> Value {
        let names = ["multiply", "subtract", "add", "sum", "count", "max"];
        let extensions: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                json!({ "extensionFunction": {
                "extensionUriReference": 1, "functionAnchor": i + 1, "name": name } })
            })
            .collect();
        json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": ARITHMETIC }],
            "extensions": extensions,
            "relations": [{ "root": { "input": rel, "names": [] } }]
        })
    }

    /// An aggregate grouped by column 0.
    fn aggregate(input: Value, measures: Vec<Value>) -> Value {
        json!({ "aggregate": {
            "input": input,
            "groupingExpressions": [field_reference(0)],
            "groupings": [{ "groupingExpressions": [field_reference(0)], "expressionReferences": [0] }],
            "measures": measures
        } })
    }

    fn project(input: Value, expressions: Vec<Value>) -> Value {
        json!({ "project": { "input": input, "expressions": expressions } })
    }

    /// Measures by column 0 over the read's columns followed by `computed`.
    fn plan(computed: Vec<Value>, measures: Vec<Value>) -> Value {
        wrap(aggregate(project(read(), computed), measures))
    }

    fn decimal_literal_json(unscaled_base64: &str, precision: i64, scale: i64) -> Value {
        json!({ "literal": { "decimal": {
            "value": unscaled_base64, "precision": precision, "scale": scale } } })
    }

    /// `a * (1 - b)`: Arrow's `decimal(32, 4)`.
    fn discounted() -> Value {
        call(
            1,
            &[field_reference(1), call(2, &[one(), field_reference(2)])],
        )
    }

    fn field(value: &Value) -> Value {
        value["selection"]["directReference"]["structField"]["field"].clone()
    }

    #[test]
    fn arrow_decimal_rules() {
        let d = |precision, scale| ArrowType::Decimal { precision, scale };
        assert_eq!(arithmetic("add", d(15, 2), d(15, 2)), Ok(d(16, 2)));
        assert_eq!(arithmetic("subtract", d(1, 0), d(15, 2)), Ok(d(16, 2)));
        assert_eq!(arithmetic("multiply", d(15, 2), d(16, 2)), Ok(d(32, 4)));
        assert_eq!(arithmetic("divide", d(15, 2), d(15, 2)), Ok(d(31, 16)));
        assert_eq!(
            arithmetic("add", d(15, 2), ArrowType::Int(32)),
            Ok(d(16, 2))
        );
        assert_eq!(
            arithmetic("multiply", d(15, 2), ArrowType::Int(64)),
            Ok(d(35, 2))
        );
        assert_eq!(
            arithmetic("multiply", d(15, 2), ArrowType::Float64),
            Ok(ArrowType::Float64)
        );
        assert_eq!(
            arithmetic("add", ArrowType::Int(32), ArrowType::Int(64)),
            Ok(ArrowType::Int(64))
        );
        // q1's charge: (32, 4) * (16, 2) needs 49 digits, which Arrow refuses.
        assert!(arithmetic("multiply", d(32, 4), d(16, 2)).is_err());
        assert_eq!(common_type(&[Some(d(15, 2)), Some(d(10, 4))]), Ok(d(17, 4)));
        assert_eq!(
            common_type(&[Some(d(32, 4)), None, Some(d(1, 0))]),
            Ok(d(32, 4))
        );
        assert_eq!(
            common_type(&[Some(d(15, 2)), Some(ArrowType::Int(32))]),
            Ok(d(15, 2))
        );
    }

    #[test]
    fn a_sum_of_decimal_arithmetic_reads_a_typed_union_of_the_columns_it_uses() {
        // Columns: g, a, b, c, a * (1 - b); sum(4), count(3) by g.
        let mut plan = plan(vec![discounted()], vec![measure(4, 4), measure(5, 3)]);
        assert_eq!(typed_measure_inputs(&mut plan), 1);
        let aggregate = &plan["relations"][0]["root"]["input"]["aggregate"];
        let set = &aggregate["input"]["set"];
        assert_eq!(set["op"], "SET_OP_UNION_ALL");

        let typed = &set["inputs"][0]["project"];
        assert_eq!(typed["common"]["emit"]["outputMapping"], json!([0, 1, 2]));
        let filter = &typed["input"]["filter"];
        assert_eq!(
            filter["condition"],
            json!({ "literal": { "boolean": false } })
        );
        let nulls = &filter["input"]["project"];
        assert_eq!(nulls["common"]["emit"]["outputMapping"], json!([4, 5, 6]));
        assert!(nulls["input"]["read"]["namedTable"].is_object());
        let literal = |i: usize| nulls["expressions"][i]["literal"]["null"].clone();
        assert_eq!(
            literal(0),
            json!({ "i32": { "nullability": "NULLABILITY_NULLABLE" } })
        );
        assert_eq!(
            literal(1),
            json!({ "string": { "nullability": "NULLABILITY_NULLABLE" } })
        );
        assert_eq!(literal(2), decimal_type(32, 4));

        let narrowed = &set["inputs"][1]["project"];
        assert_eq!(
            narrowed["common"]["emit"]["outputMapping"],
            json!([0, 1, 2])
        );
        let used = &narrowed["input"]["project"];
        assert_eq!(used["common"]["emit"]["outputMapping"], json!([0, 3, 4]));
        assert_eq!(used["input"]["project"]["expressions"][0], discounted());

        // g stays 0, c (3) becomes 1, the product (4) becomes 2.
        assert_eq!(
            field(&aggregate["groupings"][0]["groupingExpressions"][0]),
            json!(0)
        );
        assert_eq!(field(&aggregate["groupingExpressions"][0]), json!(0));
        let argument =
            |i: usize| field(&aggregate["measures"][i]["measure"]["arguments"][0]["value"]);
        assert_eq!(argument(0), json!(2));
        assert_eq!(argument(1), json!(1));

        // The union's columns are declared: nothing left to rewrite.
        assert_eq!(typed_measure_inputs(&mut plan), 0);
    }

    #[test]
    fn plain_columns_integers_and_untypable_decimals_are_left_alone() {
        // sum(a) over a read column; count over the product.
        let mut plain = plan(vec![discounted()], vec![measure(4, 1), measure(5, 4)]);
        // max over an integer sum g + g (a fixed int32 kernel).
        let mut integer = plan(
            vec![call(3, &[field_reference(0), field_reference(0)])],
            vec![measure(6, 4)],
        );
        // q1's charge: a * (1 - b) * (1 + b) needs precision 49.
        let charge = call(1, &[discounted(), call(3, &[one(), field_reference(2)])]);
        let mut too_wide = plan(vec![charge], vec![measure(4, 4)]);
        for plan in [&mut plain, &mut integer, &mut too_wide] {
            let before = plan.clone();
            assert_eq!(typed_measure_inputs(plan), 0);
            assert_eq!(*plan, before);
        }
    }

    #[test]
    fn types_flow_through_joins_emits_and_nested_aggregates() {
        let plan = plan(vec![], vec![measure(4, 1), measure(5, 3)]);
        let names = function_names(&plan);
        let typer = Typer { names: &names };
        let aggregate = plan["relations"][0]["root"]["input"].clone();
        // The aggregate: g, sum(a) as decimal(38, 2), count as int64.
        let columns = typer.relation(&aggregate).expect("typed");
        let types: Vec<_> = columns.iter().map(|c| c.data_type.clone()).collect();
        assert_eq!(
            types,
            [
                Ok(ArrowType::Int(32)),
                Ok(ArrowType::Decimal {
                    precision: 38,
                    scale: 2
                }),
                Ok(ArrowType::Int(64))
            ]
        );
        // Joined after the read, emitting the sum and c.
        let join = json!({ "join": {
            "common": { "emit": { "outputMapping": [5, 3] } },
            "type": "JOIN_TYPE_INNER", "left": read(), "right": aggregate
        } });
        let columns = typer.relation(&join).expect("typed");
        assert_eq!(
            columns[0].data_type,
            Ok(ArrowType::Decimal {
                precision: 38,
                scale: 2
            })
        );
        assert_eq!(columns[1].data_type, Ok(ArrowType::Utf8));
        // A relation the pass does not know leaves the join without columns, rather than
        // with the right side's columns in the wrong places.
        let unknown = json!({ "join": { "left": { "exchange": {} }, "right": read() } });
        assert!(typer.relation(&unknown).is_err());
    }

    #[test]
    fn decimal_values_round_trip_through_the_json_form() {
        let one = json!({ "value": "AQAAAAAAAAAAAAAAAAAAAA==", "precision": 1, "scale": 0 });
        assert_eq!(unscaled_of(&one), Some(1));
        // The JSON form leaves out a zero scale, as protobuf's JSON mapping does.
        assert_eq!(
            decimal_json(1, 1, 0),
            Some(json!({ "value": "AQAAAAAAAAAAAAAAAAAAAA==", "precision": 1 }))
        );
        assert_eq!(
            unscaled_of(&decimal_json(-300, 5, 2).expect("json")),
            Some(-300)
        );
        let minus_seven =
            json!({ "value": "+f///////////////////w==", "precision": 1, "scale": 0 });
        assert_eq!(unscaled_of(&minus_seven), Some(-7));
        assert_eq!(unscaled_of(&json!({ "value": "not base64!" })), None);
    }

    #[test]
    fn literals_keep_their_value_in_a_wider_decimal() {
        let d = |precision, scale| ArrowType::Decimal { precision, scale };
        // 0 as decimal(4, 4) and 1 as decimal(1, 0), both as decimal(32, 4): 0 and 10000.
        let zero = decimal_literal_json("AAAAAAAAAAAAAAAAAAAAAA==", 4, 4);
        assert_eq!(
            decimal_literal(&zero["literal"], d(32, 4)),
            Some(decimal_literal_json("AAAAAAAAAAAAAAAAAAAAAA==", 32, 4))
        );
        let widened = decimal_literal(&one()["literal"], d(32, 4)).expect("widened");
        assert_eq!(unscaled_of(&widened["literal"]["decimal"]), Some(10_000));
        // Integers, i64 written as a string.
        let widened = decimal_literal(&json!({ "i64": "-3" }), d(5, 2)).expect("widened");
        assert_eq!(unscaled_of(&widened["literal"]["decimal"]), Some(-300));
        // A narrower scale, too few digits, or not a number: no literal.
        assert_eq!(decimal_literal(&zero["literal"], d(10, 2)), None);
        assert_eq!(decimal_literal(&json!({ "i32": 1000 }), d(3, 0)), None);
        assert_eq!(decimal_literal(&json!({ "string": "x" }), d(10, 2)), None);
    }

    #[test]
    fn a_case_over_a_product_is_typed_below_the_projection_and_the_aggregate() {
        // Columns: g, a, b, c, a * (1 - b); then CASE WHEN true THEN <4> ELSE 0 END as 5;
        // sum(5) by g.
        let zero = decimal_literal_json("AAAAAAAAAAAAAAAAAAAAAA==", 4, 4);
        let case = json!({ "ifThen": {
            "ifs": [{ "if": { "literal": { "boolean": true } }, "then": field_reference(4) }],
            "else": zero
        } });
        let inner = project(read(), vec![discounted()]);
        let mut plan = wrap(aggregate(project(inner, vec![case]), vec![measure(4, 5)]));
        // The ELSE literal, the projection, the aggregate.
        assert_eq!(typed_measure_inputs(&mut plan), 3);

        let aggregate = &plan["relations"][0]["root"]["input"]["aggregate"];
        let nulls = |set: &Value| {
            set["inputs"][0]["project"]["input"]["filter"]["input"]["project"]["expressions"]
                .as_array()
                .expect("literals")
                .iter()
                .map(|literal| literal["literal"]["null"].clone())
                .collect::<Vec<_>>()
        };
        let i32_type = json!({ "i32": { "nullability": "NULLABILITY_NULLABLE" } });
        let string_type = json!({ "string": { "nullability": "NULLABILITY_NULLABLE" } });
        // The aggregate reads g and the case, a decimal(32, 4) once ELSE 0 is one.
        assert_eq!(
            nulls(&aggregate["input"]["set"]),
            [i32_type.clone(), decimal_type(32, 4)]
        );
        let argument = &aggregate["measures"][0]["measure"]["arguments"][0]["value"];
        assert_eq!(field(argument), json!(1));

        // The projection (no emit: every input column is output) reads all five, in place.
        let case_project = &aggregate["input"]["set"]["inputs"][1]["project"]["input"]["project"]["input"]
            ["project"];
        assert_eq!(
            nulls(&case_project["input"]["set"]),
            [
                i32_type,
                decimal_type(15, 2),
                decimal_type(15, 2),
                string_type,
                decimal_type(32, 4)
            ]
        );
        let if_then = &case_project["expressions"][0]["ifThen"];
        assert_eq!(field(&if_then["ifs"][0]["then"]), json!(4));
        assert_eq!(
            if_then["else"],
            decimal_literal_json("AAAAAAAAAAAAAAAAAAAAAA==", 32, 4)
        );
        assert_eq!(typed_measure_inputs(&mut plan), 0);
    }

    #[test]
    fn a_projection_keeps_only_the_columns_it_reads_or_emits() {
        // Over g, a, b, c, a * (1 - b): emit [x + a, c].
        let inner = project(read(), vec![discounted()]);
        let sum = call(3, &[field_reference(4), field_reference(1)]);
        let outer = json!({ "project": {
            "common": { "emit": { "outputMapping": [5, 3] } },
            "input": inner,
            "expressions": [sum]
        } });
        let mut plan = wrap(outer);
        assert_eq!(typed_measure_inputs(&mut plan), 1);
        let outer = &plan["relations"][0]["root"]["input"]["project"];
        // a, c and the product, in that order: a 0, c 1, product 2; the sum after them.
        assert_eq!(outer["common"]["emit"]["outputMapping"], json!([3, 1]));
        let arguments = &outer["expressions"][0]["scalarFunction"]["arguments"];
        assert_eq!(field(&arguments[0]["value"]), json!(2));
        assert_eq!(field(&arguments[1]["value"]), json!(0));
        let used = &outer["input"]["set"]["inputs"][1]["project"]["input"]["project"];
        assert_eq!(used["common"]["emit"]["outputMapping"], json!([1, 3, 4]));
        assert_eq!(typed_measure_inputs(&mut plan), 0);
    }
}
