//! The `bench service` figures as a Markdown section: one row per load level, the errors and
//! wrong answers seen first, the queries, and the DoGet comparison.

use std::fmt::Write as _;
use std::time::Duration;

use crate::bench::doget_throughput::{DoGetComparison, DoGetSide};
use crate::bench::pyarrow_reference::REFERENCE_SCRIPT;
use crate::bench::service::ServiceFigures;
use crate::bench::service_verify::VerifyComparison;

/// Where and how the figures were made.
#[derive(Debug, Clone)]
pub struct ServiceContext {
    /// The command line.
    pub command: String,
    /// When (UTC, as text).
    pub when: String,
    /// Debug or release build.
    pub build: &'static str,
    /// Cores of the machine (server and clients share them).
    pub cores: usize,
    /// The TPC-H scale.
    pub scale: f64,
    /// How long each level sent.
    pub duration: Duration,
    /// After this long without an answer or an error a request counted lost.
    pub request_timeout: Duration,
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn mebibytes(bytes: Option<u64>) -> String {
    bytes.map_or_else(
        || "-".to_string(),
        |bytes| format!("{:.0}", bytes as f64 / (1024.0 * 1024.0)),
    )
}

/// The section as Markdown.
pub fn render_service_markdown(figures: &ServiceFigures, context: &ServiceContext) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## The service under load\n");
    let _ = writeln!(
        out,
        "Made by `{}` on {} ({} cores, shared by the server and the clients), TPC-H scale {}, {}. \
         `switchyard serve` runs in a second process on 127.0.0.1, started afresh for each level, so \
         that its peak resident memory (`VmHWM`) is that level's. The clients are tasks of this \
         process, each a Flight SQL client on its own connection that sends, for {} s, the queries \
         below in turn, each as SQL (`CommandStatementQuery`) and as a Substrait plan compiled \
         beforehand (`CommandStatementSubstraitPlan`), and fetches every answer with `DoGet`. Every \
         answer is compared with DataFusion's answer to the SQL, computed once beforehand (in any row \
         order unless the query sorts). Latency runs from sending the statement to the last batch; \
         *queries* counts answers (correct or wrong) and *q/s* divides them by the level's time; \
         *lost* counts requests with neither an answer nor an error within {} s. Service limits: {} \
         queries running at once, {} waiting.\n",
        context.command,
        context.when,
        context.cores,
        context.scale,
        context.build,
        context.duration.as_secs(),
        context.request_timeout.as_secs(),
        figures.limits.max_concurrent_queries,
        figures.limits.max_queued_queries,
    );
    let _ = writeln!(
        out,
        "| clients | seconds | queries | q/s | p50 ms | p99 ms | max ms | correct | wrong | errors | lost | server peak RSS MiB |"
    );
    let _ = writeln!(
        out,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for level in &figures.levels {
        let _ = writeln!(
            out,
            "| {} | {:.1} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} | {} |",
            level.clients,
            level.elapsed.as_secs_f64(),
            level.answered(),
            level.per_second(),
            ms(level.latency.p50),
            ms(level.latency.p99),
            ms(level.latency.max),
            level.correct,
            level.wrong,
            level.errors,
            level.lost,
            mebibytes(level.server_peak_rss),
        );
    }
    if figures.levels.iter().any(|level| !level.samples.is_empty()) {
        let _ = writeln!(out, "\nThe first errors and wrong answers of each level:\n");
        for level in &figures.levels {
            for message in &level.samples {
                let _ = writeln!(out, "- {} clients: {message}", level.clients);
            }
        }
    } else if !figures.levels.is_empty() {
        let _ = writeln!(
            out,
            "\nNo answer was wrong, and no request failed or went unanswered."
        );
    }
    let _ = writeln!(out, "\nThe queries:\n");
    for (name, sql) in &figures.queries {
        let _ = writeln!(out, "- {name}: `{sql}`");
    }
    if let Some(verify) = &figures.verify {
        render_verify(&mut out, verify);
    }
    if let Some(doget) = &figures.doget {
        render_doget(&mut out, doget);
    }
    out
}

fn render_verify(out: &mut String, verify: &VerifyComparison) {
    let _ = writeln!(out, "\n### Shadow verification under load\n");
    let _ = writeln!(
        out,
        "{} clients, the same queries, against two fresh servers with the same engines ({}): the \
         first without `routing.verify`, the second with `sample: {}` (every {}th query is run \
         again on a second engine after its client has the last batch, in a free query slot or \
         not at all). Below saturation: the first server answered {:.0} queries/s with the \
         clients back to back, and in both runs each client sends one request every {:.1} ms \
         ({:.0}/s offered in all). p99 with over p99 without: **{:.2}×**.\n",
        verify.options.clients,
        verify.engines.join(", "),
        verify.options.sample,
        (1.0 / verify.options.sample).round(),
        verify.capacity,
        verify.pace.as_secs_f64() * 1e3,
        verify.options.clients as f64 / verify.pace.as_secs_f64().max(1e-9),
        verify.p99_ratio(),
    );
    let _ = writeln!(
        out,
        "| routing.verify | queries | q/s | p50 ms | p99 ms | max ms | correct | wrong | errors | lost |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (label, level) in [
        ("none".to_string(), &verify.without),
        (format!("sample {}", verify.options.sample), &verify.with),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
            level.answered(),
            level.per_second(),
            ms(level.latency.p50),
            ms(level.latency.p99),
            ms(level.latency.max),
            level.correct,
            level.wrong,
            level.errors,
            level.lost,
        );
    }
    let shadow = &verify.shadow;
    let _ = writeln!(
        out,
        "\nShadow runs (the second server's own count): {} sampled, {} agreed, {} disagreed, {} \
         dropped for want of a free slot, {} not verified.",
        shadow.sampled, shadow.agreed, shadow.disagreed, shadow.dropped_busy, shadow.other
    );
}

