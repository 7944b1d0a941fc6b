//! `declared_result_types`: calls whose declared output type contradicts their extension's.
//!
//! Producers declare the result type their own SQL gives, not the one the Substrait extension
//! derives (see [`crate::result_types`]): ibis and the `substrait` package write `i32 + i32`
//! as `i64` and `i32 / i32` as `fp64` (true division), DuckDB writes `avg(decimal)` as `fp64`
//! and `sum(i32)` as `decimal<38,0>`, Calcite (Isthmus) `sum(i32)` as `i32`, DuckDB
//! `date + interval` as a timestamp. Each such call is repaired in one of two ways, in order:
//!
//! 1. **Computed in the declared type**: when casting value arguments to the declared type,
//!    each a widening that loses nothing ([`widens`]), resolves the call to an implementation
//!    whose result agrees with the declared type, those arguments are cast. The producer's
//!    meaning is kept: `i32 + i32` declared `i64` adds in 64 bits, `i32 / i32` declared `fp64`
//!    divides as floats, `avg(decimal)` declared `fp64` averages doubles.
//! 2. **Re-declared**: otherwise the call's declared type becomes the extension's (keeping
//!    the declared nullability). This is what every engine computes anyway (consumers take a
//!    function's type from the function), so the plan now says what it will return:
//!    `sum(i32)` is an `i64`, `count` an `i64`.
//!
//! Re-declaring a call changes its parent's argument types, which may contradict the
//! parent's declared type in turn, so the pass repeats (a few rounds at most: types flow up
//! one level per round). What is still contradictory after that is refused by validation.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use datafusion_substrait::substrait::proto::expression::{Cast, RexType, cast::FailureBehavior};
use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::{
    ExtensionFunction, MappingType,
};
use datafusion_substrait::substrait::proto::extensions::{
    SimpleExtensionDeclaration, SimpleExtensionUrn,
};
use datafusion_substrait::substrait::proto::function_argument::ArgType;
use datafusion_substrait::substrait::proto::{Expression, Plan, Type};

use super::calls_mut::{CallMut, for_each_call};
use crate::result_types::{agree, display, kinds_agree};
use crate::type_derivation::{
    Argument, ConcreteKind, ConcreteType, FunctionQuery, FunctionRegistry,
};
use crate::visit::{ArgumentValue, CallEvent, CallId, PlanVisitor, walk_plan};

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "declared_result_types";

/// Rounds before the pass gives up on a plan whose re-declarations keep propagating; each
/// round settles at least one more level of nesting.
const MAX_ROUNDS: usize = 16;

/// What the pass did, for the import report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repairs {
    /// Calls computed in their declared type (arguments cast), each as `path: name(from) as
    /// to`.
    pub computed_in_declared_type: Vec<String>,
    /// Calls given their extension's type, each as `path: name declared X, now Y`.
    pub redeclared: Vec<String>,
}

impl Repairs {
    /// How many calls changed.
    pub fn count(&self) -> usize {
        self.computed_in_declared_type.len() + self.redeclared.len()
    }

    /// One line for the import report, naming the first few calls of each kind.
    pub fn summary(&self) -> String {
        let list = |items: &[String]| {
            let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
            let more = items.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{}{more}", shown.join("; "))
        };
        let mut parts = Vec::new();
        if !self.computed_in_declared_type.is_empty() {
            parts.push(format!(
                "{} computed in their declared type ({})",
                self.computed_in_declared_type.len(),
                list(&self.computed_in_declared_type)
            ));
        }
        if !self.redeclared.is_empty() {
            parts.push(format!(
                "{} given their extension's result type ({})",
                self.redeclared.len(),
                list(&self.redeclared)
            ));
        }
        format!(
            "calls whose declared result type contradicted their extension: {}",
            parts.join("; ")
        )
    }
}

/// Repairs every call of `plan` whose declared output type contradicts its extension's.
pub fn declared_result_types(plan: &mut Plan) -> Repairs {
    let mut repairs = Repairs::default();
    for _ in 0..MAX_ROUNDS {
        let mut finder = Finder::default();
        walk_plan(plan, &mut finder);
        if finder.repairs.is_empty() {
            break;
        }
        // Declared in sorted order, so a plan imported twice gets the same anchors (and the
        // same fingerprint): the repairs sit in a hash map.
        let wanted: BTreeSet<(String, String)> = finder
            .repairs
            .values()
            .filter_map(|(repair, _)| match repair {
                Repair::CastArguments {
                    function: Some(redirect),
                    ..
                } => Some((redirect.urn.clone(), redirect.name.clone())),
                _ => None,
            })
            .collect();
        let anchors: BTreeMap<(String, String), u32> = wanted
            .into_iter()
            .map(|(urn, name)| {
                let anchor = declaration_anchor(plan, &urn, &name);
                ((urn, name), anchor)
            })
            .collect();
        for (repair, _) in finder.repairs.values_mut() {
            if let Repair::CastArguments {
                function: Some(redirect),
                ..
            } = repair
            {
                let key = (redirect.urn.clone(), redirect.name.clone());
                redirect.anchor = anchors.get(&key).copied();
            }
        }
        for_each_call(plan, &mut |call| {
            if let Some((repair, line)) = finder.repairs.remove(&call.id) {
                apply(call, repair);
                match line {
                    Line::Computed(line) => repairs.computed_in_declared_type.push(line),
                    Line::Redeclared(line) => repairs.redeclared.push(line),
                }
            }
        });
        if !finder.repairs.is_empty() {
            // A call the mutable traversal does not reach: validation refuses it.
            break;
        }
    }
    repairs
}

