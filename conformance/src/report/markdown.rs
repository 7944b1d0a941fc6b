//! The Markdown report, for `docs/conformance.md`.

use std::fmt::Write;

use super::summary::{Counts, Summary, detail, location};
use crate::function_tests::{CaseOutcome, CaseRecord};

/// At most this many failing cases are listed; the rest are counted.
pub const MAX_FAILURE_LINES: usize = 200;

/// Longer differences are cut to this many characters, keeping the list one line per case.
const MAX_DETAIL_CHARS: usize = 300;

/// Renders `records` as Markdown: per-engine totals, a function × engine matrix per suite
/// (cells `passes/cases`, with `✗n` failures and `⚠n` errors), then the failing and erroring
/// cases with what went wrong. Columns follow `engines`, then any other engine in `records`.
pub fn render_markdown(records: &[CaseRecord], engines: &[String]) -> String {
    let summary = Summary::new(records, engines);
    let mut out = String::new();
    out.push_str("# Conformance\n\n");
    out.push_str(
        "Written by `switchyard conformance`. A cell is passes/cases; `✗n` counts wrong \
         answers, `⚠n` errors and `?n` inconclusive cases (the reference proves nothing); the \
         other cases are unsupported. Every record is in \
         `results.json`; `index.html` lists each cell's cases.\n\n",
    );

    out.push_str("## Totals\n\n");
    out.push_str("| engine | cases | pass | fail | unsupported | error | inconclusive |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (engine, totals) in summary.engines.iter().zip(&summary.totals) {
        let Counts {
            pass,
            fail,
            unsupported,
            error,
            inconclusive,
        } = *totals;
        let _ = writeln!(
            out,
            "| {} | {} | {pass} | {fail} | {unsupported} | {error} | {inconclusive} |",
            escape_markdown(engine),
            totals.total(),
        );
    }

    for suite in summary.suites() {
        let _ = write!(out, "\n## {}\n\n", escape_markdown(suite));
        let header: Vec<String> = summary.engines.iter().map(|e| escape_markdown(e)).collect();
        let _ = writeln!(out, "| function | {} |", header.join(" | "));
        let _ = writeln!(out, "| --- |{}", " ---: |".repeat(summary.engines.len()));
        for row in summary.rows.iter().filter(|row| row.suite == suite) {
            let cells: Vec<String> = row.cells.iter().map(|c| c.counts.cell_text()).collect();
            let _ = writeln!(
                out,
                "| {} | {} |",
                escape_markdown(row.function),
                cells.join(" | ")
            );
        }
    }

    let failures: Vec<&CaseRecord> = records
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                CaseOutcome::Fail { .. } | CaseOutcome::Error { .. }
            )
        })
        .collect();
    if !failures.is_empty() {
        out.push_str("\n## Failures and errors\n\n");
        for record in failures.iter().take(MAX_FAILURE_LINES) {
            let _ = writeln!(
                out,
                "- {} {} on {}: {} {}",
                code_span(&location(record)),
                escape_markdown(&record.function),
                escape_markdown(&record.engine),
                record.outcome.label(),
                escape_markdown(&shorten(detail(&record.outcome))),
            );
        }
        if failures.len() > MAX_FAILURE_LINES {
            let _ = writeln!(
                out,
                "\n{} more left out; see `results.json`.",
                failures.len() - MAX_FAILURE_LINES
            );
        }
    }
    out
}

/// Cuts `text` to [`MAX_DETAIL_CHARS`] characters, marking the cut.
fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_DETAIL_CHARS {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(MAX_DETAIL_CHARS).collect();
        short.push('…');
        short
    }
}

/// Makes `text` inert inline Markdown: one line, with the characters that start emphasis,
/// links, code, raw HTML or a table cell boundary backslash-escaped.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `text` as a code span, fenced with more backticks than it contains in a row.
fn code_span(text: &str) -> String {
    let longest = text
        .split(|c: char| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let text = text.replace(['\n', '\r'], " ");
    // Padding keeps a leading or trailing backtick from joining the fence.
    if text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn the_matrix_counts_passes_and_marks_failures() {
        let records = sample();
        let markdown = render_markdown(&records, &["datafusion".to_string()]);
        assert!(
            markdown.contains("| datafusion | 5 | 2 | 1 | 1 | 1 |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| duckdb | 1 | 1 | 0 | 0 | 0 |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| function | datafusion | duckdb |"),
            "{markdown}"
        );
        assert!(markdown.contains("| add | 2/3 ✗1 | 1/1 |"), "{markdown}");
        assert!(
            markdown.contains("| lambda\\_thing | 0/1 | — |"),
            "{markdown}"
        );
        assert!(markdown.contains("| q1 | 0/1 ⚠1 | — |"), "{markdown}");
        assert!(markdown.contains("## tpch"), "{markdown}");
        assert!(
            markdown.contains("- `arithmetic/add.test:9` add on datafusion: fail expected"),
            "{markdown}"
        );
    }

    #[test]
    fn reasons_cannot_inject_html_or_break_the_table() {
        let records = sample();
        let markdown = render_markdown(&records, &[]);
        assert!(!markdown.contains("<script>"), "{markdown}");
        assert!(markdown.contains("\\<script\\>"), "{markdown}");
        assert_eq!(escape_markdown("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn the_failure_list_is_capped() {
        let records: Vec<CaseRecord> = (1..=MAX_FAILURE_LINES + 5)
            .map(|line| {
                super::super::tests::record(
                    "substrait-functions",
                    "x.test",
                    line,
                    "f",
                    "e",
                    CaseOutcome::Fail {
                        difference: "d".to_string(),
                    },
                )
            })
            .collect();
        let markdown = render_markdown(&records, &[]);
        assert!(markdown.contains("`x.test:200`"), "{markdown}");
        assert!(!markdown.contains("`x.test:201`"), "{markdown}");
        assert!(markdown.contains("5 more left out"), "{markdown}");
    }

    #[test]
    fn code_spans_outfence_backticks() {
        assert_eq!(code_span("a.test:3"), "`a.test:3`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }
}
