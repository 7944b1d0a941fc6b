//! The plan's relation tree reduced to what the cost model reads, so estimating does not
//! walk protobuf messages again.

/// The relations of a plan in an arena; subquery relations are their own subtrees.
#[derive(Debug, Clone, Default)]
pub struct RelShape {
    /// Every relation.
    pub nodes: Vec<RelNode>,
    /// The root relation's index.
    pub root: Option<usize>,
}

/// One relation.
#[derive(Debug, Clone, Default)]
pub struct RelNode {
    /// The dialect format's relation name.
    pub relation: &'static str,
    /// Join type, set operation or read type.
    pub variant: Option<&'static str>,
    /// Input relations, left to right.
    pub inputs: Vec<usize>,
    /// Relations of subqueries in this relation's expressions.
    pub subqueries: Vec<usize>,
    /// For reads of named tables: the table.
    pub table: Option<String>,
    /// For reads: the columns read and the table's column count.
    pub columns: Option<(usize, usize)>,
    /// The filter it applies (filter condition, read filter, join condition).
    pub predicate: Option<super::PredicateShape>,
    /// For fetches: the row count kept, when a literal.
    pub fetch: Option<u64>,
    /// For aggregates: the number of grouping keys (0 for a global aggregate).
    pub grouping_keys: usize,
    /// The number of output columns.
    pub width: usize,
}
