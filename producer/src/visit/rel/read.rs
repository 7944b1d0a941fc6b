//! `ReadRel`: the declared base schema, narrowed by the projection mask.

use datafusion_substrait::substrait::proto::ReadRel;
use datafusion_substrait::substrait::proto::read_rel::ReadType;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, read: &ReadRel) -> RelSchema {
    let base_types = read
        .base_schema
        .as_ref()
        .and_then(|s| s.r#struct.as_ref())
        .map(|s| s.types.as_slice())
        .unwrap_or_default();
    let virtual_width = match read.read_type.as_ref() {
        Some(ReadType::VirtualTable(table)) => virtual_table_width(table),
        _ => None,
    };
    if read.base_schema.is_none() && virtual_width.is_none() {
        w.problem(&node.path, "the read declares no base schema");
    }
    for ty in base_types {
        w.visitor.declared_type(ty, &node.path);
    }
    // Some producers (DataFusion-python 40) name the columns but leave out their types:
    // the width is still known, from the names (flat schemas name each column once).
    let base = match read.base_schema.as_ref() {
        Some(schema) if schema.r#struct.is_none() => {
            RelSchema::known(vec![None; schema.names.len()])
        }
        // DuckDB 1.1.3 writes `VALUES` without a base schema: its rows tell the width.
        None => RelSchema::known(vec![None; virtual_width.unwrap_or(0)]),
        _ => RelSchema::known(base_types.iter().cloned().map(Some).collect()),
    };
    // Filters apply to the base schema, before the projection.
    if let Some(filter) = read.filter.as_deref() {
        w.expression(filter, &base, &node.at("filter"), node.index);
    }
    if let Some(filter) = read.best_effort_filter.as_deref() {
        w.expression(filter, &base, &node.at("best_effort_filter"), node.index);
    }
    if let Some(ReadType::VirtualTable(table)) = read.read_type.as_ref() {
        let empty = RelSchema::known(Vec::new());
        for (row, values) in table.expressions.iter().enumerate() {
            for (column, value) in values.fields.iter().enumerate() {
                let path = node.at(&format!("values[{row}][{column}]"));
                w.expression(value, &empty, &path, node.index);
            }
        }
    }
    let Some(select) = read.projection.as_ref().and_then(|m| m.select.as_ref()) else {
        return base;
    };
    let mut columns = Vec::with_capacity(select.struct_items.len());
    for (position, item) in select.struct_items.iter().enumerate() {
        match usize::try_from(item.field)
            .ok()
            .filter(|&f| f < base.width())
        {
            Some(field) => columns.push(base.columns[field].clone()),
            None => {
                w.problem(
                    &node.at(&format!("projection[{position}]")),
                    format!(
                        "selects field {}, but the base schema has {} columns",
                        item.field,
                        base.width()
                    ),
                );
                columns.push(None);
            }
        }
    }
    RelSchema::known(columns)
}

/// The width of a virtual table's rows, when it has any.
fn virtual_table_width(
    table: &datafusion_substrait::substrait::proto::read_rel::VirtualTable,
) -> Option<usize> {
    #[allow(deprecated)] // what producers before spec 0.61 write
    let literal_rows = table.values.first().map(|row| row.fields.len());
    table
        .expressions
        .first()
        .map(|row| row.fields.len())
        .or(literal_rows)
}
