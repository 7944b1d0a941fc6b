//! The parts of a simple-extension YAML that type derivation reads, and the core extensions
//! vendored in `producer/extensions/` (Substrait v0.85.0, the version the `substrait` crate
//! 0.63 bundles).
//!
//! Own structs rather than the `substrait` crate's typify-generated `text::simple_extensions`
//! (behind its `EXTENSIONS` map): those would serve too, and also keep `return` as raw text,
//! but they mirror the whole JSON schema with untagged enums and JSON maps, while type
//! derivation reads half a dozen fields. Embedding the texts themselves also lets a test check
//! them byte for byte against the spec's files in the corpus.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The core function extensions, as `(file name, YAML text)`.
pub const CORE_EXTENSIONS: &[(&str, &str)] = &[
    (
        "functions_aggregate_approx.yaml",
        include_str!("../../extensions/functions_aggregate_approx.yaml"),
    ),
    (
        "functions_aggregate_decimal_output.yaml",
        include_str!("../../extensions/functions_aggregate_decimal_output.yaml"),
    ),
    (
        "functions_aggregate_generic.yaml",
        include_str!("../../extensions/functions_aggregate_generic.yaml"),
    ),
    (
        "functions_arithmetic.yaml",
        include_str!("../../extensions/functions_arithmetic.yaml"),
    ),
    (
        "functions_arithmetic_decimal.yaml",
        include_str!("../../extensions/functions_arithmetic_decimal.yaml"),
    ),
    (
        "functions_boolean.yaml",
        include_str!("../../extensions/functions_boolean.yaml"),
    ),
    (
        "functions_comparison.yaml",
        include_str!("../../extensions/functions_comparison.yaml"),
    ),
    (
        "functions_datetime.yaml",
        include_str!("../../extensions/functions_datetime.yaml"),
    ),
    (
        "functions_geometry.yaml",
        include_str!("../../extensions/functions_geometry.yaml"),
    ),
    (
        "functions_list.yaml",
        include_str!("../../extensions/functions_list.yaml"),
    ),
    (
        "functions_logarithmic.yaml",
        include_str!("../../extensions/functions_logarithmic.yaml"),
    ),
    (
        "functions_rounding.yaml",
        include_str!("../../extensions/functions_rounding.yaml"),
    ),
    (
        "functions_rounding_decimal.yaml",
        include_str!("../../extensions/functions_rounding_decimal.yaml"),
    ),
    (
        "functions_set.yaml",
        include_str!("../../extensions/functions_set.yaml"),
    ),
    (
        "functions_string.yaml",
        include_str!("../../extensions/functions_string.yaml"),
    ),
];

/// One extension file.
#[derive(Debug, Deserialize)]
pub struct ExtensionFile {
    /// `extension:io.substrait:functions_arithmetic`.
    pub urn: String,
    /// Scalar functions.
    #[serde(default)]
    pub scalar_functions: Vec<FunctionDef>,
    /// Aggregate functions.
    #[serde(default)]
    pub aggregate_functions: Vec<FunctionDef>,
    /// Window functions.
    #[serde(default)]
    pub window_functions: Vec<FunctionDef>,
}

/// One function: a name and its implementations.
#[derive(Debug, Deserialize)]
pub struct FunctionDef {
    /// The function's name, e.g. `add`.
    pub name: String,
    /// Its implementations (overloads).
    #[serde(default)]
    pub impls: Vec<ImplDef>,
}

/// One implementation.
#[derive(Debug, Deserialize)]
pub struct ImplDef {
    /// Positional arguments.
    #[serde(default)]
    pub args: Vec<ArgDef>,
    /// Named options (`overflow: {values: [SILENT, SATURATE, ERROR]}`).
    #[serde(default)]
    pub options: BTreeMap<String, OptionDef>,
    /// Whether the last argument repeats.
    pub variadic: Option<VariadicDef>,
    /// The return type or program, as text.
    #[serde(rename = "return")]
    pub return_type: serde_yaml::Value,
    /// `MIRROR` (default), `DECLARED_OUTPUT` or `DISCRETE`.
    pub nullability: Option<String>,
}

/// One argument: a value (`value: i64`), an enumeration (`options: [A, B]`) or a type
/// (`type: ...`).
#[derive(Debug, Deserialize)]
pub struct ArgDef {
    /// The argument's name, for messages.
    pub name: Option<String>,
    /// A value argument's type pattern.
    pub value: Option<serde_yaml::Value>,
    /// An enumeration argument's allowed values.
    pub options: Option<Vec<serde_yaml::Value>>,
    /// A type argument's pattern.
    #[serde(rename = "type")]
    pub type_arg: Option<serde_yaml::Value>,
}

/// A named option's allowed values.
#[derive(Debug, Deserialize)]
pub struct OptionDef {
    /// The values, e.g. `[SILENT, SATURATE, ERROR]`.
    #[serde(default)]
    pub values: Vec<serde_yaml::Value>,
}

/// Variadic behaviour of the last argument.
#[derive(Debug, Deserialize)]
pub struct VariadicDef {
    /// At least this many occurrences; 1 when absent (the schema gives no default, and every
    /// core YAML states it).
    pub min: Option<u32>,
    /// At most this many occurrences; unbounded when absent.
    pub max: Option<u32>,
    /// `CONSISTENT` (default): every occurrence has the same type; `INCONSISTENT`: not.
    #[serde(rename = "parameterConsistency")]
    pub parameter_consistency: Option<String>,
}

/// A YAML scalar as text: YAML reads `[ YES, NO ]` or `return: 1` as non-strings, but they are
/// names and type text here.
pub fn scalar_text(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
