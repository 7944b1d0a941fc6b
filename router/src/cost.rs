//! The cost model: estimated rows and bytes for a plan from table statistics and fixed
//! selectivity guesses, then per engine a time in milliseconds from its profile.
//!
//! Guesses (System R's, roughly): each top-level `=` or `IN` conjunct keeps 10% of rows, each
//! range 30%, each pattern match 20%, anything else 50%; an inner join of inputs `l` and `r`
//! gives `max(l, r)` rows (a foreign-key join); semi and anti joins keep half the left side;
//! `GROUP BY` with `k` keys gives `min(n, k·√n)` groups; a table without statistics is taken
//! as 10,000 rows and 1 MB. Conjuncts of a join condition beyond its first equality filter
//! like a `WHERE`; outer joins keep at least their outer sides' rows.

use serde::Serialize;

use crate::features::{PlanFeatures, PredicateShape, RelNode};
use crate::profile::EngineProfile;
use crate::statistics::Statistics;

const UNKNOWN_TABLE_ROWS: f64 = 10_000.0;
const UNKNOWN_TABLE_BYTES: f64 = 1_000_000.0;
/// Bytes per column of a row held in a hash table or sort buffer.
const HELD_BYTES_PER_COLUMN: f64 = 16.0;

/// What a plan reads and does, independent of the engine.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanEstimate {
    /// Rows in the result.
    pub result_rows: f64,
    /// Rows flowing through operators, summed over operators.
    pub processed_rows: f64,
    /// The part of `processed_rows` read from tables.
    #[serde(skip)]
    pub scan_rows: f64,
    /// The part of `processed_rows` entering joins, aggregates and set operations (hash
    /// tables built or probed).
    #[serde(skip)]
    pub hash_rows: f64,
    /// Bytes scanned from tables.
    pub scan_bytes: f64,
    /// The largest hash table or sort buffer (bytes).
    pub peak_bytes: f64,
    /// Each table read with the bytes read from it.
    pub reads: Vec<TableRead>,
}

/// One table read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRead {
    /// The table.
    pub table: String,
    /// Bytes of the columns read.
    pub bytes: f64,
    /// The share of the table's columns read.
    #[serde(skip)]
    pub column_share: f64,
}

impl PlanEstimate {
    /// Estimates a plan's rows and bytes.
    pub fn of(features: &PlanFeatures, statistics: &Statistics) -> Self {
        let mut estimate = Self::default();
        let nodes = &features.shape.nodes;
        if let Some(root) = features.shape.root {
            estimate.result_rows = estimate.rows(nodes, root, statistics);
        }
        estimate
    }

