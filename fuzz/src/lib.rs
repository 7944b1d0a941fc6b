//! What the fuzz targets share: the TPC-H catalog (empty tables with the corpus's DDL), so
//! that imports resolve names and translations resolve tables as they would in a real run.

use std::sync::{Arc, OnceLock};

use datafusion::prelude::SessionContext;
use switchyard_producer::{Catalog, ValidatedPlan, import_plan_bytes};

/// The TPC-H tables as DuckDB's generator declares them (`../shared/corpus`), empty.
const TPCH_DDL: &str =
    include_str!("../../../shared/corpus/duckdb-1.1.3-generated/ddl/tpch_ddl.sql");

/// Lets panics raised inside DataFusion's crates (and Arrow's, which DataFusion calls)
/// unwind instead of aborting at once.
///
/// libFuzzer's panic hook aborts on any panic, even one the code under test catches.
/// datafusion-substrait panics on some malformed plans, and Switchyard consumes plans on a
/// task of their own so that such a panic becomes an error (`substrait_to_logical`). With
/// this hook those panics unwind to that task; a panic that escapes it still reaches the fuzz
/// harness's own `catch_unwind`, which aborts: uncontained panics are still crashes.
pub fn contain_consumer_panics() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Arrow's too: DataFusion calls into it while consuming (formatting a decimal).
            let in_datafusion = info.location().is_some_and(|l| {
                l.file().contains("/datafusion-") || l.file().contains("/arrow-")
            });
            if !in_datafusion {
                libfuzzer_hook(info);
            }
        }));
    });
}

/// A current-thread runtime for the targets whose calls are async.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

/// The TPC-H catalog, built once.
pub fn tpch_catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        runtime().block_on(async {
            let ctx = SessionContext::new();
            let mut catalog = Catalog::new();
            for statement in TPCH_DDL.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                ctx.sql(statement).await.expect("the corpus DDL runs");
                let name = statement
                    .trim_start_matches("CREATE TABLE ")
                    .split('(')
                    .next()
                    .expect("a table name")
                    .trim()
                    .to_string();
                let provider = ctx
                    .table_provider(name.as_str())
                    .await
                    .expect("table created");
                catalog = catalog.with_table(name, Arc::clone(&provider));
            }
            catalog
        })
    })
}

/// `data` imported as any producer's plan (either encoding) and validated, as `switchyard
/// run` takes a plan file; `None` where either step refuses it.
pub fn imported_plan(data: &[u8]) -> Option<ValidatedPlan> {
    let (plan, _report) = import_plan_bytes(data, tpch_catalog()).ok()?;
    ValidatedPlan::new(plan).ok()
}
