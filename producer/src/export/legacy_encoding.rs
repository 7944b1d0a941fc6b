//! The binary encoding of an exported plan, with the pre-0.85 fields the modern schema lacks.
//!
//! Spec 0.85 reserved `Plan` field 1 (`extension_uris`) and field 1 of each extension
//! declaration (`extension_uri_reference`). Older consumers need both, so the plan is encoded
//! with the modern schema minus its declarations, and the URIs and declarations are appended
//! with those old field numbers. Protobuf readers accept fields in any order, and the modern
//! fields left in (URN anchors) are unknown to old readers, which skip them.

use datafusion_substrait::substrait::proto::Plan;
use prost::Message;
use serde_json::Value;

use crate::error::ProducerError;

/// `SimpleExtensionURI` of spec 0.44 – 0.84.
#[derive(Clone, PartialEq, prost::Message)]
struct LegacyExtensionUri {
    #[prost(uint32, tag = "1")]
    extension_uri_anchor: u32,
    #[prost(string, tag = "2")]
    uri: String,
}

/// `SimpleExtensionDeclaration` of spec 0.44 – 0.84: its three mapping kinds share a shape.
#[derive(Clone, PartialEq, prost::Message)]
struct LegacyDeclaration {
    #[prost(message, optional, tag = "1")]
    extension_type: Option<LegacyMapping>,
    #[prost(message, optional, tag = "2")]
    extension_type_variation: Option<LegacyMapping>,
    #[prost(message, optional, tag = "3")]
    extension_function: Option<LegacyMapping>,
}

/// An extension type, type variation or function: URI reference, anchor, name.
#[derive(Clone, PartialEq, prost::Message)]
struct LegacyMapping {
    #[prost(uint32, tag = "1")]
    extension_uri_reference: u32,
    #[prost(uint32, tag = "2")]
    anchor: u32,
    #[prost(string, tag = "3")]
    name: String,
}

const PLAN_EXTENSION_URIS: u32 = 1;
const PLAN_EXTENSIONS: u32 = 2;

/// Encodes an exported plan's JSON form (with `extensionUris`) as a binary plan.
pub fn encode_binary(exported: &Value) -> Result<Vec<u8>, ProducerError> {
    let mut modern = exported.clone();
    let (uris, declarations) = match modern.as_object_mut() {
        Some(root) => (root.remove("extensionUris"), root.remove("extensions")),
        None => return Err(ProducerError::Encode("a plan is a JSON object".to_string())),
    };
    let plan: Plan = serde_json::from_value(modern)
        .map_err(|e| ProducerError::Encode(format!("exported plan does not decode: {e}")))?;
    let mut bytes = plan.encode_to_vec();
    for uri in uris
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let entry = LegacyExtensionUri {
            extension_uri_anchor: number(uri, "extensionUriAnchor"),
            uri: uri
                .get("uri")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        };
        prost::encoding::message::encode(PLAN_EXTENSION_URIS, &entry, &mut bytes);
    }
    for declaration in declarations
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let entry = legacy_declaration(declaration)?;
        prost::encoding::message::encode(PLAN_EXTENSIONS, &entry, &mut bytes);
    }
    Ok(bytes)
}

fn legacy_declaration(declaration: &Value) -> Result<LegacyDeclaration, ProducerError> {
    let mapping = |key: &str, anchor_key: &str| {
        declaration.get(key).map(|inner| LegacyMapping {
            extension_uri_reference: number(inner, "extensionUriReference"),
            anchor: number(inner, anchor_key),
            name: inner
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        })
    };
    let legacy = LegacyDeclaration {
        extension_type: mapping("extensionType", "typeAnchor"),
        extension_type_variation: mapping("extensionTypeVariation", "typeVariationAnchor"),
        extension_function: mapping("extensionFunction", "functionAnchor"),
    };
    if legacy == LegacyDeclaration::default() {
        return Err(ProducerError::Encode(format!(
            "extension declaration of an unknown kind: {declaration}"
        )));
    }
    Ok(legacy)
}

/// A `uint32` field of a JSON object, 0 (protobuf's default) when absent.
fn number(object: &Value, key: &str) -> u32 {
    object
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|value| u32::try_from(value).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use datafusion_substrait::substrait::proto::Plan;
    use prost::Message;
    use serde_json::json;

    use super::{LegacyDeclaration, LegacyExtensionUri, encode_binary};

    /// The parts of a spec 0.44 `Plan` this encoding adds, read back with the old field numbers.
    #[derive(Clone, PartialEq, prost::Message)]
    struct OldPlan {
        #[prost(message, repeated, tag = "1")]
        extension_uris: Vec<LegacyExtensionUri>,
        #[prost(message, repeated, tag = "2")]
        extensions: Vec<LegacyDeclaration>,
    }

    #[test]
    fn old_readers_see_uris_and_references_and_new_readers_the_plan() {
        let exported = json!({
            "version": { "minorNumber": 85, "producer": "switchyard" },
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "https://example/functions_comparison.yaml" }],
            "extensions": [{ "extensionFunction": {
                "extensionUriReference": 1, "functionAnchor": 3, "name": "lte"
            } }],
            "relations": [{ "root": { "input": { "fetch": { "count": "10" } }, "names": ["a"] } }]
        });
        let bytes = encode_binary(&exported).expect("encodes");
        let old = OldPlan::decode(bytes.as_slice()).expect("old schema reads it");
        assert_eq!(old.extension_uris.len(), 1);
        assert_eq!(old.extension_uris[0].extension_uri_anchor, 1);
        assert_eq!(
            old.extension_uris[0].uri,
            "https://example/functions_comparison.yaml"
        );
        let function = old.extensions[0]
            .extension_function
            .as_ref()
            .expect("a function");
        assert_eq!((function.extension_uri_reference, function.anchor), (1, 3));
        assert_eq!(function.name, "lte");
        // The modern schema still reads everything else, and the declaration by name.
        let modern = Plan::decode(bytes.as_slice()).expect("new schema reads it");
        assert_eq!(modern.relations.len(), 1);
        assert_eq!(modern.extensions.len(), 1);
        assert_eq!(
            modern.version.map(|v| v.producer).as_deref(),
            Some("switchyard")
        );
    }
}
