//! The walk on hand-made plans: schemas after emit, references that do and do not resolve.

use datafusion_substrait::substrait::proto::Plan;

use super::{PlanVisitor, RelEvent, ResolveOnly, walk_plan};

fn plan(json: &str) -> Plan {
    serde_json::from_str(json).expect("a Substrait JSON plan")
}

/// `read` of table `t` with columns a: i64, b: string, c: i32.
const READ_T: &str = r#"{ "read": {
    "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [
        { "i64": { "nullability": "NULLABILITY_REQUIRED" } },
        { "string": { "nullability": "NULLABILITY_NULLABLE" } },
        { "i32": { "nullability": "NULLABILITY_NULLABLE" } }
    ] } },
    "namedTable": { "names": ["t"] }
} }"#;

fn field(index: u32) -> String {
    format!(
        r#"{{ "selection": {{ "directReference": {{ "structField": {{ "field": {index} }} }}, "rootReference": {{}} }} }}"#
    )
}

fn outer_field(index: u32, steps_out: u32) -> String {
    format!(
        r#"{{ "selection": {{ "directReference": {{ "structField": {{ "field": {index} }} }}, "outerReference": {{ "stepsOut": {steps_out} }} }} }}"#
    )
}

fn root(input: &str, names: &str) -> Plan {
    plan(&format!(
        r#"{{ "relations": [{{ "root": {{ "input": {input}, "names": {names} }} }}] }}"#
    ))
}

