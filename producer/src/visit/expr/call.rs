//! Function calls of every kind: scalar, aggregate measures, window functions.

use datafusion_substrait::substrait::proto::function_argument::ArgType;
use datafusion_substrait::substrait::proto::{Expression, FunctionArgument, FunctionOption, Type};

use crate::type_derivation::{Argument, FunctionQuery, FunctionRegistry};
use crate::visit::functions::FunctionDeclaration;
use crate::visit::schema::RelSchema;
use crate::visit::visitor::{ArgumentValue, CallEvent, CallId, FunctionKind};
use crate::visit::walker::Walker;

/// What a call states, whichever message holds it.
pub(in crate::visit) struct CallSite<'a> {
    pub(in crate::visit) id: CallId,
    pub(in crate::visit) kind: FunctionKind,
    pub(in crate::visit) anchor: u32,
    pub(in crate::visit) arguments: &'a [FunctionArgument],
    pub(in crate::visit) options: &'a [FunctionOption],
    pub(in crate::visit) output_type: Option<&'a Type>,
}

/// Walks a call's arguments against `input`, resolves its anchor and tells the visitor;
/// returns the call's type (the declared output type; the walk checks it resolves to a
/// declared function).
pub(in crate::visit) fn walk(
    w: &mut Walker<'_>,
    site: CallSite<'_>,
    input: &RelSchema,
    path: &str,
    rel: usize,
) -> Option<Type> {
    let mut arguments = Vec::with_capacity(site.arguments.len());
    let mut expressions: Vec<Option<&Expression>> = Vec::with_capacity(site.arguments.len());
    for (i, argument) in site.arguments.iter().enumerate() {
        let (value, expression) = match argument.arg_type.as_ref() {
            Some(ArgType::Value(e)) => {
                let argument_path = format!("{path}/arguments[{i}]");
                let ty = w.expression(e, input, &argument_path, rel);
                (ArgumentValue::Value(ty), Some(e))
            }
            Some(ArgType::Enum(option)) => (ArgumentValue::Enum(option.as_str()), None),
            Some(ArgType::Type(ty)) => {
                w.visitor.declared_type(ty, path);
                (ArgumentValue::Type(ty), None)
            }
            None => {
                w.problem(&format!("{path}/arguments[{i}]"), "the argument is empty");
                (ArgumentValue::Missing, None)
            }
        };
        arguments.push(value);
        expressions.push(expression);
    }
    let declaration = w.functions.get(site.anchor);
    if declaration.is_none() {
        w.problem(
            path,
            format!(
                "calls function anchor {}, which the plan's extensions do not declare",
                site.anchor
            ),
        );
    }
    if let Some(ty) = site.output_type {
        w.visitor.declared_type(ty, path);
    }
    let derived = declaration
        .filter(|_| site.output_type.is_none() || w.visitor.wants_derived_types())
        .and_then(|declaration| derive(declaration, site.kind, &arguments));
    w.visitor.call(&CallEvent {
        id: site.id,
        kind: site.kind,
        anchor: site.anchor,
        declaration,
        arguments: &arguments,
        argument_expressions: &expressions,
        options: site.options,
        output_type: site.output_type,
        derived_type: derived.as_ref(),
        rel,
        path,
    });
    site.output_type.cloned().or(derived)
}

/// The call's type as its extension's return program gives it, when every argument's type
/// is known and the call resolves to one implementation.
fn derive(
    declaration: &FunctionDeclaration,
    kind: FunctionKind,
    arguments: &[ArgumentValue<'_>],
) -> Option<Type> {
    let arguments = arguments
        .iter()
        .map(|argument| match argument {
            ArgumentValue::Value(ty) => ty.clone().map(Argument::Value),
            ArgumentValue::Enum(option) => Some(Argument::Enum((*option).to_string())),
            ArgumentValue::Type(ty) => Some(Argument::Type((*ty).clone())),
            ArgumentValue::Missing => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let mut query = FunctionQuery {
        urn: declaration.urn.as_deref(),
        name: &declaration.declared,
        kind,
        arguments: &arguments,
    };
    let registry = FunctionRegistry::standard();
    // Older producers' URIs (`.../extensions/`) name no file, and the import pass that places
    // such functions by name picks the first extension declaring the name (`add` in
    // functions_arithmetic for DuckDB's `date + interval`); the arguments decide then.
    let resolved = registry.resolve(&query).or_else(|_| {
        query.urn = None;
        registry.resolve(&query)
    });
    resolved.ok().map(|resolved| resolved.output_type)
}
