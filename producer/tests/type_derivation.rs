//! Type derivation from the extension YAMLs: every implementation of the spec's YAMLs evaluates
//! for representative arguments, the decimal programs give the results worked by hand from the
//! spec's formulas, and resolution errors say why.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use switchyard_producer::substrait::proto::Type;
use switchyard_producer::type_derivation::syntax::{Expr, TypeName};
use switchyard_producer::type_derivation::{
    ArgPattern, Argument, ConcreteKind, ConcreteType, FunctionKind, FunctionQuery,
    FunctionRegistry, Implementation, NullabilityHandling, ResolveError,
};

// ---------------------------------------------------------------------------------------------
// Helpers

fn t(kind: ConcreteKind) -> ConcreteType {
    ConcreteType::new(kind, false)
}

fn value(kind: ConcreteKind) -> Argument {
    Argument::Value(t(kind).to_proto())
}

fn nullable(kind: ConcreteKind) -> Argument {
    Argument::Value(ConcreteType::new(kind, true).to_proto())
}

fn dec(p: i64, s: i64) -> Argument {
    value(ConcreteKind::Decimal(p, s))
}

fn concrete(proto: &Type) -> ConcreteType {
    ConcreteType::from_proto(proto).expect("a derived type converts back")
}

const DECIMAL_URN: &str = "extension:io.substrait:functions_arithmetic_decimal";

fn derive(
    urn: Option<&str>,
    name: &str,
    kind: FunctionKind,
    arguments: &[Argument],
) -> ConcreteType {
    let resolved = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn,
            name,
            kind,
            arguments,
        })
        .unwrap_or_else(|e| panic!("{name} resolves: {e}"));
    concrete(&resolved.output_type)
}

