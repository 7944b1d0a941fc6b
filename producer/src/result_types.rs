//! A call's declared output type held against the one its extension derives.
//!
//! Substrait has each call state its output type, and the extension's return program gives
//! that type from the arguments' types; the two must agree. Producers write the type their own
//! SQL gives instead (ibis `int32 + int32` as `i64`, DuckDB `avg(decimal)` as `fp64`, Calcite
//! `sum(integer)` as `i32`), and an engine computes with the function's own type, so the
//! plan's columns would not be what it says. Validation refuses a call whose declared type
//! contradicts the derived one ([`DeclaredResultTypes`]); the import pass
//! [`crate::import::declared_result_types`] repairs the contradictions foreign producers write
//! first, and says so in the import report.
//!
//! Two types *agree* ([`agree`]) when they are of one kind with the parameters that change
//! values equal, nullability aside: a decimal's scale (its precision only bounds the range,
//! and engines raise on decimal overflow rather than wrap), the sub-second precision of
//! timestamps, times and intervals, and nested types' fields and elements. A string's length
//! bound is not compared (it never changes a value that fits).

use datafusion_substrait::substrait::proto::Type;

use crate::type_derivation::{ConcreteKind, ConcreteType};
use crate::visit::{CallEvent, PlanProblem, PlanVisitor};

/// Whether `declared` and `derived` agree (see the module documentation). Types the
/// comparison cannot read (user-defined, unset) agree: there is nothing to hold them to.
pub fn agree(declared: &Type, derived: &Type) -> bool {
    match (
        ConcreteType::from_proto(declared),
        ConcreteType::from_proto(derived),
    ) {
        (Ok(declared), Ok(derived)) => kinds_agree(&declared.kind, &derived.kind),
        _ => true,
    }
}

/// [`agree`] on concrete kinds.
pub fn kinds_agree(a: &ConcreteKind, b: &ConcreteKind) -> bool {
    use ConcreteKind as K;
    match (a, b) {
        // The deprecated kinds are the precision kinds at microseconds, as resolution reads
        // them (`type_derivation::binding`).
        (K::Timestamp, K::PrecisionTimestamp(6))
        | (K::PrecisionTimestamp(6), K::Timestamp)
        | (K::TimestampTz, K::PrecisionTimestampTz(6))
        | (K::PrecisionTimestampTz(6), K::TimestampTz)
        | (K::Time, K::PrecisionTime(6))
        | (K::PrecisionTime(6), K::Time) => true,
        (K::Decimal(_, a), K::Decimal(_, b))
        | (K::PrecisionTime(a), K::PrecisionTime(b))
        | (K::PrecisionTimestamp(a), K::PrecisionTimestamp(b))
        | (K::PrecisionTimestampTz(a), K::PrecisionTimestampTz(b))
        | (K::IntervalDay(a), K::IntervalDay(b))
        | (K::IntervalCompound(a), K::IntervalCompound(b)) => a == b,
        (K::FixedChar(_), K::FixedChar(_))
        | (K::VarChar(_), K::VarChar(_))
        | (K::FixedBinary(_), K::FixedBinary(_)) => true,
        (K::Struct(a), K::Struct(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| kinds_agree(&a.kind, &b.kind))
        }
        (K::List(a), K::List(b)) => kinds_agree(&a.kind, &b.kind),
        (K::Map(ak, av), K::Map(bk, bv)) => {
            kinds_agree(&ak.kind, &bk.kind) && kinds_agree(&av.kind, &bv.kind)
        }
        (a, b) => a == b,
    }
}

/// A type as a person reads it (`decimal<38,2>?`), or its debug form when it cannot be read.
pub fn display(ty: &Type) -> String {
    ConcreteType::from_proto(ty).map_or_else(|_| format!("{:?}", ty.kind), |t| t.to_string())
}

/// Collects every call whose declared output type contradicts its extension's, with its path.
#[derive(Debug, Default)]
pub struct DeclaredResultTypes {
    /// The contradictions found.
    pub problems: Vec<PlanProblem>,
}

impl PlanVisitor for DeclaredResultTypes {
    fn call(&mut self, call: &CallEvent<'_>) {
        let (Some(declared), Some(derived)) = (call.output_type, call.derived_type) else {
            return;
        };
        if agree(declared, derived) {
            return;
        }
        let name = call.declaration.map_or("?", |d| d.name());
        self.problems.push(PlanProblem {
            path: call.path.to_string(),
            message: format!(
                "`{name}` declares its result as {}, but its extension gives {} for these \
                 arguments",
                display(declared),
                display(derived)
            ),
        });
    }

    fn wants_derived_types(&self) -> bool {
        true
    }
}
