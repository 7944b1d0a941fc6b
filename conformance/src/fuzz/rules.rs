//! The rules that explain legitimate differences: one a line, `constructs engines why`, where
//! `constructs` is one or more construct names joined by `+` (all must appear in the shrunk
//! query), `engines` a comma-separated list or `*`, and `why` the rest of the line. Lines
//! starting with `#` are comments. A disagreement a rule matches is reported as explained.

use std::collections::BTreeSet;

use super::FuzzError;
use super::constructs::Construct;

/// The repository's rules (`conformance/fuzz-rules.txt`).
pub const BUILT_IN_RULES: &str = include_str!("../../fuzz-rules.txt");

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Constructs that must all appear.
    pub constructs: Vec<Construct>,
    /// The engines it applies to (empty: every engine).
    pub engines: Vec<String>,
    /// Why the engines legitimately differ.
    pub why: String,
    /// The line, as written.
    pub line: String,
}

impl Rule {
    /// Whether the rule explains a disagreement of `engine` on a query using `constructs`.
    pub fn explains(&self, engine: &str, constructs: &BTreeSet<Construct>) -> bool {
        (self.engines.is_empty() || self.engines.iter().any(|e| e == engine))
            && self.constructs.iter().all(|c| constructs.contains(c))
    }
}

/// Reads rules from `text`; an unknown construct or a line without a reason is an error
/// naming the line.
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, FuzzError> {
    let mut rules = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| FuzzError::Rules(format!("line {}: {why}: {line}", number + 1));
        let mut words = line.splitn(3, char::is_whitespace);
        let (Some(constructs), Some(engines), Some(why)) =
            (words.next(), words.next(), words.next())
        else {
            return Err(bad("expected `constructs engines why`"));
        };
        let constructs = constructs
            .split('+')
            .map(|name| {
                Construct::parse(name).ok_or_else(|| bad(&format!("no construct {name:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let engines = if engines == "*" {
            vec![]
        } else {
            engines.split(',').map(str::to_string).collect()
        };
        let why = why.trim();
        if why.is_empty() {
            return Err(bad("no reason given"));
        }
        rules.push(Rule {
            constructs,
            engines,
            why: why.to_string(),
            line: line.to_string(),
        });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_rules_parse() {
        parse_rules(BUILT_IN_RULES).expect("valid rules");
    }

    #[test]
    fn a_rule_needs_all_its_constructs_and_one_of_its_engines() {
        let rules = parse_rules("# comment\nsum+double datafusion,duckdb  summing floats\n")
            .expect("valid");
        let rule = &rules[0];
        assert_eq!(rule.why, "summing floats");
        let both = BTreeSet::from([Construct::Sum, Construct::Double, Construct::Filter]);
        assert!(rule.explains("duckdb", &both));
        assert!(!rule.explains("postgres", &both));
        assert!(!rule.explains("duckdb", &BTreeSet::from([Construct::Sum])));
    }

    #[test]
    fn unknown_constructs_and_missing_reasons_are_errors() {
        assert!(parse_rules("sums * why").is_err());
        assert!(parse_rules("sum *").is_err());
    }
}
