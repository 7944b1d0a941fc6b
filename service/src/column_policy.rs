//! Which tables and columns a plan reads, and whether a principal may read them.
//!
//! A column is read when it feeds the result: it is returned, or it decides which rows or
//! values are (a filter, join key, grouping or ordering). To find those, the plan is consumed
//! into a DataFusion logical plan, as every engine consumes it, and DataFusion's projection
//! pruning keeps in each table scan only the columns the result needs; a `ReadRel`'s
//! projection mask, when the plan has one, is honoured by the consumption. Masks alone would
//! not do: Switchyard's producer, like most, writes none, so every scan would read every
//! column and a principal granted some columns of a table could run nothing on it. Pruning
//! only ever removes columns; when it fails, every column of every scan counts.
//!
//! A table counts as read even when none of its columns do: `count(*)` reveals its size.
//! Whoever the principal, plans may read only catalog tables (no local files or extension
//! tables, which would reach past the catalog) and may not write.

use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::logical_expr::{LogicalPlan, TableScan};
use datafusion::optimizer::Optimizer;
use datafusion::optimizer::optimize_projections::OptimizeProjections;
use switchyard_consumer::substrait_to_logical::substrait_to_logical;
use switchyard_producer::{Producer, ValidatedPlan};
use switchyard_router::PlanFeatures;

use crate::auth::Principal;
use crate::error::ServiceError;

/// The name under which consumption errors are reported.
const CHECKER: &str = "column policy";

static PRUNER: LazyLock<Optimizer> =
    LazyLock::new(|| Optimizer::with_rules(vec![Arc::new(OptimizeProjections::new())]));

/// The tables and `(table, column)` pairs a plan reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanReads {
    /// Every table scanned, by its last name part (as engines resolve it).
    pub tables: BTreeSet<String>,
    /// Every column that feeds the result.
    pub columns: BTreeSet<(String, String)>,
}

/// Refuses a plan the principal may not run, naming the table or columns at fault.
pub async fn check_plan(
    producer: &Producer,
    principal: &Principal,
    plan: &ValidatedPlan,
) -> Result<(), ServiceError> {
    refuse_reads_past_the_catalog_and_writes(plan)?;
    if principal.reads_everything() {
        return Ok(());
    }
    let reads = plan_reads(producer, plan).await?;
    check_reads(principal, &reads)
}

/// What `plan` reads, against the catalog `producer` plans with.
pub async fn plan_reads(
    producer: &Producer,
    plan: &ValidatedPlan,
) -> Result<PlanReads, ServiceError> {
    let state = producer.session().state();
    let logical = substrait_to_logical(CHECKER, &state, plan)
        .await
        .map_err(ServiceError::unreadable_plan)?;
    let mut reads = PlanReads::default();
    visit_scans(&logical, |scan| {
        reads.tables.insert(scan.table_name.table().to_string());
    })?;
    let pruned = PRUNER.optimize(logical.clone(), &state, |_, _| {});
    let pruned = pruned.unwrap_or_else(|e| {
        tracing::debug!("projection pruning failed, counting every column scanned: {e}");
        logical
    });
    visit_scans(&pruned, |scan| {
        let table = scan.table_name.table();
        for column in scan_columns(scan) {
            reads.columns.insert((table.to_string(), column));
        }
    })?;
    Ok(reads)
}

/// Refuses reads the principal has no grant for: an ungranted table first, else every
/// ungranted column.
pub fn check_reads(principal: &Principal, reads: &PlanReads) -> Result<(), ServiceError> {
    let name = principal.name();
    if let Some(table) = reads.tables.iter().find(|t| !principal.may_read_table(t)) {
        return Err(ServiceError::PermissionDenied(format!(
            "table {table} is not granted to principal {name}"
        )));
    }
    let denied: Vec<String> = reads
        .columns
        .iter()
        .filter(|(table, column)| !principal.may_read_column(table, column))
        .map(|(table, column)| format!("{table}.{column}"))
        .collect();
    match denied.as_slice() {
        [] => Ok(()),
        [column] => Err(ServiceError::PermissionDenied(format!(
            "column {column} is not granted to principal {name}"
        ))),
        columns => Err(ServiceError::PermissionDenied(format!(
            "columns {} are not granted to principal {name}",
            columns.join(", ")
        ))),
    }
}

fn refuse_reads_past_the_catalog_and_writes(plan: &ValidatedPlan) -> Result<(), ServiceError> {
    for relation in PlanFeatures::of(plan).relations {
        match (relation.relation, relation.variant) {
            ("READ", Some(variant @ ("LOCAL_FILES" | "EXTENSION_TABLE" | "ICEBERG_TABLE"))) => {
                return Err(ServiceError::PermissionDenied(format!(
                    "plans may read only catalog tables; the read at {} is {}",
                    relation.path,
                    variant.to_ascii_lowercase()
                )));
            }
            ("WRITE" | "DDL" | "UPDATE", _) => {
                return Err(ServiceError::PermissionDenied(format!(
                    "the service runs read-only plans; the plan has a {} relation at {}",
                    relation.relation, relation.path
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Calls `f` on every table scan, subqueries included.
fn visit_scans(plan: &LogicalPlan, mut f: impl FnMut(&TableScan)) -> Result<(), ServiceError> {
    plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            f(scan);
        }
        Ok(TreeNodeRecursion::Continue)
    })
    .map_err(|e| ServiceError::Internal(format!("walking the plan: {e}")))?;
    Ok(())
}

/// The columns a scan returns, and those its pushed-down filters test.
fn scan_columns(scan: &TableScan) -> BTreeSet<String> {
    let mut columns: BTreeSet<String> = scan
        .projected_schema
        .fields()
        .iter()
        .map(|field| field.name().clone())
        .collect();
    for filter in &scan.filters {
        columns.extend(filter.column_refs().into_iter().map(|c| c.name.clone()));
    }
    columns
}

#[cfg(test)]
mod tests;
