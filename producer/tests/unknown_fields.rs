//! The unknown-field check: what it refuses, where it says it is, and what passes with a note.
//!
//! Binary plans are crafted by decoding a known plan as a `DynamicMessage`, merging a tag and a
//! value the descriptors do not know into one sub-message, and encoding it again: exactly what
//! a producer built against a newer spec would send.

use prost::Message;
use prost::encoding::{WireType, encode_key, encode_varint};
use prost_reflect::{DynamicMessage, Value as Reflected};
use serde_json::{Value, json};
use switchyard_producer::unknown_fields::descriptors::plan_descriptor;
use switchyard_producer::unknown_fields::{LegacyFields, check_plan_bytes, check_plan_json};
use switchyard_producer::{
    Catalog, PlanFormat, ProducerError, ValidatedPlan, decode_plan, decode_plan_as, encode_plan,
    import_json, import_plan_bytes,
};

/// A spec 0.85 plan: `select a from t where a > 5`, with a hint on the filter.
fn plan_json() -> Value {
    json!({
        "version": { "minorNumber": 85, "producer": "test" },
        "extensionUrns": [{ "extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_comparison" }],
        "extensions": [{ "extensionFunction": {
            "extensionUrnReference": 1, "functionAnchor": 1, "name": "gt"
        } }],
        "relations": [{ "root": { "input": { "filter": {
            "common": { "hint": { "alias": "f" } },
            "input": { "read": {
                "baseSchema": { "names": ["a"], "struct": {
                    "types": [{ "i64": { "nullability": "NULLABILITY_REQUIRED" } }],
                    "nullability": "NULLABILITY_REQUIRED"
                } },
                "namedTable": { "names": ["t"] }
            } },
            "condition": { "scalarFunction": {
                "functionReference": 1,
                "arguments": [
                    { "value": { "selection": {
                        "directReference": { "structField": { "field": 0 } },
                        "rootReference": {}
                    } } },
                    { "value": { "literal": { "i64": "5" } } }
                ],
                "outputType": { "bool": { "nullability": "NULLABILITY_REQUIRED" } }
            } }
        } }, "names": ["a"] } }]
    })
}

const FILTER: &str = "relations[0].root.input.filter";
const CONDITION: &str = "relations[0].root.input.filter.condition.scalar_function";
const TOP: &str = "the plan's top level";

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON encodes")
}

fn plan_bytes() -> Vec<u8> {
    let plan = decode_plan_as(&json_bytes(&plan_json()), PlanFormat::Json).expect("base plan");
    encode_plan(&plan, PlanFormat::Binary).expect("encodes")
}

/// The plan as a dynamic message, for surgery.
fn dynamic_plan() -> DynamicMessage {
    DynamicMessage::decode(
        plan_descriptor().expect("descriptors"),
        plan_bytes().as_slice(),
    )
    .expect("decodes")
}

/// The sub-message at `path` (proto field names; numbers index repeated fields).
fn sub_message<'a>(message: &'a mut DynamicMessage, path: &[&str]) -> &'a mut DynamicMessage {
    let Some((first, rest)) = path.split_first() else {
        return message;
    };
    let value = message
        .get_field_by_name_mut(first)
        .unwrap_or_else(|| panic!("no field {first}"));
    let (value, rest) = match (value, rest.split_first()) {
        (Reflected::List(items), Some((index, rest))) => {
            let index: usize = index.parse().expect("an index follows a repeated field");
            (&mut items[index], rest)
        }
        (value, _) => (value, rest),
    };
    match value {
        Reflected::Message(inner) => sub_message(inner, rest),
        other => panic!("{first} is not a message: {other:?}"),
    }
}

/// Field `number` = 1 as a varint, which spec 0.85 does not define where it is put.
fn unknown_varint(number: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_key(number, WireType::Varint, &mut bytes);
    encode_varint(1, &mut bytes);
    bytes
}

