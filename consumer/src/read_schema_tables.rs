//! Empty tables from the schemas a plan's reads declare, for work that needs a plan's tables
//! only by shape (rewriting it), never their rows.

use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use datafusion::datasource::MemTable;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::SessionContext;
use datafusion_substrait::extensions::Extensions;
use datafusion_substrait::logical_plan::consumer::{
    DefaultSubstraitConsumer, from_substrait_named_struct,
};
use datafusion_substrait::substrait::proto::{NamedStruct, Plan};
use serde_json::Value;
use switchyard_producer::json_walk::for_each_object;

/// Registers in `ctx`, for every single-part named table the plan reads that `ctx` does not
/// have, an empty table with the read's declared schema. Returns the names registered.
pub fn register_read_schemas(ctx: &SessionContext, plan: &Plan) -> Result<Vec<String>> {
    let mut json = serde_json::to_value(plan)
        .map_err(|e| DataFusionError::Substrait(format!("plan as JSON: {e}")))?;
    let mut reads: Vec<(String, Value)> = Vec::new();
    for_each_object(&mut json, &mut |object| {
        let Some(read) = object.get("read") else {
            return;
        };
        let names = read
            .get("namedTable")
            .and_then(|table| table.get("names"))
            .and_then(Value::as_array);
        if let (Some([Value::String(name)]), Some(schema)) =
            (names.map(Vec::as_slice), read.get("baseSchema"))
        {
            reads.push((name.clone(), schema.clone()));
        }
    });
    let extensions = Extensions::try_from(&plan.extensions)?;
    let state = ctx.state();
    let consumer = DefaultSubstraitConsumer::new(&extensions, &state);
    let mut registered = Vec::new();
    for (name, schema) in reads {
        // As the consumer looks it up: the name as written, not case-folded as SQL would.
        let reference = TableReference::bare(name.as_str());
        if ctx.table_exist(reference.clone())? || registered.contains(&name) {
            continue;
        }
        let named: NamedStruct = serde_json::from_value(schema)
            .map_err(|e| DataFusionError::Substrait(format!("the schema of read {name}: {e}")))?;
        let schema = Arc::new(
            from_substrait_named_struct(&consumer, &named)?
                .as_arrow()
                .clone(),
        );
        let table: Arc<dyn TableProvider> = Arc::new(MemTable::try_new(schema, vec![vec![]])?);
        ctx.register_table(reference, table)?;
        registered.push(name);
    }
    Ok(registered)
}
