//! Plan features as a visitor over the producer's typed walk
//! ([`switchyard_producer::visit`]): relations, expression kinds, calls, types and tables,
//! and the relation tree the cost model reads.

use std::collections::HashSet;

use switchyard_producer::substrait::proto::expression::RexType;
use switchyard_producer::substrait::proto::expression::field_reference::RootType;
use switchyard_producer::substrait::proto::fetch_rel::CountMode;
use switchyard_producer::substrait::proto::function_argument::ArgType;
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::{Expression, Plan, Type};
use switchyard_producer::visit::{
    self, ArgumentValue, CallEvent, ExpressionEvent, FunctionTable, PlanVisitor, RelEvent,
    RelSchema,
};

use super::{
    ArgumentKind, DataKind, ExpressionUse, FunctionKind, FunctionUse, OptionUse, OuterReferenceUse,
    PlanFeatures, PredicateShape, RelNode, RelationUse, TypeUse,
};

/// Walks `plan` and collects its features.
pub(super) fn collect(plan: &Plan) -> PlanFeatures {
    let mut collector = Collector::default();
    visit::walk_plan(plan, &mut collector);
    if !collector.features.shape.nodes.is_empty() {
        collector.features.shape.root = Some(0);
    }
    collector.features
}

#[derive(Default)]
struct Collector {
    features: PlanFeatures,
    seen_types: HashSet<DataKind>,
    seen_expressions: HashSet<(&'static str, Option<&'static str>)>,
}

impl Collector {
    fn data_type(&mut self, kind: DataKind, path: &str) {
        if self.seen_types.insert(kind) {
            self.features.types.push(TypeUse {
                kind,
                path: path.to_string(),
            });
        }
    }
}

impl PlanVisitor for Collector {
    fn enter_rel(&mut self, rel: &RelEvent<'_>) {
        self.features.depth = self.features.depth.max(rel.depth);
        self.features.relations.push(RelationUse {
            relation: rel.relation,
            variant: rel.variant,
            path: rel.path.to_string(),
        });
        if let Some(table) = rel.table {
            self.features.tables.insert(table.to_string());
        }
        let mut node = RelNode {
            relation: rel.relation,
            variant: rel.variant,
            table: rel.table.map(str::to_string),
            ..RelNode::default()
        };
        describe(&mut node, rel);
        let nodes = &mut self.features.shape.nodes;
        debug_assert_eq!(nodes.len(), rel.index, "relations arrive in index order");
        if let Some(parent) = rel.parent.and_then(|p| nodes.get_mut(p)) {
            parent.inputs.push(rel.index);
        }
        if let Some(holder) = rel.subquery_of.and_then(|h| nodes.get_mut(h)) {
            holder.subqueries.push(rel.index);
        }
        nodes.push(node);
    }

    fn leave_rel(&mut self, index: usize, output: &RelSchema) {
        if let Some(node) = self.features.shape.nodes.get_mut(index) {
            node.width = output.width();
        }
    }

    fn enter_expression(&mut self, e: &ExpressionEvent<'_>) {
        if e.kind == "ENUM" {
            return;
        }
        if let Some(RexType::Selection(reference)) = e.expression.rex_type.as_ref()
            && let Some(RootType::OuterReference(outer)) = reference.root_type.as_ref()
            && self
                .features
                .deepest_outer_reference
                .as_ref()
                .is_none_or(|deepest| outer.steps_out > deepest.steps_out)
        {
            self.features.deepest_outer_reference = Some(OuterReferenceUse {
                steps_out: outer.steps_out,
                path: e.path.to_string(),
            });
        }
        let variant = cast_failure_behavior(e.expression).or(e.variant);
        if self.seen_expressions.insert((e.kind, variant)) {
            self.features.expressions.push(ExpressionUse {
                expression: e.kind,
                variant,
                path: e.path.to_string(),
            });
        }
    }

    fn leave_expression(&mut self, e: &ExpressionEvent<'_>, ty: Option<&Type>) {
        if let Some(kind) = ty.and_then(DataKind::of_type) {
            self.data_type(kind, e.path);
        }
    }

    fn declared_type(&mut self, ty: &Type, path: &str) {
        if let Some(kind) = DataKind::of_type(ty) {
            self.data_type(kind, path);
        }
    }

    fn call(&mut self, call: &CallEvent<'_>) {
        let arguments = call
            .arguments
            .iter()
            .map(|argument| match argument {
                ArgumentValue::Value(ty) => ty
                    .as_ref()
                    .and_then(DataKind::of_type)
                    .map_or(ArgumentKind::Unknown, ArgumentKind::Value),
                ArgumentValue::Enum(_) => ArgumentKind::Enum,
                ArgumentValue::Type(_) => ArgumentKind::Type,
                ArgumentValue::Missing => ArgumentKind::Unknown,
            })
            .collect();
        let (urn, name) = match call.declaration {
            Some(declaration) => (declaration.urn.clone(), declaration.name().to_string()),
            None => (None, "<undeclared function>".to_string()),
        };
        self.features.functions.push(FunctionUse {
            kind: match call.kind {
                visit::FunctionKind::Scalar => FunctionKind::Scalar,
                visit::FunctionKind::Aggregate => FunctionKind::Aggregate,
                visit::FunctionKind::Window => FunctionKind::Window,
            },
            urn,
            name,
            arguments,
            options: call
                .options
                .iter()
                .map(|option| OptionUse {
                    name: option.name.clone(),
                    preference: option.preference.clone(),
                })
                .collect(),
            path: call.path.to_string(),
        });
    }
}

