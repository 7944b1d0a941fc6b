//! Every function call of a decoded plan, reached mutably, children first.
//!
//! The typed walk ([`crate::visit`]) reads a plan and decides; a pass that then rewrites calls
//! finds them here by their [`CallId`], which the walk reports for the same plan value.
//! Children come first, so rewriting a call's arguments (which moves them) only ever moves
//! calls already visited, and every call not yet visited is still where the walk saw it.
//!
//! It reaches the calls the walk types: in relation expressions, aggregate measures, window
//! relations and subqueries. A call it does not reach keeps its contradiction, which
//! validation then refuses: a miss here costs a refusal, never a wrong answer.

use datafusion_substrait::substrait::proto::expression::field_reference::RootType;
use datafusion_substrait::substrait::proto::expression::nested::NestedType;
use datafusion_substrait::substrait::proto::expression::subquery::SubqueryType;
use datafusion_substrait::substrait::proto::expression::{RexType, Subquery};
use datafusion_substrait::substrait::proto::fetch_rel::{CountMode, OffsetMode};
use datafusion_substrait::substrait::proto::function_argument::ArgType;
use datafusion_substrait::substrait::proto::rel::RelType;
use datafusion_substrait::substrait::proto::{
    Expression, FunctionArgument, Plan, Rel, SortField, Type, plan_rel,
};

use crate::visit::CallId;

/// One call, mutably: what a rewrite may change.
pub struct CallMut<'a> {
    /// The call's identity, as the walk reported it.
    pub id: CallId,
    /// The function anchor it calls.
    pub function_reference: &'a mut u32,
    /// Its arguments.
    pub arguments: &'a mut Vec<FunctionArgument>,
    /// Its declared output type.
    pub output_type: &'a mut Option<Type>,
}

