//! Inferring each relation's output columns as Acero runs them: their Arrow types and
//! whether Acero declares them with a null type.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::arrow_type::{ArrowType, arithmetic, common_type, decimal, number};
use super::{MAX_PRECISION, NULL};
use crate::export::acero::{BOOLEAN_FUNCTIONS, called_name, field_index};

/// A relation's output column.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    /// Its Arrow type at run time, or why it cannot be told.
    pub(super) data_type: Result<ArrowType, String>,
    /// Whether Acero declares it with a null type: a projected call whose kernel computes
    /// its output type, or a reference to such a column.
    pub(super) null_declared: bool,
}

impl Column {
    pub(super) fn from_expression(typed: Result<(ArrowType, bool), String>) -> Self {
        match typed {
            Ok((data_type, null_declared)) => Column {
                data_type: Ok(data_type),
                null_declared,
            },
            Err(why) => Column {
                data_type: Err(why),
                null_declared: true,
            },
        }
    }
}

/// The values of a function's arguments (enum arguments, such as `extract`'s, left out).
pub(super) fn argument_values(function: &Value) -> Vec<&Value> {
    function
        .get("arguments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|argument| argument.get("value"))
        .collect()
}

/// The key expressions of an aggregate with at most one grouping set. DataFusion writes them
/// twice: in the grouping's `groupingExpressions` (which Acero reads) and, as spec 0.85
/// wants, in the aggregate's shared `groupingExpressions` the grouping's
/// `expressionReferences` index.
pub(super) fn key_expressions(aggregate: &Value) -> Result<Vec<&Value>, String> {
    let groupings = aggregate.get("groupings").and_then(Value::as_array);
    let grouping = match groupings.map(Vec::as_slice).unwrap_or_default() {
        [] => return Ok(Vec::new()),
        [grouping] => grouping,
        _ => return Err("several grouping sets".to_string()),
    };
    if let Some(keys) = grouping
        .get("groupingExpressions")
        .and_then(Value::as_array)
    {
        return Ok(keys.iter().collect());
    }
    let shared = aggregate
        .get("groupingExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    grouping
        .get("expressionReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|reference| {
            let index = reference.as_u64().unwrap_or(0) as usize;
            shared
                .get(index)
                .ok_or_else(|| "a grouping reference out of range".to_string())
        })
        .collect()
}

/// Infers the columns of relations and the types of expressions, as Acero runs them.
pub(super) struct Typer<'a> {
    pub(super) names: &'a BTreeMap<u64, String>,
}

