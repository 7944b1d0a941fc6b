use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Date32Array, Decimal128Array, Float64Array, Int8Array, Int32Array, Int64Array,
    IntervalMonthDayNanoArray, ListArray, NullArray, StringArray, StringViewArray,
    TimestampMillisecondArray,
};
use datafusion::arrow::datatypes::{Int32Type, IntervalMonthDayNano};

use super::super::TypedValue;
use super::*;

fn batch(array: ArrayRef) -> RecordBatch {
    RecordBatch::try_from_iter([("result", array)]).expect("a valid batch")
}

fn check(array: ArrayRef, expected: &Expected) -> Result<(), String> {
    check_result(&[batch(array)], expected)
}

fn wants(value: Literal, kind: TypeKind) -> Expected {
    Expected::Value(TypedValue {
        value,
        data_type: DataType::new(kind),
    })
}

fn float(value: f64) -> ArrayRef {
    Arc::new(Float64Array::from(vec![value]))
}

fn decimal(unscaled: i128, scale: i8) -> ArrayRef {
    let array = Decimal128Array::from(vec![unscaled])
        .with_precision_and_scale(38, scale)
        .expect("a valid decimal");
    Arc::new(array)
}

#[test]
fn integers_match_by_value_whatever_the_width() {
    let three = wants(Literal::Integer(3), TypeKind::I8);
    assert_eq!(check(Arc::new(Int8Array::from(vec![3])), &three), Ok(()));
    assert_eq!(check(Arc::new(Int64Array::from(vec![3])), &three), Ok(()));
    assert_eq!(
        check(Arc::new(Int8Array::from(vec![4])), &three),
        Err("expected 3::i8, got 4 (Int8)".to_string())
    );
    let err = check(float(3.0), &three).expect_err("a float is not an integer");
    assert!(err.ends_with("(Float64): not an integer type"), "{err}");
}

#[test]
fn floats_match_within_tolerance_and_nan_matches_nan() {
    let one = wants(Literal::Float("1.0".into()), TypeKind::Fp64);
    assert!(check(float(1.000_000_1), &one).is_ok());
    assert!(check(float(1.001), &one).is_err());
    assert!(check(float(f64::NAN), &one).is_err());
    let nan = wants(Literal::Float("nan".into()), TypeKind::Fp64);
    assert!(check(float(f64::NAN), &nan).is_ok());
    let inf = wants(Literal::Float("inf".into()), TypeKind::Fp64);
    assert!(check(float(f64::INFINITY), &inf).is_ok());
    assert!(check(float(f64::NEG_INFINITY), &inf).is_err());
    assert!(check(float(f64::MAX), &inf).is_err());
}

#[test]
fn decimals_match_by_exact_value_at_any_scale() {
    let expected = wants(
        Literal::Decimal("1.5".into()),
        TypeKind::Decimal(Some((38, 1))),
    );
    assert!(check(decimal(15, 1), &expected).is_ok());
    assert!(check(decimal(1_500, 3), &expected).is_ok());
    assert!(check(decimal(151, 2), &expected).is_err());
    // Rounded to one place, 1.25 is no longer 1.25.
    let precise = wants(
        Literal::Decimal("1.25".into()),
        TypeKind::Decimal(Some((38, 2))),
    );
    assert!(check(decimal(13, 1), &precise).is_err());
    let err = check(Arc::new(Int64Array::from(vec![1])), &precise).expect_err("not a decimal");
    assert!(err.ends_with("not a decimal type"), "{err}");
}

#[test]
fn null_matches_only_null() {
    let null = wants(Literal::Null, TypeKind::I32);
    assert!(check(Arc::new(Int32Array::from(vec![None::<i32>])), &null).is_ok());
    assert!(check(Arc::new(NullArray::new(1)), &null).is_ok());
    assert!(check(Arc::new(Int32Array::from(vec![1])), &null).is_err());
    assert_eq!(
        check(
            Arc::new(Int32Array::from(vec![None::<i32>])),
            &wants(Literal::Integer(1), TypeKind::I32)
        ),
        Err("expected 1::i32, got null (Int32)".to_string())
    );
}

