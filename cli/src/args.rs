//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use switchyard_conformance::Suite;
use switchyard_producer::{ExportTarget, PlanFormat, SqlDialect};
use switchyard_router::DEFAULT_CONFIG_FILE;

/// Switchyard: write a query once, as SQL or a DataFrame, compile it to a Substrait plan, and
/// run it on whichever engine fits.
#[derive(Debug, Parser)]
#[command(name = "switchyard", version, about)]
pub struct Cli {
    /// The configuration file (tables and engines).
    #[arg(long, global = true, default_value = DEFAULT_CONFIG_FILE, env = "SWITCHYARD_CONFIG")]
    pub config: PathBuf,
    /// Refuse plans with warnings (a comparison of an expression with itself, a literal
    /// cast that loses its value...) instead of running them as written.
    #[arg(long, global = true)]
    pub strict_plans: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate sample data.
    #[command(subcommand)]
    Datagen(Datagen),
    /// List the catalog's tables with their schema and row count.
    Catalog,
    /// Compile SQL into a Substrait plan.
    Plan(PlanArgs),
    /// Run a plan file or SQL on an engine and print or save the result.
    Run(RunArgs),
    /// List the configured engines: kind, health, resident tables and capabilities.
    Engines,
    /// Print the SQL an engine that runs SQL (DuckDB, PostgreSQL) would run for a plan.
    Translate(TranslateArgs),
    /// Copy catalog tables into an engine (PostgreSQL, or DuckDB with a database file) and
    /// record in the configuration that they live there.
    Load(LoadArgs),
    /// Print what a plan needs: relations, functions with argument types, types, tables.
    Features(FeaturesArgs),
    /// Print where a plan would run and why: each engine's verdict and estimated cost.
    Explain(ExplainArgs),
    /// Measure each engine's cost profile with micro-queries and write it to the configuration.
    Calibrate(CalibrateArgs),
    /// Generate TPC-H sample data if missing, compile a few queries, and run them.
    Demo(DemoArgs),
    /// Measure Switchyard's overheads.
    #[command(subcommand)]
    Bench(Bench),
    /// Run conformance suites on engines and write a report: results.json, a Markdown matrix
    /// and an HTML page.
    Conformance(ConformanceArgs),
    /// Differential query fuzzing: random queries over the catalog and an edge-value table,
    /// run on engines through Switchyard and compared with DuckDB running the SQL directly
    /// and with a ternary partition of each query; disagreements are shrunk and reported.
    /// Exits non-zero on a disagreement no rule explains.
    FuzzQueries(FuzzQueriesArgs),
    /// Import a plan from another producer (Isthmus, DuckDB, older DataFusion) and write the
    /// plan Switchyard runs; `--explain` lists the producer and the passes that changed it.
    Normalize(NormalizeArgs),
    /// Rewrite a plan for a consumer on an older Substrait version (Acero, DuckDB 1.1).
    Export(ExportArgs),
    /// Serve Arrow Flight SQL and the control API (gRPC) on one port until SIGTERM or SIGINT.
    Serve(ServeArgs),
    /// Show the verification log (`routing.verify`): verified runs, and the engines suspect
    /// for a plan feature set; `--clear ENGINE` clears marks.
    History(HistoryArgs),
    /// Start, stop or inspect a local Ballista cluster (a scheduler and executors, each a
    /// process of its own on 127.0.0.1).
    #[command(subcommand)]
    Cluster(Cluster),
}

/// `switchyard cluster`.
#[derive(Debug, Subcommand)]
pub enum Cluster {
    /// Start a scheduler and executors in the background, wait until they run a query, and
    /// print the scheduler's URL (`df://127.0.0.1:PORT`) for `{ kind: ballista, url: ... }`.
    Start {
        /// Executors to start.
        #[arg(long, default_value_t = 2)]
        executors: usize,
        /// The scheduler's port (0: a free one).
        #[arg(long, default_value_t = 50050)]
        port: u16,
        /// Tasks each executor runs at once (default: the machine's cores).
        #[arg(long)]
        concurrent_tasks: Option<usize>,
        /// Where the cluster keeps its state (PIDs, ports), logs and shuffle files.
        #[arg(long, default_value = ".switchyard/cluster")]
        dir: PathBuf,
    },
    /// Stop the cluster started from `--dir` (executors first), by the PIDs it recorded.
    Stop {
        /// The cluster's folder.
        #[arg(long, default_value = ".switchyard/cluster")]
        dir: PathBuf,
    },
    /// Each process of the cluster, running or not, and whether the scheduler answers.
    Status {
        /// The cluster's folder.
        #[arg(long, default_value = ".switchyard/cluster")]
        dir: PathBuf,
    },
    /// Run a Ballista scheduler in the foreground (what `cluster start` starts).
    #[command(hide = true)]
    Scheduler {
        /// The port to listen on, on 127.0.0.1.
        #[arg(long)]
        port: u16,
    },
    /// Run a Ballista executor in the foreground (what `cluster start` starts).
    #[command(hide = true)]
    Executor {
        /// The scheduler's port on 127.0.0.1.
        #[arg(long)]
        scheduler_port: u16,
        /// The Arrow Flight port results and shuffle data are served on.
        #[arg(long)]
        port: u16,
        /// The gRPC port the scheduler sends tasks to.
        #[arg(long)]
        grpc_port: u16,
        /// Where shuffle files go.
        #[arg(long)]
        work_dir: PathBuf,
        /// Tasks run at once.
        #[arg(long)]
        concurrent_tasks: usize,
    },
}

