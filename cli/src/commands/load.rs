//! `switchyard load`: copy catalog tables into an engine.

use anyhow::Result;
use switchyard_router::Switchyard;

use crate::args::LoadArgs;
use crate::progress::RowCounter;

pub async fn run(switchyard: &Switchyard, args: LoadArgs) -> Result<()> {
    let counter = RowCounter::new(&format!("loading into {}", args.engine));
    let report = |table: &str, rows: u64| counter.update(table, rows);
    let loaded = switchyard.load(&args.engine, &args.tables, &report).await?;
    counter.finish();
    for (table, rows) in &loaded {
        eprintln!("{table}: {rows} rows");
    }
    if let Some(path) = &switchyard.config().source {
        eprintln!(
            "recorded in {} that {} table(s) live in {}",
            path.display(),
            loaded.len(),
            args.engine
        );
    }
    Ok(())
}
