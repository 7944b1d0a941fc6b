//! `switchyard`: compile SQL into Substrait plans, inspect them, and run them on engines.

mod args;
mod commands;
mod output;
mod progress;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::args::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    // Panics inside engines are turned into errors where they happen; the default hook would
    // still print them as several lines, so they go to the log (RUST_LOG=debug) instead.
    std::panic::set_hook(Box::new(|info| tracing::debug!("panic: {info}")));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return report(&anyhow::Error::new(e)),
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(commands::run(cli))
    }));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => report(&e),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            report(&anyhow::anyhow!(
                "internal error (a bug in switchyard): {message}"
            ))
        }
    }
}

/// Prints an error as one line: the contexts added on the way up, then the error itself.
///
/// Our typed errors already include their causes' text, so the chain stops at the first one.
fn report(error: &anyhow::Error) -> ExitCode {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(text.as_str())) {
            parts.push(text);
        }
        if cause.is::<switchyard_router::RouterError>()
            || cause.is::<switchyard_producer::ProducerError>()
            || cause.is::<switchyard_consumer::EngineError>()
        {
            break;
        }
    }
    let line = parts
        .join(": ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("error: {line}");
    ExitCode::FAILURE
}
