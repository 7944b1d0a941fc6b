//! The SQL dialects a query can be written in.

use std::fmt;
use std::str::FromStr;

/// A SQL dialect accepted by the SQL front-end (parsed by sqlparser, planned by DataFusion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SqlDialect {
    /// ANSI-ish SQL as DataFusion speaks it.
    #[default]
    Generic,
    /// PostgreSQL syntax (`::` casts, `ILIKE`, dollar quoting...).
    Postgres,
    /// DuckDB syntax.
    DuckDb,
    /// MySQL syntax (backtick identifiers...).
    MySql,
}

impl SqlDialect {
    /// Every dialect, in the order they are listed to users.
    pub const ALL: [SqlDialect; 4] = [Self::Generic, Self::Postgres, Self::DuckDb, Self::MySql];

    /// The name users type (`--dialect NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Postgres => "postgres",
            Self::DuckDb => "duckdb",
            Self::MySql => "mysql",
        }
    }
}

impl fmt::Display for SqlDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SqlDialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.to_ascii_lowercase();
        let alias = match wanted.as_str() {
            "postgresql" | "pg" => "postgres",
            other => other,
        };
        Self::ALL
            .into_iter()
            .find(|d| d.name() == alias)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "unknown SQL dialect {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}