/// The plan's bytes with `extra` (a tag and value) merged into the message at `path`.
fn binary_with(path: &[&str], extra: &[u8]) -> Vec<u8> {
    let mut plan = dynamic_plan();
    sub_message(&mut plan, path).merge(extra).expect("merges");
    plan.encode_to_vec()
}

/// The refusal's path and field, failing the test if it is anything else.
fn refusal(result: Result<impl std::fmt::Debug, ProducerError>) -> (String, String) {
    match result {
        Err(ProducerError::UnknownField { path, field, .. }) => (path, field),
        other => panic!("expected an unknown-field refusal, got {other:?}"),
    }
}

fn json_refusal(value: &Value) -> (String, String) {
    let from_check = refusal(check_plan_json(value));
    // The decoding and import paths refuse it the same way.
    assert_eq!(
        refusal(decode_plan(&json_bytes(value))),
        from_check,
        "decode_plan"
    );
    let text = serde_json::to_string(value).expect("JSON encodes");
    assert_eq!(
        refusal(import_json(&text, &Catalog::new())),
        from_check,
        "import_json"
    );
    from_check
}

fn binary_refusal(bytes: &[u8]) -> (String, String) {
    let from_check = refusal(check_plan_bytes(bytes, LegacyFields::Refuse));
    assert_eq!(refusal(decode_plan(bytes)), from_check, "decode_plan");
    assert_eq!(
        refusal(ValidatedPlan::from_bytes(bytes)),
        from_check,
        "ValidatedPlan::from_bytes"
    );
    assert_eq!(
        refusal(import_plan_bytes(bytes, &Catalog::new())),
        from_check,
        "import_plan_bytes"
    );
    from_check
}

