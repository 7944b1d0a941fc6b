//! The fuzzing report: `summary.md` (counts per engine, coverage per construct, the
//! disagreements) and one file per disagreement with its shrunk query and both answers.

use std::fmt::Write as _;
use std::path::Path;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;

use super::constructs::Construct;
use super::oracle::{Oracle, partition_sql};
use super::shrink::clause_count;
use super::{Disagreement, FuzzError, FuzzSummary};

/// Rows shown per answer.
const SHOWN_ROWS: usize = 50;

fn answer(batches: &[RecordBatch]) -> String {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut shown = Vec::new();
    let mut left = SHOWN_ROWS;
    for batch in batches {
        if left == 0 {
            break;
        }
        let take = left.min(batch.num_rows());
        shown.push(batch.slice(0, take));
        left -= take;
    }
    let table = pretty_format_batches(&shown)
        .map(|t| t.to_string())
        .unwrap_or_else(|e| format!("(cannot print: {e})"));
    if rows > SHOWN_ROWS {
        format!("{table}\n({rows} rows, first {SHOWN_ROWS} shown)")
    } else {
        format!("{table}\n({rows} rows)")
    }
}

/// One disagreement as Markdown.
pub fn disagreement_markdown(d: &Disagreement) -> String {
    let mut text = String::new();
    let explained = match &d.rule {
        Some(rule) => format!("explained by rule `{}`", rule.line),
        None => "unexplained".to_string(),
    };
    let _ = writeln!(
        text,
        "# {} on {} ({explained})\n\n{}\n",
        d.oracle, d.engine, d.problem
    );
    let _ = writeln!(
        text,
        "## Shrunk query ({} clauses{})\n\n```sql\n{}\n```\n",
        clause_count(&d.shrunk),
        if d.shrunk_fully {
            ""
        } else {
            "; not shrunk, the run's allowance was spent"
        },
        d.shrunk
    );
    if d.oracle == Oracle::Partition
        && let Some(sql) = d
            .predicate
            .as_ref()
            .and_then(|p| partition_sql(&d.shrunk, p))
    {
        let _ = writeln!(
            text,
            "Its partition on the same engine:\n\n```sql\n{sql}\n```\n"
        );
    }
    let constructs: Vec<&str> = d.constructs.iter().map(|c| c.name()).collect();
    let _ = writeln!(text, "Constructs: {}\n", constructs.join(", "));
    let (expected, actual) = match d.oracle {
        Oracle::Differential => (
            "The reference (DuckDB, SQL text)",
            "The engine, through Switchyard",
        ),
        Oracle::Partition => (
            "The engine's answer to the query",
            "The engine's answer to the partition",
        ),
    };
    let _ = writeln!(
        text,
        "## {expected}\n\n```\n{}\n```\n\n## {actual}\n\n```\n{}\n```\n",
        answer(&d.expected),
        answer(&d.actual)
    );
    let _ = writeln!(text, "## Query as generated\n\n```sql\n{}\n```", d.original);
    text
}

/// The summary as Markdown.
pub fn summary_markdown(summary: &FuzzSummary) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "# Query fuzzing, seed {}\n", summary.seed);
    let _ = writeln!(
        text,
        "{} queries generated in {:.0} s: {} judged, {} the reference could not answer, {} the \
         producer could not compile.\n",
        summary.generated,
        summary.elapsed.as_secs_f64(),
        summary.judged(),
        summary.reference_errors,
        summary.not_compiled
    );
    let _ = writeln!(
        text,
        "| engine | run | refused | timed out | partition-checked | disagreeing | explained |\n|---|--:|--:|--:|--:|--:|--:|"
    );
    for (engine, t) in &summary.engines {
        let _ = writeln!(
            text,
            "| {engine} | {} | {} | {} | {} | {} | {} |",
            t.run, t.refused, t.timed_out, t.partitioned, t.disagreeing, t.explained
        );
    }
    let _ = writeln!(text, "\n## Constructs (judged queries using each)\n");
    for construct in Construct::ALL {
        let n = summary.constructs.get(construct).copied().unwrap_or(0);
        let _ = writeln!(text, "- {construct}: {n}");
    }
    let _ = writeln!(text, "\n## Disagreements\n");
    for (index, d) in summary.disagreements.iter().enumerate() {
        let _ = writeln!(
            text,
            "- [{index:03}](disagreement-{index:03}.md) {} on {}: {}{}",
            d.oracle,
            d.engine,
            d.shrunk,
            d.rule
                .as_ref()
                .map_or(String::new(), |r| format!(" (explained: {})", r.why))
        );
    }
    let _ = writeln!(text, "\n{}", summary.last_line());
    text
}

/// Writes the report into `dir`.
pub fn write_fuzz_report(dir: &Path, summary: &FuzzSummary) -> Result<(), FuzzError> {
    let fail = |e: std::io::Error| FuzzError::Report(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    for (index, d) in summary.disagreements.iter().enumerate() {
        std::fs::write(
            dir.join(format!("disagreement-{index:03}.md")),
            disagreement_markdown(d),
        )
        .map_err(fail)?;
    }
    std::fs::write(dir.join("summary.md"), summary_markdown(summary)).map_err(fail)
}
