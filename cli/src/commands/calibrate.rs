//! `switchyard calibrate`.

use std::path::Path;

use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use switchyard_router::Config;
use switchyard_router::calibrate::calibrate;

use crate::args::CalibrateArgs;
use crate::commands::open;

pub async fn run(config: &Path, args: CalibrateArgs) -> Result<()> {
    let switchyard = open(config, false).await?;
    let engines: Vec<String> = if args.engines.is_empty() {
        switchyard
            .engines()
            .iter()
            .map(|e| e.name().to_string())
            .collect()
    } else {
        args.engines.clone()
    };
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header([
        "engine",
        "table",
        "start-up ms",
        "scan MB/s",
        "row ns",
        "result row ns",
        "transfer MB/s",
    ]);
    let mut profiles = Vec::new();
    for engine in &engines {
        eprintln!("calibrating {engine}...");
        let calibration = calibrate(&switchyard, engine, args.runs).await?;
        let p = calibration.profile;
        table.add_row([
            engine.clone(),
            format!("{} ({} rows)", calibration.table.0, calibration.table.1),
            p.startup_ms.to_string(),
            p.scan_mb_per_s.to_string(),
            p.row_ns.to_string(),
            p.result_row_ns.to_string(),
            p.transfer_mb_per_s.to_string(),
        ]);
        profiles.push((engine.clone(), p));
    }
    println!("{table}");
    if args.dry_run {
        eprintln!("not written (--dry-run)");
    } else {
        Config::record_profiles(config, &profiles)?;
        eprintln!(
            "wrote the profiles to routing.engines in {}",
            config.display()
        );
    }
    Ok(())
}
