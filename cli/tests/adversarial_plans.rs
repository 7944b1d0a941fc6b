//! Adversarial plans through the real `switchyard` binary: each is refused with one clear
//! line and exit status 1 before any engine runs it, and never crashes the process (a stack
//! overflow or an abort would show as a signal, not status 1).

mod common;

use std::path::{Path, PathBuf};

use common::Fixture;
use switchyard_producer::substrait::proto::Version;
use switchyard_producer::substrait::proto::extensions::simple_extension_declaration::{
    ExtensionFunction, MappingType,
};
use switchyard_producer::substrait::proto::extensions::{
    SimpleExtensionDeclaration, SimpleExtensionUrn,
};
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::{
    FilterRel, Plan, PlanRel, ReferenceRel, Rel, RelRoot, plan_rel,
};
use switchyard_producer::{PRODUCER_NAME, PlanFormat, encode_plan};

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// A protobuf varint.
fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// The key of a length-delimited field.
fn key(field: u64) -> Vec<u8> {
    varint((field << 3) | 2)
}

/// `body` wrapped in the given length-delimited fields, innermost first, written without
/// building each level (so a 100,000-level plan costs linear time).
fn wrapped(body: &[u8], fields_inside_out: &[u64]) -> Vec<u8> {
    let mut headers = Vec::with_capacity(fields_inside_out.len());
    let mut length = body.len() as u64;
    for &field in fields_inside_out {
        let mut header = key(field);
        header.extend(varint(length));
        length += header.len() as u64;
        headers.push(header);
    }
    let mut out = Vec::with_capacity(usize::try_from(length).expect("fits"));
    for header in headers.iter().rev() {
        out.extend(header);
    }
    out.extend(body);
    out
}

/// A plan whose root is `rel_body` (the bytes of one `Rel`): Plan.relations(3) →
/// PlanRel.root(2) → RelRoot.input(1).
fn plan_around_rel(rel_body: &[u8]) -> Vec<u8> {
    wrapped(rel_body, &[1, 2, 3])
}

/// A `Rel` holding an empty named-table read: Rel.read(1) with an empty ReadRel.
fn read_rel() -> Vec<u8> {
    wrapped(&[], &[1])
}

fn fails(fixture: &Fixture, file: &str, bytes: &[u8], needle: &str) {
    let path = fixture.write(file, bytes);
    fixture.fails(&["run", path_str(&path)], needle);
}

fn write_plan(fixture: &Fixture, file: &str, plan: &Plan) -> PathBuf {
    let bytes = encode_plan(plan, PlanFormat::Binary).expect("encodes");
    fixture.write(file, &bytes)
}

fn root(rel: Rel) -> PlanRel {
    PlanRel {
        rel_type: Some(plan_rel::RelType::Root(RelRoot {
            input: Some(rel),
            names: vec!["x".into()],
        })),
    }
}

fn reference(ordinal: i32) -> Rel {
    Rel {
        rel_type: Some(RelType::Reference(ReferenceRel {
            subtree_ordinal: ordinal,
        })),
    }
}

#[test]
fn binary_plan_nested_100000_deep_is_refused_without_overflow() {
    let fixture = Fixture::new();
    // Rel.filter(2) → FilterRel.input(2), 100,000 times over a read.
    let levels = [2u64, 2].repeat(100_000);
    let deep = wrapped(&read_rel(), &levels);
    let plan = plan_around_rel(&deep);
    fails(&fixture, "deep.bin", &plan, "recursion limit");
}

