//! `ValidatedPlan`: a Substrait plan checked once on entry, so nothing downstream sees a bad one.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;
use datafusion_substrait::substrait::proto::{Plan, Type};

use crate::error::{ProducerError, Result};
use crate::plan_fingerprint::plan_fingerprint;
use crate::plan_io::{PlanFormat, decode_plan};
use crate::plan_warnings::{PlanWarning, WarningChecks};
use crate::rel_tree::{plan_roots, rel_depth, rel_inputs};
use crate::result_types::DeclaredResultTypes;
use crate::type_rules::TypeRules;
use crate::visit::{RelSchema, walk_plan};
use datafusion_substrait::substrait::proto::rel::RelType;

/// The deepest relation tree we accept (protobuf decoding already caps message nesting at 100).
pub const MAX_REL_DEPTH: usize = 500;

/// A plan that decoded and passed the checks every engine relies on: it has exactly one root
/// relation, present and of bounded depth; extension anchors are unique and point at declared
/// URNs; and the typed walk ([`crate::visit`]) resolved every field reference (direct ones
/// against their input after its emit, outer ones by `steps_out` against the enclosing
/// queries), every function anchor and grouping reference, and found every type and literal
/// within its parameter rules, and every call whose output type the plan declares agreeing with
/// the type its extension derives ([`crate::result_types`]). Library users who hand a plan to an engine without the router
/// get the same refusals.
#[derive(Debug, Clone)]
pub struct ValidatedPlan {
    plan: Arc<Plan>,
    /// Computed on first use and shared by clones: encoding a plan to hash it costs more
    /// than the rest of a routing decision.
    fingerprint: Arc<OnceLock<String>>,
    /// Likely producer mistakes found on entry (the plan still runs as written).
    warnings: Arc<Vec<PlanWarning>>,
    /// The root relation's output as the walk derived it: the types the plan declares its
    /// answer to have.
    output: Arc<Option<RelSchema>>,
}

impl ValidatedPlan {
    /// Checks a decoded plan.
    pub fn new(plan: Plan) -> Result<Self> {
        check_references(&plan)?;
        check_relations(&plan)?;
        check_extensions(&plan)?;
        let (warnings, output) = check_walk(&plan)?;
        Ok(Self {
            plan: Arc::new(plan),
            fingerprint: Arc::default(),
            warnings: Arc::new(warnings),
            output: Arc::new(output),
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

    /// The plan's fingerprint ([`plan_fingerprint`]), computed once per plan.
    pub fn fingerprint(&self) -> &str {
        self.fingerprint
            .get_or_init(|| plan_fingerprint(&self.plan))
    }

    /// Constructs in the plan that are legal but almost never intended
    /// ([`crate::plan_warnings`]), found in the same walk as validation.
    pub fn warnings(&self) -> &[PlanWarning] {
        &self.warnings
    }

    /// The answer's column types as the plan declares them (derived by the validating walk
    /// from the read schemas, casts, literals and the extensions' return types), when the root
    /// relation's output is derivable; `None` for a column whose type is not.
    pub fn output_types(&self) -> Option<&[Option<Type>]> {
        self.output
            .as_ref()
            .as_ref()
            .filter(|schema| schema.complete)
            .map(|schema| schema.columns.as_slice())
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

/// `ReferenceRel`s point at other entries of `plan.relations`: each must exist, and following
/// them must never lead back (a cycle would make every consumer loop or overflow).
fn check_references(plan: &Plan) -> Result<()> {
    let roots = plan_roots(plan);
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); roots.len()];
    for (index, root) in roots.iter().enumerate() {
        let mut stack: Vec<_> = root.iter().copied().collect();
        while let Some(rel) = stack.pop() {
            if let Some(RelType::Reference(reference)) = rel.rel_type.as_ref() {
                let target = usize::try_from(reference.subtree_ordinal)
                    .ok()
                    .filter(|&t| t < roots.len())
                    .ok_or_else(|| {
                        ProducerError::Invalid(format!(
                            "relations[{index}] holds a ReferenceRel to relations[{}], which \
                             does not exist (the plan has {} relations)",
                            reference.subtree_ordinal,
                            roots.len()
                        ))
                    })?;
                edges[index].push(target);
            }
            stack.extend(rel_inputs(rel));
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        let path: Vec<String> = cycle.iter().map(|i| format!("relations[{i}]")).collect();
        return Err(ProducerError::Invalid(format!(
            "ReferenceRels form a cycle: {}",
            path.join(" → ")
        )));
    }
    Ok(())
}

/// A cycle in a directed graph given as adjacency lists, as the nodes along it with the
/// first repeated at the end; found by depth-first search without recursion.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut marks = vec![Mark::New; edges.len()];
    for start in 0..edges.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // The current path, each node with the index of its next edge to follow.
        let mut path: Vec<(usize, usize)> = vec![(start, 0)];
        marks[start] = Mark::OnPath;
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            match edges[node].get(*next) {
                Some(&target) => {
                    *next += 1;
                    match marks[target] {
                        Mark::OnPath => {
                            let from = path.iter().position(|(n, _)| *n == target).unwrap_or(0);
                            let mut cycle: Vec<usize> =
                                path[from..].iter().map(|(n, _)| *n).collect();
                            cycle.push(target);
                            return Some(cycle);
                        }
                        Mark::New => {
                            marks[target] = Mark::OnPath;
                            path.push((target, 0));
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[node] = Mark::Done;
                    path.pop();
                }
            }
        }
    }
    None
}

/// Walks the plan once with the type rules and the warning checks: every problem the walk or
/// the rules find is reported, each with its path; otherwise the warnings are returned.
fn check_walk(plan: &Plan) -> Result<(Vec<PlanWarning>, Option<RelSchema>)> {
    let mut visitors = (
        TypeRules::default(),
        (WarningChecks::default(), DeclaredResultTypes::default()),
    );
    let outcome = walk_plan(plan, &mut visitors);
    let (rules, (warnings, result_types)) = visitors;
    let problems: Vec<String> = outcome
        .problems
        .iter()
        .chain(&rules.problems)
        .chain(&result_types.problems)
        .map(ToString::to_string)
        .collect();
    if problems.is_empty() {
        return Ok((warnings.warnings, outcome.root_schema));
    }
    Err(ProducerError::Invalid(format!(
        "the plan is invalid: {}",
        problems.join("; ")
    )))
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
