//! Connections to Flight servers on loopback for benchmarks: plain-text channels, clients
//! without tonic's 4 MiB ceiling on received messages, and waiting until a Flight SQL server
//! answers.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use arrow_flight::FlightClient;
use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::sql::SqlInfo;
use arrow_flight::sql::client::FlightSqlServiceClient;
use datafusion::arrow::record_batch::RecordBatch;
use futures::TryStreamExt;
use tonic::transport::{Channel, Endpoint};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Opens a plain-text HTTP/2 connection to `address`. With `adaptive_window`, HTTP/2 flow
/// control windows grow with the measured bandwidth instead of staying at 64 KiB, so that a
/// large transfer measures the server rather than the window.
pub async fn connect(
    address: SocketAddr,
    adaptive_window: bool,
) -> Result<Channel, tonic::transport::Error> {
    Endpoint::from_shared(format!("http://{address}"))?
        .tcp_nodelay(true)
        .connect_timeout(Duration::from_secs(10))
        .http2_adaptive_window(adaptive_window)
        .connect()
        .await
}

/// The low-level Flight client over `channel`, accepting messages of any size (pyarrow sends
/// a table's chunks whole; tonic refuses messages over 4 MiB by default).
fn unlimited(channel: Channel) -> FlightServiceClient<Channel> {
    FlightServiceClient::new(channel).max_decoding_message_size(usize::MAX)
}

/// A Flight SQL client over `channel`, with no credentials.
pub fn flight_sql_client(channel: Channel) -> FlightSqlServiceClient<Channel> {
    FlightSqlServiceClient::new_from_inner(unlimited(channel))
}

/// A plain Flight client over `channel`.
pub fn flight_client(channel: Channel) -> FlightClient {
    FlightClient::new_from_inner(unlimited(channel))
}

/// Waits until the Flight SQL server at `address` answers `GetSqlInfo` (and the `DoGet` of
/// its ticket), trying again every 100 ms for at most `timeout`.
pub async fn wait_for_flight_sql(address: SocketAddr, timeout: Duration) -> BenchResult<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let attempt = async {
            let mut client = flight_sql_client(connect(address, false).await?);
            let info = client
                .get_sql_info(vec![SqlInfo::FlightSqlServerSql])
                .await?;
            for endpoint in info.endpoint {
                if let Some(ticket) = endpoint.ticket {
                    let _: Vec<RecordBatch> = client.do_get(ticket).await?.try_collect().await?;
                }
            }
            BenchResult::Ok(())
        };
        let remaining = deadline.saturating_duration_since(Instant::now());
        let error = match tokio::time::timeout(remaining, attempt).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "no answer".to_string(),
        };
        if Instant::now() + Duration::from_millis(100) >= deadline {
            return Err(format!(
                "the Flight SQL server at {address} did not answer within {} s: {error}",
                timeout.as_secs()
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
