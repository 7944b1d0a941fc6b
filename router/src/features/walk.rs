//! One recursive walk over a plan's relations and expressions. Recursion is bounded:
//! `ValidatedPlan` caps relation depth and protobuf decoding caps message nesting.

use std::collections::{HashMap, HashSet};

use switchyard_producer::substrait::proto::expression::field_reference::{ReferenceType, RootType};
use switchyard_producer::substrait::proto::expression::reference_segment;
use switchyard_producer::substrait::proto::expression::subquery::SubqueryType;
use switchyard_producer::substrait::proto::expression::{RexType, nested};
use switchyard_producer::substrait::proto::extensions::simple_extension_declaration::MappingType;
use switchyard_producer::substrait::proto::fetch_rel::CountMode;
use switchyard_producer::substrait::proto::function_argument::ArgType;
use switchyard_producer::substrait::proto::read_rel::ReadType;
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::rel_common::EmitKind;
use switchyard_producer::substrait::proto::{
    Expression, FunctionArgument, Plan, Rel, RelCommon, Type, join_rel, set_rel,
};

use super::type_rules::{literal_defect, type_defect};
use super::{
    ArgumentKind, DataKind, ExpressionUse, FunctionKind, FunctionUse, PlanFeatures, PredicateShape,
    RelNode, RelationUse, TypeUse,
};
use switchyard_producer::rel_tree::plan_roots;

/// The derived column kinds of a relation's output (`None` where not derivable).
type Schema = Vec<Option<DataKind>>;

pub(super) fn collect(plan: &Plan) -> PlanFeatures {
    let mut walker = Walker::new(plan);
    if let Some(Some(root)) = plan_roots(plan).first() {
        let (index, _) = walker.rel(root, String::new(), 1);
        walker.features.shape.root = Some(index);
    }
    walker.features
}

struct Walker<'p> {
    functions: HashMap<u32, (Option<&'p str>, &'p str)>,
    features: PlanFeatures,
    seen_types: HashSet<DataKind>,
    seen_expressions: HashSet<(&'static str, Option<&'static str>)>,
    /// Schemas of enclosing relations, innermost last, for outer references in subqueries.
    outer: Vec<Schema>,
    /// Each arena node's depth.
    depths: Vec<usize>,
}

impl<'p> Walker<'p> {
    fn new(plan: &'p Plan) -> Self {
        let urns: HashMap<u32, &str> = plan
            .extension_urns
            .iter()
            .map(|u| (u.extension_urn_anchor, u.urn.as_str()))
            .collect();
        let functions = plan
            .extensions
            .iter()
            .filter_map(|d| match d.mapping_type.as_ref()? {
                MappingType::ExtensionFunction(f) => Some((
                    f.function_anchor,
                    (
                        urns.get(&f.extension_urn_reference).copied(),
                        f.name.as_str(),
                    ),
                )),
                _ => None,
            })
            .collect();
        Self {
            functions,
            features: PlanFeatures::default(),
            seen_types: HashSet::new(),
            seen_expressions: HashSet::new(),
            outer: Vec::new(),
            depths: Vec::new(),
        }
    }