/// `switchyard history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Clear this engine's suspect marks (all of them, or `--feature-set`'s).
    #[arg(long, value_name = "ENGINE")]
    pub clear: Option<String>,
    /// With `--clear`: only the mark for this plan feature set.
    #[arg(long, requires = "clear")]
    pub feature_set: Option<String>,
    /// With `--clear`: clear it in this running service (`http://HOST:PORT`) through the
    /// control API, which records it in the log; without, the log is appended to directly
    /// and a running service sees it at its next start.
    #[arg(long, requires = "clear")]
    pub server: Option<String>,
    /// The bearer token for `--server` (a principal that may read every table).
    #[arg(long, env = "SWITCHYARD_TOKEN", requires = "server")]
    pub token: Option<String>,
    /// Print the records and marks as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `switchyard serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one (printed as `listening on ADDRESS`).
    #[arg(long, default_value = "127.0.0.1:50051")]
    pub listen: std::net::SocketAddr,
}

/// `switchyard normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// The plan file, binary or JSON (detected).
    pub input: PathBuf,
    /// Write the normalized plan here instead of to standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// The plan's encoding (default: from the output file's extension, else JSON).
    #[arg(long, value_parser = parse_plan_format)]
    pub format: Option<PlanFormat>,
    /// Print the producer the plan names and each normalization pass that changed it.
    #[arg(long)]
    pub explain: bool,
}

/// `switchyard export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// The consumer to write for: acero or duckdb-1.1.
    #[arg(long = "for", value_parser = parse_export_target)]
    pub target: ExportTarget,
    /// Write the plan here instead of to standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// The plan's encoding (default: from the output file's extension, else JSON).
    #[arg(long, value_parser = parse_plan_format)]
    pub format: Option<PlanFormat>,
}

/// Data generators.
#[derive(Debug, Subcommand)]
pub enum Datagen {
    /// The eight TPC-H tables as Parquet, plus a switchyard.yaml naming them.
    Tpch {
        /// The TPC-H scale factor (1 is about 1 GB of raw data).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// The folder to write into.
        #[arg(long, default_value = "data/tpch")]
        out: PathBuf,
    },
}

/// Where a query comes from.
#[derive(Debug, Args)]
#[group(required = false, multiple = false)]
pub struct SqlSource {
    /// SQL text.
    #[arg(long)]
    pub sql: Option<String>,
    /// A file of SQL: optional CREATE VIEW statements, one query, optional DROP VIEW statements.
    #[arg(long)]
    pub sql_file: Option<PathBuf>,
}

/// `switchyard plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub source: SqlSource,
    /// The SQL dialect.
    #[arg(long, default_value = "generic", value_parser = parse_dialect)]
    pub dialect: SqlDialect,
    /// The plan's encoding (default: from the output file's extension, else JSON).
    #[arg(long, value_parser = parse_plan_format)]
    pub format: Option<PlanFormat>,
    /// Write the plan here instead of to standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// A plan file, or SQL compiled into a plan.
#[derive(Debug, Args)]
pub struct PlanInput {
    /// A Substrait plan file, binary or JSON (detected).
    #[arg(conflicts_with_all = ["sql", "sql_file"])]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub source: SqlSource,
    /// The SQL dialect.
    #[arg(long, default_value = "generic", value_parser = parse_dialect)]
    pub dialect: SqlDialect,
}

/// `switchyard translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// The engine whose SQL to print.
    #[arg(long)]
    pub engine: String,
}

/// `switchyard load`.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The engine to copy tables into.
    #[arg(long)]
    pub engine: String,
    /// Only these tables (comma separated; default: every catalog table).
    #[arg(long, value_delimiter = ',')]
    pub tables: Vec<String>,
}

