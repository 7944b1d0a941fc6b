//! The check of a JSON plan: every key against the message descriptors, before decoding.
//!
//! The `substrait` crate's pbjson deserializers skip keys they do not know; this walk reads the
//! same keys they accept (each field's JSON name or its proto name) and refuses the rest.
//! Values of scalar fields are not checked here: the decoder rejects a wrong type itself.

use prost_reflect::{EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::Value;

use super::descriptors::plan_descriptor;
use super::findings::{ANY, Findings};
use super::later_releases::{Entry, added_in};
use super::legacy::legacy_field_named;
use crate::error::Result;

/// Well-known messages whose JSON form is not an object of their fields: a JSON scalar, or any
/// JSON value at all. The decoder checks their values; there are no keys to check.
const FREE_FORM: &[&str] = &[
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "google.protobuf.FieldMask",
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

/// Checks a plan's JSON form for keys and enum values the descriptors do not know. Returns
/// notes on what passed unchecked; an unknown key or enum value outside an inert field is a
/// [`ProducerError::UnknownField`](crate::ProducerError::UnknownField).
pub fn check_plan_json(plan: &Value) -> Result<Vec<String>> {
    let mut findings = Findings::default();
    message(&mut findings, &plan_descriptor()?, plan)?;
    Ok(findings.notes)
}

fn message(findings: &mut Findings, descriptor: &MessageDescriptor, value: &Value) -> Result<()> {
    let name = descriptor.full_name();
    if FREE_FORM.contains(&name) {
        return Ok(());
    }
    // Anything but an object (null, or a wrong type) is for the decoder to accept or reject.
    let Value::Object(object) = value else {
        return Ok(());
    };
    if name == ANY {
        // Canonical protobuf JSON (Java, Go, C++) writes an Any as its payload's fields plus
        // "@type"; pbjson writes "typeUrl" and a base64 "value". Either way the payload is
        // opaque here; only the pbjson form has keys of its own to check.
        if let Some(type_url) = object.get("@type").and_then(Value::as_str) {
            findings.opaque_any(type_url);
            return Ok(());
        }
    }
    for (key, item) in object {
        let Some(field) = descriptor
            .get_field_by_json_name(key)
            .or_else(|| descriptor.get_field_by_name(key))
        else {
            let snake = to_snake_case(key);
            let removed = descriptor
                .reserved_names()
                .any(|reserved| reserved == key || reserved == snake)
                || legacy_field_named(name, &snake).is_some();
            let added = added_in(descriptor.full_name(), Entry::FieldName(key));
            findings.unknown(format!("field {key:?}"), removed, added)?;
            continue;
        };
        let made_inert = findings.enter(&field);
        let result = field_value(findings, &field, item);
        findings.leave(made_inert);
        result?;
    }
    if name == ANY {
        let type_url = object
            .get("typeUrl")
            .or_else(|| object.get("type_url"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        findings.opaque_any(type_url);
    }
    Ok(())
}

fn field_value(findings: &mut Findings, field: &FieldDescriptor, value: &Value) -> Result<()> {
    if field.is_map() {
        let (Kind::Message(entry), Value::Object(entries)) = (field.kind(), value) else {
            return Ok(());
        };
        let value_kind = entry.map_entry_value_field().kind();
        for (key, item) in entries {
            findings.path.push_key(key);
            let result = single(findings, &value_kind, item);
            findings.path.pop();
            result?;
        }
        return Ok(());
    }
    if field.is_list() {
        let Value::Array(items) = value else {
            return Ok(());
        };
        let kind = field.kind();
        for (index, item) in items.iter().enumerate() {
            findings.path.push_index(index);
            let result = single(findings, &kind, item);
            findings.path.pop();
            result?;
        }
        return Ok(());
    }
    single(findings, &field.kind(), value)
}

/// One value of kind `kind` (an element, for repeated fields and maps).
fn single(findings: &mut Findings, kind: &Kind, value: &Value) -> Result<()> {
    match kind {
        Kind::Message(descriptor) => message(findings, descriptor, value),
        Kind::Enum(enumeration) => enum_value(findings, enumeration, value),
        _ => Ok(()),
    }
}

/// Protobuf JSON writes an enum value as its name; readers also accept its number.
fn enum_value(findings: &mut Findings, enumeration: &EnumDescriptor, value: &Value) -> Result<()> {
    let known = match value {
        Value::String(name) => enumeration.get_value_by_name(name).is_some(),
        Value::Number(number) => number
            .as_i64()
            .and_then(|number| i32::try_from(number).ok())
            .is_some_and(|number| enumeration.get_value(number).is_some()),
        // null (for google.protobuf.NullValue, or "unset") and wrong types: the decoder's call.
        _ => true,
    };
    if known {
        return Ok(());
    }
    let added = match value {
        Value::String(name) => added_in(enumeration.full_name(), Entry::EnumName(name)),
        Value::Number(number) => number
            .as_i64()
            .and_then(|number| i32::try_from(number).ok())
            .and_then(|number| added_in(enumeration.full_name(), Entry::EnumNumber(number))),
        _ => None,
    };
    findings.unknown(
        format!("enum value {value} of {}", enumeration.full_name()),
        false,
        added,
    )
}

/// `fooBar` as `foo_bar`, to compare a JSON key with the reserved proto names.
fn to_snake_case(key: &str) -> String {
    let mut snake = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}
