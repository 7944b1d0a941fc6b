//! Finding the shared conformance corpus (`../shared/corpus` beside the project) and its files.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// The environment variable that points at the corpus explicitly.
pub const CORPUS_ENV: &str = "SWITCHYARD_CORPUS";

/// The corpus could not be found or read.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct CorpusError(String);

/// Locates the corpus: `$SWITCHYARD_CORPUS`, else `shared/corpus` beside the current folder or
/// one of its ancestors, else beside the source tree this was built from.
pub fn corpus_dir() -> Result<PathBuf, CorpusError> {
    if let Some(dir) = std::env::var_os(CORPUS_ENV) {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(CorpusError(format!(
                "{CORPUS_ENV}={} is not a folder",
                dir.display()
            )))
        };
    }
    let mut candidates = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        candidates.extend(cwd.ancestors().map(|a| a.join("shared/corpus")));
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
    candidates.extend(built_from.ancestors().map(|a| a.join("shared/corpus")));
    candidates
        .into_iter()
        .find(|c| c.join("README.md").is_file())
        .ok_or_else(|| {
            CorpusError(format!(
                "cannot find the shared corpus (shared/corpus beside the project); set {CORPUS_ENV}"
            ))
        })
}

/// The folder of the 22 TPC-H queries (DataFusion's benchmark SQL).
pub fn tpch_queries_dir() -> Result<PathBuf, CorpusError> {
    Ok(corpus_dir()?.join("tpc-sql/datafusion-benchmarks/tpch/queries"))
}

/// The folder of the 99 TPC-DS queries (DataFusion's benchmark SQL).
pub fn tpcds_queries_dir() -> Result<PathBuf, CorpusError> {
    Ok(corpus_dir()?.join("tpc-sql/datafusion-benchmarks/tpcds/queries"))
}

/// The SQL text of TPC-DS query file `number` (1 to 99).
pub fn tpcds_query(number: usize) -> Result<String, CorpusError> {
    let path = tpcds_queries_dir()?.join(format!("q{number}.sql"));
    std::fs::read_to_string(&path)
        .map_err(|e| CorpusError(format!("cannot read {}: {e}", path.display())))
}

/// The TPC-DS queries as cases: `(label, sql)`, one per query. Four files (q14, q23, q24,
/// q39) hold TPC-DS's two parts of one query; they become `q14a` and `q14b` and so on. Date
/// arithmetic is written in standard SQL ([`day_intervals`]).
pub fn tpcds_queries() -> Result<Vec<(String, String)>, CorpusError> {
    let mut queries = Vec::new();
    for number in 1..=99 {
        let text = day_intervals(&tpcds_query(number)?);
        let parts = split_statements(&text);
        if parts.len() == 1 {
            queries.push((format!("q{number}"), text));
        } else {
            for (part, sql) in parts.into_iter().enumerate() {
                let letter = char::from(b'a' + u8::try_from(part).unwrap_or(25).min(25));
                queries.push((format!("q{number}{letter}"), sql));
            }
        }
    }
    Ok(queries)
}

/// `<date> + 30 days` written `<date> + INTERVAL '30' DAY`. The corpus's TPC-DS queries use
/// that vendor form of date arithmetic, which DataFusion's SQL parser rejects; TPC-DS lets a
/// sponsor write date arithmetic in its own syntax (clause 4.2.3.4), and the standard form
/// means the same on every engine here. Only a whole number of days right after `+` or `-`
/// is rewritten, so a quoted name such as `"30 days"` stays.
pub fn day_intervals(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 64);
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = sql[at..].to_ascii_lowercase().find("days") {
        let start = at + found;
        let end = start + 4;
        at = end;
        let word_ends = bytes
            .get(end)
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
        let before = sql[..start].trim_end_matches([' ', '\t', '\n', '\r']);
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let number_start = before.len() - digits;
        let operator = sql[..number_start].trim_end_matches([' ', '\t', '\n', '\r']);
        if !word_ends
            || digits == 0
            || before.len() == start
            || !(operator.ends_with('+') || operator.ends_with('-'))
        {
            continue;
        }
        out.push_str(&sql[copied..number_start]);
        out.push_str(&format!("INTERVAL '{}' DAY", &before[number_start..]));
        copied = end;
    }
    out.push_str(&sql[copied..]);
    out
}

/// Splits SQL text at the semicolons that end statements: outside quoted text and `--`
/// comments. Parts with nothing but whitespace and comments are dropped.
pub fn split_statements(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    let mut meaningful = false;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                meaningful = true;
                current.push(c);
            }
            None if c == '-' && chars.peek() == Some(&'-') => {
                current.push(c);
                for c in chars.by_ref() {
                    current.push(c);
                    if c == '\n' {
                        break;
                    }
                }
            }
            None if c == ';' => {
                if meaningful {
                    parts.push(std::mem::take(&mut current));
                } else {
                    current.clear();
                }
                meaningful = false;
            }
            None => {
                meaningful |= !c.is_whitespace();
                current.push(c);
            }
        }
    }
    if meaningful {
        parts.push(current);
    }
    parts
}

/// The SQL text of TPC-H query `number` (1 to 22).
pub fn tpch_query(number: usize) -> Result<String, CorpusError> {
    let path = tpch_queries_dir()?.join(format!("q{number}.sql"));
    std::fs::read_to_string(&path)
        .map_err(|e| CorpusError(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::{day_intervals, split_statements};

    #[test]
    fn day_counts_after_plus_or_minus_become_standard_intervals() {
        assert_eq!(
            day_intervals("d between (cast('2000-05-19' as date) - 30 days)\n and (x +  14 DAYS)"),
            "d between (cast('2000-05-19' as date) - INTERVAL '30' DAY)\n and (x +  INTERVAL '14' DAY)"
        );
        // A quoted name, a word that only starts with `days`, and a count with no operator.
        for kept in [
            "select 1 as \"30 days\"",
            "select x + 3 daysago from t",
            "select 30 days from t",
            "select a - b days from t",
        ] {
            assert_eq!(day_intervals(kept), kept);
        }
    }

    #[test]
    fn statements_split_at_semicolons_outside_quotes_and_comments() {
        let text = "select 'a;b' from t; -- done; really\nselect 2\n;\n  -- trailing\n";
        let parts = split_statements(text);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0], "select 'a;b' from t");
        assert!(parts[1].trim_end().ends_with("select 2"), "{parts:?}");
        assert_eq!(split_statements("select 1"), ["select 1"]);
    }
}