#[test]
fn dates_and_timestamps_match_in_any_unit() {
    let date = wants(Literal::Date("2020-03-01".into()), TypeKind::Date);
    assert!(check(Arc::new(Date32Array::from(vec![18_322])), &date).is_ok());
    assert!(check(Arc::new(Date32Array::from(vec![18_323])), &date).is_err());
    let at = |millis: i64| -> ArrayRef { Arc::new(TimestampMillisecondArray::from(vec![millis])) };
    let ts = wants(
        Literal::Timestamp("2016-12-31T13:30:15".into()),
        TypeKind::Timestamp,
    );
    assert!(check(at(1_483_191_015_000), &ts).is_ok());
    assert!(check(at(1_483_191_015_001), &ts).is_err());
    // A fraction the result's unit cannot hold differs, and says why.
    let fine = wants(
        Literal::Timestamp("2016-12-31T13:30:15.0001".into()),
        TypeKind::PrecisionTimestamp(4),
    );
    let err = check(at(1_483_191_015_000), &fine).expect_err("milliseconds drop the 1");
    assert!(err.contains("precision 3"), "{err}");
}

#[test]
fn intervals_compare_months_days_and_nanoseconds() {
    let interval = |months, days, nanos| -> ArrayRef {
        Arc::new(IntervalMonthDayNanoArray::from(vec![
            IntervalMonthDayNano::new(months, days, nanos),
        ]))
    };
    let year = wants(
        Literal::IntervalYear("P1Y2M".into()),
        TypeKind::IntervalYear,
    );
    assert!(check(interval(14, 0, 0), &year).is_ok());
    assert!(check(interval(12, 0, 0), &year).is_err());
    let day = wants(
        Literal::IntervalDay("P1DT1H".into()),
        TypeKind::IntervalDay(None),
    );
    assert!(check(interval(0, 1, 3_600_000_000_000), &day).is_ok());
    assert!(check(interval(0, 0, 90_000_000_000_000), &day).is_err());
}

#[test]
fn strings_match_exactly_in_any_layout() {
    let abc = wants(Literal::String("abc".into()), TypeKind::String);
    assert!(check(Arc::new(StringArray::from(vec!["abc"])), &abc).is_ok());
    assert!(check(Arc::new(StringViewArray::from(vec!["abc"])), &abc).is_ok());
    assert_eq!(
        check(Arc::new(StringArray::from(vec!["abd"])), &abc),
        Err("expected 'abc'::str, got 'abd' (Utf8)".to_string())
    );
    let err = check(Arc::new(Int32Array::from(vec![1])), &abc).expect_err("not a string");
    assert!(err.ends_with("not a string type"), "{err}");
}

#[test]
fn lists_compare_element_by_element() {
    let list = |values: Vec<i32>| -> ArrayRef {
        Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(values.into_iter().map(Some).collect::<Vec<_>>()),
        ]))
    };
    let expected = Expected::Value(TypedValue {
        value: Literal::List(vec![Literal::Integer(1), Literal::Integer(2)]),
        data_type: DataType::new(TypeKind::List(Box::new(DataType::new(TypeKind::I32)))),
    });
    assert!(check(list(vec![1, 2]), &expected).is_ok());
    let err = check(list(vec![1, 3]), &expected).expect_err("second element differs");
    assert!(
        err.ends_with("element 1: expected 2::i32, got 3 (Int32)"),
        "{err}"
    );
    let err = check(list(vec![1]), &expected).expect_err("too short");
    assert!(err.ends_with("expected 2 elements, got 1"), "{err}");
}

#[test]
fn the_result_must_be_one_row_of_one_column() {
    let three = wants(Literal::Integer(3), TypeKind::I8);
    assert_eq!(
        check(Arc::new(Int8Array::from(vec![3, 3])), &three),
        Err("expected one row, got 2".to_string())
    );
    assert_eq!(
        check_result(&[], &three),
        Err("expected one row, got 0".to_string())
    );
    let one: ArrayRef = Arc::new(Int8Array::from(vec![3]));
    let two_columns =
        RecordBatch::try_from_iter([("a", one.clone()), ("b", one.clone())]).expect("valid");
    assert_eq!(
        check_result(&[two_columns], &Expected::Undefined),
        Err("expected one column, got 2".to_string())
    );
    // Empty batches around the row do not count.
    let empty = batch(Arc::new(Int8Array::from(Vec::<i8>::new())));
    assert_eq!(check_result(&[empty, batch(one.clone())], &three), Ok(()));
    assert_eq!(check_result(&[batch(one)], &Expected::Undefined), Ok(()));
}
