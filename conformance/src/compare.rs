//! Comparing a result with its reference: same columns of the kinds the plan declares, same
//! rows, floats within a relative tolerance, ±inf equal only to itself, and decimals compared
//! at the scale the plan declares (exactly, unless the reference is inexact there).

use std::cmp::Ordering;
use std::fmt;

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::LogicalPlan;

use crate::column_kind::ColumnKind;

/// The relative tolerance for floating-point and decimal values.
pub const DEFAULT_RELATIVE_TOLERANCE: f64 = 1e-9;

/// One value, normalized so engines' type choices (Utf8 vs Utf8View, decimal scales) do not
/// matter, only the value.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Cell {
    fn total_cmp(&self, other: &Self) -> Ordering {
        use Cell::*;
        match (self, other) {
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Less,
            (_, Null) => Ordering::Greater,
            (Int(a), Int(b)) => a.cmp(b),
            (Float(a), Float(b)) => a.total_cmp(b),
            (Int(a), Float(b)) => (*a as f64).total_cmp(b),
            (Float(a), Int(b)) => a.total_cmp(&(*b as f64)),
            (Text(a), Text(b)) => a.cmp(b),
            (Text(_), _) => Ordering::Greater,
            (_, Text(_)) => Ordering::Less,
        }
    }

    /// Whether two values agree: within `tolerance` relative to the larger, or within
    /// `rounding` (absolute) when a side is a decimal that rounded the exact value.
    fn matches(&self, other: &Self, tolerance: f64, rounding: f64) -> bool {
        use Cell::*;
        let close = |a: f64, b: f64| {
            if a.is_infinite() || b.is_infinite() {
                // inf - x is inf, within any relative tolerance of inf: compare exactly.
                return a == b;
            }
            a == b
                || (a - b).abs() <= tolerance * a.abs().max(b.abs())
                || (a - b).abs() <= rounding
                || (a.is_nan() && b.is_nan())
        };
        match (self, other) {
            (Float(a), Float(b)) => close(*a, *b),
            (Int(a), Float(b)) | (Float(b), Int(a)) => close(*a as f64, *b),
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => f.write_str("NULL"),
            Cell::Int(v) => write!(f, "{v}"),
            Cell::Float(v) => write!(f, "{v}"),
            Cell::Text(v) => write!(f, "{v:?}"),
        }
    }
}

/// A result as rows of normalized cells, with its column names.
#[derive(Debug, Clone)]
pub struct ResultRows {
    columns: Vec<String>,
    /// Each column's kind (`None` for kinds not compared).
    kinds: Vec<Option<ColumnKind>>,
    rows: Vec<Vec<Cell>>,
}

impl ResultRows {
    /// Normalizes record batches (all with the same schema).
    pub fn from_batches(batches: &[RecordBatch]) -> Result<Self, String> {
        let columns = batches
            .first()
            .map(|b| {
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect()
            })
            .unwrap_or_default();
        let kinds = batches
            .first()
            .map(|b| {
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| ColumnKind::of_arrow(f.data_type()))
                    .collect()
            })
            .unwrap_or_default();
        let mut rows = Vec::new();
        for batch in batches {
            let normalized: Vec<Vec<Cell>> = batch
                .columns()
                .iter()
                .map(column_cells)
                .collect::<Result<_, _>>()?;
            for row in 0..batch.num_rows() {
                rows.push(normalized.iter().map(|col| col[row].clone()).collect());
            }
        }
        Ok(Self {
            columns,
            kinds,
            rows,
        })
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Why this answer, as a reference, proves nothing: it has no rows (any engine that
    /// returns nothing agrees) or only NULLs (so does one that computes nothing).
    pub fn proves_nothing(&self) -> Option<&'static str> {
        if self.rows.is_empty() {
            Some("the reference answer has no rows")
        } else if self.rows.iter().flatten().all(|cell| *cell == Cell::Null) {
            Some("the reference answer holds only NULLs")
        } else {
            None
        }
    }