    /// Output rows of `index`, adding its work to the totals. Recursion depth is bounded
    /// by the plan's validated relation depth.
    fn rows(&mut self, nodes: &[RelNode], index: usize, statistics: &Statistics) -> f64 {
        let Some(node) = nodes.get(index) else {
            return 0.0;
        };
        let reads_before = self.reads.len();
        let inputs: Vec<f64> = node
            .inputs
            .iter()
            .map(|&i| self.rows(nodes, i, statistics))
            .collect();
        if node.relation == "FILTER"
            && node
                .inputs
                .first()
                .and_then(|&i| nodes.get(i))
                .map(|n| n.relation)
                == Some("READ")
        {
            self.prune_read(reads_before, node.predicate.as_ref());
        }
        for &subquery in &node.subqueries {
            self.rows(nodes, subquery, statistics);
        }
        let first = inputs.first().copied().unwrap_or(0.0);
        let width = node.width.max(1) as f64;
        let entering = inputs.iter().sum::<f64>();
        self.processed_rows += entering;
        if matches!(
            node.relation,
            "AGGREGATE"
                | "JOIN"
                | "HASH_JOIN"
                | "MERGE_JOIN"
                | "NESTED_LOOP_JOIN"
                | "CROSS"
                | "SET"
        ) {
            self.hash_rows += entering;
        }
        match node.relation {
            "READ" => {
                let (read, total) = node.columns.unwrap_or((1, 1));
                let column_share = if total == 0 {
                    1.0
                } else {
                    (read as f64 / total as f64).min(1.0)
                };
                let (rows, bytes) = match node.table.as_deref().and_then(|t| statistics.table(t)) {
                    Some(stats) => (
                        stats.rows as f64,
                        stats.bytes_of_columns(read, total) as f64,
                    ),
                    None => (UNKNOWN_TABLE_ROWS, UNKNOWN_TABLE_BYTES),
                };
                self.scan_bytes += bytes;
                self.processed_rows += rows;
                self.scan_rows += rows;
                if let Some(table) = &node.table {
                    self.reads.push(TableRead {
                        table: table.clone(),
                        bytes,
                        column_share,
                    });
                    self.prune_read(self.reads.len() - 1, node.predicate.as_ref());
                }
                rows * selectivity(node.predicate.as_ref())
            }
            "FILTER" => first * selectivity(node.predicate.as_ref()),
            "FETCH" => node.fetch.map_or(first, |n| first.min(n as f64)),
            "AGGREGATE" => {
                let groups = if node.grouping_keys == 0 {
                    1.0
                } else {
                    first.min(node.grouping_keys as f64 * first.sqrt()).max(1.0)
                };
                self.hold(groups * width);
                groups
            }
            "SORT" => {
                self.hold(first * width);
                first
            }
            "JOIN" | "HASH_JOIN" | "MERGE_JOIN" | "NESTED_LOOP_JOIN" => {
                let right = inputs.get(1).copied().unwrap_or(0.0);
                self.hold(right * width);
                match node.variant {
                    Some("LEFT_SEMI" | "LEFT_ANTI") => first * 0.5,
                    Some("RIGHT_SEMI" | "RIGHT_ANTI") => right * 0.5,
                    Some("LEFT_MARK" | "LEFT_SINGLE") => first,
                    Some("RIGHT_MARK" | "RIGHT_SINGLE") => right,
                    Some("OUTER") => first + right,
                    _ => first.max(right) * selectivity_beyond_keys(node.predicate.as_ref()),
                }
            }
            "CROSS" => {
                let right = inputs.get(1).copied().unwrap_or(0.0);
                self.hold(right * width);
                first * right
            }
            "SET" => match node.variant {
                Some(op) if op.starts_with("INTERSECTION") => inputs
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
                    .min(first),
                Some(op) if op.starts_with("MINUS") => first,
                _ => inputs.iter().sum(),
            },
            _ => first,
        }
    }

    /// The plan's work in the units the learned cost fit regresses on (see [`WorkTerms`]),
    /// with `scan_bytes` the bytes the engine itself scans.
    pub fn work(&self, scan_bytes: f64) -> WorkTerms {
        let other_rows = (self.processed_rows - self.scan_rows - self.hash_rows).max(0.0);
        WorkTerms([
            1.0,
            scan_bytes / 1e6,
            self.scan_rows / 1e6,
            self.hash_rows / 1e6,
            other_rows / 1e6,
            self.result_rows / 1e6,
        ])
    }

    /// A file read filtered by equalities skips what the files' min/max statistics (row
    /// groups, pages) rule out: its bytes shrink by the equalities' selectivity. Engines
    /// holding their own copy (PostgreSQL without indexes) still scan it all; see
    /// `Router::cost`, which prices those from `column_share`.
    fn prune_read(&mut self, read: usize, predicate: Option<&PredicateShape>) {
        let Some(p) = predicate.filter(|p| p.equalities > 0) else {
            return;
        };
        let Some(read) = self.reads.get_mut(read) else {
            return;
        };
        let kept = selectivity(Some(&PredicateShape {
            equalities: p.equalities,
            ..PredicateShape::default()
        }));
        let skipped = read.bytes * (1.0 - kept);
        read.bytes -= skipped;
        self.scan_bytes -= skipped;
    }

    fn hold(&mut self, cells: f64) {
        self.peak_bytes = self.peak_bytes.max(cells * HELD_BYTES_PER_COLUMN);
    }
}

/// Number of [`WorkTerms`].
pub const WORK_TERMS: usize = 6;

