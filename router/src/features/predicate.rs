//! The shape of a filter condition: how many conjuncts of each kind, which is all the
//! cost model's selectivity guesses look at.

use serde::Serialize;

/// Top-level conjuncts of a condition, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PredicateShape {
    /// `a = b`, `a IN (...)`.
    pub equalities: u32,
    /// `<`, `<=`, `>`, `>=`, `BETWEEN`.
    pub ranges: u32,
    /// `LIKE` and other pattern matches.
    pub patterns: u32,
    /// Anything else (`OR`, `NOT`, subqueries, `IS NULL`).
    pub others: u32,
}

impl PredicateShape {
    /// Counts one conjunct by the name of its top-level function (`None` for a conjunct
    /// that is not a function call).
    pub fn add(&mut self, function: Option<&str>) {
        match function {
            Some("equal" | "is_not_distinct_from") => self.equalities += 1,
            Some("lt" | "lte" | "gt" | "gte" | "between") => self.ranges += 1,
            Some("like" | "ilike" | "starts_with" | "ends_with" | "contains" | "regexp_match") => {
                self.patterns += 1
            }
            _ => self.others += 1,
        }
    }

    /// Counts an `IN (...)` list conjunct.
    pub fn add_in_list(&mut self) {
        self.equalities += 1;
    }
}