/// What to change in one call.
enum Repair {
    /// Cast the value arguments at these indices to these types, and call the function as
    /// another extension declares it where the cast arguments' implementation is there
    /// (`avg` of `fp64` is in `functions_arithmetic`, of decimals in
    /// `functions_arithmetic_decimal`).
    CastArguments {
        casts: ArgumentCasts,
        function: Option<Redirect>,
    },
    /// Declare this output type.
    Redeclare(Type),
}

/// Value arguments to cast: each argument's index and the type to cast it to.
type ArgumentCasts = Vec<(usize, Type)>;

/// The extension function a call is to reference instead of its own.
struct Redirect {
    urn: String,
    name: String,
    /// The plan's anchor for it, once declared.
    anchor: Option<u32>,
}

/// The report line for a repair.
enum Line {
    Computed(String),
    Redeclared(String),
}

/// Decides each contradictory call's repair during a walk.
#[derive(Default)]
struct Finder {
    repairs: HashMap<CallId, (Repair, Line)>,
}

impl PlanVisitor for Finder {
    fn call(&mut self, call: &CallEvent<'_>) {
        let (Some(declared), Some(derived), Some(declaration)) =
            (call.output_type, call.derived_type, call.declaration)
        else {
            return;
        };
        if agree(declared, derived) {
            return;
        }
        let name = declaration.name();
        let decision = match computed_in(declared, call) {
            Some((casts, function)) => {
                let from: Vec<String> = call
                    .arguments
                    .iter()
                    .map(|a| match a {
                        ArgumentValue::Value(Some(ty)) => display(ty),
                        _ => "_".to_string(),
                    })
                    .collect();
                let line = format!(
                    "{}: {name}({}) computed as {}",
                    call.path,
                    from.join(", "),
                    display(declared)
                );
                (
                    Repair::CastArguments { casts, function },
                    Line::Computed(line),
                )
            }
            None => {
                let redeclared = with_nullability_of(derived, declared);
                let line = format!(
                    "{}: {name} declared {}, now {}",
                    call.path,
                    display(declared),
                    display(&redeclared)
                );
                (Repair::Redeclare(redeclared), Line::Redeclared(line))
            }
        };
        self.repairs.insert(call.id, decision);
    }

    fn wants_derived_types(&self) -> bool {
        true
    }
}

/// The argument casts that make the call resolve to the declared type, if widening casts can,
/// with the extension function to call when the cast arguments' implementation is declared
/// in another extension than the call's.
fn computed_in(declared: &Type, call: &CallEvent<'_>) -> Option<(ArgumentCasts, Option<Redirect>)> {
    let target = ConcreteType::from_proto(declared).ok()?;
    let declaration = call.declaration?;
    let mut casts = Vec::new();
    let mut arguments = Vec::with_capacity(call.arguments.len());
    for (i, argument) in call.arguments.iter().enumerate() {
        arguments.push(match argument {
            ArgumentValue::Value(Some(ty)) => {
                let from = ConcreteType::from_proto(ty).ok()?;
                if !kinds_agree(&from.kind, &target.kind) && widens(&from.kind, &target.kind) {
                    let cast = target.clone().with_nullable(from.nullable).to_proto();
                    casts.push((i, cast.clone()));
                    Argument::Value(cast)
                } else {
                    Argument::Value(ty.clone())
                }
            }
            ArgumentValue::Value(None) | ArgumentValue::Missing => return None,
            ArgumentValue::Enum(option) => Argument::Enum((*option).to_string()),
            ArgumentValue::Type(ty) => Argument::Type((*ty).clone()),
        });
    }
    if casts.is_empty() {
        return None;
    }
    let mut query = FunctionQuery {
        urn: declaration.urn.as_deref(),
        name: &declaration.declared,
        kind: call.kind,
        arguments: &arguments,
    };
    let registry = FunctionRegistry::standard();
    let resolved = registry.resolve(&query).or_else(|_| {
        query.urn = None;
        registry.resolve(&query)
    });
    let resolved = resolved.ok()?;
    if !agree(declared, &resolved.output_type) {
        return None;
    }
    // A plan that names no URN for the function (DataFusion's producer) keeps naming none.
    let moved = declaration
        .urn
        .as_deref()
        .is_some_and(|urn| urn != resolved.urn);
    let function = moved.then(|| Redirect {
        urn: resolved.urn.to_string(),
        name: resolved.name.to_string(),
        anchor: None,
    });
    Some((casts, function))
}

