//! Plan features: what a Substrait plan needs from an engine (relations, expressions,
//! functions with their argument types, data types, tables), each with where in the plan it
//! is used, plus the plan's shape for the cost model.

mod collect;
mod data_kind;
mod feature_set;
mod predicate;
mod render;
mod shape;

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;
use switchyard_producer::ValidatedPlan;

pub use data_kind::DataKind;
pub use predicate::PredicateShape;
pub use shape::{RelNode, RelShape};

/// Everything a plan needs, found by one visitor over the producer's typed walk.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanFeatures {
    /// Every relation, in walk order (parents before children).
    pub relations: Vec<RelationUse>,
    /// Each kind of expression used, at its first use.
    pub expressions: Vec<ExpressionUse>,
    /// Every function call.
    pub functions: Vec<FunctionUse>,
    /// Each data type used (columns read, literals, casts, function results), at its first use.
    pub types: Vec<TypeUse>,
    /// The named tables read.
    pub tables: BTreeSet<String>,
    /// The deepest relation nesting, counting subquery relations.
    pub depth: usize,
    /// The outer reference that points furthest out (`steps_out`), with its path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deepest_outer_reference: Option<OuterReferenceUse>,
    /// The plan's relations as a tree the cost model walks.
    #[serde(skip)]
    pub shape: RelShape,
    /// A digest of the plan's bytes: the key under which measured runtimes are remembered
    /// and the handle routing rules pin queries by.
    pub fingerprint: String,
}

impl PlanFeatures {
    /// Collects the features of a checked plan in one typed walk (validation already
    /// refused plans whose references, anchors or types do not resolve).
    pub fn of(plan: &ValidatedPlan) -> Self {
        let mut features = collect::collect(plan.plan());
        features.fingerprint = plan.fingerprint().to_string();
        features
    }
}

/// A relation used by the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationUse {
    /// The dialect format's relation name (`JOIN`, `SET`, `READ`).
    pub relation: &'static str,
    /// The variant where the dialect format lists them: join type, set operation, read type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<&'static str>,
    /// Where it is.
    pub path: String,
}

/// An outer reference: a field of an enclosing query's relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OuterReferenceUse {
    /// How many subquery boundaries out it points.
    pub steps_out: u32,
    /// Where it is.
    pub path: String,
}

/// A kind of expression used by the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpressionUse {
    /// The dialect format's expression name (`SUBQUERY`, `CAST`).
    pub expression: &'static str,
    /// The variant where the dialect format lists them: the subquery type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<&'static str>,
    /// Where it is first used.
    pub path: String,
}

/// Scalar, aggregate or window: the three lists of the dialect format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKind {
    /// `supported_scalar_functions`.
    Scalar,
    /// `supported_aggregate_functions`.
    Aggregate,
    /// `supported_window_functions`.
    Window,
}

impl fmt::Display for FunctionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scalar => "scalar",
            Self::Aggregate => "aggregate",
            Self::Window => "window",
        })
    }
}

/// One argument of a call, as signatures name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgumentKind {
    /// A value of a known type.
    Value(DataKind),
    /// A value whose type the walk could not derive.
    Unknown,
    /// An enumeration option (`req` in signatures).
    Enum,
    /// A type argument.
    Type,
}

impl fmt::Display for ArgumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Value(kind) => kind.signature_name(),
            Self::Unknown => "?",
            Self::Enum => "req",
            Self::Type => "type",
        })
    }
}

/// A function call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionUse {
    /// Scalar, aggregate or window.
    pub kind: FunctionKind,
    /// The extension URN declaring it; `None` when the plan declares none (DataFusion's
    /// producer and pre-URN plans name functions only).
    pub urn: Option<String>,
    /// The function's name, without a compound signature suffix.
    pub name: String,
    /// The argument kinds, derived from the plan.
    pub arguments: Vec<ArgumentKind>,
    /// The options the call sets (`overflow: [ERROR]`), in plan order: each changes what
    /// the call computes, so an engine must honor one of each option's values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionUse>,
    /// Where it is called.
    pub path: String,
}

/// One option a call sets: its name and the values it accepts, most preferred first (the
/// spec: "the consumer must use the first option from the list that it supports").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OptionUse {
    /// The option's name (`overflow`).
    pub name: String,
    /// Its values in order of preference (`[ERROR]`).
    pub preference: Vec<String>,
}

impl fmt::Display for OptionUse {
    /// `overflow=ERROR`, or `overflow=ERROR|SATURATE` for several preferences.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.preference.join("|"))
    }
}

impl FunctionUse {
    /// The signature in the extension's notation: `i64_i64`, `req_date`.
    pub fn signature(&self) -> String {
        self.arguments
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("_")
    }

    /// The call as explain names it: `add(i8, i8) with overflow=ERROR`.
    pub fn described(&self) -> String {
        let arguments: Vec<String> = self.arguments.iter().map(ToString::to_string).collect();
        let mut text = format!("{}({})", self.name, arguments.join(", "));
        if !self.options.is_empty() {
            let options: Vec<String> = self.options.iter().map(ToString::to_string).collect();
            text.push_str(" with ");
            text.push_str(&options.join(", "));
        }
        text
    }
}

/// A data type used by the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeUse {
    /// The type's kind.
    pub kind: DataKind,
    /// Where it is first used.
    pub path: String,
}
