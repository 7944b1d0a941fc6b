//! `SingularOrList` (`x IN (a, b)`) and `MultiOrList` (`(x, y) IN ((a, b), ...)`): booleans.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::{MultiOrList, SingularOrList};

use super::types;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn singular(
    w: &mut Walker<'_>,
    list: &SingularOrList,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let mut nullable = false;
    match list.value.as_deref() {
        Some(value) => {
            let ty = w.expression(value, input, &format!("{path}/value"), rel);
            nullable |= ty.as_ref().is_none_or(types::is_nullable);
        }
        None => w.problem(path, "the IN list has no value to look for"),
    }
    for (i, option) in list.options.iter().enumerate() {
        let ty = w.expression(option, input, &format!("{path}/options[{i}]"), rel);
        nullable |= ty.as_ref().is_none_or(types::is_nullable);
    }
    Some(types::boolean(nullable))
}

pub(super) fn multi(
    w: &mut Walker<'_>,
    list: &MultiOrList,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    for (i, value) in list.value.iter().enumerate() {
        w.expression(value, input, &format!("{path}/value[{i}]"), rel);
    }
    for (i, record) in list.options.iter().enumerate() {
        if record.fields.len() != list.value.len() {
            w.problem(
                &format!("{path}/options[{i}]"),
                format!(
                    "the record has {} fields, but the IN list compares {}",
                    record.fields.len(),
                    list.value.len()
                ),
            );
        }
        for (j, field) in record.fields.iter().enumerate() {
            w.expression(field, input, &format!("{path}/options[{i}][{j}]"), rel);
        }
    }
    Some(types::boolean(true))
}
