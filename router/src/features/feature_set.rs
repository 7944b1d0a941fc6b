//! A plan's feature set: what it asks of an engine, without where or how often. Plans that
//! ask the same things share it, so a verified disagreement on one plan (`routing.verify`)
//! marks every plan with the same features suspect on that engine, not only that plan.

use std::collections::BTreeSet;

use super::PlanFeatures;

impl PlanFeatures {
    /// The feature set's key: FNV-1a (64 bits, a fixed definition since keys are written to
    /// the verification log) of the sorted distinct relations, expressions, function calls
    /// (with argument kinds and options) and data types. Tables and paths are left out: a
    /// call an engine computes wrongly is wrong on any table.
    pub fn feature_set(&self) -> String {
        let mut items: BTreeSet<String> = BTreeSet::new();
        for relation in &self.relations {
            items.insert(format!(
                "rel {} {}",
                relation.relation,
                relation.variant.unwrap_or("")
            ));
        }
        for expression in &self.expressions {
            items.insert(format!(
                "expr {} {}",
                expression.expression,
                expression.variant.unwrap_or("")
            ));
        }
        for call in &self.functions {
            items.insert(format!(
                "fn {} {} {}",
                call.kind,
                call.urn.as_deref().unwrap_or(""),
                call.described()
            ));
        }
        for data_type in &self.types {
            items.insert(format!("type {}", data_type.kind));
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for item in &items {
            for byte in item.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }
}