fn render_doget(out: &mut String, doget: &DoGetComparison) {
    let _ = writeln!(out, "\n### DoGet of a large result\n");
    let _ = writeln!(
        out,
        "`{}` ({} rows) from `switchyard serve` (a Flight SQL statement, then `DoGet` of its ticket) \
         and from a minimal pyarrow Flight server (`{REFERENCE_SCRIPT}`: pyarrow's `RecordBatchStream` \
         over the table, read from the same Parquet file when the server starts, which took {:.1} s), \
         both on 127.0.0.1 and fetched by the same Rust client in this process (`arrow-flight`, HTTP/2 \
         adaptive flow-control windows), alternately: one warm-up each, then {} timed fetches each. \
         Switchyard reads and decodes the Parquet file on every request; the reference serves a table \
         already in memory. Times run from the request to the last message. Bytes are the Arrow IPC \
         messages received (header and body of each `FlightData`, without gRPC framing), each server's \
         own count: they differ where the two send a column as different Arrow types. GB is 10⁹ bytes, \
         MB 10⁶.\n",
        doget.sql,
        doget.ours.rows,
        doget.reference_startup.as_secs_f64(),
        doget.ours.times.len(),
    );
    let _ = writeln!(
        out,
        "| server | runs | median s | GB/s | M rows/s | rows | Arrow IPC MB | peak RSS MiB |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for side in [&doget.ours, &doget.reference] {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.2} | {:.2} | {} | {:.0} | {} |",
            side.server,
            side.times.len(),
            side.median().as_secs_f64(),
            side.gigabytes_per_second(),
            side.million_rows_per_second(),
            side.rows,
            side.ipc_bytes as f64 / 1e6,
            mebibytes(side.peak_rss),
        );
    }
    let times = |side: &DoGetSide| {
        side.times
            .iter()
            .map(|t| format!("{:.2}", t.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "\nSwitchyard's median time is {:.2}× the reference's. Each timed fetch, in seconds: {} {}; {} {}.",
        doget.time_ratio(),
        doget.ours.server,
        times(&doget.ours),
        doget.reference.server,
        times(&doget.reference),
    );
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use switchyard_router::LimitsConfig;

    use super::{ServiceContext, render_service_markdown};
    use crate::bench::doget_throughput::{DoGetComparison, DoGetSide};
    use crate::bench::service::ServiceFigures;
    use crate::bench::service_load::{LatencySummary, LoadOutcome};

    const MIB: u64 = 1024 * 1024;

    fn figures() -> ServiceFigures {
        let ms = Duration::from_millis;
        let secs = Duration::from_secs_f64;
        ServiceFigures {
            queries: vec![(
                "part by key".to_string(),
                "SELECT p_name FROM part WHERE p_partkey = 7".to_string(),
            )],
            limits: LimitsConfig {
                max_queued_queries: 128,
                ..LimitsConfig::default()
            },
            levels: vec![
                LoadOutcome {
                    clients: 8,
                    elapsed: Duration::from_secs(60),
                    correct: 1200,
                    latency: LatencySummary {
                        p50: ms(5),
                        p99: ms(40),
                        max: ms(90),
                    },
                    server_peak_rss: Some(512 * MIB),
                    ..LoadOutcome::default()
                },
                LoadOutcome {
                    clients: 128,
                    elapsed: Duration::from_secs(50),
                    correct: 990,
                    wrong: 10,
                    errors: 3,
                    lost: 1,
                    latency: LatencySummary {
                        p50: ms(100),
                        p99: ms(1500),
                        max: ms(2500),
                    },
                    samples: vec!["part by key as SQL: wrong answer: row 0 differs".to_string()],
                    server_peak_rss: None,
                },
            ],
            verify: None,
            doget: Some(DoGetComparison {
                sql: "SELECT * FROM lineitem".to_string(),
                ours: DoGetSide {
                    server: "switchyard".to_string(),
                    times: vec![secs(2.0), secs(4.0), secs(3.0)],
                    rows: 6_000_000,
                    ipc_bytes: 1_500_000_000,
                    peak_rss: Some(300 * MIB),
                },
                reference: DoGetSide {
                    server: "pyarrow reference".to_string(),
                    times: vec![secs(1.5), secs(1.5), secs(1.5)],
                    rows: 6_000_000,
                    ipc_bytes: 1_200_000_000,
                    peak_rss: Some(2048 * MIB),
                },
                reference_startup: secs(7.3),
            }),
        }
    }

    fn context() -> ServiceContext {
        ServiceContext {
            command: "switchyard bench service".to_string(),
            when: "2026-01-01 00:00 UTC".to_string(),
            build: "release build",
            cores: 2,
            scale: 1.0,
            duration: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
        }
    }

    #[test]
    fn levels_problems_queries_and_doget_are_reported() {
        let text = render_service_markdown(&figures(), &context());
        assert!(text.starts_with("## The service under load\n"), "{text}");
        assert!(
            text.contains("Made by `switchyard bench service` on 2026-01-01 00:00 UTC (2 cores"),
            "{text}"
        );
        assert!(
            text.contains("16 queries running at once, 128 waiting"),
            "{text}"
        );
        // 1200 answers in 60 s; 1000 (990 correct, 10 wrong) in 50 s.
        assert!(
            text.contains(
                "| 8 | 60.0 | 1200 | 20.0 | 5.0 | 40.0 | 90.0 | 1200 | 0 | 0 | 0 | 512 |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| 128 | 50.0 | 1000 | 20.0 | 100.0 | 1500.0 | 2500.0 | 990 | 10 | 3 | 1 | - |"
            ),
            "{text}"
        );
        assert!(
            text.contains("- 128 clients: part by key as SQL: wrong answer: row 0 differs"),
            "{text}"
        );
        assert!(!text.contains("No answer was wrong"), "{text}");
        assert!(
            text.contains("- part by key: `SELECT p_name FROM part WHERE p_partkey = 7`"),
            "{text}"
        );
        // Medians 3 s and 1.5 s; 1.5 GB and 1.2 GB; 6 M rows.
        assert!(text.contains("### DoGet of a large result"), "{text}");
        assert!(text.contains("which took 7.3 s"), "{text}");
        assert!(
            text.contains("| switchyard | 3 | 3.00 | 0.50 | 2.00 | 6000000 | 1500 | 300 |"),
            "{text}"
        );
        assert!(
            text.contains("| pyarrow reference | 3 | 1.50 | 0.80 | 4.00 | 6000000 | 1200 | 2048 |"),
            "{text}"
        );
        assert!(
            text.contains("Switchyard's median time is 2.00× the reference's"),
            "{text}"
        );
        assert!(text.contains("switchyard 2.00, 4.00, 3.00;"), "{text}");
    }

    #[test]
    fn a_clean_run_says_so_and_doget_may_be_left_out() {
        let mut figures = figures();
        figures.levels.truncate(1);
        figures.doget = None;
        let text = render_service_markdown(&figures, &context());
        assert!(
            text.contains("No answer was wrong, and no request failed or went unanswered."),
            "{text}"
        );
        assert!(!text.contains("DoGet of a large result"), "{text}");
    }
}
