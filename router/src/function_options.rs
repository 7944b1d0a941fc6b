//! Function options against a manifest: which option values an engine honors, and which
//! calls a function test case showed it answers wrongly.
//!
//! A call's option lists its values most preferred first, and "the consumer must use the
//! first option from the list that it supports" (the spec), so an entry honors a call when,
//! for every option the call sets, it honors one of the listed values. A call that sets no
//! option lets the consumer choose, so any entry with a matching signature takes it.

use switchyard_consumer::manifest::{Contradiction, HonoredOptions};

use crate::capabilities::signature_matches;
use crate::features::{FunctionUse, OptionUse};

/// Whether an entry honoring `honored` can run a call setting `options`.
pub(crate) fn honors(honored: &HonoredOptions, options: &[OptionUse]) -> bool {
    options
        .iter()
        .all(|option| chosen_value(honored, option).is_some())
}

/// The value of `option` the consumer uses: the first of its preferences the entry honors.
fn chosen_value<'a>(honored: &HonoredOptions, option: &'a OptionUse) -> Option<&'a str> {
    let values = honored.get(&option.name)?;
    option
        .preference
        .iter()
        .find(|value| values.contains(value.as_str()))
        .map(String::as_str)
}

/// Why no entry honors the call's options: the first option none of `entries` honors, and
/// what `engine` honors of it instead.
pub(crate) fn unhonored(engine: &str, entries: &[&HonoredOptions], call: &FunctionUse) -> String {
    let Some(option) = call
        .options
        .iter()
        .find(|option| entries.iter().all(|e| chosen_value(e, option).is_none()))
    else {
        // Each option alone is honored by some entry, but no one entry honors them all.
        return format!("{engine} honors these options only in different implementations");
    };
    let mut values: Vec<&str> = entries
        .iter()
        .filter_map(|e| e.get(&option.name))
        .flatten()
        .map(String::as_str)
        .collect();
    values.sort_unstable();
    values.dedup();
    if values.is_empty() {
        format!(
            "{engine} honors no {} option (the function test cases it passes set none)",
            option.name
        )
    } else {
        format!(
            "{engine} honors {} only as {}",
            option.name,
            values.join(" or ")
        )
    }
}

/// A contradiction read for matching: its signature split into tokens.
#[derive(Debug, Clone)]
pub(crate) struct Refuted {
    contradiction: Contradiction,
    tokens: Vec<String>,
}

impl Refuted {
    /// Reads `contradiction`.
    pub(crate) fn new(contradiction: &Contradiction) -> Self {
        let tokens = if contradiction.signature.is_empty() {
            Vec::new()
        } else {
            contradiction
                .signature
                .split('_')
                .map(str::to_string)
                .collect()
        };
        Self {
            contradiction: contradiction.clone(),
            tokens,
        }
    }

    /// Whether `call` is the call the case refuted: the same function and arguments, and
    /// every option of the case among the call's preferences (a case without options
    /// refutes the signature whatever the call sets).
    pub(crate) fn refutes(&self, call: &FunctionUse) -> bool {
        let c = &self.contradiction;
        c.function == call.name
            && self.tokens.len() == call.arguments.len()
            && signature_matches(&self.tokens, &call.arguments)
            && c.options.iter().all(|(name, value)| {
                call.options
                    .iter()
                    .any(|o| &o.name == name && o.preference.contains(value))
            })
    }

    /// `answers 0.356 where logarithmic/logb.test:7 expects 2.807`, for explain.
    pub(crate) fn reason(&self, engine: &str) -> String {
        format!(
            "{engine} answers wrongly ({}: {})",
            self.contradiction.case, self.contradiction.answer
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{ArgumentKind, DataKind, FunctionKind};

    fn call(options: &[(&str, &[&str])]) -> FunctionUse {
        FunctionUse {
            kind: FunctionKind::Scalar,
            urn: None,
            name: "add".to_string(),
            arguments: vec![ArgumentKind::Value(DataKind::I8); 2],
            options: options
                .iter()
                .map(|(name, values)| OptionUse {
                    name: (*name).to_string(),
                    preference: values.iter().map(|v| (*v).to_string()).collect(),
                })
                .collect(),
            path: "project/expressions[0]".to_string(),
        }
    }

    fn silent() -> HonoredOptions {
        HonoredOptions::from([("overflow".to_string(), ["SILENT".to_string()].into())])
    }

    #[test]
    fn an_entry_honors_a_call_when_it_honors_one_preference_of_each_option() {
        assert!(
            honors(&silent(), &call(&[]).options),
            "no options: the consumer chooses"
        );
        assert!(honors(
            &silent(),
            &call(&[("overflow", &["SILENT"])]).options
        ));
        assert!(honors(
            &silent(),
            &call(&[("overflow", &["ERROR", "SILENT"])]).options
        ));
        assert!(!honors(
            &silent(),
            &call(&[("overflow", &["ERROR"])]).options
        ));
        assert!(!honors(
            &silent(),
            &call(&[("rounding", &["TIE_TO_EVEN"])]).options
        ));
        assert_eq!(
            unhonored(
                "DataFusion",
                &[&silent()],
                &call(&[("overflow", &["ERROR"])])
            ),
            "DataFusion honors overflow only as SILENT"
        );
    }

    #[test]
    fn a_contradiction_without_options_refutes_every_call_of_its_signature() {
        let refuted = |options: &[(&str, &str)]| {
            Refuted::new(&Contradiction {
                function: "add".to_string(),
                signature: "i8_i8".to_string(),
                options: options
                    .iter()
                    .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
                    .collect(),
                case: "arithmetic/add.test:11".to_string(),
                answer: "-126".to_string(),
            })
        };
        assert!(refuted(&[]).refutes(&call(&[("overflow", &["SILENT"])])));
        let error = refuted(&[("overflow", "ERROR")]);
        assert!(error.refutes(&call(&[("overflow", &["ERROR"])])));
        assert!(!error.refutes(&call(&[("overflow", &["SILENT"])])));
        assert!(!error.refutes(&call(&[])));
    }
}
