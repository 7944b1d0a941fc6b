//! The function registry: every implementation of every function in a set of extension YAMLs,
//! parsed once and indexed by name, and resolution of a call to an implementation and its
//! concrete result type.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::LazyLock;

use substrait::proto::Type;

use super::binding::{bind, may_match};
use super::concrete::ConcreteType;
use super::error::{ParseError, ResolveError};
use super::evaluate::{Bindings, evaluate_program};
use super::extension_yaml::{CORE_EXTENSIONS, ExtensionFile, FunctionDef, ImplDef, scalar_text};
use super::parser::{parse_program, parse_type_expression};
use super::syntax::{Expr, Program};

/// Which section of an extension a function is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    /// `scalar_functions`.
    Scalar,
    /// `aggregate_functions`.
    Aggregate,
    /// `window_functions`; a window call may also use an aggregate function.
    Window,
}

impl fmt::Display for FunctionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FunctionKind::Scalar => "scalar",
            FunctionKind::Aggregate => "aggregate",
            FunctionKind::Window => "window",
        })
    }
}

/// How an implementation's result nullability follows from its arguments (the YAML's
/// `nullability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullabilityHandling {
    /// The default: the result is nullable exactly when some argument is; the `?` of the return
    /// type and of the argument patterns are ignored.
    Mirror,
    /// The result is nullable exactly as the return type says; arguments of either
    /// nullability are accepted.
    DeclaredOutput,
    /// Arguments must have the nullability their patterns declare; the result is as declared.
    Discrete,
}

/// What one positional argument of an implementation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgPattern {
    /// A value of a type matching the pattern (`decimal<P1,S1>`, `any1`, `list<any1>`).
    Value(Expr),
    /// One of these enumeration values (`extract`'s `YEAR`, `MONTH`, ...).
    Enum(Vec<String>),
    /// A type literal matching the pattern (`type:` arguments).
    Type(Expr),
}

/// Variadic behaviour of an implementation's last argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variadic {
    /// At least this many occurrences.
    pub min: usize,
    /// At most this many; `None` for unbounded.
    pub max: Option<usize>,
    /// Every occurrence must bind the same parameters (`CONSISTENT`, the default).
    pub consistent: bool,
}

/// One implementation of a function, ready to match: argument patterns and return program
/// already parsed.
#[derive(Debug, Clone)]
pub struct Implementation {
    urn: String,
    name: String,
    kind: FunctionKind,
    signature: String,
    args: Vec<ArgPattern>,
    variadic: Option<Variadic>,
    options: BTreeMap<String, Vec<String>>,
    nullability: NullabilityHandling,
    program: Program,
    return_text: String,
}

/// One argument of a call: a value of a type, or an enumeration value.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// A value argument (`FunctionArgument::Value`), by its type.
    Value(Type),
    /// An enumeration argument (`FunctionArgument::Enum`), by its value.
    Enum(String),
    /// A type argument (`FunctionArgument::Type`).
    Type(Type),
}

/// A call to resolve.
#[derive(Debug, Clone, Copy)]
pub struct FunctionQuery<'a> {
    /// The extension URN the plan declares the function in; `None` when the plan gives none
    /// (plans before spec 0.85, DataFusion's producer), in which case every registered
    /// extension is searched: matches in several extensions are an error
    /// ([`ResolveError::Ambiguous`]) when their result types differ, and resolve to the first
    /// extension in load order when they agree.
    pub urn: Option<&'a str>,
    /// The function name; a compound name (`add:i64_i64`) is reduced to its part before `:`,
    /// as the arguments decide the implementation.
    pub name: &'a str,
    /// Scalar, aggregate or window.
    pub kind: FunctionKind,
    /// The arguments, in order.
    pub arguments: &'a [Argument],
}

