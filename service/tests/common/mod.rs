//! A service on `127.0.0.1:0` over TPC-H at scale 0.01, and client helpers.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use arrow_flight::error::FlightError;
use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::sql::ProstMessageExt;
use arrow_flight::sql::client::FlightSqlServiceClient;
use arrow_flight::{FlightDescriptor, FlightInfo};
use datafusion::arrow::record_batch::RecordBatch;
use futures::TryStreamExt;
use prost::Message;
use switchyard_conformance::ensure_tpch;
use switchyard_router::Config;
use switchyard_service::{Service, ServiceError, serve};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};

/// An admin who reads everything and an analyst who reads some of lineitem and all of nation.
pub const PRINCIPALS: &str = "principals:
  admin: { token: admin-token, tables: '*' }
  analyst:
    token: analyst-token
    tables:
      lineitem: [l_orderkey, l_quantity, l_returnflag, l_shipdate]
      nation: '*'
";

pub const ADMIN: &str = "admin-token";
pub const ANALYST: &str = "analyst-token";

/// A running service and the way to stop it.
pub struct TestServer {
    pub addr: SocketAddr,
    pub service: Service,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServiceError>>>,
}

impl TestServer {
    /// Serves TPC-H at scale 0.01 with `service_yaml` as the configuration's `service`.
    pub async fn start(service_yaml: &str) -> Self {
        let mut config = tpch_config();
        config.file.service = serde_yaml::from_str(service_yaml).expect("service section");
        Self::start_with(config).await
    }

    /// Serves a configuration built by the test.
    pub async fn start_with(config: Config) -> Self {
        let service = Service::open(config).await.expect("service opens");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(service.clone(), listener, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            service,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.addr))
            .expect("URI")
            .connect()
            .await
            .expect("connects")
    }

    /// A Flight SQL client sending `token` (none: no credentials).
    pub async fn flight(&self, token: Option<&str>) -> FlightSqlServiceClient<Channel> {
        let mut client = FlightSqlServiceClient::new(self.channel().await);
        if let Some(token) = token {
            client.set_token(token.to_string());
        }
        client
    }

    /// Shuts down gracefully and checks that serving ended without error.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let served = tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("the server drains within 20 s")
                .expect("the serving task does not panic");
            served.expect("serving ends cleanly");
        }
    }
}

/// The TPC-H sf0.01 configuration (generated on first use), not tied to its file.
pub fn tpch_config() -> Config {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01");
    let path = ensure_tpch(0.01, &dir, &|_| {}).expect("TPC-H at scale 0.01");
    let mut config = Config::load(&path).expect("configuration");
    config.source = None;
    config
}

/// A request carrying `authorization: Bearer TOKEN`.
pub fn authorized<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    let value = format!("Bearer {token}").parse().expect("ASCII token");
    request.metadata_mut().insert("authorization", value);
    request
}

/// The gRPC status inside a Flight client error.
pub fn status(error: FlightError) -> Status {
    match error {
        FlightError::Tonic(status) => *status,
        other => panic!("expected a gRPC status, got {other}"),
    }
}

/// Every batch behind the first endpoint of `info`.
pub async fn fetch(
    client: &mut FlightSqlServiceClient<Channel>,
    info: FlightInfo,
) -> Result<Vec<RecordBatch>, FlightError> {
    let ticket = info
        .endpoint
        .first()
        .and_then(|endpoint| endpoint.ticket.clone())
        .expect("an endpoint with a ticket");
    client.do_get(ticket).await?.try_collect().await
}

/// Runs SQL through Flight SQL and returns its batches.
pub async fn sql(
    client: &mut FlightSqlServiceClient<Channel>,
    sql: &str,
) -> Result<Vec<RecordBatch>, FlightError> {
    let info = client.execute(sql.to_string(), None).await?;
    fetch(client, info).await
}

/// `GetFlightInfo` for any Flight SQL command, with `token`.
pub async fn flight_info(
    channel: &Channel,
    token: &str,
    command: &impl ProstMessageExt,
) -> Result<FlightInfo, Status> {
    let descriptor = FlightDescriptor::new_cmd(command.as_any().encode_to_vec());
    let mut client = FlightServiceClient::new(channel.clone());
    Ok(client
        .get_flight_info(authorized(descriptor, token))
        .await?
        .into_inner())
}

pub fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

/// A plan compiled by the service's own producer, as binary protobuf.
pub async fn plan_bytes(server: &TestServer, sql: &str) -> Vec<u8> {
    let plan = server
        .service
        .switchyard()
        .producer()
        .compile_sql(sql, switchyard_producer::SqlDialect::Generic)
        .await
        .expect("compiles");
    plan.encode_to_vec()
}

/// Column `column` of every batch, as text.
pub fn column_text(batches: &[RecordBatch], column: usize) -> Vec<String> {
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    let options = FormatOptions::default();
    let mut values = Vec::new();
    for batch in batches {
        let formatter =
            ArrayFormatter::try_new(batch.column(column).as_ref(), &options).expect("formats");
        values.extend((0..batch.num_rows()).map(|row| formatter.value(row).to_string()));
    }
    values
}

/// Waits up to 5 s for `condition` (server-side clean-up runs after the client saw the end).
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}
