//! `switchyard history`: the verification log of `routing.verify`, the engines it made
//! suspect, and clearing them.

use std::path::Path;

use anyhow::{Context, Result, bail};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use switchyard_proto::v1::ClearSuspectRequest;
use switchyard_proto::v1::control_client::ControlClient;
use switchyard_router::verify_config::verify_log_path;
use switchyard_router::verify_log::now;
use switchyard_router::{Clearance, Config, SuspectBook, VerifyLog, VerifyRecord};

use crate::args::HistoryArgs;

/// Lists the log, or clears marks (in a running service with `--server`, else in the log).
pub async fn run(config: &Path, args: HistoryArgs) -> Result<()> {
    let config = Config::load(config)?;
    let routing = &config.file.routing;
    let log = VerifyLog::new(verify_log_path(
        routing.verify.as_ref(),
        routing.learned_file.as_deref(),
        &config.base_dir,
    ));
    if let Some(engine) = &args.clear {
        return clear(&log, engine, &args).await;
    }
    let records = log.read()?;
    let suspects = SuspectBook::default();
    records.iter().for_each(|record| suspects.apply(record));
    if args.json {
        let json = serde_json::json!({
            "log": log.path(),
            "records": records,
            "suspects": suspects.list(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    let count = |pick: fn(&VerifyRecord) -> bool| records.iter().filter(|r| pick(r)).count();
    println!(
        "{}: {} verified runs, {} agreed, {} disagreed; {} clearances",
        log.path().display(),
        count(|r| !matches!(r, VerifyRecord::Cleared(_))),
        count(|r| matches!(r, VerifyRecord::Agreed(_))),
        count(|r| matches!(r, VerifyRecord::Disagreed(_))),
        count(|r| matches!(r, VerifyRecord::Cleared(_))),
    );
    let marks = suspects.list();
    if marks.is_empty() {
        println!("no engine is suspect");
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "suspect",
        "feature set",
        "plan",
        "verifier",
        "since",
        "difference",
    ]);
    for mark in marks {
        table.add_row([
            mark.engine,
            mark.feature_set,
            mark.plan,
            mark.verifier,
            mark.since,
            mark.difference,
        ]);
    }
    println!("{table}");
    Ok(())
}

async fn clear(log: &VerifyLog, engine: &str, args: &HistoryArgs) -> Result<()> {
    if let Some(server) = &args.server {
        let mut client = ControlClient::connect(server.clone())
            .await
            .with_context(|| format!("cannot connect to {server}"))?;
        let mut request = tonic::Request::new(ClearSuspectRequest {
            engine: engine.to_string(),
            feature_set: args.feature_set.clone(),
        });
        if let Some(token) = &args.token {
            let value = format!("Bearer {token}")
                .parse()
                .context("the token is not valid in a header")?;
            request.metadata_mut().insert("authorization", value);
        }
        let cleared = match client.clear_suspect(request).await {
            Ok(response) => response.into_inner().cleared,
            Err(status) => bail!("{server}: {}", status.message()),
        };
        eprintln!("cleared {cleared} suspect marks of {engine} in {server}");
        return Ok(());
    }
    let suspects = SuspectBook::default();
    log.read()?.iter().for_each(|record| suspects.apply(record));
    let cleared = suspects.clear(engine, args.feature_set.as_deref());
    log.append(&VerifyRecord::Cleared(Clearance {
        at: now(),
        engine: engine.to_string(),
        feature_set: args.feature_set.clone(),
    }))?;
    eprintln!(
        "cleared {cleared} suspect marks of {engine} in {} (a running service reads it at its \
         next start; --server URL clears it there now)",
        log.path().display()
    );
    Ok(())
}
