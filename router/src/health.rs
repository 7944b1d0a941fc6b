//! What the router knows of each engine's health: an engine found down is skipped (explain
//! says so) until it answers again.
//!
//! Two things write here: a monitor that asks every engine at `routing.health_interval_ms`
//! (started by long-running processes, see [`crate::Switchyard::spawn_health_monitor`]), and a
//! run that could not reach its engine, which marks it down at once so the next plans do not
//! wait for the monitor to find out. Only the monitor marks an engine up again.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use serde::Serialize;

/// The interval at which the monitor asks every engine, when the configuration gives none.
pub const DEFAULT_HEALTH_INTERVAL: Duration = Duration::from_secs(2);

/// The longest one health probe may take before the engine counts as down.
pub const HEALTH_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// One engine's last known health.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EngineHealth {
    /// Answering (or never asked: engines are presumed up until found down).
    Up,
    /// Not answering.
    Down {
        /// Why, as the probe or the failed run said.
        error: String,
        /// How long ago it was found down, in milliseconds.
        for_ms: u64,
    },
}

#[derive(Debug, Clone)]
struct DownSince {
    error: String,
    since: Instant,
}

/// Each engine's health, shared by the router and whoever probes.
#[derive(Debug, Default)]
pub struct HealthBook {
    down: RwLock<HashMap<String, DownSince>>,
}

impl HealthBook {
    /// Records that `engine` answered.
    pub fn mark_up(&self, engine: &str) {
        let mut down = self.down.write().unwrap_or_else(|e| e.into_inner());
        if down.remove(engine).is_some() {
            tracing::info!(engine, "engine is back up");
        }
    }

    /// Records that `engine` did not answer, and why; the first time is kept as its start.
    pub fn mark_down(&self, engine: &str, error: &str) {
        let mut down = self.down.write().unwrap_or_else(|e| e.into_inner());
        down.entry(engine.to_string())
            .and_modify(|d| d.error = error.to_string())
            .or_insert_with(|| {
                tracing::info!(engine, error, "engine is down");
                DownSince {
                    error: error.to_string(),
                    since: Instant::now(),
                }
            });
    }

    /// The health of `engine` as last known.
    pub fn of(&self, engine: &str) -> EngineHealth {
        let down = self.down.read().unwrap_or_else(|e| e.into_inner());
        match down.get(engine) {
            None => EngineHealth::Up,
            Some(d) => EngineHealth::Down {
                error: d.error.clone(),
                for_ms: u64::try_from(d.since.elapsed().as_millis()).unwrap_or(u64::MAX),
            },
        }
    }

    /// Whether any engine is down (routing skips the lookups when none is).
    pub fn any_down(&self) -> bool {
        !self
            .down
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_until_marked_up_keeping_when_it_went_down() {
        let book = HealthBook::default();
        assert_eq!(book.of("pg"), EngineHealth::Up);
        assert!(!book.any_down());
        book.mark_down("pg", "connection refused");
        std::thread::sleep(Duration::from_millis(20));
        book.mark_down("pg", "timed out");
        match book.of("pg") {
            EngineHealth::Down { error, for_ms } => {
                assert_eq!(error, "timed out");
                assert!(for_ms >= 20, "{for_ms}");
            }
            EngineHealth::Up => panic!("pg should be down"),
        }
        assert!(book.any_down());
        book.mark_up("pg");
        assert_eq!(book.of("pg"), EngineHealth::Up);
    }
}
