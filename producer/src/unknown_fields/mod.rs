//! Refusing what a plan holds that Switchyard cannot read: unknown fields and enum values.
//!
//! The `substrait` crate's decoders drop unknown fields without a word: prost skips unknown
//! field numbers, pbjson skips unknown JSON keys. A plan from a newer spec can then mean
//! something else here than it meant to its producer (a new filter field, say, simply vanishes).
//! These checks read a plan against the crate's own descriptors ([`descriptors`]) before it is
//! decoded, and refuse anything unknown with [`ProducerError::UnknownField`], naming the field
//! and where it is.
//!
//! What passes unchecked is reported as notes: `google.protobuf.Any` payloads (advanced
//! extensions, extension relations' `detail`), which only their engine can read; anything
//! unknown inside an [`inert`] field (hints, optimizations); and, for binary imports only, the
//! [`legacy`] extension URI fields of older specs.
//!
//! Where they run: [`crate::plan_io::decode_plan_as`] (both encodings, strict),
//! [`crate::import::import_json`] (after the passes that map older specs' fields) and the
//! binary branch of [`crate::import::import_plan_bytes`].
//!
//! Cost: the binary check decodes the plan a second time, dynamically. On Switchyard's own 22
//! TPC-H plans (0.9 to 3.1 KB) it took 1.4 ms per plan on average in a debug build, against
//! 0.17 ms for prost's own decode (`tests/unknown_fields_cost.rs`, 2026-12-07); a release
//! build was not measured. Small beside planning and running a query, so own plans are checked
//! too.
//!
//! [`ProducerError::UnknownField`]: crate::ProducerError::UnknownField

pub mod binary;
pub mod descriptors;
mod findings;
pub mod inert;
pub mod json;
pub mod later_releases;
pub mod legacy;
pub mod path;

pub use binary::{LegacyFields, check_plan_bytes, check_plan_message};
pub use json::check_plan_json;
