//! Turns one test case into a Substrait plan that computes its call and returns one row with one
//! column, `result`.
//!
//! * Scalar: `Project[emit: call](Read(VirtualTable: one row, no columns))`. datafusion-substrait
//!   reads a one-row, zero-column virtual table as the one-row relation of a `SELECT` without
//!   `FROM`, so no dummy column is needed.
//! * Aggregate: `Aggregate[no groupings; measure: call](Read(VirtualTable: the case's rows))`,
//!   columns named `col0`, `col1`, ... and typed by the case's table.
//!
//! The function is declared as `name:argsig` (e.g. `add:i8_i8`) in the extension whose URN comes
//! from the file's include path. Arguments are passed as values, including the string arguments
//! that a YAML declares as enums (`extract('YEAR'::str, ...)`), since that is how the test
//! format writes them.

pub(super) mod decimal;
mod literal;
pub(super) mod temporal;

use switchyard_producer::substrait::proto::aggregate_function::AggregationInvocation;
use switchyard_producer::substrait::proto::aggregate_rel::Measure;
use switchyard_producer::substrait::proto::expression::field_reference::{
    ReferenceType, RootReference, RootType,
};
use switchyard_producer::substrait::proto::expression::reference_segment::{self, StructField};
use switchyard_producer::substrait::proto::expression::{
    FieldReference, Literal as ProtoLiteral, ReferenceSegment, RexType, ScalarFunction, nested,
};
use switchyard_producer::substrait::proto::extensions::simple_extension_declaration::{
    ExtensionFunction, MappingType,
};
use switchyard_producer::substrait::proto::extensions::{
    SimpleExtensionDeclaration, SimpleExtensionUrn,
};
use switchyard_producer::substrait::proto::function_argument::ArgType;
use switchyard_producer::substrait::proto::read_rel::{ReadType, VirtualTable};
use switchyard_producer::substrait::proto::rel::RelType;
use switchyard_producer::substrait::proto::rel_common::{Emit, EmitKind};
use switchyard_producer::substrait::proto::r#type::{self, Nullability};
use switchyard_producer::substrait::proto::{
    AggregateFunction, AggregateRel, AggregationPhase, Expression, FunctionArgument,
    FunctionOption, NamedStruct, Plan, PlanRel, ProjectRel, ReadRel, Rel, RelCommon, RelRoot, Type,
    plan_rel,
};
use switchyard_producer::substrait::version::version_with_producer;
use thiserror::Error;

use super::{Argument, DataType, Expected, Literal, Table, TestCase, TestKind, TypeKind};
use literal::{proto_literal, proto_type};

/// The name of the one column every case plan returns.
pub const RESULT_COLUMN: &str = "result";

/// The producer name stamped into `plan.version` of case plans.
const PRODUCER: &str = "switchyard-conformance";
/// The anchor of the one extension URN a case plan declares.
const URN_ANCHOR: u32 = 1;
/// The anchor of the one function a case plan declares.
const FUNCTION_ANCHOR: u32 = 1;

/// Why a test case has no plan.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The case uses something a plan cannot express here: a lambda argument, a user-defined
    /// type, a precision Substrait does not allow, ...
    #[error("not supported: {0}")]
    Unsupported(String),
    /// The case itself is wrong: literal text its type cannot hold, a column outside its table.
    #[error("invalid test case: {0}")]
    Invalid(String),
}

