//! `ValidatedPlan`: a Substrait plan checked once on entry, so nothing downstream sees a bad one.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion_substrait::substrait::proto::Plan;
use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

use crate::error::{ProducerError, Result};
use crate::plan_io::{PlanFormat, decode_plan};
use crate::rel_tree::{plan_roots, rel_depth};

/// The deepest relation tree we accept (protobuf decoding already caps message nesting at 100).
pub const MAX_REL_DEPTH: usize = 500;

/// A plan that decoded and passed the structural checks every engine relies on:
/// it has exactly one root relation, present and of bounded depth, and
/// extension anchors are unique and point at declared URNs.
#[derive(Debug, Clone)]
pub struct ValidatedPlan {
    plan: Arc<Plan>,
}

impl ValidatedPlan {
    /// Checks a decoded plan.
    pub fn new(plan: Plan) -> Result<Self> {
        check_relations(&plan)?;
        check_extensions(&plan)?;
        Ok(Self {
            plan: Arc::new(plan),
        })
    }

    /// Decodes (binary or JSON, detected) and checks plan bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, PlanFormat)> {
        let (plan, format) = decode_plan(bytes)?;
        Ok((Self::new(plan)?, format))
    }

    /// The checked plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The producer named in `plan.version.producer`, if any.
    pub fn producer(&self) -> Option<&str> {
        self.plan
            .version
            .as_ref()
            .map(|v| v.producer.as_str())
            .filter(|p| !p.is_empty())
    }
}

fn check_relations(plan: &Plan) -> Result<()> {
    let roots = plan_roots(plan);
    match roots.as_slice() {
        [] => return Err(ProducerError::Invalid("plan has no relations".into())),
        [_] => {}
        many => {
            return Err(ProducerError::Invalid(format!(
                "plan has {} relations; exactly one root relation is supported",
                many.len()
            )));
        }
    }
    for (index, root) in roots.iter().enumerate() {
        let root = root
            .ok_or_else(|| ProducerError::Invalid(format!("relations[{index}] has no relation")))?;
        let depth = rel_depth(root);
        if depth > MAX_REL_DEPTH {
            return Err(ProducerError::Invalid(format!(
                "relations[{index}] is {depth} relations deep, over the limit of {MAX_REL_DEPTH}"
            )));
        }
    }
    Ok(())
}

fn check_extensions(plan: &Plan) -> Result<()> {
    let mut urn_anchors = HashSet::new();
    for urn in &plan.extension_urns {
        if !urn_anchors.insert(urn.extension_urn_anchor) {
            return Err(ProducerError::Invalid(format!(
                "extension URN anchor {} is declared twice",
                urn.extension_urn_anchor
            )));
        }
    }
    let mut function_anchors = HashSet::new();
    for declaration in &plan.extensions {
        let Some(mapping) = declaration.mapping_type.as_ref() else {
            return Err(ProducerError::Invalid(
                "an extension declaration is empty".into(),
            ));
        };
        let (kind, anchor, urn_reference, name) = match mapping {
            MappingType::ExtensionFunction(f) => (
                "function",
                f.function_anchor,
                f.extension_urn_reference,
                &f.name,
            ),
            MappingType::ExtensionType(t) => {
                ("type", t.type_anchor, t.extension_urn_reference, &t.name)
            }
            MappingType::ExtensionTypeVariation(v) => (
                "type variation",
                v.type_variation_anchor,
                v.extension_urn_reference,
                &v.name,
            ),
        };
        if name.is_empty() {
            return Err(ProducerError::Invalid(format!(
                "extension {kind} {anchor} has no name"
            )));
        }
        if kind == "function" && !function_anchors.insert(anchor) {
            return Err(ProducerError::Invalid(format!(
                "extension function anchor {anchor} is declared twice"
            )));
        }
        // Plans from producers before spec 0.85 reference URIs, whose fields decoding drops;
        // they leave no URN declared at all, and functions then resolve by name.
        if !urn_anchors.is_empty() && !urn_anchors.contains(&urn_reference) {
            return Err(ProducerError::Invalid(format!(
                "extension {kind} {name:?} references URN anchor {urn_reference}, which is not declared"
            )));
        }
    }
    Ok(())
}
