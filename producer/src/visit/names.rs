//! How relations, join types and set operations are named: in plan paths (`rel_label`) and
//! as the dialect format names them (`JOIN`, `LEFT_SEMI`, `UNION_ALL`).

use datafusion_substrait::substrait::proto::rel::RelType;
use datafusion_substrait::substrait::proto::{join_rel, set_rel};

/// A relation's name in plan paths.
pub fn rel_label(rel: Option<&RelType>) -> &'static str {
    match rel {
        Some(RelType::Read(_)) => "read",
        Some(RelType::Filter(_)) => "filter",
        Some(RelType::Fetch(_)) => "fetch",
        Some(RelType::Aggregate(_)) => "aggregate",
        Some(RelType::Sort(_)) => "sort",
        Some(RelType::Join(_)) => "join",
        Some(RelType::Project(_)) => "project",
        Some(RelType::Set(_)) => "set",
        Some(RelType::ExtensionSingle(_)) => "extension_single",
        Some(RelType::ExtensionMulti(_)) => "extension_multi",
        Some(RelType::ExtensionLeaf(_)) => "extension_leaf",
        Some(RelType::Cross(_)) => "cross",
        Some(RelType::Reference(_)) => "reference",
        Some(RelType::Write(_)) => "write",
        Some(RelType::Ddl(_)) => "ddl",
        Some(RelType::Update(_)) => "update",
        Some(RelType::HashJoin(_)) => "hash_join",
        Some(RelType::MergeJoin(_)) => "merge_join",
        Some(RelType::NestedLoopJoin(_)) => "nested_loop_join",
        Some(RelType::Window(_)) => "window",
        Some(RelType::Exchange(_)) => "exchange",
        Some(RelType::Expand(_)) => "expand",
        None => "empty",
    }
}

/// The dialect format's name of a relation kind.
pub(super) fn dialect_relation(rel: Option<&RelType>) -> &'static str {
    match rel {
        Some(RelType::Read(_)) => "READ",
        Some(RelType::Filter(_)) => "FILTER",
        Some(RelType::Fetch(_)) => "FETCH",
        Some(RelType::Aggregate(_)) => "AGGREGATE",
        Some(RelType::Sort(_)) => "SORT",
        Some(RelType::Join(_)) => "JOIN",
        Some(RelType::Project(_)) => "PROJECT",
        Some(RelType::Set(_)) => "SET",
        Some(RelType::ExtensionSingle(_)) => "EXTENSION_SINGLE",
        Some(RelType::ExtensionMulti(_)) => "EXTENSION_MULTI",
        Some(RelType::ExtensionLeaf(_)) => "EXTENSION_LEAF",
        Some(RelType::Cross(_)) => "CROSS",
        Some(RelType::Reference(_)) => "REFERENCE",
        Some(RelType::Write(_)) => "WRITE",
        Some(RelType::Ddl(_)) => "DDL",
        Some(RelType::Update(_)) => "UPDATE",
        Some(RelType::HashJoin(_)) => "HASH_JOIN",
        Some(RelType::MergeJoin(_)) => "MERGE_JOIN",
        Some(RelType::NestedLoopJoin(_)) => "NESTED_LOOP_JOIN",
        Some(RelType::Window(_)) => "CONSISTENT_PARTITION_WINDOW",
        Some(RelType::Exchange(_)) => "EXCHANGE",
        Some(RelType::Expand(_)) => "EXPAND",
        None => "UNKNOWN",
    }
}

/// The dialect format's name of a join type.
pub fn join_type_name(join_type: join_rel::JoinType) -> &'static str {
    use join_rel::JoinType as J;
    match join_type {
        J::Unspecified => "UNSPECIFIED",
        J::Inner => "INNER",
        J::Outer => "OUTER",
        J::Left => "LEFT",
        J::Right => "RIGHT",
        J::LeftSemi => "LEFT_SEMI",
        J::RightSemi => "RIGHT_SEMI",
        J::LeftAnti => "LEFT_ANTI",
        J::RightAnti => "RIGHT_ANTI",
        J::LeftSingle => "LEFT_SINGLE",
        J::RightSingle => "RIGHT_SINGLE",
        J::LeftMark => "LEFT_MARK",
        J::RightMark => "RIGHT_MARK",
    }
}

/// The dialect format's name of a set operation.
pub fn set_op_name(op: set_rel::SetOp) -> &'static str {
    use set_rel::SetOp as S;
    match op {
        S::Unspecified => "UNSPECIFIED",
        S::MinusPrimary => "MINUS_PRIMARY",
        S::MinusPrimaryAll => "MINUS_PRIMARY_ALL",
        S::MinusMultiset => "MINUS_MULTISET",
        S::IntersectionPrimary => "INTERSECTION_PRIMARY",
        S::IntersectionMultiset => "INTERSECTION_MULTISET",
        S::IntersectionMultisetAll => "INTERSECTION_MULTISET_ALL",
        S::UnionDistinct => "UNION_DISTINCT",
        S::UnionAll => "UNION_ALL",
    }
}
