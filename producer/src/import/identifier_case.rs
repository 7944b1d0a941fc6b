//! `identifier_case`: respells table and column names to the catalog's case.
//!
//! Isthmus upper-cases identifiers (`LINEITEM`, `L_ORDERKEY`) while catalogs made from files
//! or SQL DDL are usually lower-case, and engines match names exactly.
//!
//! This runs on the JSON value rather than on the decoded `Plan`: reads sit not only in the
//! relation tree but inside subquery expressions, and a generic walk over the JSON reaches them
//! all without a hand-written visitor over every relation and expression kind.

use datafusion_substrait::substrait::proto::Plan;
use serde_json::{Map, Value};

use crate::catalog::{Catalog, CatalogTable};
use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "identifier_case";

/// Rewrites, in every read of a named table, the table name and the base schema's column names
/// that match the catalog only case-insensitively to the catalog's spelling; returns how many
/// names changed.
///
/// Names that match exactly, match nothing, or match more than one catalog name ignoring case
/// are left alone. Only the last part of a `NamedTable` name (the table) is compared; schema
/// qualifiers are kept. Base schema names are compared with the table's top-level columns.
pub fn identifier_case(plan: &mut Value, catalog: &Catalog) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| fix_read(object, catalog, &mut changes));
    changes
}

/// Fixes one object if it is a `ReadRel` of a named table (pbjson flattens the `read_type`
/// oneof, so the table sits in a `namedTable` key beside `baseSchema`).
fn fix_read(read: &mut Map<String, Value>, catalog: &Catalog, changes: &mut usize) {
    let Some(table_names) = names_mut(read, "namedTable", "named_table") else {
        return;
    };
    let Some(last) = table_names.last_mut() else {
        return;
    };
    let Some(name) = last.as_str().map(str::to_owned) else {
        return;
    };
    let Some(table) = resolve_table(catalog, &name) else {
        return;
    };
    if table.name() != name {
        *last = Value::String(table.name().to_string());
        *changes += 1;
    }
    let schema = table.schema();
    let Some(columns) = names_mut(read, "baseSchema", "base_schema") else {
        return;
    };
    for column in columns {
        let Some(name) = column.as_str() else {
            continue;
        };
        let fixed = unique_case_match(schema.fields().iter().map(|f| f.name().as_str()), name);
        if let Some(fixed) = fixed.filter(|fixed| *fixed != name) {
            *column = Value::String(fixed.to_string());
            *changes += 1;
        }
    }
}

/// The `names` array of a `namedTable` or `baseSchema` object, in either JSON spelling.
fn names_mut<'a>(
    object: &'a mut Map<String, Value>,
    camel: &str,
    snake: &str,
) -> Option<&'a mut Vec<Value>> {
    let key = if object.contains_key(camel) {
        camel
    } else {
        snake
    };
    object
        .get_mut(key)
        .and_then(|inner| inner.get_mut("names"))
        .and_then(Value::as_array_mut)
}

fn resolve_table<'c>(catalog: &'c Catalog, name: &str) -> Option<&'c CatalogTable> {
    if let Some(table) = catalog.table(name) {
        return Some(table);
    }
    let spelling = unique_case_match(catalog.tables().map(|t| t.name()), name)?;
    catalog.table(spelling)
}

/// The candidate equal to `name`, else the only one equal ignoring case; `None` if ambiguous.
fn unique_case_match<'a>(
    candidates: impl IntoIterator<Item = &'a str>,
    name: &str,
) -> Option<&'a str> {
    let folded = name.to_lowercase();
    let mut found = None;
    let mut ambiguous = false;
    for candidate in candidates {
        if candidate == name {
            return Some(candidate);
        }
        if candidate.to_lowercase() == folded {
            ambiguous |= found.is_some();
            found = Some(candidate);
        }
    }
    if ambiguous { None } else { found }
}

/// [`identifier_case`] for an already decoded plan (binary imports), through its JSON form.
pub fn identifier_case_plan(
    plan: &mut Plan,
    catalog: &Catalog,
) -> Result<usize, serde_json::Error> {
    let mut value = serde_json::to_value(&*plan)?;
    let changes = identifier_case(&mut value, catalog);
    if changes > 0 {
        *plan = serde_json::from_value(value)?;
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::MemTable;
    use serde_json::{Value, json};

    use super::identifier_case;
    use crate::catalog::Catalog;

    fn table(columns: &[&str]) -> Arc<MemTable> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|name| Field::new(*name, DataType::Int64, true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        Arc::new(MemTable::try_new(schema, vec![vec![]]).expect("empty memory table"))
    }

    fn catalog() -> Catalog {
        Catalog::new()
            .with_table("lineitem", table(&["l_orderkey", "l_quantity"]))
            .with_table("Orders", table(&["o_orderkey", "O_Total"]))
    }

    fn read(table: &[&str], columns: &[&str]) -> Value {
        json!({ "read": {
            "baseSchema": { "names": columns, "struct": { "types": [] } },
            "namedTable": { "names": table }
        } })
    }

    #[test]
    fn respells_tables_and_columns() {
        let mut plan = json!({ "relations": [{ "root": { "input": { "join": {
            "left": read(&["LINEITEM"], &["L_ORDERKEY", "l_quantity"]),
            "right": read(&["tpch", "ORDERS"], &["O_ORDERKEY", "o_total"])
        } } } }] });
        assert_eq!(identifier_case(&mut plan, &catalog()), 5);
        let expected = json!({ "relations": [{ "root": { "input": { "join": {
            "left": read(&["lineitem"], &["l_orderkey", "l_quantity"]),
            "right": read(&["tpch", "Orders"], &["o_orderkey", "O_Total"])
        } } } }] });
        assert_eq!(plan, expected);
    }

    #[test]
    fn reaches_reads_inside_subqueries() {
        let mut plan = json!({ "filter": { "condition": { "subquery": { "scalar": {
            "input": read(&["LINEITEM"], &["L_QUANTITY"])
        } } } } });
        assert_eq!(identifier_case(&mut plan, &catalog()), 2);
        assert_eq!(
            plan,
            json!({ "filter": { "condition": { "subquery": { "scalar": {
                "input": read(&["lineitem"], &["l_quantity"])
            } } } } })
        );
    }

    #[test]
    fn leaves_unknown_and_ambiguous_names_alone() {
        let ambiguous = Catalog::new()
            .with_table("part", table(&["p_name"]))
            .with_table("PART", table(&["p_name"]));
        let mut plan = json!({ "relations": [
            { "root": { "input": read(&["SUPPLIER"], &["S_NAME"]) } },
            { "root": { "input": read(&["Part"], &["P_NAME"]) } },
            { "root": { "input": read(&["lineitem"], &["L_ORDERKEY", "L_NOSUCH"]) } }
        ] });
        let before = plan.clone();
        assert_eq!(identifier_case(&mut plan, &ambiguous), 0);
        assert_eq!(plan, before);
        // With the usual catalog only the known column of a known table changes.
        assert_eq!(identifier_case(&mut plan, &catalog()), 1);
        assert_eq!(
            plan["relations"][2]["root"]["input"],
            read(&["lineitem"], &["l_orderkey", "L_NOSUCH"])
        );
    }
}
