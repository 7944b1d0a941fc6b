//! The walk's state: the visitor, the enclosing relations' schemas for outer references,
//! and the problems found.

use datafusion_substrait::substrait::proto::{Expression, Rel, Type};

use super::functions::FunctionTable;
use super::problem::PlanProblem;
use super::schema::RelSchema;
use super::visitor::PlanVisitor;
use super::{expr, rel};

/// Walks one plan; see [`super::walk_plan`].
pub(super) struct Walker<'a> {
    pub(super) functions: &'a FunctionTable,
    pub(super) visitor: &'a mut dyn PlanVisitor,
    /// The schemas enclosing each subquery being walked, innermost last: an outer reference
    /// with `steps_out` n resolves against the n-th from the end.
    pub(super) outer: Vec<RelSchema>,
    /// Each relation's depth, by index.
    pub(super) depths: Vec<usize>,
    problems: Vec<PlanProblem>,
}

/// Where a relation sits: what [`rel::walk`] needs to place it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Placement {
    pub(super) parent: Option<usize>,
    pub(super) subquery_of: Option<usize>,
    pub(super) depth: usize,
}

impl<'a> Walker<'a> {
    pub(super) fn new(functions: &'a FunctionTable, visitor: &'a mut dyn PlanVisitor) -> Self {
        Self {
            functions,
            visitor,
            outer: Vec::new(),
            depths: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Walks the root relation.
    pub(super) fn root(&mut self, root: &Rel) -> (usize, RelSchema) {
        let placement = Placement {
            parent: None,
            subquery_of: None,
            depth: 1,
        };
        rel::walk(self, root, String::new(), placement)
    }

    /// Walks an input of relation `parent`, whose path prefix is `prefix`.
    pub(super) fn input(
        &mut self,
        parent: usize,
        input: Option<&Rel>,
        prefix: String,
    ) -> RelSchema {
        let Some(input) = input else {
            self.problem(
                prefix.trim_end_matches(['/', ':']),
                "a required input relation is missing",
            );
            return RelSchema::unknown();
        };
        let placement = Placement {
            parent: Some(parent),
            subquery_of: None,
            depth: self.depth_of(parent) + 1,
        };
        rel::walk(self, input, prefix, placement).1
    }

    /// Walks an expression of relation `rel` whose references resolve against `input`;
    /// returns its derived type.
    pub(super) fn expression(
        &mut self,
        expression: &Expression,
        input: &RelSchema,
        path: &str,
        rel: usize,
    ) -> Option<Type> {
        expr::walk(self, expression, input, path, rel)
    }

    /// The depth of relation `index`.
    pub(super) fn depth_of(&self, index: usize) -> usize {
        self.depths.get(index).copied().unwrap_or(0)
    }

    /// Records what does not resolve.
    pub(super) fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(PlanProblem {
            path: if path.is_empty() {
                "root".to_string()
            } else {
                path.to_string()
            },
            message: message.into(),
        });
    }

    /// The root's names must name every column (and every field of nested structs, in
    /// depth-first order) of its input.
    pub(super) fn check_root_names(&mut self, names: &[String], schema: &RelSchema) {
        if !schema.complete || names.is_empty() {
            return;
        }
        let Some(expected) = schema
            .columns
            .iter()
            .map(|column| column.as_ref().map(name_count))
            .sum::<Option<usize>>()
        else {
            return;
        };
        if names.len() != expected {
            self.problem(
                "root",
                format!(
                    "the root names {} columns, but its input outputs {expected} (counting \
                     nested struct fields)",
                    names.len()
                ),
            );
        }
    }

    pub(super) fn into_problems(self) -> Vec<PlanProblem> {
        self.problems
    }
}

/// How many names a column of type `ty` takes in a root's names: itself plus each nested
/// struct field, depth first.
fn name_count(ty: &Type) -> usize {
    use datafusion_substrait::substrait::proto::r#type::Kind;
    match ty.kind.as_ref() {
        Some(Kind::Struct(s)) => 1 + s.types.iter().map(name_count).sum::<usize>(),
        _ => 1,
    }
}