impl Typer<'_> {
    /// A relation's output columns, after its emit; `Err` when not even their number can be
    /// told (a join over such an input would misplace the other side's columns).
    pub(super) fn relation(&self, rel: &Value) -> Result<Vec<Column>, String> {
        let (kind, body) = rel
            .as_object()
            .and_then(|object| object.iter().next())
            .ok_or_else(|| "not a relation".to_string())?;
        let input = |key: &str| {
            body.get(key)
                .ok_or_else(|| format!("{kind} without {key}"))
                .and_then(|input| self.relation(input))
        };
        let columns = match kind.as_str() {
            "read" => read_columns(body)?,
            "filter" | "sort" | "fetch" => input("input")?,
            "project" => {
                let mut columns = input("input")?;
                let expressions = body.get("expressions").and_then(Value::as_array);
                let computed: Vec<Column> = expressions
                    .into_iter()
                    .flatten()
                    .map(|expression| {
                        Column::from_expression(self.expression(expression, &columns))
                    })
                    .collect();
                columns.extend(computed);
                columns
            }
            "join" | "cross" => {
                let left = input("left")?;
                let right = input("right")?;
                match body.get("type").and_then(Value::as_str).unwrap_or_default() {
                    "JOIN_TYPE_LEFT_SEMI" | "JOIN_TYPE_LEFT_ANTI" => left,
                    "JOIN_TYPE_RIGHT_SEMI" | "JOIN_TYPE_RIGHT_ANTI" => right,
                    "JOIN_TYPE_LEFT_MARK" | "JOIN_TYPE_RIGHT_MARK" => {
                        return Err("a mark join".to_string());
                    }
                    _ => left.into_iter().chain(right).collect(),
                }
            }
            "aggregate" => self.aggregate(body)?,
            "set" => {
                // A union's first input: Acero's union requires every input to match it.
                let first = body
                    .get("inputs")
                    .and_then(Value::as_array)
                    .and_then(|inputs| inputs.first())
                    .ok_or_else(|| "a set without inputs".to_string())?;
                self.relation(first)?
            }
            _ => return Err(format!("relation {kind}")),
        };
        match body
            .pointer("/common/emit/outputMapping")
            .and_then(Value::as_array)
        {
            Some(mapping) => mapping
                .iter()
                .map(|index| {
                    let index = index.as_u64().unwrap_or(0) as usize;
                    columns
                        .get(index)
                        .cloned()
                        .ok_or_else(|| format!("{kind} emits column {index} of {}", columns.len()))
                })
                .collect(),
            None => Ok(columns),
        }
    }

    /// An aggregate's keys, then its measures.
    pub(super) fn aggregate(&self, body: &Value) -> Result<Vec<Column>, String> {
        let keys = key_expressions(body)?;
        // An input that cannot be typed makes every column read from it unknown.
        let input = body
            .get("input")
            .map(|input| self.relation(input))
            .and_then(Result::ok)
            .unwrap_or_default();
        let mut columns: Vec<Column> = keys
            .into_iter()
            .map(|key| Column::from_expression(self.expression(key, &input)))
            .collect();
        let measures = body.get("measures").and_then(Value::as_array);
        for measure in measures.into_iter().flatten() {
            let function = measure.get("measure").unwrap_or(&NULL);
            columns.push(Column {
                data_type: self.measure(function, &input),
                // Declared from the measure's `outputType`, never null.
                null_declared: false,
            });
        }
        Ok(columns)
    }

    /// Arrow's result type of an aggregate function.
    pub(super) fn measure(&self, function: &Value, input: &[Column]) -> Result<ArrowType, String> {
        let name = called_name(function, self.names)
            .ok_or_else(|| "a measure of an undeclared function".to_string())?;
        let distinct = function.get("invocation").and_then(Value::as_str)
            == Some("AGGREGATION_INVOCATION_DISTINCT");
        if name == "count" {
            return Ok(ArrowType::Int(64));
        }
        if distinct {
            return Err(format!("distinct {name}"));
        }
        let [argument] = argument_values(function)[..] else {
            return Err(format!("{name} without exactly one argument"));
        };
        let (argument, _) = self.expression(argument, input)?;
        match (name, argument) {
            ("min" | "max", _) => Ok(argument),
            ("sum", ArrowType::Decimal { scale, .. }) => Ok(ArrowType::Decimal {
                precision: MAX_PRECISION,
                scale,
            }),
            ("sum", ArrowType::Int(_)) => Ok(ArrowType::Int(64)),
            ("sum", ArrowType::Float32 | ArrowType::Float64) => Ok(ArrowType::Float64),
            // Arrow's mean of a decimal keeps its type (rounding to its scale).
            ("avg" | "mean", ArrowType::Decimal { .. }) => Ok(argument),
            ("avg" | "mean", ArrowType::Int(_) | ArrowType::Float32 | ArrowType::Float64) => {
                Ok(ArrowType::Float64)
            }
            _ => Err(format!("{name}({argument:?})")),
        }
    }

    /// An expression's Arrow type over `input`, and whether Acero declares it null when it is
    /// a projection's top-level expression.
    pub(super) fn expression(
        &self,
        expression: &Value,
        input: &[Column],
    ) -> Result<(ArrowType, bool), String> {
        if expression.get("selection").is_some() {
            let index = field_index(expression)
                .ok_or_else(|| "a reference that is not to an input column".to_string())?;
            let column = input
                .get(index)
                .ok_or_else(|| format!("a reference to column {index} of {}", input.len()))?;
            return Ok((column.data_type.clone()?, column.null_declared));
        }
        if let Some(literal) = expression.get("literal") {
            return Ok((literal_type(literal)?, false));
        }
        if let Some(cast) = expression.get("cast") {
            let target = ArrowType::from_substrait(cast.get("type").unwrap_or(&NULL))?;
            self.expression(cast.get("input").unwrap_or(&NULL), input)?;
            // Arrow's cast kernels take their output type from their options.
            return Ok((target, true));
        }
        if let Some(if_then) = expression.get("ifThen") {
            let otherwise = if_then
                .get("else")
                .ok_or_else(|| "ifThen without else".to_string())?;
            let clauses = if_then.get("ifs").and_then(Value::as_array);
            let mut values = Vec::new();
            for clause in clauses.into_iter().flatten() {
                values.push(self.value_type(clause.get("then").unwrap_or(&NULL), input)?);
            }
            values.push(self.value_type(otherwise, input)?);
            // Acero runs it as `case_when`, which computes its output type.
            return Ok((common_type(&values)?, true));
        }
        if expression.get("singularOrList").is_some() {
            return Ok((ArrowType::Boolean, false));
        }
        if let Some(call) = expression.get("scalarFunction") {
            return self.call(call, input);
        }
        let kind = expression
            .as_object()
            .and_then(|object| object.keys().next());
        Err(format!("expression {kind:?}"))
    }

    /// A `case_when` or `coalesce` value's type; `None` for a NULL of no type.
    pub(super) fn value_type(
        &self,
        value: &Value,
        input: &[Column],
    ) -> Result<Option<ArrowType>, String> {
        let untyped_null = value
            .pointer("/literal/null")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if untyped_null {
            return Ok(None);
        }
        Ok(Some(self.expression(value, input)?.0))
    }

    pub(super) fn call(&self, call: &Value, input: &[Column]) -> Result<(ArrowType, bool), String> {
        let name = called_name(call, self.names)
            .ok_or_else(|| "a call of an undeclared function".to_string())?;
        let arguments = argument_values(call);
        match name {
            "add" | "subtract" | "multiply" | "divide" => {
                let [left, right] = arguments[..] else {
                    return Err(format!("{name} without two arguments"));
                };
                let left = self.expression(left, input)?.0;
                let right = self.expression(right, input)?.0;
                let result = arithmetic(name, left, right)?;
                // Decimal kernels compute their output type; integer and float ones do not.
                Ok((result, result.is_decimal()))
            }
            // `year`, `month`, `day`: int64 kernels.
            "extract" => Ok((ArrowType::Int(64), false)),
            "coalesce" => {
                let values = arguments
                    .into_iter()
                    .map(|argument| self.value_type(argument, input))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((common_type(&values)?, true))
            }
            _ if BOOLEAN_FUNCTIONS.contains(&name) => Ok((ArrowType::Boolean, false)),
            _ => Err(format!("function {name}")),
        }
    }
}

