//! Function result types derived from the Substrait extension YAMLs themselves.
//!
//! Every implementation in an extension YAML declares its argument types as patterns
//! (`decimal<P1,S1>`, `any1`, `varchar<L1>`) and its result as a *return program*: a type
//! expression, or assignments over the bound parameters ending in one:
//!
//! ```text
//! init_scale = max(S1,S2)
//! init_prec = init_scale + max(P1 - S1, P2 - S2) + 1
//! ...
//! DECIMAL<prec, scale>
//! ```
//!
//! [`FunctionRegistry`] loads the YAMLs once ([`FunctionRegistry::standard`] holds the core
//! extensions vendored in `producer/extensions/`), parses every argument pattern and program,
//! and indexes implementations by function name. [`FunctionRegistry::resolve`] matches a call's
//! argument types (as `substrait::proto::Type`) against each implementation, binding
//! parameters, evaluates the matching implementation's program with those bindings, and applies
//! its nullability handling. No table of known functions is involved: a function the YAMLs
//! declare resolves, one they do not is an error that says so.
//!
//! Modules, one concept each:
//! * [`syntax`]: the tree of type expressions and programs;
//! * [`lexer`] and [`parser`]: text to that tree;
//! * [`concrete`]: concrete types and their proto form;
//! * [`binding`]: matching an argument type against a pattern;
//! * [`evaluate`]: running a program over bindings;
//! * [`extension_yaml`]: the YAML structures read and the vendored core files;
//! * [`registry`]: loading, indexing and resolution;
//! * [`error`]: why parsing, evaluation or resolution failed.

pub mod binding;
pub mod concrete;
pub mod error;
pub mod evaluate;
pub mod extension_yaml;
pub mod lexer;
pub mod parser;
pub mod registry;
pub mod syntax;

pub use concrete::{ConcreteKind, ConcreteType};
pub use error::{EvalError, ParseError, ResolveError};
pub use registry::{
    ArgPattern, Argument, FunctionKind, FunctionQuery, FunctionRegistry, Implementation,
    LoadProblem, NullabilityHandling, ResolvedFunction, Variadic,
};
