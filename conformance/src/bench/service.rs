//! `bench service`: the plan-submission service in a second process (`switchyard serve`),
//! under load from concurrent Flight SQL clients in this one, level after level with a fresh
//! server each so that its peak memory is the level's own; then DoGet of a large result from
//! it and from a pyarrow reference, side by side.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::array::{Array, Int64Array};
use switchyard_producer::TableFormat;
use switchyard_router::{Config, LimitsConfig, Switchyard};
use tokio::process::Command;

use crate::bench::bench_config::write_bench_config;
use crate::bench::doget_throughput::{DoGetComparison, DoGetOptions, compare_doget};
use crate::bench::flight_connection::{
    connect, flight_client, flight_sql_client, wait_for_flight_sql,
};
use crate::bench::pyarrow_reference::{REFERENCE_TICKET, start_reference};
use crate::bench::server_process::ServerProcess;
use crate::bench::service_load::{LoadOptions, LoadOutcome, run_load, warm_up};
use crate::bench::service_verify::{VerifyBenchOptions, VerifyComparison, measure_verify};
use crate::bench::service_workload::{ServiceQuery, prepare_queries, service_queries};
use crate::direct::{direct_session, run_sql_directly};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The table whose whole content is fetched for DoGet throughput.
pub const LARGE_TABLE: &str = "lineitem";

/// The longest `switchyard serve` may take to print where it listens.
const SERVER_STARTUP: Duration = Duration::from_secs(120);
/// The longest the reference may take to read its table and listen.
const REFERENCE_STARTUP: Duration = Duration::from_secs(600);
/// The longest a listening server may take to answer Flight SQL.
const FLIGHT_SQL_READY: Duration = Duration::from_secs(60);
/// The longest one fetch of the large result may take.
const DOGET_TIMEOUT: Duration = Duration::from_secs(600);

/// What to measure.
#[derive(Debug, Clone)]
pub struct ServiceBenchOptions {
    /// The `switchyard` executable that serves (the running one, as a rule).
    pub switchyard: PathBuf,
    /// The configuration of the TPC-H data.
    pub config: PathBuf,
    /// The data's TPC-H scale (the lookups' keys depend on it).
    pub scale: f64,
    /// Concurrent clients of each load level, in order.
    pub clients: Vec<usize>,
    /// How long each level sends.
    pub duration: Duration,
    /// A request with neither an answer nor an error by then is counted lost.
    pub request_timeout: Duration,
    /// DoGet against the reference; `None` leaves it out.
    pub doget: Option<ReferenceOptions>,
    /// One level without and with `routing.verify`, side by side; `None` leaves it out.
    pub verify: Option<VerifyBenchOptions>,
}

/// How to run the DoGet comparison.
#[derive(Debug, Clone)]
pub struct ReferenceOptions {
    /// A Python with pyarrow.
    pub python: PathBuf,
    /// Timed fetches from each server, after one warm-up each.
    pub runs: usize,
}

/// Everything measured.
#[derive(Debug, Clone)]
pub struct ServiceFigures {
    /// The workload's queries (name, SQL).
    pub queries: Vec<(String, String)>,
    /// The limits the service ran with.
    pub limits: LimitsConfig,
    /// One outcome per load level.
    pub levels: Vec<LoadOutcome>,
    /// The DoGet comparison, when measured.
    pub doget: Option<DoGetComparison>,
    /// Latency without and with shadow verification, when measured.
    pub verify: Option<VerifyComparison>,
}

