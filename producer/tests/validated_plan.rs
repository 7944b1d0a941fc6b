//! The checks every plan passes on entry.

use switchyard_producer::substrait::proto::expression::literal::LiteralType;
use switchyard_producer::substrait::proto::expression::{Literal, RexType};
use switchyard_producer::substrait::proto::extensions::simple_extension_declaration::{
    ExtensionFunction, MappingType,
};
use switchyard_producer::substrait::proto::extensions::{
    SimpleExtensionDeclaration, SimpleExtensionUrn,
};
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::{
    Expression, FilterRel, NamedStruct, Plan, PlanRel, ReadRel, Rel, RelRoot, Type, plan_rel,
    read_rel, r#type,
};
use switchyard_producer::validated::MAX_REL_DEPTH;
use switchyard_producer::{PlanFormat, ProducerError, ValidatedPlan, encode_plan};

/// A read of `table`, one `i64` column `x`.
fn read(table: &str) -> Rel {
    Rel {
        rel_type: Some(RelType::Read(Box::new(ReadRel {
            base_schema: Some(NamedStruct {
                names: vec!["x".into()],
                r#struct: Some(r#type::Struct {
                    types: vec![Type {
                        kind: Some(r#type::Kind::I64(r#type::I64::default())),
                    }],
                    ..Default::default()
                }),
            }),
            read_type: Some(read_rel::ReadType::NamedTable(read_rel::NamedTable {
                names: vec![table.to_string()],
                ..Default::default()
            })),
            ..Default::default()
        }))),
    }
}

/// `input` filtered by `true`.
fn filter(input: Rel) -> Rel {
    Rel {
        rel_type: Some(RelType::Filter(Box::new(FilterRel {
            input: Some(Box::new(input)),
            condition: Some(Box::new(Expression {
                rex_type: Some(RexType::Literal(Literal {
                    literal_type: Some(LiteralType::Boolean(true)),
                    ..Default::default()
                })),
            })),
            ..Default::default()
        }))),
    }
}

fn plan_of(rels: Vec<Option<Rel>>) -> Plan {
    Plan {
        relations: rels
            .into_iter()
            .map(|rel| PlanRel {
                rel_type: rel.map(|input| {
                    plan_rel::RelType::Root(RelRoot {
                        input: Some(input),
                        names: vec!["x".into()],
                    })
                }),
            })
            .collect(),
        ..Default::default()
    }
}

fn function(anchor: u32, urn_reference: u32, name: &str) -> SimpleExtensionDeclaration {
    SimpleExtensionDeclaration {
        mapping_type: Some(MappingType::ExtensionFunction(ExtensionFunction {
            extension_urn_reference: urn_reference,
            function_anchor: anchor,
            name: name.to_string(),
        })),
    }
}

fn invalid(plan: Plan) -> String {
    match ValidatedPlan::new(plan) {
        Err(ProducerError::Invalid(message)) => message,
        other => panic!("expected an invalid plan, got {other:?}"),
    }
}

#[test]
fn a_simple_plan_passes_and_round_trips() {
    let plan = plan_of(vec![Some(filter(read("t")))]);
    let bytes = encode_plan(&plan, PlanFormat::Binary).expect("encode");
    let (validated, format) = ValidatedPlan::from_bytes(&bytes).expect("valid");
    assert_eq!(format, PlanFormat::Binary);
    assert_eq!(validated.plan(), &plan);
    assert_eq!(validated.producer(), None);
}

#[test]
fn relation_count_must_be_one() {
    assert_eq!(invalid(plan_of(vec![])), "plan has no relations");
    let two = plan_of(vec![Some(read("a")), Some(read("b"))]);
    assert!(invalid(two).contains("exactly one root relation"));
    assert_eq!(invalid(plan_of(vec![None])), "relations[0] has no relation");
}

#[test]
fn depth_is_bounded() {
    let mut rel = read("t");
    for _ in 0..MAX_REL_DEPTH {
        rel = filter(rel);
    }
    let message = invalid(plan_of(vec![Some(rel)]));
    assert!(
        message.contains(&format!("over the limit of {MAX_REL_DEPTH}")),
        "{message}"
    );
}

#[test]
fn deep_protobuf_is_refused_while_decoding() {
    let mut rel = read("t");
    for _ in 0..200 {
        rel = filter(rel);
    }
    let bytes = encode_plan(&plan_of(vec![Some(rel)]), PlanFormat::Binary).expect("encode");
    let err = ValidatedPlan::from_bytes(&bytes).expect_err("too deep");
    assert!(err.to_string().contains("recursion limit"), "{err}");
}

#[test]
fn extension_anchors_are_checked() {
    let mut plan = plan_of(vec![Some(read("t"))]);
    plan.extensions = vec![function(1, 0, "add"), function(1, 0, "subtract")];
    assert!(invalid(plan.clone()).contains("function anchor 1 is declared twice"));

    plan.extension_urns = vec![SimpleExtensionUrn {
        extension_urn_anchor: 7,
        urn: "extension:io.substrait:functions_arithmetic".into(),
    }];
    plan.extensions = vec![function(1, 8, "add")];
    assert!(invalid(plan.clone()).contains("references URN anchor 8, which is not declared"));

    plan.extensions = vec![function(1, 7, "add")];
    ValidatedPlan::new(plan).expect("declared URN");
}

#[test]
fn json_is_detected_and_bad_json_is_named() {
    let plan = plan_of(vec![Some(read("t"))]);
    let json = encode_plan(&plan, PlanFormat::Json).expect("encode");
    let (_, format) = ValidatedPlan::from_bytes(&json).expect("valid");
    assert_eq!(format, PlanFormat::Json);
    let err = ValidatedPlan::from_bytes(b"  {\"relations\": 3}").expect_err("bad");
    assert!(
        err.to_string().contains("not a Substrait JSON plan"),
        "{err}"
    );
}