/// Calls `visit` for every call of `plan`'s relations, each after the calls inside it.
pub fn for_each_call(plan: &mut Plan, visit: &mut dyn FnMut(CallMut<'_>)) {
    for plan_rel in &mut plan.relations {
        match plan_rel.rel_type.as_mut() {
            Some(plan_rel::RelType::Root(root)) => {
                if let Some(rel) = root.input.as_mut() {
                    rel_calls(rel, visit);
                }
            }
            Some(plan_rel::RelType::Rel(rel)) => rel_calls(rel, visit),
            None => {}
        }
    }
}

fn rel_calls(rel: &mut Rel, visit: &mut dyn FnMut(CallMut<'_>)) {
    let Some(rel_type) = rel.rel_type.as_mut() else {
        return;
    };
    match rel_type {
        RelType::Read(read) => {
            optional(read.filter.as_deref_mut(), visit);
            optional(read.best_effort_filter.as_deref_mut(), visit);
        }
        RelType::Filter(filter) => {
            input(filter.input.as_deref_mut(), visit);
            optional(filter.condition.as_deref_mut(), visit);
        }
        RelType::Fetch(fetch) => {
            input(fetch.input.as_deref_mut(), visit);
            if let Some(OffsetMode::OffsetExpr(e)) = fetch.offset_mode.as_mut() {
                expression_calls(e, visit);
            }
            if let Some(CountMode::CountExpr(e)) = fetch.count_mode.as_mut() {
                expression_calls(e, visit);
            }
        }
        RelType::Aggregate(aggregate) => {
            input(aggregate.input.as_deref_mut(), visit);
            all(&mut aggregate.grouping_expressions, visit);
            for grouping in &mut aggregate.groupings {
                #[allow(deprecated)] // what producers before spec 0.56 write
                all(&mut grouping.grouping_expressions, visit);
            }
            for measure in &mut aggregate.measures {
                if let Some(function) = measure.measure.as_mut() {
                    arguments(&mut function.arguments, visit);
                    sorts(&mut function.sorts, visit);
                    visit(CallMut {
                        id: CallId::of(&*function),
                        function_reference: &mut function.function_reference,
                        arguments: &mut function.arguments,
                        output_type: &mut function.output_type,
                    });
                }
                optional(measure.filter.as_mut(), visit);
            }
        }
        RelType::Sort(sort) => {
            input(sort.input.as_deref_mut(), visit);
            sorts(&mut sort.sorts, visit);
        }
        RelType::Project(project) => {
            input(project.input.as_deref_mut(), visit);
            all(&mut project.expressions, visit);
        }
        RelType::Join(join) => {
            input(join.left.as_deref_mut(), visit);
            input(join.right.as_deref_mut(), visit);
            optional(join.expression.as_deref_mut(), visit);
            optional(join.post_join_filter.as_deref_mut(), visit);
        }
        RelType::Cross(cross) => {
            input(cross.left.as_deref_mut(), visit);
            input(cross.right.as_deref_mut(), visit);
        }
        RelType::Set(set) => set.inputs.iter_mut().for_each(|r| rel_calls(r, visit)),
        RelType::Window(window) => {
            input(window.input.as_deref_mut(), visit);
            all(&mut window.partition_expressions, visit);
            sorts(&mut window.sorts, visit);
            for function in &mut window.window_functions {
                arguments(&mut function.arguments, visit);
                visit(CallMut {
                    id: CallId::of(&*function),
                    function_reference: &mut function.function_reference,
                    arguments: &mut function.arguments,
                    output_type: &mut function.output_type,
                });
            }
        }
        RelType::HashJoin(join) => {
            input(join.left.as_deref_mut(), visit);
            input(join.right.as_deref_mut(), visit);
            optional(join.post_join_filter.as_deref_mut(), visit);
        }
        RelType::MergeJoin(join) => {
            input(join.left.as_deref_mut(), visit);
            input(join.right.as_deref_mut(), visit);
            optional(join.post_join_filter.as_deref_mut(), visit);
        }
        RelType::NestedLoopJoin(join) => {
            input(join.left.as_deref_mut(), visit);
            input(join.right.as_deref_mut(), visit);
            optional(join.expression.as_deref_mut(), visit);
        }
        RelType::ExtensionSingle(r) => input(r.input.as_deref_mut(), visit),
        RelType::ExtensionMulti(r) => r.inputs.iter_mut().for_each(|r| rel_calls(r, visit)),
        RelType::Exchange(r) => input(r.input.as_deref_mut(), visit),
        RelType::Expand(r) => input(r.input.as_deref_mut(), visit),
        RelType::Write(r) => input(r.input.as_deref_mut(), visit),
        RelType::Ddl(r) => input(r.view_definition.as_deref_mut(), visit),
        RelType::ExtensionLeaf(_) | RelType::Reference(_) | RelType::Update(_) => {}
    }
}

fn input(rel: Option<&mut Rel>, visit: &mut dyn FnMut(CallMut<'_>)) {
    if let Some(rel) = rel {
        rel_calls(rel, visit);
    }
}

fn optional(expression: Option<&mut Expression>, visit: &mut dyn FnMut(CallMut<'_>)) {
    if let Some(e) = expression {
        expression_calls(e, visit);
    }
}

fn all(expressions: &mut [Expression], visit: &mut dyn FnMut(CallMut<'_>)) {
    for e in expressions {
        expression_calls(e, visit);
    }
}

fn sorts(sorts: &mut [SortField], visit: &mut dyn FnMut(CallMut<'_>)) {
    for sort in sorts {
        optional(sort.expr.as_mut(), visit);
    }
}

fn arguments(arguments: &mut [FunctionArgument], visit: &mut dyn FnMut(CallMut<'_>)) {
    for argument in arguments {
        if let Some(ArgType::Value(e)) = argument.arg_type.as_mut() {
            expression_calls(e, visit);
        }
    }
}

fn expression_calls(expression: &mut Expression, visit: &mut dyn FnMut(CallMut<'_>)) {
    let Some(rex) = expression.rex_type.as_mut() else {
        return;
    };
    match rex {
        RexType::ScalarFunction(f) => {
            arguments(&mut f.arguments, visit);
            visit(CallMut {
                id: CallId::of(&*f),
                function_reference: &mut f.function_reference,
                arguments: &mut f.arguments,
                output_type: &mut f.output_type,
            });
        }
        RexType::WindowFunction(f) => {
            arguments(&mut f.arguments, visit);
            all(&mut f.partitions, visit);
            sorts(&mut f.sorts, visit);
            visit(CallMut {
                id: CallId::of(&*f),
                function_reference: &mut f.function_reference,
                arguments: &mut f.arguments,
                output_type: &mut f.output_type,
            });
        }
        RexType::Selection(reference) => {
            if let Some(RootType::Expression(e)) = reference.root_type.as_mut() {
                expression_calls(e, visit);
            }
        }
        RexType::IfThen(if_then) => {
            for clause in &mut if_then.ifs {
                optional(clause.r#if.as_mut(), visit);
                optional(clause.then.as_mut(), visit);
            }
            optional(if_then.r#else.as_deref_mut(), visit);
        }
        RexType::SwitchExpression(switch) => {
            optional(switch.r#match.as_deref_mut(), visit);
            for clause in &mut switch.ifs {
                optional(clause.then.as_mut(), visit);
            }
            optional(switch.r#else.as_deref_mut(), visit);
        }
        RexType::SingularOrList(list) => {
            optional(list.value.as_deref_mut(), visit);
            all(&mut list.options, visit);
        }
        RexType::MultiOrList(list) => {
            all(&mut list.value, visit);
            for record in &mut list.options {
                all(&mut record.fields, visit);
            }
        }
        RexType::Cast(cast) => optional(cast.input.as_deref_mut(), visit),
        RexType::Subquery(subquery) => subquery_calls(subquery, visit),
        RexType::Nested(nested) => match nested.nested_type.as_mut() {
            Some(NestedType::Struct(s)) => all(&mut s.fields, visit),
            Some(NestedType::List(l)) => all(&mut l.values, visit),
            Some(NestedType::Map(m)) => {
                for pair in &mut m.key_values {
                    optional(pair.key.as_mut(), visit);
                    optional(pair.value.as_mut(), visit);
                }
            }
            None => {}
        },
        RexType::Lambda(lambda) => optional(lambda.body.as_deref_mut(), visit),
        #[allow(deprecated)]
        RexType::Literal(_)
        | RexType::DynamicParameter(_)
        | RexType::LambdaInvocation(_)
        | RexType::Enum(_) => {}
    }
}

fn subquery_calls(subquery: &mut Subquery, visit: &mut dyn FnMut(CallMut<'_>)) {
    match subquery.subquery_type.as_mut() {
        Some(SubqueryType::Scalar(scalar)) => input(scalar.input.as_deref_mut(), visit),
        Some(SubqueryType::InPredicate(predicate)) => {
            all(&mut predicate.needles, visit);
            input(predicate.haystack.as_deref_mut(), visit);
        }
        Some(SubqueryType::SetPredicate(predicate)) => {
            input(predicate.tuples.as_deref_mut(), visit);
        }
        Some(SubqueryType::SetComparison(comparison)) => {
            optional(comparison.left.as_deref_mut(), visit);
            input(comparison.right.as_deref_mut(), visit);
        }
        None => {}
    }
}
