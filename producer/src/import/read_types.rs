//! `read_types`: gives every read of a catalog table the catalog's column types.
//!
//! A plan declares, in each `ReadRel.base_schema`, the types it expects the table to have.
//! Producers compiled against another copy of the data disagree with ours: Isthmus's TPC-H
//! schema says `l_linenumber` is `i64` and `c_nationkey` `i32` with every column required,
//! while the Parquet files here hold `i32`, `i64` and nullable columns. DataFusion's consumer
//! refuses such a read ("Field 'l_linenumber' in Substrait schema has a different type"), and
//! a SQL engine never sees the declared types at all. The data's own types are the truth for a
//! read, so each differing column type (and nullability) is replaced by the catalog's; the
//! expressions above it are typed by the engine from there, as the same SQL would be.
//!
//! Runs on the JSON value after [`identifier_case`](super::identifier_case), so names already
//! match the catalog's spelling and reads inside subqueries are reached too.

use std::collections::HashMap;

use datafusion::datasource::provider_as_source;
use datafusion::logical_expr::LogicalPlanBuilder;
use datafusion::prelude::SessionContext;
use datafusion_substrait::logical_plan::producer::to_substrait_plan;
use datafusion_substrait::substrait::proto::plan_rel::RelType as PlanRelType;
use datafusion_substrait::substrait::proto::read_rel::ReadType;
use datafusion_substrait::substrait::proto::rel::RelType;
use serde_json::{Map, Value};

use crate::catalog::{Catalog, CatalogTable};
use crate::error::ProducerError;
use crate::json_walk::try_for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "read_types";

/// Replaces, in every read of a catalog table, each base schema column type that differs from
/// the catalog's (compared as Substrait JSON, nullability included); returns how many changed.
///
/// Reads of tables the catalog lacks, columns it lacks, and schemas with nested names (where
/// `names` and `types` do not line up one to one) are left alone.
pub fn read_types(plan: &mut Value, catalog: &Catalog) -> Result<usize, ProducerError> {
    let mut types = CatalogTypes::default();
    let mut changes = 0;
    try_for_each_object(plan, &mut |object| {
        fix_read(object, catalog, &mut types, &mut changes)
    })?;
    Ok(changes)
}

fn fix_read(
    read: &mut Map<String, Value>,
    catalog: &Catalog,
    types: &mut CatalogTypes,
    changes: &mut usize,
) -> Result<(), ProducerError> {
    let Some(table) = field(read, "namedTable", "named_table")
        .and_then(|named| named.get("names"))
        .and_then(Value::as_array)
        .and_then(|names| names.last())
        .and_then(Value::as_str)
        .and_then(|name| catalog.table(name))
    else {
        return Ok(());
    };
    let table_types = types.of(table)?;
    let Some(schema) = field_mut(read, "baseSchema", "base_schema") else {
        return Ok(());
    };
    let names: Vec<String> = schema
        .get("names")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .map(|name| name.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let Some(declared) = schema
        .get_mut("struct")
        .and_then(|inner| inner.get_mut("types"))
        .and_then(Value::as_array_mut)
    else {
        return Ok(());
    };
    if declared.len() != names.len() {
        return Ok(());
    }
    for (name, declared) in names.iter().zip(declared.iter_mut()) {
        if let Some(actual) = table_types.get(name.as_str())
            && declared != actual
        {
            *declared = actual.clone();
            *changes += 1;
        }
    }
    Ok(())
}

/// A JSON object's field under its camelCase or snake_case key (pbjson reads both).
fn field<'a>(object: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    object.get(camel).or_else(|| object.get(snake))
}

fn field_mut<'a>(
    object: &'a mut Map<String, Value>,
    camel: &str,
    snake: &str,
) -> Option<&'a mut Value> {
    let key = if object.contains_key(camel) {
        camel
    } else {
        snake
    };
    object.get_mut(key)
}

/// Each catalog table's column types as Substrait JSON, computed once per table per import.
#[derive(Default)]
struct CatalogTypes {
    by_table: HashMap<String, HashMap<String, Value>>,
}

impl CatalogTypes {
    fn of(&mut self, table: &CatalogTable) -> Result<&HashMap<String, Value>, ProducerError> {
        if !self.by_table.contains_key(table.name()) {
            let types = substrait_column_types(table)?;
            self.by_table.insert(table.name().to_string(), types);
        }
        Ok(&self.by_table[table.name()])
    }
}

