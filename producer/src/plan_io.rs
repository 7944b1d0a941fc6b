//! Reading and writing Substrait plans: protobuf binary and the canonical protobuf JSON form.

use std::fmt;
use std::str::FromStr;

use datafusion_substrait::substrait::proto::Plan;
use prost::Message;

use crate::error::{ProducerError, Result};
use crate::plan_size::{MAX_PLAN_ELEMENTS, check_json_elements, check_wire_elements};
use crate::unknown_fields::{LegacyFields, check_plan_bytes, check_plan_json};

/// The largest plan we accept, in bytes, before even trying to decode it.
pub const MAX_PLAN_BYTES: usize = 256 * 1024 * 1024;

/// How a plan is written down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PlanFormat {
    /// Protobuf wire format: compact, what services exchange.
    #[default]
    Binary,
    /// Protobuf's canonical JSON mapping: readable, what people diff.
    Json,
}

impl PlanFormat {
    /// Guesses the format from the content: JSON starts with `{` after optional whitespace.
    ///
    /// A protobuf plan cannot start with `{`: that byte would open field 15 as a deprecated
    /// group, which no Substrait message has.
    pub fn detect(bytes: &[u8]) -> Self {
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Self::Json,
            _ => Self::Binary,
        }
    }
}

impl fmt::Display for PlanFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Binary => "binary",
            Self::Json => "json",
        })
    }
}

impl FromStr for PlanFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "binary" | "proto" | "protobuf" | "bin" => Ok(Self::Binary),
            "json" => Ok(Self::Json),
            _ => Err(format!(
                "unknown plan format {s:?}; expected binary or json"
            )),
        }
    }
}

/// Decodes a plan in either format, detecting which.
pub fn decode_plan(bytes: &[u8]) -> Result<(Plan, PlanFormat)> {
    let format = PlanFormat::detect(bytes);
    decode_plan_as(bytes, format).map(|plan| (plan, format))
}

/// Decodes a plan known to be in `format`.
///
/// Strict: a field or enum value the Substrait descriptors do not know is refused with
/// [`ProducerError::UnknownField`] rather than dropped ([`crate::unknown_fields`]), including
/// the extension URIs of specs before 0.85 (import such plans with
/// [`import_plan_bytes`](crate::import_plan_bytes), which maps them).
pub fn decode_plan_as(bytes: &[u8], format: PlanFormat) -> Result<Plan> {
    let (plan, notes) = decode_checked(bytes, format, LegacyFields::Refuse)?;
    for note in &notes {
        tracing::debug!("plan decoding: {note}");
    }
    Ok(plan)
}

/// [`decode_plan_as`] with a choice about older specs' removed fields (binary only; JSON
/// imports map them before any check), returning the check's notes.
pub(crate) fn decode_checked(
    bytes: &[u8],
    format: PlanFormat,
    legacy: LegacyFields,
) -> Result<(Plan, Vec<String>)> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(ProducerError::Decode(format!(
            "plan is {} bytes, over the {MAX_PLAN_BYTES}-byte limit",
            bytes.len()
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ProducerError::Decode("plan is empty".to_string()));
    }
    // The size checks come first: they bound the work of everything after them.
    match format {
        PlanFormat::Binary => check_wire_elements(bytes, MAX_PLAN_ELEMENTS)?,
        PlanFormat::Json => check_json_elements(bytes, MAX_PLAN_ELEMENTS)?,
    }
    match format {
        PlanFormat::Binary => {
            let notes = check_plan_bytes(bytes, legacy)?;
            let plan = Plan::decode(bytes).map_err(|e| {
                ProducerError::Decode(format!("not a Substrait protobuf plan: {e}"))
            })?;
            Ok((plan, notes))
        }
        PlanFormat::Json => {
            // Parsed once into a value: the check walks it, then the plan decodes from it.
            let value: serde_json::Value = serde_json::from_slice(bytes)
                .map_err(|e| ProducerError::Decode(format!("not a Substrait JSON plan: {e}")))?;
            let notes = check_plan_json(&value)?;
            let plan = serde_json::from_value(value)
                .map_err(|e| ProducerError::Decode(format!("not a Substrait JSON plan: {e}")))?;
            Ok((plan, notes))
        }
    }
}

/// Encodes a plan in `format` (JSON is pretty-printed).
pub fn encode_plan(plan: &Plan, format: PlanFormat) -> Result<Vec<u8>> {
    match format {
        PlanFormat::Binary => Ok(plan.encode_to_vec()),
        PlanFormat::Json => {
            let mut text = serde_json::to_vec_pretty(plan)
                .map_err(|e| ProducerError::Encode(e.to_string()))?;
            text.push(b'\n');
            Ok(text)
        }
    }
}
