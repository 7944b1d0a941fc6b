//! The round-trip suite: a plan read by DataFusion and written again must settle.
//!
//! Each plan (Switchyard's own TPC-H plans and the foreign producers' imported ones) is
//! consumed by DataFusion (through Switchyard's consumer, as every engine reads plans) and
//! produced again, repeatedly. It passes when a trip returns exactly the plan it was given (a
//! fixed point) within [`MAX_TRIPS`] trips *and* the settled plan still returns the answer
//! DataFusion computes from the SQL: a plan that settles into a different question is a
//! failure, not a pass.

use datafusion::execution::SessionState;
use serde_json::Value;
use switchyard_consumer::substrait_to_logical::substrait_to_logical;
use switchyard_producer::to_substrait::logical_to_substrait;
use switchyard_producer::{SqlDialect, ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;
use thiserror::Error;

use crate::compare::ColumnNames;
use crate::corpus::tpch_query;
use crate::differential::{DifferentialError, plan_differential};
use crate::direct::direct_session;
use crate::foreign_plans::{ForeignPlan, foreign_sql};

/// How many trips a plan may take to settle: the first puts it in DataFusion's form, the
/// second must change nothing.
pub const MAX_TRIPS: usize = 2;

/// A plan that settled.
#[derive(Debug, Clone)]
pub struct Settled {
    /// The trip that returned the plan unchanged (1: the original was already a fixed point).
    pub trips: usize,
    /// What the first trip changed first, when it changed anything.
    pub first_change: Option<String>,
    /// The fixed point.
    pub plan: ValidatedPlan,
}

/// Why a round trip did not pass.
#[derive(Debug, Error)]
pub enum RoundTripError {
    /// The plan or its SQL could not be made or read: the harness's problem.
    #[error("setup: {0}")]
    Setup(String),
    /// DataFusion could not read or write the plan on a trip.
    #[error("trip {trip}: {message}")]
    Trip {
        /// The 1-based trip.
        trip: usize,
        /// DataFusion's error.
        message: String,
    },
    /// Every trip changed the plan.
    #[error("no fixed point after {MAX_TRIPS} trips; the last trip changed {difference}")]
    Unsettled {
        /// Where the last two plans first differ.
        difference: String,
    },
    /// The settled plan's answer differs from (or fails where) the SQL's.
    #[error("the settled plan (trip {trips}): {source}")]
    Answer {
        /// The trip it settled on.
        trips: usize,
        /// The differential run's failure.
        source: DifferentialError,
    },
}

/// One plan of the suite: its label (`switchyard/q01`, `isthmus/q01`), the plan and its SQL.
#[derive(Debug, Clone)]
pub struct RoundTripCase {
    /// `producer/query`.
    pub label: String,
    /// The producer (`switchyard`, `isthmus`, `duckdb`).
    pub producer: String,
    /// The plan, or why it could not be made or imported.
    pub plan: Result<ValidatedPlan, String>,
    /// The SQL the plan asks, or why it could not be read.
    pub sql: Result<String, String>,
}

/// The suite's cases: the 22 TPC-H queries compiled by Switchyard, then `foreign`, imported.
pub async fn round_trip_cases(
    switchyard: &Switchyard,
    foreign: &[ForeignPlan],
) -> Vec<RoundTripCase> {
    let mut cases = Vec::new();
    for number in 1..=crate::suites::TPCH_QUERY_COUNT {
        let sql = tpch_query(number).map_err(|e| e.to_string());
        let plan = match &sql {
            Ok(sql) => switchyard
                .producer()
                .compile_checked(sql, SqlDialect::Generic)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        cases.push(RoundTripCase {
            label: format!("switchyard/q{number:02}"),
            producer: "switchyard".to_string(),
            plan,
            sql,
        });
    }
    for plan in foreign {
        let imported = std::fs::read(&plan.plan)
            .map_err(|e| format!("cannot read {}: {e}", plan.plan.display()))
            .and_then(|bytes| {
                import_plan_bytes(&bytes, switchyard.catalog()).map_err(|e| format!("import: {e}"))
            })
            .and_then(|(imported, _)| {
                ValidatedPlan::new(imported).map_err(|e| format!("import: {e}"))
            });
        cases.push(RoundTripCase {
            label: plan.label(),
            producer: plan.producer.to_string(),
            plan: imported,
            sql: foreign_sql(&plan.sql),
        });
    }
    cases
}

/// Takes `plan` through DataFusion until a trip returns it unchanged.
pub async fn settle(
    switchyard: &Switchyard,
    plan: &ValidatedPlan,
) -> Result<Settled, RoundTripError> {
    let ctx =
        direct_session(switchyard.catalog()).map_err(|e| RoundTripError::Setup(e.to_string()))?;
    let state = ctx.state();
    let mut current = plan.clone();
    let mut difference = String::new();
    let mut first_change = None;
    for trip in 1..=MAX_TRIPS {
        let next = one_trip(&state, &current)
            .await
            .map_err(|message| RoundTripError::Trip { trip, message })?;
        let (before, after) = (as_json(&current)?, as_json(&next)?);
        match first_difference(&before, &after, "plan") {
            None => {
                return Ok(Settled {
                    trips: trip,
                    first_change,
                    plan: current,
                });
            }
            Some(found) => {
                first_change.get_or_insert_with(|| found.clone());
                difference = found;
            }
        }
        current = next;
    }
    Err(RoundTripError::Unsettled { difference })
}

/// Settles `case`'s plan, then runs the fixed point on `engine` against the SQL's answer.
pub async fn round_trip(
    switchyard: &Switchyard,
    engine: &str,
    case: &RoundTripCase,
) -> Result<Settled, RoundTripError> {
    let plan = case
        .plan
        .as_ref()
        .map_err(|e| RoundTripError::Setup(e.clone()))?;
    let sql = case
        .sql
        .as_ref()
        .map_err(|e| RoundTripError::Setup(e.clone()))?;
    let settled = settle(switchyard, plan).await?;
    let names = if case.producer == "switchyard" {
        ColumnNames::Exact
    } else {
        ColumnNames::ProducerChosen
    };
    plan_differential(switchyard, engine, &settled.plan, sql, names)
        .await
        .map_err(|source| RoundTripError::Answer {
            trips: settled.trips,
            source,
        })?;
    Ok(settled)
}

/// Substrait → DataFusion → Substrait, once.
async fn one_trip(state: &SessionState, plan: &ValidatedPlan) -> Result<ValidatedPlan, String> {
    let logical = substrait_to_logical("datafusion", state, plan)
        .await
        .map_err(|e| format!("reading: {e}"))?;
    let produced = logical_to_substrait(logical, state).map_err(|e| format!("writing: {e}"))?;
    ValidatedPlan::new(produced).map_err(|e| format!("the written plan does not validate: {e}"))
}

fn as_json(plan: &ValidatedPlan) -> Result<Value, RoundTripError> {
    let mut value = serde_json::to_value(plan.plan())
        .map_err(|e| RoundTripError::Setup(format!("plan as JSON: {e}")))?;
    // The producer stamp says who wrote the plan, not what it asks.
    if let Some(object) = value.as_object_mut() {
        object.remove("version");
    }
    Ok(value)
}

/// The path of the first place `a` and `b` differ, with both values there (shortened).
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .find_map(|key| match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => first_difference(u, v, &format!("{path}.{key}")),
                    (u, v) => Some(describe(&format!("{path}.{key}"), u, v)),
                })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(index, (u, v))| first_difference(u, v, &format!("{path}[{index}]"))),
        _ if a == b => None,
        _ => Some(describe(path, Some(a), Some(b))),
    }
}

