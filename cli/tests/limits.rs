//! The command line holds queries to the service's limits (`service.limits`): plan size and
//! depth, the DataFusion memory pool, and the query timeout. Each refusal is one clear line.

mod common;

use common::Fixture;

/// A fixture with a `words` table of `rows` rows, each with a 40-character comment, and
/// `limits` as the `service.limits` section.
fn fixture_with(rows: usize, limits: &str) -> Fixture {
    let fixture = Fixture::new();
    let mut csv = String::from("id,comment\n");
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for id in 0..rows {
        let comment: String = (0..40)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect();
        csv.push_str(&format!("{id},{comment}\n"));
    }
    fixture.write("words.csv", csv.as_bytes());
    fixture.write(
        "switchyard.yaml",
        format!(
            "tables:\n  cities: {{ path: cities.csv, format: csv }}\n  \
             words: {{ path: words.csv, format: csv }}\nservice:\n  limits: {limits}\n"
        )
        .as_bytes(),
    );
    fixture
}

#[test]
fn a_query_over_the_memory_pool_fails_cleanly() {
    // A hash join holds its build side in memory and cannot spill: 2.5 MB of comments over a
    // 2 MiB pool must stop with the pool's error, not take the machine's memory.
    let fixture = fixture_with(60_000, "{ memory_limit_bytes: 2MiB }");
    fixture.fails(
        &[
            "run",
            "--engine",
            "datafusion",
            "--sql",
            "select count(*) from words a join words b on a.comment = b.comment",
        ],
        "Resources exhausted",
    );
    // The same query fits without the ceiling.
    let fixture = fixture_with(60_000, "{}");
    fixture
        .switchyard()
        .args([
            "run",
            "--sql",
            "select count(*) as n from words a join words b on a.comment = b.comment",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("60000"));
}

#[test]
fn a_query_over_its_time_limit_is_stopped() {
    // 36 billion pairs: minutes of work, stopped after the limit.
    let fixture = fixture_with(6_000, "{ query_timeout_ms: 500 }");
    let started = std::time::Instant::now();
    fixture.fails(
        &[
            "run",
            "--sql",
            "select count(*) from words a, words b, words c where a.id + b.id + c.id = -1",
        ],
        "did not finish within 500 ms",
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // --timeout-ms asks for less, never more.
    let fixture = fixture_with(6_000, "{}");
    fixture.fails(
        &[
            "run",
            "--timeout-ms",
            "300",
            "--sql",
            "select count(*) from words a, words b, words c where a.id + b.id + c.id = -1",
        ],
        "did not finish within 300 ms",
    );
}

#[test]
fn plans_over_the_size_and_depth_limits_are_refused() {
    let fixture = fixture_with(10, "{ max_plan_bytes: 200, max_plan_depth: 3 }");
    let long = format!(
        "select id from words where comment <> '{}'",
        "x".repeat(300)
    );
    fixture.fails(
        &["run", "--sql", &long],
        "bytes, over the limit of 200 (service.limits.max_plan_bytes)",
    );
    fixture.fails(
        &[
            "run",
            "--sql",
            "select id from (select id from (select id from words where id > 1) where id > 2) \
             order by id limit 1",
        ],
        "relations deep, over the limit of 3",
    );
}
