//! Relations, one file per kind: each walks its inputs and expressions and derives its
//! output before `emit`; [`walk`] announces the relation and applies the emit.

pub(super) mod aggregate;
mod cross;
mod emit;
mod fetch;
mod filter;
mod join;
mod other;
mod project;
mod read;
mod set;
mod sort;
mod window;

use datafusion_substrait::substrait::proto::Rel;
use datafusion_substrait::substrait::proto::read_rel::ReadType;
use datafusion_substrait::substrait::proto::rel::RelType;

use super::names::{dialect_relation, rel_label};
use super::schema::RelSchema;
use super::visitor::RelEvent;
use super::walker::{Placement, Walker};

/// A relation being walked: its index and path, for its inputs and expressions.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) index: usize,
    pub(super) path: String,
}

impl Node {
    /// The path prefix of an input in `role` (`left`, `inputs[1]`; empty for the only one).
    pub(super) fn child(&self, role: &str) -> String {
        if role.is_empty() {
            format!("{}/", self.path)
        } else {
            format!("{}/{role}:", self.path)
        }
    }

    /// The path of an expression field (`condition`, `expressions[2]`).
    pub(super) fn at(&self, field: &str) -> String {
        format!("{}/{field}", self.path)
    }
}

/// Walks relation `rel` whose path starts with `prefix`; returns its index and its output
/// after emit.
pub(super) fn walk(
    w: &mut Walker<'_>,
    rel: &Rel,
    prefix: String,
    placement: Placement,
) -> (usize, RelSchema) {
    let rel_type = rel.rel_type.as_ref();
    let table = match rel_type {
        Some(RelType::Read(read)) => match read.read_type.as_ref() {
            // Engines resolve the last part of a qualified name (`public.orders`).
            Some(ReadType::NamedTable(t)) => t.names.last().map(String::as_str),
            _ => None,
        },
        _ => None,
    };
    let label = rel_label(rel_type);
    let path = match table {
        Some(table) => format!("{prefix}{label}({table})"),
        None => format!("{prefix}{label}"),
    };
    let index = w.depths.len();
    w.depths.push(placement.depth);
    let event = RelEvent {
        rel,
        index,
        parent: placement.parent,
        subquery_of: placement.subquery_of,
        depth: placement.depth,
        relation: dialect_relation(rel_type),
        variant: variant(rel_type),
        table,
        path: &path,
        functions: w.functions,
    };
    w.visitor.enter_rel(&event);
    let node = Node { index, path };
    let Some(rel_type) = rel_type else {
        w.problem(
            &node.path,
            "the relation is empty (no relation type is set)",
        );
        let schema = RelSchema::unknown();
        w.visitor.leave_rel(index, &schema);
        return (index, schema);
    };
    let (common, schema) = match rel_type {
        RelType::Read(r) => (r.common.as_ref(), read::walk(w, &node, r)),
        RelType::Filter(r) => (r.common.as_ref(), filter::walk(w, &node, r)),
        RelType::Fetch(r) => (r.common.as_ref(), fetch::walk(w, &node, r)),
        RelType::Sort(r) => (r.common.as_ref(), sort::walk(w, &node, r)),
        RelType::Project(r) => (r.common.as_ref(), project::walk(w, &node, r)),
        RelType::Aggregate(r) => (r.common.as_ref(), aggregate::walk(w, &node, r)),
        RelType::Join(r) => (r.common.as_ref(), join::walk(w, &node, r)),
        RelType::Cross(r) => (r.common.as_ref(), cross::walk(w, &node, r)),
        RelType::Set(r) => (r.common.as_ref(), set::walk(w, &node, r)),
        RelType::Window(r) => (r.common.as_ref(), window::walk(w, &node, r)),
        other => other::walk(w, &node, other),
    };
    let schema = emit::apply(w, &node, common, schema);
    w.visitor.leave_rel(index, &schema);
    (index, schema)
}

/// The dialect format's variant of a relation: join type, set operation, read type.
fn variant(rel: Option<&RelType>) -> Option<&'static str> {
    use datafusion_substrait::substrait::proto::{join_rel, set_rel};
    match rel? {
        RelType::Read(read) => Some(match read.read_type.as_ref()? {
            ReadType::NamedTable(_) => "NAMED_TABLE",
            ReadType::VirtualTable(_) => "VIRTUAL_TABLE",
            ReadType::LocalFiles(_) => "LOCAL_FILES",
            ReadType::ExtensionTable(_) => "EXTENSION_TABLE",
            ReadType::IcebergTable(_) => "ICEBERG_TABLE",
        }),
        RelType::Join(join) => join_rel::JoinType::try_from(join.r#type)
            .ok()
            .map(super::names::join_type_name),
        RelType::Set(set) => set_rel::SetOp::try_from(set.op)
            .ok()
            .map(super::names::set_op_name),
        _ => None,
    }
}
