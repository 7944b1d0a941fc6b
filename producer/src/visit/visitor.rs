//! What a [`PlanVisitor`] is told as the walk goes.

use datafusion_substrait::substrait::proto::expression::Literal;
use datafusion_substrait::substrait::proto::{Expression, FunctionOption, Rel, Type};

pub use crate::type_derivation::FunctionKind;

use super::functions::{FunctionDeclaration, FunctionTable};
use super::schema::RelSchema;

/// A relation, told before its inputs are walked.
#[derive(Debug)]
pub struct RelEvent<'a> {
    /// The relation.
    pub rel: &'a Rel,
    /// Its index in walk order (parents before children, subqueries after the expression
    /// holding them starts).
    pub index: usize,
    /// The relation it is an input of.
    pub parent: Option<usize>,
    /// For the root relation of a subquery: the relation whose expression holds it.
    pub subquery_of: Option<usize>,
    /// Relation nesting depth, counting subquery relations (the root is 1).
    pub depth: usize,
    /// The dialect format's relation name (`JOIN`, `READ`).
    pub relation: &'static str,
    /// The variant where the dialect format lists them: join type, set operation, read type.
    pub variant: Option<&'static str>,
    /// For reads of named tables: the table, as engines resolve it (the last name part).
    pub table: Option<&'a str>,
    /// Where it is (`project/join/left:read(orders)`).
    pub path: &'a str,
    /// The plan's function declarations, to name calls by anchor.
    pub functions: &'a FunctionTable,
}

/// An expression, told before its children are walked.
#[derive(Debug)]
pub struct ExpressionEvent<'a> {
    /// The expression.
    pub expression: &'a Expression,
    /// The dialect format's expression name (`SCALAR_FUNCTION`, `SUBQUERY`).
    pub kind: &'static str,
    /// The variant where the dialect format lists them: the subquery type.
    pub variant: Option<&'static str>,
    /// The schema its field references resolve against.
    pub input: &'a RelSchema,
    /// The relation holding it.
    pub rel: usize,
    /// Where it is.
    pub path: &'a str,
}

/// The identity of the message holding a call (`ScalarFunction`, `AggregateFunction`,
/// `WindowFunction`, `WindowRelFunction`): its address within the walked plan.
///
/// A pass that decides what to change in one walk and changes it in a second, mutable
/// traversal ([`crate::import::declared_result_types`]) finds the same call by it. It is only
/// meaningful for the plan value walked, and only until something moves the call's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(usize);

impl CallId {
    /// The identity of `message`.
    pub fn of<T>(message: &T) -> Self {
        Self(std::ptr::from_ref(message).addr())
    }
}

/// One argument of a call, as the walk derived it.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgumentValue<'a> {
    /// A value argument, with its type where derivable.
    Value(Option<Type>),
    /// An enumeration argument (`req` in signatures).
    Enum(&'a str),
    /// A type argument.
    Type(&'a Type),
    /// An argument with nothing set.
    Missing,
}

/// A function call, told after its arguments are walked and typed.
#[derive(Debug)]
pub struct CallEvent<'a> {
    /// Which message holds the call, for passes that rewrite the plan after a walk.
    pub id: CallId,
    /// Scalar, aggregate or window.
    pub kind: FunctionKind,
    /// The anchor it calls.
    pub anchor: u32,
    /// The declaration behind the anchor (`None` when the plan declares none: the walk
    /// reports that as a problem too).
    pub declaration: Option<&'a FunctionDeclaration>,
    /// The arguments, typed.
    pub arguments: &'a [ArgumentValue<'a>],
    /// The argument expressions, for value arguments (parallel to `arguments`).
    pub argument_expressions: &'a [Option<&'a Expression>],
    /// The options the call sets (`overflow: ERROR`).
    pub options: &'a [FunctionOption],
    /// The output type the plan declares.
    pub output_type: Option<&'a Type>,
    /// The output type the extension YAMLs' return program derives for these arguments,
    /// when the call resolves to a core extension's implementation
    /// ([`crate::type_derivation`]); for calls with a declared type only when the visitor
    /// [wants it](PlanVisitor::wants_derived_types).
    pub derived_type: Option<&'a Type>,
    /// The relation holding it.
    pub rel: usize,
    /// Where it is.
    pub path: &'a str,
}

/// Told as the walk goes; every method defaults to nothing.
///
/// A pair of visitors is a visitor that tells both, so one walk serves several purposes.
pub trait PlanVisitor {
    /// A relation, before its inputs.
    fn enter_rel(&mut self, _rel: &RelEvent<'_>) {}

    /// A relation, after its inputs and expressions, with its derived output (after emit).
    fn leave_rel(&mut self, _index: usize, _output: &RelSchema) {}

    /// An expression, before its children.
    fn enter_expression(&mut self, _expression: &ExpressionEvent<'_>) {}

    /// An expression, after its children, with its derived type.
    fn leave_expression(&mut self, _expression: &ExpressionEvent<'_>, _ty: Option<&Type>) {}

    /// A function call, after its arguments.
    fn call(&mut self, _call: &CallEvent<'_>) {}

    /// A literal.
    fn literal(&mut self, _literal: &Literal, _path: &str) {}

    /// A type the plan states: a read's column, a cast's target, a call's output type, a
    /// parameter's type.
    fn declared_type(&mut self, _ty: &Type, _path: &str) {}

    /// Whether calls whose output type the plan declares should be typed from their
    /// extension too ([`CallEvent::derived_type`]). Calls without one always are; deriving
    /// costs microseconds per call, which routing (a walk per decision) does not pay.
    fn wants_derived_types(&self) -> bool {
        false
    }
}

impl<A: PlanVisitor, B: PlanVisitor> PlanVisitor for (A, B) {
    fn enter_rel(&mut self, rel: &RelEvent<'_>) {
        self.0.enter_rel(rel);
        self.1.enter_rel(rel);
    }

    fn leave_rel(&mut self, index: usize, output: &RelSchema) {
        self.0.leave_rel(index, output);
        self.1.leave_rel(index, output);
    }

    fn enter_expression(&mut self, expression: &ExpressionEvent<'_>) {
        self.0.enter_expression(expression);
        self.1.enter_expression(expression);
    }

    fn leave_expression(&mut self, expression: &ExpressionEvent<'_>, ty: Option<&Type>) {
        self.0.leave_expression(expression, ty);
        self.1.leave_expression(expression, ty);
    }

    fn call(&mut self, call: &CallEvent<'_>) {
        self.0.call(call);
        self.1.call(call);
    }

    fn literal(&mut self, literal: &Literal, path: &str) {
        self.0.literal(literal, path);
        self.1.literal(literal, path);
    }

    fn declared_type(&mut self, ty: &Type, path: &str) {
        self.0.declared_type(ty, path);
        self.1.declared_type(ty, path);
    }

    fn wants_derived_types(&self) -> bool {
        self.0.wants_derived_types() || self.1.wants_derived_types()
    }
}
