//! The file-level grammar: header lines, groups, and test cases.

use super::aggregate;
use super::cursor::Cursor;
use super::error::TestFileError;
use super::lexer::{Tok, lex, scan_string};
use super::model::{Argument, Expected, Table, TestCase, TestFile, TestGroup, TestKind};

/// Parses the text of a `.test` file.
///
/// The file must start with its version line, then one `### SUBSTRAIT_INCLUDE` line and any
/// `### SUBSTRAIT_DEPENDENCY` lines; after that come test cases, with `# group: description`
/// lines between them. Line breaks separate nothing but comments, so a case may span lines.
pub fn parse_test_file(text: &str) -> Result<TestFile, TestFileError> {
    let mut cursor = Cursor::new(lex(text)?);
    let header = parse_header(&mut cursor)?;
    let mut cases: Vec<TestCase> = Vec::new();
    let mut group = None;
    // The line the last case ended on, to tell its trailing `# comment` from a group heading.
    let mut last_case_end = 0;
    while let Some(tok) = cursor.peek() {
        match tok {
            Tok::Comment(text) => {
                let text = text.clone();
                let line = cursor.line();
                cursor.advance();
                match cases.last_mut() {
                    Some(case) if line == last_case_end && case.description.is_none() => {
                        case.description = Some(text);
                    }
                    _ => group = Some(TestGroup::from_comment(&text)),
                }
            }
            Tok::Header(_) => {
                return Err(TestFileError::Header {
                    line: cursor.line(),
                    message: "`###` header lines must come before the test cases".to_string(),
                });
            }
            _ => {
                cases.push(parse_case(&mut cursor, header.kind, group.clone())?);
                last_case_end = cursor.last_line();
            }
        }
    }
    Ok(TestFile {
        kind: header.kind,
        version: header.version,
        include: header.include,
        dependencies: header.dependencies,
        cases,
    })
}

/// A parsed call: the part of a case before its options.
pub(super) struct Call {
    pub(super) function: String,
    pub(super) arguments: Vec<Argument>,
    /// The input rows, for aggregate cases.
    pub(super) table: Option<Table>,
}

/// One test case, starting at the cursor.
fn parse_case(
    cursor: &mut Cursor,
    file_kind: TestKind,
    group: Option<TestGroup>,
) -> Result<TestCase, TestFileError> {
    let line = cursor.line();
    // The form decides the kind: only aggregates start with a table, and in an aggregate file
    // `f((...)::type)` is a column of values rather than a lambda.
    let call = match cursor.peek() {
        Some(Tok::Word(word))
            if word.eq_ignore_ascii_case("define")
                && matches!(cursor.peek_at(1), Some(Tok::Word(_))) =>
        {
            aggregate::defined_table_call(cursor)?
        }
        Some(Tok::LParen) => aggregate::compact_call(cursor)?,
        Some(Tok::Word(_)) if file_kind == TestKind::Aggregate => {
            aggregate::single_column_call(cursor)?
        }
        Some(Tok::Word(_)) => {
            let call = cursor.call()?;
            Call {
                function: call.name,
                arguments: call.arguments,
                table: None,
            }
        }
        _ => return Err(cursor.unexpected("a test case")),
    };
    let kind = if call.table.is_some() {
        TestKind::Aggregate
    } else {
        TestKind::Scalar
    };
    if kind != file_kind {
        let message = format!("{kind} test case in a {file_kind} test file");
        return Err(TestFileError::InvalidCase { line, message });
    }
    if let Some(Argument::Parameter(name)) = call
        .arguments
        .iter()
        .find(|argument| matches!(argument, Argument::Parameter(_)))
    {
        let message = format!("bare name `{name}` outside a lambda body; write `value::type`");
        return Err(TestFileError::InvalidCase { line, message });
    }
    let options = if cursor.eat(&Tok::LBracket) {
        cursor.list_until(&Tok::RBracket, option)?
    } else {
        Vec::new()
    };
    cursor.expect(&Tok::Eq, "`=` and the expected result")?;
    let expected = if cursor.eat(&Tok::ErrorResult) {
        Expected::Error
    } else if cursor.eat(&Tok::UndefinedResult) {
        Expected::Undefined
    } else {
        Expected::Value(cursor.typed_value()?)
    };
    Ok(TestCase {
        line,
        group,
        function: call.function,
        kind,
        arguments: call.arguments,
        table: call.table,
        options,
        expected,
        description: None,
    })
}

