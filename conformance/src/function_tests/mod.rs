//! A parser for Substrait's function test files (`.test`), the format of the upstream
//! `tests/cases` corpus (spec: `tests/README.md`; grammar: `grammar/FuncTestCase*.g4`).
//!
//! A file names the extension under test, then lists cases grouped under `# group: description`
//! lines:
//!
//! ```text
//! ### SUBSTRAIT_SCALAR_TEST: v1.0
//! ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'
//!
//! # overflow: Examples demonstrating overflow behavior
//! add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>
//! add(120::i8, 10::i8) [overflow:SATURATE] = 127::i8
//! ```
//!
//! Aggregate files give each case a table of input rows: `sum((1, 2, 3)::i8) = 6::i64`.
//!
//! [`parse_test_file`] turns a file's text into a [`TestFile`]. It is a hand-written lexer and
//! recursive-descent parser that follows the ANTLR grammar, but reads every quoted literal as a
//! string and lets the `::type` after it decide whether it is a date, a timestamp, an interval or
//! text, checking its shape accordingly. Numbers other than integers keep their exact text.

mod aggregate;
mod cursor;
mod error;
mod expect;
mod lexer;
mod model;
mod parse;
mod run;
mod temporal;
mod to_plan;
mod types;
mod value;

pub use error::TestFileError;
pub use expect::{FLOAT_RELATIVE_TOLERANCE, check_result};
pub use model::{
    Argument, Expected, FunctionCall, Lambda, Table, TestCase, TestFile, TestGroup, TestKind,
};
pub use parse::parse_test_file;
pub use run::{
    CaseOutcome, CaseRecord, Exercised, is_unsupported, run_case, run_case_plan, run_file,
    validated_case_plan,
};
pub use to_plan::{PlanError, RESULT_COLUMN, case_plan, case_type, compound_name, extension_urn};
pub use types::{DataType, TypeKind};
pub use value::{Literal, TypedValue};