/// A call resolved to an implementation.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedFunction<'r> {
    /// The extension that declares the implementation.
    pub urn: &'r str,
    /// The function's name as the YAML writes it.
    pub name: &'r str,
    /// The implementation's signature key: `i64_i64`, `dec_dec`, `req_pts` (enumeration
    /// arguments are `req`).
    pub signature: &'r str,
    /// The call's result type, nullability included.
    pub output_type: Type,
    /// The implementation's named options and their allowed values.
    pub options: &'r BTreeMap<String, Vec<String>>,
    /// How the result's nullability was decided.
    pub nullability: NullabilityHandling,
}

/// An implementation that could not be loaded, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    /// The file (or URN) it is in.
    pub source: String,
    /// The function name, if the problem is within a function.
    pub function: Option<String>,
    /// The 0-based implementation index, if the problem is within an implementation.
    pub implementation: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for LoadProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(function) = &self.function {
            write!(f, " `{function}`")?;
        }
        if let Some(index) = self.implementation {
            write!(f, " impl #{index}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Every implementation of every function of a set of extensions, indexed by name.
#[derive(Debug, Default)]
pub struct FunctionRegistry {
    implementations: Vec<Implementation>,
    /// Lower-cased function name → indexes into `implementations`, in declaration order
    /// (extensions in load order, then functions, then impls).
    by_name: HashMap<String, Vec<usize>>,
    /// URNs in load order.
    urns: Vec<String>,
    problems: Vec<LoadProblem>,
}

static STANDARD: LazyLock<FunctionRegistry> =
    LazyLock::new(|| FunctionRegistry::from_yaml_texts(CORE_EXTENSIONS.iter().copied()));

impl FunctionRegistry {
    /// The registry of Substrait's core function extensions (v0.85.0), built once.
    pub fn standard() -> &'static FunctionRegistry {
        &STANDARD
    }

    /// A registry of the extensions given as `(source name, YAML text)`. Nothing is fatal: a
    /// file that is not an extension or an implementation whose text does not parse is skipped
    /// and recorded in [`FunctionRegistry::load_problems`].
    pub fn from_yaml_texts<'t>(files: impl IntoIterator<Item = (&'t str, &'t str)>) -> Self {
        let mut registry = Self::default();
        for (source, text) in files {
            match serde_yaml::from_str::<ExtensionFile>(text) {
                Ok(file) => registry.add_file(source, file),
                Err(error) => registry.problems.push(LoadProblem {
                    source: source.to_string(),
                    function: None,
                    implementation: None,
                    reason: format!("not a function extension: {error}"),
                }),
            }
        }
        registry
    }

    fn add_file(&mut self, source: &str, file: ExtensionFile) {
        let sections = [
            (FunctionKind::Scalar, &file.scalar_functions),
            (FunctionKind::Aggregate, &file.aggregate_functions),
            (FunctionKind::Window, &file.window_functions),
        ];
        for (kind, functions) in sections {
            for function in functions {
                self.add_function(source, &file.urn, kind, function);
            }
        }
        self.urns.push(file.urn);
    }

    fn add_function(
        &mut self,
        source: &str,
        urn: &str,
        kind: FunctionKind,
        function: &FunctionDef,
    ) {
        for (index, def) in function.impls.iter().enumerate() {
            match Implementation::compile(urn, &function.name, kind, def) {
                Ok(implementation) => {
                    self.by_name
                        .entry(function.name.to_ascii_lowercase())
                        .or_default()
                        .push(self.implementations.len());
                    self.implementations.push(implementation);
                }
                Err(reason) => self.problems.push(LoadProblem {
                    source: source.to_string(),
                    function: Some(function.name.clone()),
                    implementation: Some(index),
                    reason,
                }),
            }
        }
    }

    /// Implementations that could not be loaded, and why.
    pub fn load_problems(&self) -> &[LoadProblem] {
        &self.problems
    }

    /// Every loaded implementation, in declaration order.
    pub fn implementations(&self) -> &[Implementation] {
        &self.implementations
    }

    /// The URNs of the loaded extensions, in load order.
    pub fn urns(&self) -> &[String] {
        &self.urns
    }

    /// Resolves a call: finds the implementation its arguments match (the first in declaration
    /// order) and evaluates that implementation's return program for them.
    ///
    /// ```
    /// use switchyard_producer::substrait::proto::{Type, r#type::{Decimal, Kind, Nullability}};
    /// use switchyard_producer::type_derivation::{Argument, FunctionKind, FunctionQuery, FunctionRegistry};
    ///
    /// let dec = |precision, scale| Argument::Value(Type { kind: Some(Kind::Decimal(Decimal {
    ///     precision, scale, nullability: Nullability::Required as i32, ..Default::default()
    /// })) });
    /// let resolved = FunctionRegistry::standard().resolve(&FunctionQuery {
    ///     urn: Some("extension:io.substrait:functions_arithmetic_decimal"),
    ///     name: "add",
    ///     kind: FunctionKind::Scalar,
    ///     arguments: &[dec(10, 2), dec(38, 10)],
    /// }).expect("resolves");
    /// assert_eq!(resolved.signature, "dec_dec");
    /// // init_scale = 10, init_prec = 10 + max(8, 28) + 1 = 39 > 38, so the scale gives way:
    /// // scale = max(10 - 1, min(10, 6)) = 9.
    /// let Some(Kind::Decimal(d)) = resolved.output_type.kind else { panic!() };
    /// assert_eq!((d.precision, d.scale), (38, 9));
    /// ```
    pub fn resolve<'r>(
        &'r self,
        query: &FunctionQuery<'_>,
    ) -> Result<ResolvedFunction<'r>, ResolveError> {
        if let Some(urn) = query.urn
            && !self.urns.iter().any(|u| u == urn)
        {
            return Err(ResolveError::UnknownUrn(urn.to_string()));
        }
        let name = query
            .name
            .split_once(':')
            .map_or(query.name, |(base, _)| base);
        let arguments = CallArguments::read(query.arguments)?;
        let no_such = || ResolveError::NoSuchFunction {
            name: name.to_string(),
            kind: query.kind,
            urn: query.urn.map(str::to_string),
        };
        // Keys are lower-case; plans almost always are, so lower-casing rarely allocates.
        let key: std::borrow::Cow<'_, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase().into()
        } else {
            name.into()
        };
        let indexes = self.by_name.get(key.as_ref()).ok_or_else(no_such)?;
        let candidates = indexes
            .iter()
            .map(|&i| &self.implementations[i])
            .filter(|imp| query.urn.is_none_or(|urn| imp.urn == urn))
            .filter(|imp| kind_serves(imp.kind, query.kind));

        // The first implementation that matches in each extension, with its result.
        let mut found: Vec<(&Implementation, Result<ConcreteType, ResolveError>)> = Vec::new();
        let mut rejected = Vec::new();
        let mut any_candidate = false;
        for implementation in candidates {
            any_candidate = true;
            if found.iter().any(|(f, _)| f.urn == implementation.urn) {
                continue;
            }
            if !implementation.may_match(&arguments) {
                rejected.push(implementation);
                continue;
            }
            match implementation.bind_arguments(&arguments) {
                Ok(bindings) => {
                    let result = implementation.finish(bindings, &arguments);
                    found.push((implementation, result));
                }
                Err(_) => rejected.push(implementation),
            }
        }
        if !any_candidate {
            return Err(no_such());
        }
        // Without a URN, an extension whose program fails does not block one that succeeds.
        let succeeded: Vec<(&Implementation, ConcreteType)> = found
            .iter()
            .filter_map(|(imp, result)| result.as_ref().ok().map(|t| (*imp, t.clone())))
            .collect();
        match succeeded.as_slice() {
            [] => match found.into_iter().next() {
                Some((_, Err(error))) => Err(error),
                // Only now, on failure, say why each candidate was rejected.
                _ => Err(ResolveError::NoMatchingImpl {
                    name: name.to_string(),
                    kind: query.kind,
                    urn: query.urn.map(str::to_string),
                    arguments: arguments.describe(),
                    candidates: rejected
                        .iter()
                        .map(|imp| imp.explain_rejection(&arguments))
                        .collect(),
                }),
            },
            [(implementation, output), rest @ ..] => {
                // Several extensions match only without a URN; they must agree on the type.
                if rest.iter().any(|(_, other)| other != output) {
                    return Err(ResolveError::Ambiguous {
                        name: name.to_string(),
                        arguments: arguments.describe(),
                        urns: succeeded.iter().map(|(i, _)| i.urn.clone()).collect(),
                    });
                }
                Ok(implementation.resolved(output))
            }
        }
    }
}

