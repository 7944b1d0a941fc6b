//! Opening tables from configuration: single files, folders, CSV options, missing files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use switchyard_producer::{
    Catalog, PlanFormat, Producer, ProducerError, SqlDialect, TableConfig, TableFormat, encode_plan,
};

fn csv(path: &str, has_header: Option<bool>, delimiter: Option<char>) -> TableConfig {
    TableConfig {
        path: PathBuf::from(path),
        format: TableFormat::Csv,
        has_header,
        delimiter,
    }
}

#[tokio::test]
async fn folders_and_csv_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("parts")).expect("mkdir");
    std::fs::write(dir.path().join("parts/a.csv"), "id,v\n1,10\n2,20\n").expect("write");
    std::fs::write(dir.path().join("parts/b.csv"), "id,v\n3,30\n").expect("write");
    std::fs::write(dir.path().join("parts/notes.txt"), "not a table file").expect("write");
    std::fs::write(dir.path().join("piped.tbl"), "1|x\n2|y\n").expect("write");
    let tables = BTreeMap::from([
        ("parts".to_string(), csv("parts", None, None)),
        (
            "piped".to_string(),
            csv("piped.tbl", Some(false), Some('|')),
        ),
    ]);
    let catalog = Catalog::open(&tables, dir.path()).await.expect("opens");
    assert_eq!(catalog.len(), 2);
    assert_eq!(
        catalog
            .table("piped")
            .expect("piped")
            .schema()
            .fields()
            .len(),
        2
    );

    let producer = Producer::new(catalog, "test").expect("producer");
    let ctx = producer.session();
    let sum = ctx
        .sql("select sum(v) as s, count(*) as n from parts")
        .await
        .expect("plans")
        .collect()
        .await
        .expect("runs");
    let text = datafusion::arrow::util::pretty::pretty_format_batches(&sum)
        .expect("formats")
        .to_string();
    assert!(text.contains("| 60 | 3 |"), "{text}");
    let piped = ctx
        .sql("select count(*) from piped")
        .await
        .expect("plans")
        .collect()
        .await
        .expect("runs");
    assert_eq!(piped[0].column(0).len(), 1);
}

#[tokio::test]
async fn a_missing_file_names_the_table() {
    let tables = BTreeMap::from([("gone".to_string(), csv("gone.csv", None, None))]);
    let err = Catalog::open(&tables, std::path::Path::new("/nonexistent"))
        .await
        .expect_err("missing");
    match err {
        ProducerError::Table { table, message } => {
            assert_eq!(table, "gone");
            assert!(message.contains("/nonexistent/gone.csv"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn the_plan_cache_serves_the_same_query_in_another_layout() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("t.csv"), "id,v\n1,10\n").expect("write");
    let tables = BTreeMap::from([("t".to_string(), csv("t.csv", None, None))]);
    let producer = Producer::new(
        Catalog::open(&tables, dir.path()).await.expect("opens"),
        "v1",
    )
    .expect("producer");

    let first = producer
        .compile_sql_cached("select v from t where id = 1", SqlDialect::Generic)
        .await
        .expect("compiles");
    let again = producer
        .compile_sql_cached(
            "-- same query\nSELECT v\n  FROM t WHERE id = 1;",
            SqlDialect::Generic,
        )
        .await
        .expect("compiles");
    // Keywords in another case are another text: a miss, but the same plan.
    assert_eq!(producer.plan_cache().len(), 2);
    assert_eq!(first.plan, again.plan);

    let layout = producer
        .compile_sql_cached("select   v from t\nwhere id = 1 ;", SqlDialect::Generic)
        .await
        .expect("compiles");
    assert!(
        std::sync::Arc::ptr_eq(&first, &layout),
        "a hit returns the cached plan"
    );
    assert_eq!(producer.plan_cache().len(), 2);
    assert_eq!(
        layout.bytes,
        encode_plan(&first.plan, PlanFormat::Binary).expect("encode")
    );

    let other_dialect = producer
        .compile_sql_cached("select v from t where id = 1", SqlDialect::Postgres)
        .await
        .expect("compiles");
    assert!(!std::sync::Arc::ptr_eq(&first, &other_dialect));
    assert_eq!(producer.plan_cache().len(), 3);
}

#[tokio::test]
async fn the_same_query_compiles_to_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("t.csv"), "id,v,w\n1,10,x\n").expect("write");
    let tables = BTreeMap::from([("t".to_string(), csv("t.csv", None, None))]);
    // Many functions, so a random declaration order would almost surely show.
    let sql = "select sum(v), min(id), max(w), count(*), avg(v) from t \
               where id > 0 and v < 100 and w like 'x%' or id = 2 group by w";
    let mut encodings = Vec::new();
    for _ in 0..8 {
        let producer = Producer::new(
            Catalog::open(&tables, dir.path()).await.expect("opens"),
            "v1",
        )
        .expect("producer");
        let plan = producer
            .compile_checked(sql, SqlDialect::Generic)
            .await
            .expect("compiles");
        encodings.push((
            encode_plan(plan.plan(), PlanFormat::Binary).expect("encode"),
            plan.fingerprint().to_string(),
        ));
    }
    assert!(
        encodings.windows(2).all(|pair| pair[0] == pair[1]),
        "{:?}",
        encodings.iter().map(|(_, f)| f).collect::<Vec<_>>()
    );
}
