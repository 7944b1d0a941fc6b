//! Each warning class on a hand-made plan, and its absence where the plan is fine.

use datafusion_substrait::substrait::proto::Plan;

use super::{WarningClass, plan_warnings};

/// A plan filtering table `t` (a: i64, b: decimal(10, 2)) by `condition`, with `equal`
/// declared as anchor 1.
fn filtered(condition: &str) -> Plan {
    let json = format!(
        r#"{{
        "extensionUrns": [{{ "extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_comparison" }}],
        "extensions": [{{ "extensionFunction": {{ "extensionUrnReference": 1, "functionAnchor": 1, "name": "equal" }} }}],
        "relations": [{{ "root": {{ "names": ["a", "b"], "input": {{ "filter": {{
            "input": {{ "read": {{
                "baseSchema": {{ "names": ["a", "b"], "struct": {{ "types": [
                    {{ "i64": {{ "nullability": "NULLABILITY_NULLABLE" }} }},
                    {{ "decimal": {{ "precision": 10, "scale": 2, "nullability": "NULLABILITY_NULLABLE" }} }}
                ] }} }},
                "namedTable": {{ "names": ["t"] }}
            }} }},
            "condition": {condition}
        }} }} }} }}]
    }}"#
    );
    serde_json::from_str(&json).expect("a Substrait JSON plan")
}

fn field(index: u32) -> String {
    format!(
        r#"{{ "selection": {{ "directReference": {{ "structField": {{ "field": {index} }} }}, "rootReference": {{}} }} }}"#
    )
}

fn equal(left: &str, right: &str) -> String {
    format!(
        r#"{{ "scalarFunction": {{ "functionReference": 1,
            "outputType": {{ "bool": {{ "nullability": "NULLABILITY_NULLABLE" }} }},
            "arguments": [{{ "value": {left} }}, {{ "value": {right} }}] }} }}"#
    )
}

/// A decimal literal of `unscaled / 10^scale`, cast to decimal(`precision`, `target_scale`).
fn decimal_cast(unscaled: i128, precision: i32, scale: i32, target_scale: i32) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.encode(unscaled.to_le_bytes());
    format!(
        r#"{{ "cast": {{ "type": {{ "decimal": {{ "precision": 38, "scale": {target_scale}, "nullability": "NULLABILITY_REQUIRED" }} }},
            "input": {{ "literal": {{ "decimal": {{ "value": "{bytes}", "precision": {precision}, "scale": {scale} }} }} }},
            "failureBehavior": "FAILURE_BEHAVIOR_THROW_EXCEPTION" }} }}"#
    )
}

fn classes(plan: &Plan) -> Vec<(WarningClass, String)> {
    plan_warnings(plan)
        .into_iter()
        .map(|w| (w.class, w.path))
        .collect()
}

#[test]
fn a_column_compared_with_itself_is_a_self_comparison() {
    let plan = filtered(&equal(&field(0), &field(0)));
    assert_eq!(
        classes(&plan),
        [(WarningClass::SelfComparison, "filter/condition".to_string())]
    );
    let fine = filtered(&equal(&field(0), &field(1)));
    assert_eq!(classes(&fine), []);
}

#[test]
fn a_fraction_cast_to_fewer_decimal_places_is_lossy() {
    // 0.0001 as decimal(5, 4) cast to decimal(38, 2): 0.
    let plan = filtered(&equal(&field(1), &decimal_cast(1, 5, 4, 2)));
    let warnings = plan_warnings(&plan);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].class, WarningClass::LossyLiteralCast);
    assert_eq!(warnings[0].path, "filter/condition/arguments[1]");
    assert!(warnings[0].message.contains("0.0001"), "{}", warnings[0]);
    // 0.50 to two places keeps its value; so does 12.5 to four.
    assert_eq!(
        classes(&filtered(&equal(&field(1), &decimal_cast(50, 3, 2, 2)))),
        []
    );
    assert_eq!(
        classes(&filtered(&equal(&field(1), &decimal_cast(125, 3, 1, 4)))),
        []
    );
}

#[test]
fn a_comparison_with_a_null_literal_is_flagged() {
    let null = r#"{ "literal": { "null": { "i64": { "nullability": "NULLABILITY_NULLABLE" } } } }"#;
    let plan = filtered(&equal(&field(0), null));
    assert_eq!(
        classes(&plan),
        [(WarningClass::NullComparison, "filter/condition".to_string())]
    );
}
