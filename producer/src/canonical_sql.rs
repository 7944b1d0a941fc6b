//! A canonical form of SQL text, so that queries differing only in layout share a cache entry.

use crate::dialect::SqlDialect;

/// Returns `sql` with comments removed, runs of white space outside quotes folded to one
/// space, and trailing semicolons dropped.
///
/// The rewrite must never merge two queries that mean different things, so text whose
/// quoting or comments we do not model exactly is only trimmed: backslash escapes, dollar
/// quoting, block comments, and MySQL, where `--` needs a space after it and `#` starts a
/// comment (`select 1--1` is 2 there).
pub fn canonical_sql(sql: &str, dialect: SqlDialect) -> String {
    let trimmed = sql
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    if dialect == SqlDialect::MySql || trimmed.contains(['\\', '$']) || trimmed.contains("/*") {
        return trimmed.to_string();
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut chars = trimmed.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
                // Copy the quoted text verbatim; a doubled quote is an escaped quote.
                while let Some(q) = chars.next() {
                    out.push(q);
                    if q == c {
                        if chars.peek() == Some(&c) {
                            out.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        break;
                    }
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::SqlDialect::{Generic, MySql};
    use super::canonical_sql as canonical;

    fn canonical_sql(sql: &str) -> String {
        canonical(sql, Generic)
    }

    #[test]
    fn mysql_is_only_trimmed() {
        // In MySQL `select 1--1` is 1 - (-1); folding it as a comment would merge two queries.
        assert_eq!(canonical("select 1--1;", MySql), "select 1--1");
        assert_eq!(canonical(" select 1 # x\n+1 ", MySql), "select 1 # x\n+1");
    }

    #[test]
    fn folds_layout_and_comments() {
        let a = "-- q\nselect  a,\n\tb from t;\n";
        let b = "select a, b from t";
        assert_eq!(canonical_sql(a), canonical_sql(b));
        assert_eq!(canonical_sql(a), "select a, b from t");
    }

    #[test]
    fn keeps_quoted_text() {
        assert_eq!(
            canonical_sql("select 'a  b'  from t"),
            "select 'a  b' from t"
        );
        assert_eq!(
            canonical_sql("select 'it''s  --x' from t"),
            "select 'it''s  --x' from t"
        );
        assert_eq!(
            canonical_sql("select \"A  B\" from t"),
            "select \"A  B\" from t"
        );
        assert_ne!(
            canonical_sql("select 'a  b'"),
            canonical_sql("select 'a b'")
        );
    }

    #[test]
    fn leaves_unmodelled_quoting_alone() {
        let sql = "select E'a\\'  b'";
        assert_eq!(canonical_sql(sql), sql);
        let sql = "select $$a  b$$";
        assert_eq!(canonical_sql(sql), sql);
    }
}
