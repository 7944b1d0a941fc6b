//! Results from engines that run translated SQL, conformed to the columns the plan declares:
//! the same names and Arrow types whichever engine ran it.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Decimal128Array, Float64Array};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::error::ArrowError;
use arrow::record_batch::{RecordBatch, RecordBatchOptions};

/// Casts each column of `batch` to the type `expected` gives it, by position, and names it
/// as `expected` does. Casts are checked: a value that does not fit is an error, not a null.
pub fn conform_batch(batch: &RecordBatch, expected: &SchemaRef) -> Result<RecordBatch, ArrowError> {
    if batch.num_columns() != expected.fields().len() {
        return Err(ArrowError::SchemaError(format!(
            "the engine returned {} columns where the plan declares {}",
            batch.num_columns(),
            expected.fields().len()
        )));
    }
    let options = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    let mut fields = Vec::with_capacity(batch.num_columns());
    for (column, field) in batch.columns().iter().zip(expected.fields()) {
        let column = if column.data_type() == field.data_type() {
            Arc::clone(column)
        } else if let (DataType::Float64 | DataType::Float32, DataType::Decimal128(p, s)) =
            (column.data_type(), field.data_type())
        {
            float_to_decimal(column, *p, *s)
                .map_err(|e| ArrowError::CastError(format!("column {}: {e}", field.name())))?
        } else {
            cast_with_options(column, field.data_type(), &options).map_err(|e| {
                ArrowError::CastError(format!(
                    "column {}: {} → {}: {e}",
                    field.name(),
                    column.data_type(),
                    field.data_type()
                ))
            })?
        };
        let nullable = field.is_nullable() || column.null_count() > 0;
        fields.push(Field::new(
            field.name(),
            field.data_type().clone(),
            nullable,
        ));
        columns.push(column);
    }
    RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )
}

/// Floats (an engine's answer to a decimal expression, such as DuckDB's `avg`) to the plan's
/// decimal type, truncated toward zero as DataFusion's decimal arithmetic truncates. A value
/// within floating-point noise of the next unit is taken as that unit, so 2.0999999999999996
/// at scale 1 is 2.1, not 2.0.
fn float_to_decimal(column: &ArrayRef, precision: u8, scale: i8) -> Result<ArrayRef, ArrowError> {
    let floats = cast_with_options(column, &DataType::Float64, &CastOptions::default())?;
    let floats = floats
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| ArrowError::CastError("expected floats".to_string()))?;
    let factor = 10f64.powi(i32::from(scale));
    let limit = 10f64.powi(i32::from(precision));
    let mut values = Vec::with_capacity(floats.len());
    for value in floats.iter() {
        values.push(match value {
            None => None,
            Some(v) if !v.is_finite() => {
                return Err(ArrowError::CastError(format!("{v} has no decimal value")));
            }
            Some(v) => {
                let scaled = v * factor;
                let nearest = scaled.round();
                let units = if (scaled - nearest).abs() <= scaled.abs() * 1e-12 + 1e-9 {
                    nearest
                } else {
                    scaled.trunc()
                };
                if units.abs() >= limit {
                    return Err(ArrowError::CastError(format!(
                        "{v} does not fit DECIMAL({precision}, {scale})"
                    )));
                }
                Some(units as i128)
            }
        });
    }
    Ok(Arc::new(
        Decimal128Array::from(values).with_precision_and_scale(precision, scale)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;

    fn schema(fields: Vec<Field>) -> SchemaRef {
        Arc::new(Schema::new(fields))
    }

    #[test]
    fn casts_and_renames_by_position() -> Result<(), ArrowError> {
        let got = RecordBatch::try_new(
            schema(vec![
                Field::new("sum(x)", DataType::Decimal128(38, 2), true),
                Field::new("avg", DataType::Float64, true),
            ]),
            vec![
                Arc::new(Decimal128Array::from(vec![12345]).with_precision_and_scale(38, 2)?),
                Arc::new(Float64Array::from(vec![2.5])),
            ],
        )?;
        let expected = schema(vec![
            Field::new("total", DataType::Decimal128(25, 2), true),
            Field::new("mean", DataType::Decimal128(19, 6), true),
        ]);
        let conformed = conform_batch(&got, &expected)?;
        assert_eq!(conformed.schema().field(0).name(), "total");
        assert_eq!(
            conformed.schema().field(1).data_type(),
            &DataType::Decimal128(19, 6)
        );
        let mean = conformed
            .column(1)
            .as_any()
            .downcast_ref::<Decimal128Array>();
        assert_eq!(mean.map(|m| m.value(0)), Some(2_500_000));
        Ok(())
    }

    #[test]
    fn floats_become_decimals_truncated_like_datafusion_but_not_by_noise() -> Result<(), ArrowError>
    {
        let floats: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(25.575_154_6),
            Some(-25.575_154_6),
            Some(2.099_999_999_999_999_6),
            None,
        ]));
        let decimals = float_to_decimal(&floats, 19, 6)?;
        let decimals = decimals.as_any().downcast_ref::<Decimal128Array>();
        let values: Vec<Option<i128>> = decimals.map(|d| d.iter().collect()).unwrap_or_default();
        assert_eq!(
            values,
            vec![Some(25_575_154), Some(-25_575_154), Some(2_100_000), None]
        );
        Ok(())
    }

    #[test]
    fn a_value_that_does_not_fit_is_an_error() -> Result<(), ArrowError> {
        let got = RecordBatch::try_new(
            schema(vec![Field::new("n", DataType::Int64, false)]),
            vec![Arc::new(Int64Array::from(vec![i64::MAX]))],
        )?;
        let expected = schema(vec![Field::new("n", DataType::Int32, false)]);
        let error = conform_batch(&got, &expected).map(|_| ()).err();
        assert!(error.is_some_and(|e| e.to_string().contains("column n")));
        Ok(())
    }

    #[test]
    fn a_different_column_count_is_an_error() -> Result<(), ArrowError> {
        let got = RecordBatch::try_new(
            schema(vec![Field::new("n", DataType::Int64, false)]),
            vec![Arc::new(Int64Array::from(vec![1]))],
        )?;
        let error = conform_batch(&got, &schema(vec![])).map(|_| ()).err();
        assert!(error.is_some_and(|e| e.to_string().contains("returned 1 columns")));
        Ok(())
    }
}
