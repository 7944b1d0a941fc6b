//! The answer in the types the plan declares: DataFusion's consumer types a root column as
//! DataFusion's own functions return it (`avg` of `decimal(15, 2)` as `decimal(19, 6)`), where
//! the plan, following its extensions, declares another (`decimal(38, 2)`: Substrait's `avg`
//! keeps the argument's scale), or a `date + interval year` as a date where the plan declares
//! `precision_timestamp(6)`. A final projection casts each column whose declared numeric
//! family, decimal scale or date/timestamp kind differs, so every engine, native or
//! translated, answers in the plan's types. Differences that do not change a value's meaning
//! (integer width, string encoding, decimal precision alone, time unit) are left as they are.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::Column;
use datafusion::common::tree_node::TreeNode;
use datafusion::error::Result;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast};
use switchyard_producer::substrait::proto::Type;
use switchyard_producer::substrait::proto::r#type::Kind;

/// The Arrow type a declared numeric, date or timestamp Substrait type asks for.
#[allow(deprecated)] // older producers still write the deprecated timestamp kind
fn declared_arrow(ty: &Type) -> Option<DataType> {
    let unit = |precision: i32| match precision {
        0 => TimeUnit::Second,
        1..=3 => TimeUnit::Millisecond,
        4..=6 => TimeUnit::Microsecond,
        _ => TimeUnit::Nanosecond,
    };
    Some(match ty.kind.as_ref()? {
        Kind::Date(_) => DataType::Date32,
        Kind::Timestamp(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
        Kind::PrecisionTimestamp(t) => DataType::Timestamp(unit(t.precision), None),
        Kind::I8(_) => DataType::Int8,
        Kind::I16(_) => DataType::Int16,
        Kind::I32(_) => DataType::Int32,
        Kind::I64(_) => DataType::Int64,
        Kind::Fp32(_) => DataType::Float32,
        Kind::Fp64(_) => DataType::Float64,
        Kind::Decimal(d) => {
            DataType::Decimal128(u8::try_from(d.precision).ok()?, i8::try_from(d.scale).ok()?)
        }
        _ => return None,
    })
}

/// Whether `actual` means another thing than `declared`: another numeric family (integer,
/// decimal, floating point), another decimal scale, or a date where the plan declares a
/// timestamp (or the reverse).
fn differs_materially(actual: &DataType, declared: &DataType) -> bool {
    let family = |t: &DataType| {
        if t.is_integer() {
            Some(0)
        } else if t.is_decimal() {
            Some(1)
        } else if t.is_floating() {
            Some(2)
        } else if matches!(t, DataType::Date32 | DataType::Date64) {
            Some(3)
        } else if matches!(t, DataType::Timestamp(_, None)) {
            Some(4)
        } else {
            None
        }
    };
    let scale = |t: &DataType| match t {
        DataType::Decimal32(_, s)
        | DataType::Decimal64(_, s)
        | DataType::Decimal128(_, s)
        | DataType::Decimal256(_, s) => Some(*s),
        _ => None,
    };
    match (family(actual), family(declared)) {
        (Some(a), Some(d)) => a != d || scale(actual) != scale(declared),
        _ => false,
    }
}

/// `logical` with its output cast to `declared` where they differ materially; unchanged when
/// nothing differs or the widths disagree (the walk could not derive the whole output).
pub fn conform_to_declared(
    logical: LogicalPlan,
    declared: Option<&[Option<Type>]>,
) -> Result<LogicalPlan> {
    let Some(declared) = declared else {
        return Ok(logical);
    };
    let schema = logical.schema().clone();
    if schema.fields().len() != declared.len() || !aligned(&schema, declared) {
        return Ok(logical);
    }
    // The validating walk derives a grouping-set aggregate's output off by a column (open):
    // a cast there could change a value, so such plans keep DataFusion's types.
    let grouping_sets = logical
        .exists(|node| {
            Ok(matches!(node, LogicalPlan::Aggregate(aggregate)
                if matches!(aggregate.group_expr.first(), Some(Expr::GroupingSet(_)))))
        })
        .unwrap_or(true);
    if grouping_sets {
        return Ok(logical);
    }
    let targets: Vec<Option<DataType>> = schema
        .fields()
        .iter()
        .zip(declared)
        .map(|(field, ty)| {
            ty.as_ref()
                .and_then(declared_arrow)
                .filter(|target| differs_materially(field.data_type(), target))
        })
        .collect();
    if targets.iter().all(Option::is_none) {
        return Ok(logical);
    }
    cast_outputs(logical, &targets)
}

/// A value's broad kind, for telling a declaration that is off by a column from one that
/// differs only in representation.
fn kind_of_arrow(t: &DataType) -> Option<u8> {
    Some(match t {
        t if t.is_integer() => 0,
        t if t.is_decimal() => 1,
        t if t.is_floating() => 2,
        DataType::Date32 | DataType::Date64 => 3,
        DataType::Timestamp(..) => 4,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => 5,
        DataType::Boolean => 6,
        _ => return None,
    })
}

#[allow(deprecated)] // older producers still write the deprecated kinds
fn kind_of_declared(ty: &Type) -> Option<u8> {
    Some(match ty.kind.as_ref()? {
        Kind::I8(_) | Kind::I16(_) | Kind::I32(_) | Kind::I64(_) => 0,
        Kind::Decimal(_) => 1,
        Kind::Fp32(_) | Kind::Fp64(_) => 2,
        Kind::Date(_) => 3,
        Kind::Timestamp(_) | Kind::PrecisionTimestamp(_) => 4,
        Kind::String(_) | Kind::Varchar(_) | Kind::FixedChar(_) => 5,
        Kind::Bool(_) => 6,
        _ => return None,
    })
}

/// Whether the declaration lines up with the consumed plan's columns: every column whose kinds
/// are both known is of the same kind or of kinds a cast converts exactly in meaning (numbers,
/// or a date and a timestamp). A text column declared as a number means the derived output
/// does not describe these columns (the walk's grouping-set output, for one), and then nothing
/// is cast: a cast would change the answer, not its type.
fn aligned(schema: &datafusion::common::DFSchema, declared: &[Option<Type>]) -> bool {
    schema.fields().iter().zip(declared).all(|(field, ty)| {
        match (
            kind_of_arrow(field.data_type()),
            ty.as_ref().and_then(kind_of_declared),
        ) {
            (Some(a), Some(d)) => {
                a == d || (a <= 2 && d <= 2) || ((3..=4).contains(&a) && (3..=4).contains(&d))
            }
            _ => true,
        }
    })
}

/// Casts output column `i` of `plan` to `targets[i]` where one is given.
///
/// The casts go as deep as the root's order-keeping nodes allow: through its sort and limit
/// (same columns) and through a projection that only names its input's columns, so they run
/// before the order-preserving merge, as the SQL's own projection does; above it, DataFusion
/// would repartition the sorted rows to compute them.
fn cast_outputs(plan: LogicalPlan, targets: &[Option<DataType>]) -> Result<LogicalPlan> {
    match &plan {
        LogicalPlan::Sort(_) | LogicalPlan::Limit(_) => {
            let input = only_input(&plan);
            let input = cast_outputs(input, targets)?;
            let expressions = plan.expressions();
            return plan.with_new_exprs(expressions, vec![input]);
        }
        LogicalPlan::Projection(projection) => {
            let input_schema = projection.input.schema();
            let mut input_targets = vec![None; input_schema.fields().len()];
            let mut all_columns = true;
            for (expr, target) in projection.expr.iter().zip(targets) {
                let Some(target) = target else { continue };
                let column = match expr {
                    Expr::Column(column) => Some(column),
                    Expr::Alias(alias) => match alias.expr.as_ref() {
                        Expr::Column(column) => Some(column),
                        _ => None,
                    },
                    _ => None,
                };
                match column.and_then(|c| input_schema.index_of_column(c).ok()) {
                    Some(index) => input_targets[index] = Some(target.clone()),
                    None => all_columns = false,
                }
            }
            if all_columns {
                let input = cast_outputs(only_input(&plan), &input_targets)?;
                let expressions = plan.expressions();
                return plan.with_new_exprs(expressions, vec![input]);
            }
        }
        _ => {}
    }
    let schema = plan.schema().clone();
    let columns: Vec<Expr> = schema
        .iter()
        .zip(targets)
        .map(|((qualifier, field), target)| {
            let column = Expr::Column(Column::new(qualifier.cloned(), field.name()));
            match target {
                Some(target) => {
                    cast(column, target.clone()).alias_qualified(qualifier.cloned(), field.name())
                }
                None => column,
            }
        })
        .collect();
    LogicalPlanBuilder::from(plan).project(columns)?.build()
}

/// The one input of a sort, limit or projection.
fn only_input(plan: &LogicalPlan) -> LogicalPlan {
    plan.inputs()
        .first()
        .map(|input| (*input).clone())
        .unwrap_or_else(|| plan.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numeric_family_and_decimal_scale_count() {
        let d = |p, s| DataType::Decimal128(p, s);
        assert!(differs_materially(&d(19, 6), &d(38, 2)));
        assert!(!differs_materially(&d(19, 2), &d(38, 2)));
        assert!(differs_materially(&DataType::Int64, &d(38, 0)));
        assert!(differs_materially(&DataType::Float64, &d(38, 2)));
        assert!(!differs_materially(&DataType::Int32, &DataType::Int64));
        assert!(!differs_materially(&DataType::Utf8View, &DataType::Utf8));
        let micros = DataType::Timestamp(TimeUnit::Microsecond, None);
        assert!(differs_materially(&DataType::Date32, &micros));
        assert!(!differs_materially(
            &DataType::Timestamp(TimeUnit::Nanosecond, None),
            &micros
        ));
    }
}
