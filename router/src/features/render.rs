//! Plan features as text for people (`switchyard features`).

use std::collections::BTreeMap;
use std::fmt;

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

use super::PlanFeatures;

impl fmt::Display for PlanFeatures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables: Vec<&str> = self.tables.iter().map(String::as_str).collect();
        writeln!(
            f,
            "tables: {}",
            if tables.is_empty() {
                "-".to_string()
            } else {
                tables.join(", ")
            }
        )?;
        writeln!(
            f,
            "relations: {}, depth {}",
            self.relations.len(),
            self.depth
        )?;
        writeln!(f, "fingerprint: {}", self.fingerprint)?;

        let mut relations = Table::new();
        relations.load_preset(UTF8_FULL_CONDENSED);
        relations.set_header(["relation", "path"]);
        for r in &self.relations {
            let name = match r.variant {
                Some(v) => format!("{} {v}", r.relation),
                None => r.relation.to_string(),
            };
            relations.add_row([name, r.path.clone()]);
        }
        writeln!(f, "{relations}")?;

        // One row per function and signature, with how often and where first.
        let mut functions: BTreeMap<(String, String, String), (usize, &str)> = BTreeMap::new();
        for call in &self.functions {
            let key = (call.kind.to_string(), call.name.clone(), call.signature());
            functions.entry(key).or_insert((0, &call.path)).0 += 1;
        }
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED);
        table.set_header(["function", "kind", "signature", "calls", "first at"]);
        for ((kind, name, signature), (calls, path)) in functions {
            table.add_row([name, kind, signature, calls.to_string(), path.to_string()]);
        }
        writeln!(f, "{table}")?;

        let expressions: Vec<String> = self
            .expressions
            .iter()
            .map(|e| match e.variant {
                Some(v) => format!("{} {v}", e.expression),
                None => e.expression.to_string(),
            })
            .collect();
        writeln!(f, "expressions: {}", expressions.join(", "))?;
        let types: Vec<&str> = self.types.iter().map(|t| t.kind.dialect_name()).collect();
        write!(f, "types: {}", types.join(", "))
    }
}