#[test]
fn json_plan_nested_100000_deep_is_refused_without_overflow() {
    let fixture = Fixture::new();
    let depth = 100_000;
    let mut json = String::from(r#"{"relations":[{"root":{"input":"#);
    json.push_str(&r#"{"filter":{"input":"#.repeat(depth));
    json.push_str(r#"{"read":{"namedTable":{"names":["cities"]}}}"#);
    json.push_str(&"}}".repeat(depth));
    json.push_str("}}]}");
    fails(&fixture, "deep.json", json.as_bytes(), "recursion limit");
}

#[test]
fn sql_nested_100000_deep_is_refused_without_overflow() {
    let fixture = Fixture::new();
    let sql = format!(
        "select {}1{} from cities",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let path = fixture.write("deep.sql", sql.as_bytes());
    fixture.fails(
        &["run", "--sql-file", path_str(&path)],
        "RecursionLimitExceeded",
    );
}

#[test]
fn ten_million_literals_are_refused_before_decoding() {
    let fixture = Fixture::new();
    // ProjectRel.expressions(3) × 10^7, each Expression.literal(1) → Literal.boolean(1) = true.
    let literal = [0x1a, 0x04, 0x0a, 0x02, 0x08, 0x01];
    let mut project = wrapped(&read_rel(), &[2]); // ProjectRel.input
    project.reserve(literal.len() * 10_000_000);
    for _ in 0..10_000_000 {
        project.extend_from_slice(&literal);
    }
    let rel = wrapped(&project, &[7]); // Rel.project
    let plan = plan_around_rel(&rel);
    assert!(plan.len() > 60_000_000);
    let path = fixture.write("literals.bin", &plan);
    // With the default limits the size alone refuses it, before the file is read.
    fixture.fails(&["run", path_str(&path)], "over the limit of 16777216");
    // Raised past its size, the element count refuses it before decoding.
    std::fs::write(
        fixture.config(),
        "tables:\n  cities: { path: cities.csv, format: csv }\n\
         service:\n  limits:\n    max_plan_bytes: 256MiB\n",
    )
    .expect("config");
    fixture.fails(
        &["run", path_str(&path)],
        "more than 1000000 protobuf fields",
    );
}

#[test]
fn a_length_claiming_two_gigabytes_is_refused() {
    let fixture = Fixture::new();
    // Plan.relations(3) claiming 2^31 bytes, followed by a few.
    let mut claim = key(3);
    claim.extend(varint(1 << 31));
    claim.extend([0u8; 64]);
    fails(
        &fixture,
        "claim.bin",
        &claim,
        "not a Substrait protobuf plan",
    );
    // A 2 GB file (sparse: no disk is used) is refused from its size, without reading it.
    let path = fixture.path("huge.bin");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(2 << 30).expect("sparse file");
    fixture.fails(
        &["run", path_str(&path)],
        "is 2147483648 bytes, over the limit",
    );
}

#[test]
fn reference_to_a_relation_that_does_not_exist() {
    let fixture = Fixture::new();
    let plan = Plan {
        relations: vec![root(reference(5))],
        ..Default::default()
    };
    let path = write_plan(&fixture, "reference.bin", &plan);
    fixture.fails(
        &["run", path_str(&path)],
        "relations[0] holds a ReferenceRel to relations[5], which does not exist",
    );
}

#[test]
fn reference_cycles_are_refused() {
    let fixture = Fixture::new();
    let itself = Plan {
        relations: vec![root(reference(0))],
        ..Default::default()
    };
    let path = write_plan(&fixture, "self.bin", &itself);
    fixture.fails(
        &["run", path_str(&path)],
        "ReferenceRels form a cycle: relations[0] → relations[0]",
    );
    let filter_over = |ordinal| Rel {
        rel_type: Some(RelType::Filter(Box::new(FilterRel {
            input: Some(Box::new(reference(ordinal))),
            ..Default::default()
        }))),
    };
    let two = Plan {
        relations: vec![
            PlanRel {
                rel_type: Some(plan_rel::RelType::Rel(filter_over(1))),
            },
            root(filter_over(0)),
        ],
        ..Default::default()
    };
    let path = write_plan(&fixture, "cycle.bin", &two);
    fixture.fails(
        &["run", path_str(&path)],
        "ReferenceRels form a cycle: relations[0] → relations[1] → relations[0]",
    );
}

fn compiled_json(fixture: &Fixture, sql: &str) -> String {
    let path = fixture.path("compiled.json");
    fixture
        .switchyard()
        .args(["plan", "--sql", sql, "-o"])
        .arg(&path)
        .assert()
        .success();
    std::fs::read_to_string(path).expect("plan")
}

#[test]
fn a_call_to_an_undeclared_function_anchor_is_refused_with_its_path() {
    let fixture = Fixture::new();
    let json = compiled_json(&fixture, "select population + 1 from cities");
    // The plan calls anchor 0 (JSON leaves it out); call 77, which nothing declares.
    let edited = json.replace(
        "\"scalarFunction\": {",
        "\"scalarFunction\": {\"functionReference\": 77,",
    );
    assert_ne!(edited, json, "the plan calls a function");
    fails(
        &fixture,
        "undeclared.json",
        edited.as_bytes(),
        "calls function anchor 77, which the plan's extensions do not declare",
    );
}

#[test]
fn a_decimal_outside_precision_and_scale_rules_is_refused_with_its_path() {
    let fixture = Fixture::new();
    let json = compiled_json(
        &fixture,
        "select cast(population as decimal(10, 2)) from cities",
    );
    for (from, to, needle) in [
        (
            "\"precision\": 10",
            "\"precision\": 60",
            "has precision 60; it must be 1 to 38",
        ),
        (
            "\"precision\": 10",
            "\"precision\": 0",
            "has precision 0; it must be 1 to 38",
        ),
        (
            "\"scale\": 2",
            "\"scale\": 12",
            "has scale 12; it must be 0 to the precision",
        ),
    ] {
        let edited = json.replace(from, to);
        assert_ne!(edited, json, "the plan casts to decimal(10, 2)");
        fails(&fixture, "decimal.json", edited.as_bytes(), needle);
    }
}

#[test]
fn a_declaration_naming_an_undeclared_urn_is_refused() {
    let fixture = Fixture::new();
    // Named as Switchyard's own, so import repairs nothing (for other producers it places
    // functions whose URN is unusable in their standard extension, by name).
    let plan = Plan {
        version: Some(Version {
            producer: PRODUCER_NAME.to_string(),
            minor_number: 85,
            ..Default::default()
        }),
        relations: vec![root(Rel {
            rel_type: Some(RelType::Read(Box::default())),
        })],
        extension_urns: vec![SimpleExtensionUrn {
            extension_urn_anchor: 1,
            urn: "extension:io.substrait:functions_arithmetic".into(),
        }],
        extensions: vec![SimpleExtensionDeclaration {
            mapping_type: Some(MappingType::ExtensionFunction(ExtensionFunction {
                extension_urn_reference: 9,
                function_anchor: 1,
                name: "add".into(),
            })),
        }],
        ..Default::default()
    };
    let path = write_plan(&fixture, "urn.bin", &plan);
    fixture.fails(
        &["run", path_str(&path)],
        "references URN anchor 9, which is not declared",
    );
}

#[test]
fn a_function_with_the_wrong_arity_is_refused_before_any_engine() {
    let fixture = Fixture::new();
    let json = compiled_json(&fixture, "select population + population from cities");
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let arguments = find_arguments(&mut value).expect("the plan has a call");
    let first = arguments[0].clone();
    arguments.push(first);
    let path = fixture.write("arity.json", value.to_string().as_bytes());
    fixture.fails(&["run", path_str(&path)], "no engine can run this plan");
    let output = fixture
        .switchyard()
        .args(["explain", path_str(&path)])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("add(i64, i64, i64)"), "{stdout}");
}

#[test]
fn a_function_with_the_wrong_argument_types_is_refused_before_any_engine() {
    let fixture = Fixture::new();
    let json = compiled_json(&fixture, "select population + 1 from cities");
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let arguments = find_arguments(&mut value).expect("the plan has a call");
    arguments[1] = serde_json::json!({"value": {"literal": {"string": "one"}}});
    let path = fixture.write("types.json", value.to_string().as_bytes());
    fixture.fails(&["run", path_str(&path)], "no engine can run this plan");
}

#[test]
fn an_unknown_extension_urn_is_refused_before_any_engine() {
    let fixture = Fixture::new();
    let json = compiled_json(&fixture, "select population + 1 from cities");
    let mut value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    value["extensionUrns"] = serde_json::json!([
        {"extensionUrnAnchor": 1, "urn": "extension:com.example:unheard_of"}
    ]);
    for declaration in value["extensions"].as_array_mut().expect("extensions") {
        declaration["extensionFunction"]["extensionUrnReference"] = 1.into();
        declaration["extensionFunction"]["name"] = "frobnicate:i64_i64".into();
    }
    let path = fixture.write("urn.json", value.to_string().as_bytes());
    fixture.fails(&["run", path_str(&path)], "no engine can run this plan");
    let output = fixture
        .switchyard()
        .args(["explain", path_str(&path)])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("extension:com.example:unheard_of"),
        "{stdout}"
    );
}

#[test]
fn empty_plans_are_refused() {
    let fixture = Fixture::new();
    fails(&fixture, "empty.bin", b"", "plan is empty");
    fails(&fixture, "blank.json", b"  \n ", "plan is empty");
    fails(&fixture, "empty.json", b"{}", "plan has no relations");
    let hollow = Plan {
        relations: vec![PlanRel::default()],
        ..Default::default()
    };
    let path = write_plan(&fixture, "hollow.bin", &hollow);
    fixture.fails(&["run", path_str(&path)], "relations[0] has no relation");
}

/// The arguments of the first function call in a JSON plan.
fn find_arguments(value: &mut serde_json::Value) -> Option<&mut Vec<serde_json::Value>> {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("scalarFunction") {
                return map
                    .get_mut("scalarFunction")
                    .and_then(|call| call.get_mut("arguments"))
                    .and_then(|a| a.as_array_mut());
            }
            map.values_mut().find_map(find_arguments)
        }
        serde_json::Value::Array(items) => items.iter_mut().find_map(find_arguments),
        _ => None,
    }
}
