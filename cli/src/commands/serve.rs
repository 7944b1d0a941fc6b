//! `switchyard serve`: Arrow Flight SQL, the control API, gRPC health checking and
//! reflection on one port, until SIGTERM or SIGINT.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use switchyard_router::Config;
use switchyard_service::{Service, serve};
use tokio::net::TcpListener;

use crate::args::ServeArgs;

pub async fn run(config: &Path, strict_plans: bool, args: ServeArgs) -> Result<()> {
    if !config.exists() {
        bail!(
            "config file {} not found; pass --config FILE, or make one with `switchyard datagen tpch`",
            config.display()
        );
    }
    let mut config = Config::load(config)?;
    config.file.routing.strict_plans |= strict_plans;
    let service = Service::open(config).await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr().context("the bound address")?;
    // Scripts that pass `--listen 127.0.0.1:0` read the port from this line.
    println!("listening on {address}");
    std::io::stdout()
        .flush()
        .context("writing to standard output")?;
    serve(service, listener, shutdown_signal()).await?;
    eprintln!("stopped");
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot watch for SIGINT: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot watch for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    eprintln!("shutting down: running queries may finish");
}