/// A cast's failure behavior as the dialect format's `failure_options` names it; `None`
/// when the plan leaves it unspecified (the consumer chooses).
fn cast_failure_behavior(e: &Expression) -> Option<&'static str> {
    use switchyard_producer::substrait::proto::expression::cast::FailureBehavior;
    let Some(RexType::Cast(cast)) = e.rex_type.as_ref() else {
        return None;
    };
    match FailureBehavior::try_from(cast.failure_behavior).ok()? {
        FailureBehavior::ReturnNull => Some("RETURN_NULL"),
        FailureBehavior::ThrowException => Some("THROW_EXCEPTION"),
        FailureBehavior::Unspecified => None,
    }
}

/// What the cost model reads of a relation itself: a read's columns, the shape of its
/// filter, a fetch's count, an aggregate's keys.
fn describe(node: &mut RelNode, rel: &RelEvent<'_>) {
    let functions = rel.functions;
    match rel.rel.rel_type.as_ref() {
        Some(RelType::Read(read)) => {
            let base = read
                .base_schema
                .as_ref()
                .and_then(|s| s.r#struct.as_ref())
                .map_or(0, |s| s.types.len());
            let read = read
                .projection
                .as_ref()
                .and_then(|m| m.select.as_ref())
                .map_or(base, |s| s.struct_items.len());
            node.columns = Some((read, base));
            if let Some(filter) = rel_read_filter(rel) {
                node.predicate = Some(predicate(filter, functions));
            }
        }
        Some(RelType::Filter(filter)) => {
            node.predicate = filter.condition.as_deref().map(|c| predicate(c, functions));
        }
        Some(RelType::Join(join)) => {
            node.predicate = join.expression.as_deref().map(|c| predicate(c, functions));
        }
        Some(RelType::Fetch(fetch)) => {
            #[allow(deprecated)] // `count` is what older producers write
            let count = match fetch.count_mode.as_ref() {
                Some(CountMode::Count(n)) => u64::try_from(*n).ok(),
                Some(CountMode::CountExpr(e)) => literal_u64(e),
                None => None,
            };
            node.fetch = count;
        }
        Some(RelType::Aggregate(aggregate)) => {
            node.grouping_keys = visit::grouping_columns(aggregate).len();
        }
        _ => {}
    }
}

fn rel_read_filter<'a>(rel: &RelEvent<'a>) -> Option<&'a Expression> {
    match rel.rel.rel_type.as_ref() {
        Some(RelType::Read(read)) => read.filter.as_deref(),
        _ => None,
    }
}

/// Counts the top-level conjuncts of a condition.
fn predicate(condition: &Expression, functions: &FunctionTable) -> PredicateShape {
    let mut shape = PredicateShape::default();
    let mut pending = vec![condition];
    while let Some(e) = pending.pop() {
        match e.rex_type.as_ref() {
            Some(RexType::ScalarFunction(f)) => {
                let name = functions.name(f.function_reference);
                if name == Some("and") {
                    pending.extend(
                        f.arguments
                            .iter()
                            .filter_map(|a| match a.arg_type.as_ref() {
                                Some(ArgType::Value(v)) => Some(v),
                                _ => None,
                            }),
                    );
                } else if mentions_outer_reference(e) {
                    // A conjunct on an enclosing query's column joins the subquery to it:
                    // engines decorrelate it into a join and scan the whole input, so it
                    // filters nothing here.
                } else {
                    shape.add(name);
                }
            }
            Some(RexType::SingularOrList(_) | RexType::MultiOrList(_)) => shape.add_in_list(),
            _ => shape.add(None),
        }
    }
    shape
}

/// Whether a condition reads a column of an enclosing query (directly, through casts or
/// function arguments).
fn mentions_outer_reference(e: &Expression) -> bool {
    match e.rex_type.as_ref() {
        Some(RexType::Selection(reference)) => {
            matches!(reference.root_type, Some(RootType::OuterReference(_)))
        }
        Some(RexType::Cast(cast)) => cast.input.as_deref().is_some_and(mentions_outer_reference),
        Some(RexType::ScalarFunction(f)) => f.arguments.iter().any(|a| match a.arg_type.as_ref() {
            Some(ArgType::Value(v)) => mentions_outer_reference(v),
            _ => false,
        }),
        _ => false,
    }
}

fn literal_u64(e: &Expression) -> Option<u64> {
    use switchyard_producer::substrait::proto::expression::literal::LiteralType;
    let Some(RexType::Literal(literal)) = e.rex_type.as_ref() else {
        return None;
    };
    match literal.literal_type.as_ref()? {
        LiteralType::I64(n) => u64::try_from(*n).ok(),
        LiteralType::I32(n) => u64::try_from(*n).ok(),
        _ => None,
    }
}
