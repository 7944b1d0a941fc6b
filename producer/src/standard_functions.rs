//! Which standard Substrait extension file defines a function, by name.
//!
//! Plans do not always say: DataFusion's producer declares functions without a URN, and DuckDB
//! 1.1.3 points every function at the extensions *folder* URI. Older consumers (Acero) look
//! functions up by (URI, name), and Switchyard's manifests by (URN, name), so both export and
//! import place such functions in the file that defines them.

/// The standard extension file (its stem) that defines each commonly planned function, first
/// match wins. Names defined in several files (`add` for integers, decimals and dates) are
/// listed under the general one, which is where older consumers look.
pub const STANDARD_FUNCTIONS: &[(&str, &[&str])] = &[
    (
        "functions_comparison",
        &[
            "equal",
            "not_equal",
            "lt",
            "gt",
            "lte",
            "gte",
            "between",
            "is_null",
            "is_not_null",
            "is_nan",
            "is_finite",
            "is_infinite",
            "is_distinct_from",
            "is_not_distinct_from",
            "coalesce",
            "least",
            "greatest",
            "nullif",
            "is_true",
            "is_false",
            "is_not_true",
            "is_not_false",
        ],
    ),
    (
        "functions_boolean",
        &["and", "or", "not", "xor", "and_not", "bool_and", "bool_or"],
    ),
    (
        "functions_arithmetic",
        &[
            "add",
            "subtract",
            "multiply",
            "divide",
            "negate",
            "modulus",
            "power",
            "sqrt",
            "exp",
            "abs",
            "sign",
            "sum",
            "sum0",
            "avg",
            "min",
            "max",
            "product",
            "std_dev",
            "variance",
            "factorial",
            "bitwise_and",
            "bitwise_or",
            "bitwise_xor",
        ],
    ),
    ("functions_aggregate_generic", &["count", "any_value"]),
    ("functions_aggregate_approx", &["approx_count_distinct"]),
    (
        "functions_string",
        &[
            "like",
            "substring",
            "concat",
            "lower",
            "upper",
            "char_length",
            "bit_length",
            "octet_length",
            "trim",
            "ltrim",
            "rtrim",
            "starts_with",
            "ends_with",
            "contains",
            "replace",
            "strpos",
            "reverse",
            "repeat",
            "left",
            "right",
            "lpad",
            "rpad",
            "regexp_match_substring",
            "regexp_replace",
            "string_split",
            "string_agg",
        ],
    ),
    (
        "functions_datetime",
        &["extract", "strftime", "strptime_date", "strptime_timestamp"],
    ),
    ("functions_rounding", &["round", "ceil", "floor"]),
    (
        "functions_logarithmic",
        &["ln", "log10", "log2", "logb", "log1p"],
    ),
];

/// The standard extension file stem that defines `name`, if it is one of
/// [`STANDARD_FUNCTIONS`].
pub fn standard_extension_of(name: &str) -> Option<&'static str> {
    let base = name.split(':').next().unwrap_or(name);
    STANDARD_FUNCTIONS
        .iter()
        .find(|(_, names)| names.contains(&base))
        .map(|(stem, _)| *stem)
}

/// Functions `functions_arithmetic_decimal` defines for decimals.
const DECIMAL_ARITHMETIC: &[&str] = &[
    "add",
    "subtract",
    "multiply",
    "divide",
    "modulus",
    "abs",
    "sum",
    "sum0",
    "avg",
    "min",
    "max",
    "factorial",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
];

/// Like [`standard_extension_of`], but reads a compound name's signature (`sum:dec`,
/// `multiply:decimal_decimal`): decimal arithmetic lives in its own file.
pub fn standard_extension_for(compound_name: &str) -> Option<&'static str> {
    let (base, signature) = compound_name.split_once(':').unwrap_or((compound_name, ""));
    let stem = standard_extension_of(base)?;
    let all_decimal = !signature.is_empty()
        && signature
            .split('_')
            .all(|argument| argument.trim_end_matches('?').starts_with("dec"));
    if stem == "functions_arithmetic" && all_decimal && DECIMAL_ARITHMETIC.contains(&base) {
        return Some("functions_arithmetic_decimal");
    }
    Some(stem)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::{
        DECIMAL_ARITHMETIC, STANDARD_FUNCTIONS, standard_extension_for, standard_extension_of,
    };

    const EXTENSIONS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/substrait-tests/extensions"
    );

    #[test]
    fn places_names_and_compound_names() {
        assert_eq!(standard_extension_of("lte"), Some("functions_comparison"));
        assert_eq!(
            standard_extension_of("sum:dec"),
            Some("functions_arithmetic")
        );
        assert_eq!(
            standard_extension_of("count"),
            Some("functions_aggregate_generic")
        );
        assert_eq!(standard_extension_of("my_udf"), None);
    }

    #[test]
    fn decimal_signatures_go_to_the_decimal_file() {
        assert_eq!(
            standard_extension_for("sum:decimal"),
            Some("functions_arithmetic_decimal")
        );
        assert_eq!(
            standard_extension_for("multiply:dec_dec"),
            Some("functions_arithmetic_decimal")
        );
        assert_eq!(
            standard_extension_for("sum:i32"),
            Some("functions_arithmetic")
        );
        assert_eq!(standard_extension_for("sum"), Some("functions_arithmetic"));
        assert_eq!(
            standard_extension_for("lt:decimal_decimal"),
            Some("functions_comparison")
        );
    }

    #[test]
    fn the_decimal_file_defines_the_decimal_functions() {
        let path = Path::new(EXTENSIONS).join("functions_arithmetic_decimal.yaml");
        let text = std::fs::read_to_string(&path).expect("decimal arithmetic extension");
        for name in DECIMAL_ARITHMETIC {
            assert!(
                text.contains(&format!("name: \"{name}\""))
                    || text.contains(&format!("name: {name}\n")),
                "{name}"
            );
        }
    }

    /// Every function the table places must be defined in that file of the spec.
    #[test]
    fn the_table_agrees_with_the_spec_extension_files() {
        for (stem, names) in STANDARD_FUNCTIONS {
            let path = Path::new(EXTENSIONS).join(format!("{stem}.yaml"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let file: BTreeMap<String, serde_yaml::Value> =
                serde_yaml::from_str(&text).expect("extension YAML parses");
            let defined: Vec<&str> = [
                "scalar_functions",
                "aggregate_functions",
                "window_functions",
            ]
            .iter()
            .filter_map(|kind| file.get(*kind).and_then(serde_yaml::Value::as_sequence))
            .flatten()
            .filter_map(|function| function.get("name").and_then(serde_yaml::Value::as_str))
            .collect();
            for name in *names {
                assert!(
                    defined.contains(name),
                    "{name} is not defined in {stem}.yaml"
                );
            }
        }
    }
}
