//! One listener for everything: Flight SQL, the control API, gRPC health checking and
//! server reflection, with optional TLS, the configured message size and a graceful
//! shutdown.
//!
//! Shutdown: when the `shutdown` future completes, health turns `NOT_SERVING`, the listener
//! closes, and open calls drain; queries still running after [`SHUTDOWN_GRACE`] are
//! cancelled, so a stalled client cannot hold the process.

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use arrow_flight::flight_service_server::FlightServiceServer;
use switchyard_proto::v1::control_server::ControlServer;
use switchyard_router::{Config, Switchyard};
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;

use crate::control::ControlService;
use crate::error::ServiceError;
use crate::flight_sql::{FlightEndpoint, FlightSqlHandler};
use crate::gateway::Gateway;

/// How long running queries may go on after a shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// An opened configuration, ready to serve.
#[derive(Debug, Clone)]
pub struct Service {
    gateway: Arc<Gateway>,
    tls: Option<Arc<TlsFiles>>,
}

/// The PEM files of `service.tls`, read at start-up so a missing file fails then.
struct TlsFiles {
    cert: Vec<u8>,
    key: Vec<u8>,
}

impl fmt::Debug for TlsFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsFiles { .. }")
    }
}

impl Service {
    /// Opens the configuration's tables and engines and reads its `service` section. Its
    /// `limits.memory_limit_bytes` becomes the memory pool ceiling of every DataFusion
    /// engine that does not set its own.
    pub async fn open(mut config: Config) -> Result<Self, ServiceError> {
        if let Some(limit) = config.file.service.limits.memory_limit_bytes {
            config.cap_datafusion_memory(limit);
        }
        let switchyard = Switchyard::open(config).await?;
        Self::new(Arc::new(switchyard))
    }

    /// Serves an opened configuration.
    pub fn new(switchyard: Arc<Switchyard>) -> Result<Self, ServiceError> {
        let config = switchyard.config();
        let service = &config.file.service;
        let tls = match &service.tls {
            Some(tls) => {
                let read = |file: &Path| {
                    let path = config.base_dir.join(file);
                    std::fs::read(&path).map_err(|e| {
                        ServiceError::Config(format!("service.tls: {}: {e}", path.display()))
                    })
                };
                let files = TlsFiles {
                    cert: read(&tls.cert)?,
                    key: read(&tls.key)?,
                };
                Some(Arc::new(files))
            }
            None => None,
        };
        let gateway = Arc::new(Gateway::new(switchyard)?);
        Ok(Self { gateway, tls })
    }

    /// The opened configuration.
    pub fn switchyard(&self) -> &Arc<Switchyard> {
        self.gateway.switchyard()
    }

    /// Queries started and not yet finished (parked for their `DoGet`, or streaming).
    pub fn active_queries(&self) -> usize {
        self.gateway.queries().active()
    }

    /// Queries holding a slot now.
    pub fn running_queries(&self) -> usize {
        self.gateway.limits().running()
    }

    /// Queries waiting for a slot now.
    pub fn queued_queries(&self) -> usize {
        self.gateway.limits().waiting()
    }

    /// Shadow verification runs so far, by outcome (`None` without `routing.verify`).
    pub fn shadow_counts(&self) -> Option<crate::shadow::ShadowCounts> {
        self.gateway.shadow_counts()
    }
}

/// Serves on `listener` until `shutdown` completes and open calls have drained.
pub async fn serve<F>(
    service: Service,
    listener: TcpListener,
    shutdown: F,
) -> Result<(), ServiceError>
where
    F: Future<Output = ()> + Send + 'static,
{
    let gateway = &service.gateway;
    let limit = usize::try_from(gateway.limits().config().max_message_bytes).unwrap_or(usize::MAX);
    let handler = FlightSqlHandler::new(Arc::clone(gateway))?;
    let flight = FlightServiceServer::new(FlightEndpoint::new(handler))
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    let control = ControlServer::new(ControlService::new(Arc::clone(gateway)))
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit);
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_serving::<FlightServiceServer<FlightEndpoint>>()
        .await;
    reporter
        .set_serving::<ControlServer<ControlService>>()
        .await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(switchyard_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .map_err(|e| ServiceError::Config(format!("gRPC reflection: {e}")))?;
    let mut server = Server::builder();
    if let Some(tls) = &service.tls {
        let identity = Identity::from_pem(&tls.cert, &tls.key);
        server = server
            .tls_config(ServerTlsConfig::new().identity(identity))
            .map_err(|e| ServiceError::Config(format!("service.tls: {e}")))?;
    }
    let queries = Arc::clone(gateway.queries());
    let signal = async move {
        shutdown.await;
        tracing::info!(
            "shutting down: running queries have {} s to finish",
            SHUTDOWN_GRACE.as_secs()
        );
        reporter
            .set_service_status("", ServingStatus::NotServing)
            .await;
        reporter
            .set_not_serving::<FlightServiceServer<FlightEndpoint>>()
            .await;
        reporter
            .set_not_serving::<ControlServer<ControlService>>()
            .await;
        tokio::spawn(async move {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
            let cancelled = queries.cancel_all();
            if cancelled > 0 {
                tracing::warn!("cancelled {cancelled} queries still running at shutdown");
            }
        });
    };
    // Engines found down are skipped by routing until they answer again.
    let monitor = gateway.switchyard().spawn_health_monitor();
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let served = server
        .add_service(health)
        .add_service(reflection)
        .add_service(flight)
        .add_service(control)
        .serve_with_incoming_shutdown(incoming, signal)
        .await
        .map_err(|e| ServiceError::Internal(format!("serving: {e}")));
    monitor.abort();
    served
}