/// A plan computing `case`'s call, where `include` is its file's `SUBSTRAIT_INCLUDE` list
/// ([`TestFile::include`](super::TestFile::include)).
///
/// The call's `output_type` is the expected value's type (made nullable when the expected value
/// is null). A case expecting `<!ERROR>` or `<!UNDEFINED>` states no type, so `output_type` is
/// left unset and the consumer derives it from the function's signature.
pub fn case_plan(case: &TestCase, include: &[String]) -> Result<Plan, PlanError> {
    let urn = match include {
        [path] => extension_urn(path)?,
        [] => {
            return Err(PlanError::Invalid(
                "the file includes no extension".to_string(),
            ));
        }
        several => {
            return Err(PlanError::Unsupported(format!(
                "the file includes {} extensions, so which one declares `{}` is unknown",
                several.len(),
                case.function
            )));
        }
    };
    let arguments = case
        .arguments
        .iter()
        .map(|argument| function_argument(argument, case.table.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let options = case
        .options
        .iter()
        .map(|(name, value)| FunctionOption {
            name: name.clone(),
            preference: vec![value.clone()],
        })
        .collect();
    let output_type = match &case.expected {
        Expected::Value(expected) => {
            let nullable = expected.data_type.nullable || expected.value == Literal::Null;
            let data_type = DataType {
                kind: expected.data_type.kind.clone(),
                nullable,
            };
            Some(proto_type(&data_type)?)
        }
        Expected::Error | Expected::Undefined => None,
    };
    let input = match (case.kind, &case.table) {
        (TestKind::Scalar, None) => project_call(ScalarFunction {
            function_reference: FUNCTION_ANCHOR,
            arguments,
            options,
            output_type,
            ..Default::default()
        }),
        (TestKind::Aggregate, Some(table)) => aggregate_call(
            table,
            AggregateFunction {
                function_reference: FUNCTION_ANCHOR,
                arguments,
                options,
                output_type,
                phase: AggregationPhase::InitialToResult as i32,
                invocation: AggregationInvocation::All as i32,
                ..Default::default()
            },
        )?,
        (TestKind::Scalar, Some(_)) => {
            return Err(PlanError::Invalid("a scalar case with a table".to_string()));
        }
        (TestKind::Aggregate, None) => {
            return Err(PlanError::Invalid(
                "an aggregate case without a table".to_string(),
            ));
        }
    };
    Ok(Plan {
        version: Some(version_with_producer(PRODUCER)),
        extension_urns: vec![SimpleExtensionUrn {
            extension_urn_anchor: URN_ANCHOR,
            urn,
        }],
        extensions: vec![SimpleExtensionDeclaration {
            mapping_type: Some(MappingType::ExtensionFunction(ExtensionFunction {
                extension_urn_reference: URN_ANCHOR,
                function_anchor: FUNCTION_ANCHOR,
                name: compound_name(case),
            })),
        }],
        relations: vec![PlanRel {
            rel_type: Some(plan_rel::RelType::Root(RelRoot {
                input: Some(input),
                names: vec![RESULT_COLUMN.to_string()],
            })),
        }],
        ..Default::default()
    })
}

/// The Substrait type a case plan gives a test-file type: `ts` is `precision_timestamp<6>`, a
/// bare `dec` is `decimal<38, 0>`, and so on (see the `literal` module). Lambda (`func<..>`) and
/// user-defined types have none.
pub fn case_type(data_type: &DataType) -> Result<Type, PlanError> {
    proto_type(data_type)
}

/// The URN of the extension file `include` names: `/extensions/functions_arithmetic.yaml` is
/// `extension:io.substrait:functions_arithmetic`. Every YAML of the corpus declares exactly the
/// `urn:` this gives (a test checks), so the path is enough and no file needs reading.
pub fn extension_urn(include: &str) -> Result<String, PlanError> {
    let file = include.rsplit('/').next().unwrap_or(include);
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .unwrap_or(file);
    if stem.is_empty() {
        return Err(PlanError::Invalid(format!(
            "`{include}` names no extension file"
        )));
    }
    Ok(format!("extension:io.substrait:{stem}"))
}

/// The function's compound name, `name:argsig`, with arguments' short type names joined by `_`
/// as in Substrait function signatures: `add:i8_i8`, `sum:dec`, `extract:str_ts`.
pub fn compound_name(case: &TestCase) -> String {
    let signature: Vec<String> = case
        .arguments
        .iter()
        .map(|argument| match argument {
            Argument::Value(value) => short_name(&value.data_type.kind),
            Argument::Column { data_type, .. } => short_name(&data_type.kind),
            Argument::Parameter(_) => "any".to_string(),
        })
        .collect();
    format!("{}:{}", case.function, signature.join("_"))
}

/// A type's short name in function signatures; parameters and nullability are not part of it.
fn short_name(kind: &TypeKind) -> String {
    let name = match kind {
        TypeKind::Boolean => "bool",
        TypeKind::I8 => "i8",
        TypeKind::I16 => "i16",
        TypeKind::I32 => "i32",
        TypeKind::I64 => "i64",
        TypeKind::Fp32 => "fp32",
        TypeKind::Fp64 => "fp64",
        TypeKind::String => "str",
        TypeKind::Binary => "vbin",
        TypeKind::Timestamp => "ts",
        TypeKind::TimestampTz => "tstz",
        TypeKind::Date => "date",
        TypeKind::Time => "time",
        TypeKind::IntervalYear => "iyear",
        TypeKind::IntervalDay(_) => "iday",
        TypeKind::IntervalCompound(_) => "icompound",
        TypeKind::Uuid => "uuid",
        TypeKind::FixedChar(_) => "fchar",
        TypeKind::VarChar(_) => "vchar",
        TypeKind::FixedBinary(_) => "fbin",
        TypeKind::Decimal(_) => "dec",
        TypeKind::PrecisionTime(_) => "pt",
        TypeKind::PrecisionTimestamp(_) => "pts",
        TypeKind::PrecisionTimestampTz(_) => "ptstz",
        TypeKind::List(_) => "list",
        TypeKind::Func { .. } => "func",
        TypeKind::UserDefined(name) => return format!("u!{name}"),
    };
    name.to_string()
}

fn function_argument(
    argument: &Argument,
    table: Option<&Table>,
) -> Result<FunctionArgument, PlanError> {
    let expression = match argument {
        Argument::Value(value) => {
            literal_expression(proto_literal(&value.value, &value.data_type)?)
        }
        Argument::Column { index, .. } => {
            if *index >= table.map_or(0, |table| table.columns.len()) {
                return Err(PlanError::Invalid(format!(
                    "col{index} is not a column of the case's table"
                )));
            }
            column(*index)?
        }
        Argument::Parameter(name) => {
            return Err(PlanError::Unsupported(format!(
                "`{name}` is a lambda parameter, which only a lambda body may use"
            )));
        }
    };
    Ok(FunctionArgument {
        arg_type: Some(ArgType::Value(expression)),
    })
}

/// The call in a project over one empty row, emitting only the call's column.
fn project_call(function: ScalarFunction) -> Rel {
    let one_row = read_values(Vec::new(), Vec::new(), vec![nested::Struct::default()]);
    Rel {
        rel_type: Some(RelType::Project(Box::new(ProjectRel {
            // A project outputs its input's columns, then its expressions; the input has none,
            // so the call is output 0. Emitting it explicitly keeps that true if this changes.
            common: Some(RelCommon {
                emit_kind: Some(EmitKind::Emit(Emit {
                    output_mapping: vec![0],
                })),
                ..Default::default()
            }),
            input: Some(Box::new(one_row)),
            expressions: vec![Expression {
                rex_type: Some(RexType::ScalarFunction(function)),
            }],
            ..Default::default()
        }))),
    }
}

/// The call as the only measure of an ungrouped aggregate over the case's table.
fn aggregate_call(table: &Table, function: AggregateFunction) -> Result<Rel, PlanError> {
    // A column holding a null is nullable whatever its `?` says: `sum((1, null)::i8)` writes
    // `i8`, and a schema that calls the column required would contradict its own rows.
    let columns: Vec<DataType> = table
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| DataType {
            kind: column.kind.clone(),
            nullable: column.nullable
                || table
                    .rows
                    .iter()
                    .any(|row| matches!(row.get(index), Some(Literal::Null))),
        })
        .collect();
    let types = columns
        .iter()
        .map(proto_type)
        .collect::<Result<Vec<_>, _>>()?;
    let names = (0..columns.len())
        .map(|index| format!("col{index}"))
        .collect();
    let rows = table
        .rows
        .iter()
        .map(|row| {
            if row.len() != columns.len() {
                return Err(PlanError::Invalid(format!(
                    "a row has {} values for {} columns",
                    row.len(),
                    columns.len()
                )));
            }
            let fields = row
                .iter()
                .zip(&columns)
                .map(|(value, data_type)| proto_literal(value, data_type).map(literal_expression))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(nested::Struct { fields })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rel {
        rel_type: Some(RelType::Aggregate(Box::new(AggregateRel {
            input: Some(Box::new(read_values(names, types, rows))),
            measures: vec![Measure {
                measure: Some(function),
                filter: None,
            }],
            ..Default::default()
        }))),
    })
}

/// A read of literal rows; an empty `rows` is an empty table of that schema.
fn read_values(names: Vec<String>, types: Vec<Type>, rows: Vec<nested::Struct>) -> Rel {
    Rel {
        rel_type: Some(RelType::Read(Box::new(ReadRel {
            base_schema: Some(NamedStruct {
                names,
                r#struct: Some(r#type::Struct {
                    types,
                    nullability: Nullability::Required as i32,
                    ..Default::default()
                }),
            }),
            // `expressions`, not the deprecated `values`.
            read_type: Some(ReadType::VirtualTable(VirtualTable {
                expressions: rows,
                ..Default::default()
            })),
            ..Default::default()
        }))),
    }
}

/// A reference to column `index` of the input.
fn column(index: usize) -> Result<Expression, PlanError> {
    let field = i32::try_from(index)
        .map_err(|_| PlanError::Invalid(format!("column {index} is out of range")))?;
    Ok(Expression {
        rex_type: Some(RexType::Selection(Box::new(FieldReference {
            reference_type: Some(ReferenceType::DirectReference(ReferenceSegment {
                reference_type: Some(reference_segment::ReferenceType::StructField(Box::new(
                    StructField { field, child: None },
                ))),
            })),
            root_type: Some(RootType::RootReference(RootReference {})),
        }))),
    })
}

fn literal_expression(literal: ProtoLiteral) -> Expression {
    Expression {
        rex_type: Some(RexType::Literal(literal)),
    }
}

#[cfg(test)]
mod tests;
