//! What a walk found: refusals become errors at once, everything else a note.
//!
//! Both walks (binary and JSON) share this state, so the two encodings word their refusals and
//! notes the same way.

use prost_reflect::FieldDescriptor;

use super::descriptors::spec_version;
use super::inert::{InertField, inert_field};
use super::path::PlanPath;
use crate::error::{ProducerError, Result};

/// The full name of `google.protobuf.Any`, whose payload no walk opens.
pub const ANY: &str = "google.protobuf.Any";

/// A walk's position and what it has noted so far.
#[derive(Debug, Default)]
pub struct Findings {
    /// Where the walk is.
    pub path: PlanPath,
    /// Notes for the import report: what passed although the check could not vouch for it.
    pub notes: Vec<String>,
    /// The inert field the walk is inside, if any (the outermost one).
    inert: Option<&'static InertField>,
}

impl Findings {
    /// Enters `field`: pushes it on the path and remembers whether it makes its contents inert.
    /// Returns whether it did, for [`Findings::leave`].
    pub fn enter(&mut self, field: &FieldDescriptor) -> bool {
        self.path.push_field(field.name());
        if self.inert.is_none()
            && let Some(inert) = inert_field(field)
        {
            self.inert = Some(inert);
            return true;
        }
        false
    }

    /// Leaves the field entered last; `made_inert` is what [`Findings::enter`] returned.
    pub fn leave(&mut self, made_inert: bool) {
        if made_inert {
            self.inert = None;
        }
        self.path.pop();
    }

    /// Something unknown at the current path: `what` names it (`field "fooBar"`,
    /// `field 99 (wire type Varint)`, `enum value 7 of substrait.JoinRel.JoinType`).
    ///
    /// Refused, unless the walk is inside an inert field, where it is only noted.
    /// `removed` says the descriptors reserve it: an older spec had it; `added_in` is the
    /// newer release that has it, when one does ([`super::later_releases`]).
    pub fn unknown(
        &mut self,
        what: String,
        removed: bool,
        added_in: Option<&'static str>,
    ) -> Result<()> {
        let version = spec_version();
        if let Some(inert) = self.inert {
            self.notes.push(format!(
                "ignored unknown {what} at {} (Substrait {version} descriptors): it is inside {}",
                self.path, inert.why
            ));
            return Ok(());
        }
        let detail = if removed {
            format!(
                "reserved in the Substrait {version} descriptors: the plan may come from an older \
                 spec that had this field"
            )
        } else if let Some(release) = added_in {
            format!(
                "Substrait {version} descriptors; Substrait {release} added it: the plan comes \
                 from a newer spec than Switchyard reads"
            )
        } else {
            format!("Substrait {version} descriptors; the plan may come from a newer spec")
        };
        Err(ProducerError::UnknownField {
            path: self.path.to_string(),
            field: what,
            detail,
        })
    }

    /// An `Any` at the current path, whose payload (of type `type_url`) is not checked.
    pub fn opaque_any(&mut self, type_url: &str) {
        let role = match self.inert {
            Some(inert) => format!("; it is {}", inert.why),
            None if self.path.ends_with_field("enhancement") => {
                "; an enhancement changes the plan's meaning, so the engine must understand it"
                    .to_string()
            }
            None => String::new(),
        };
        self.notes.push(format!(
            "opaque google.protobuf.Any payload {type_url:?} at {}: not checked for unknown \
             fields{role}",
            self.path
        ));
    }
}
