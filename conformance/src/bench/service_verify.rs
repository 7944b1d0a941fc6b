//! `bench service --verify-sample S`: whether shadow verification (`routing.verify`) makes
//! clients wait. The same load level is run against two fresh servers with the same engines
//! (DuckDB added when the data's configuration has no second engine), the first without
//! `routing.verify`, the second with `sample: S`; their latencies are reported side by side,
//! with the shadow runs' counts as the second server reports them (control API).
//!
//! Both runs are held below saturation, as the question is whether a client waits for a
//! shadow run, not whether extra work slows a saturated machine: a short back-to-back run
//! first measures what the first server answers per second, and both runs then offer half
//! of that (each client paced to one request per interval).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use switchyard_consumer::{DuckDbConfig, EngineConfig};
use switchyard_proto::v1::ListSuspectsRequest;
use switchyard_proto::v1::control_client::ControlClient;
use switchyard_router::{Config, VerifyConfig};

use crate::bench::flight_connection::connect;
use crate::bench::service::start_switchyard;
use crate::bench::service_load::{LoadOptions, LoadOutcome, run_load, warm_up};
use crate::bench::service_workload::ServiceQuery;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The share of the measured capacity both compared runs offer.
const OFFERED_SHARE: f64 = 0.5;
/// The longest the capacity is measured.
const CAPACITY_RUN: Duration = Duration::from_secs(10);

/// The engine added as the second answerer when the configuration has only one.
const SECOND_ENGINE: &str = "duckdb";

/// What to compare.
#[derive(Debug, Clone, Copy)]
pub struct VerifyBenchOptions {
    /// `routing.verify.sample` of the second server.
    pub sample: f64,
    /// Concurrent clients of both runs.
    pub clients: usize,
}

/// The shadow runs' counts, as the server with `routing.verify` reported them at the end.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShadowFigures {
    /// Queries the sample picked.
    pub sampled: u64,
    /// Second answers that agreed.
    pub agreed: u64,
    /// Second answers that differed.
    pub disagreed: u64,
    /// Dropped for want of a free slot.
    pub dropped_busy: u64,
    /// Not verified (no second engine, both failed) or too large to keep.
    pub other: u64,
}

/// The two runs.
#[derive(Debug, Clone)]
pub struct VerifyComparison {
    /// The options.
    pub options: VerifyBenchOptions,
    /// The engines both servers had.
    pub engines: Vec<String>,
    /// Without `routing.verify`.
    pub without: LoadOutcome,
    /// With `routing.verify.sample`.
    pub with: LoadOutcome,
    /// Answers per second of the first server with clients back to back.
    pub capacity: f64,
    /// Each client's interval between requests in both runs.
    pub pace: Duration,
    /// What the shadow did during the second run.
    pub shadow: ShadowFigures,
}

impl VerifyComparison {
    /// p99 with shadow runs over p99 without.
    pub fn p99_ratio(&self) -> f64 {
        self.with.latency.p99.as_secs_f64() / self.without.latency.p99.as_secs_f64().max(1e-9)
    }
}

/// Runs the level without and then with `routing.verify`, each on a fresh server.
#[allow(clippy::too_many_arguments)]
pub async fn measure_verify(
    executable: &Path,
    config: &Path,
    scratch: &Path,
    queries: Arc<[ServiceQuery]>,
    options: VerifyBenchOptions,
    duration: Duration,
    request_timeout: Duration,
    progress: &(dyn Fn(&str) + Sync),
) -> BenchResult<VerifyComparison> {
    let mut file = Config::load(config)?.file;
    if file.engines.len() < 2 {
        file.engines.insert(
            SECOND_ENGINE.to_string(),
            EngineConfig::DuckDb(DuckDbConfig::default()),
        );
    }
    let engines: Vec<String> = file.engines.keys().cloned().collect();
    let plain = scratch.join("without-verify.yaml");
    std::fs::write(&plain, Config::to_yaml(&file)?)?;
    file.routing.verify = Some(VerifyConfig {
        sample: options.sample,
        engines: Vec::new(),
        file: Some(scratch.join("verify.jsonl")),
    });
    let verified = scratch.join("with-verify.yaml");
    std::fs::write(&verified, Config::to_yaml(&file)?)?;
    let mut load = LoadOptions {
        clients: options.clients,
        duration: duration.min(CAPACITY_RUN),
        request_timeout,
        pace: None,
    };
    let mut outcomes = Vec::with_capacity(2);
    let mut shadow = ShadowFigures::default();
    let mut capacity = 0.0;
    for (label, path) in [("without", &plain), ("with", &verified)] {
        progress(&format!(
            "{} clients for {} s, {label} routing.verify (sample {})",
            options.clients,
            duration.as_secs(),
            options.sample
        ));
        let server = start_switchyard(executable, path).await?;
        warm_up(server.address(), &queries, request_timeout).await?;
        if load.pace.is_none() {
            capacity = run_load(server.address(), Arc::clone(&queries), &load)
                .await?
                .per_second();
            if capacity <= 0.0 {
                return Err("no query was answered while measuring the capacity".into());
            }
            load.duration = duration;
            load.pace = Some(Duration::from_secs_f64(
                options.clients as f64 / (OFFERED_SHARE * capacity),
            ));
            progress(&format!(
                "capacity {capacity:.0} answers/s; both runs offer {:.0}/s",
                OFFERED_SHARE * capacity
            ));
        }
        let mut outcome = run_load(server.address(), Arc::clone(&queries), &load).await?;
        outcome.server_peak_rss = server.peak_rss_bytes();
        if label == "with" {
            shadow = shadow_figures(server.address()).await?;
        }
        server.stop().await;
        progress(&format!(
            "{label} routing.verify: p50 {:.1} ms, p99 {:.1} ms, {} answers",
            outcome.latency.p50.as_secs_f64() * 1e3,
            outcome.latency.p99.as_secs_f64() * 1e3,
            outcome.answered()
        ));
        outcomes.push(outcome);
    }
    let with = outcomes.pop().ok_or("no run with routing.verify")?;
    let without = outcomes.pop().ok_or("no run without routing.verify")?;
    Ok(VerifyComparison {
        options,
        engines,
        without,
        with,
        capacity,
        pace: load.pace.unwrap_or_default(),
        shadow,
    })
}

async fn shadow_figures(address: std::net::SocketAddr) -> BenchResult<ShadowFigures> {
    // Let shadow runs started by the last answers finish before counting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut control = ControlClient::new(connect(address, false).await?);
    let counts = control
        .list_suspects(ListSuspectsRequest {})
        .await?
        .into_inner()
        .counts
        .ok_or("the server reports no shadow counts: routing.verify is not in effect")?;
    Ok(ShadowFigures {
        sampled: counts.sampled,
        agreed: counts.agreed,
        disagreed: counts.disagreed,
        dropped_busy: counts.dropped_busy,
        other: counts.unverified + counts.dropped_large,
    })
}
