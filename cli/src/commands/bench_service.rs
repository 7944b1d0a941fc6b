//! `switchyard bench service`: this executable serving TPC-H in a second process under
//! concurrent Flight SQL clients, and DoGet of lineitem against a pyarrow reference.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use switchyard_conformance::bench::pyarrow_reference::project_python;
use switchyard_conformance::bench::service::{
    ReferenceOptions, ServiceBenchOptions, measure_service,
};
use switchyard_conformance::bench::service_report::{ServiceContext, render_service_markdown};
use switchyard_conformance::bench::service_verify::VerifyBenchOptions;
use switchyard_conformance::ensure_tpch;

use crate::commands::bench::{build_kind, command_line, utc_now};
use crate::commands::default_tpch_dir;
use crate::progress::TableBars;

/// A request with neither an answer nor an error after this long counts as lost.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Options of `bench service`.
pub struct ServiceBenchArgs {
    /// Where the TPC-H data lives (default: data/tpch-sf<SCALE>).
    pub data: Option<PathBuf>,
    /// The TPC-H scale.
    pub scale: f64,
    /// Concurrent clients of each level.
    pub clients: Vec<usize>,
    /// Seconds of load per level.
    pub seconds: u64,
    /// Timed DoGet fetches per server.
    pub runs: usize,
    /// A Python with pyarrow (default: the project's virtualenv).
    pub python: Option<PathBuf>,
    /// Leave out the DoGet comparison.
    pub no_doget: bool,
    /// Compare one level without and with `routing.verify` at this sample.
    pub verify_sample: Option<f64>,
    /// Clients of that comparison.
    pub verify_clients: usize,
}

pub async fn run(args: ServiceBenchArgs) -> Result<String> {
    if let Some(sample) = args.verify_sample
        && !(sample > 0.0 && sample <= 1.0)
    {
        bail!("--verify-sample: {sample} is not a fraction above 0, at most 1");
    }
    if args.clients.contains(&0) || args.verify_clients == 0 {
        bail!("--clients: every level needs at least one client");
    }
    let data = args.data.unwrap_or_else(|| default_tpch_dir(args.scale));
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; benchmark a release build (cargo run --release)"
        );
    }
    let bars = TableBars::new();
    let config = ensure_tpch(args.scale, &data, &|p| bars.update(p))?;
    bars.finish();
    let doget = if args.no_doget {
        None
    } else {
        let python = match args.python {
            Some(python) => python,
            None => {
                eprintln!("finding pyarrow (scripts/adbc-venv.sh)");
                project_python().await.map_err(|e| anyhow!(e))?
            }
        };
        Some(ReferenceOptions {
            python,
            runs: args.runs.max(1),
        })
    };
    let duration = Duration::from_secs(args.seconds);
    let options = ServiceBenchOptions {
        switchyard: std::env::current_exe().context("the path of this executable")?,
        config,
        scale: args.scale,
        clients: args.clients,
        duration,
        request_timeout: REQUEST_TIMEOUT,
        doget,
        verify: args.verify_sample.map(|sample| VerifyBenchOptions {
            sample,
            clients: args.verify_clients,
        }),
    };
    let figures = measure_service(&options, &|message| eprintln!("{message}"))
        .await
        .map_err(|e| anyhow!(e))?;
    let context = ServiceContext {
        command: command_line(),
        when: utc_now(),
        build: build_kind(),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        scale: args.scale,
        duration,
        request_timeout: REQUEST_TIMEOUT,
    };
    Ok(render_service_markdown(&figures, &context))
}
