//! Why a type expression did not parse, a return program did not evaluate, or a call did not
//! resolve.

use thiserror::Error;

use super::registry::FunctionKind;

/// Text of the type language that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot parse `{text}`: {reason}")]
pub struct ParseError {
    /// The line (or whole expression) being parsed.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A return program that does not evaluate to a valid type for the bound parameters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EvalError {
    /// A name neither bound by the arguments nor assigned earlier in the program.
    #[error("`{0}` is not bound by the arguments nor assigned before use")]
    Unbound(String),
    /// An operand of the wrong kind: a type where a number is needed, and so on.
    #[error("`{expr}` must be {expected}")]
    Mismatch {
        /// The expression, as text.
        expr: String,
        /// What it had to be (`an integer`, `a boolean`, `a type`).
        expected: &'static str,
    },
    /// Overflow or division by zero in integer arithmetic.
    #[error("arithmetic fails in `{0}`")]
    Arithmetic(String),
    /// A call to something other than `min` / `max`, or with no arguments.
    #[error("unknown function `{0}` in a return program")]
    UnknownFunction(String),
    /// The program computes a type Substrait does not allow, e.g. `DECIMAL<39, 2>`.
    #[error("the program computes an invalid type: {0}")]
    InvalidType(String),
    /// The result cannot be a concrete type: a bare `any` (bound by nothing) or `unknown`.
    #[error("the result `{0}` is not a concrete type")]
    NotConcrete(String),
    /// The result is a user-defined type (`u!geometry`): its proto form refers to the plan's
    /// own anchor for the type, which a registry does not know.
    #[error("the result is the user-defined type `u!{0}`, which needs the plan's type anchor")]
    UserDefinedResult(String),
}

/// Why a call could not be resolved to an implementation and a result type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResolveError {
    /// The URN names no extension the registry holds.
    #[error("no extension with URN `{0}` is registered")]
    UnknownUrn(String),
    /// No function of that name and kind in the extension (or, without a URN, in any).
    #[error("no {kind} function `{name}`{}", in_urn(urn.as_deref()))]
    NoSuchFunction {
        /// The name asked for.
        name: String,
        /// Scalar, aggregate or window.
        kind: FunctionKind,
        /// The extension searched, if one was named.
        urn: Option<String>,
    },
    /// The function exists, but none of its implementations accepts these arguments.
    #[error(
        "no implementation of {kind} function `{name}`{} accepts ({arguments}); it has: {}",
        in_urn(urn.as_deref()),
        candidates.join("; ")
    )]
    NoMatchingImpl {
        /// The name asked for.
        name: String,
        /// Scalar, aggregate or window.
        kind: FunctionKind,
        /// The extension searched, if one was named.
        urn: Option<String>,
        /// The argument types, as text.
        arguments: String,
        /// Each implementation's signature and why it did not match.
        candidates: Vec<String>,
    },
    /// Without a URN, implementations in several extensions match and give different types.
    #[error("`{name}` with ({arguments}) is ambiguous without a URN: {}", urns.join(", "))]
    Ambiguous {
        /// The name asked for.
        name: String,
        /// The argument types, as text.
        arguments: String,
        /// The extensions whose implementations match.
        urns: Vec<String>,
    },
    /// An argument whose type cannot be compared with signatures: kind unset, a type alias,
    /// a user-defined type known only by anchor.
    #[error("argument {index} cannot be matched: {reason}")]
    UnsupportedArgument {
        /// The 0-based argument position.
        index: usize,
        /// Why.
        reason: String,
    },
    /// The matching implementation's return program fails for these arguments.
    #[error("`{name}:{signature}` in `{urn}`: {error}")]
    Program {
        /// The function name.
        name: String,
        /// The implementation's signature key, e.g. `dec_dec`.
        signature: String,
        /// The extension.
        urn: String,
        /// What went wrong.
        error: EvalError,
    },
}

fn in_urn(urn: Option<&str>) -> String {
    urn.map(|u| format!(" in `{u}`")).unwrap_or_default()
}
