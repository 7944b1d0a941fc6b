//! DoGet throughput of one large result from two Flight servers, measured side by side by the
//! same client: Switchyard's service (a Flight SQL statement, then `DoGet` of its ticket) and
//! a reference server (`DoGet` of a ticket), fetched alternately so that drift on a shared
//! machine falls on both alike.
//!
//! Bytes are the Arrow IPC messages received (each `FlightData`'s header and body, without
//! gRPC framing): the Arrow data as sent, whatever the decoded arrays occupy afterwards.

use std::time::{Duration, Instant};

use arrow_flight::decode::{DecodedPayload, FlightRecordBatchStream};
use arrow_flight::error::FlightError;
use arrow_flight::sql::client::FlightSqlServiceClient;
use arrow_flight::{FlightClient, Ticket};
use futures::StreamExt;
use tonic::transport::Channel;

use crate::bench::stats::median;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What one fetch received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Rows decoded.
    pub rows: u64,
    /// Arrow IPC bytes received (message headers and bodies).
    pub ipc_bytes: u64,
}

impl Fetched {
    fn add(&mut self, other: Fetched) {
        self.rows += other.rows;
        self.ipc_bytes += other.ipc_bytes;
    }
}

/// One server's figures.
#[derive(Debug, Clone, Default)]
pub struct DoGetSide {
    /// The server, as the report names it.
    pub server: String,
    /// Each timed fetch, from the request to the last message.
    pub times: Vec<Duration>,
    /// Rows of one fetch.
    pub rows: u64,
    /// Arrow IPC bytes of one fetch.
    pub ipc_bytes: u64,
    /// The server's peak resident memory, in bytes, when known.
    pub peak_rss: Option<u64>,
}

impl DoGetSide {
    /// The median fetch time.
    pub fn median(&self) -> Duration {
        median(self.times.clone())
    }

    /// Arrow IPC gigabytes (10⁹ bytes) per second at the median time.
    pub fn gigabytes_per_second(&self) -> f64 {
        self.ipc_bytes as f64 / 1e9 / self.median().as_secs_f64().max(f64::EPSILON)
    }

    /// Millions of rows per second at the median time.
    pub fn million_rows_per_second(&self) -> f64 {
        self.rows as f64 / 1e6 / self.median().as_secs_f64().max(f64::EPSILON)
    }
}

/// Both servers' figures.
#[derive(Debug, Clone, Default)]
pub struct DoGetComparison {
    /// The statement sent to Switchyard.
    pub sql: String,
    /// Switchyard's service.
    pub ours: DoGetSide,
    /// The reference server.
    pub reference: DoGetSide,
    /// How long the reference took from start to listening (reading the table into memory).
    pub reference_startup: Duration,
}

impl DoGetComparison {
    /// Switchyard's median time over the reference's (above 1: Switchyard is slower).
    pub fn time_ratio(&self) -> f64 {
        self.ours.median().as_secs_f64() / self.reference.median().as_secs_f64().max(f64::EPSILON)
    }
}

/// Reads a `DoGet` answer to its end, counting rows and IPC bytes.
async fn drain(stream: FlightRecordBatchStream) -> Result<Fetched, FlightError> {
    let mut messages = std::pin::pin!(stream.into_inner());
    let mut fetched = Fetched::default();
    while let Some(message) = messages.next().await {
        let message = message?;
        fetched.ipc_bytes +=
            (message.inner.data_header.len() + message.inner.data_body.len()) as u64;
        if let DecodedPayload::RecordBatch(batch) = &message.payload {
            fetched.rows += batch.num_rows() as u64;
        }
    }
    Ok(fetched)
}

/// Runs `sql` on a Flight SQL server and fetches every endpoint of the answer.
pub async fn fetch_statement(
    client: &mut FlightSqlServiceClient<Channel>,
    sql: &str,
) -> Result<Fetched, FlightError> {
    let info = client.execute(sql.to_string(), None).await?;
    let mut fetched = Fetched::default();
    for endpoint in info.endpoint {
        let ticket = endpoint
            .ticket
            .ok_or_else(|| FlightError::protocol("an endpoint without a ticket"))?;
        fetched.add(drain(client.do_get(ticket).await?).await?);
    }
    Ok(fetched)
}

/// Fetches `ticket` from a plain Flight server.
pub async fn fetch_ticket(client: &mut FlightClient, ticket: &str) -> Result<Fetched, FlightError> {
    drain(client.do_get(Ticket::new(ticket.to_string())).await?).await
}

/// How the two servers are fetched from.
#[derive(Debug, Clone)]
pub struct DoGetOptions {
    /// The statement Switchyard runs.
    pub sql: String,
    /// The ticket the reference is sent.
    pub ticket: String,
    /// Timed fetches from each server, after one warm-up each.
    pub runs: usize,
    /// Rows both must return.
    pub expected_rows: u64,
    /// The longest one fetch may take.
    pub timeout: Duration,
}

/// Fetches from Switchyard and the reference alternately: a warm-up each, then `runs` timed
/// rounds. Every fetch must return `expected_rows` rows. The sides come back without their
/// servers' memory, which the caller knows.
pub async fn compare_doget(
    ours: &mut FlightSqlServiceClient<Channel>,
    reference: &mut FlightClient,
    options: &DoGetOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> BenchResult<(DoGetSide, DoGetSide)> {
    let mut ours_side = DoGetSide {
        server: "switchyard".to_string(),
        ..DoGetSide::default()
    };
    let mut reference_side = DoGetSide {
        server: "pyarrow reference".to_string(),
        ..DoGetSide::default()
    };
    for round in 0..=options.runs {
        let label = if round == 0 {
            "warm-up".to_string()
        } else {
            format!("run {round} of {}", options.runs)
        };
        // Side 0 is Switchyard, side 1 the reference.
        for (index, side) in [&mut ours_side, &mut reference_side]
            .into_iter()
            .enumerate()
        {
            progress(&format!("DoGet from {}: {label}", side.server));
            let started = Instant::now();
            let fetch = async {
                if index == 0 {
                    fetch_statement(&mut *ours, &options.sql).await
                } else {
                    fetch_ticket(&mut *reference, &options.ticket).await
                }
            };
            let fetched = match tokio::time::timeout(options.timeout, fetch).await {
                Ok(fetched) => fetched.map_err(|e| format!("DoGet from {}: {e}", side.server))?,
                Err(_) => {
                    return Err(format!(
                        "DoGet from {} took over {} s",
                        side.server,
                        options.timeout.as_secs()
                    )
                    .into());
                }
            };
            let elapsed = started.elapsed();
            if fetched.rows != options.expected_rows {
                return Err(format!(
                    "DoGet from {} returned {} rows, not {}",
                    side.server, fetched.rows, options.expected_rows
                )
                .into());
            }
            side.rows = fetched.rows;
            side.ipc_bytes = fetched.ipc_bytes;
            if round > 0 {
                side.times.push(elapsed);
            }
        }
    }
    Ok((ours_side, reference_side))
}