/// `switchyard features`.
#[derive(Debug, Args)]
pub struct FeaturesArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// `switchyard explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// Explain as if `--engine NAME` were given to `run`.
    #[arg(long)]
    pub engine: Option<String>,
    /// Print JSON (`chosen`, `reason`, `candidates`, ...) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `switchyard calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Only these engines (comma separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Runs of each micro-query; the median counts.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Print the profiles without writing them to the configuration.
    #[arg(long)]
    pub dry_run: bool,
}

/// `switchyard run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: PlanInput,
    /// The engine to run on (default: the one the router chooses; `switchyard explain` says why).
    #[arg(long)]
    pub engine: Option<String>,
    /// Print the routing decision (the engines tried) after the result.
    #[arg(long)]
    pub explain: bool,
    /// Write the result to this file; its extension names the format (.csv, .json, .parquet, .arrow).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Print at most this many rows.
    #[arg(long, default_value_t = 100)]
    pub max_rows: usize,
    /// Stop the query after this many milliseconds (at most service.limits.query_timeout_ms).
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    /// Also run the plan on a second engine and compare the answers: `--verify` picks the
    /// next capable engine by estimated cost, `--verify=ENGINE` names it. Fails, naming the
    /// first difference, when they disagree, and when no second engine can run the plan.
    #[arg(long, value_name = "ENGINE", num_args = 0..=1, require_equals = true)]
    pub verify: Option<Option<String>>,
}

/// `switchyard demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the sample data lives, generated if missing (default: data/tpch-sf<SCALE>).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The TPC-H scale factor of generated data.
    #[arg(long, default_value_t = 0.1)]
    pub scale: f64,
}

/// `switchyard conformance`.
#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// Only these engines (comma separated; default: all configured).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Only these suites: substrait-functions, tpch, foreign-plans, round-trip (repeat or
    /// comma separate; default: all).
    /// The tpch suite needs the TPC-H tables in the configuration.
    #[arg(long = "suite", value_delimiter = ',', value_parser = parse_suite)]
    pub suites: Vec<Suite>,
    /// The folder to write results.json, matrix.md and index.html into.
    #[arg(long, default_value = "conformance-report")]
    pub report: PathBuf,
    /// Also write each engine's capability manifest, measured from this run, into this
    /// folder (`<engine>.yaml`): what its passing cases' plans use, and its failed TPC-H
    /// queries.
    #[arg(long)]
    pub write_manifests: Option<PathBuf>,
}

