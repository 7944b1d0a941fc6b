//! Fields older specs had and spec 0.85 removed, which a binary import may drop with a note.
//!
//! In JSON, [`crate::import::uris::extension_uris_to_urns`] maps these fields to their
//! replacements before the check runs, so a JSON check never meets them. A binary plan cannot
//! go through that pass (its fields are numbers, decoded away before any JSON exists), and
//! before this check its URIs were dropped silently while its functions still resolved by
//! name ([`crate::import::urns_by_name`]); the import keeps doing that, but says so.
//! [`crate::plan_io`] decodes strictly and refuses them.

use prost::encoding::WireType;

/// A field removed from the spec, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegacyField {
    /// The full name of the message that had the field.
    pub message: &'static str,
    /// The field's number, reserved in spec 0.85.
    pub number: u32,
    /// Its wire type: anything else under that number is not this field.
    pub wire_type: WireType,
    /// Its old proto name.
    pub name: &'static str,
    /// What the import does instead of reading it.
    pub instead: &'static str,
}

const BY_NAME: &str = "functions and types resolve by name instead";

/// The removed fields a binary import tolerates: the extension URIs of specs before 0.85.
pub const LEGACY_FIELDS: &[LegacyField] = &[
    LegacyField {
        message: "substrait.Plan",
        number: 1,
        wire_type: WireType::LengthDelimited,
        name: "extension_uris",
        instead: BY_NAME,
    },
    LegacyField {
        message: "substrait.extensions.SimpleExtensionDeclaration.ExtensionFunction",
        number: 1,
        wire_type: WireType::Varint,
        name: "extension_uri_reference",
        instead: BY_NAME,
    },
    LegacyField {
        message: "substrait.extensions.SimpleExtensionDeclaration.ExtensionType",
        number: 1,
        wire_type: WireType::Varint,
        name: "extension_uri_reference",
        instead: BY_NAME,
    },
    LegacyField {
        message: "substrait.extensions.SimpleExtensionDeclaration.ExtensionTypeVariation",
        number: 1,
        wire_type: WireType::Varint,
        name: "extension_uri_reference",
        instead: BY_NAME,
    },
];

/// The legacy field `number` (arriving as `wire_type`) of `message` was, if any.
pub fn legacy_field(
    message: &str,
    number: u32,
    wire_type: WireType,
) -> Option<&'static LegacyField> {
    LEGACY_FIELDS.iter().find(|legacy| {
        legacy.message == message && legacy.number == number && legacy.wire_type == wire_type
    })
}

/// The legacy field of `message` whose proto name was `name`, if any (for JSON keys, whose
/// removed names the descriptors do not keep).
pub fn legacy_field_named(message: &str, name: &str) -> Option<&'static LegacyField> {
    LEGACY_FIELDS
        .iter()
        .find(|legacy| legacy.message == message && legacy.name == name)
}
