//! `switchyard catalog`.

use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use datafusion::arrow::array::{Array, Int64Array};
use switchyard_router::Switchyard;

pub async fn run(switchyard: &Switchyard) -> Result<()> {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(["table", "rows", "format", "location", "columns"]);
    for entry in switchyard.catalog().tables() {
        let rows = row_count(switchyard, entry.name()).await?;
        let columns = entry
            .schema()
            .fields()
            .iter()
            .map(|f| {
                let nullable = if f.is_nullable() { "" } else { " not null" };
                format!("{} {}{nullable}", f.name(), f.data_type())
            })
            .collect::<Vec<_>>()
            .join("\n");
        table.add_row([
            entry.name().to_string(),
            rows.to_string(),
            entry
                .format()
                .map_or_else(|| "-".to_string(), |f| f.to_string()),
            entry
                .location()
                .map_or_else(|| "-".to_string(), |p| p.display().to_string()),
            columns,
        ]);
    }
    println!("{table}");
    Ok(())
}

/// Counts rows with DataFusion, which answers from Parquet metadata without a scan.
async fn row_count(switchyard: &Switchyard, table: &str) -> Result<i64> {
    let quoted = table.replace('"', "\"\"");
    let batches = switchyard
        .producer()
        .session()
        .sql(&format!("SELECT count(*) FROM \"{quoted}\""))
        .await?
        .collect()
        .await?;
    let count = batches
        .first()
        .and_then(|b| b.column(0).as_any().downcast_ref::<Int64Array>().cloned())
        .filter(|c| !c.is_empty())
        .map_or(0, |c| c.value(0));
    Ok(count)
}
