//! A plan's fingerprint: the key under which measured runtimes are remembered and the
//! handle routing rules pin queries by.

use datafusion_substrait::substrait::proto::Plan;
use prost::Message;

/// FNV-1a (64 bits) of the encoded relations, extension URNs and function declarations;
/// not the version, so the same plan from another producer release keeps its fingerprint.
/// A hash with a fixed definition, since fingerprints are written into configurations.
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
    plan.extensions.iter().for_each(|d| feed(d.encode_to_vec()));
    format!("{hash:016x}")
}