/// A read's columns: its base schema, through its column mask if it still has one.
pub(super) fn read_columns(read: &Value) -> Result<Vec<Column>, String> {
    let types = read
        .pointer("/baseSchema/struct/types")
        .and_then(Value::as_array)
        .ok_or_else(|| "a read without a base schema".to_string())?;
    let columns: Vec<Column> = types
        .iter()
        .map(|t| Column {
            data_type: ArrowType::from_substrait(t),
            null_declared: false,
        })
        .collect();
    let Some(items) = read
        .pointer("/projection/select/structItems")
        .and_then(Value::as_array)
    else {
        return Ok(columns);
    };
    items
        .iter()
        .map(|item| {
            if item.get("child").is_some() {
                return Err("a read mask with a nested field".to_string());
            }
            let index = item.get("field").and_then(Value::as_u64).unwrap_or(0) as usize;
            columns
                .get(index)
                .cloned()
                .ok_or_else(|| format!("a read mask column {index} of {}", columns.len()))
        })
        .collect()
}

/// A literal's Arrow type.
pub(super) fn literal_type(literal: &Value) -> Result<ArrowType, String> {
    if number(literal, "typeVariationReference") != 0 {
        return Err("a literal with a type variation".to_string());
    }
    let simple = [
        ("boolean", ArrowType::Boolean),
        ("i8", ArrowType::Int(8)),
        ("i16", ArrowType::Int(16)),
        ("i32", ArrowType::Int(32)),
        ("i64", ArrowType::Int(64)),
        ("fp32", ArrowType::Float32),
        ("fp64", ArrowType::Float64),
        ("string", ArrowType::Utf8),
        ("binary", ArrowType::Binary),
        ("date", ArrowType::Date32),
    ];
    if let Some((_, t)) = simple.iter().find(|(key, _)| literal.get(*key).is_some()) {
        return Ok(*t);
    }
    if let Some(value) = literal.get("decimal") {
        return decimal(number(value, "precision"), number(value, "scale"));
    }
    if let Some(null) = literal.get("null") {
        return ArrowType::from_substrait(null);
    }
    Err("a literal of a kind not needed here".to_string())
}