fn describe(path: &str, before: Option<&Value>, after: Option<&Value>) -> String {
    let show = |value: Option<&Value>| {
        let text = value.map_or_else(|| "nothing".to_string(), Value::to_string);
        if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text
        }
    };
    format!("{path}: {} became {}", show(before), show(after))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::first_difference;

    #[test]
    fn the_first_difference_names_its_path_and_both_values() {
        let a = json!({ "relations": [{ "root": { "names": ["a", "b"] } }] });
        assert_eq!(first_difference(&a, &a.clone(), "plan"), None);
        let b = json!({ "relations": [{ "root": { "names": ["a", "c"] } }] });
        assert_eq!(
            first_difference(&a, &b, "plan").as_deref(),
            Some("plan.relations[0].root.names[1]: \"b\" became \"c\"")
        );
        let c = json!({ "relations": [{ "root": { "names": ["a"] } }] });
        assert_eq!(
            first_difference(&a, &c, "plan").as_deref(),
            Some("plan.relations[0].root.names: [\"a\",\"b\"] became [\"a\"]")
        );
        let d = json!({ "relations": [{ "root": { "names": ["a", "b"], "extra": 1 } }] });
        assert_eq!(
            first_difference(&a, &d, "plan").as_deref(),
            Some("plan.relations[0].root.extra: nothing became 1")
        );
    }
}