    fn sorted(mut self) -> Self {
        self.rows.sort_by(|a, b| {
            a.iter()
                .zip(b)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        self
    }
}

/// Just under one unit in the last place at `scale`.
fn unit(scale: i8) -> f64 {
    10f64.powi(-i32::from(scale)) * (1.0 - 1e-6)
}

/// How far a value may be from its reference because one side rounded.
///
/// `declared` is the scale the plan declares for the column (or, with no declaration, the
/// scale the engine returned). Against a reference that is exact at that scale (an integer, or
/// a decimal of that scale or coarser) nothing is forgiven. Against an inexact one (a double,
/// or a finer decimal) the engine's value is that reference rounded or truncated to the
/// declared scale (DataFusion truncates a decimal quotient, DuckDB rounds), so it may be
/// just under one unit of the declared scale away. When the engine returns a double and the
/// reference is a decimal, the reference is the rounded side: one unit of its scale.
fn rounding_allowance(
    expected: Option<ColumnKind>,
    actual: Option<ColumnKind>,
    declared: Option<i8>,
) -> f64 {
    let mut allowance: f64 = 0.0;
    if let Some(declared) = declared {
        let reference_inexact = match expected {
            Some(ColumnKind::Float) => true,
            Some(ColumnKind::Decimal(scale)) => scale > declared,
            _ => false,
        };
        if reference_inexact {
            allowance = unit(declared);
        }
    }
    if let (Some(ColumnKind::Decimal(scale)), Some(ColumnKind::Float)) = (expected, actual) {
        allowance = allowance.max(unit(scale));
    }
    allowance
}

fn column_cells(array: &ArrayRef) -> Result<Vec<Cell>, String> {
    let cast_to = |to: &DataType| {
        cast(array, to).map_err(|e| format!("cannot normalize {}: {e}", array.data_type()))
    };
    let data_type = array.data_type();
    if data_type.is_integer() {
        let ints = cast_to(&DataType::Int64)?;
        let ints = downcast::<Int64Array>(&ints)?;
        return Ok(ints
            .iter()
            .map(|v| v.map_or(Cell::Null, Cell::Int))
            .collect());
    }
    if data_type.is_floating() || data_type.is_decimal() {
        let floats = cast_to(&DataType::Float64)?;
        let floats = downcast::<Float64Array>(&floats)?;
        return Ok(floats
            .iter()
            .map(|v| v.map_or(Cell::Null, Cell::Float))
            .collect());
    }
    // A date is the midnight that starts it: engines (and the reference) that answer a
    // timestamp where another answers a date agree on the value; whether the column has the
    // declared kind is the kind check's business.
    if matches!(data_type, DataType::Date32 | DataType::Date64) {
        let midnights = cast_to(&DataType::Timestamp(TimeUnit::Microsecond, None))?;
        return column_cells(&midnights);
    }
    let texts = cast_to(&DataType::Utf8)?;
    let texts = downcast::<StringArray>(&texts)?;
    Ok(texts
        .iter()
        .map(|v| v.map_or(Cell::Null, |s| Cell::Text(s.to_string())))
        .collect())
}

fn downcast<T: 'static>(array: &ArrayRef) -> Result<&T, String> {
    array
        .as_any()
        .downcast_ref::<T>()
        .ok_or_else(|| format!("cast produced {} unexpectedly", array.data_type()))
}

/// Whether row order is part of the answer: the plan's output comes from a sort (through
/// projections, limits and aliases).
pub fn plan_is_ordered(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Sort(_) => true,
        LogicalPlan::Projection(p) => plan_is_ordered(&p.input),
        LogicalPlan::Limit(l) => plan_is_ordered(&l.input),
        LogicalPlan::SubqueryAlias(a) => plan_is_ordered(&a.input),
        _ => false,
    }
}

/// Compares `actual` with `expected`; `Err` says where they first differ.
///
/// With `ordered`, rows must come in the same order; otherwise both sides are sorted first.
pub fn compare_results(
    expected: &[RecordBatch],
    actual: &[RecordBatch],
    ordered: bool,
    tolerance: f64,
) -> Result<(), String> {
    compare_results_with(expected, actual, ordered, tolerance, ColumnNames::Exact)
}

/// How result column names are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnNames {
    /// Names must be equal: the plan was made from the same SQL by Switchyard.
    Exact,
    /// Names chosen by another producer: equal ignoring ASCII case (Calcite upper-cases
    /// identifiers), and a column the SQL leaves unnamed (its expected name is an expression,
    /// such as `sum(lineitem.l_quantity)`) may have any name.
    ProducerChosen,
    /// Names are not compared, only how many columns there are: the answer was computed from
    /// SQL whose output names the producer did not keep (DuckDB 1.1.3 names a set
    /// operation's columns after its last input).
    Positional,
}

impl ColumnNames {
    fn agree(self, expected: &[String], actual: &[String]) -> bool {
        match self {
            ColumnNames::Exact => expected == actual,
            ColumnNames::ProducerChosen => {
                expected.len() == actual.len()
                    && expected.iter().zip(actual).all(|(expected, actual)| {
                        let plain = expected.chars().all(|c| c.is_alphanumeric() || c == '_');
                        !plain || expected.eq_ignore_ascii_case(actual)
                    })
            }
            ColumnNames::Positional => expected.len() == actual.len(),
        }
    }
}

