//! The three ways an aggregate case gives its input table (see the README):
//!
//! * single column: `sum((1, 2, 3)::i8)`;
//! * compact: `((20, 20), (-3, -3)) corr(col0::fp32, col1::fp32)`;
//! * verbose: `DEFINE t1(fp32, fp32) = ((20, 20), (-3, -3)) corr(t1.col0, t1.col1)`.

use super::cursor::Cursor;
use super::error::TestFileError;
use super::lexer::Tok;
use super::model::{Argument, Table};
use super::parse::Call;
use super::types::DataType;
use super::value::{Literal, RawValue, type_value};

/// `name((v1, v2, ...)::type)`: a one-column table, one row per value.
pub(super) fn single_column_call(cursor: &mut Cursor) -> Result<Call, TestFileError> {
    let function = cursor.word("an aggregate function name")?;
    cursor.expect(&Tok::LParen, "`(` after the function name")?;
    if cursor.peek() != Some(&Tok::LParen) {
        return Err(cursor.unexpected("a column of values `(v1, v2, ...)::type`"));
    }
    let values = cursor.column_values()?;
    cursor.expect(&Tok::DoubleColon, "`::` and the column's type")?;
    let line = cursor.line();
    let data_type = cursor.data_type()?;
    cursor.expect(&Tok::RParen, "`)` closing the call")?;
    let rows = values
        .into_iter()
        .map(|raw| type_value(raw, &data_type, line).map(|value| vec![value]))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Call {
        function,
        arguments: vec![Argument::Column {
            index: 0,
            data_type: data_type.clone(),
        }],
        table: Some(Table {
            name: None,
            columns: vec![data_type],
            rows,
        }),
    })
}

/// `((r1c1, r1c2), ...) name(col0::type, ..., literal::type)`. The rows are untyped; each column
/// takes its type from the `colN::type` arguments that use it.
pub(super) fn compact_call(cursor: &mut Cursor) -> Result<Call, TestFileError> {
    let line = cursor.line();
    let raw_rows = table_rows(cursor)?;
    let function = cursor.word("an aggregate function name")?;
    cursor.expect(&Tok::LParen, "`(` after the function name")?;
    let arguments = cursor.list_until(&Tok::RParen, compact_argument)?;

    let width = match raw_rows.first() {
        Some(row) => row.len(),
        None => arguments
            .iter()
            .filter_map(|argument| match argument {
                Argument::Column { index, .. } => Some(index + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0),
    };
    let mut columns: Vec<Option<DataType>> = vec![None; width];
    for argument in &arguments {
        let Argument::Column { index, data_type } = argument else {
            continue;
        };
        let Some(slot) = columns.get_mut(*index) else {
            let message = format!("col{index} is past the table's {width} columns");
            return Err(invalid_case(line, message));
        };
        if let Some(existing) = slot.as_ref()
            && existing != data_type
        {
            let message = format!("col{index} is used as both `{existing}` and `{data_type}`");
            return Err(invalid_case(line, message));
        }
        *slot = Some(data_type.clone());
    }
    let columns = columns
        .into_iter()
        .enumerate()
        .map(|(index, column)| {
            column.ok_or_else(|| {
                let message = format!("col{index} has no type: no `col{index}::type` argument");
                invalid_case(line, message)
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rows = type_rows(raw_rows, &columns, line)?;
    Ok(Call {
        function,
        arguments,
        table: Some(Table {
            name: None,
            columns,
            rows,
        }),
    })
}

/// `DEFINE t(type, ...) = ((...), ...) name(t.col0, ..., literal::type)`.
pub(super) fn defined_table_call(cursor: &mut Cursor) -> Result<Call, TestFileError> {
    let line = cursor.line();
    cursor.advance(); // DEFINE
    let name = cursor.word("a table name after DEFINE")?;
    cursor.expect(&Tok::LParen, "`(` and the column types")?;
    let columns = cursor.list_until(&Tok::RParen, Cursor::data_type)?;
    cursor.expect(&Tok::Eq, "`=` and the table's rows")?;
    let raw_rows = table_rows(cursor)?;
    let rows = type_rows(raw_rows, &columns, line)?;
    let function = cursor.word("an aggregate function name")?;
    cursor.expect(&Tok::LParen, "`(` after the function name")?;
    let arguments = cursor.list_until(&Tok::RParen, |cursor| {
        qualified_argument(cursor, &name, &columns)
    })?;
    Ok(Call {
        function,
        arguments,
        table: Some(Table {
            name: Some(name),
            columns,
            rows,
        }),
    })
}

/// `colN::type`, or an ordinary argument.
fn compact_argument(cursor: &mut Cursor) -> Result<Argument, TestFileError> {
    if let Some(Tok::Word(word)) = cursor.peek()
        && let Some(index) = column_index(word)
        && cursor.peek_at(1) == Some(&Tok::DoubleColon)
    {
        cursor.advance();
        cursor.advance();
        let data_type = cursor.data_type()?;
        return Ok(Argument::Column { index, data_type });
    }
    cursor.argument()
}

/// `table.colN`, or an ordinary argument.
fn qualified_argument(
    cursor: &mut Cursor,
    table: &str,
    columns: &[DataType],
) -> Result<Argument, TestFileError> {
    if let Some(Tok::Word(word)) = cursor.peek()
        && cursor.peek_at(1) == Some(&Tok::Dot)
    {
        let line = cursor.line();
        let table_name = word.clone();
        cursor.advance();
        cursor.advance();
        let column = cursor.word("a column name like `col0`")?;
        if table_name != table {
            let message = format!("`{table_name}.{column}` names a table other than `{table}`");
            return Err(invalid_case(line, message));
        }
        let Some(index) = column_index(&column) else {
            let message = format!("`{column}` is not a column name like `col0`");
            return Err(invalid_case(line, message));
        };
        let Some(data_type) = columns.get(index).cloned() else {
            let message = format!("`{table}` has no column {column}");
            return Err(invalid_case(line, message));
        };
        return Ok(Argument::Column { index, data_type });
    }
    cursor.argument()
}

/// `((a, b), (c, d))`: rows of untyped literals.
fn table_rows(cursor: &mut Cursor) -> Result<Vec<Vec<RawValue>>, TestFileError> {
    cursor.expect(&Tok::LParen, "`(` opening the table's rows")?;
    cursor.list_until(&Tok::RParen, Cursor::column_values)
}

/// Types each row's values by their columns, checking every row has one value per column.
fn type_rows(
    rows: Vec<Vec<RawValue>>,
    columns: &[DataType],
    line: usize,
) -> Result<Vec<Vec<Literal>>, TestFileError> {
    let mut typed = Vec::with_capacity(rows.len());
    for (number, row) in rows.into_iter().enumerate() {
        if row.len() != columns.len() {
            let message = format!(
                "row {} has {} values but the table has {} columns",
                number + 1,
                row.len(),
                columns.len()
            );
            return Err(invalid_case(line, message));
        }
        let row = row
            .into_iter()
            .zip(columns)
            .map(|(raw, data_type)| type_value(raw, data_type, line))
            .collect::<Result<Vec<_>, _>>()?;
        typed.push(row);
    }
    Ok(typed)
}

/// The index in a column name `colN` (ignoring case, like the grammar's `ColumnName`).
fn column_index(word: &str) -> Option<usize> {
    let prefix = word.get(..3)?;
    let digits = word.get(3..)?;
    if !prefix.eq_ignore_ascii_case("col")
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
}

fn invalid_case(line: usize, message: String) -> TestFileError {
    TestFileError::InvalidCase { line, message }
}
