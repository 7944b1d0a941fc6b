//! What a walk finds that does not resolve.

use std::fmt;

/// A part of a plan that does not resolve (a field reference past its input's columns, a
/// call to an undeclared function anchor, a type breaking its parameter rules), with where it
/// is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    /// The plan path (`project/filter/condition`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
