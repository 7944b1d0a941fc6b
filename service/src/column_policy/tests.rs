//! Plans compiled from SQL by Switchyard's producer, checked against one principal's grants.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int64Array, StringArray};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use switchyard_producer::substrait::proto::read_rel::{LocalFiles, ReadType};
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::{ReadRel, Rel, plan_rel};
use switchyard_producer::{Catalog, Producer, SqlDialect, ValidatedPlan};
use switchyard_router::{ColumnGrants, TableGrants};

use super::*;

/// `t(a, b, c)`, `u(x, y)` and `v(z)`, two rows each.
fn producer() -> Producer {
    let table = |columns: &[(&str, ArrayRef)]| {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|(name, array)| Field::new(*name, array.data_type().clone(), false))
                .collect::<Vec<_>>(),
        ));
        let arrays = columns.iter().map(|(_, array)| Arc::clone(array)).collect();
        let batch = RecordBatch::try_new(Arc::clone(&schema), arrays).expect("batch");
        Arc::new(MemTable::try_new(schema, vec![vec![batch]]).expect("table"))
    };
    let ints = |values: [i64; 2]| Arc::new(Int64Array::from(values.to_vec())) as ArrayRef;
    let texts = Arc::new(StringArray::from(vec!["p", "q"])) as ArrayRef;
    let catalog = Catalog::new()
        .with_table(
            "t",
            table(&[("a", ints([1, 2])), ("b", ints([3, 4])), ("c", texts)]),
        )
        .with_table("u", table(&[("x", ints([3, 5])), ("y", ints([4, 6]))]))
        .with_table("v", table(&[("z", ints([7, 8]))]));
    Producer::new(catalog, "column-policy-tests").expect("producer")
}

/// May read `t.a`, `t.b` and `u.x`; nothing of `v`.
fn analyst() -> Principal {
    let columns = |names: &[&str]| {
        ColumnGrants::Columns(names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>())
    };
    Principal::new(
        "analyst",
        TableGrants::Tables(BTreeMap::from([
            ("t".to_string(), columns(&["a", "b"])),
            ("u".to_string(), columns(&["x"])),
        ])),
    )
}

async fn check(sql: &str) -> Result<(), ServiceError> {
    let producer = producer();
    let plan = producer
        .compile_checked(sql, SqlDialect::Generic)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    check_plan(&producer, &analyst(), &plan).await
}

async fn denied(sql: &str) -> String {
    match check(sql).await {
        Err(ServiceError::PermissionDenied(message)) => message,
        other => panic!("{sql}: expected PermissionDenied, got {other:?}"),
    }
}

#[tokio::test]
async fn granted_columns_pass_wherever_they_are_used() {
    check("select a, b from t where a > 1 order by b")
        .await
        .expect("only granted columns");
    check("select b, count(*) from t group by b")
        .await
        .expect("only granted columns");
}

#[tokio::test]
async fn unused_columns_of_a_scan_do_not_count() {
    // The producer writes no projection mask: the scan of t returns c too, but nothing uses it.
    check("select a from t").await.expect("c is never used");
    check("select count(*) from t")
        .await
        .expect("no column is used");
}

#[tokio::test]
async fn a_column_is_named_wherever_it_is_used() {
    assert_eq!(
        denied("select a from t where c = 'p'").await,
        "column t.c is not granted to principal analyst"
    );
    assert_eq!(
        denied("select * from t").await,
        "column t.c is not granted to principal analyst"
    );
    assert_eq!(
        denied("select a from t order by c").await,
        "column t.c is not granted to principal analyst"
    );
}

#[tokio::test]
async fn joins_and_subqueries_read_their_keys() {
    assert_eq!(
        denied("select t.a from t join u on t.b = u.y").await,
        "column u.y is not granted to principal analyst"
    );
    check("select a from t where b in (select x from u)")
        .await
        .expect("u.x is granted");
    assert_eq!(
        denied("select a from t where b in (select y from u)").await,
        "column u.y is not granted to principal analyst"
    );
    assert_eq!(
        denied("select c, y from t, u").await,
        "columns t.c, u.y are not granted to principal analyst"
    );
}

#[tokio::test]
async fn a_table_without_a_grant_is_refused_even_when_no_column_is_read() {
    assert_eq!(
        denied("select count(*) from v").await,
        "table v is not granted to principal analyst"
    );
}

#[tokio::test]
async fn plans_reading_files_past_the_catalog_are_refused_for_everyone() {
    let producer = producer();
    let mut plan = producer
        .compile_sql("select a from t", SqlDialect::Generic)
        .await
        .expect("compiles");
    let root = match plan.relations[0].rel_type.as_mut() {
        Some(plan_rel::RelType::Root(root)) => root.input.as_mut(),
        Some(plan_rel::RelType::Rel(rel)) => Some(rel),
        None => None,
    };
    let read = root.and_then(first_read).expect("the plan reads t");
    read.read_type = Some(ReadType::LocalFiles(LocalFiles::default()));
    let plan = ValidatedPlan::new(plan).expect("structurally valid");
    let err = check_plan(&producer, &Principal::anonymous(), &plan)
        .await
        .expect_err("local files");
    assert!(matches!(err, ServiceError::PermissionDenied(_)), "{err:?}");
    assert!(err.to_string().contains("local_files"), "{err}");
}

fn first_read(rel: &mut Rel) -> Option<&mut ReadRel> {
    match rel.rel_type.as_mut()? {
        RelType::Read(read) => Some(read.as_mut()),
        RelType::Project(project) => first_read(project.input.as_deref_mut()?),
        RelType::Filter(filter) => first_read(filter.input.as_deref_mut()?),
        RelType::Fetch(fetch) => first_read(fetch.input.as_deref_mut()?),
        RelType::Sort(sort) => first_read(sort.input.as_deref_mut()?),
        _ => None,
    }
}
