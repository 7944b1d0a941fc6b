//! Field references: into the input (`RootReference`), into an enclosing query's input
//! (`OuterReference`, by `steps_out`), or into an expression's value; each must name a
//! column that exists.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::FieldReference;
use datafusion_substrait::substrait::proto::expression::field_reference::{
    ReferenceType, RootType,
};
use datafusion_substrait::substrait::proto::expression::reference_segment::{self, StructField};
use datafusion_substrait::substrait::proto::r#type::Kind;

use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(
    w: &mut Walker<'_>,
    reference: &FieldReference,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let outer_schema;
    let root: RootOf<'_> = match reference.root_type.as_ref() {
        Some(RootType::OuterReference(outer)) => {
            let steps = usize::try_from(outer.steps_out).unwrap_or(usize::MAX);
            let available = w.outer.len();
            if steps == 0 || steps > available {
                w.problem(
                    path,
                    format!(
                        "an outer reference steps out {} queries, but it is nested in {available}",
                        outer.steps_out
                    ),
                );
                return None;
            }
            outer_schema = w.outer[available - steps].clone();
            RootOf::Schema(&outer_schema, "enclosing query's input")
        }
        Some(RootType::Expression(e)) => {
            let ty = w.expression(e, input, &format!("{path}/expression"), rel);
            RootOf::Value(ty)
        }
        Some(RootType::RootReference(_)) | None => RootOf::Schema(input, "input"),
        // A lambda's parameters: lambdas are not walked into, so neither are these.
        Some(RootType::LambdaParameterReference(_)) => return None,
    };
    let segment = match reference.reference_type.as_ref() {
        Some(ReferenceType::DirectReference(segment)) => segment,
        // A mask selects a struct's parts; its type is not derived.
        Some(ReferenceType::MaskedReference(_)) => return None,
        None => {
            w.problem(path, "the field reference names no field");
            return None;
        }
    };
    let Some(reference_segment::ReferenceType::StructField(field)) =
        segment.reference_type.as_ref()
    else {
        // A list element or map key of a whole row: not a shape rows have.
        if matches!(root, RootOf::Schema(..)) {
            w.problem(
                path,
                "a reference into a row must start with a struct field",
            );
        }
        return None;
    };
    match root {
        RootOf::Schema(schema, what) => {
            let index = usize::try_from(field.field).ok();
            match index {
                Some(i) if i < schema.width() => {
                    let ty = schema.columns[i].clone();
                    nested_field(ty, field)
                }
                _ if !schema.complete => None,
                _ => {
                    w.problem(
                        path,
                        format!(
                            "references field {}, but its {what} has {} columns",
                            field.field,
                            schema.width()
                        ),
                    );
                    None
                }
            }
        }
        RootOf::Value(ty) => {
            let struct_type = ty.and_then(|ty| match ty.kind {
                Some(Kind::Struct(s)) => Some(s),
                _ => None,
            })?;
            let ty = usize::try_from(field.field)
                .ok()
                .and_then(|i| struct_type.types.get(i).cloned());
            nested_field(ty, field)
        }
    }
}

/// What a reference starts from.
enum RootOf<'s> {
    Schema(&'s RelSchema, &'static str),
    Value(Option<Type>),
}

/// The type reached by following `field`'s children into nested structs (lists and maps
/// are not followed).
fn nested_field(ty: Option<Type>, field: &StructField) -> Option<Type> {
    let mut ty = ty;
    let mut segment = field.child.as_deref();
    while let Some(child) = segment {
        match child.reference_type.as_ref()? {
            reference_segment::ReferenceType::StructField(inner) => {
                let Some(Kind::Struct(s)) = ty?.kind else {
                    return None;
                };
                ty = usize::try_from(inner.field)
                    .ok()
                    .and_then(|i| s.types.get(i).cloned());
                segment = inner.child.as_deref();
            }
            _ => return None,
        }
    }
    ty
}
