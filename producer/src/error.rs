//! The producer's error type.

use datafusion::error::DataFusionError;
use thiserror::Error;

/// Everything that can go wrong between SQL text (or a DataFrame) and Substrait bytes.
#[derive(Debug, Error)]
pub enum ProducerError {
    /// The SQL text could not be parsed or planned (syntax error, unknown table or function...).
    #[error("SQL: {0}")]
    Sql(#[source] DataFusionError),
    /// A query file held statements we do not compile (only views and one query are allowed).
    #[error("SQL file: {0}")]
    Statements(String),
    /// The SQL asks for something the planner would answer wrongly, so it is refused instead.
    #[error("SQL refused: {0}")]
    Refused(String),
    /// DataFusion's plan could not be expressed in Substrait.
    #[error("Substrait production: {0}")]
    Substrait(#[source] DataFusionError),
    /// A catalog table could not be opened.
    #[error("table {table}: {message}")]
    Table {
        /// The catalog name of the table.
        table: String,
        /// What went wrong.
        message: String,
    },
    /// The plan bytes are not a Substrait plan.
    #[error("plan decoding: {0}")]
    Decode(String),
    /// The plan is a well-formed message but breaks a rule every plan must keep.
    #[error("invalid plan: {0}")]
    Invalid(String),
    /// The plan holds a field or enum value the Substrait descriptors do not know, which the
    /// decoders would drop or misread silently (see [`crate::unknown_fields`]).
    #[error("refused: unknown {field} at {path} ({detail})")]
    UnknownField {
        /// Where in the plan, by proto field names: `relations[0].root.input.filter`.
        path: String,
        /// What is unknown: `field "fooBar"`, `field 99 (wire type Varint)`,
        /// `enum value 7 of substrait.JoinRel.JoinType`.
        field: String,
        /// Which descriptors said so, and why the plan may hold it.
        detail: String,
    },
    /// The plan could not be encoded.
    #[error("plan encoding: {0}")]
    Encode(String),
}

/// The producer's result type.
pub type Result<T, E = ProducerError> = std::result::Result<T, E>;