/// A plan's work on one engine as quantities whose costs add up: a query (1), MB scanned,
/// million rows read from tables, million rows into hash operators (joins, aggregates, set
/// operations), into other operators (filters, projections, sorts), and million result rows. A profile gives
/// one cost per term ([`EngineProfile::coefficients`]); measured runs fit them per engine.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkTerms(pub [f64; WORK_TERMS]);

impl WorkTerms {
    /// The time these terms take at `coefficients` (ms per unit).
    pub fn cost(&self, coefficients: &[f64; WORK_TERMS]) -> f64 {
        self.0.iter().zip(coefficients).map(|(x, w)| x * w).sum()
    }
}

/// The fraction of rows a condition keeps.
fn selectivity(predicate: Option<&PredicateShape>) -> f64 {
    let Some(p) = predicate else {
        return 1.0;
    };
    let fraction = 0.1f64.powi(p.equalities as i32)
        * 0.3f64.powi(p.ranges as i32)
        * 0.2f64.powi(p.patterns as i32)
        * 0.5f64.powi(p.others as i32);
    fraction.max(1e-4)
}

/// A join condition's first equality is the join key; further conjuncts filter.
fn selectivity_beyond_keys(predicate: Option<&PredicateShape>) -> f64 {
    match predicate {
        Some(p) if p.equalities > 0 => selectivity(Some(&PredicateShape {
            equalities: p.equalities - 1,
            ..*p
        })),
        other => selectivity(other),
    }
}

/// One engine's estimated time for a plan, by part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// The profile's fixed cost.
    pub startup_ms: f64,
    /// Reading the tables.
    pub scan_ms: f64,
    /// Operators over the rows.
    pub compute_ms: f64,
    /// Handing the result back.
    pub result_ms: f64,
    /// Moving tables that live elsewhere.
    pub move_ms: f64,
    /// The tables that would be moved, with their bytes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<TableRead>,
    /// The model's sum of the parts.
    pub model_ms: f64,
    /// The estimate after what measured runs taught (see `learning`).
    pub total_ms: f64,
    /// Where `total_ms` departs from `model_ms`, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learned: Option<String>,
    /// The work priced, for learning from the run (see `learning`).
    #[serde(skip)]
    pub work: WorkTerms,
}

impl CostBreakdown {
    /// Prices an estimate on a profile, reading `scan_bytes` (the engine's own size of the
    /// tables it reads); `moved` lists tables read from elsewhere with the profile of the
    /// engine they live in. Moving a table costs a query there (its start-up)
    /// plus its bytes at the slower of the two transfer rates.
    pub fn price(
        profile: &EngineProfile,
        estimate: &PlanEstimate,
        scan_bytes: f64,
        moved: Vec<(TableRead, &EngineProfile)>,
    ) -> Self {
        let scan_ms = scan_bytes / (profile.scan_mb_per_s * 1e6) * 1e3;
        let compute_ms = estimate.processed_rows * profile.row_ns / 1e6;
        let result_ms = estimate.result_rows * profile.result_row_ns / 1e6;
        // `0.0 +` because an empty f64 sum is -0.0, which would print as such.
        let move_ms: f64 = 0.0
            + moved
                .iter()
                .map(|(read, home)| {
                    let rate = home.transfer_mb_per_s.min(profile.transfer_mb_per_s);
                    home.startup_ms + read.bytes / (rate * 1e6) * 1e3
                })
                .sum::<f64>();
        let model_ms = profile.startup_ms + scan_ms + compute_ms + result_ms + move_ms;
        Self {
            startup_ms: profile.startup_ms,
            scan_ms,
            compute_ms,
            result_ms,
            move_ms,
            moved: moved.into_iter().map(|(read, _)| read).collect(),
            model_ms,
            total_ms: model_ms,
            learned: None,
            work: estimate.work(scan_bytes),
        }
    }

    /// The largest part, for explanations.
    pub fn dominant_part(&self) -> (&'static str, f64) {
        [
            ("start-up", self.startup_ms),
            ("scan", self.scan_ms),
            ("compute", self.compute_ms),
            ("result transfer", self.result_ms),
            ("moving tables", self.move_ms),
        ]
        .into_iter()
        .fold(("start-up", f64::MIN), |best, part| {
            if part.1 > best.1 { part } else { best }
        })
    }
}
