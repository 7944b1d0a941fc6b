//! Counting outcomes per matrix cell, (suite, function or query) × engine, and per engine.

use std::collections::HashMap;

use crate::function_tests::{CaseOutcome, CaseRecord};

/// How many cases ended each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Answered wrongly.
    pub fail: usize,
    /// Need something the plan builder or the engine lacks.
    pub unsupported: usize,
    /// Went wrong in a way that says nothing about the function (or the query failed).
    pub error: usize,
    /// Agreed with a reference that proves nothing (empty, all NULL, or references disagree).
    pub inconclusive: usize,
}

impl Counts {
    /// Counts one more outcome.
    pub fn add(&mut self, outcome: &CaseOutcome) {
        match outcome {
            CaseOutcome::Pass => self.pass += 1,
            CaseOutcome::Fail { .. } => self.fail += 1,
            CaseOutcome::Unsupported { .. } => self.unsupported += 1,
            CaseOutcome::Error { .. } => self.error += 1,
            CaseOutcome::Inconclusive { .. } => self.inconclusive += 1,
        }
    }

    /// All cases counted.
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.unsupported + self.error + self.inconclusive
    }

    /// The cell's colour, by its worst outcome.
    pub fn status(&self) -> CellStatus {
        if self.total() == 0 {
            CellStatus::Empty
        } else if self.fail > 0 {
            CellStatus::Fail
        } else if self.error > 0 || self.inconclusive > 0 {
            CellStatus::Error
        } else if self.pass == self.total() {
            CellStatus::Pass
        } else if self.pass == 0 {
            CellStatus::Unsupported
        } else {
            CellStatus::Partial
        }
    }

    /// The cell's text: `passes/cases`, then `✗n` for failures and `⚠n` for errors if any
    /// (`12/14 ✗2`); `—` when there are no cases.
    pub fn cell_text(&self) -> String {
        if self.total() == 0 {
            return "—".to_string();
        }
        let mut text = format!("{}/{}", self.pass, self.total());
        if self.fail > 0 {
            text.push_str(&format!(" ✗{}", self.fail));
        }
        if self.error > 0 {
            text.push_str(&format!(" ⚠{}", self.error));
        }
        if self.inconclusive > 0 {
            text.push_str(&format!(" ?{}", self.inconclusive));
        }
        text
    }
}

/// A matrix cell's overall state, worst first: any failure, any error, all passed, nothing
/// but unsupported, passes mixed with unsupported, no cases at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellStatus {
    /// At least one wrong answer.
    Fail,
    /// No wrong answers, but at least one error or inconclusive case.
    Error,
    /// Every case passed.
    Pass,
    /// Every case was unsupported.
    Unsupported,
    /// Some passed, the rest were unsupported.
    Partial,
    /// The engine ran no cases here.
    Empty,
}

impl CellStatus {
    /// The status's name, used as the HTML class.
    pub fn name(self) -> &'static str {
        match self {
            CellStatus::Fail => "fail",
            CellStatus::Error => "error",
            CellStatus::Pass => "pass",
            CellStatus::Unsupported => "unsupported",
            CellStatus::Partial => "partial",
            CellStatus::Empty => "empty",
        }
    }
}

/// One cell: the counts and the records that did not pass, in run order.
#[derive(Debug, Clone, Default)]
pub struct Cell<'a> {
    /// The counts.
    pub counts: Counts,
    /// The records whose outcome is not a pass.
    pub problems: Vec<&'a CaseRecord>,
}

/// One matrix row: a function (or TPC-H query) of a suite, with a cell per engine.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    /// The suite.
    pub suite: &'a str,
    /// The function or query.
    pub function: &'a str,
    /// One cell per engine, in [`Summary::engines`] order.
    pub cells: Vec<Cell<'a>>,
}

/// The matrix of a run's records.
#[derive(Debug, Clone)]
pub struct Summary<'a> {
    /// The columns: the engines asked for, then any other engine the records name.
    pub engines: Vec<String>,
    /// The rows, in the order their first record appears (suite by suite, file by file).
    pub rows: Vec<Row<'a>>,
    /// Per engine, every case of every suite.
    pub totals: Vec<Counts>,
}

