//! What can go wrong while parsing a function test file.

use thiserror::Error;

/// Why a `.test` file could not be parsed. Every variant carries the 1-based line it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TestFileError {
    /// A character or token the format does not allow at this point.
    #[error("line {line}: expected {expected}, found {found}")]
    Unexpected {
        /// The 1-based line number.
        line: usize,
        /// What the parser was looking for.
        expected: String,
        /// What it found instead (`end of file` at the end).
        found: String,
    },
    /// A quoted string with no closing quote.
    #[error("line {line}: unterminated string literal")]
    UnterminatedString {
        /// The 1-based line the string starts on.
        line: usize,
    },
    /// A `### KEY: value` header line that is missing, misplaced or malformed.
    #[error("line {line}: {message}")]
    Header {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with the header.
        message: String,
    },
    /// A type name the format does not define, or a type with the wrong parameters.
    #[error("line {line}: bad type `{name}`: {reason}")]
    BadType {
        /// The 1-based line number.
        line: usize,
        /// The type name as written.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A literal that is not valid for its declared type, e.g. `300::i8` or `'2020-13'::date`.
    #[error("line {line}: {literal} is not a valid `{data_type}` literal: {reason}")]
    InvalidLiteral {
        /// The 1-based line number.
        line: usize,
        /// The literal as written (strings re-quoted).
        literal: String,
        /// The declared type.
        data_type: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A test case that parses but makes no sense: aggregate syntax in a scalar file, a column
    /// reference outside the table, rows of different widths, ...
    #[error("line {line}: {message}")]
    InvalidCase {
        /// The 1-based line the case starts on.
        line: usize,
        /// What is wrong with the case.
        message: String,
    },
}

impl TestFileError {
    /// The 1-based line the error refers to.
    pub fn line(&self) -> usize {
        match self {
            Self::Unexpected { line, .. }
            | Self::UnterminatedString { line }
            | Self::Header { line, .. }
            | Self::BadType { line, .. }
            | Self::InvalidLiteral { line, .. }
            | Self::InvalidCase { line, .. } => *line,
        }
    }
}