fn decimal_result(name: &str, left: (i64, i64), right: (i64, i64)) -> (i64, i64) {
    let result = derive(
        Some(DECIMAL_URN),
        name,
        FunctionKind::Scalar,
        &[dec(left.0, left.1), dec(right.0, right.1)],
    );
    match result.kind {
        ConcreteKind::Decimal(p, s) => (p, s),
        other => panic!("{name} gave {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Decimal programs, worked by hand from the spec's formulas

/// add / subtract: init_scale = max(S1,S2); init_prec = init_scale + max(P1-S1, P2-S2) + 1;
/// above 38 the scale gives up `init_prec - 38` digits but keeps at least min(init_scale, 6).
#[test]
fn decimal_add_and_subtract_at_the_cap() {
    // 4 + max(8, 1) + 1 = 13: no capping.
    assert_eq!(decimal_result("add", (10, 2), (5, 4)), (13, 4));
    // init_scale 10, init_prec 10 + 28 + 1 = 39: delta 1, scale max(9, 6) = 9.
    assert_eq!(decimal_result("add", (38, 10), (38, 10)), (38, 9));
    assert_eq!(decimal_result("subtract", (38, 10), (10, 2)), (38, 9));
    // init_scale 2, init_prec 39: scale max(1, min(2, 6)) = 2: the minimum scale wins.
    assert_eq!(decimal_result("add", (38, 2), (38, 2)), (38, 2));
    // init_scale 30, init_prec 30 + 8 + 1 = 39: scale max(29, 6) = 29.
    assert_eq!(decimal_result("subtract", (38, 30), (10, 2)), (38, 29));
}

/// multiply: init_scale = S1 + S2; init_prec = P1 + P2 + 1; then the same capping.
#[test]
fn decimal_multiply_at_the_cap() {
    assert_eq!(decimal_result("multiply", (10, 2), (5, 1)), (16, 3));
    // init_scale 20, init_prec 77: delta 39, scale max(20 - 39, 6) = 6.
    assert_eq!(decimal_result("multiply", (38, 10), (38, 10)), (38, 6));
    // init_scale 20, init_prec 41: delta 3, scale max(17, 6) = 17.
    assert_eq!(decimal_result("multiply", (20, 10), (20, 10)), (38, 17));
    // init_scale 8, init_prec 41: scale max(5, 6) = 6.
    assert_eq!(decimal_result("multiply", (20, 4), (20, 4)), (38, 6));
}

/// divide: init_scale = max(6, S1 + P2 + 1); init_prec = P1 - S1 + P2 + init_scale.
#[test]
fn decimal_divide_at_the_cap() {
    // init_scale max(6, 2 + 5 + 1) = 8, init_prec 10 - 2 + 5 + 8 = 21.
    assert_eq!(decimal_result("divide", (10, 2), (5, 1)), (21, 8));
    // init_scale 49, init_prec 115: scale max(49 - 77, 6) = 6.
    assert_eq!(decimal_result("divide", (38, 10), (38, 10)), (38, 6));
    // init_scale max(6, 2) = 6, init_prec 38 + 1 + 6 = 45: scale max(-1, 6) = 6.
    assert_eq!(decimal_result("divide", (38, 0), (1, 0)), (38, 6));
    // init_scale 13, init_prec 20 - 2 + 10 + 13 = 41: scale max(10, 6) = 10.
    assert_eq!(decimal_result("divide", (20, 2), (10, 2)), (38, 10));
}

#[test]
fn decimal_modulus_and_aggregates() {
    // init_scale max(2, 4) = 4, init_prec min(8, 1) + 4 = 5.
    assert_eq!(decimal_result("modulus", (10, 2), (5, 4)), (5, 4));
    // sum: DECIMAL?<38,S>, DECLARED_OUTPUT: nullable even for a non-null column.
    let sum = derive(
        Some(DECIMAL_URN),
        "sum",
        FunctionKind::Aggregate,
        &[dec(10, 2)],
    );
    assert_eq!(sum, ConcreteType::new(ConcreteKind::Decimal(38, 2), true));
    // avg: DECIMAL<38,S>, not nullable as declared.
    let avg = derive(
        Some(DECIMAL_URN),
        "avg",
        FunctionKind::Aggregate,
        &[dec(12, 3)],
    );
    assert_eq!(avg, t(ConcreteKind::Decimal(38, 3)));
    // bitwise_and needs scale 0.
    assert_eq!(decimal_result("bitwise_and", (12, 0), (20, 0)), (20, 0));
    let error = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn: Some(DECIMAL_URN),
            name: "bitwise_and",
            kind: FunctionKind::Scalar,
            arguments: &[dec(12, 2), dec(20, 0)],
        })
        .expect_err("scale 2 is not 0");
    assert!(
        matches!(error, ResolveError::NoMatchingImpl { .. }),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// Resolution behaviour

#[test]
fn mirror_nullability_follows_the_arguments() {
    let arith = Some("extension:io.substrait:functions_arithmetic");
    let both = derive(
        arith,
        "add",
        FunctionKind::Scalar,
        &[value(ConcreteKind::I64), value(ConcreteKind::I64)],
    );
    assert_eq!(both, t(ConcreteKind::I64));
    let one = derive(
        arith,
        "add",
        FunctionKind::Scalar,
        &[value(ConcreteKind::I64), nullable(ConcreteKind::I64)],
    );
    assert_eq!(one, ConcreteType::new(ConcreteKind::I64, true));
}

#[test]
fn signature_options_and_declared_output() {
    let resolved = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn: Some("extension:io.substrait:functions_arithmetic"),
            name: "add:i64_i64",
            kind: FunctionKind::Scalar,
            arguments: &[value(ConcreteKind::I64), value(ConcreteKind::I64)],
        })
        .expect("resolves");
    assert_eq!(resolved.signature, "i64_i64");
    assert_eq!(resolved.name, "add");
    assert_eq!(
        resolved.options.get("overflow").map(Vec::as_slice),
        Some(&["SILENT".to_string(), "SATURATE".into(), "ERROR".into()][..])
    );
    // is_null: DECLARED_OUTPUT boolean, not nullable even for a nullable argument.
    let is_null = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn: None,
            name: "is_null",
            kind: FunctionKind::Scalar,
            arguments: &[nullable(ConcreteKind::VarChar(5))],
        })
        .expect("resolves");
    assert_eq!(is_null.nullability, NullabilityHandling::DeclaredOutput);
    assert_eq!(concrete(&is_null.output_type), t(ConcreteKind::Boolean));
}

