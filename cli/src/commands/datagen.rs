//! `switchyard datagen`.

use anyhow::Result;
use switchyard_conformance::generate_tpch;

use crate::args::Datagen;
use crate::progress::TableBars;

pub fn run(args: Datagen) -> Result<()> {
    match args {
        Datagen::Tpch { scale, out } => {
            let bars = TableBars::new();
            let config = generate_tpch(scale, &out, &|p| bars.update(p))?;
            bars.finish();
            eprintln!(
                "wrote TPC-H scale {scale} to {}; config: {}",
                out.display(),
                config.display()
            );
            Ok(())
        }
    }
}
