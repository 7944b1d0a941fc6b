//! `RouteDecision`: the engine chosen for a plan, and for every configured engine whether
//! it could run the plan, what it would cost, and why it won or lost.

use std::fmt;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

use switchyard_producer::plan_warnings::PlanWarning;

use crate::capabilities::MissingFeature;
use crate::cost::{CostBreakdown, PlanEstimate};

/// The outcome of routing one plan.
#[derive(Debug, Clone, Serialize)]
pub struct RouteDecision {
    /// The engine the plan goes to; `None` when no engine can take it.
    pub chosen: Option<String>,
    /// Why that engine (or why none).
    pub reason: String,
    /// Every configured engine, in the order they would be tried (capable ones by cost,
    /// then the others).
    pub candidates: Vec<Candidate>,
    /// Engines tried when running, in order, with the error of each that failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    /// Whether a failure of the chosen engine ends the query instead of falling back.
    pub strict: bool,
    /// Whether the plan writes (`WRITE`, `DDL`, `UPDATE`): such plans never fall back.
    pub writes: bool,
    /// The plan's fingerprint (for `queries:` in routing rules).
    pub fingerprint: String,
    /// The plan's estimated rows and bytes.
    pub estimate: PlanEstimate,
    /// Constructs in the plan that are legal but almost never intended, each with its path
    /// (the plan runs as written unless `routing.strict_plans` is set).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<PlanWarning>,
}

/// One engine's side of a decision.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The engine's name.
    pub engine: String,
    /// Its kind.
    pub kind: String,
    /// Whether it could take the plan.
    pub verdict: Verdict,
    /// Its estimated cost, when capable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostBreakdown>,
}

/// Whether an engine could take a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verdict {
    /// It can run the plan.
    Capable,
    /// Its manifest (or its data) lacks what the plan needs.
    Missing {
        /// Each missing feature with its plan path.
        features: Vec<MissingFeature>,
    },
    /// Policy or a resource ceiling rules it out.
    Excluded {
        /// Which rule or ceiling.
        reason: String,
    },
    /// A verified run found it answering this plan's feature set differently from another
    /// engine: it is used only when no other engine can run the plan.
    Suspect {
        /// The disagreement, and how to clear the mark.
        reason: String,
    },
    /// It did not answer its last health check (or a run could not reach it).
    Down {
        /// What the check or the run said.
        error: String,
    },
}

/// One engine tried while running a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// The engine.
    pub engine: String,
    /// Its error, if it failed before returning rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl RouteDecision {
    /// The capable engines in the order they are tried: the chosen one, then the fallbacks.
    pub fn order(&self) -> impl Iterator<Item = &Candidate> {
        self.candidates
            .iter()
            .filter(|c| c.verdict == Verdict::Capable)
    }

    /// The candidate entry for `engine`.
    pub fn candidate(&self, engine: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.engine == engine)
    }

    /// The decision as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

impl fmt::Display for RouteDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.chosen {
            Some(engine) => writeln!(f, "chosen: {engine}: {}", self.reason)?,
            None => writeln!(f, "chosen: none: {}", self.reason)?,
        }
        let fallbacks: Vec<&str> = self.order().skip(1).map(|c| c.engine.as_str()).collect();
        if self.strict {
            writeln!(f, "fallback: none (strict)")?;
        } else if self.writes {
            writeln!(f, "fallback: none (the plan writes)")?;
        } else if !fallbacks.is_empty() {
            writeln!(f, "fallback: {}", fallbacks.join(", "))?;
        }
        writeln!(
            f,
            "plan {}: about {} result rows, {} rows processed, {} scanned",
            self.fingerprint,
            round_count(self.estimate.result_rows),
            round_count(self.estimate.processed_rows),
            bytes(self.estimate.scan_bytes)
        )?;
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(["engine", "kind", "verdict", "est. ms", "why"]);
        for c in &self.candidates {
            let (verdict, why) = match &c.verdict {
                Verdict::Capable => (
                    "capable",
                    c.cost.as_ref().map(cost_parts).unwrap_or_default(),
                ),
                Verdict::Missing { features } => (
                    "missing",
                    features
                        .iter()
                        .map(|m| format!("{} at {}", m.feature, m.path))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                Verdict::Excluded { reason } => ("excluded", reason.clone()),
                Verdict::Suspect { reason } => ("suspect", reason.clone()),
                Verdict::Down { error } => ("down", error.clone()),
            };
            let ms = c
                .cost
                .as_ref()
                .map_or_else(|| "-".to_string(), |c| format!("{:.1}", c.total_ms));
            table.add_row([
                c.engine.clone(),
                c.kind.clone(),
                verdict.to_string(),
                ms,
                why,
            ]);
        }
        write!(f, "{table}")?;
        for a in &self.attempts {
            match &a.error {
                Some(error) => write!(f, "\ntried {}: failed: {error}", a.engine)?,
                None => write!(f, "\ntried {}: ran", a.engine)?,
            }
        }
        Ok(())
    }
}

fn cost_parts(cost: &CostBreakdown) -> String {
    let mut parts = vec![
        format!("start-up {:.1}", cost.startup_ms),
        format!("scan {:.1}", cost.scan_ms),
        format!("compute {:.1}", cost.compute_ms),
        format!("result {:.1}", cost.result_ms),
    ];
    if !cost.moved.is_empty() {
        let tables: Vec<String> = cost
            .moved
            .iter()
            .map(|m| format!("{} {}", m.table, bytes(m.bytes)))
            .collect();
        parts.push(format!("move {:.1} ({})", cost.move_ms, tables.join(", ")));
    }
    let mut text = parts.join(" + ");
    if let Some(learned) = &cost.learned {
        text.push_str(&format!("\nmodel {:.1} ms; {learned}", cost.model_ms));
    }
    text
}

/// A count to two significant digits, for estimates that are not exact.
pub(crate) fn round_count(n: f64) -> String {
    if n < 100.0 {
        return format!("{}", n.round() as u64);
    }
    let magnitude = 10f64.powi(n.log10().floor() as i32 - 1);
    format!("{}", ((n / magnitude).round() * magnitude) as u64)
}

/// Bytes in the largest unit that keeps one decimal meaningful.
pub(crate) fn bytes(n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", value.round() as u64)
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