/// [`compare_results`] with a choice of how column names are compared.
pub fn compare_results_with(
    expected: &[RecordBatch],
    actual: &[RecordBatch],
    ordered: bool,
    tolerance: f64,
    names: ColumnNames,
) -> Result<(), String> {
    compare_answers(
        expected,
        actual,
        &Comparison {
            ordered,
            tolerance,
            names,
            declared: None,
        },
    )
}

/// How an answer is compared with its reference.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Whether row order is part of the answer.
    pub ordered: bool,
    /// The relative tolerance for floating-point values.
    pub tolerance: f64,
    /// How column names are compared.
    pub names: ColumnNames,
    /// The kinds the plan declares for its output columns
    /// ([`ColumnKind::of_declared`] of `ValidatedPlan::output_types`). With them, each of the
    /// engine's columns must be of its declared kind (a decimal at its declared scale) and
    /// decimals are compared at that scale; without them, each must be of the reference's
    /// kind (any decimal scale).
    pub declared: Option<Vec<Option<ColumnKind>>>,
}

/// Compares `actual` with the reference `expected`; `Err` says where they first differ.
pub fn compare_answers(
    expected: &[RecordBatch],
    actual: &[RecordBatch],
    comparison: &Comparison,
) -> Result<(), String> {
    let Comparison {
        ordered,
        tolerance,
        names,
        ref declared,
    } = *comparison;
    let expected = ResultRows::from_batches(expected)?;
    let actual = ResultRows::from_batches(actual)?;
    if !expected.columns.is_empty()
        && !actual.columns.is_empty()
        && !names.agree(&expected.columns, &actual.columns)
    {
        return Err(format!(
            "columns differ: expected {:?}, got {:?}",
            expected.columns, actual.columns
        ));
    }
    // A declaration that cannot describe the engine's columns (another width, text where a
    // number is returned) was derived for other columns; the reference's kinds are used then.
    let declared = declared.as_deref().filter(|declared| {
        declared.len() == actual.kinds.len()
            && declared.iter().zip(&actual.kinds).all(|pair| match pair {
                (Some(want), Some(got)) => want.could_describe(*got),
                _ => true,
            })
    });
    check_kinds(&expected, &actual, declared)?;
    if expected.len() != actual.len() {
        return Err(format!(
            "expected {} rows, got {}",
            expected.len(),
            actual.len()
        ));
    }
    let (expected, actual) = if ordered {
        (expected, actual)
    } else {
        (expected.sorted(), actual.sorted())
    };
    for (index, (want, got)) in expected.rows.iter().zip(&actual.rows).enumerate() {
        if want.len() != got.len() {
            return Err(format!(
                "row {index}: expected {} columns, got {}",
                want.len(),
                got.len()
            ));
        }
        for (column, (w, g)) in want.iter().zip(got).enumerate() {
            let actual_kind = actual.kinds.get(column).copied().flatten();
            let declared_scale = declared
                .and_then(|d| d.get(column).copied().flatten())
                .or(actual_kind)
                .and_then(ColumnKind::scale);
            let expected_kind = expected.kinds.get(column).copied().flatten();
            let mut rounding = rounding_allowance(expected_kind, actual_kind, declared_scale);
            // With no declaration neither side's scale is known to be right: two decimals may
            // differ by the coarser one's last unit (one engine truncated there).
            if declared.is_none()
                && let (Some(ColumnKind::Decimal(a)), Some(ColumnKind::Decimal(b))) =
                    (expected_kind, actual_kind)
            {
                rounding = rounding.max(unit(a.min(b)));
            }
            if !w.matches(g, tolerance, rounding) {
                let name = expected.columns.get(column).map_or("?", String::as_str);
                return Err(format!("row {index}, column {name}: expected {w}, got {g}"));
            }
        }
    }
    Ok(())
}