fn problems(plan: &Plan) -> Vec<String> {
    walk_plan(plan, &mut ResolveOnly)
        .problems
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_projection_with_emit_outputs_what_it_emits() {
    let input = format!(
        r#"{{ "project": {{ "common": {{ "emit": {{ "outputMapping": [3, 0] }} }}, "input": {READ_T}, "expressions": [{}] }} }}"#,
        field(2)
    );
    let plan = root(&input, r#"["c2", "a"]"#);
    let outcome = walk_plan(&plan, &mut ResolveOnly);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let schema = outcome.root_schema.expect("a root");
    assert_eq!(schema.width(), 2);
    assert!(schema.complete);
}

#[test]
fn references_past_the_input_are_problems_with_their_path() {
    let input = format!(
        r#"{{ "filter": {{ "input": {READ_T}, "condition": {} }} }}"#,
        field(3)
    );
    let found = problems(&root(&input, r#"["a", "b", "c"]"#));
    assert_eq!(
        found,
        ["filter/condition: references field 3, but its input has 3 columns"]
    );
}

#[test]
fn emit_past_the_columns_is_a_problem() {
    let input = format!(
        r#"{{ "filter": {{ "common": {{ "emit": {{ "outputMapping": [0, 7] }} }}, "input": {READ_T}, "condition": {} }} }}"#,
        field(0)
    );
    let found = problems(&root(&input, r#"["a", "b"]"#));
    assert_eq!(
        found,
        ["filter/emit[1]: emits field 7, but the relation has 3 columns before emit"]
    );
}

#[test]
fn root_names_must_match_the_output() {
    let found = problems(&root(READ_T, r#"["a", "b"]"#));
    assert_eq!(
        found,
        ["root: the root names 2 columns, but its input outputs 3 (counting nested struct fields)"]
    );
}

#[test]
fn a_join_condition_sees_both_sides_and_semi_joins_one() {
    let join = |join_type: &str, reference: u32| {
        format!(
            r#"{{ "join": {{ "left": {READ_T}, "right": {READ_T}, "type": "{join_type}", "expression": {} }} }}"#,
            field(reference)
        )
    };
    let inner = root(&join("JOIN_TYPE_INNER", 5), r#"["a","b","c","d","e","f"]"#);
    assert_eq!(problems(&inner), Vec::<String>::new());
    let semi = root(&join("JOIN_TYPE_LEFT_SEMI", 5), r#"["a","b","c"]"#);
    assert_eq!(problems(&semi), Vec::<String>::new());
    let past = root(&join("JOIN_TYPE_INNER", 6), r#"["a","b","c","d","e","f"]"#);
    assert_eq!(
        problems(&past),
        ["join/expression: references field 6, but its input has 6 columns"]
    );
}

/// A filter whose condition is `EXISTS (select from t where <inner>)`, nested `levels`
/// subqueries deep, the innermost comparing its own column 0 with `outer`.
fn nested_exists(levels: usize, outer: &str) -> Plan {
    let mut relation = format!(
        r#"{{ "filter": {{ "input": {READ_T}, "condition": {{ "singularOrList": {{ "value": {}, "options": [{outer}] }} }} }} }}"#,
        field(0)
    );
    for _ in 1..levels {
        relation = format!(
            r#"{{ "filter": {{ "input": {READ_T}, "condition": {{ "subquery": {{ "setPredicate": {{ "predicateOp": "PREDICATE_OP_EXISTS", "tuples": {relation} }} }} }} }} }}"#
        );
    }
    let input = format!(
        r#"{{ "filter": {{ "input": {READ_T}, "condition": {{ "subquery": {{ "setPredicate": {{ "predicateOp": "PREDICATE_OP_EXISTS", "tuples": {relation} }} }} }} }} }}"#
    );
    root(&input, r#"["a", "b", "c"]"#)
}

#[test]
fn outer_references_resolve_by_steps_out() {
    for levels in 1..=3 {
        for steps in 1..=levels {
            let plan = nested_exists(levels, &outer_field(2, steps as u32));
            assert_eq!(problems(&plan), Vec::<String>::new(), "{levels} {steps}");
        }
        let too_far = nested_exists(levels, &outer_field(2, levels as u32 + 1));
        let found = problems(&too_far);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains(&format!(
                "an outer reference steps out {} queries, but it is nested in {levels}",
                levels + 1
            )),
            "{found:?}"
        );
        let past = nested_exists(levels, &outer_field(3, 1));
        assert!(
            problems(&past)[0]
                .contains("references field 3, but its enclosing query's input has 3 columns"),
            "{:?}",
            problems(&past)
        );
    }
}

#[test]
fn grouping_sets_add_an_i32_grouping_column() {
    let input = format!(
        r#"{{ "aggregate": {{ "input": {READ_T}, "groupingExpressions": [{}, {}],
            "groupings": [{{ "expressionReferences": [0, 1] }}, {{ "expressionReferences": [0] }}, {{ "expressionReferences": [] }}] }} }}"#,
        field(0),
        field(1)
    );
    let plan = root(&input, r#"["a", "b", "g"]"#);
    let outcome = walk_plan(&plan, &mut ResolveOnly);
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert_eq!(outcome.root_schema.expect("root").width(), 3);

    let bad = format!(
        r#"{{ "aggregate": {{ "input": {READ_T}, "groupingExpressions": [{}],
            "groupings": [{{ "expressionReferences": [0, 1] }}] }} }}"#,
        field(0)
    );
    let found = problems(&root(&bad, r#"["a"]"#));
    assert_eq!(
        found,
        [
            "aggregate/groupings[0]/expression_references[1]: references grouping expression 1, but the aggregate lists 1"
        ]
    );
}

/// Records the relations entered, with depth and subquery holder.
#[derive(Default)]
struct Relations(Vec<(String, usize, Option<usize>)>);

impl PlanVisitor for Relations {
    fn enter_rel(&mut self, rel: &RelEvent<'_>) {
        self.0
            .push((rel.path.to_string(), rel.depth, rel.subquery_of));
    }
}

#[test]
fn subquery_relations_nest_below_their_holder() {
    let plan = nested_exists(2, &outer_field(0, 1));
    let mut relations = Relations::default();
    walk_plan(&plan, &mut relations);
    let paths: Vec<_> = relations
        .0
        .iter()
        .map(|(p, d, s)| (p.as_str(), *d, *s))
        .collect();
    assert_eq!(
        paths,
        [
            ("filter", 1, None),
            ("filter/read(t)", 2, None),
            ("filter/condition/subquery:filter", 2, Some(0)),
            ("filter/condition/subquery:filter/read(t)", 3, None),
            (
                "filter/condition/subquery:filter/condition/subquery:filter",
                3,
                Some(2)
            ),
            (
                "filter/condition/subquery:filter/condition/subquery:filter/read(t)",
                4,
                None
            ),
        ]
    );
}

#[test]
fn datafusions_simple_case_reads_its_first_clause_as_the_match_value() {
    let literal = |n: i64| format!(r#"{{ "literal": {{ "i64": "{n}" }} }}"#);
    let simple_case = format!(
        r#"{{ "ifThen": {{ "ifs": [{{ "if": {} }}, {{ "if": {}, "then": {} }}], "else": {} }} }}"#,
        field(2),
        literal(0),
        literal(10),
        literal(20)
    );
    let input = format!(
        r#"{{ "project": {{ "common": {{ "emit": {{ "outputMapping": [3] }} }}, "input": {READ_T}, "expressions": [{simple_case}] }} }}"#
    );
    assert_eq!(problems(&root(&input, r#"["r"]"#)), Vec::<String>::new());

    let no_result = format!(r#"{{ "ifThen": {{ "ifs": [{{ "if": {} }}] }} }}"#, field(2));
    let input = format!(
        r#"{{ "project": {{ "common": {{ "emit": {{ "outputMapping": [3] }} }}, "input": {READ_T}, "expressions": [{no_result}] }} }}"#
    );
    assert_eq!(
        problems(&root(&input, r#"["r"]"#)),
        ["project/expressions[0]/ifs[0]: the clause has no result"]
    );
}
