//! What a parsed test file holds.

use std::fmt;

use super::types::DataType;
use super::value::{Literal, TypedValue};

/// Whether a file, and each case in it, tests scalar or aggregate functions. A file holds one kind
/// only, named by its first line (`### SUBSTRAIT_SCALAR_TEST` or `### SUBSTRAIT_AGGREGATE_TEST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestKind {
    /// `f(arg, ...) = result`.
    Scalar,
    /// `f((v1, v2, ...)::type) = result`, or an aggregate over a table written before it.
    Aggregate,
}

impl fmt::Display for TestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TestKind::Scalar => "scalar",
            TestKind::Aggregate => "aggregate",
        })
    }
}

/// A parsed `.test` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFile {
    /// Scalar or aggregate, from the version line.
    pub kind: TestKind,
    /// The format version as written, e.g. `v1.0`.
    pub version: String,
    /// The extension(s) under test, from `### SUBSTRAIT_INCLUDE:`, without quotes
    /// (e.g. `/extensions/functions_arithmetic.yaml`).
    pub include: Vec<String>,
    /// Helper extensions the cases also need, from `### SUBSTRAIT_DEPENDENCY:` lines.
    pub dependencies: Vec<String>,
    /// The test cases in file order.
    pub cases: Vec<TestCase>,
}

/// The `# name: description` comment line that heads a group of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestGroup {
    /// The text before the first `:` (all of it if there is none), e.g. `overflow`.
    pub name: String,
    /// The text after the first `:`, if any, e.g. `Examples demonstrating overflow behavior`.
    pub description: Option<String>,
}

impl TestGroup {
    /// Splits a comment's text into name and description.
    pub(super) fn from_comment(text: &str) -> Self {
        match text.split_once(':') {
            Some((name, description)) => Self {
                name: name.trim().to_string(),
                description: Some(description.trim().to_string()).filter(|d| !d.is_empty()),
            },
            None => Self {
                name: text.trim().to_string(),
                description: None,
            },
        }
    }
}

/// One test case: a function call and the result it must give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The 1-based line the case starts on.
    pub line: usize,
    /// The group the case is in: the last `#` comment line before it, if any.
    pub group: Option<TestGroup>,
    /// The function's name as written, e.g. `add`.
    pub function: String,
    /// Scalar or aggregate; always the file's kind.
    pub kind: TestKind,
    /// The arguments in order. Aggregate cases refer to their [`TestCase::table`] with
    /// [`Argument::Column`]; a single-column aggregate case has one argument, `Column` 0.
    pub arguments: Vec<Argument>,
    /// The input rows of an aggregate case; `None` for scalar cases.
    pub table: Option<Table>,
    /// `[name:value, ...]` options, as written and in order.
    pub options: Vec<(String, String)>,
    /// The result the call must give.
    pub expected: Expected,
    /// A `# comment` on the line where the case ends (the README's per-case description).
    pub description: Option<String>,
}

impl TestCase {
    /// The value of option `name` (compared ignoring ASCII case), if the case sets it.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Argument {
    /// A literal with its type: `120::i8`, `[1, 2]::list<i32>`, `(x -> f(x))::func<i32 -> i32>`.
    Value(TypedValue),
    /// A column of the case's [`Table`]: `col0::fp32`, `t1.col0`, or the values of a
    /// single-column aggregate case.
    Column {
        /// The 0-based column index.
        index: usize,
        /// The column's type.
        data_type: DataType,
    },
    /// A bare name inside a lambda body, naming one of the lambda's parameters: the `x` in
    /// `(x -> gt(x, 0::i32))`.
    Parameter(String),
}

/// The input rows of an aggregate case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The name given by `DEFINE name(...)`, if the case used that form.
    pub name: Option<String>,
    /// One type per column.
    pub columns: Vec<DataType>,
    /// The rows; every row has one value per column, typed by that column.
    pub rows: Vec<Vec<Literal>>,
}

/// The result a case expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The call returns this value.
    Value(TypedValue),
    /// `<!ERROR>`: the call must fail.
    Error,
    /// `<!UNDEFINED>`: the call may return anything (but must not fail).
    Undefined,
}

/// A lambda literal: `(x -> f(x, ...))` or `((x, y) -> f(x, y))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lambda {
    /// The parameter names.
    pub parameters: Vec<String>,
    /// The body; the grammar allows only a single function call.
    pub body: FunctionCall,
}

/// A function call inside a lambda body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    /// The function's name.
    pub name: String,
    /// Its arguments; lambda parameters appear as [`Argument::Parameter`].
    pub arguments: Vec<Argument>,
}
