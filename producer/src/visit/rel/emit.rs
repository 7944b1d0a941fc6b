//! `RelCommon.emit`: which of a relation's columns it outputs, in which order.

use datafusion_substrait::substrait::proto::RelCommon;
use datafusion_substrait::substrait::proto::rel_common::EmitKind;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

/// The output of a relation whose columns before emit are `schema`; each mapping entry
/// must name one of them.
pub(super) fn apply(
    w: &mut Walker<'_>,
    node: &Node,
    common: Option<&RelCommon>,
    schema: RelSchema,
) -> RelSchema {
    let Some(EmitKind::Emit(emit)) = common.and_then(|c| c.emit_kind.as_ref()) else {
        return schema;
    };
    let mut columns = Vec::with_capacity(emit.output_mapping.len());
    for (position, &field) in emit.output_mapping.iter().enumerate() {
        let index = usize::try_from(field).ok();
        match index {
            Some(i) if !schema.complete || i < schema.width() => {
                columns.push(schema.columns.get(i).cloned().flatten());
            }
            _ => {
                w.problem(
                    &node.at(&format!("emit[{position}]")),
                    format!(
                        "emits field {field}, but the relation has {} columns before emit",
                        schema.width()
                    ),
                );
                columns.push(None);
            }
        }
    }
    RelSchema {
        columns,
        complete: true,
    }
}