impl<'a> Summary<'a> {
    /// Counts `records` into a matrix with a column per engine in `engines`.
    pub fn new(records: &'a [CaseRecord], engines: &[String]) -> Self {
        let mut columns: Vec<String> = Vec::new();
        for engine in engines.iter().chain(records.iter().map(|r| &r.engine)) {
            if !columns.contains(engine) {
                columns.push(engine.clone());
            }
        }
        let mut rows: Vec<Row<'a>> = Vec::new();
        let mut row_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut totals = vec![Counts::default(); columns.len()];
        for record in records {
            let Some(column) = columns.iter().position(|c| *c == record.engine) else {
                continue;
            };
            let key = (record.suite.as_str(), record.function.as_str());
            let index = *row_of.entry(key).or_insert_with(|| {
                rows.push(Row {
                    suite: &record.suite,
                    function: &record.function,
                    cells: vec![Cell::default(); columns.len()],
                });
                rows.len() - 1
            });
            let cell = &mut rows[index].cells[column];
            cell.counts.add(&record.outcome);
            if record.outcome != CaseOutcome::Pass {
                cell.problems.push(record);
            }
            totals[column].add(&record.outcome);
        }
        Summary {
            engines: columns,
            rows,
            totals,
        }
    }

    /// The suites the rows belong to, in row order, each once.
    pub fn suites(&self) -> Vec<&'a str> {
        let mut suites: Vec<&'a str> = Vec::new();
        for row in &self.rows {
            if !suites.contains(&row.suite) {
                suites.push(row.suite);
            }
        }
        suites
    }
}

/// Where a record's case comes from: `file:line`, or just the file (a TPC-H query) when the
/// line is 0.
pub fn location(record: &CaseRecord) -> String {
    if record.line == 0 {
        record.file.clone()
    } else {
        format!("{}:{}", record.file, record.line)
    }
}

/// What a record's outcome says: the difference, reason or message; empty for a pass.
pub fn detail(outcome: &CaseOutcome) -> &str {
    match outcome {
        CaseOutcome::Pass => "",
        CaseOutcome::Fail { difference } => difference.as_str(),
        CaseOutcome::Unsupported { reason } => reason.as_str(),
        CaseOutcome::Error { message } => message.as_str(),
        CaseOutcome::Inconclusive { reason } => reason.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{record, sample};
    use super::*;

    #[test]
    fn cells_and_totals_are_counted() {
        let records = sample();
        let summary = Summary::new(&records, &["datafusion".to_string()]);
        assert_eq!(summary.engines, ["datafusion", "duckdb"]);
        let functions: Vec<&str> = summary.rows.iter().map(|r| r.function).collect();
        assert_eq!(functions, ["add", "lambda_thing", "q1"]);
        let add = &summary.rows[0].cells;
        assert_eq!(add[0].counts.cell_text(), "2/3 ✗1");
        assert_eq!(add[0].counts.status(), CellStatus::Fail);
        assert_eq!(add[1].counts.cell_text(), "1/1");
        assert_eq!(add[1].counts.status(), CellStatus::Pass);
        assert_eq!(
            summary.rows[1].cells[0].counts.status(),
            CellStatus::Unsupported
        );
        assert_eq!(summary.rows[1].cells[1].counts.status(), CellStatus::Empty);
        assert_eq!(summary.rows[2].cells[0].counts.status(), CellStatus::Error);
        assert_eq!(summary.totals[0].total(), 5);
        assert_eq!(summary.totals[0].pass, 2);
        assert_eq!(add[0].problems.len(), 1);
        assert_eq!(summary.suites(), ["substrait-functions", "tpch"]);
    }

    #[test]
    fn a_tpch_query_has_no_line() {
        let query = record("tpch", "tpch/q1", 0, "q1", "duckdb", CaseOutcome::Pass);
        assert_eq!(location(&query), "tpch/q1");
        let case = record("s", "a/add.test", 7, "add", "duckdb", CaseOutcome::Pass);
        assert_eq!(location(&case), "a/add.test:7");
    }
}
