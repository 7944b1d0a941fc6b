//! Comparing two query results: same columns, same rows, floats within a relative tolerance,
//! and a decimal equal to any value within one unit of its last place.

use std::cmp::Ordering;
use std::fmt;

use datafusion::arrow::array::{Array, ArrayRef, Float64Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::LogicalPlan;

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
    /// Each column's decimal scale, for decimal columns.
    scales: Vec<Option<i8>>,
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
        let scales = batches
            .first()
            .map(|b| {
                b.schema()
                    .fields()
                    .iter()
                    .map(|f| decimal_scale(f.data_type()))
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
            scales,
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

fn decimal_scale(data_type: &DataType) -> Option<i8> {
    match data_type {
        DataType::Decimal32(_, scale)
        | DataType::Decimal64(_, scale)
        | DataType::Decimal128(_, scale)
        | DataType::Decimal256(_, scale) => Some(*scale),
        _ => None,
    }
}

/// Just under one unit in the last place of the coarser decimal side, or 0 when neither side
/// is a decimal. A decimal result is the exact value rounded or truncated to its scale
/// (DataFusion truncates `avg` of decimals, DuckDB rounds), so SQL that divides decimals
/// (TPC-H q8's `mkt_share`, scale 8) and a plan that divides doubles agree when they differ by
/// less than one unit there. Two decimals of one scale still differ by whole units, so any
/// difference between them fails.
fn rounding_allowance(expected: Option<i8>, actual: Option<i8>) -> f64 {
    match expected.into_iter().chain(actual).min() {
        Some(scale) => 10f64.powi(-i32::from(scale)) * (1.0 - 1e-6),
        None => 0.0,
    }
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
            let rounding = rounding_allowance(
                expected.scales.get(column).copied().flatten(),
                actual.scales.get(column).copied().flatten(),
            );
            if !w.matches(g, tolerance, rounding) {
                let name = expected.columns.get(column).map_or("?", String::as_str);
                return Err(format!("row {index}, column {name}: expected {w}, got {g}"));
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

    #[test]
    fn a_decimal_matches_a_double_within_one_unit_of_its_scale_and_nothing_further() {
        let decimal = |units: i128| {
            one_column(
                DataType::Decimal128(38, 8),
                Arc::new(
                    Decimal128Array::from(vec![units])
                        .with_precision_and_scale(38, 8)
                        .expect("valid"),
                ),
            )
        };
        let double =
            |value: f64| one_column(DataType::Float64, Arc::new(Float64Array::from(vec![value])));
        // TPC-H q8 at scale 0.1: SQL gives decimal(38, 8), DuckDB's plan a double.
        let sql = decimal(2_864_874);
        assert!(
            compare_results(
                std::slice::from_ref(&sql),
                &[double(0.028_648_741_305_617_557)],
                true,
                1e-9
            )
            .is_ok()
        );
        assert!(
            compare_results(
                &[double(0.028_648_741_305_617_557)],
                std::slice::from_ref(&sql),
                true,
                1e-9
            )
            .is_ok()
        );
        // DataFusion truncates where DuckDB rounds: TPC-H q1's avg_qty.
        assert!(
            compare_results(
                std::slice::from_ref(&sql),
                &[double(0.028_648_749_9)],
                true,
                1e-9
            )
            .is_ok()
        );
        let err = compare_results(
            std::slice::from_ref(&sql),
            &[double(0.028_648_76)],
            true,
            1e-9,
        )
        .expect_err("two units off");
        assert!(err.contains("expected 0.02864874"), "{err}");
        assert!(compare_results(&[sql], &[decimal(2_864_875)], true, 1e-9).is_err());
        // Two doubles keep the relative tolerance only.
        assert!(
            compare_results(
                &[double(0.028_648_74)],
                &[double(0.028_648_741_3)],
                true,
                1e-9
            )
            .is_err()
        );
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
