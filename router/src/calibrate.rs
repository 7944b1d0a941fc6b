//! `switchyard calibrate`: measures an engine's cost profile with micro-queries over the
//! largest table it can read.
//!
//! With `R` rows and `B` bytes in that table and its first column `c`:
//! - start-up: `SELECT count(*)` over the smallest table (no scan worth the name);
//! - scan rate: `SELECT max(..)` of every column reads all `B` bytes;
//! - per-row cost: `SELECT c, count(*) ... GROUP BY c` pushes `2R` rows through operators;
//! - result cost: `SELECT c` hands `R` rows back;
//! - transfer rate: `SELECT *` moves all `B` bytes out; the rate counts everything after
//!   start-up (reading, converting, shipping), as moving a table out of an engine does.
//!
//! Each is the median of several runs after one warm-up, and each part subtracts what the
//! parts measured before it explain, so the profile adds back up to the measured times.
//! With a single readable table the start-up query counts that table's rows; for Parquet
//! that is metadata only, for CSV and JSON a scan, which makes start-up too high.

use std::time::{Duration, Instant};

use datafusion::physical_plan::common::collect;
use switchyard_consumer::EngineKind;
use switchyard_consumer::sql_text::quote_identifier;
use switchyard_producer::{SqlDialect, ValidatedPlan};

use crate::error::RouterError;
use crate::profile::EngineProfile;
use crate::switchyard::Switchyard;

/// One engine's measured profile and the times it came from.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The engine.
    pub engine: String,
    /// The profile derived.
    pub profile: EngineProfile,
    /// The table measured on, with its rows and bytes.
    pub table: (String, u64, u64),
    /// Each micro-query's median time.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Measures `engine`'s profile; `runs` times per micro-query.
pub async fn calibrate(
    switchyard: &Switchyard,
    engine: &str,
    runs: usize,
) -> Result<Calibration, RouterError> {
    let target = switchyard.engine_for(Some(engine))?;
    let resident = target.resident_tables();
    let readable: Vec<(String, u64, u64)> = switchyard
        .catalog()
        .tables()
        .filter(|t| {
            // Engines that read the catalog's files in place, or tables loaded into it.
            matches!(
                target.kind(),
                EngineKind::DataFusion
                    | EngineKind::DuckDb
                    | EngineKind::Ballista
                    | EngineKind::Spark
            ) || resident.iter().any(|r| r == t.name())
        })
        .filter_map(|t| {
            let stats = switchyard.router().statistics().table(t.name())?;
            Some((t.name().to_string(), stats.rows, stats.bytes))
        })
        .filter(|(_, rows, _)| *rows > 0)
        .collect();
    let (Some(largest), Some(smallest)) = (
        readable.iter().max_by_key(|t| t.2).cloned(),
        readable.iter().min_by_key(|t| t.2).cloned(),
    ) else {
        return Err(RouterError::Calibration {
            engine: engine.to_string(),
            message: "no table with statistics that it can read (load one first)".to_string(),
        });
    };
    let schema = switchyard
        .catalog()
        .table(&largest.0)
        .map(|t| t.schema())
        .ok_or_else(|| RouterError::UnknownTable {
            table: largest.0.clone(),
            known: String::new(),
        })?;
    if schema.fields().is_empty() {
        return Err(RouterError::Calibration {
            engine: engine.to_string(),
            message: format!("table {} has no columns", largest.0),
        });
    }
    let table = quote_identifier(&largest.0);
    let first = quote_identifier(schema.field(0).name());
    let every_max = schema
        .fields()
        .iter()
        .map(|f| format!("max({})", quote_identifier(f.name())))
        .collect::<Vec<_>>()
        .join(", ");
    let queries = [
        (
            "start-up",
            format!("SELECT count(*) FROM {}", quote_identifier(&smallest.0)),
        ),
        ("scan", format!("SELECT {every_max} FROM {table}")),
        (
            "group",
            format!("SELECT {first}, count(*) FROM {table} GROUP BY {first}"),
        ),
        ("result", format!("SELECT {first} FROM {table}")),
        ("transfer", format!("SELECT * FROM {table}")),
    ];
    let mut timings = Vec::new();
    for (name, sql) in &queries {
        let plan = switchyard
            .producer()
            .compile_checked(sql, SqlDialect::Generic)
            .await?;
        timings.push((*name, median_time(switchyard, &plan, engine, runs).await?));
    }
    let ms = |i: usize| timings[i].1.as_secs_f64() * 1e3;
    let (rows, bytes) = (largest.1 as f64, largest.2 as f64);
    let column_bytes = bytes / schema.fields().len().max(1) as f64;
    let startup_ms = ms(0);
    let scan_ms = (ms(1) - startup_ms).max(0.01);
    let scan_mb_per_s = bytes / 1e6 / (scan_ms / 1e3);
    let column_scan_ms = column_bytes / 1e6 / scan_mb_per_s * 1e3;
    let group_ms = (ms(2) - startup_ms - column_scan_ms).max(0.001);
    let row_ns = group_ms * 1e6 / (2.0 * rows);
    let result_ms = (ms(3) - startup_ms - column_scan_ms - rows * row_ns / 1e6).max(0.001);
    let result_row_ns = result_ms * 1e6 / rows;
    let transfer_ms = (ms(4) - startup_ms).max(0.01);
    let transfer_mb_per_s = bytes / 1e6 / (transfer_ms / 1e3);
    let memory_mb = switchyard
        .router()
        .profile(engine)
        .and_then(|p| p.memory_mb);
    let profile = EngineProfile {
        startup_ms: round(startup_ms),
        scan_mb_per_s: round(scan_mb_per_s),
        row_ns: round(row_ns),
        result_row_ns: round(result_row_ns),
        transfer_mb_per_s: round(transfer_mb_per_s),
        memory_mb,
    };
    profile
        .validate()
        .map_err(|message| RouterError::Calibration {
            engine: engine.to_string(),
            message,
        })?;
    Ok(Calibration {
        engine: engine.to_string(),
        profile,
        table: largest,
        timings,
    })
}

/// Three significant digits: calibration is not more precise than that.
fn round(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let magnitude = 10f64.powi(value.abs().log10().floor() as i32 - 2);
    (value / magnitude).round() * magnitude
}

async fn median_time(
    switchyard: &Switchyard,
    plan: &ValidatedPlan,
    engine: &str,
    runs: usize,
) -> Result<Duration, RouterError> {
    let mut times = Vec::with_capacity(runs);
    for run in 0..=runs.max(1) {
        let started = Instant::now();
        let routed = switchyard.run(plan, Some(engine)).await?;
        collect(routed.stream).await.map_err(|source| {
            switchyard_consumer::EngineError::Execution {
                engine: engine.to_string(),
                source,
            }
        })?;
        if run > 0 {
            times.push(started.elapsed()); // the first run warms caches
        }
    }
    times.sort();
    Ok(times[times.len() / 2])
}
