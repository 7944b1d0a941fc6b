//! Filter conditions as the cost model sees them: split into conjuncts at `and`, whatever
//! compound name the plan gives it (`and:bool`), each counted by kind.

use std::collections::BTreeMap;

use switchyard_producer::{Catalog, Producer, SqlDialect, TableConfig, TableFormat};
use switchyard_router::PlanFeatures;
use switchyard_router::features::PredicateShape;

#[tokio::test]
async fn a_filter_is_split_at_and_and_its_conjuncts_counted_by_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("t.csv"), "a,b,s\n1,2,x\n3,4,y\n").expect("write");
    let tables = BTreeMap::from([(
        "t".to_string(),
        TableConfig {
            path: "t.csv".into(),
            format: TableFormat::Csv,
            has_header: Some(true),
            delimiter: None,
        },
    )]);
    let catalog = Catalog::open(&tables, dir.path()).await.expect("catalog");
    let producer = Producer::new(catalog, "test").expect("producer");
    let plan = producer
        .compile_checked(
            "select a from t where a = 1 and b < 5 and b in (1, 2, 3) and s like 'x%' \
             and (a = 2 or b = 3)",
            SqlDialect::Generic,
        )
        .await
        .expect("compiles");
    let features = PlanFeatures::of(&plan);
    let predicates: Vec<PredicateShape> = features
        .shape
        .nodes
        .iter()
        .filter_map(|node| node.predicate)
        .collect();
    assert_eq!(
        predicates,
        vec![PredicateShape {
            equalities: 2,
            ranges: 1,
            patterns: 1,
            others: 1,
        }]
    );
}
