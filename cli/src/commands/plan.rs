//! `switchyard plan`.

use std::io::{IsTerminal, Write};

use anyhow::{Result, bail};
use switchyard_producer::{PlanFormat, encode_plan};
use switchyard_router::Switchyard;

use crate::args::PlanArgs;
use crate::commands::sql_text;
use crate::output::write_file_atomically;

pub async fn run(switchyard: &Switchyard, args: PlanArgs) -> Result<()> {
    let Some(sql) = sql_text(&args.source)? else {
        bail!("give the query with --sql TEXT or --sql-file FILE");
    };
    let format = args.format.unwrap_or_else(|| match &args.output {
        Some(path) if path.extension().is_some_and(|e| e != "json") => PlanFormat::Binary,
        _ => PlanFormat::Json,
    });
    let plan = switchyard
        .producer()
        .compile_sql(&sql, args.dialect)
        .await?;
    let bytes = encode_plan(&plan, format)?;
    match &args.output {
        Some(path) => {
            write_file_atomically(path, &bytes)?;
            eprintln!("wrote {} ({} bytes, {format})", path.display(), bytes.len());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if format == PlanFormat::Binary && stdout.is_terminal() {
                bail!("a binary plan is not printed to a terminal; use -o FILE or --format json");
            }
            stdout.write_all(&bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}
