//! Counting a plan's elements before decoding it, so that a small message that would decode
//! into millions of objects (ten million literals fit in 40 MB) is refused before it takes
//! gigabytes of memory.
//!
//! Both counts are upper bounds of the objects decoding would make, found in one pass over
//! the bytes, with no allocation beyond a stack bounded by the nesting limit.

use crate::error::{ProducerError, Result};

/// The most elements (protobuf fields, or JSON values) a plan may have. The largest plan in
/// the shared corpus (a TPC-DS query) has under 20,000.
pub const MAX_PLAN_ELEMENTS: usize = 1_000_000;

/// Deepest nesting the binary count follows; protobuf decoding refuses anything deeper
/// (prost's recursion limit is 100), so deeper bytes are counted as one opaque value.
const MAX_WIRE_NESTING: usize = 100;

/// Refuses a binary plan with more than `limit` protobuf fields at any nesting level.
pub fn check_wire_elements(bytes: &[u8], limit: usize) -> Result<()> {
    let count = count_wire_elements(bytes, limit);
    if count > limit {
        return Err(too_many("protobuf fields", limit));
    }
    Ok(())
}

/// Refuses a JSON plan with more than `limit` values (objects, arrays and scalars).
pub fn check_json_elements(text: &[u8], limit: usize) -> Result<()> {
    // Every value or key but the first is preceded by `,`, `:` or an opening bracket outside
    // a string, so counting those bounds the values and keys.
    let mut count = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b',' | b':' | b'[' | b'{' => {
                count += 1;
                if count > limit {
                    return Err(too_many("JSON values", limit));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn too_many(what: &str, limit: usize) -> ProducerError {
    ProducerError::Decode(format!(
        "plan has more than {limit} {what}, over the limit on plan elements"
    ))
}

/// Fields in `bytes` read as a protobuf message, counting inside every length-delimited
/// value that itself reads as a message (a string that happens to read as one is counted
/// too: the count only ever errs high). Stops early once past `limit`.
fn count_wire_elements(bytes: &[u8], limit: usize) -> usize {
    // Each frame is a length-delimited value being read as a message: where it ends, and the
    // count it had before it, to roll back to if it turns out not to be a message.
    struct Frame {
        end: usize,
        count_before: usize,
    }
    let mut count = 0usize;
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0usize;
    let mut end = bytes.len();
    loop {
        if at == end {
            match stack.pop() {
                // A nested value read wholly as fields: its count stands.
                Some(_) => {
                    end = stack.last().map_or(bytes.len(), |f| f.end);
                    continue;
                }
                None => return count,
            }
        }
        if count > limit {
            return count;
        }
        let Some((key, after_key)) = varint(bytes, at, end) else {
            // Not a message after all: it was a string or bytes. Roll back and skip it.
            match stack.pop() {
                Some(frame) => {
                    count = frame.count_before;
                    at = frame.end;
                    end = stack.last().map_or(bytes.len(), |f| f.end);
                    continue;
                }
                None => return count,
            }
        };
        let field_ok = key >> 3 != 0;
        let next = match (field_ok, key & 7) {
            (true, 0) => varint(bytes, after_key, end).map(|(_, n)| (n, None)),
            (true, 1) => after_key
                .checked_add(8)
                .filter(|&n| n <= end)
                .map(|n| (n, None)),
            (true, 5) => after_key
                .checked_add(4)
                .filter(|&n| n <= end)
                .map(|n| (n, None)),
            (true, 2) => varint(bytes, after_key, end).and_then(|(len, start)| {
                let len = usize::try_from(len).ok()?;
                let value_end = start.checked_add(len).filter(|&n| n <= end)?;
                Some((value_end, Some(start)))
            }),
            _ => None,
        };
        match next {
            Some((value_end, nested)) => {
                count += 1;
                match nested {
                    Some(start) if stack.len() < MAX_WIRE_NESTING && start < value_end => {
                        stack.push(Frame {
                            end: value_end,
                            count_before: count,
                        });
                        at = start;
                        end = value_end;
                    }
                    _ => at = value_end,
                }
            }
            None => match stack.pop() {
                Some(frame) => {
                    count = frame.count_before;
                    at = frame.end;
                    end = stack.last().map_or(bytes.len(), |f| f.end);
                }
                // The top level is not valid wire format: decoding will say so.
                None => return count,
            },
        }
    }
}

/// A varint at `at` (ending before `end`): its value and the position after it.
fn varint(bytes: &[u8], at: usize, end: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, position) in (at..end).take(10).enumerate() {
        let byte = bytes[position];
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, position + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use datafusion_substrait::substrait::proto::expression::{Literal, RexType, literal};
    use datafusion_substrait::substrait::proto::{Expression, Plan, PlanRel};
    use prost::Message;

    use super::*;

    fn literals(n: usize) -> Vec<Expression> {
        (0..n)
            .map(|i| Expression {
                rex_type: Some(RexType::Literal(Literal {
                    literal_type: Some(literal::LiteralType::I32(i32::try_from(i).unwrap_or(0))),
                    ..Default::default()
                })),
            })
            .collect()
    }

    #[test]
    fn counts_nested_fields_and_errs_only_high() {
        let mut expressions = literals(10);
        let bytes: Vec<u8> = expressions
            .drain(..)
            .flat_map(|e| {
                let mut field = vec![0x0a];
                let body = e.encode_to_vec();
                field.push(u8::try_from(body.len()).unwrap_or(0));
                field.extend(body);
                field
            })
            .collect();
        // 10 outer fields, each an Expression holding a Literal holding an i32 (the literal 0
        // encodes no field): at least 10 + 10 + 9.
        let count = count_wire_elements(&bytes, usize::MAX);
        assert!(count >= 29, "{count}");
        assert!(check_wire_elements(&bytes, 28).is_err());
        assert!(check_wire_elements(&bytes, 100).is_ok());
    }

    #[test]
    fn strings_that_are_not_messages_count_once() {
        let plan = Plan {
            relations: vec![PlanRel::default()],
            // Field 0 cannot open a message, so this reads as a string only.
            expected_type_urls: vec!["\u{7}not a message".into()],
            ..Default::default()
        };
        let bytes = plan.encode_to_vec();
        assert_eq!(count_wire_elements(&bytes, usize::MAX), 2);
    }

    #[test]
    fn a_length_claiming_two_gigabytes_is_not_followed() {
        let mut bytes = vec![0x0a];
        bytes.extend([0x80, 0x80, 0x80, 0x80, 0x08]); // 2^31
        bytes.extend([0u8; 16]);
        assert_eq!(count_wire_elements(&bytes, usize::MAX), 0);
    }

    #[test]
    fn json_values_are_bounded_by_separators_outside_strings() {
        // The object, its key, the array and three numbers (keys count: they are allocated).
        assert!(check_json_elements(br#"{"a": [1, 2, 3]}"#, 6).is_ok());
        assert!(check_json_elements(br#"{"a": [1, 2, 3]}"#, 5).is_err());
        assert!(check_json_elements(br#"{"a": "x,y,z,[,{,\",:"}"#, 3).is_ok());
    }
}
