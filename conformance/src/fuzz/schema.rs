//! The tables the fuzzer writes queries over, read from the catalog: each column with the
//! generator's type for it, and which tables join on which keys.

use datafusion::arrow::datatypes::DataType;
use switchyard_producer::Catalog;

use super::ast::Type;

/// A table the generator may read.
#[derive(Debug, Clone)]
pub struct FuzzTable {
    /// Its catalog name.
    pub name: String,
    /// Its columns the generator can type, in schema order.
    pub columns: Vec<(String, Type)>,
    /// How often it is chosen relative to others: large tables rarely, so queries stay quick.
    pub weight: u32,
}

impl FuzzTable {
    /// Whether it is small enough to cross join with another small table.
    pub fn is_small(&self) -> bool {
        self.weight >= SMALL_WEIGHT
    }

    /// The columns of type `ty`.
    pub fn columns_of(&self, ty: Type) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(move |(_, t)| *t == ty)
            .map(|(name, _)| name.as_str())
    }
}

const SMALL_WEIGHT: u32 = 3;

/// How often a table is chosen: TPC-H's large tables (by name) rarely, the edge table often.
fn weight(name: &str, edge_table: &str) -> u32 {
    match name {
        _ if name == edge_table => 4,
        "lineitem" | "orders" | "partsupp" => 1,
        "part" | "customer" => 2,
        _ => SMALL_WEIGHT,
    }
}

/// The generator's type for an Arrow type, if it has one.
fn fuzz_type(data_type: &DataType) -> Option<Type> {
    match data_type {
        t if t.is_integer() => Some(Type::Int),
        t if t.is_floating() => Some(Type::Double),
        t if t.is_decimal() => Some(Type::Decimal),
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => Some(Type::Text),
        DataType::Date32 | DataType::Date64 => Some(Type::Date),
        DataType::Boolean => Some(Type::Bool),
        _ => None,
    }
}

/// Whether a name can be written without quotes in both dialects.
fn plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The catalog's tables as the generator sees them (tables with no typed column left out).
pub fn fuzz_tables(catalog: &Catalog, edge_table: &str) -> Vec<FuzzTable> {
    catalog
        .tables()
        .filter(|table| plain_identifier(table.name()))
        .map(|table| FuzzTable {
            name: table.name().to_string(),
            columns: table
                .schema()
                .fields()
                .iter()
                .filter(|f| plain_identifier(f.name()))
                .filter_map(|f| fuzz_type(f.data_type()).map(|t| (f.name().clone(), t)))
                .collect(),
            weight: weight(table.name(), edge_table),
        })
        .filter(|table| !table.columns.is_empty())
        .collect()
}

/// The key a column joins on: TPC-H's naming (`c_nationkey` joins `n_nationkey`), the part
/// after the table prefix, for columns ending in `key`.
pub fn join_key(column: &str) -> Option<&str> {
    let (_, key) = column.split_once('_')?;
    key.ends_with("key").then_some(key)
}