/// The table's columns as DataFusion's own producer declares them in a read: the same
/// Arrow → Substrait type mapping every plan Switchyard makes uses.
fn substrait_column_types(table: &CatalogTable) -> Result<HashMap<String, Value>, ProducerError> {
    let scan = LogicalPlanBuilder::scan(table.name(), provider_as_source(table.provider()), None)
        .and_then(LogicalPlanBuilder::build)
        .map_err(ProducerError::Substrait)?;
    let state = SessionContext::new().state();
    let plan = to_substrait_plan(&scan, &state).map_err(ProducerError::Substrait)?;
    let read = plan
        .relations
        .first()
        .and_then(|relation| match relation.rel_type.as_ref() {
            Some(PlanRelType::Root(root)) => root.input.as_ref(),
            Some(PlanRelType::Rel(rel)) => Some(rel),
            None => None,
        })
        .and_then(|rel| match rel.rel_type.as_ref() {
            Some(RelType::Read(read)) => Some(read),
            _ => None,
        })
        .filter(|read| matches!(read.read_type, Some(ReadType::NamedTable(_))));
    let Some(schema) = read.and_then(|read| read.base_schema.as_ref()) else {
        return Err(ProducerError::Invalid(format!(
            "DataFusion's producer made no read for table {}",
            table.name()
        )));
    };
    let types = schema
        .r#struct
        .as_ref()
        .map(|inner| inner.types.as_slice())
        .unwrap_or_default();
    schema
        .names
        .iter()
        .zip(types)
        .map(|(name, ty)| {
            serde_json::to_value(ty)
                .map(|json| (name.clone(), json))
                .map_err(|e| ProducerError::Encode(e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::datasource::MemTable;
    use serde_json::{Value, json};

    use super::read_types;
    use crate::catalog::Catalog;

    fn catalog() -> Catalog {
        let schema = Arc::new(Schema::new(vec![
            Field::new("l_orderkey", DataType::Int64, false),
            Field::new("l_linenumber", DataType::Int32, true),
            Field::new("l_comment", DataType::Utf8, true),
        ]));
        let table = MemTable::try_new(schema, vec![vec![]]).expect("empty memory table");
        Catalog::new().with_table("lineitem", Arc::new(table))
    }

    fn read(table: &str, columns: &[(&str, Value)]) -> Value {
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let types: Vec<Value> = columns.iter().map(|(_, ty)| ty.clone()).collect();
        json!({ "read": {
            "baseSchema": { "names": names, "struct": {
                "types": types, "nullability": "NULLABILITY_REQUIRED"
            } },
            "namedTable": { "names": [table] }
        } })
    }

    fn i64_required() -> Value {
        json!({ "i64": { "nullability": "NULLABILITY_REQUIRED" } })
    }

    #[test]
    fn gives_reads_the_catalog_types_and_nullability() {
        let mut plan = json!({ "relations": [{ "root": { "input": { "filter": {
            "input": read("lineitem", &[
                ("l_orderkey", i64_required()),
                ("l_linenumber", i64_required()),
                ("l_comment", json!({ "varchar": { "length": 44, "nullability": "NULLABILITY_REQUIRED" } })),
            ]),
            "condition": { "subquery": { "scalar": {
                "input": read("lineitem", &[("l_linenumber", i64_required())])
            } } }
        } } } }] });
        // l_orderkey already agrees; l_linenumber (twice) and l_comment do not.
        assert_eq!(read_types(&mut plan, &catalog()).expect("pass runs"), 3);
        let schema =
            &plan["relations"][0]["root"]["input"]["filter"]["input"]["read"]["baseSchema"];
        assert_eq!(schema["struct"]["types"][0], i64_required());
        assert_eq!(
            schema["struct"]["types"][1],
            json!({ "i32": { "nullability": "NULLABILITY_NULLABLE" } })
        );
        assert_eq!(
            schema["struct"]["types"][2],
            json!({ "string": { "nullability": "NULLABILITY_NULLABLE" } })
        );
        // A second run finds nothing left to change.
        assert_eq!(read_types(&mut plan, &catalog()).expect("pass runs"), 0);
    }

    #[test]
    fn leaves_unknown_tables_columns_and_nested_schemas_alone() {
        let mut plan = json!({ "relations": [
            { "root": { "input": read("orders", &[("o_orderkey", i64_required())]) } },
            { "root": { "input": read("lineitem", &[("l_nosuch", i64_required())]) } },
            { "root": { "input": { "read": {
                "baseSchema": { "names": ["l_linenumber", "inner"], "struct": { "types": [i64_required()] } },
                "namedTable": { "names": ["lineitem"] }
            } } } }
        ] });
        let before = plan.clone();
        assert_eq!(read_types(&mut plan, &catalog()).expect("pass runs"), 0);
        assert_eq!(plan, before);
    }
}
