//! Engine profiles: the per-engine constants of the cost model. Defaults per engine kind
//! come from `switchyard calibrate` runs on the development machine (docs/routing.md); run
//! it on yours to replace them in the configuration.

use serde::{Deserialize, Serialize};
use switchyard_consumer::EngineKind;

use crate::cost::WORK_TERMS;

/// How fast an engine is, in the units the cost model adds up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineProfile {
    /// Fixed cost of any query: planning, translation, connection, first batch (ms).
    pub startup_ms: f64,
    /// Bytes of table data read per second, in MB/s (decoded bytes).
    pub scan_mb_per_s: f64,
    /// Cost per row per operator that touches it (ns).
    pub row_ns: f64,
    /// Cost per result row handed back to Switchyard (ns): conversion and transfer.
    pub result_row_ns: f64,
    /// Rate at which a table that lives elsewhere can be moved to or from this engine
    /// (MB/s); also the rate at which others move this engine's tables out.
    pub transfer_mb_per_s: f64,
    /// The working memory the engine may use for one query (MB); `None`: no ceiling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<f64>,
}

impl EngineProfile {
    /// The built-in profile for an engine kind.
    pub fn default_for(kind: EngineKind) -> Self {
        match kind {
            EngineKind::DataFusion => Self {
                startup_ms: 1.5,
                scan_mb_per_s: 900.0,
                row_ns: 12.0,
                result_row_ns: 30.0,
                transfer_mb_per_s: 400.0,
                memory_mb: None,
            },
            EngineKind::DuckDb => Self {
                startup_ms: 2.0,
                scan_mb_per_s: 1500.0,
                row_ns: 7.0,
                result_row_ns: 120.0,
                transfer_mb_per_s: 400.0,
                memory_mb: None,
            },
            EngineKind::Postgres => Self {
                startup_ms: 3.0,
                scan_mb_per_s: 250.0,
                row_ns: 60.0,
                result_row_ns: 400.0,
                transfer_mb_per_s: 60.0,
                memory_mb: None,
            },
            // A cluster: every query is a job (submitted, staged, polled, results fetched
            // over Flight), so it starts slowly and pays for results; its executors scan
            // in parallel. `switchyard calibrate` measures the real figures.
            EngineKind::Ballista => Self {
                startup_ms: 250.0,
                scan_mb_per_s: 2000.0,
                row_ns: 6.0,
                result_row_ns: 250.0,
                transfer_mb_per_s: 400.0,
                memory_mb: None,
            },
            // Spark `local[2]` through Spark Connect: every query is analysed, planned and
            // code-generated on the JVM (a few hundred ms), then scans in parallel.
            EngineKind::Spark => Self {
                startup_ms: 400.0,
                scan_mb_per_s: 800.0,
                row_ns: 8.0,
                result_row_ns: 300.0,
                transfer_mb_per_s: 200.0,
                memory_mb: None,
            },
        }
    }

    /// The profile's cost per unit of each of the [`WorkTerms`](crate::cost::WorkTerms) (ms per query, per MB, per
    /// million rows), so that `work.cost(&profile.coefficients())` is the model's time
    /// before moving tables.
    pub fn coefficients(&self) -> [f64; WORK_TERMS] {
        [
            self.startup_ms,
            1e3 / self.scan_mb_per_s,
            self.row_ns,
            self.row_ns,
            self.row_ns,
            self.result_row_ns,
        ]
    }

    /// Checks that every rate is positive and finite.
    pub fn validate(&self) -> Result<(), String> {
        let fields = [
            ("startup_ms", self.startup_ms, true),
            ("scan_mb_per_s", self.scan_mb_per_s, false),
            ("row_ns", self.row_ns, true),
            ("result_row_ns", self.result_row_ns, true),
            ("transfer_mb_per_s", self.transfer_mb_per_s, false),
            ("memory_mb", self.memory_mb.unwrap_or(1.0), false),
        ];
        for (name, value, zero_ok) in fields {
            let ok = value.is_finite() && (value > 0.0 || (zero_ok && value == 0.0));
            if !ok {
                return Err(format!(
                    "profile {name} must be a positive number, not {value}"
                ));
            }
        }
        Ok(())
    }
}