    /// Walks a relation whose path begins with `prefix`; returns its arena index and
    /// output schema.
    fn rel(&mut self, rel: &Rel, prefix: String, depth: usize) -> (usize, Schema) {
        let path = format!("{prefix}{}", rel_label(rel.rel_type.as_ref()));
        self.features.depth = self.features.depth.max(depth);
        let index = self.features.shape.nodes.len();
        self.features.shape.nodes.push(RelNode::default());
        self.depths.push(depth);
        let Some(rel_type) = rel.rel_type.as_ref() else {
            self.relation(index, "UNKNOWN", None, &path);
            return (index, Vec::new());
        };
        let child = |role: &str| {
            if role.is_empty() {
                format!("{path}/")
            } else {
                format!("{path}/{role}:")
            }
        };
        let (common, schema) = match rel_type {
            RelType::Read(read) => {
                let variant = match read.read_type.as_ref() {
                    Some(ReadType::NamedTable(t)) => {
                        // Engines resolve the last part of a qualified name (`public.orders`)
                        // against their tables, so rules and statistics use it too.
                        let name = t.names.last().cloned().unwrap_or_default();
                        self.features.tables.insert(name.clone());
                        self.features.shape.nodes[index].table = Some(name);
                        Some("NAMED_TABLE")
                    }
                    Some(ReadType::VirtualTable(_)) => Some("VIRTUAL_TABLE"),
                    Some(ReadType::LocalFiles(_)) => Some("LOCAL_FILES"),
                    Some(ReadType::ExtensionTable(_)) => Some("EXTENSION_TABLE"),
                    Some(ReadType::IcebergTable(_)) => Some("ICEBERG_TABLE"),
                    None => None,
                };
                let label = match &self.features.shape.nodes[index].table {
                    Some(table) => format!("{path}({table})"),
                    None => path.clone(),
                };
                self.relation(index, "READ", variant, &label);
                let base_types = read
                    .base_schema
                    .as_ref()
                    .and_then(|s| s.r#struct.as_ref())
                    .map(|s| s.types.as_slice())
                    .unwrap_or_default();
                for data_type in base_types {
                    self.check_type(Some(data_type), &label);
                }
                let base: Schema = base_types.iter().map(DataKind::of_type).collect();
                for kind in base.iter().flatten() {
                    self.data_type(*kind, &label);
                }
                let selected: Option<Vec<usize>> = read
                    .projection
                    .as_ref()
                    .and_then(|m| m.select.as_ref())
                    .map(|s| {
                        s.struct_items
                            .iter()
                            .filter_map(|i| usize::try_from(i.field).ok())
                            .collect()
                    });
                let schema = match &selected {
                    Some(fields) => fields
                        .iter()
                        .map(|&f| base.get(f).copied().flatten())
                        .collect(),
                    None => base.clone(),
                };
                self.features.shape.nodes[index].columns = Some((schema.len(), base.len()));
                if let Some(filter) = read.filter.as_deref() {
                    let shape = self.predicate(filter);
                    self.features.shape.nodes[index].predicate = Some(shape);
                    self.expression(filter, &base, &format!("{label}/filter"), index);
                }
                (read.common.as_ref(), schema)
            }
            RelType::Filter(filter) => {
                self.relation(index, "FILTER", None, &path);
                let input = self.input(index, filter.input.as_deref(), child(""), depth);
                if let Some(condition) = filter.condition.as_deref() {
                    let shape = self.predicate(condition);
                    self.features.shape.nodes[index].predicate = Some(shape);
                    self.expression(condition, &input, &format!("{path}/condition"), index);
                }
                (filter.common.as_ref(), input)
            }
            RelType::Fetch(fetch) => {
                self.relation(index, "FETCH", None, &path);
                let input = self.input(index, fetch.input.as_deref(), child(""), depth);
                #[allow(deprecated)] // `count` is what older producers write
                let count = match fetch.count_mode.as_ref() {
                    Some(CountMode::Count(n)) => u64::try_from(*n).ok(),
                    Some(CountMode::CountExpr(e)) => literal_u64(e),
                    None => None,
                };
                self.features.shape.nodes[index].fetch = count;
                (fetch.common.as_ref(), input)
            }
            RelType::Sort(sort) => {
                self.relation(index, "SORT", None, &path);
                let input = self.input(index, sort.input.as_deref(), child(""), depth);
                for (i, field) in sort.sorts.iter().enumerate() {
                    if let Some(e) = field.expr.as_ref() {
                        self.expression(e, &input, &format!("{path}/sorts[{i}]"), index);
                    }
                }
                (sort.common.as_ref(), input)
            }
            RelType::Project(project) => {
                self.relation(index, "PROJECT", None, &path);
                let mut schema = self.input(index, project.input.as_deref(), child(""), depth);
                let input = schema.clone();
                for (i, e) in project.expressions.iter().enumerate() {
                    let kind =
                        self.expression(e, &input, &format!("{path}/expressions[{i}]"), index);
                    schema.push(kind);
                }
                (project.common.as_ref(), schema)
            }
            RelType::Aggregate(aggregate) => {
                self.relation(index, "AGGREGATE", None, &path);
                let input = self.input(index, aggregate.input.as_deref(), child(""), depth);
                let mut schema = Schema::new();
                // Plans since spec 0.56 list grouping expressions once, at the top; older
                // ones per grouping (DataFusion writes both).
                #[allow(deprecated)]
                let groupings: Vec<&Expression> = if aggregate.grouping_expressions.is_empty() {
                    // Grouping sets repeat shared expressions; each is one output column.
                    let mut distinct: Vec<&Expression> = Vec::new();
                    for e in aggregate
                        .groupings
                        .iter()
                        .flat_map(|g| &g.grouping_expressions)
                    {
                        if !distinct.contains(&e) {
                            distinct.push(e);
                        }
                    }
                    distinct
                } else {
                    aggregate.grouping_expressions.iter().collect()
                };
                for (i, e) in groupings.into_iter().enumerate() {
                    let kind = self.expression(e, &input, &format!("{path}/groupings[{i}]"), index);
                    schema.push(kind);
                }
                self.features.shape.nodes[index].grouping_keys = schema.len();
                for (i, measure) in aggregate.measures.iter().enumerate() {
                    let measure_path = format!("{path}/measures[{i}]");
                    let Some(function) = measure.measure.as_ref() else {
                        schema.push(None);
                        continue;
                    };
                    let arguments =
                        self.arguments(&function.arguments, &input, &measure_path, index);
                    let inferred = self.function(
                        FunctionKind::Aggregate,
                        function.function_reference,
                        arguments,
                        &measure_path,
                    );
                    for sort in &function.sorts {
                        if let Some(e) = sort.expr.as_ref() {
                            self.expression(e, &input, &measure_path, index);
                        }
                    }
                    if let Some(filter) = measure.filter.as_ref() {
                        self.expression(filter, &input, &format!("{measure_path}/filter"), index);
                    }
                    self.check_type(function.output_type.as_ref(), &measure_path);
                    let kind = function
                        .output_type
                        .as_ref()
                        .and_then(DataKind::of_type)
                        .or(inferred);
                    if let Some(kind) = kind {
                        self.data_type(kind, &measure_path);
                    }
                    schema.push(kind);
                }
                if aggregate.groupings.len() > 1 {
                    schema.push(Some(DataKind::I32)); // the grouping set index
                }
                (aggregate.common.as_ref(), schema)
            }
            RelType::Join(join) => {
                let join_type = join_rel::JoinType::try_from(join.r#type).ok();
                self.relation(index, "JOIN", join_type.map(join_type_name), &path);
                let left = self.input(index, join.left.as_deref(), child("left"), depth);
                let right = self.input(index, join.right.as_deref(), child("right"), depth);
                let mut both = left.clone();
                both.extend(right.iter().copied());
                if let Some(condition) = join.expression.as_deref() {
                    let shape = self.predicate(condition);
                    self.features.shape.nodes[index].predicate = Some(shape);
                    self.expression(condition, &both, &format!("{path}/expression"), index);
                }
                if let Some(filter) = join.post_join_filter.as_deref() {
                    self.expression(filter, &both, &format!("{path}/post_join_filter"), index);
                }
                let schema = match join_type {
                    Some(join_rel::JoinType::LeftSemi | join_rel::JoinType::LeftAnti) => left,
                    Some(join_rel::JoinType::RightSemi | join_rel::JoinType::RightAnti) => right,
                    Some(join_rel::JoinType::LeftMark) => {
                        let mut s = left;
                        s.push(Some(DataKind::Bool));
                        s
                    }
                    Some(join_rel::JoinType::RightMark) => {
                        let mut s = right;
                        s.push(Some(DataKind::Bool));
                        s
                    }
                    _ => both,
                };
                (join.common.as_ref(), schema)
            }
            RelType::Cross(cross) => {
                self.relation(index, "CROSS", None, &path);
                let mut left = self.input(index, cross.left.as_deref(), child("left"), depth);
                let right = self.input(index, cross.right.as_deref(), child("right"), depth);
                left.extend(right);
                (cross.common.as_ref(), left)
            }
            RelType::Set(set) => {
                let op = set_rel::SetOp::try_from(set.op).ok();
                self.relation(index, "SET", op.map(set_op_name), &path);
                let mut first = None;
                for (i, input) in set.inputs.iter().enumerate() {
                    let schema =
                        self.input(index, Some(input), child(&format!("inputs[{i}]")), depth);
                    first.get_or_insert(schema);
                }
                (set.common.as_ref(), first.unwrap_or_default())
            }
            RelType::Window(window) => {
                self.relation(index, "CONSISTENT_PARTITION_WINDOW", None, &path);
                let mut schema = self.input(index, window.input.as_deref(), child(""), depth);
                let input = schema.clone();
                for (i, e) in window.partition_expressions.iter().enumerate() {
                    self.expression(e, &input, &format!("{path}/partitions[{i}]"), index);
                }
                for (i, function) in window.window_functions.iter().enumerate() {
                    let function_path = format!("{path}/window_functions[{i}]");
                    let arguments =
                        self.arguments(&function.arguments, &input, &function_path, index);
                    let inferred = self.function(
                        FunctionKind::Window,
                        function.function_reference,
                        arguments,
                        &function_path,
                    );
                    schema.push(
                        function
                            .output_type
                            .as_ref()
                            .and_then(DataKind::of_type)
                            .or(inferred),
                    );
                }
                (window.common.as_ref(), schema)
            }
            other => {
                let other = other_relation(other);
                self.relation(index, other.name, None, &path);
                let mut schemas = Vec::new();
                for (i, input) in other.inputs.into_iter().enumerate() {
                    schemas.push(self.input(
                        index,
                        Some(input),
                        child(&format!("inputs[{i}]")),
                        depth,
                    ));
                }
                // Physical joins output both sides (their join types are not tracked);
                // exchanges their input; anything else is not derived.
                let schema = match other.output {
                    OtherOutput::Concatenated => schemas.concat(),
                    OtherOutput::Input => schemas.into_iter().next().unwrap_or_default(),
                    OtherOutput::Unknown => Schema::new(),
                };
                (other.common, schema)
            }
        };
        let schema = apply_emit(common, schema);
        self.features.shape.nodes[index].width = schema.len();
        (index, schema)
    }

    /// Walks an input relation and links it to its parent.
    fn input(&mut self, parent: usize, input: Option<&Rel>, path: String, depth: usize) -> Schema {
        let Some(input) = input else {
            return Schema::new();
        };
        let (index, schema) = self.rel(input, path, depth + 1);
        self.features.shape.nodes[parent].inputs.push(index);
        schema
    }

    fn relation(
        &mut self,
        index: usize,
        relation: &'static str,
        variant: Option<&'static str>,
        path: &str,
    ) {
        let node = &mut self.features.shape.nodes[index];
        node.relation = relation;
        node.variant = variant;
        self.features.relations.push(RelationUse {
            relation,
            variant,
            path: path.to_string(),
        });
    }

    /// Records a type that breaks a parameter rule (decimal precision...) as a defect.
    fn check_type(&mut self, data_type: Option<&Type>, path: &str) {
        if let Some(defect) = data_type.and_then(type_defect) {
            self.features.defects.push(format!("{path}: {defect}"));
        }
    }

    fn data_type(&mut self, kind: DataKind, path: &str) {
        if self.seen_types.insert(kind) {
            self.features.types.push(TypeUse {
                kind,
                path: path.to_string(),
            });
        }
    }

    fn expression_kind(
        &mut self,
        expression: &'static str,
        variant: Option<&'static str>,
        path: &str,
    ) {
        if self.seen_expressions.insert((expression, variant)) {
            self.features.expressions.push(ExpressionUse {
                expression,
                variant,
                path: path.to_string(),
            });
        }
    }

    /// Records a call; returns the kind its result has when the plan does not say.
    fn function(
        &mut self,
        kind: FunctionKind,
        anchor: u32,
        arguments: Vec<ArgumentKind>,
        path: &str,
    ) -> Option<DataKind> {
        let (urn, declared) = match self.functions.get(&anchor) {
            Some(&declared) => declared,
            None => {
                self.features.defects.push(format!(
                    "{path} calls function anchor {anchor}, which the plan's extensions do not \
                     declare"
                ));
                (None, "<undeclared function>")
            }
        };
        // Compound names (`add:i64_i64`) carry the signature after the colon.
        let name = declared.split(':').next().unwrap_or(declared);
        let inferred = inferred_result(name, &arguments);
        self.features.functions.push(FunctionUse {
            kind,
            urn: urn.map(str::to_string),
            name: name.to_string(),
            arguments,
            path: path.to_string(),
        });
        inferred
    }

    fn arguments(
        &mut self,
        arguments: &[FunctionArgument],
        input: &Schema,
        path: &str,
        rel: usize,
    ) -> Vec<ArgumentKind> {
        arguments
            .iter()
            .map(|argument| match argument.arg_type.as_ref() {
                Some(ArgType::Value(e)) => self
                    .expression(e, input, path, rel)
                    .map_or(ArgumentKind::Unknown, ArgumentKind::Value),
                Some(ArgType::Enum(_)) => ArgumentKind::Enum,
                Some(ArgType::Type(_)) => ArgumentKind::Type,
                None => ArgumentKind::Unknown,
            })
            .collect()
    }

    /// Counts the top-level conjuncts of a condition.
    fn predicate(&self, condition: &Expression) -> PredicateShape {
        let mut shape = PredicateShape::default();
        let mut pending = vec![condition];
        while let Some(e) = pending.pop() {
            match e.rex_type.as_ref() {
                Some(RexType::ScalarFunction(f)) => {
                    let name = self
                        .functions
                        .get(&f.function_reference)
                        .map(|(_, n)| n.split(':').next().unwrap_or(n));
                    if name == Some("and") {
                        pending.extend(f.arguments.iter().filter_map(
                            |a| match a.arg_type.as_ref() {
                                Some(ArgType::Value(v)) => Some(v),
                                _ => None,
                            },
                        ));
                    } else if mentions_outer_reference(e) {
                        // A conjunct on an enclosing query's column joins the subquery to
                        // it: engines decorrelate it into a join and scan the whole input,
                        // so it filters nothing here.
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

    /// Walks an expression; returns the kind of its value where derivable.
    fn expression(
        &mut self,
        e: &Expression,
        input: &Schema,
        path: &str,
        rel: usize,
    ) -> Option<DataKind> {
        let rex = e.rex_type.as_ref()?;
        let kind = match rex {
            RexType::Literal(literal) => {
                self.expression_kind("LITERAL", None, path);
                if let Some(defect) = literal_defect(literal) {
                    self.features.defects.push(format!("{path}: {defect}"));
                }
                literal.literal_type.as_ref().and_then(DataKind::of_literal)
            }
            RexType::Selection(reference) => {
                self.expression_kind("SELECTION", None, path);
                self.field_type(reference, input)
            }
            RexType::ScalarFunction(f) => {
                self.expression_kind("SCALAR_FUNCTION", None, path);
                let arguments = self.arguments(&f.arguments, input, path, rel);
                let inferred =
                    self.function(FunctionKind::Scalar, f.function_reference, arguments, path);
                self.check_type(f.output_type.as_ref(), path);
                f.output_type
                    .as_ref()
                    .and_then(DataKind::of_type)
                    .or(inferred)
            }
            RexType::WindowFunction(f) => {
                self.expression_kind("WINDOW_FUNCTION", None, path);
                let arguments = self.arguments(&f.arguments, input, path, rel);
                let inferred =
                    self.function(FunctionKind::Window, f.function_reference, arguments, path);
                self.check_type(f.output_type.as_ref(), path);
                for e in f
                    .partitions
                    .iter()
                    .chain(f.sorts.iter().filter_map(|s| s.expr.as_ref()))
                {
                    self.expression(e, input, path, rel);
                }
                f.output_type
                    .as_ref()
                    .and_then(DataKind::of_type)
                    .or(inferred)
            }
            RexType::IfThen(if_then) => {
                self.expression_kind("IF_THEN", None, path);
                let mut kind = None;
                for clause in &if_then.ifs {
                    if let Some(c) = clause.r#if.as_ref() {
                        self.expression(c, input, path, rel);
                    }
                    if let Some(t) = clause.then.as_ref() {
                        kind = kind.or(self.expression(t, input, path, rel));
                    }
                }
                if let Some(otherwise) = if_then.r#else.as_deref() {
                    kind = kind.or(self.expression(otherwise, input, path, rel));
                }
                kind
            }
            RexType::SwitchExpression(switch) => {
                self.expression_kind("SWITCH", None, path);
                if let Some(m) = switch.r#match.as_deref() {
                    self.expression(m, input, path, rel);
                }
                let mut kind = None;
                for clause in &switch.ifs {
                    if let Some(t) = clause.then.as_ref() {
                        kind = kind.or(self.expression(t, input, path, rel));
                    }
                }
                if let Some(otherwise) = switch.r#else.as_deref() {
                    kind = kind.or(self.expression(otherwise, input, path, rel));
                }
                kind
            }
            RexType::SingularOrList(list) => {
                self.expression_kind("SINGULAR_OR_LIST", None, path);
                if let Some(v) = list.value.as_deref() {
                    self.expression(v, input, path, rel);
                }
                for option in &list.options {
                    self.expression(option, input, path, rel);
                }
                Some(DataKind::Bool)
            }
            RexType::MultiOrList(list) => {
                self.expression_kind("MULTI_OR_LIST", None, path);
                for v in &list.value {
                    self.expression(v, input, path, rel);
                }
                for record in &list.options {
                    for field in &record.fields {
                        self.expression(field, input, path, rel);
                    }
                }
                Some(DataKind::Bool)
            }
            RexType::Cast(cast) => {
                self.expression_kind("CAST", None, path);
                if let Some(inner) = cast.input.as_deref() {
                    self.expression(inner, input, path, rel);
                }
                self.check_type(cast.r#type.as_ref(), path);
                cast.r#type.as_ref().and_then(DataKind::of_type)
            }
            RexType::Subquery(subquery) => {
                self.subquery(subquery.subquery_type.as_ref(), input, path, rel)
            }
            RexType::Nested(n) => {
                self.expression_kind("NESTED", None, path);
                let (kind, children): (DataKind, Vec<&Expression>) = match n.nested_type.as_ref() {
                    Some(nested::NestedType::Struct(s)) => {
                        (DataKind::Struct, s.fields.iter().collect())
                    }
                    Some(nested::NestedType::List(l)) => {
                        (DataKind::List, l.values.iter().collect())
                    }
                    Some(nested::NestedType::Map(m)) => (
                        DataKind::Map,
                        m.key_values
                            .iter()
                            .flat_map(|kv| kv.key.iter().chain(kv.value.iter()))
                            .collect(),
                    ),
                    None => return None,
                };
                for child in children {
                    self.expression(child, input, path, rel);
                }
                Some(kind)
            }
            RexType::DynamicParameter(p) => {
                self.expression_kind("DYNAMIC_PARAMETER", None, path);
                self.check_type(p.r#type.as_ref(), path);
                p.r#type.as_ref().and_then(DataKind::of_type)
            }
            RexType::Lambda(_) | RexType::LambdaInvocation(_) => {
                self.expression_kind("LAMBDA", None, path);
                None
            }
            #[allow(deprecated)]
            RexType::Enum(_) => None,
        };
        if let Some(kind) = kind {
            self.data_type(kind, path);
        }
        kind
    }

    fn subquery(
        &mut self,
        subquery: Option<&SubqueryType>,
        input: &Schema,
        path: &str,
        rel: usize,
    ) -> Option<DataKind> {
        let Some(subquery) = subquery else {
            self.expression_kind("SUBQUERY", None, path);
            return None;
        };
        let (variant, relation, needles): (&'static str, Option<&Rel>, Vec<&Expression>) =
            match subquery {
                SubqueryType::Scalar(s) => ("SCALAR", s.input.as_deref(), Vec::new()),
                SubqueryType::InPredicate(p) => (
                    "IN_PREDICATE",
                    p.haystack.as_deref(),
                    p.needles.iter().collect(),
                ),
                SubqueryType::SetPredicate(p) => ("SET_PREDICATE", p.tuples.as_deref(), Vec::new()),
                SubqueryType::SetComparison(c) => (
                    "SET_COMPARISON",
                    c.right.as_deref(),
                    c.left.as_deref().into_iter().collect(),
                ),
            };
        self.expression_kind("SUBQUERY", Some(variant), path);
        for needle in needles {
            self.expression(needle, input, path, rel);
        }
        let relation = relation?;
        self.outer.push(input.clone());
        // A subquery's relations nest below the relation that holds it.
        let depth = self.depths.get(rel).copied().unwrap_or(0) + 1;
        let (index, schema) = self.rel(relation, format!("{path}/subquery:"), depth);
        self.outer.pop();
        self.features.shape.nodes[rel].subqueries.push(index);
        match variant {
            "SCALAR" => schema.first().copied().flatten(),
            _ => Some(DataKind::Bool),
        }
    }

    fn field_type(
        &self,
        reference: &switchyard_producer::substrait::proto::expression::FieldReference,
        input: &Schema,
    ) -> Option<DataKind> {
        let Some(ReferenceType::DirectReference(segment)) = reference.reference_type.as_ref()
        else {
            return None;
        };
        let Some(reference_segment::ReferenceType::StructField(field)) =
            segment.reference_type.as_ref()
        else {
            return None;
        };
        if field.child.is_some() {
            return None; // a field inside a nested value: its type is not tracked
        }
        let schema = match reference.root_type.as_ref() {
            Some(RootType::OuterReference(outer)) => {
                let steps = usize::try_from(outer.steps_out).ok()?;
                self.outer
                    .len()
                    .checked_sub(steps)
                    .and_then(|i| self.outer.get(i))?
            }
            Some(RootType::Expression(_)) => return None,
            _ => input,
        };
        schema
            .get(usize::try_from(field.field).ok()?)
            .copied()
            .flatten()
    }
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

fn apply_emit(common: Option<&RelCommon>, schema: Schema) -> Schema {
    match common.and_then(|c| c.emit_kind.as_ref()) {
        Some(EmitKind::Emit(emit)) => emit
            .output_mapping
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| schema.get(i).copied().flatten())
            })
            .collect(),
        _ => schema,
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

fn join_type_name(join_type: join_rel::JoinType) -> &'static str {
    use join_rel::JoinType as J;
    match join_type {
        J::Unspecified => "UNSPECIFIED",
        J::Inner => "INNER",
        J::Outer => "OUTER",
        J::Left => "LEFT",
        J::Right => "RIGHT",
        J::LeftSemi => "LEFT_SEMI",
        J::RightSemi => "RIGHT_SEMI",
        J::LeftAnti => "LEFT_ANTI",
        J::RightAnti => "RIGHT_ANTI",
        J::LeftSingle => "LEFT_SINGLE",
        J::RightSingle => "RIGHT_SINGLE",
        J::LeftMark => "LEFT_MARK",
        J::RightMark => "RIGHT_MARK",
    }
}

fn set_op_name(op: set_rel::SetOp) -> &'static str {
    use set_rel::SetOp as S;
    match op {
        S::Unspecified => "UNSPECIFIED",
        S::MinusPrimary => "MINUS_PRIMARY",
        S::MinusPrimaryAll => "MINUS_PRIMARY_ALL",
        S::MinusMultiset => "MINUS_MULTISET",
        S::IntersectionPrimary => "INTERSECTION_PRIMARY",
        S::IntersectionMultiset => "INTERSECTION_MULTISET",
        S::IntersectionMultisetAll => "INTERSECTION_MULTISET_ALL",
        S::UnionDistinct => "UNION_DISTINCT",
        S::UnionAll => "UNION_ALL",
    }
}

/// How a relation the walk does not look inside forms its output.
enum OtherOutput {
    Concatenated,
    Input,
    Unknown,
}

/// A relation the walk does not look inside.
struct OtherRelation<'a> {
    name: &'static str,
    inputs: Vec<&'a Rel>,
    common: Option<&'a RelCommon>,
    output: OtherOutput,
}

/// Relations the walk does not look inside: their dialect name, inputs and output.
fn other_relation(rel: &RelType) -> OtherRelation<'_> {
    let other = |name, inputs, common, output| OtherRelation {
        name,
        inputs,
        common,
        output,
    };

    use OtherOutput::{Concatenated, Input, Unknown};
    match rel {
        RelType::ExtensionLeaf(r) => {
            other("EXTENSION_LEAF", Vec::new(), r.common.as_ref(), Unknown)
        }
        RelType::ExtensionSingle(r) => other(
            "EXTENSION_SINGLE",
            boxed_input(&r.input),
            r.common.as_ref(),
            Unknown,
        ),
        RelType::ExtensionMulti(r) => other(
            "EXTENSION_MULTI",
            r.inputs.iter().collect(),
            r.common.as_ref(),
            Unknown,
        ),
        RelType::Reference(_) => other("REFERENCE", Vec::new(), None, Unknown),
        RelType::Write(r) => other("WRITE", boxed_input(&r.input), r.common.as_ref(), Unknown),
        RelType::Ddl(r) => other(
            "DDL",
            boxed_input(&r.view_definition),
            r.common.as_ref(),
            Unknown,
        ),
        RelType::Update(_) => other("UPDATE", Vec::new(), None, Unknown),
        RelType::HashJoin(r) => other(
            "HASH_JOIN",
            pair_input(&r.left, &r.right),
            r.common.as_ref(),
            Concatenated,
        ),
        RelType::MergeJoin(r) => other(
            "MERGE_JOIN",
            pair_input(&r.left, &r.right),
            r.common.as_ref(),
            Concatenated,
        ),
        RelType::NestedLoopJoin(r) => other(
            "NESTED_LOOP_JOIN",
            pair_input(&r.left, &r.right),
            r.common.as_ref(),
            Concatenated,
        ),
        RelType::Exchange(r) => other("EXCHANGE", boxed_input(&r.input), r.common.as_ref(), Input),
        RelType::Expand(r) => other("EXPAND", boxed_input(&r.input), r.common.as_ref(), Unknown),
        // Walked by `Walker::rel` itself.
        RelType::Read(_)
        | RelType::Filter(_)
        | RelType::Fetch(_)
        | RelType::Aggregate(_)
        | RelType::Sort(_)
        | RelType::Project(_)
        | RelType::Join(_)
        | RelType::Cross(_)
        | RelType::Set(_)
        | RelType::Window(_) => other("UNKNOWN", Vec::new(), None, Unknown),
    }
}

fn pair_input<'a>(left: &'a Option<Box<Rel>>, right: &'a Option<Box<Rel>>) -> Vec<&'a Rel> {
    [left.as_deref(), right.as_deref()]
        .into_iter()
        .flatten()
        .collect()
}

fn boxed_input(input: &Option<Box<Rel>>) -> Vec<&Rel> {
    input.as_deref().into_iter().collect()
}

/// A relation's name in paths.
fn rel_label(rel: Option<&RelType>) -> &'static str {
    match rel {
        Some(RelType::Read(_)) => "read",
        Some(RelType::Filter(_)) => "filter",
        Some(RelType::Fetch(_)) => "fetch",
        Some(RelType::Aggregate(_)) => "aggregate",
        Some(RelType::Sort(_)) => "sort",
        Some(RelType::Join(_)) => "join",
        Some(RelType::Project(_)) => "project",
        Some(RelType::Set(_)) => "set",
        Some(RelType::ExtensionSingle(_)) => "extension_single",
        Some(RelType::ExtensionMulti(_)) => "extension_multi",
        Some(RelType::ExtensionLeaf(_)) => "extension_leaf",
        Some(RelType::Cross(_)) => "cross",
        Some(RelType::Reference(_)) => "reference",
        Some(RelType::Write(_)) => "write",
        Some(RelType::Ddl(_)) => "ddl",
        Some(RelType::Update(_)) => "update",
        Some(RelType::HashJoin(_)) => "hash_join",
        Some(RelType::MergeJoin(_)) => "merge_join",
        Some(RelType::NestedLoopJoin(_)) => "nested_loop_join",
        Some(RelType::Window(_)) => "window",
        Some(RelType::Exchange(_)) => "exchange",
        Some(RelType::Expand(_)) => "expand",
        None => "empty",
    }
}

/// The result kind of common functions, for plans that leave `output_type` unset: predicates
/// give booleans, counts and ranks integers, and arithmetic and the other aggregates the
/// kind of their first value argument.
fn inferred_result(name: &str, arguments: &[ArgumentKind]) -> Option<DataKind> {
    let first_value = arguments.iter().find_map(|a| match a {
        ArgumentKind::Value(kind) => Some(*kind),
        _ => None,
    });
    match name {
        "equal"
        | "not_equal"
        | "lt"
        | "lte"
        | "gt"
        | "gte"
        | "and"
        | "or"
        | "not"
        | "xor"
        | "like"
        | "ilike"
        | "is_null"
        | "is_not_null"
        | "is_nan"
        | "between"
        | "is_distinct_from"
        | "is_not_distinct_from"
        | "starts_with"
        | "ends_with"
        | "contains"
        | "is_true"
        | "is_false"
        | "is_not_true"
        | "is_not_false" => Some(DataKind::Bool),
        "count" | "count_star" | "row_number" | "rank" | "dense_rank" | "ntile" => {
            Some(DataKind::I64)
        }
        "avg" | "sum" | "min" | "max" | "add" | "subtract" | "multiply" | "divide" | "negate"
        | "abs" | "modulus" | "first_value" | "last_value" | "lag" | "lead" | "any_value" => {
            first_value
        }
        "substring" | "upper" | "lower" | "trim" | "ltrim" | "rtrim" | "concat" | "replace" => {
            first_value
        }
        "extract" | "date_part" | "char_length" | "strpos" => Some(DataKind::I64),
        _ => None,
    }
}