/// Runs every load level, then the DoGet comparison; `progress` hears what starts.
pub async fn measure_service(
    options: &ServiceBenchOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> BenchResult<ServiceFigures> {
    let scratch = tempfile::Builder::new()
        .prefix("switchyard-bench-service-")
        .tempdir()?;
    let most_clients = options.clients.iter().copied().max().unwrap_or(1);
    let config = write_bench_config(&options.config, scratch.path(), most_clients)?;

    progress("compiling the queries and computing DataFusion's answers");
    let switchyard = Switchyard::open(Config::load(&config.path)?).await?;
    let workload = service_queries(options.scale);
    let queries: Arc<[ServiceQuery]> = prepare_queries(&switchyard, &workload).await?.into();
    let large = match options.doget {
        Some(_) => Some(large_table(&switchyard).await?),
        None => None,
    };
    drop(switchyard);

    let mut levels = Vec::with_capacity(options.clients.len());
    for &clients in &options.clients {
        progress(&format!(
            "{clients} clients for {} s",
            options.duration.as_secs()
        ));
        let server = start_switchyard(&options.switchyard, &config.path).await?;
        warm_up(server.address(), &queries, options.request_timeout).await?;
        let load = LoadOptions {
            clients,
            duration: options.duration,
            request_timeout: options.request_timeout,
            pace: None,
        };
        let mut outcome = run_load(server.address(), Arc::clone(&queries), &load).await?;
        outcome.server_peak_rss = server.peak_rss_bytes();
        server.stop().await;
        progress(&format!(
            "{clients} clients: {} answers ({:.0}/s), {} wrong, {} errors, {} lost",
            outcome.answered(),
            outcome.per_second(),
            outcome.wrong,
            outcome.errors,
            outcome.lost
        ));
        levels.push(outcome);
    }

    let verify = match options.verify {
        Some(verify) => Some(
            measure_verify(
                &options.switchyard,
                &config.path,
                scratch.path(),
                Arc::clone(&queries),
                verify,
                options.duration,
                options.request_timeout,
                progress,
            )
            .await?,
        ),
        None => None,
    };
    let doget = match (&options.doget, large) {
        (Some(reference), Some(large)) => {
            Some(measure_doget(options, reference, &config.path, &large, progress).await?)
        }
        _ => None,
    };
    Ok(ServiceFigures {
        queries: workload,
        limits: config.limits,
        levels,
        doget,
        verify,
    })
}

/// Starts `switchyard serve` on a free port of 127.0.0.1 and waits until it answers
/// Flight SQL.
pub(crate) async fn start_switchyard(
    executable: &Path,
    config: &Path,
) -> BenchResult<ServerProcess> {
    let mut command = Command::new(executable);
    command
        .arg("serve")
        .arg("--config")
        .arg(config)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("SWITCHYARD_CONFIG");
    let server = ServerProcess::start("switchyard serve", command, SERVER_STARTUP).await?;
    // On failure `server` drops here, which kills it.
    wait_for_flight_sql(server.address(), FLIGHT_SQL_READY).await?;
    Ok(server)
}

/// The large table's file (or folder) and row count.
struct LargeTable {
    path: PathBuf,
    rows: u64,
}

/// Finds [`LARGE_TABLE`] in the configuration and counts its rows with DataFusion directly.
async fn large_table(switchyard: &Switchyard) -> BenchResult<LargeTable> {
    let config = switchyard.config();
    let table = config
        .file
        .tables
        .get(LARGE_TABLE)
        .ok_or_else(|| format!("the configuration has no table {LARGE_TABLE}"))?;
    if table.format != TableFormat::Parquet {
        return Err(format!(
            "the reference server reads Parquet; {LARGE_TABLE} is {}",
            table.format
        )
        .into());
    }
    let direct = direct_session(switchyard.catalog())?;
    let answer =
        run_sql_directly(&direct, &format!("SELECT count(*) AS n FROM {LARGE_TABLE}")).await?;
    let rows = answer
        .batches
        .iter()
        .find(|batch| batch.num_rows() > 0)
        .and_then(|batch| {
            batch
                .column(0)
                .as_any()
                .downcast_ref::<Int64Array>()
                .map(|counts| counts.value(0))
        })
        .ok_or("count(*) gave no Int64 value")?;
    Ok(LargeTable {
        path: config.base_dir.join(&table.path),
        rows: u64::try_from(rows)?,
    })
}

/// Starts the reference (it reads the table first) and a fresh `switchyard serve`, fetches
/// the whole table from both alternately, and reads both servers' peak memory.
async fn measure_doget(
    options: &ServiceBenchOptions,
    reference_options: &ReferenceOptions,
    config: &Path,
    large: &LargeTable,
    progress: &(dyn Fn(&str) + Sync),
) -> BenchResult<DoGetComparison> {
    progress(&format!(
        "DoGet: starting the pyarrow reference (it reads {LARGE_TABLE} into memory first)"
    ));
    let reference = start_reference(
        &reference_options.python,
        std::slice::from_ref(&large.path),
        REFERENCE_STARTUP,
    )
    .await?;
    let ours = start_switchyard(&options.switchyard, config).await?;
    let mut ours_client = flight_sql_client(connect(ours.address(), true).await?);
    let mut reference_client = flight_client(connect(reference.address(), true).await?);
    let doget = DoGetOptions {
        sql: format!("SELECT * FROM {LARGE_TABLE}"),
        ticket: REFERENCE_TICKET.to_string(),
        runs: reference_options.runs,
        expected_rows: large.rows,
        timeout: DOGET_TIMEOUT,
    };
    let (mut ours_side, mut reference_side) =
        compare_doget(&mut ours_client, &mut reference_client, &doget, progress).await?;
    ours_side.peak_rss = ours.peak_rss_bytes();
    reference_side.peak_rss = reference.peak_rss_bytes();
    let reference_startup = reference.startup();
    ours.stop().await;
    reference.stop().await;
    Ok(DoGetComparison {
        sql: doget.sql,
        ours: ours_side,
        reference: reference_side,
        reference_startup,
    })
}