/// Holds each of the engine's columns to the kind the plan declares for it, or, with no
/// declaration, to the reference's kind (a decimal of any scale for a decimal).
fn check_kinds(
    expected: &ResultRows,
    actual: &ResultRows,
    declared: Option<&[Option<ColumnKind>]>,
) -> Result<(), String> {
    // An answer with no batches has no schema to check.
    if actual.columns.is_empty() {
        return Ok(());
    }
    for (column, got) in actual.kinds.iter().enumerate() {
        let Some(got) = *got else { continue };
        let name = actual.columns.get(column).map_or("?", String::as_str);
        match declared {
            Some(declared) => {
                if let Some(Some(want)) = declared.get(column)
                    && *want != got
                {
                    return Err(format!(
                        "column {name}: the plan declares {want}, the engine returned {got}"
                    ));
                }
            }
            None => {
                if let Some(Some(want)) = expected.kinds.get(column)
                    && !want.same_family(got)
                {
                    return Err(format!(
                        "column {name}: the reference is {want}, the engine returned {got}"
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Decimal128Array, StringViewArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use std::sync::Arc;

    fn batch(names: &[&str], values: &[f64]) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Utf8View, false),
            Field::new("v", DataType::Float64, false),
        ]));
        RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringViewArray::from(names.to_vec())),
                Arc::new(Float64Array::from(values.to_vec())),
            ],
        )
        .expect("valid batch")
    }

    #[test]
    fn order_matters_only_when_asked() {
        let a = batch(&["x", "y"], &[1.0, 2.0]);
        let b = batch(&["y", "x"], &[2.0, 1.0]);
        assert!(
            compare_results(
                std::slice::from_ref(&a),
                std::slice::from_ref(&b),
                false,
                1e-9
            )
            .is_ok()
        );
        let err = compare_results(&[a], &[b], true, 1e-9).expect_err("order differs");
        assert!(err.contains("row 0"), "{err}");
    }

    #[test]
    fn floats_within_tolerance_and_no_further() {
        let a = batch(&["x"], &[1000.0]);
        assert!(
            compare_results(
                std::slice::from_ref(&a),
                &[batch(&["x"], &[1_000.000_000_1])],
                true,
                1e-9
            )
            .is_ok()
        );
        assert!(compare_results(&[a], &[batch(&["x"], &[1000.1])], true, 1e-9).is_err());
    }

    #[test]
    fn decimals_compare_by_value_whatever_the_scale() {
        let schema = |scale| {
            Arc::new(Schema::new(vec![Field::new(
                "d",
                DataType::Decimal128(20, scale),
                false,
            )]))
        };
        let two_places = RecordBatch::try_new(
            schema(2),
            vec![Arc::new(
                Decimal128Array::from(vec![12345])
                    .with_precision_and_scale(20, 2)
                    .expect("valid"),
            )],
        )
        .expect("valid batch");
        let four_places = RecordBatch::try_new(
            schema(4),
            vec![Arc::new(
                Decimal128Array::from(vec![1234500])
                    .with_precision_and_scale(20, 4)
                    .expect("valid"),
            )],
        )
        .expect("valid batch");
        assert!(compare_results(&[two_places], &[four_places], true, 1e-9).is_ok());
    }

    fn one_column(data_type: DataType, column: ArrayRef) -> RecordBatch {
        RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("d", data_type, false)])),
            vec![column],
        )
        .expect("valid batch")
    }

    fn decimal(units: i128) -> RecordBatch {
        one_column(
            DataType::Decimal128(38, 8),
            Arc::new(
                Decimal128Array::from(vec![units])
                    .with_precision_and_scale(38, 8)
                    .expect("valid"),
            ),
        )
    }

    fn double(value: f64) -> RecordBatch {
        one_column(DataType::Float64, Arc::new(Float64Array::from(vec![value])))
    }

    /// Compares with the plan declaring `declared` for the one column.
    fn against(
        reference: &RecordBatch,
        answer: &RecordBatch,
        declared: ColumnKind,
    ) -> Result<(), String> {
        compare_answers(
            std::slice::from_ref(reference),
            std::slice::from_ref(answer),
            &Comparison {
                ordered: true,
                tolerance: 1e-9,
                names: ColumnNames::Exact,
                declared: Some(vec![Some(declared)]),
            },
        )
    }

    #[test]
    fn a_decimal_matches_an_inexact_reference_within_one_unit_of_its_declared_scale() {
        // TPC-H q8: the reference (DuckDB) divides decimals into a double, the plan declares
        // decimal(38, 8) and the engine truncates or rounds to it.
        let reference = double(0.028_648_741_305_617_557);
        assert!(against(&reference, &decimal(2_864_874), ColumnKind::Decimal(8)).is_ok());
        assert!(
            against(
                &double(0.028_648_749_9),
                &decimal(2_864_874),
                ColumnKind::Decimal(8)
            )
            .is_ok()
        );
        let err = against(
            &double(0.028_648_76),
            &decimal(2_864_874),
            ColumnKind::Decimal(8),
        )
        .expect_err("two units off");
        assert!(err.contains("expected 0.02864876"), "{err}");
    }

    #[test]
    fn a_double_matches_a_decimal_reference_within_one_unit_of_the_reference_scale() {
        // A foreign plan that declares a double where the SQL's answer is decimal(38, 8): the
        // reference is the rounded side.
        let reference = decimal(2_864_874);
        assert!(against(&reference, &double(0.028_648_741_3), ColumnKind::Float).is_ok());
        assert!(against(&reference, &double(0.028_648_76), ColumnKind::Float).is_err());
    }

    #[test]
    fn decimals_of_the_declared_scale_are_compared_exactly() {
        assert!(
            against(
                &decimal(2_864_874),
                &decimal(2_864_875),
                ColumnKind::Decimal(8)
            )
            .is_err()
        );
        // No forgiveness at a coarser scale: a reference at scale 2 held to scale 8 is exact.
        let coarse = one_column(
            DataType::Decimal128(38, 2),
            Arc::new(
                Decimal128Array::from(vec![3])
                    .with_precision_and_scale(38, 2)
                    .expect("valid"),
            ),
        );
        assert!(against(&coarse, &decimal(3_000_000), ColumnKind::Decimal(8)).is_ok());
        assert!(against(&coarse, &decimal(3_000_001), ColumnKind::Decimal(8)).is_err());
        // Two doubles keep the relative tolerance only.
        assert!(
            against(
                &double(0.028_648_74),
                &double(0.028_648_741_3),
                ColumnKind::Float
            )
            .is_err()
        );
    }

    #[test]
    fn the_engine_must_return_the_kind_and_scale_the_plan_declares() {
        let integer = one_column(DataType::Int64, Arc::new(Int64Array::from(vec![3])));
        let three = one_column(
            DataType::Decimal128(38, 2),
            Arc::new(
                Decimal128Array::from(vec![300])
                    .with_precision_and_scale(38, 2)
                    .expect("valid"),
            ),
        );
        let err =
            against(&three, &integer, ColumnKind::Decimal(2)).expect_err("integer for decimal");
        assert!(
            err.contains("declares decimal(_, 2), the engine returned integer"),
            "{err}"
        );
        let err = against(&three, &three, ColumnKind::Decimal(4)).expect_err("scale differs");
        assert!(err.contains("declares decimal(_, 4)"), "{err}");
        // Without a declaration, the reference's kind family: text for a number differs.
        let text = one_column(
            DataType::Utf8,
            Arc::new(datafusion::arrow::array::StringArray::from(vec!["3.00"])),
        );
        let err = compare_results(&[three], &[text], true, 1e-9).expect_err("kind");
        assert!(
            err.contains("the reference is decimal(_, 2), the engine returned text"),
            "{err}"
        );
    }

    #[test]
    fn infinity_equals_only_itself() {
        assert!(
            compare_results(
                &[double(f64::INFINITY)],
                &[double(f64::INFINITY)],
                true,
                1e-9
            )
            .is_ok()
        );
        assert!(compare_results(&[double(f64::INFINITY)], &[double(1e308)], true, 1e-9).is_err());
        assert!(compare_results(&[double(1e308)], &[double(f64::INFINITY)], true, 1e-9).is_err());
        assert!(
            compare_results(
                &[double(f64::NEG_INFINITY)],
                &[double(f64::INFINITY)],
                true,
                1e-9
            )
            .is_err()
        );
    }

    #[test]
    fn an_empty_or_all_null_reference_proves_nothing() {
        let empty = ResultRows::from_batches(&[double(1.0).slice(0, 0)]).expect("rows");
        assert!(empty.proves_nothing().is_some());
        let null = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("d", DataType::Float64, true)])),
            vec![Arc::new(Float64Array::from(vec![None::<f64>]))],
        )
        .expect("valid batch");
        let nulls = ResultRows::from_batches(&[null]).expect("rows");
        assert_eq!(
            nulls.proves_nothing(),
            Some("the reference answer holds only NULLs")
        );
        let one = ResultRows::from_batches(&[double(0.0)]).expect("rows");
        assert_eq!(one.proves_nothing(), None);
    }

    #[test]
    fn row_counts_and_columns_must_match() {
        let a = batch(&["x", "y"], &[1.0, 2.0]);
        let err = compare_results(
            std::slice::from_ref(&a),
            &[batch(&["x"], &[1.0])],
            false,
            1e-9,
        )
        .expect_err("count");
        assert!(err.contains("expected 2 rows, got 1"), "{err}");
        let renamed = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("name", DataType::Utf8View, false),
                Field::new("v", DataType::Float64, false),
            ])),
            a.columns().to_vec(),
        )
        .expect("valid batch");
        assert!(compare_results(&[a], &[renamed], false, 1e-9).is_err());
    }
}
