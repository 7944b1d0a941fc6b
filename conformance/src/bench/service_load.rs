//! Load on a running service: concurrent Flight SQL clients, each on its own connection,
//! looping over the workload (every query as SQL and as a Substrait plan) until a deadline;
//! every answer is checked and every request timed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_flight::FlightDescriptor;
use arrow_flight::error::FlightError;
use arrow_flight::sql::client::FlightSqlServiceClient;
use arrow_flight::sql::{CommandStatementSubstraitPlan, ProstMessageExt, SubstraitPlan};
use datafusion::arrow::record_batch::RecordBatch;
use futures::TryStreamExt;
use prost::Message;
use tonic::transport::Channel;

use crate::bench::flight_connection::{connect, flight_sql_client};
use crate::bench::service_workload::{QueryForm, ServiceQuery};
use crate::bench::stats::percentile;
use crate::compare::{DEFAULT_RELATIVE_TOLERANCE, compare_results};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Error and wrong-answer messages kept per level.
const MAX_SAMPLES: usize = 5;

/// One load level.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Concurrent clients, each with its own connection.
    pub clients: usize,
    /// How long clients keep sending (requests under way at the deadline finish).
    pub duration: Duration,
    /// A request with neither an answer nor an error by then is counted lost.
    pub request_timeout: Duration,
    /// Each client starts at most one request per this interval (sleeping out the rest),
    /// so that the offered load stays below saturation; `None`: back to back.
    pub pace: Option<Duration>,
}

/// Latency of the answered requests, from sending the statement to the last batch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LatencySummary {
    /// The median.
    pub p50: Duration,
    /// The 99th percentile.
    pub p99: Duration,
    /// The slowest.
    pub max: Duration,
}

/// What one load level did.
#[derive(Debug, Clone, Default)]
pub struct LoadOutcome {
    /// Concurrent clients.
    pub clients: usize,
    /// From the first request to the end of the last one.
    pub elapsed: Duration,
    /// Answers equal to DataFusion's.
    pub correct: u64,
    /// Answers that differ from DataFusion's.
    pub wrong: u64,
    /// Requests that failed (the service or the connection returned an error).
    pub errors: u64,
    /// Requests with neither an answer nor an error within the request timeout.
    pub lost: u64,
    /// Latency of the answered requests (correct or wrong).
    pub latency: LatencySummary,
    /// The first few error and wrong-answer messages.
    pub samples: Vec<String>,
    /// The server's peak resident memory during the level, in bytes, when known.
    pub server_peak_rss: Option<u64>,
}

impl LoadOutcome {
    /// Requests answered, correctly or not.
    pub fn answered(&self) -> u64 {
        self.correct + self.wrong
    }

