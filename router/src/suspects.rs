//! Suspect marks: an engine whose answer a verified run disputed, for the plan feature set
//! of that run. Routing avoids an engine for plans with a suspect feature set while another
//! engine can run them, until an operator clears the mark or a later verified run agrees.

use std::collections::BTreeMap;
use std::sync::RwLock;

use serde::Serialize;

use crate::verify_log::{VerifiedRun, VerifyRecord};

/// Why an engine is suspect for a feature set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuspectMark {
    /// The engine.
    pub engine: String,
    /// The plan feature set (see `PlanFeatures::feature_set`).
    pub feature_set: String,
    /// The plan that showed it.
    pub plan: String,
    /// The engine that answered otherwise.
    pub verifier: String,
    /// The first difference.
    pub difference: String,
    /// When (RFC 3339).
    pub since: String,
}

/// Every suspect mark, shared by routing decisions.
#[derive(Debug, Default)]
pub struct SuspectBook {
    marks: RwLock<BTreeMap<(String, String), SuspectMark>>,
}

impl SuspectBook {
    /// Applies one record of the verification log: a disagreement marks the engine that
    /// answered, an agreement clears both engines for that feature set, a clearance clears
    /// what it names.
    pub fn apply(&self, record: &VerifyRecord) {
        match record {
            VerifyRecord::Disagreed(run) => self.mark(run),
            VerifyRecord::Agreed(run) => {
                self.clear(&run.engine, Some(&run.feature_set));
                self.clear(&run.verifier, Some(&run.feature_set));
            }
            VerifyRecord::Cleared(clearance) => {
                self.clear(&clearance.engine, clearance.feature_set.as_deref());
            }
        }
    }

    fn mark(&self, run: &VerifiedRun) {
        let mark = SuspectMark {
            engine: run.engine.clone(),
            feature_set: run.feature_set.clone(),
            plan: run.plan.clone(),
            verifier: run.verifier.clone(),
            difference: run.difference.clone().unwrap_or_default(),
            since: run.at.clone(),
        };
        self.write()
            .insert((mark.engine.clone(), mark.feature_set.clone()), mark);
    }

    /// Clears `engine`'s mark for `feature_set` (every mark of the engine when `None`);
    /// returns how many were cleared.
    pub fn clear(&self, engine: &str, feature_set: Option<&str>) -> usize {
        let mut marks = self.write();
        let before = marks.len();
        marks.retain(|(marked, set), _| {
            marked != engine || feature_set.is_some_and(|wanted| wanted != set)
        });
        before - marks.len()
    }

    /// The mark of `engine` for `feature_set`, if it is suspect.
    pub fn of(&self, engine: &str, feature_set: &str) -> Option<SuspectMark> {
        self.read()
            .get(&(engine.to_string(), feature_set.to_string()))
            .cloned()
    }

    /// Every mark, by engine and feature set.
    pub fn list(&self) -> Vec<SuspectMark> {
        self.read().values().cloned().collect()
    }

    /// Whether no engine is suspect (routing skips the feature-set digest then).
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<(String, String), SuspectMark>> {
        self.marks.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<(String, String), SuspectMark>> {
        self.marks.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify_log::Clearance;

    fn run(engine: &str, verifier: &str, set: &str, difference: Option<&str>) -> VerifiedRun {
        VerifiedRun {
            at: "2026-01-01T00:00:00.000Z".into(),
            engine: engine.into(),
            verifier: verifier.into(),
            plan: "p".into(),
            feature_set: set.into(),
            rows: 1,
            difference: difference.map(str::to_string),
        }
    }

    #[test]
    fn a_disagreement_marks_until_an_agreement_or_a_clearance() {
        let book = SuspectBook::default();
        book.apply(&VerifyRecord::Disagreed(run(
            "df",
            "duck",
            "a",
            Some("row 0"),
        )));
        book.apply(&VerifyRecord::Disagreed(run(
            "df",
            "duck",
            "b",
            Some("row 1"),
        )));
        assert_eq!(
            book.of("df", "a").map(|m| m.difference),
            Some("row 0".into())
        );
        assert_eq!(book.of("duck", "a"), None);
        // An agreement on the same features, whichever engine answered, clears it.
        book.apply(&VerifyRecord::Agreed(run("duck", "df", "a", None)));
        assert_eq!(book.of("df", "a"), None);
        assert!(book.of("df", "b").is_some());
        book.apply(&VerifyRecord::Cleared(Clearance {
            at: "t".into(),
            engine: "df".into(),
            feature_set: None,
        }));
        assert!(book.is_empty());
    }
}