/// Aggregate functions may be called as window functions; nothing else crosses sections.
fn kind_serves(declared: FunctionKind, wanted: FunctionKind) -> bool {
    declared == wanted || (declared == FunctionKind::Aggregate && wanted == FunctionKind::Window)
}

/// A call's arguments read into matchable form once, before trying implementations.
pub(super) struct CallArguments(Vec<CallArgument>);

enum CallArgument {
    Value(ConcreteType),
    Enum(String),
    Type(ConcreteType),
}

impl CallArguments {
    fn read(arguments: &[Argument]) -> Result<Self, ResolveError> {
        let unsupported = |index, reason| ResolveError::UnsupportedArgument { index, reason };
        arguments
            .iter()
            .enumerate()
            .map(|(index, argument)| match argument {
                Argument::Value(t) => ConcreteType::from_proto(t)
                    .map(CallArgument::Value)
                    .map_err(|reason| unsupported(index, reason)),
                Argument::Type(t) => ConcreteType::from_proto(t)
                    .map(CallArgument::Type)
                    .map_err(|reason| unsupported(index, reason)),
                Argument::Enum(value) => Ok(CallArgument::Enum(value.clone())),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn describe(&self) -> String {
        self.0
            .iter()
            .map(|a| match a {
                CallArgument::Value(t) => t.to_string(),
                CallArgument::Enum(v) => format!("enum {v}"),
                CallArgument::Type(t) => format!("type {t}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Implementation {
    fn compile(
        urn: &str,
        name: &str,
        kind: FunctionKind,
        def: &ImplDef,
    ) -> Result<Implementation, String> {
        let parse = |text: &str| parse_type_expression(text).map_err(|e: ParseError| e.to_string());
        let args = def
            .args
            .iter()
            .enumerate()
            .map(|(i, arg)| {
                if let Some(value) = &arg.value {
                    let text =
                        scalar_text(value).ok_or(format!("argument {i}: value is not text"))?;
                    parse(&text).map(ArgPattern::Value)
                } else if let Some(options) = &arg.options {
                    options
                        .iter()
                        .map(|o| scalar_text(o).ok_or(format!("argument {i}: option is not text")))
                        .collect::<Result<Vec<_>, _>>()
                        .map(ArgPattern::Enum)
                } else if let Some(type_arg) = &arg.type_arg {
                    let text =
                        scalar_text(type_arg).ok_or(format!("argument {i}: type is not text"))?;
                    parse(&text).map(ArgPattern::Type)
                } else {
                    Err(format!(
                        "argument {i} ({}) has neither `value`, `options` nor `type`",
                        arg.name.as_deref().unwrap_or("unnamed")
                    ))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let return_text = scalar_text(&def.return_type).ok_or("`return` is not text")?;
        let program = parse_program(&return_text).map_err(|e| e.to_string())?;
        let nullability = match def.nullability.as_deref() {
            None | Some("MIRROR") => NullabilityHandling::Mirror,
            Some("DECLARED_OUTPUT") => NullabilityHandling::DeclaredOutput,
            Some("DISCRETE") => NullabilityHandling::Discrete,
            Some(other) => return Err(format!("unknown nullability handling `{other}`")),
        };
        let variadic = def.variadic.as_ref().map(|v| Variadic {
            min: v.min.map_or(1, |m| m as usize),
            max: v.max.map(|m| m as usize),
            consistent: v.parameter_consistency.as_deref() != Some("INCONSISTENT"),
        });
        if variadic.is_some() && args.is_empty() {
            return Err("variadic without arguments".to_string());
        }
        let options = def
            .options
            .iter()
            .map(|(name, option)| {
                let values = option
                    .values
                    .iter()
                    .map(|v| scalar_text(v).ok_or(format!("option `{name}`: value is not text")))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((name.clone(), values))
            })
            .collect::<Result<BTreeMap<_, _>, String>>()?;
        let signature = args
            .iter()
            .map(|arg| match arg {
                ArgPattern::Value(Expr::Type(t)) | ArgPattern::Type(Expr::Type(t)) => {
                    t.name.signature_name()
                }
                ArgPattern::Value(other) | ArgPattern::Type(other) => other.to_string(),
                ArgPattern::Enum(_) => "req".to_string(),
            })
            .collect::<Vec<_>>()
            .join("_");
        Ok(Implementation {
            urn: urn.to_string(),
            name: name.to_string(),
            kind,
            signature,
            args,
            variadic,
            options,
            nullability,
            program,
            return_text,
        })
    }

    /// The extension URN.
    pub fn urn(&self) -> &str {
        &self.urn
    }

    /// The function name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Scalar, aggregate or window.
    pub fn kind(&self) -> FunctionKind {
        self.kind
    }

    /// The signature key, e.g. `dec_dec`.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The argument patterns, as declared (a variadic last argument appears once).
    pub fn args(&self) -> &[ArgPattern] {
        &self.args
    }

    /// The variadic behaviour of the last argument, if any.
    pub fn variadic(&self) -> Option<Variadic> {
        self.variadic
    }

    /// The named options and their allowed values.
    pub fn options(&self) -> &BTreeMap<String, Vec<String>> {
        &self.options
    }

    /// The nullability handling.
    pub fn nullability(&self) -> NullabilityHandling {
        self.nullability
    }

    /// The `return` text as written in the YAML.
    pub fn return_text(&self) -> &str {
        &self.return_text
    }

    /// Matches `arguments` against this implementation alone and evaluates its return program:
    /// what [`FunctionRegistry::resolve`] does once it has picked this implementation.
    pub fn resolve_with(
        &self,
        arguments: &[Argument],
    ) -> Result<ResolvedFunction<'_>, ResolveError> {
        let arguments = CallArguments::read(arguments)?;
        let bindings =
            self.bind_arguments(&arguments)
                .map_err(|reason| ResolveError::NoMatchingImpl {
                    name: self.name.clone(),
                    kind: self.kind,
                    urn: Some(self.urn.clone()),
                    arguments: arguments.describe(),
                    candidates: vec![format!("{}: {reason}", self.describe())],
                })?;
        let output = self.finish(bindings, &arguments)?;
        Ok(self.resolved(&output))
    }

    fn describe(&self) -> String {
        format!("{}:{}", self.name, self.signature)
    }

    /// `name:signature: why these arguments do not match`.
    fn explain_rejection(&self, arguments: &CallArguments) -> String {
        let reason = match self.bind_arguments(arguments) {
            Err(reason) => reason,
            Ok(_) => "matches, but another implementation in this extension came first".into(),
        };
        format!("{}: {reason}", self.describe())
    }

    /// Whether the arguments could match, judged by count and each value's type name alone,
    /// without allocating; the full [`Implementation::bind_arguments`] decides.
    fn may_match(&self, arguments: &CallArguments) -> bool {
        let count = arguments.0.len();
        let declared = self.args.len();
        let count_ok = match self.variadic {
            None => count == declared,
            Some(v) => {
                let fixed = declared.saturating_sub(1);
                count >= fixed + v.min && v.max.is_none_or(|max| count - fixed <= max)
            }
        };
        count_ok
            && arguments.0.iter().enumerate().all(|(index, argument)| {
                match (&self.args[index.min(declared - 1)], argument) {
                    (ArgPattern::Value(p), CallArgument::Value(t))
                    | (ArgPattern::Type(p), CallArgument::Type(t)) => may_match(p, t),
                    (ArgPattern::Enum(_), CallArgument::Enum(_)) => true,
                    _ => false,
                }
            })
    }

    /// Binds every argument to its pattern, or says why the implementation does not apply.
    fn bind_arguments(&self, arguments: &CallArguments) -> Result<Bindings, String> {
        let count = arguments.0.len();
        let declared = self.args.len();
        match self.variadic {
            None if count != declared => {
                return Err(format!("takes {declared} argument(s), not {count}"));
            }
            Some(v) => {
                let fixed = declared - 1;
                let repeats = count.saturating_sub(fixed);
                if count < fixed + v.min || v.max.is_some_and(|max| repeats > max) {
                    let max = v.max.map_or("any number".to_string(), |m| m.to_string());
                    return Err(format!(
                        "takes {fixed} argument(s) then {} to {max} of the last, not {count} in all",
                        v.min
                    ));
                }
            }
            None => {}
        }
        let strict = self.nullability == NullabilityHandling::Discrete;
        let mut bindings = Bindings::new();
        let inconsistent = self.variadic.is_some_and(|v| !v.consistent);
        // With INCONSISTENT variadics, what the fixed arguments bound, before the first
        // occurrence of the variadic one.
        let mut before_variadic = None;
        for (index, argument) in arguments.0.iter().enumerate() {
            let pattern = &self.args[index.min(declared - 1)];
            if inconsistent && index == declared - 1 {
                before_variadic = Some(bindings.clone());
            }
            // INCONSISTENT: a repeated occurrence must match the pattern, and agree with the
            // fixed arguments, but may bind the pattern's own parameters differently from the
            // first occurrence; it binds into a throw-away copy of the fixed arguments' bindings.
            let mut scratch;
            let target = match &before_variadic {
                Some(fixed) if index >= declared => {
                    scratch = fixed.clone();
                    &mut scratch
                }
                _ => &mut bindings,
            };
            let outcome = match (pattern, argument) {
                (ArgPattern::Value(p), CallArgument::Value(t))
                | (ArgPattern::Type(p), CallArgument::Type(t)) => bind(p, t, target, strict),
                (ArgPattern::Enum(options), CallArgument::Enum(value)) => {
                    if options.iter().any(|o| o.eq_ignore_ascii_case(value)) {
                        Ok(())
                    } else {
                        Err(format!("`{value}` is not one of {}", options.join(", ")))
                    }
                }
                (ArgPattern::Enum(_), _) => Err("expects an enumeration value".to_string()),
                (ArgPattern::Type(_), _) => Err("expects a type argument".to_string()),
                (ArgPattern::Value(_), _) => Err("expects a value".to_string()),
            };
            outcome.map_err(|reason| format!("argument {index}: {reason}"))?;
        }
        Ok(bindings)
    }

    /// Evaluates the return program and applies the nullability handling.
    fn finish(
        &self,
        mut bindings: Bindings,
        arguments: &CallArguments,
    ) -> Result<ConcreteType, ResolveError> {
        let output = evaluate_program(&self.program, &mut bindings).map_err(|error| {
            ResolveError::Program {
                name: self.name.clone(),
                signature: self.signature.clone(),
                urn: self.urn.clone(),
                error,
            }
        })?;
        Ok(match self.nullability {
            NullabilityHandling::Mirror => {
                let nullable = arguments.0.iter().any(|a| match a {
                    CallArgument::Value(t) => t.nullable,
                    CallArgument::Enum(_) | CallArgument::Type(_) => false,
                });
                output.with_nullable(nullable)
            }
            NullabilityHandling::DeclaredOutput | NullabilityHandling::Discrete => output,
        })
    }

    fn resolved(&self, output: &ConcreteType) -> ResolvedFunction<'_> {
        ResolvedFunction {
            urn: &self.urn,
            name: &self.name,
            signature: &self.signature,
            output_type: output.to_proto(),
            options: &self.options,
            nullability: self.nullability,
        }
    }
}
