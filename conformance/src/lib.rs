//! Switchyard's conformance harness: TPC-H data generation, the shared corpus, result
//! comparison against an independent answer, the overhead benchmark, and the conformance
//! suites with their reports.

pub mod bench;
pub mod column_kind;
pub mod compare;
pub mod corpus;
pub mod datagen;
pub mod differential;
pub mod direct;
pub mod faults;
pub mod feature_queries;
pub mod foreign_plans;
pub mod function_tests;
pub mod fuzz;
pub mod generated_plans;
pub mod legacy_consumers;
pub mod measured_manifests;
pub mod overflow_fixture;
pub mod pg_cluster;
pub mod process_cpu;
pub mod reference;
pub mod report;
pub mod round_trip;
pub mod spark_server;
pub mod suites;
pub mod verify;

pub use column_kind::ColumnKind;
pub use compare::{
    ColumnNames, Comparison, DEFAULT_RELATIVE_TOLERANCE, ResultRows, compare_answers,
    compare_results, compare_results_with, plan_is_ordered,
};
pub use datagen::{
    TPCH_TABLES, TableProgress, ensure_tpch, generate_tpch, open_tpch, open_tpch_with_engines,
};
pub use differential::{
    DifferentialError, DifferentialPass, check_answer, plan_differential, published_differential,
    tpch_differential,
};
pub use direct::{DirectAnswer, direct_session, run_sql_directly};
pub use foreign_plans::{ForeignPlan, foreign_differential, foreign_tpch_plans};
pub use pg_cluster::{PgCluster, ThrowawayPgCluster};
pub use process_cpu::process_cpu_seconds;
pub use reference::{
    PublishedCheck, ReferenceAnswer, ReferenceError, published_queries, reference_answer,
};
pub use report::{render_html, render_markdown, write_report};
pub use spark_server::{SparkServer, SparkServerError};
pub use suites::{Suite, SuiteError, SuiteProgress, run_suites};
