//! The Substrait message descriptors every check reads a plan against.
//!
//! They come from the `substrait` crate itself (`embed-descriptor`), so they describe exactly
//! the spec version the crate's decoders were generated from: a field the check accepts is a
//! field the decoder keeps.

use std::sync::LazyLock;

use prost_reflect::{DescriptorPool, MessageDescriptor};
use substrait::version::{SUBSTRAIT_MAJOR_VERSION, SUBSTRAIT_MINOR_VERSION};

use crate::error::{ProducerError, Result};

/// The full name of the plan message, the root of every check.
pub const PLAN_MESSAGE: &str = "substrait.Plan";

/// The spec version the descriptors describe, such as `0.85`.
pub fn spec_version() -> String {
    format!("{SUBSTRAIT_MAJOR_VERSION}.{SUBSTRAIT_MINOR_VERSION}")
}

/// Built once: decoding the descriptor set takes a few milliseconds, far more than a check.
/// The error is kept as text so every caller can report it (it cannot happen unless the
/// `substrait` crate ships a broken descriptor set).
static POOL: LazyLock<std::result::Result<DescriptorPool, String>> = LazyLock::new(|| {
    DescriptorPool::decode(substrait::proto::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())
});

/// The pool of Substrait descriptors (with the `google.protobuf` files they import).
pub fn pool() -> Result<&'static DescriptorPool> {
    POOL.as_ref()
        .map_err(|e| ProducerError::Decode(format!("Substrait descriptors: {e}")))
}

/// The descriptor of `substrait.Plan`.
pub fn plan_descriptor() -> Result<MessageDescriptor> {
    pool()?
        .get_message_by_name(PLAN_MESSAGE)
        .ok_or_else(|| ProducerError::Decode(format!("Substrait descriptors lack {PLAN_MESSAGE}")))
}