#[test]
fn type_variables_and_lengths_bind() {
    // coalesce(any1, any1...) -> any1: the varchar length comes through.
    let coalesce = derive(
        None,
        "coalesce",
        FunctionKind::Scalar,
        &[
            nullable(ConcreteKind::VarChar(5)),
            value(ConcreteKind::VarChar(5)),
        ],
    );
    assert_eq!(coalesce.kind, ConcreteKind::VarChar(5));
    // Inconsistent any1 does not match.
    let error = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn: None,
            name: "coalesce",
            kind: FunctionKind::Scalar,
            arguments: &[value(ConcreteKind::I32), value(ConcreteKind::I64)],
        })
        .expect_err("any1 must agree");
    assert!(error.to_string().contains("already"), "{error}");
    // substring(varchar<L1>, i32, i32) -> varchar<L1>.
    let substring = derive(
        None,
        "substring",
        FunctionKind::Scalar,
        &[
            value(ConcreteKind::VarChar(12)),
            value(ConcreteKind::I32),
            value(ConcreteKind::I32),
        ],
    );
    assert_eq!(substring, t(ConcreteKind::VarChar(12)));
    // extract(YEAR, precision_timestamp<9>) with an enumeration argument.
    let extract = FunctionRegistry::standard()
        .resolve(&FunctionQuery {
            urn: None,
            name: "extract",
            kind: FunctionKind::Scalar,
            arguments: &[
                Argument::Enum("YEAR".into()),
                value(ConcreteKind::PrecisionTimestamp(9)),
            ],
        })
        .expect("resolves");
    assert_eq!(extract.signature, "req_pts");
    assert_eq!(concrete(&extract.output_type), t(ConcreteKind::I64));
}

