//! `switchyard engines`: what is configured, whether it answers, and what it can run.

use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use futures::future::join_all;
use switchyard_consumer::Health;
use switchyard_router::Switchyard;

pub async fn run(switchyard: &Switchyard) -> Result<()> {
    let engines: Vec<_> = switchyard.engines().iter().cloned().collect();
    // Health checks run together, so one engine that is down costs one timeout, not several.
    let health = join_all(engines.iter().map(|engine| engine.health())).await;
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["engine", "kind", "health", "tables held", "capabilities"]);
    for (engine, health) in engines.iter().zip(health) {
        let health = match health {
            Health::Healthy => "reachable".to_string(),
            Health::Unreachable(reason) => format!("unreachable: {reason}"),
        };
        let resident = engine.resident_tables();
        let held = if resident.is_empty() {
            "reads catalog files".to_string()
        } else {
            resident.join(", ")
        };
        table.add_row([
            engine.name().to_string(),
            engine.kind().to_string(),
            health,
            held,
            engine.manifest().summary(),
        ]);
    }
    println!("{table}");
    Ok(())
}