    /// Answered requests per second.
    pub fn per_second(&self) -> f64 {
        self.answered() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// Counts of one client, merged into the level's.
#[derive(Debug, Default)]
struct Tally {
    correct: u64,
    wrong: u64,
    errors: u64,
    lost: u64,
    latencies: Vec<Duration>,
    samples: Vec<String>,
}

impl Tally {
    fn sample(&mut self, message: String) {
        // One line, and short: these go into a Markdown list.
        let message: String = message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(300)
            .collect();
        if self.samples.len() < MAX_SAMPLES && !self.samples.contains(&message) {
            self.samples.push(message);
        }
    }

    fn merge(&mut self, other: Tally) {
        self.correct += other.correct;
        self.wrong += other.wrong;
        self.errors += other.errors;
        self.lost += other.lost;
        self.latencies.extend(other.latencies);
        for message in other.samples {
            self.sample(message);
        }
    }
}

/// Sends `query` as `form` and collects every batch of every endpoint of the answer.
pub async fn run_query(
    client: &mut FlightSqlServiceClient<Channel>,
    query: &ServiceQuery,
    form: QueryForm,
) -> Result<Vec<RecordBatch>, FlightError> {
    let info = match form {
        QueryForm::Sql => client.execute(query.sql.clone(), None).await?,
        QueryForm::Substrait => {
            let command = CommandStatementSubstraitPlan {
                plan: Some(SubstraitPlan {
                    plan: query.plan.clone(),
                    version: String::new(),
                }),
                transaction_id: None,
            };
            let descriptor = FlightDescriptor::new_cmd(command.as_any().encode_to_vec());
            client
                .inner_mut()
                .get_flight_info(descriptor)
                .await?
                .into_inner()
        }
    };
    let mut batches = Vec::new();
    for endpoint in info.endpoint {
        let ticket = endpoint
            .ticket
            .ok_or_else(|| FlightError::protocol("an endpoint without a ticket"))?;
        let part: Vec<RecordBatch> = client.do_get(ticket).await?.try_collect().await?;
        batches.extend(part);
    }
    Ok(batches)
}

/// Sends every query once in each form from one client, so that plan caches and file
/// metadata are warm before the clock starts; the first failure is returned.
pub async fn warm_up(
    address: SocketAddr,
    queries: &[ServiceQuery],
    request_timeout: Duration,
) -> BenchResult<()> {
    let mut client = flight_sql_client(connect(address, false).await?);
    for query in queries {
        for form in [QueryForm::Sql, QueryForm::Substrait] {
            match tokio::time::timeout(request_timeout, run_query(&mut client, query, form)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    return Err(format!("warm-up: {} as {form}: {e}", query.name).into());
                }
                Err(_) => {
                    return Err(format!(
                        "warm-up: {} as {form}: no answer within {} s",
                        query.name,
                        request_timeout.as_secs()
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}

/// Runs one load level against the Flight SQL server at `address`: `options.clients`
/// connections are opened first, then each client loops over `queries` (as SQL, then as
/// Substrait, starting at a different place each) until `options.duration` has passed.
pub async fn run_load(
    address: SocketAddr,
    queries: Arc<[ServiceQuery]>,
    options: &LoadOptions,
) -> BenchResult<LoadOutcome> {
    if queries.is_empty() {
        return Err("the workload has no queries".into());
    }
    let mut channels = Vec::with_capacity(options.clients);
    for _ in 0..options.clients {
        channels.push(connect(address, false).await?);
    }
    let started = Instant::now();
    let deadline = started + options.duration;
    let tasks: Vec<_> = channels
        .into_iter()
        .enumerate()
        .map(|(index, channel)| {
            tokio::spawn(client_loop(
                flight_sql_client(channel),
                Arc::clone(&queries),
                index,
                deadline,
                options.request_timeout,
                // Staggered, so paced clients do not all send at once.
                options
                    .pace
                    .map(|pace| (pace, pace.mul_f64(index as f64 / options.clients as f64))),
            ))
        })
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        total.merge(task.await?);
    }
    let elapsed = started.elapsed();
    total.latencies.sort_unstable();
    Ok(LoadOutcome {
        clients: options.clients,
        elapsed,
        correct: total.correct,
        wrong: total.wrong,
        errors: total.errors,
        lost: total.lost,
        latency: LatencySummary {
            p50: percentile(&total.latencies, 0.5),
            p99: percentile(&total.latencies, 0.99),
            max: total.latencies.last().copied().unwrap_or_default(),
        },
        samples: total.samples,
        server_peak_rss: None,
    })
}

/// One client: request after request until `deadline`, starting at step `first` of the
/// cycle (every query as SQL, then every query as Substrait).
async fn client_loop(
    mut client: FlightSqlServiceClient<Channel>,
    queries: Arc<[ServiceQuery]>,
    first: usize,
    deadline: Instant,
    request_timeout: Duration,
    pace: Option<(Duration, Duration)>,
) -> Tally {
    let mut tally = Tally::default();
    if let Some((_, offset)) = pace {
        tokio::time::sleep(offset).await;
    }
    let count = queries.len();
    let mut step = first % (2 * count);
    while Instant::now() < deadline {
        let query = &queries[step % count];
        let form = if step < count {
            QueryForm::Sql
        } else {
            QueryForm::Substrait
        };
        step = (step + 1) % (2 * count);
        let started = Instant::now();
        let next = pace.map(|(interval, _)| started + interval);
        match tokio::time::timeout(request_timeout, run_query(&mut client, query, form)).await {
            Err(_) => {
                tally.lost += 1;
                tally.sample(format!(
                    "{} as {form}: no answer within {} s",
                    query.name,
                    request_timeout.as_secs()
                ));
            }
            Ok(Err(e)) => {
                tally.errors += 1;
                tally.sample(format!("{} as {form}: {e}", query.name));
            }
            Ok(Ok(batches)) => {
                tally.latencies.push(started.elapsed());
                match compare_results(
                    &query.expected,
                    &batches,
                    query.ordered,
                    DEFAULT_RELATIVE_TOLERANCE,
                ) {
                    Ok(()) => tally.correct += 1,
                    Err(difference) => {
                        tally.wrong += 1;
                        tally.sample(format!(
                            "{} as {form}: wrong answer: {difference}",
                            query.name
                        ));
                    }
                }
            }
        }
        if let Some(next) = next {
            tokio::time::sleep_until(next.min(deadline).into()).await;
        }
    }
    tally
}