/// `name:value` inside `[...]`. Values are usually upper-case words (`ERROR`, `TIE_TO_EVEN`), but
/// `True`/`false`/`NULL`/`NAN` and numbers are taken as written too.
fn option(cursor: &mut Cursor) -> Result<(String, String), TestFileError> {
    let name = cursor.word("an option name")?;
    cursor.expect(&Tok::Colon, "`:` after the option name")?;
    let value = match cursor.peek() {
        Some(Tok::Word(value) | Tok::Number(value)) => value.clone(),
        _ => return Err(cursor.unexpected("an option value")),
    };
    cursor.advance();
    Ok((name, value))
}

/// What the `###` lines say.
struct Header {
    kind: TestKind,
    version: String,
    include: Vec<String>,
    dependencies: Vec<String>,
}

fn parse_header(cursor: &mut Cursor) -> Result<Header, TestFileError> {
    const VERSION_LINE: &str =
        "`### SUBSTRAIT_SCALAR_TEST: v1.0` or `### SUBSTRAIT_AGGREGATE_TEST: v1.0`";
    let (line, key, version) = header_line(cursor, VERSION_LINE)?;
    let kind = match key.to_ascii_uppercase().as_str() {
        "SUBSTRAIT_SCALAR_TEST" => TestKind::Scalar,
        "SUBSTRAIT_AGGREGATE_TEST" => TestKind::Aggregate,
        _ => return Err(header_error(line, format!("expected {VERSION_LINE} first"))),
    };
    if !is_format_version(&version) {
        let message = format!("`{version}` is not a format version like `v1` or `v1.0`");
        return Err(header_error(line, message));
    }

    let (line, key, value) = header_line(cursor, "`### SUBSTRAIT_INCLUDE: '<extension>'`")?;
    if !key.eq_ignore_ascii_case("SUBSTRAIT_INCLUDE") {
        let message = format!("expected `### SUBSTRAIT_INCLUDE` after the version, found `{key}`");
        return Err(header_error(line, message));
    }
    let include = uri_list(&value, line)?;

    let mut dependencies = Vec::new();
    while matches!(cursor.peek(), Some(Tok::Header(_))) {
        let (line, key, value) = header_line(cursor, "`### SUBSTRAIT_DEPENDENCY: '<extension>'`")?;
        if !key.eq_ignore_ascii_case("SUBSTRAIT_DEPENDENCY") {
            let message = format!("expected `### SUBSTRAIT_DEPENDENCY`, found `{key}`");
            return Err(header_error(line, message));
        }
        dependencies.extend(uri_list(&value, line)?);
    }
    Ok(Header {
        kind,
        version,
        include,
        dependencies,
    })
}

/// Consumes a `### KEY: value` line, returning its line, key and value (both trimmed).
fn header_line(
    cursor: &mut Cursor,
    expected: &str,
) -> Result<(usize, String, String), TestFileError> {
    let line = cursor.line();
    let Some(Tok::Header(text)) = cursor.peek() else {
        return Err(header_error(line, format!("expected {expected}")));
    };
    let Some((key, value)) = text.split_once(':') else {
        let message = format!("expected {expected}, found `### {text}`");
        return Err(header_error(line, message));
    };
    let (key, value) = (key.trim().to_string(), value.trim().to_string());
    cursor.advance();
    Ok((line, key, value))
}

