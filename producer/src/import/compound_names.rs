//! `compound_function_names`: strips the signature from compound function names.
//!
//! Isthmus declares functions as `add:i64_i64`; DataFusion and most consumers look functions up
//! by their plain name and pick the implementation from the argument types, which the plan
//! carries anyway, so the signature suffix only makes the lookup fail.

use datafusion_substrait::substrait::proto::Plan;
use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "compound_function_names";

/// Rewrites every extension function name `name:signature` to `name`; returns how many changed.
///
/// Two declarations may end up with the same name (`add:i64_i64`, `add:dec_dec`); that is fine,
/// since expressions reference functions by anchor, and anchors are left as they are.
pub fn compound_function_names(plan: &mut Plan) -> usize {
    let mut changes = 0;
    for declaration in &mut plan.extensions {
        let Some(MappingType::ExtensionFunction(function)) = declaration.mapping_type.as_mut()
        else {
            continue;
        };
        let plain = match function.name.split_once(':') {
            Some((plain, _)) if !plain.is_empty() => plain.to_string(),
            _ => continue,
        };
        function.name = plain;
        changes += 1;
    }
    changes
}

#[cfg(test)]
mod tests {
    use datafusion_substrait::substrait::proto::Plan;
    use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

    use super::compound_function_names;

    fn names(plan: &Plan) -> Vec<&str> {
        plan.extensions
            .iter()
            .filter_map(|d| match d.mapping_type.as_ref() {
                Some(MappingType::ExtensionFunction(f)) => Some(f.name.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn strips_signatures_and_counts_them() {
        let mut plan: Plan = serde_json::from_str(
            r#"{
                "extensions": [
                    { "extensionFunction": { "functionAnchor": 0, "name": "add:i64_i64" } },
                    { "extensionFunction": { "functionAnchor": 1, "name": "sum" } },
                    { "extensionFunction": { "functionAnchor": 2, "name": "lte:date_date" } },
                    { "extensionType": { "typeAnchor": 0, "name": "point:i64" } }
                ]
            }"#,
        )
        .expect("test plan parses");
        assert_eq!(compound_function_names(&mut plan), 2);
        assert_eq!(names(&plan), ["add", "sum", "lte"]);
        // Only functions have signatures worth stripping; types are left alone.
        assert!(matches!(
            plan.extensions[3].mapping_type.as_ref(),
            Some(MappingType::ExtensionType(t)) if t.name == "point:i64"
        ));
        // A second run has nothing left to do.
        assert_eq!(compound_function_names(&mut plan), 0);
    }
}
