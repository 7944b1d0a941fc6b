//! Fields whose contents cannot change what a plan computes: what is unknown inside them is
//! noted, not refused.
//!
//! The list is short on purpose: each entry must be a field the spec itself says is safe to
//! ignore. `AdvancedExtension.enhancement` is deliberately absent: the spec says an
//! enhancement alters semantics and cannot be ignored.

use prost_reflect::FieldDescriptor;

/// One inert field: where it is, and why what it holds may be ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InertField {
    /// The full name of the message holding the field.
    pub message: &'static str,
    /// The field's proto name.
    pub field: &'static str,
    /// Why its contents cannot change the result (shown in the note).
    pub why: &'static str,
}

/// The inert fields.
pub const INERT_FIELDS: &[InertField] = &[
    InertField {
        message: "substrait.RelCommon",
        field: "hint",
        // algebra.proto: "Changes to the operation that can influence efficiency/performance
        // but should not impact correctness."
        why: "a relation hint, which the spec says must not affect correctness",
    },
    InertField {
        message: "substrait.extensions.AdvancedExtension",
        field: "optimization",
        // extensions.proto: "helpful information that don't influence semantics. May be
        // ignored by a consumer."
        why: "an optimization extension, which the spec says may be ignored",
    },
];

/// The inert entry for `field`, if it is one.
pub fn inert_field(field: &FieldDescriptor) -> Option<&'static InertField> {
    INERT_FIELDS.iter().find(|inert| {
        inert.field == field.name() && inert.message == field.parent_message().full_name()
    })
}
