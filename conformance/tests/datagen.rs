//! TPC-H generation: complete tables, a configuration naming them, and folders that keep
//! their scale.

use switchyard_conformance::datagen::{SCALE_MARKER, expected_rows};
use switchyard_conformance::{TPCH_TABLES, ensure_tpch, generate_tpch};
use switchyard_router::Config;

#[test]
fn generates_every_table_and_a_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("tpch");
    let seen = std::sync::Mutex::new(Vec::new());
    let config = generate_tpch(0.001, &out, &|p| {
        if p.done {
            seen.lock()
                .expect("lock")
                .push((p.table.to_string(), p.rows));
        }
    })
    .expect("generates");
    let config = Config::load(&config).expect("a valid config");
    let mut tables: Vec<_> = config.file.tables.keys().cloned().collect();
    tables.sort();
    let mut expected: Vec<_> = TPCH_TABLES.iter().map(|t| t.to_string()).collect();
    expected.sort();
    assert_eq!(tables, expected);
    let seen = seen.into_inner().expect("lock");
    assert_eq!(seen.len(), 8);
    for (table, rows) in seen {
        assert!(out.join(format!("{table}.parquet")).is_file());
        if table != "lineitem" {
            assert_eq!(rows, expected_rows(&table, 0.001), "{table}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(out.join(SCALE_MARKER))
            .expect("marker")
            .trim(),
        "0.001"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_folder_keeps_its_scale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("tpch");
    ensure_tpch(0.001, &out, &|_| {}).expect("generates");
    ensure_tpch(0.001, &out, &|_| {}).expect("reuses");
    let err = ensure_tpch(0.002, &out, &|_| {}).expect_err("another scale");
    assert!(
        err.to_string()
            .contains("holds TPC-H scale 0.001, not 0.002"),
        "{err}"
    );
}

#[test]
fn a_foreign_folder_is_not_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let err = ensure_tpch(0.001, dir.path(), &|_| {}).expect_err("not TPC-H data");
    assert!(err.to_string().contains("is not TPC-H data"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"),
        "mine"
    );
}