#[test]
fn the_base_plan_passes_every_path_without_notes() {
    // Without this, every refusal below could come from a broken base plan.
    let value = plan_json();
    assert_eq!(
        check_plan_json(&value).expect("passes"),
        Vec::<String>::new()
    );
    let bytes = plan_bytes();
    assert_eq!(
        check_plan_bytes(&bytes, LegacyFields::Refuse).expect("passes"),
        Vec::<String>::new()
    );
    ValidatedPlan::from_bytes(&bytes).expect("binary validates");
    ValidatedPlan::from_bytes(&json_bytes(&value)).expect("JSON validates");
    let (_, report) = import_plan_bytes(&bytes, &Catalog::new()).expect("imports");
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let text = value.to_string();
    let (_, report) = import_json(&text, &Catalog::new()).expect("imports");
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn json_unknown_key_at_the_top_level_is_refused() {
    let mut value = plan_json();
    value["someFieldFromTheFuture"] = json!(1);
    let (path, field) = json_refusal(&value);
    assert_eq!(path, TOP);
    assert_eq!(field, r#"field "someFieldFromTheFuture""#);
}

#[test]
fn json_unknown_key_in_a_relation_is_refused() {
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["fooBar"] = json!(true);
    let (path, field) = json_refusal(&value);
    assert_eq!(path, FILTER);
    assert_eq!(field, r#"field "fooBar""#);
    let message = check_plan_json(&value).expect_err("refused").to_string();
    assert_eq!(
        message,
        "refused: unknown field \"fooBar\" at relations[0].root.input.filter (Substrait 0.85 \
         descriptors; the plan may come from a newer spec)"
    );
}

#[test]
fn json_unknown_key_in_an_expression_is_refused() {
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["condition"]["scalarFunction"]["nullHandling"] =
        json!("NULLS_IGNORED");
    let (path, field) = json_refusal(&value);
    assert_eq!(path, CONDITION);
    assert_eq!(field, r#"field "nullHandling""#);
}

#[test]
fn json_unknown_key_inside_a_list_element_names_its_index() {
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["condition"]["scalarFunction"]["arguments"]
        [1]["value"]["literal"]["i64Checked"] = json!(true);
    let (path, _) = json_refusal(&value);
    assert_eq!(path, format!("{CONDITION}.arguments[1].value.literal"));
}

#[test]
fn json_unknown_enum_value_is_refused() {
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["input"]["read"]["baseSchema"]["struct"]["types"]
        [0]["i64"]["nullability"] = json!("NULLABILITY_SOMETIMES");
    let (path, field) = refusal(check_plan_json(&value));
    assert_eq!(
        path,
        "relations[0].root.input.filter.input.read.base_schema.struct.types[0].i64.nullability"
    );
    assert_eq!(
        field,
        r#"enum value "NULLABILITY_SOMETIMES" of substrait.Type.Nullability"#
    );
    // An unknown number is refused as well; a known one passes.
    value["relations"][0]["root"]["input"]["filter"]["input"]["read"]["baseSchema"]["struct"]["types"]
        [0]["i64"]["nullability"] = json!(9);
    refusal(check_plan_json(&value));
    value["relations"][0]["root"]["input"]["filter"]["input"]["read"]["baseSchema"]["struct"]["types"]
        [0]["i64"]["nullability"] = json!(2);
    check_plan_json(&value).expect("a known number passes");
}

#[test]
fn json_keys_in_both_spellings_are_known() {
    let mut value = plan_json();
    let filter = &mut value["relations"][0]["root"]["input"]["filter"];
    let read = filter["input"]["read"].take();
    filter["input"]["read"] = json!({
        "base_schema": read["baseSchema"].clone(),
        "named_table": read["namedTable"].clone(),
    });
    check_plan_json(&value).expect("proto names are accepted as pbjson accepts them");
}

#[test]
fn binary_unknown_field_at_the_top_level_is_refused() {
    let (path, field) = binary_refusal(&binary_with(&[], &unknown_varint(99)));
    assert_eq!(path, TOP);
    assert_eq!(field, "field 99 (wire type Varint)");
}

#[test]
fn binary_unknown_field_in_a_relation_is_refused() {
    let bytes = binary_with(
        &["relations", "0", "root", "input", "filter"],
        &unknown_varint(77),
    );
    let (path, field) = binary_refusal(&bytes);
    assert_eq!(path, FILTER);
    assert_eq!(field, "field 77 (wire type Varint)");
}

#[test]
fn binary_unknown_field_in_an_expression_is_refused() {
    let condition = [
        "relations",
        "0",
        "root",
        "input",
        "filter",
        "condition",
        "scalar_function",
    ];
    let bytes = binary_with(&condition, &unknown_varint(1234));
    let (path, field) = binary_refusal(&bytes);
    assert_eq!(path, CONDITION);
    assert_eq!(field, "field 1234 (wire type Varint)");
}

#[test]
fn binary_unknown_enum_value_is_refused() {
    let mut plan = dynamic_plan();
    let path = [
        "relations",
        "0",
        "root",
        "input",
        "filter",
        "input",
        "read",
        "base_schema",
        "struct",
        "types",
        "0",
        "i64",
    ];
    sub_message(&mut plan, &path).set_field_by_name("nullability", Reflected::EnumNumber(42));
    let (path, field) = binary_refusal(&plan.encode_to_vec());
    assert_eq!(
        path,
        "relations[0].root.input.filter.input.read.base_schema.struct.types[0].i64.nullability"
    );
    assert_eq!(field, "enum value 42 of substrait.Type.Nullability");
}

#[test]
fn unknown_fields_inside_a_hint_pass_with_a_note() {
    let hint = [
        "relations",
        "0",
        "root",
        "input",
        "filter",
        "common",
        "hint",
    ];
    let bytes = binary_with(&hint, &unknown_varint(99));
    let notes = check_plan_bytes(&bytes, LegacyFields::Refuse).expect("a hint is inert");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(
            "ignored unknown field 99 (wire type Varint) at relations[0].root.input.filter.common.hint"
        ),
        "{notes:?}"
    );
    let (_, report) = import_plan_bytes(&bytes, &Catalog::new()).expect("imports");
    assert_eq!(report.notes, notes);
    ValidatedPlan::from_bytes(&bytes).expect("decodes strictly too");

    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["common"]["hint"]["costModelV2"] = json!({});
    let (_, report) = import_json(&value.to_string(), &Catalog::new()).expect("imports");
    assert_eq!(report.notes.len(), 1, "{:?}", report.notes);
    assert!(report.notes[0].contains(r#"field "costModelV2""#));
    assert!(report.notes[0].contains("relations[0].root.input.filter.common.hint"));
    // The same key one level up, outside the hint, is refused.
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["common"]["costModelV2"] = json!({});
    assert_eq!(
        json_refusal(&value).0,
        "relations[0].root.input.filter.common"
    );
}

#[test]
fn any_payloads_pass_with_a_note() {
    let mut value = plan_json();
    value["advancedExtensions"] = json!({
        "optimization": [{ "typeUrl": "type.googleapis.com/acme.Stats", "value": "" }],
        "enhancement": { "@type": "type.googleapis.com/acme.Semantics", "strict": true }
    });
    let notes = check_plan_json(&value).expect("Any payloads are opaque");
    assert_eq!(notes.len(), 2, "{notes:?}");
    let note = |needle: &str| {
        notes
            .iter()
            .find(|note| note.contains(needle))
            .unwrap_or_else(|| panic!("no note on {needle}: {notes:?}"))
            .clone()
    };
    assert!(note("acme.Stats").contains("advanced_extensions.optimization[0]"));
    assert!(note("acme.Stats").contains("may be ignored"));
    assert!(note("acme.Semantics").contains("changes the plan's meaning"));

    // The pbjson form's own keys are still checked, outside inert fields.
    value["advancedExtensions"]["enhancement"] =
        json!({ "typeUrl": "type.googleapis.com/acme.Semantics", "value": "", "typeURI": "x" });
    let (path, field) = json_refusal(&value);
    assert_eq!(path, "advanced_extensions.enhancement");
    assert_eq!(field, r#"field "typeURI""#);
    // Inside an optimization (inert) the same key is only noted.
    value["advancedExtensions"]["enhancement"] = json!(null);
    value["advancedExtensions"]["optimization"][0]["typeURI"] = json!("x");
    let notes = check_plan_json(&value).expect("inert");
    assert!(
        notes
            .iter()
            .any(|note| note.contains(r#"ignored unknown field "typeURI""#)),
        "{notes:?}"
    );

    // Binary: the same optimization, as bytes, is a note too.
    let mut value = plan_json();
    value["advancedExtensions"] = json!({
        "optimization": [{ "typeUrl": "type.googleapis.com/acme.Stats", "value": "AAEC" }]
    });
    let plan = decode_plan_as(&json_bytes(&value), PlanFormat::Json).expect("decodes");
    let bytes = encode_plan(&plan, PlanFormat::Binary).expect("encodes");
    let notes = check_plan_bytes(&bytes, LegacyFields::Refuse).expect("opaque");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("acme.Stats"));
}

/// A pre-0.85 plan's `extension_uris` (field 1 of `Plan`) and a declaration's
/// `extension_uri_reference` (field 1 of `ExtensionFunction`).
fn binary_with_extension_uris() -> Vec<u8> {
    let mut uri = Vec::new();
    encode_key(1, WireType::Varint, &mut uri);
    encode_varint(1, &mut uri);
    prost::encoding::string::encode(2, &"/functions_comparison.yaml".to_string(), &mut uri);
    let mut top = Vec::new();
    prost::encoding::bytes::encode(1, &uri, &mut top);
    let mut plan = dynamic_plan();
    plan.merge(top.as_slice()).expect("merges");
    sub_message(&mut plan, &["extensions", "0", "extension_function"])
        .merge(unknown_varint(1).as_slice())
        .expect("merges");
    plan.encode_to_vec()
}

#[test]
fn older_specs_extension_uris_are_refused_strictly_and_noted_on_import() {
    let bytes = binary_with_extension_uris();
    match decode_plan(&bytes) {
        Err(error @ ProducerError::UnknownField { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("field 1 (wire type LengthDelimited)"),
                "{message}"
            );
            assert!(message.contains("older spec"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let (_, report) = import_plan_bytes(&bytes, &Catalog::new()).expect("imports");
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[0].contains("extension_uris"));
    assert!(report.notes[1].contains("extension_uri_reference"));
    assert!(report.notes[1].contains("extensions[0].extension_function"));
    // Anything else unknown in the same plan is still refused.
    let mut plan =
        DynamicMessage::decode(plan_descriptor().expect("descriptors"), bytes.as_slice())
            .expect("decodes");
    plan.merge(unknown_varint(99).as_slice()).expect("merges");
    refusal(import_plan_bytes(&plan.encode_to_vec(), &Catalog::new()));
}

#[test]
fn json_extension_uris_are_mapped_before_the_check() {
    let mut value = plan_json();
    let root = value.as_object_mut().expect("object");
    root.remove("extensionUrns");
    root.insert(
        "extensionUris".to_string(),
        json!([{ "extensionUriAnchor": 1, "uri": "/functions_comparison.yaml" }]),
    );
    value["extensions"][0]["extensionFunction"] =
        json!({ "extensionUriReference": 1, "functionAnchor": 1, "name": "gt" });
    let (plan, _) = import_json(&value.to_string(), &Catalog::new()).expect("imports");
    assert_eq!(plan.extension_urns.len(), 1);
    // Strict decoding has no such pass, and says the key belongs to an older spec.
    match decode_plan(&json_bytes(&value)) {
        Err(error @ ProducerError::UnknownField { .. }) => {
            let message = error.to_string();
            // Either removed key may come first, depending on the JSON map's order.
            assert!(message.contains("field \"extensionUri"), "{message}");
            assert!(message.contains("older spec"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn json_legacy_join_types_are_respelled_before_the_check() {
    let mut value = plan_json();
    let read = value["relations"][0]["root"]["input"]["filter"]["input"].clone();
    value["relations"][0]["root"]["input"]["filter"]["input"] = json!({ "join": {
        "left": read.clone(), "right": read, "type": "JOIN_TYPE_SEMI",
        "expression": { "literal": { "boolean": true } }
    } });
    import_json(&value.to_string(), &Catalog::new()).expect("respelled, then known");
    // Strictly, the old name is an unknown enum value.
    let (path, field) = refusal(check_plan_json(&value));
    assert_eq!(path, "relations[0].root.input.filter.input.join.type");
    assert_eq!(
        field,
        r#"enum value "JOIN_TYPE_SEMI" of substrait.JoinRel.JoinType"#
    );
}

#[test]
fn a_field_a_newer_release_added_is_refused_naming_that_release() {
    // Plan.execution_behavior, added in Substrait 0.87: as a JSON key...
    let mut value = plan_json();
    value["executionBehavior"] = json!({ "variableEvalMode": "VARIABLE_EVALUATION_MODE_PER_PLAN" });
    let message = check_plan_json(&value).expect_err("refused").to_string();
    assert_eq!(
        message,
        "refused: unknown field \"executionBehavior\" at the plan's top level (Substrait 0.85 \
         descriptors; Substrait 0.87.0 added it: the plan comes from a newer spec than \
         Switchyard reads)"
    );
    // ... and as its field number (10, an empty message) in a binary plan.
    let mut empty_message = Vec::new();
    encode_key(10, WireType::LengthDelimited, &mut empty_message);
    encode_varint(0, &mut empty_message);
    let error = check_plan_bytes(&binary_with(&[], &empty_message), LegacyFields::Refuse)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("Substrait 0.87.0 added it"), "{error}");
    // A field no release has keeps the general wording.
    let mut value = plan_json();
    value["relations"][0]["root"]["input"]["filter"]["fooBar"] = json!(true);
    let error = check_plan_json(&value).expect_err("refused").to_string();
    assert!(
        error.contains("the plan may come from a newer spec"),
        "{error}"
    );
}
