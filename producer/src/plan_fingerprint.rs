//! A plan's fingerprint: the key under which measured runtimes are remembered and the
//! handle routing rules pin queries by.

use datafusion_substrait::substrait::proto::Plan;
use prost::Message;

use crate::declaration_order::declaration_key;

/// FNV-1a (64 bits) of the encoded relations, extension URNs and function declarations
/// (in [`declaration_key`] order, as their order carries no meaning); not the version, so the
/// same plan from another producer release keeps its fingerprint. A hash with a fixed
/// definition, since fingerprints are written into configurations.
pub fn plan_fingerprint(plan: &Plan) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: Vec<u8>| {
        for byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    plan.relations.iter().for_each(|r| feed(r.encode_to_vec()));
    plan.extension_urns
        .iter()
        .for_each(|u| feed(u.encode_to_vec()));
    let mut declarations: Vec<_> = plan.extensions.iter().collect();
    declarations.sort_by_key(|declaration| declaration_key(declaration));
    declarations.iter().for_each(|d| feed(d.encode_to_vec()));
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use datafusion_substrait::substrait::proto::Plan;
    use datafusion_substrait::substrait::proto::extensions::SimpleExtensionDeclaration;
    use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::{
        ExtensionFunction, MappingType,
    };

    use super::plan_fingerprint;

    fn function(anchor: u32, name: &str) -> SimpleExtensionDeclaration {
        SimpleExtensionDeclaration {
            mapping_type: Some(MappingType::ExtensionFunction(ExtensionFunction {
                function_anchor: anchor,
                name: name.to_string(),
                ..Default::default()
            })),
        }
    }

    #[test]
    fn the_order_of_declarations_does_not_change_the_fingerprint_but_their_content_does() {
        let plan = |extensions| Plan {
            extensions,
            ..Plan::default()
        };
        let forward = plan(vec![function(0, "sum"), function(1, "equal")]);
        let backward = plan(vec![function(1, "equal"), function(0, "sum")]);
        assert_eq!(plan_fingerprint(&forward), plan_fingerprint(&backward));
        let renamed = plan(vec![function(0, "sum"), function(1, "not_equal")]);
        assert_ne!(plan_fingerprint(&forward), plan_fingerprint(&renamed));
    }
}
