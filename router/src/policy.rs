//! Routing policy: the configuration's rules, checked against the engines and tables they
//! name when the configuration opens.

use crate::features::PlanFeatures;
use crate::routing_config::{RoutingConfig, RuleConfig};

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleAction {
    /// Send matching plans to this engine when it can run them.
    Pin(String),
    /// Never send matching plans to these engines.
    Forbid(Vec<String>),
}

/// A checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its position in the configuration, counted from 1, for explanations.
    pub number: usize,
    /// Pin or forbid.
    pub action: RuleAction,
    tables: Vec<String>,
    queries: Vec<String>,
}

impl Rule {
    /// Whether the rule applies to a plan.
    pub fn matches(&self, features: &PlanFeatures) -> bool {
        self.tables.iter().any(|t| features.tables.contains(t))
            || self.queries.contains(&features.fingerprint)
    }

    /// The rule in words: `rule 2 (forbid duckdb for tables salaries)`.
    pub fn describe(&self) -> String {
        let action = match &self.action {
            RuleAction::Pin(engine) => format!("pin to {engine}"),
            RuleAction::Forbid(engines) => format!("forbid {}", engines.join(", ")),
        };
        let mut scope = Vec::new();
        if !self.tables.is_empty() {
            scope.push(format!("tables {}", self.tables.join(", ")));
        }
        if !self.queries.is_empty() {
            scope.push(format!("queries {}", self.queries.join(", ")));
        }
        format!(
            "rule {} ({action} for {})",
            self.number,
            scope.join(" and ")
        )
    }
}

/// The checked `routing` policy.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Fail rather than fall back.
    pub strict: bool,
    /// Refuse plans with warnings.
    pub strict_plans: bool,
    /// The scan ceiling for embedded engines.
    pub embedded_max_bytes: Option<u64>,
    /// Rules in order.
    pub rules: Vec<Rule>,
}

impl Policy {
    /// Checks the rules: each names known engines and tables, and does one thing.
    pub fn new(
        config: &RoutingConfig,
        is_engine: impl Fn(&str) -> bool,
        is_table: impl Fn(&str) -> bool,
    ) -> Result<Self, String> {
        let mut rules = Vec::new();
        for (i, rule) in config.rules.iter().enumerate() {
            rules.push(check_rule(i + 1, rule, &is_engine, &is_table)?);
        }
        Ok(Self {
            strict: config.strict,
            strict_plans: config.strict_plans,
            embedded_max_bytes: config.embedded_max_bytes,
            rules,
        })
    }
}

fn check_rule(
    number: usize,
    rule: &RuleConfig,
    is_engine: &impl Fn(&str) -> bool,
    is_table: &impl Fn(&str) -> bool,
) -> Result<Rule, String> {
    let action = match (&rule.pin, rule.forbid.is_empty()) {
        (Some(engine), true) => RuleAction::Pin(engine.clone()),
        (None, false) => RuleAction::Forbid(rule.forbid.clone()),
        (Some(_), false) => {
            return Err(format!(
                "routing rule {number}: has both pin and forbid; use two rules"
            ));
        }
        (None, true) => return Err(format!("routing rule {number}: needs pin or forbid")),
    };
    let engines: Vec<&String> = match &action {
        RuleAction::Pin(engine) => vec![engine],
        RuleAction::Forbid(engines) => engines.iter().collect(),
    };
    if let Some(unknown) = engines.into_iter().find(|e| !is_engine(e)) {
        return Err(format!("routing rule {number}: no engine {unknown:?}"));
    }
    if rule.tables.is_empty() && rule.queries.is_empty() {
        return Err(format!(
            "routing rule {number}: needs tables or queries to match"
        ));
    }
    if let Some(unknown) = rule.tables.iter().find(|t| !is_table(t)) {
        return Err(format!(
            "routing rule {number}: no table {unknown:?} in the catalog"
        ));
    }
    Ok(Rule {
        number,
        action,
        tables: rule.tables.clone(),
        queries: rule.queries.clone(),
    })
}
