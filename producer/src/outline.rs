//! A one-line-per-relation outline of a plan, for people and snapshot tests.

use std::fmt::Write as _;

use datafusion_substrait::substrait::proto::read_rel::ReadType;
use datafusion_substrait::substrait::proto::rel::RelType;
use datafusion_substrait::substrait::proto::{Plan, Rel, join_rel, set_rel};

use crate::rel_tree::{plan_roots, rel_inputs};

/// The plan's relation tree, one indented line per relation, e.g. `Join LEFT_SEMI`.
pub fn outline(plan: &Plan) -> String {
    let mut out = String::new();
    for root in plan_roots(plan) {
        match root {
            Some(rel) => outline_rel(rel, &mut out),
            None => out.push_str("(empty relation)\n"),
        }
    }
    out
}

fn outline_rel(rel: &Rel, out: &mut String) {
    // Iterative, so hostile depth cannot overflow the stack.
    let mut stack = vec![(rel, 0usize)];
    while let Some((rel, depth)) = stack.pop() {
        let _ = writeln!(out, "{}{}", "  ".repeat(depth), describe(rel));
        stack.extend(
            rel_inputs(rel)
                .into_iter()
                .rev()
                .map(|input| (input, depth + 1)),
        );
    }
}

fn describe(rel: &Rel) -> String {
    let Some(rel_type) = rel.rel_type.as_ref() else {
        return "(empty relation)".to_string();
    };
    match rel_type {
        RelType::Read(read) => match read.read_type.as_ref() {
            Some(ReadType::NamedTable(table)) => format!("Read {}", table.names.join(".")),
            Some(ReadType::VirtualTable(_)) => "Read values".to_string(),
            Some(ReadType::LocalFiles(_)) => "Read local files".to_string(),
            Some(ReadType::ExtensionTable(_)) => "Read extension table".to_string(),
            Some(ReadType::IcebergTable(_)) => "Read Iceberg table".to_string(),
            None => "Read (nothing)".to_string(),
        },
        RelType::Filter(_) => "Filter".to_string(),
        RelType::Fetch(_) => "Fetch".to_string(),
        RelType::Aggregate(a) => format!(
            "Aggregate ({} grouping sets, {} measures)",
            a.groupings.len(),
            a.measures.len()
        ),
        RelType::Sort(s) => format!("Sort ({} keys)", s.sorts.len()),
        RelType::Join(j) => {
            let kind = join_rel::JoinType::try_from(j.r#type).map_or("UNKNOWN", |t| {
                t.as_str_name().trim_start_matches("JOIN_TYPE_")
            });
            format!("Join {kind}")
        }
        RelType::Project(p) => format!("Project ({} expressions)", p.expressions.len()),
        RelType::Set(s) => {
            let op = set_rel::SetOp::try_from(s.op)
                .map_or("UNKNOWN", |o| o.as_str_name().trim_start_matches("SET_OP_"));
            format!("Set {op}")
        }
        RelType::Cross(_) => "Cross".to_string(),
        RelType::Window(_) => "Window".to_string(),
        RelType::Exchange(_) => "Exchange".to_string(),
        RelType::Expand(_) => "Expand".to_string(),
        RelType::Reference(r) => format!("Reference {}", r.subtree_ordinal),
        RelType::ExtensionSingle(_) | RelType::ExtensionMulti(_) | RelType::ExtensionLeaf(_) => {
            "Extension".to_string()
        }
        RelType::Write(_) => "Write".to_string(),
        RelType::Ddl(_) => "Ddl".to_string(),
        RelType::Update(_) => "Update".to_string(),
        RelType::HashJoin(_) => "HashJoin".to_string(),
        RelType::MergeJoin(_) => "MergeJoin".to_string(),
        RelType::NestedLoopJoin(_) => "NestedLoopJoin".to_string(),
    }
}
