//! Quoting for SQL text Switchyard writes itself (DDL, views, COPY), shared by every SQL engine.

/// `name` as a double-quoted SQL identifier.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as a single-quoted SQL string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A Spark SQL identifier, quoted with backticks (doubled inside).
pub fn spark_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A Spark SQL string literal. Spark's lexer treats a backslash as an escape character, so
/// backslashes and quotes are escaped with one rather than doubled.
pub fn spark_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(quote_identifier(r#"a"b"#), r#""a""b""#);
        assert_eq!(quote_literal("it's"), "'it''s'");
    }

    #[test]
    fn spark_escapes_with_backslashes() {
        assert_eq!(spark_string(r"it's a\b"), r"'it\'s a\\b'");
        assert_eq!(spark_identifier("a`b"), "`a``b`");
    }
}
