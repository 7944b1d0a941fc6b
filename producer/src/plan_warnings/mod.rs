//! Plan warnings: constructs that are legal Substrait but almost never what the query's
//! author meant, typical of a producer's mistake. A faithful consumer runs such a plan as
//! written; a good one also says so. Each warning names its class and plan path;
//! `--strict-plans` (and the service's `strict_plans`) turns them into refusals.
//!
//! Classes, each a small visitor check:
//! - [`WarningClass::SelfComparison`]: a comparison of an expression with itself (`x = x`),
//!   what a correlated subquery looks like after its producer lost the correlation.
//! - [`WarningClass::LossyLiteralCast`]: a cast of a literal to a type that cannot hold its
//!   value (`0.0001` to `decimal(38, 2)` is 0).
//! - [`WarningClass::NullComparison`]: a comparison with a null literal, which is never
//!   true (`x = NULL` instead of `x IS NULL`).

mod lossy_cast;

use std::fmt;

use datafusion_substrait::substrait::proto::Plan;
use datafusion_substrait::substrait::proto::expression::RexType;
use datafusion_substrait::substrait::proto::expression::literal::LiteralType;
use serde::Serialize;

use crate::visit::{CallEvent, ExpressionEvent, PlanVisitor, walk_plan};

/// What kind of likely mistake a warning reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningClass {
    /// An expression compared with itself.
    SelfComparison,
    /// A literal cast to a type that changes its value.
    LossyLiteralCast,
    /// A comparison with a null literal.
    NullComparison,
}

impl WarningClass {
    /// The class's name in reports (`self_comparison`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SelfComparison => "self_comparison",
            Self::LossyLiteralCast => "lossy_literal_cast",
            Self::NullComparison => "null_comparison",
        }
    }
}

/// One likely mistake in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanWarning {
    /// Its class.
    pub class: WarningClass,
    /// Where it is.
    pub path: String,
    /// What looks wrong, for a person.
    pub message: String,
}

impl fmt::Display for PlanWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}: {}",
            self.class.name(),
            self.path,
            self.message
        )
    }
}

/// The comparison functions whose arguments the checks look at.
const COMPARISONS: &[&str] = &[
    "equal",
    "not_equal",
    "lt",
    "lte",
    "gt",
    "gte",
    "is_distinct_from",
    "is_not_distinct_from",
];

/// The warnings of `plan`, in walk order.
pub fn plan_warnings(plan: &Plan) -> Vec<PlanWarning> {
    let mut checks = WarningChecks::default();
    walk_plan(plan, &mut checks);
    checks.warnings
}

/// The checks as a visitor, for a walk that serves other purposes too.
#[derive(Debug, Default)]
pub struct WarningChecks {
    /// What the checks found so far.
    pub warnings: Vec<PlanWarning>,
}

impl PlanVisitor for WarningChecks {
    fn call(&mut self, call: &CallEvent<'_>) {
        let Some(name) = call.declaration.map(|d| d.name()) else {
            return;
        };
        if !COMPARISONS.contains(&name) {
            return;
        }
        if let [Some(left), Some(right)] = call.argument_expressions
            && left == right
            && !matches!(left.rex_type, Some(RexType::Literal(_)))
        {
            self.warnings.push(PlanWarning {
                class: WarningClass::SelfComparison,
                path: call.path.to_string(),
                message: format!(
                    "{name} compares an expression with itself, which is the same for \
                     every row; a correlated subquery whose producer lost its outer \
                     reference looks like this"
                ),
            });
        }
        let null_literal = call.argument_expressions.iter().flatten().any(|e| {
            matches!(
                &e.rex_type,
                Some(RexType::Literal(l)) if matches!(l.literal_type, Some(LiteralType::Null(_)))
            )
        });
        if null_literal && !name.contains("distinct") {
            self.warnings.push(PlanWarning {
                class: WarningClass::NullComparison,
                path: call.path.to_string(),
                message: format!(
                    "{name} compares with a null literal, which is never true (IS NULL was \
                     probably meant)"
                ),
            });
        }
    }

    fn enter_expression(&mut self, e: &ExpressionEvent<'_>) {
        let Some(RexType::Cast(cast)) = e.expression.rex_type.as_ref() else {
            return;
        };
        let (Some(input), Some(target)) = (cast.input.as_deref(), cast.r#type.as_ref()) else {
            return;
        };
        let Some(RexType::Literal(literal)) = input.rex_type.as_ref() else {
            return;
        };
        if let Some(message) = lossy_cast::describe(literal, target) {
            self.warnings.push(PlanWarning {
                class: WarningClass::LossyLiteralCast,
                path: e.path.to_string(),
                message,
            });
        }
    }
}

#[cfg(test)]
mod tests;
