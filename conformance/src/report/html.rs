//! The HTML report: one static page, no scripts, that a person opens in a browser.

use std::fmt::Write;

use super::summary::{Cell, CellStatus, Summary, detail, location};
use crate::function_tests::CaseRecord;

/// At most this many cases are listed in one cell; the rest are counted.
pub const MAX_CASES_PER_CELL: usize = 100;

/// Inline so the page is one self-contained file. Colours: all pass green, any failure red,
/// errors orange, only unsupported grey, passes mixed with unsupported pale green.
const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #c8c8cc; padding: 0.3em 0.6em; vertical-align: top; }
thead th { background: #f0f0f3; position: sticky; top: 0; }
th[scope=row] { text-align: left; font-weight: normal; font-family: ui-monospace, monospace; }
td.num { text-align: right; }
td.pass { background: #c9f0c9; }
td.partial { background: #e4f2df; }
td.fail { background: #f7c4c4; }
td.error { background: #fbd9ad; }
td.unsupported { background: #e3e3e6; }
td.empty { color: #9a9aa0; text-align: center; }
summary { cursor: pointer; white-space: nowrap; }
details ul { margin: 0.4em 0 0 0; padding-left: 1.2em; max-width: 60em; }
details li { white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 0.3em; }
code { font-family: ui-monospace, monospace; }
.tag { font-size: 0.8em; font-weight: bold; text-transform: uppercase; }
.legend span { display: inline-block; padding: 0.2em 0.6em; margin-right: 0.4em; }
";

/// Renders `records` as a self-contained HTML page: per-engine totals, then a function ×
/// engine matrix per suite, colour-coded; every cell that is not all passes opens to list its
/// failing, erroring and unsupported cases with `file:line` and what went wrong. Columns
/// follow `engines`, then any other engine in `records`.
pub fn render_html(records: &[CaseRecord], engines: &[String]) -> String {
    let summary = Summary::new(records, engines);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<title>Switchyard conformance</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Switchyard conformance</h1>\n");
    out.push_str(
        "<p class=\"legend\">A cell is passes/cases; ✗n counts wrong answers, ⚠n errors. \
         <span style=\"background:#c9f0c9\">all pass</span>\
         <span style=\"background:#e4f2df\">passes and unsupported</span>\
         <span style=\"background:#f7c4c4\">some fail</span>\
         <span style=\"background:#fbd9ad\">errors</span>\
         <span style=\"background:#e3e3e6\">only unsupported</span> \
         Open a cell to see its cases.</p>\n",
    );

    out.push_str("<h2>Totals</h2>\n<table>\n<thead><tr><th>engine</th><th>cases</th>");
    out.push_str("<th>pass</th><th>fail</th><th>unsupported</th><th>error</th><th>inconclusive</th></tr></thead>\n");
    out.push_str("<tbody>\n");
    for (engine, totals) in summary.engines.iter().zip(&summary.totals) {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape_html(engine));
        for count in [
            totals.total(),
            totals.pass,
            totals.fail,
            totals.unsupported,
            totals.error,
            totals.inconclusive,
        ] {
            let _ = write!(out, "<td class=\"num\">{count}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");

    for suite in summary.suites() {
        let _ = write!(
            out,
            "<h2>{}</h2>\n<table>\n<thead><tr><th>function</th>",
            escape_html(suite)
        );
        for engine in &summary.engines {
            let _ = write!(out, "<th>{}</th>", escape_html(engine));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in summary.rows.iter().filter(|row| row.suite == suite) {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th>",
                escape_html(row.function)
            );
            for cell in &row.cells {
                write_cell(&mut out, cell);
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// One matrix cell: its text, and a `<details>` listing its problem cases unless all passed.
fn write_cell(out: &mut String, cell: &Cell<'_>) {
    let status = cell.counts.status();
    let text = escape_html(&cell.counts.cell_text());
    let _ = write!(out, "<td class=\"{}\">", status.name());
    if matches!(status, CellStatus::Pass | CellStatus::Empty) {
        out.push_str(&text);
    } else {
        let _ = write!(out, "<details><summary>{text}</summary><ul>");
        for record in cell.problems.iter().take(MAX_CASES_PER_CELL) {
            let _ = write!(
                out,
                "<li><span class=\"tag\">{}</span> <code>{}</code> {}</li>",
                record.outcome.label(),
                escape_html(&location(record)),
                escape_html(detail(&record.outcome)),
            );
        }
        if cell.problems.len() > MAX_CASES_PER_CELL {
            let _ = write!(
                out,
                "<li>{} more in results.json</li>",
                cell.problems.len() - MAX_CASES_PER_CELL
            );
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</td>");
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_page_is_a_coloured_matrix_with_reasons_in_failing_cells() {
        let records = sample();
        let html = render_html(&records, &["datafusion".to_string()]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.ends_with("</html>\n"));
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("<th>datafusion</th><th>duckdb</th>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"fail\"><details><summary>2/3 ✗1</summary>"),
            "{html}"
        );
        assert!(
            html.contains("<code>arithmetic/add.test:9</code>"),
            "{html}"
        );
        assert!(html.contains("<td class=\"pass\">1/1</td>"), "{html}");
        assert!(
            html.contains("<td class=\"unsupported\"><details><summary>0/1</summary>"),
            "{html}"
        );
        assert!(
            html.contains("<td class=\"error\"><details><summary>0/1 ⚠1"),
            "{html}"
        );
        assert!(html.contains("<td class=\"empty\">—</td>"), "{html}");
        assert!(html.contains("<code>tpch/q1</code>"), "{html}");
        // The passing cases of a failing cell are counted, not listed.
        assert_eq!(html.matches("<li>").count(), 3, "{html}");
    }
}