#[test]
fn errors_say_precisely_why() {
    fn query(
        urn: Option<&str>,
        name: &str,
        kind: FunctionKind,
        arguments: &[Argument],
    ) -> ResolveError {
        FunctionRegistry::standard()
            .resolve(&FunctionQuery {
                urn,
                name,
                kind,
                arguments,
            })
            .expect_err("fails")
    }
    let i64s = [value(ConcreteKind::I64), value(ConcreteKind::I64)];
    assert!(matches!(
        query(None, "no_such_function", FunctionKind::Scalar, &i64s),
        ResolveError::NoSuchFunction { .. }
    ));
    assert!(matches!(
        query(
            Some("extension:example:nothing"),
            "add",
            FunctionKind::Scalar,
            &i64s
        ),
        ResolveError::UnknownUrn(_)
    ));
    // `add` is scalar, not aggregate.
    assert!(matches!(
        query(None, "add", FunctionKind::Aggregate, &i64s),
        ResolveError::NoSuchFunction { .. }
    ));
    let error = query(
        Some("extension:io.substrait:functions_arithmetic"),
        "add",
        FunctionKind::Scalar,
        &[value(ConcreteKind::I64), value(ConcreteKind::String)],
    );
    let ResolveError::NoMatchingImpl { candidates, .. } = &error else {
        panic!("{error}");
    };
    assert!(
        candidates
            .iter()
            .any(|c| c.starts_with("add:i64_i64: argument 1")),
        "{error}"
    );
    // `count(x)` is declared in both aggregate_generic (i64) and aggregate_decimal_output
    // (decimal<38,0>): without a URN the result type is not decided.
    let error = query(
        None,
        "count",
        FunctionKind::Aggregate,
        &[value(ConcreteKind::I32)],
    );
    let ResolveError::Ambiguous { urns, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(urns.len(), 2, "{error}");
    // With the URN it is.
    let count = derive(
        Some("extension:io.substrait:functions_aggregate_generic"),
        "count",
        FunctionKind::Aggregate,
        &[value(ConcreteKind::I32)],
    );
    assert_eq!(count.kind, ConcreteKind::I64);
    // Window calls may use aggregate functions.
    let windowed = derive(
        Some("extension:io.substrait:functions_aggregate_generic"),
        "count",
        FunctionKind::Window,
        &[value(ConcreteKind::I32)],
    );
    assert_eq!(windowed.kind, ConcreteKind::I64);
    let unsupported = query(
        None,
        "add",
        FunctionKind::Scalar,
        &[
            Argument::Value(Type { kind: None }),
            value(ConcreteKind::I64),
        ],
    );
    assert!(matches!(
        unsupported,
        ResolveError::UnsupportedArgument { index: 0, .. }
    ));
}

#[test]
fn resolution_is_fast() {
    let registry = FunctionRegistry::standard();
    let arguments = [dec(38, 10), dec(10, 2)];
    let query = FunctionQuery {
        urn: None,
        name: "multiply",
        kind: FunctionKind::Scalar,
        arguments: &arguments,
    };
    registry.resolve(&query).expect("resolves");
    let runs = 20_000u32;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(registry.resolve(std::hint::black_box(&query)).ok());
    }
    let per_call = start.elapsed() / runs;
    eprintln!("multiply(dec, dec) without a URN: {per_call:?} per resolution (debug build)");
    // Generous for an unoptimised build on a shared machine; the point is no per-call parsing.
    assert!(
        per_call < std::time::Duration::from_millis(1),
        "{per_call:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Every implementation of every YAML in the spec's extensions folder

fn corpus_extensions() -> PathBuf {
    if let Some(dir) = std::env::var_os("SWITCHYARD_CORPUS") {
        return PathBuf::from(dir).join("substrait-tests/extensions");
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/corpus/substrait-tests/extensions"))
        .find(|d| d.is_dir())
        .expect("the shared corpus (shared/corpus beside the project, or SWITCHYARD_CORPUS)")
}

/// Picks concrete argument types for an implementation's patterns, binding each parameter name
/// once: decimals take (10,2) then (38,10) (or the reverse), lengths 5 then 7, precisions 6;
/// `any1` is i32, `any2` i64, `any3` fp64, `any` string.
struct Instantiator {
    decimals: Vec<(i64, i64)>,
    lengths: Vec<i64>,
    ints: HashMap<String, i64>,
    types: HashMap<String, ConcreteType>,
}

impl Instantiator {
    fn new(decimals: Vec<(i64, i64)>) -> Self {
        Self {
            decimals,
            lengths: vec![5, 7, 9],
            ints: HashMap::new(),
            types: HashMap::new(),
        }
    }

    fn param(&mut self, expr: &Expr, fresh: i64) -> Result<i64, String> {
        match expr {
            Expr::Int(n) => Ok(*n),
            Expr::Name(name) => Ok(*self.ints.entry(name.clone()).or_insert(fresh)),
            other => Err(format!("parameter expression `{other}` in an argument")),
        }
    }

    fn instantiate(&mut self, pattern: &Expr) -> Result<ConcreteType, String> {
        let Expr::Type(pattern) = pattern else {
            return Err(format!("`{pattern}` is not a type"));
        };
        use ConcreteKind as K;
        let kind = match &pattern.name {
            TypeName::Any(n) => {
                let (key, default) = match n {
                    None => ("any".to_string(), K::String),
                    Some(1) => ("any1".to_string(), K::I32),
                    Some(2) => ("any2".to_string(), K::I64),
                    Some(n) => (format!("any{n}"), K::Fp64),
                };
                let bound = self.types.entry(key).or_insert_with(|| t(default)).clone();
                return Ok(bound.with_nullable(pattern.nullable));
            }
            TypeName::UserDefined(name) => {
                return Err(format!(
                    "user-defined type `u!{name}` has no proto form here"
                ));
            }
            TypeName::Unknown => return Err("the `unknown` type has no proto form".to_string()),
            TypeName::Boolean => K::Boolean,
            TypeName::I8 => K::I8,
            TypeName::I16 => K::I16,
            TypeName::I32 => K::I32,
            TypeName::I64 => K::I64,
            TypeName::Fp32 => K::Fp32,
            TypeName::Fp64 => K::Fp64,
            TypeName::String => K::String,
            TypeName::Binary => K::Binary,
            TypeName::Timestamp => K::Timestamp,
            TypeName::TimestampTz => K::TimestampTz,
            TypeName::Date => K::Date,
            TypeName::Time => K::Time,
            TypeName::IntervalYear => K::IntervalYear,
            TypeName::Uuid => K::Uuid,
            TypeName::IntervalDay => match pattern.params.first() {
                Some(p) => K::IntervalDay(self.param(p, 6)?),
                None => K::IntervalDay(6),
            },
            TypeName::IntervalCompound => match pattern.params.first() {
                Some(p) => K::IntervalCompound(self.param(p, 6)?),
                None => K::IntervalCompound(6),
            },
            TypeName::PrecisionTime => K::PrecisionTime(self.one_param(pattern, 6)?),
            TypeName::PrecisionTimestamp => K::PrecisionTimestamp(self.one_param(pattern, 6)?),
            TypeName::PrecisionTimestampTz => K::PrecisionTimestampTz(self.one_param(pattern, 6)?),
            TypeName::FixedChar | TypeName::VarChar | TypeName::FixedBinary => {
                let fresh = if self.lengths.len() > 1 {
                    self.lengths.remove(0)
                } else {
                    self.lengths[0]
                };
                let length = self.one_param(pattern, fresh)?;
                match pattern.name {
                    TypeName::FixedChar => K::FixedChar(length),
                    TypeName::VarChar => K::VarChar(length),
                    _ => K::FixedBinary(length),
                }
            }
            TypeName::Decimal => {
                let (p, s) = if self.decimals.len() > 1 {
                    self.decimals.remove(0)
                } else {
                    self.decimals[0]
                };
                match pattern.params.as_slice() {
                    [] => K::Decimal(p, s),
                    [precision, scale] => {
                        K::Decimal(self.param(precision, p)?, self.param(scale, s)?)
                    }
                    _ => return Err(format!("`{pattern}` has odd parameters")),
                }
            }
            TypeName::Struct | TypeName::NStruct(_) => K::Struct(
                pattern
                    .params
                    .iter()
                    .map(|p| self.instantiate(p))
                    .collect::<Result<_, _>>()?,
            ),
            TypeName::List => match pattern.params.as_slice() {
                [element] => K::List(Box::new(self.instantiate(element)?)),
                _ => return Err(format!("`{pattern}` has odd parameters")),
            },
            TypeName::Map => match pattern.params.as_slice() {
                [k, v] => K::Map(
                    Box::new(self.instantiate(k)?),
                    Box::new(self.instantiate(v)?),
                ),
                _ => return Err(format!("`{pattern}` has odd parameters")),
            },
            TypeName::Func => {
                let Some((result, params)) = pattern.params.split_last() else {
                    return Err(format!("`{pattern}` has no result"));
                };
                K::Func(
                    params
                        .iter()
                        .map(|p| self.instantiate(p))
                        .collect::<Result<_, _>>()?,
                    Box::new(self.instantiate(result)?),
                )
            }
        };
        Ok(ConcreteType::new(kind, pattern.nullable))
    }

    fn one_param(
        &mut self,
        pattern: &switchyard_producer::type_derivation::syntax::TypeExpr,
        fresh: i64,
    ) -> Result<i64, String> {
        match pattern.params.as_slice() {
            [p] => self.param(p, fresh),
            _ => Err(format!("`{pattern}` needs one parameter")),
        }
    }
}

fn representative_arguments(
    implementation: &Implementation,
    decimals: Vec<(i64, i64)>,
) -> Result<Vec<Argument>, String> {
    let mut instantiator = Instantiator::new(decimals);
    let declared = implementation.args();
    let count = match implementation.variadic() {
        // Two occurrences of a variadic argument where allowed, to exercise repetition.
        Some(v) => declared.len() - 1 + v.min.max(2).min(v.max.unwrap_or(usize::MAX)),
        None => declared.len(),
    };
    (0..count)
        .map(|i| match &declared[i.min(declared.len() - 1)] {
            ArgPattern::Value(p) => instantiator
                .instantiate(p)
                .map(|t| Argument::Value(t.to_proto())),
            ArgPattern::Type(p) => instantiator
                .instantiate(p)
                .map(|t| Argument::Type(t.to_proto())),
            ArgPattern::Enum(options) => options
                .first()
                .map(|o| Argument::Enum(o.clone()))
                .ok_or_else(|| "an enumeration without values".to_string()),
        })
        .collect()
}

/// Implementations in the spec's YAMLs whose return type cannot be derived, with the reason.
/// A new entry, or one that starts working, fails the test.
const EXPECTED_UNDERIVABLE: &[&str] = &[
    // `quantile` declares `return: LIST?<any>`: a bare `any` is not bound by any argument, so
    // the element type is undetermined (the YAML should say list<any1>).
    "functions_arithmetic.yaml quantile:req_req_i64_any: the result `any` is not a concrete type",
];

/// The YAML files in the corpus's extensions folder, in name order.
fn corpus_yamls() -> Vec<(String, String)> {
    let dir = corpus_extensions();
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .to_string();
            let text = std::fs::read_to_string(&p).expect("readable YAML");
            (name, text)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_implementation_in_the_spec_yamls_derives_a_type() {
    let files = corpus_yamls();
    assert!(files.len() >= 15, "only {} YAMLs found", files.len());
    let mut underivable = BTreeSet::new();
    let mut derived = 0;
    let mut implementations = 0;
    for (file, text) in &files {
        let registry = FunctionRegistry::from_yaml_texts([(file.as_str(), text.as_str())]);
        assert_eq!(registry.load_problems(), &[], "{file} loads completely");
        for implementation in registry.implementations() {
            implementations += 1;
            let id = format!(
                "{file} {}:{}",
                implementation.name(),
                implementation.signature()
            );
            let mut failure = None;
            // Both orders of the decimal instantiations, so each decimal argument is tried at
            // (10,2) and at the (38,10) cap.
            for decimals in [vec![(10, 2), (38, 10)], vec![(38, 10), (10, 2)]] {
                let outcome = representative_arguments(implementation, decimals).and_then(|args| {
                    implementation
                        .resolve_with(&args)
                        .map(|r| r.output_type)
                        .map_err(|e| match e {
                            ResolveError::Program { error, .. } => error.to_string(),
                            other => other.to_string(),
                        })
                });
                match outcome {
                    Ok(output) => {
                        // The derived type is a valid, complete proto type.
                        ConcreteType::from_proto(&output).expect("derived type reads back");
                    }
                    Err(reason) => failure = Some(reason),
                }
            }
            match failure {
                Some(reason) => {
                    underivable.insert(format!("{id}: {reason}"));
                }
                None => derived += 1,
            }
        }
    }
    // Geometry and `unknown` functions take or return types that proto arguments cannot carry
    // here (user-defined types are known in a plan only by anchor); they are counted apart.
    let (uninstantiable, underivable): (BTreeSet<String>, BTreeSet<String>) =
        underivable.into_iter().partition(|e| {
            e.contains("has no proto form") || e.contains("needs the plan's type anchor")
        });
    eprintln!(
        "{implementations} implementations: {derived} derived, {} need user-defined or `unknown` \
         arguments, {} underivable",
        uninstantiable.len(),
        underivable.len()
    );
    assert!(
        uninstantiable
            .iter()
            .all(|e| e.starts_with("functions_geometry.yaml") || e.starts_with("unknown.yaml")),
        "{uninstantiable:#?}"
    );
    let expected: BTreeSet<String> = EXPECTED_UNDERIVABLE.iter().map(|s| s.to_string()).collect();
    assert_eq!(underivable, expected);
    assert!(derived > 400, "only {derived} derived");
}

#[test]
fn the_vendored_extensions_are_the_corpus_ones() {
    // The standard registry embeds copies; they must be the spec's files, unchanged.
    let corpus: HashMap<String, String> = corpus_yamls().into_iter().collect();
    for (name, text) in switchyard_producer::type_derivation::extension_yaml::CORE_EXTENSIONS {
        assert_eq!(corpus.get(*name).map(String::as_str), Some(*text), "{name}");
    }
    assert_eq!(FunctionRegistry::standard().load_problems(), &[]);
    assert_eq!(FunctionRegistry::standard().urns().len(), 15);
}

// ---------------------------------------------------------------------------------------------
// Features the core YAMLs do not use, on a small extension of our own

const CUSTOM: &str = r#"
urn: extension:example:custom
scalar_functions:
  - name: strict_inc
    impls:
      - args:
          - value: i32?
        nullability: DISCRETE
        return: i32?
  - name: pick
    impls:
      - args:
          - value: any1
        variadic:
          min: 1
          max: 3
          parameterConsistency: INCONSISTENT
        return: any1
  - name: widen
    impls:
      - args:
          - value: varchar<L1>
          - value: varchar<L2>
        return: |-
          total = L1 + L2
          capped = total > 100 && !(L1 == L2) ? 100 : total
          if capped < 10 then varchar<10> else varchar<capped>
  - name: broken
    impls:
      - args:
          - value: i32
        return: |-
          x = max(
          i32
  - name: odd
    impls:
      - args:
          - value: i32
        nullability: SOMETIMES
        return: i32
window_functions:
  - name: rank_of
    impls:
      - args: []
        nullability: DECLARED_OUTPUT
        return: i64
"#;

fn custom(
    name: &str,
    kind: FunctionKind,
    arguments: &[Argument],
) -> Result<ConcreteType, ResolveError> {
    static REGISTRY: std::sync::LazyLock<FunctionRegistry> =
        std::sync::LazyLock::new(|| FunctionRegistry::from_yaml_texts([("custom.yaml", CUSTOM)]));
    REGISTRY
        .resolve(&FunctionQuery {
            urn: Some("extension:example:custom"),
            name,
            kind,
            arguments,
        })
        .map(|r| concrete(&r.output_type))
}

#[test]
fn load_problems_name_the_implementation_and_the_reason() {
    let registry =
        FunctionRegistry::from_yaml_texts([("custom.yaml", CUSTOM), ("junk.yaml", "- 1")]);
    let problems: Vec<String> = registry
        .load_problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].starts_with("custom.yaml `broken` impl #0: cannot parse"),
        "{problems:#?}"
    );
    assert!(
        problems[1].contains("unknown nullability handling `SOMETIMES`"),
        "{problems:#?}"
    );
    assert!(
        problems[2].starts_with("junk.yaml: not a function extension"),
        "{problems:#?}"
    );
    // What loaded still resolves.
    assert_eq!(registry.implementations().len(), 4);
}

#[test]
fn discrete_nullability_binds_only_the_declared_nullability() {
    let error = custom(
        "strict_inc",
        FunctionKind::Scalar,
        &[value(ConcreteKind::I32)],
    )
    .expect_err("DISCRETE: an i32 does not bind i32?");
    assert!(error.to_string().contains("DISCRETE"), "{error}");
    let ok = custom(
        "strict_inc",
        FunctionKind::Scalar,
        &[nullable(ConcreteKind::I32)],
    )
    .expect("i32? binds");
    assert_eq!(ok, ConcreteType::new(ConcreteKind::I32, true));
}

#[test]
fn variadic_bounds_and_inconsistent_parameters() {
    let pick = |arguments: &[Argument]| custom("pick", FunctionKind::Scalar, arguments);
    assert!(matches!(
        pick(&[]),
        Err(ResolveError::NoMatchingImpl { .. })
    ));
    // INCONSISTENT: later occurrences need not repeat the first's type; any1 is the first's.
    let mixed = pick(&[
        value(ConcreteKind::I32),
        value(ConcreteKind::String),
        nullable(ConcreteKind::Date),
    ])
    .expect("three mixed arguments");
    assert_eq!(
        mixed,
        ConcreteType::new(ConcreteKind::I32, true),
        "MIRROR: one is nullable"
    );
    let four = [
        value(ConcreteKind::I32),
        value(ConcreteKind::I32),
        value(ConcreteKind::I32),
        value(ConcreteKind::I32),
    ];
    assert!(
        matches!(pick(&four), Err(ResolveError::NoMatchingImpl { .. })),
        "max 3"
    );
}

#[test]
fn programs_with_if_then_else_and_logic() {
    let widen = |a, b| {
        custom(
            "widen",
            FunctionKind::Scalar,
            &[
                value(ConcreteKind::VarChar(a)),
                value(ConcreteKind::VarChar(b)),
            ],
        )
        .expect("widen resolves")
        .kind
    };
    assert_eq!(widen(3, 4), ConcreteKind::VarChar(10));
    assert_eq!(widen(30, 40), ConcreteKind::VarChar(70));
    assert_eq!(widen(80, 40), ConcreteKind::VarChar(100));
    // Equal lengths: the `!(L1 == L2)` guard keeps the total.
    assert_eq!(widen(60, 60), ConcreteKind::VarChar(120));
}

#[test]
fn window_functions_resolve_only_as_windows() {
    let rank = custom("rank_of", FunctionKind::Window, &[]).expect("a window function");
    assert_eq!(rank, t(ConcreteKind::I64));
    assert!(matches!(
        custom("rank_of", FunctionKind::Aggregate, &[]),
        Err(ResolveError::NoSuchFunction { .. })
    ));
}
