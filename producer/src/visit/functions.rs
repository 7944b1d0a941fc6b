//! The functions a plan declares, by anchor.

use std::collections::HashMap;

use datafusion_substrait::substrait::proto::Plan;
use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

/// A function the plan declares in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDeclaration {
    /// The extension URN it references, when the plan declares that URN.
    pub urn: Option<String>,
    /// The declared name as written (`add:i64_i64` for compound names).
    pub declared: String,
}

impl FunctionDeclaration {
    /// The function's name without a compound signature suffix (`add`).
    pub fn name(&self) -> &str {
        self.declared
            .split(':')
            .next()
            .unwrap_or(self.declared.as_str())
    }
}

/// The plan's function declarations by anchor.
#[derive(Debug, Clone, Default)]
pub struct FunctionTable {
    by_anchor: HashMap<u32, FunctionDeclaration>,
}

impl FunctionTable {
    /// The declarations of `plan`.
    pub fn of(plan: &Plan) -> Self {
        let urns: HashMap<u32, &str> = plan
            .extension_urns
            .iter()
            .map(|u| (u.extension_urn_anchor, u.urn.as_str()))
            .collect();
        let by_anchor = plan
            .extensions
            .iter()
            .filter_map(|d| match d.mapping_type.as_ref()? {
                MappingType::ExtensionFunction(f) => Some((
                    f.function_anchor,
                    FunctionDeclaration {
                        urn: urns
                            .get(&f.extension_urn_reference)
                            .map(|urn| (*urn).to_string()),
                        declared: f.name.clone(),
                    },
                )),
                _ => None,
            })
            .collect();
        Self { by_anchor }
    }

    /// The declaration behind `anchor`.
    pub fn get(&self, anchor: u32) -> Option<&FunctionDeclaration> {
        self.by_anchor.get(&anchor)
    }

    /// The short name behind `anchor` (`add`), if declared.
    pub fn name(&self, anchor: u32) -> Option<&str> {
        self.get(anchor).map(FunctionDeclaration::name)
    }
}
