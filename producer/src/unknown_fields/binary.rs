//! The check of a binary plan: decoded as a [`DynamicMessage`], which keeps what prost drops.
//!
//! prost's generated `Plan::decode` skips every field number it does not know; prost-reflect's
//! dynamic decoding keeps them as unknown fields, and keeps enum numbers as they came, so a walk
//! over the dynamic message sees everything the wire held.

use prost_reflect::{DynamicMessage, Kind, MapKey, ReflectMessage, Value};

use super::descriptors::{plan_descriptor, spec_version};
use super::findings::{ANY, Findings};
use super::later_releases::{Entry, added_in};
use super::legacy::{LegacyField, legacy_field};
use crate::error::{ProducerError, Result};

/// What to do with the removed fields of [`super::legacy::LEGACY_FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegacyFields {
    /// Refuse them like any other unknown field: for strict decoding.
    #[default]
    Refuse,
    /// Note them and let them be dropped: for imports of plans from older producers.
    Note,
}

/// Checks the plan in `bytes` (protobuf wire format) for fields and enum values the
/// descriptors do not know. Returns notes on what passed unchecked; an unknown field or enum
/// value outside an inert field is a [`ProducerError::UnknownField`].
pub fn check_plan_bytes(bytes: &[u8], legacy: LegacyFields) -> Result<Vec<String>> {
    let message = DynamicMessage::decode(plan_descriptor()?, bytes)
        .map_err(|e| ProducerError::Decode(format!("not a Substrait protobuf plan: {e}")))?;
    check_plan_message(&message, legacy)
}

/// [`check_plan_bytes`] for a plan already decoded as a dynamic message.
pub fn check_plan_message(message: &DynamicMessage, legacy: LegacyFields) -> Result<Vec<String>> {
    let mut walk = BinaryWalk {
        findings: Findings::default(),
        legacy,
        dropped: Vec::new(),
    };
    walk.message(message)?;
    let mut notes = walk.findings.notes;
    // One note per removed field, not per occurrence: a plan declares dozens of functions.
    for (old, count, first) in walk.dropped {
        notes.push(format!(
            "{} (field {} of {}, a field of specs before {}): {count} dropped, the first at \
             {first}; {}",
            old.name,
            old.number,
            old.message,
            spec_version(),
            old.instead
        ));
    }
    Ok(notes)
}

struct BinaryWalk {
    findings: Findings,
    legacy: LegacyFields,
    /// The removed fields met, how often, and where first.
    dropped: Vec<(&'static LegacyField, usize, String)>,
}

impl BinaryWalk {
    fn message(&mut self, message: &DynamicMessage) -> Result<()> {
        let descriptor = message.descriptor();
        for unknown in message.unknown_fields() {
            let (number, wire_type) = (unknown.number(), unknown.wire_type());
            if self.legacy == LegacyFields::Note
                && let Some(old) = legacy_field(descriptor.full_name(), number, wire_type)
            {
                match self.dropped.iter_mut().find(|(seen, _, _)| *seen == old) {
                    Some((_, count, _)) => *count += 1,
                    None => self.dropped.push((old, 1, self.findings.path.to_string())),
                }
                continue;
            }
            let removed = descriptor
                .reserved_ranges()
                .any(|range| range.contains(&number));
            let added = added_in(descriptor.full_name(), Entry::FieldNumber(number));
            self.findings.unknown(
                format!("field {number} (wire type {wire_type:?})"),
                removed,
                added,
            )?;
        }
        if descriptor.full_name() == ANY {
            let type_url = message
                .get_field_by_name("type_url")
                .and_then(|value| value.as_str().map(str::to_owned))
                .unwrap_or_default();
            self.findings.opaque_any(&type_url);
            return Ok(());
        }
        for (field, value) in message.fields() {
            let made_inert = self.findings.enter(&field);
            let result = self.value(&field.kind(), value);
            self.findings.leave(made_inert);
            result?;
        }
        Ok(())
    }

    /// A field's value; `kind` is the field's kind (for a map, its entry message's).
    fn value(&mut self, kind: &Kind, value: &Value) -> Result<()> {
        match value {
            Value::Message(message) => self.message(message),
            Value::EnumNumber(number) => match kind {
                Kind::Enum(enumeration) if enumeration.get_value(*number).is_none() => {
                    self.findings.unknown(
                        format!("enum value {number} of {}", enumeration.full_name()),
                        false,
                        added_in(enumeration.full_name(), Entry::EnumNumber(*number)),
                    )
                }
                _ => Ok(()),
            },
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.findings.path.push_index(index);
                    let result = self.value(kind, item);
                    self.findings.path.pop();
                    result?;
                }
                Ok(())
            }
            Value::Map(entries) => {
                let value_kind = match kind {
                    Kind::Message(entry) => entry.map_entry_value_field().kind(),
                    _ => return Ok(()),
                };
                // Sorted, so the first refusal is the same on every run.
                let mut entries: Vec<_> = entries.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, item) in entries {
                    self.findings.path.push_key(&map_key_text(key));
                    let result = self.value(&value_kind, item);
                    self.findings.path.pop();
                    result?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

fn map_key_text(key: &MapKey) -> String {
    match key {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}
