//! `Nested`: struct, list and map values built from expressions.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::{Nested, nested::NestedType};
use datafusion_substrait::substrait::proto::r#type::{self, Kind, Nullability};

use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(
    w: &mut Walker<'_>,
    nested: &Nested,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let nullability = if nested.nullable {
        Nullability::Nullable as i32
    } else {
        Nullability::Required as i32
    };
    let variation = nested.type_variation_reference;
    let kind = match nested.nested_type.as_ref() {
        Some(NestedType::Struct(s)) => {
            let mut types = Vec::with_capacity(s.fields.len());
            for (i, field) in s.fields.iter().enumerate() {
                types.push(w.expression(field, input, &format!("{path}/fields[{i}]"), rel));
            }
            Kind::Struct(r#type::Struct {
                types: types.into_iter().collect::<Option<_>>()?,
                type_variation_reference: variation,
                nullability,
            })
        }
        Some(NestedType::List(l)) => {
            let mut first = None;
            for (i, value) in l.values.iter().enumerate() {
                let ty = w.expression(value, input, &format!("{path}/values[{i}]"), rel);
                first = first.or(ty);
            }
            Kind::List(Box::new(r#type::List {
                r#type: Some(Box::new(first?)),
                type_variation_reference: variation,
                nullability,
            }))
        }
        Some(NestedType::Map(m)) => {
            let (mut key, mut value) = (None, None);
            for (i, pair) in m.key_values.iter().enumerate() {
                if let Some(k) = pair.key.as_ref() {
                    let ty = w.expression(k, input, &format!("{path}/key_values[{i}]/key"), rel);
                    key = key.or(ty);
                }
                if let Some(v) = pair.value.as_ref() {
                    let ty = w.expression(v, input, &format!("{path}/key_values[{i}]/value"), rel);
                    value = value.or(ty);
                }
            }
            Kind::Map(Box::new(r#type::Map {
                key: Some(Box::new(key?)),
                value: Some(Box::new(value?)),
                type_variation_reference: variation,
                nullability,
            }))
        }
        None => {
            w.problem(path, "the nested value has no kind");
            return None;
        }
    };
    Some(Type { kind: Some(kind) })
}