/// `switchyard fuzz-queries`.
#[derive(Debug, Args)]
pub struct FuzzQueriesArgs {
    /// The engines to check (comma separated configured names).
    #[arg(long, value_delimiter = ',', required = true)]
    pub engines: Vec<String>,
    /// Stop after this many seconds (default 60 unless --count is given).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Stop after this many generated queries.
    #[arg(long)]
    pub count: Option<usize>,
    /// The generator's seed: the same seed, catalog and engines give the same queries.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The folder to write summary.md, one file per disagreement and the edge table into.
    #[arg(long, default_value = "fuzz-report")]
    pub report: PathBuf,
    /// Rules explaining legitimate differences (default: the built-in
    /// conformance/fuzz-rules.txt).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Each engine run's time limit, in seconds.
    #[arg(long, default_value_t = 30)]
    pub query_timeout: u64,
}

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum Bench {
    /// Per TPC-H query: SQL planning, Substrait production, consumption, and execution via
    /// Substrait against execution of the SQL directly; writes a Markdown report.
    Overhead {
        /// Where the TPC-H data lives, generated if missing (default: data/tpch-sf<SCALE>).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The TPC-H scale factor of generated data.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Timed executions per query and side (medians are reported).
        #[arg(long, default_value_t = 10)]
        runs: usize,
        /// Only these queries (comma separated numbers; default all 22).
        #[arg(long, value_delimiter = ',')]
        queries: Vec<usize>,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/performance.md")]
        report: PathBuf,
    },
    /// Per TPC-H query: DataFusion, DuckDB (through translation and by itself) and
    /// PostgreSQL (through translation) on the same data, and translation times; writes a
    /// Markdown report.
    Engines {
        /// Where the TPC-H data lives, generated if missing (default: data/tpch-sf<SCALE>).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The TPC-H scale factor of generated data.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Timed executions per query and engine (medians are reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Only these queries (comma separated numbers; default all 22).
        #[arg(long, value_delimiter = ',')]
        queries: Vec<usize>,
        /// A PostgreSQL server to measure (its tables are replaced by the TPC-H ones); by
        /// default a throwaway one is started with scripts/pg-cluster.sh.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Leave PostgreSQL out.
        #[arg(long)]
        no_postgres: bool,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/performance.md")]
        report: PathBuf,
    },
    /// The routing workload (22 TPC-H queries plus key lookups) on DataFusion, DuckDB and
    /// PostgreSQL after calibrating them: routed against each single engine and the oracle.
    Routing {
        /// Where the TPC-H data lives, generated if missing (default: data/tpch-sf<SCALE>).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The TPC-H scale factor of generated data.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Timed executions per query and engine (medians are reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Key lookups added to the 22 TPC-H queries.
        #[arg(long, default_value_t = 50)]
        lookups: usize,
        /// A PostgreSQL server to use (its tables are replaced by the TPC-H ones); by
        /// default a throwaway one is started with scripts/pg-cluster.sh.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Route again over the medians an earlier run saved (DATA/routing-measurements.json)
        /// instead of measuring: for working on the cost model without re-running engines.
        #[arg(long)]
        replay: Option<PathBuf>,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/performance.md")]
        report: PathBuf,
    },
    /// The Flight SQL service in a second process (`switchyard serve`, restarted per level)
    /// under concurrent clients sending small queries as SQL and as Substrait plans, every
    /// answer checked; then DoGet of lineitem against a minimal pyarrow Flight server.
    Service {
        /// Where the TPC-H data lives, generated if missing (default: data/tpch-sf<SCALE>).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The TPC-H scale factor of generated data.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Concurrent clients of each load level (comma separated).
        #[arg(long, value_delimiter = ',', default_values_t = [8, 32, 128])]
        clients: Vec<usize>,
        /// Seconds of load per level.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Timed DoGet fetches of lineitem from each server, after one warm-up each.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// A Python with pyarrow for the reference server (default: the virtualenv that
        /// scripts/adbc-venv.sh makes, made when missing).
        #[arg(long)]
        python: Option<PathBuf>,
        /// Leave out the DoGet comparison (no Python needed).
        #[arg(long)]
        no_doget: bool,
        /// Also run one level without and with `routing.verify` at this sample (0.1: every
        /// tenth query re-run on a second engine), side by side, on the same engines.
        #[arg(long)]
        verify_sample: Option<f64>,
        /// Clients of the `--verify-sample` comparison.
        #[arg(long, default_value_t = 8, requires = "verify_sample")]
        verify_clients: usize,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/performance.md")]
        report: PathBuf,
    },
    /// TPC-H at several scales on the embedded DataFusion engine, a Ballista cluster (a
    /// scheduler and executors as processes) and a Spark Connect server (`local[2]`), with
    /// the router's estimates: where local and cluster cross, measured and modelled.
    Distributed {
        /// TPC-H scale factors (comma separated), generated under data/ when missing.
        #[arg(long, value_delimiter = ',', default_values_t = [0.1, 1.0])]
        scales: Vec<f64>,
        /// Timed executions per query and engine (medians are reported).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Only these queries (comma separated numbers; default all 22).
        #[arg(long, value_delimiter = ',')]
        queries: Vec<usize>,
        /// Ballista executors.
        #[arg(long, default_value_t = 2)]
        executors: usize,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/performance.md")]
        report: PathBuf,
    },
    /// Fault injection: concurrent clients run small queries routed to a throwaway
    /// PostgreSQL server, which is killed (SIGKILL) and restarted mid-run; every answer is
    /// checked against DataFusion's. Writes the counts to a Markdown report.
    Faults {
        /// Where the TPC-H data lives, generated if missing (default: data/tpch-sf<SCALE>).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The TPC-H scale factor of generated data.
        #[arg(long, default_value_t = 0.1)]
        scale: f64,
        /// Concurrent clients.
        #[arg(long, default_value_t = 16)]
        clients: usize,
        /// Queries in all.
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// Queries started per second across clients.
        #[arg(long, default_value_t = 100.0)]
        per_second: f64,
        /// The router's health interval (routing.health_interval_ms).
        #[arg(long, default_value_t = 500)]
        health_interval_ms: u64,
        /// The Markdown report to write.
        #[arg(long, default_value = "docs/reliability.md")]
        report: PathBuf,
    },
}

fn parse_dialect(text: &str) -> Result<SqlDialect, String> {
    text.parse()
}

fn parse_plan_format(text: &str) -> Result<PlanFormat, String> {
    text.parse()
}

fn parse_export_target(text: &str) -> Result<ExportTarget, String> {
    text.parse()
}

fn parse_suite(text: &str) -> Result<Suite, String> {
    text.parse()
}