/// The extensions an include or dependency line names: quoted strings, as the grammar wants, or
/// bare paths or URNs, as the README's examples write them, separated by commas.
fn uri_list(value: &str, line: usize) -> Result<Vec<String>, TestFileError> {
    let chars: Vec<char> = value.chars().collect();
    let skip_spaces = |mut i: usize| {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let mut uris = Vec::new();
    let mut i = skip_spaces(0);
    loop {
        if chars.get(i) == Some(&'\'') {
            let (uri, end, _) = scan_string(&chars, i, line)?;
            uris.push(uri);
            i = end;
        } else {
            let start = i;
            while chars.get(i).is_some_and(|&c| c != ',') {
                i += 1;
            }
            let uri: String = chars.get(start..i).unwrap_or_default().iter().collect();
            if uri.trim().is_empty() {
                return Err(header_error(line, "expected an extension".to_string()));
            }
            uris.push(uri.trim().to_string());
        }
        i = skip_spaces(i);
        match chars.get(i) {
            None => return Ok(uris),
            Some(',') => i = skip_spaces(i + 1),
            Some(other) => {
                let message = format!("expected `,` between extensions, found `{other}`");
                return Err(header_error(line, message));
            }
        }
    }
}

/// `v1`, `V1`, `v1.0`: the grammar's `FormatVersion`.
fn is_format_version(text: &str) -> bool {
    let Some(number) = text.strip_prefix(['v', 'V']) else {
        return false;
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match number.split_once('.') {
        Some((major, minor)) => all_digits(major) && all_digits(minor),
        None => all_digits(number),
    }
}

fn header_error(line: usize, message: String) -> TestFileError {
    TestFileError::Header { line, message }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::types::{DataType, TypeKind};
    use super::super::value::{Literal, TypedValue};
    use super::*;

    const SCALAR_HEADER: &str = "### SUBSTRAIT_SCALAR_TEST: v1.0\n\
        ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n";
    const AGGREGATE_HEADER: &str = "### SUBSTRAIT_AGGREGATE_TEST: v1.0\n\
        ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n";

    fn parse_scalar(body: &str) -> TestFile {
        parse_test_file(&format!("{SCALAR_HEADER}{body}")).expect("parses")
    }

    fn parse_aggregate(body: &str) -> TestFile {
        parse_test_file(&format!("{AGGREGATE_HEADER}{body}")).expect("parses")
    }

    fn typed(value: Literal, kind: TypeKind) -> TypedValue {
        TypedValue {
            value,
            data_type: DataType::new(kind),
        }
    }

    fn arg(value: Literal, kind: TypeKind) -> Argument {
        Argument::Value(typed(value, kind))
    }

    fn expected_value(case: &TestCase) -> &TypedValue {
        match &case.expected {
            Expected::Value(value) => value,
            other => panic!("expected a value, got {other:?}"),
        }
    }

    fn string(text: &str) -> Literal {
        Literal::String(text.to_string())
    }

    #[test]
    fn scalar_cases_with_groups_and_options() {
        let file = parse_scalar(
            "\n# overflow: Examples demonstrating overflow behavior\n\
             add(120::i8, 10::i8) [overflow:ERROR] = <!ERROR>\n\
             add(120::i8, 10::i8) [overflow:SATURATE, rounding:TIE_TO_EVEN] = 127::i8\n\
             add(120::i8, 10::i8) [overflow:SILENT] = <!UNDEFINED>\n",
        );
        assert_eq!(file.kind, TestKind::Scalar);
        assert_eq!(file.version, "v1.0");
        assert_eq!(file.include, ["/extensions/functions_arithmetic.yaml"]);
        assert!(file.dependencies.is_empty());
        assert_eq!(file.cases.len(), 3);

        let first = &file.cases[0];
        assert_eq!(first.line, 5);
        assert_eq!(first.function, "add");
        assert_eq!(first.kind, TestKind::Scalar);
        assert_eq!(first.table, None);
        let group = first.group.as_ref().expect("a group");
        assert_eq!(group.name, "overflow");
        assert_eq!(
            group.description.as_deref(),
            Some("Examples demonstrating overflow behavior")
        );
        assert_eq!(
            first.arguments,
            [
                arg(Literal::Integer(120), TypeKind::I8),
                arg(Literal::Integer(10), TypeKind::I8)
            ]
        );
        assert_eq!(
            first.options,
            [("overflow".to_string(), "ERROR".to_string())]
        );
        assert_eq!(first.expected, Expected::Error);

        let second = &file.cases[1];
        assert_eq!(second.options.len(), 2);
        assert_eq!(second.option("ROUNDING"), Some("TIE_TO_EVEN"));
        assert_eq!(
            second.expected,
            Expected::Value(typed(Literal::Integer(127), TypeKind::I8))
        );
        assert_eq!(file.cases[2].expected, Expected::Undefined);
        assert!(file.cases.iter().all(|case| case.group == first.group));
    }

    #[test]
    fn nulls_floats_and_booleans() {
        let file = parse_scalar(
            "abs(null::i8) = null::i8\n\
             add(1.5e+308::fp64, 1.5e+308::fp64) = inf::fp64\n\
             negate(inf::fp64) = -inf::fp64\n\
             is_nan(nan::FP64) = true::bool\n\
             nullif(Null::bool?, false::boolean) = NULL::bool?\n",
        );
        let cases = &file.cases;
        assert_eq!(cases[0].arguments, [arg(Literal::Null, TypeKind::I8)]);
        assert_eq!(expected_value(&cases[0]).value, Literal::Null);

        let inf = expected_value(&cases[1]);
        assert_eq!(inf.value, Literal::Float("inf".to_string()));
        assert_eq!(inf.value.as_f64(), Some(f64::INFINITY));
        assert_eq!(
            cases[1].arguments[0],
            arg(Literal::Float("1.5e+308".into()), TypeKind::Fp64)
        );
        assert_eq!(
            expected_value(&cases[2]).value.as_f64(),
            Some(f64::NEG_INFINITY)
        );

        assert_eq!(
            cases[3].arguments,
            [arg(Literal::Float("nan".into()), TypeKind::Fp64)]
        );
        let Argument::Value(nan) = &cases[3].arguments[0] else {
            panic!("a value");
        };
        assert!(nan.value.as_f64().is_some_and(f64::is_nan));
        assert_eq!(expected_value(&cases[3]).value, Literal::Boolean(true));

        let nullable_bool = DataType::nullable(TypeKind::Boolean);
        assert_eq!(
            cases[4].arguments,
            [
                Argument::Value(TypedValue {
                    value: Literal::Null,
                    data_type: nullable_bool.clone(),
                }),
                arg(Literal::Boolean(false), TypeKind::Boolean),
            ]
        );
        assert_eq!(expected_value(&cases[4]).data_type, nullable_bool);
        assert_eq!(nullable_bool.to_string(), "bool?");
    }

    #[test]
    fn decimals_keep_their_text() {
        let file = parse_scalar(
            "add(1.50::dec<38, 2>, -2::decimal<38,2>) = -0.50::dec<38, 2>\n\
             power(-1::dec, 0.5::dec<38, 1>) [complex_number_result:NAN] = nan::fp64\n\
             bitwise_and(00000000000000000000000000000000000000::dec<38, 0>, \
                 1.5e+10::dec<38, 0>) = 0::dec<38, 0>\n",
        );
        let dec_38_2 = TypeKind::Decimal(Some((38, 2)));
        assert_eq!(
            file.cases[0].arguments,
            [
                arg(Literal::Decimal("1.50".into()), dec_38_2.clone()),
                arg(Literal::Decimal("-2".into()), dec_38_2),
            ]
        );
        let result = expected_value(&file.cases[0]);
        assert_eq!(result.value, Literal::Decimal("-0.50".into()));
        assert_eq!(result.data_type.to_string(), "dec<38,2>");

        assert_eq!(
            file.cases[1].arguments[0],
            arg(Literal::Decimal("-1".into()), TypeKind::Decimal(None))
        );
        assert_eq!(file.cases[1].option("complex_number_result"), Some("NAN"));
        assert_eq!(
            file.cases[2].arguments,
            [
                arg(
                    Literal::Decimal("00000000000000000000000000000000000000".into()),
                    TypeKind::Decimal(Some((38, 0)))
                ),
                arg(
                    Literal::Decimal("1.5e+10".into()),
                    TypeKind::Decimal(Some((38, 0)))
                ),
            ]
        );
    }

    #[test]
    fn strings_and_escapes() {
        let file = parse_scalar(
            r#"concat('it\'s'::str, 'a\\b'::varchar<5>) = 'it''s a\b'::string
regexp_count_substring('abc1abc'::str, '\d'::str) = 1::i64
upper('ææ😄'::str) = 'ÆÆ😄'::str
lpad(''::str, 1::i32, ' '::fchar<1>) = ' '::str
"#,
        );
        let cases = &file.cases;
        assert_eq!(
            cases[0].arguments,
            [
                arg(string("it's"), TypeKind::String),
                arg(string("a\\b"), TypeKind::VarChar(5)),
            ]
        );
        assert_eq!(expected_value(&cases[0]).value, string("it's a\\b"));
        assert_eq!(cases[1].arguments[1], arg(string("\\d"), TypeKind::String));
        assert_eq!(cases[2].arguments, [arg(string("ææ😄"), TypeKind::String)]);
        assert_eq!(expected_value(&cases[2]).value, string("ÆÆ😄"));
        assert_eq!(cases[3].arguments[0], arg(string(""), TypeKind::String));
        assert_eq!(
            cases[3].arguments[2],
            arg(string(" "), TypeKind::FixedChar(1))
        );
    }

    #[test]
    fn temporal_literals() {
        let file = parse_scalar(
            "add('2016-12-31T13:30:15'::ts, 'P5D'::iday) = '2017-01-05T13:30:15'::ts\n\
             add_intervals('PT10H'::iday<6>, 'P1DT2H3M4.5S'::interval_day) = 'P1DT12H'::iday\n\
             gt('1999-01-08T01:05:05-08:00'::tstz, \
                '1999-01-08T04:05:06.123+05:30'::timestamp_tz) = false::bool\n\
             extract('SECOND'::str, '01:02:03.45'::time) = 3::i64\n\
             subtract('2020-12-31'::date, 'P1Y2M'::iyear) = '2019-10-31'::date\n\
             add('P1Y2M3DT4H'::icompound, '2020-01-01 00:00:00'::pts<6>) = \
                '2021-03-04 04:00:00'::precision_timestamp<6>\n",
        );
        let cases = &file.cases;
        assert_eq!(
            cases[0].arguments,
            [
                arg(
                    Literal::Timestamp("2016-12-31T13:30:15".into()),
                    TypeKind::Timestamp
                ),
                arg(
                    Literal::IntervalDay("P5D".into()),
                    TypeKind::IntervalDay(None)
                ),
            ]
        );
        assert_eq!(
            cases[1].arguments,
            [
                arg(
                    Literal::IntervalDay("PT10H".into()),
                    TypeKind::IntervalDay(Some(6))
                ),
                arg(
                    Literal::IntervalDay("P1DT2H3M4.5S".into()),
                    TypeKind::IntervalDay(None)
                ),
            ]
        );
        assert_eq!(
            cases[2].arguments[1],
            arg(
                Literal::TimestampTz("1999-01-08T04:05:06.123+05:30".into()),
                TypeKind::TimestampTz
            )
        );
        assert_eq!(
            cases[3].arguments[1],
            arg(Literal::Time("01:02:03.45".into()), TypeKind::Time)
        );
        assert_eq!(
            cases[4].arguments[1],
            arg(
                Literal::IntervalYear("P1Y2M".into()),
                TypeKind::IntervalYear
            )
        );
        assert_eq!(
            expected_value(&cases[4]).value,
            Literal::Date("2019-10-31".into())
        );
        assert_eq!(
            cases[5].arguments,
            [
                arg(
                    Literal::IntervalCompound("P1Y2M3DT4H".into()),
                    TypeKind::IntervalCompound(None)
                ),
                arg(
                    Literal::Timestamp("2020-01-01 00:00:00".into()),
                    TypeKind::PrecisionTimestamp(6)
                ),
            ]
        );
    }

    #[test]
    fn literals_that_do_not_fit_their_type() {
        for literal in [
            "'2020-13'::date",
            "'2020-01-01'::ts",
            "'2020-01-01T00:00:00'::tstz",
            "'12:00'::time",
            "'P5D'::iyear",
            "'P1Y'::iday",
            "'T5H'::iday",
            "'P'::iday",
            "'PT'::iday",
            "'P1.5D'::iday",
            "'P1D1Y'::icompound",
            "128::i8",
            "-32769::i16",
            "9223372036854775808::i64",
            "1.5::i32",
            "'x'::i32",
            "true::fp64",
            "inf::dec<38, 0>",
            "1::str",
            "[1]::i32",
            "1::list<i32>",
            "['a']::list<i32>",
            "(x -> f(x))::func<(i32, i32) -> i32>",
            "(x -> f(x))::i32",
        ] {
            let text = format!("{SCALAR_HEADER}f({literal}) = true::bool\n");
            let error = parse_test_file(&text).expect_err(literal);
            assert!(
                matches!(error, TestFileError::InvalidLiteral { line: 3, .. }),
                "{literal}: {error}"
            );
        }
    }

    #[test]
    fn lists_and_lambdas() {
        let file = parse_scalar(
            "transform([[1, 2], [], [Null]]::list<list<i32?>>, \
                (x -> transform(x, (e -> add(e, 1::i32))::func<i32? -> i32?>))\
                ::func<list<i32?> -> list<i32?>>) = [[2, 3], [], [null]]::list<list<i32?>>\n\
             reduce([1, 2]::list<i32>, ((acc, x) -> add(acc, x))::func<(i32, i32) -> i32>) \
                 = 3::i32\n\
             all_match([1]::list<i32>, null::func<i32 -> bool?>) = true::bool\n",
        );
        let nested = &file.cases[0];
        let Argument::Value(list) = &nested.arguments[0] else {
            panic!("a list value");
        };
        assert_eq!(
            list.value,
            Literal::List(vec![
                Literal::List(vec![Literal::Integer(1), Literal::Integer(2)]),
                Literal::List(vec![]),
                Literal::List(vec![Literal::Null]),
            ])
        );
        assert_eq!(list.data_type.to_string(), "list<list<i32?>>");

        let Argument::Value(TypedValue {
            value: Literal::Lambda(outer),
            data_type,
        }) = &nested.arguments[1]
        else {
            panic!("a lambda");
        };
        assert_eq!(data_type.to_string(), "func<list<i32?> -> list<i32?>>");
        assert_eq!(outer.parameters, ["x"]);
        assert_eq!(outer.body.name, "transform");
        assert_eq!(outer.body.arguments[0], Argument::Parameter("x".into()));
        let Argument::Value(TypedValue {
            value: Literal::Lambda(inner),
            ..
        }) = &outer.body.arguments[1]
        else {
            panic!("a nested lambda");
        };
        assert_eq!(inner.parameters, ["e"]);
        assert_eq!(
            inner.body.arguments,
            [
                Argument::Parameter("e".into()),
                arg(Literal::Integer(1), TypeKind::I32)
            ]
        );

        let Argument::Value(pair) = &file.cases[1].arguments[1] else {
            panic!("a lambda");
        };
        assert_eq!(pair.data_type.to_string(), "func<(i32, i32) -> i32>");
        let Literal::Lambda(pair) = &pair.value else {
            panic!("a lambda");
        };
        assert_eq!(pair.parameters, ["acc", "x"]);

        let Argument::Value(null_lambda) = &file.cases[2].arguments[1] else {
            panic!("a value");
        };
        assert_eq!(null_lambda.value, Literal::Null);
    }

    #[test]
    fn aggregate_forms() {
        let file = parse_aggregate(
            "# basic: the three forms\n\
             sum((1, -2, Null)::i8) = -1::i64\n\
             count(()::i16) = 0::i64\n\
             ((20, 20.5), (-3, null)) corr(col0::i32, col1::fp32) = 1::fp64\n\
             DEFINE t1(fp32, dec<3, 1>) = ((20, 1.5), (-3, -2.0))\n\
             corr(t1.col0, t1.col1, 0.5::fp64) [null_handling:IGNORE_NULLS] = -1::fp64\n\
             ((1), (2)) list_agg(col0::i8, ','::str) = <!UNDEFINED>\n",
        );
        assert_eq!(file.kind, TestKind::Aggregate);
        assert_eq!(file.cases.len(), 5);
        assert!(
            file.cases
                .iter()
                .all(|case| case.kind == TestKind::Aggregate)
        );

        let single = &file.cases[0];
        assert_eq!(single.function, "sum");
        assert_eq!(
            single.group.as_ref().map(|g| g.name.as_str()),
            Some("basic")
        );
        let i8_type = DataType::new(TypeKind::I8);
        assert_eq!(
            single.arguments,
            [Argument::Column {
                index: 0,
                data_type: i8_type.clone()
            }]
        );
        assert_eq!(
            single.table,
            Some(Table {
                name: None,
                columns: vec![i8_type],
                rows: vec![
                    vec![Literal::Integer(1)],
                    vec![Literal::Integer(-2)],
                    vec![Literal::Null]
                ],
            })
        );
        let empty = file.cases[1].table.as_ref().expect("a table");
        assert!(empty.rows.is_empty());
        assert_eq!(empty.columns, [DataType::new(TypeKind::I16)]);

        let compact = file.cases[2].table.as_ref().expect("a table");
        assert_eq!(
            compact.columns,
            [DataType::new(TypeKind::I32), DataType::new(TypeKind::Fp32)]
        );
        assert_eq!(
            compact.rows,
            [
                vec![Literal::Integer(20), Literal::Float("20.5".into())],
                vec![Literal::Integer(-3), Literal::Null],
            ]
        );

        let defined = &file.cases[3];
        assert_eq!(defined.line, 7);
        let fp32 = DataType::new(TypeKind::Fp32);
        let dec = DataType::new(TypeKind::Decimal(Some((3, 1))));
        let table = defined.table.as_ref().expect("a table");
        assert_eq!(table.name.as_deref(), Some("t1"));
        assert_eq!(table.columns, [fp32.clone(), dec.clone()]);
        assert_eq!(
            table.rows[1],
            [Literal::Float("-3".into()), Literal::Decimal("-2.0".into())]
        );
        assert_eq!(
            defined.arguments,
            [
                Argument::Column {
                    index: 0,
                    data_type: fp32
                },
                Argument::Column {
                    index: 1,
                    data_type: dec
                },
                arg(Literal::Float("0.5".into()), TypeKind::Fp64),
            ]
        );
        assert_eq!(defined.option("null_handling"), Some("IGNORE_NULLS"));

        let mixed = &file.cases[4];
        assert_eq!(mixed.arguments[1], arg(string(","), TypeKind::String));
        assert_eq!(mixed.expected, Expected::Undefined);
    }

    #[test]
    fn comments_and_multi_line_cases() {
        let file = parse_scalar(
            "# g1: first group\n\
             add(1::i8, 1::i8) = 2::i8  # one plus one\n\
             add(1::i8,\n    2::i8) = 3::i8\n\
             // a line comment\n\
             /* a block\n comment */\n\
             # g2\n\
             add(0::i8, 0::i8) = 0::i8\n",
        );
        let cases = &file.cases;
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].description.as_deref(), Some("one plus one"));
        assert_eq!(cases[1].description, None);
        assert_eq!(cases[1].line, 5);
        assert_eq!(cases[1].group.as_ref().map(|g| g.name.as_str()), Some("g1"));
        assert_eq!(
            cases[2].group,
            Some(TestGroup {
                name: "g2".into(),
                description: None
            })
        );
        assert_eq!(cases[2].line, 11);
    }

    #[test]
    fn dependencies_and_unquoted_includes() {
        let file = parse_test_file(
            "### SUBSTRAIT_SCALAR_TEST:V1\n\
             ### SUBSTRAIT_INCLUDE: /extensions/functions_list.yaml\n\
             ### SUBSTRAIT_DEPENDENCY: '/extensions/functions_arithmetic.yaml'\n\
             ### substrait_dependency: 'a.yaml', 'b.yaml'\n\
             cardinality([]::list<i32>) = 0::i64\n",
        )
        .expect("parses");
        assert_eq!(file.version, "V1");
        assert_eq!(file.include, ["/extensions/functions_list.yaml"]);
        assert_eq!(
            file.dependencies,
            ["/extensions/functions_arithmetic.yaml", "a.yaml", "b.yaml"]
        );
        assert_eq!(file.cases.len(), 1);
    }

    #[test]
    fn errors_name_their_line() {
        let header_only = "### SUBSTRAIT_SCALAR_TEST: v1\n";
        let cases = [
            (String::new(), 1, "Header"),
            ("# comment\n".into(), 1, "Header"),
            ("### SUBSTRAIT_SCALAR_TEST: one\n".into(), 1, "Header"),
            (header_only.into(), 1, "Header"),
            (
                format!("{header_only}### SUBSTRAIT_DEPENDENCY: 'x'\n"),
                2,
                "Header",
            ),
            (
                format!("{header_only}### SUBSTRAIT_INCLUDE: 'x' 'y'\n"),
                2,
                "Header",
            ),
            (
                format!("{SCALAR_HEADER}f(1::i8) = 1::i8\n### SUBSTRAIT_INCLUDE: 'x'\n"),
                4,
                "Header",
            ),
            (
                format!("{SCALAR_HEADER}concat('abc::str) = 'x'::str\n"),
                3,
                "UnterminatedString",
            ),
            (
                format!("{SCALAR_HEADER}add(1::i9, 2::i8) = 3::i8\n"),
                3,
                "BadType",
            ),
            (
                format!("{SCALAR_HEADER}add(1::dec<38>) = 3::i8\n"),
                3,
                "BadType",
            ),
            (
                format!("{SCALAR_HEADER}\n\nadd(1::i8 2::i8) = 3::i8\n"),
                5,
                "Unexpected",
            ),
            (
                format!("{SCALAR_HEADER}add(1::i8, 2::i8) 3::i8\n"),
                3,
                "Unexpected",
            ),
            (
                format!("{SCALAR_HEADER}add(1::i8, 2::i8) =\n"),
                3,
                "Unexpected",
            ),
            (
                format!("{SCALAR_HEADER}f(1::i8) = <!WRONG>\n"),
                3,
                "Unexpected",
            ),
            (
                format!("{SCALAR_HEADER}f(1::i8) = 1::i8 @\n"),
                3,
                "Unexpected",
            ),
            (
                format!("{SCALAR_HEADER}f(1::i8) [overflow] = 1::i8\n"),
                3,
                "Unexpected",
            ),
            (format!("{SCALAR_HEADER}f(x) = 1::i8\n"), 3, "InvalidCase"),
            (
                format!("{SCALAR_HEADER}((1), (2)) count(col0::i8) = 2::i64\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}add(1::i8, 2::i8) = 3::i8\n"),
                3,
                "Unexpected",
            ),
            (
                format!("{AGGREGATE_HEADER}((1, 2), (3)) f(col0::i8, col1::i8) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}((1), (2)) f(col1::i8) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}((1, 2)) f(col0::i8) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}((1)) f(col0::i8, col0::i16) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}DEFINE t(i8) = ((1)) f(u.col0) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
            (
                format!("{AGGREGATE_HEADER}DEFINE t(i8) = ((1)) f(t.col1) = 1::i8\n"),
                3,
                "InvalidCase",
            ),
        ];
        for (text, line, variant) in cases {
            let error = parse_test_file(&text).expect_err(&text);
            assert_eq!(error.line(), line, "{text:?}: {error}");
            assert!(
                format!("{error:?}").starts_with(variant),
                "{text:?}: {error:?}"
            );
        }
    }

    #[test]
    fn truncated_input_never_panics() {
        let text = format!(
            "{AGGREGATE_HEADER}# g: d\n\
             DEFINE t1(fp32, dec<3, 1>) = ((1.5, 2.5), (null, -1))\n\
             f(t1.col0, 'it''s\\'x'::str, '2020-01-01T00:00:00+01:00'::tstz) [a:B] = <!ERROR>\n\
             ((1)) g(col0::dec<38, 2>, (x -> h(x))::func<i32 -> i32>, [1, null]::list<i32?>) \
                 = 'P1DT2H'::iday<3>  # done\n"
        );
        parse_test_file(&text).expect("the whole text parses");
        let boundaries = (0..=text.len()).filter(|&i| text.is_char_boundary(i));
        for end in boundaries {
            // Only the absence of a panic matters; most prefixes are errors.
            if let Err(error) = parse_test_file(&text[..end]) {
                assert!(error.line() >= 1);
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let (open, close) = ("[".repeat(10_000), "]".repeat(10_000));
        let deep_list = format!("{SCALAR_HEADER}f({open}1{close}::i8) = 1::i8\n");
        let error = parse_test_file(&deep_list).expect_err("too deep");
        assert_eq!(error.line(), 3);

        let (open, close) = ("list<".repeat(10_000), ">".repeat(10_000));
        let deep_type = format!("{SCALAR_HEADER}f(null::{open}i8{close}) = 1::i8\n");
        assert!(parse_test_file(&deep_type).is_err());
    }

    /// Every `.test` file of the Substrait corpus parses, with the 1,179 cases its README counts
    /// (113 scalar files with 1,082 cases, 10 aggregate files with 97).
    #[test]
    fn parses_the_whole_substrait_corpus() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/substrait-tests/tests/cases");
        let mut files = Vec::new();
        crate::suites::find_test_files(&dir, &mut files).expect("the corpus folder reads");
        files.sort();
        // (files, cases) for scalar, then aggregate.
        let mut totals = [(0_usize, 0_usize); 2];
        for path in &files {
            let text = std::fs::read_to_string(path).expect("readable test file");
            let file = parse_test_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(file.include.len(), 1, "{}", path.display());
            assert!(!file.cases.is_empty(), "{}", path.display());
            let slot = &mut totals[usize::from(file.kind == TestKind::Aggregate)];
            slot.0 += 1;
            slot.1 += file.cases.len();
        }
        assert_eq!(files.len(), 123);
        assert_eq!(totals[0].1 + totals[1].1, 1_179);
        assert_eq!(totals, [(113, 1_082), (10, 97)]);
    }
}
