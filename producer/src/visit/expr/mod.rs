//! Expressions, one file per kind: each walks its children and derives its type;
//! [`walk`] announces the expression to the visitor before and after.

pub(super) mod call;
mod conditional;
mod field_reference;
mod nested;
mod or_list;
mod subquery;
pub(super) mod types;

use datafusion_substrait::substrait::proto::expression::RexType;
use datafusion_substrait::substrait::proto::expression::subquery::SubqueryType;
use datafusion_substrait::substrait::proto::{Expression, Type};

use self::call::CallSite;
use super::schema::RelSchema;
use super::visitor::{CallId, ExpressionEvent, FunctionKind};
use super::walker::Walker;

/// Walks `e`, held by relation `rel`, whose references resolve against `input`.
pub(super) fn walk(
    w: &mut Walker<'_>,
    e: &Expression,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let Some(rex) = e.rex_type.as_ref() else {
        w.problem(path, "the expression is empty (no expression type is set)");
        return None;
    };
    let (kind, variant) = kind_of(rex);
    let event = ExpressionEvent {
        expression: e,
        kind,
        variant,
        input,
        rel,
        path,
    };
    w.visitor.enter_expression(&event);
    let ty = match rex {
        RexType::Literal(literal) => {
            w.visitor.literal(literal, path);
            types::literal_type(literal)
        }
        RexType::Selection(reference) => field_reference::walk(w, reference, input, path, rel),
        RexType::ScalarFunction(f) => {
            let site = CallSite {
                id: CallId::of(f),
                kind: FunctionKind::Scalar,
                anchor: f.function_reference,
                arguments: &f.arguments,
                options: &f.options,
                output_type: f.output_type.as_ref(),
            };
            call::walk(w, site, input, path, rel)
        }
        RexType::WindowFunction(f) => {
            for (i, partition) in f.partitions.iter().enumerate() {
                w.expression(partition, input, &format!("{path}/partitions[{i}]"), rel);
            }
            for (i, sort) in f.sorts.iter().enumerate() {
                if let Some(e) = sort.expr.as_ref() {
                    w.expression(e, input, &format!("{path}/sorts[{i}]"), rel);
                }
            }
            let site = CallSite {
                id: CallId::of(f),
                kind: FunctionKind::Window,
                anchor: f.function_reference,
                arguments: &f.arguments,
                options: &f.options,
                output_type: f.output_type.as_ref(),
            };
            call::walk(w, site, input, path, rel)
        }
        RexType::IfThen(if_then) => conditional::if_then(w, if_then, input, path, rel),
        RexType::SwitchExpression(switch) => conditional::switch(w, switch, input, path, rel),
        RexType::SingularOrList(list) => or_list::singular(w, list, input, path, rel),
        RexType::MultiOrList(list) => or_list::multi(w, list, input, path, rel),
        RexType::Cast(cast) => {
            if let Some(inner) = cast.input.as_deref() {
                w.expression(inner, input, &format!("{path}/input"), rel);
            } else {
                w.problem(path, "the cast has no input");
            }
            match cast.r#type.as_ref() {
                Some(ty) => w.visitor.declared_type(ty, path),
                None => w.problem(path, "the cast has no target type"),
            }
            cast.r#type.clone()
        }
        RexType::Subquery(s) => subquery::walk(w, s.subquery_type.as_ref(), input, path, rel),
        RexType::Nested(nested) => nested::walk(w, nested, input, path, rel),
        RexType::DynamicParameter(parameter) => {
            if let Some(ty) = parameter.r#type.as_ref() {
                w.visitor.declared_type(ty, path);
            }
            parameter.r#type.clone()
        }
        RexType::Lambda(_) | RexType::LambdaInvocation(_) => None,
        #[allow(deprecated)]
        RexType::Enum(_) => None,
    };
    w.visitor.leave_expression(&event, ty.as_ref());
    ty
}

/// The dialect format's name of an expression kind and its variant.
fn kind_of(rex: &RexType) -> (&'static str, Option<&'static str>) {
    match rex {
        RexType::Literal(_) => ("LITERAL", None),
        RexType::Selection(_) => ("SELECTION", None),
        RexType::ScalarFunction(_) => ("SCALAR_FUNCTION", None),
        RexType::WindowFunction(_) => ("WINDOW_FUNCTION", None),
        RexType::IfThen(_) => ("IF_THEN", None),
        RexType::SwitchExpression(_) => ("SWITCH", None),
        RexType::SingularOrList(_) => ("SINGULAR_OR_LIST", None),
        RexType::MultiOrList(_) => ("MULTI_OR_LIST", None),
        RexType::Cast(_) => ("CAST", None),
        RexType::Subquery(s) => (
            "SUBQUERY",
            s.subquery_type.as_ref().map(|t| match t {
                SubqueryType::Scalar(_) => "SCALAR",
                SubqueryType::InPredicate(_) => "IN_PREDICATE",
                SubqueryType::SetPredicate(_) => "SET_PREDICATE",
                SubqueryType::SetComparison(_) => "SET_COMPARISON",
            }),
        ),
        RexType::Nested(_) => ("NESTED", None),
        RexType::DynamicParameter(_) => ("DYNAMIC_PARAMETER", None),
        RexType::Lambda(_) | RexType::LambdaInvocation(_) => ("LAMBDA", None),
        #[allow(deprecated)]
        RexType::Enum(_) => ("ENUM", None),
    }
}