/// The anchor of the plan's declaration of function `name` in extension `urn`, declared (with
/// the URN) if the plan has none.
fn declaration_anchor(plan: &mut Plan, urn: &str, name: &str) -> u32 {
    let urn_anchor = match plan.extension_urns.iter().find(|u| u.urn == urn) {
        Some(found) => found.extension_urn_anchor,
        None => {
            let anchor = plan
                .extension_urns
                .iter()
                .map(|u| u.extension_urn_anchor + 1)
                .max()
                .unwrap_or(1);
            plan.extension_urns.push(SimpleExtensionUrn {
                extension_urn_anchor: anchor,
                urn: urn.to_string(),
            });
            anchor
        }
    };
    let functions = plan
        .extensions
        .iter()
        .filter_map(|d| match d.mapping_type.as_ref() {
            Some(MappingType::ExtensionFunction(f)) => Some(f),
            _ => None,
        });
    let mut next = 0;
    for function in functions {
        if function.extension_urn_reference == urn_anchor && function.name == name {
            return function.function_anchor;
        }
        next = next.max(function.function_anchor + 1);
    }
    plan.extensions.push(SimpleExtensionDeclaration {
        mapping_type: Some(MappingType::ExtensionFunction(ExtensionFunction {
            extension_urn_reference: urn_anchor,
            function_anchor: next,
            name: name.to_string(),
        })),
    });
    next
}

/// Whether a cast from `from` to `to` keeps every value exactly (or, into `fp64`, as the
/// nearest double, which is what a declared `fp64` result asks for).
pub fn widens(from: &ConcreteKind, to: &ConcreteKind) -> bool {
    use ConcreteKind as K;
    /// Decimal digits an integer type needs.
    fn digits(kind: &ConcreteKind) -> Option<i64> {
        Some(match kind {
            K::I8 => 3,
            K::I16 => 5,
            K::I32 => 10,
            K::I64 => 19,
            _ => return None,
        })
    }
    let rank = |kind: &ConcreteKind| digits(kind);
    match (from, to) {
        (K::I8 | K::I16 | K::I32, K::I16 | K::I32 | K::I64) => rank(from) < rank(to),
        (K::I8 | K::I16 | K::I32 | K::I64, K::Decimal(p, s)) => {
            digits(from).is_some_and(|d| p - s >= d)
        }
        (K::I8 | K::I16, K::Fp32) => true,
        (K::I8 | K::I16 | K::I32 | K::I64 | K::Fp32 | K::Decimal(..), K::Fp64) => true,
        (K::Decimal(p1, s1), K::Decimal(p2, s2)) => s2 >= s1 && p2 - s2 >= p1 - s1,
        (K::Date, K::Timestamp | K::PrecisionTimestamp(_)) => true,
        (K::FixedChar(_) | K::VarChar(_), K::String) => true,
        _ => false,
    }
}

/// `ty` with the nullability of `other`.
fn with_nullability_of(ty: &Type, other: &Type) -> Type {
    match (
        ConcreteType::from_proto(ty),
        ConcreteType::from_proto(other),
    ) {
        (Ok(ty), Ok(other)) => ty.with_nullable(other.nullable).to_proto(),
        _ => ty.clone(),
    }
}

fn apply(call: CallMut<'_>, repair: Repair) {
    match repair {
        Repair::CastArguments { casts, function } => {
            if let Some(anchor) = function.and_then(|f| f.anchor) {
                *call.function_reference = anchor;
            }
            for (i, target) in casts {
                let Some(argument) = call.arguments.get_mut(i) else {
                    continue;
                };
                if let Some(ArgType::Value(e)) = argument.arg_type.take() {
                    argument.arg_type = Some(ArgType::Value(cast(e, target)));
                }
            }
        }
        Repair::Redeclare(ty) => *call.output_type = Some(ty),
    }
}

/// `input` cast to `target`. Widening casts cannot fail, so the failure behavior is left to
/// the consumer.
fn cast(input: Expression, target: Type) -> Expression {
    Expression {
        rex_type: Some(RexType::Cast(Box::new(Cast {
            r#type: Some(target),
            input: Some(Box::new(input)),
            failure_behavior: FailureBehavior::Unspecified as i32,
        }))),
    }
}

#[cfg(test)]
mod tests {
    use super::widens;
    use crate::type_derivation::ConcreteKind as K;

    #[test]
    fn widening_casts_lose_nothing() {
        assert!(widens(&K::I32, &K::I64));
        assert!(!widens(&K::I64, &K::I32));
        assert!(widens(&K::I32, &K::Decimal(38, 0)));
        assert!(!widens(&K::I64, &K::Decimal(18, 0)));
        assert!(widens(&K::Decimal(15, 2), &K::Fp64));
        assert!(widens(&K::Decimal(15, 2), &K::Decimal(38, 4)));
        assert!(!widens(&K::Decimal(15, 2), &K::Decimal(38, 0)));
        assert!(!widens(&K::Decimal(15, 2), &K::Decimal(15, 4)));
        assert!(widens(&K::Date, &K::PrecisionTimestamp(6)));
        assert!(!widens(&K::Fp64, &K::I64));
        assert!(!widens(&K::I32, &K::Fp32));
    }
}
