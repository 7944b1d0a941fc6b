//! `switchyard plan`.

use anyhow::{Result, bail};
use switchyard_producer::encode_plan;
use switchyard_router::Switchyard;

use crate::args::PlanArgs;
use crate::commands::sql_text;
use crate::output::{plan_format, write_plan};

pub async fn run(switchyard: &Switchyard, args: PlanArgs) -> Result<()> {
    let Some(sql) = sql_text(&args.source)? else {
        bail!("give the query with --sql TEXT or --sql-file FILE");
    };
    let format = plan_format(args.format, args.output.as_deref());
    let plan = switchyard
        .producer()
        .compile_sql(&sql, args.dialect)
        .await?;
    write_plan(&encode_plan(&plan, format)?, format, args.output.as_deref())
}
