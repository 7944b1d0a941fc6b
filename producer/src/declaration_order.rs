//! Extension declarations in one fixed order.
//!
//! datafusion-substrait collects a plan's function declarations in a `HashMap` with a random
//! seed, so the same plan comes out with its declarations in a different order on each
//! encoding. The plan means the same, but its bytes (and so its fingerprint, under which
//! measured runtimes are remembered) would change from one compilation to the next. Sorting
//! by kind and anchor fixes the order.

use datafusion_substrait::substrait::proto::extensions::SimpleExtensionDeclaration;
use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

/// The sort key of a declaration: types, then type variations, then functions, each by anchor.
pub fn declaration_key(declaration: &SimpleExtensionDeclaration) -> (u8, u32) {
    match &declaration.mapping_type {
        Some(MappingType::ExtensionType(t)) => (0, t.type_anchor),
        Some(MappingType::ExtensionTypeVariation(v)) => (1, v.type_variation_anchor),
        Some(MappingType::ExtensionFunction(f)) => (2, f.function_anchor),
        None => (3, 0),
    }
}

/// Sorts `declarations` by [`declaration_key`].
pub fn sort_declarations(declarations: &mut [SimpleExtensionDeclaration]) {
    declarations.sort_by_key(declaration_key);
}
