//! Switchyard's conformance harness: TPC-H data generation, the shared corpus, result
//! comparison against an independent answer, and the overhead benchmark.

pub mod bench;
pub mod compare;
pub mod corpus;
pub mod datagen;
pub mod direct;

pub use compare::{DEFAULT_RELATIVE_TOLERANCE, compare_results, plan_is_ordered};
pub use datagen::{TPCH_TABLES, TableProgress, ensure_tpch, generate_tpch, open_tpch};
pub use direct::{DirectAnswer, direct_session, run_sql_directly};
