//! One engine's cost coefficients fitted to its measured runs.
//!
//! Each run contributes its work terms `x` (see [`WorkTerms`]) and its measured time `y`
//! (less the model's time for moving tables, which is not learned). The fit minimises the
//! sum of squared errors in milliseconds, `(w·x − y)²`, the unit the router's choices are
//! judged in, over non-negative coefficients `w`, so no term can cost negative time.
//! (Errors scaled by the profile's estimate of each run did worse on the routing bench:
//! 1.25× the oracle against 1.06×, as the uncalibrated estimates then decide which runs
//! count; scaled by the measured time, fast runs of the same work outweigh slow ones.)
//! It keeps only the normal equations (`Σ x xᵀ` and `Σ x y`), so memory stays constant however
//! many runs are recorded; past `MAX_WEIGHT` runs the old evidence is halved, so the fit
//! follows an engine that changes. Terms no run has exercised keep the profile's coefficient.

use serde::{Deserialize, Serialize};

use crate::cost::{WORK_TERMS, WorkTerms};

/// Runs before the fit is trusted over the profile.
pub const MIN_FIT_RUNS: f64 = 12.0;
/// Runs' worth of evidence kept; beyond it the old evidence is halved.
const MAX_WEIGHT: f64 = 2_000.0;
/// Coordinate-descent sweeps; the problem has seven unknowns.
const SWEEPS: usize = 400;

/// The accumulated evidence and the coefficients it gives.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CostFit {
    /// `Σ x xᵀ`, row-major.
    gram: Vec<f64>,
    /// `Σ x y`.
    moment: Vec<f64>,
    /// Runs recorded (halved with the evidence).
    runs: f64,
}

impl CostFit {
    /// Adds a run of `work` that took `ms` (moving tables excluded).
    pub fn record(&mut self, work: &WorkTerms, ms: f64) {
        if !(ms > 0.0 && ms.is_finite()) || work.0.iter().any(|x| !x.is_finite()) {
            return;
        }
        if self.gram.len() != WORK_TERMS * WORK_TERMS || self.moment.len() != WORK_TERMS {
            self.gram = vec![0.0; WORK_TERMS * WORK_TERMS];
            self.moment = vec![0.0; WORK_TERMS];
            self.runs = 0.0;
        }
        if self.runs >= MAX_WEIGHT {
            self.gram.iter_mut().for_each(|g| *g *= 0.5);
            self.moment.iter_mut().for_each(|m| *m *= 0.5);
            self.runs *= 0.5;
        }
        let x = &work.0;
        for i in 0..WORK_TERMS {
            self.moment[i] += x[i] * ms;
            for j in 0..WORK_TERMS {
                self.gram[i * WORK_TERMS + j] += x[i] * x[j];
            }
        }
        self.runs += 1.0;
    }

    /// Runs' worth of evidence held.
    pub fn runs(&self) -> f64 {
        self.runs
    }

    /// The fitted coefficients, starting from (and, for unexercised terms, keeping) `prior`;
    /// `None` before `MIN_FIT_RUNS` runs.
    pub fn coefficients(&self, prior: &[f64; WORK_TERMS]) -> Option<[f64; WORK_TERMS]> {
        if self.runs < MIN_FIT_RUNS || self.gram.len() != WORK_TERMS * WORK_TERMS {
            return None;
        }
        let a = |i: usize, j: usize| self.gram[i * WORK_TERMS + j];
        let mut w = *prior;
        for _ in 0..SWEEPS {
            for j in 0..WORK_TERMS {
                let diagonal = a(j, j);
                if diagonal <= 0.0 {
                    continue; // no run exercised this term: the profile's value stands
                }
                let others: f64 = (0..WORK_TERMS)
                    .filter(|&k| k != j)
                    .map(|k| a(j, k) * w[k])
                    .sum();
                w[j] = ((self.moment[j] - others) / diagonal).max(0.0);
            }
        }
        w.iter().all(|c| c.is_finite()).then_some(w)
    }
}

#[cfg(test)]
mod tests {
    use super::{CostFit, MIN_FIT_RUNS};
    use crate::cost::{WORK_TERMS, WorkTerms};

    fn work(mb: f64, hash: f64) -> WorkTerms {
        WorkTerms([1.0, mb, 0.0, hash, 0.0, 0.0])
    }

    #[test]
    fn recovers_the_coefficients_behind_exact_runs() {
        let truth = [3.0, 0.5, 0.0, 20.0, 0.0, 0.0];
        let mut fit = CostFit::default();
        for i in 0..20 {
            let w = work(f64::from(i) * 10.0, f64::from(i % 7) * 1.5);
            fit.record(&w, w.cost(&truth));
        }
        let prior = [1.0; WORK_TERMS];
        let fitted = fit.coefficients(&prior).expect("enough runs");
        for (f, t) in fitted.iter().zip(truth).take(2) {
            assert!((f - t).abs() < 1e-3 * t.max(1.0), "{fitted:?}");
        }
        assert!((fitted[3] - 20.0).abs() < 1e-2, "{fitted:?}");
        // Terms no run exercised keep the prior.
        assert_eq!(fitted[2], 1.0);
        assert_eq!(fitted[5], 1.0);
    }

    #[test]
    fn coefficients_never_go_negative() {
        // Times that fall as scanned bytes grow would need a negative cost per MB.
        let mut fit = CostFit::default();
        for i in 1..=20 {
            fit.record(&work(f64::from(i), 0.0), 100.0 / f64::from(i));
        }
        let fitted = fit.coefficients(&[1.0; WORK_TERMS]).expect("enough runs");
        assert!(fitted.iter().all(|c| *c >= 0.0), "{fitted:?}");
        assert_eq!(fitted[1], 0.0);
    }

    #[test]
    fn too_few_runs_give_no_fit_and_bad_times_are_ignored() {
        let mut fit = CostFit::default();
        for _ in 0..(MIN_FIT_RUNS as usize - 1) {
            fit.record(&work(1.0, 1.0), 10.0);
        }
        fit.record(&work(1.0, 1.0), 0.0);
        fit.record(&work(1.0, 1.0), f64::NAN);
        assert!(fit.coefficients(&[1.0; WORK_TERMS]).is_none());
        fit.record(&work(1.0, 1.0), 10.0);
        assert!(fit.coefficients(&[1.0; WORK_TERMS]).is_some());
    }

    #[test]
    fn old_evidence_is_halved_so_a_changed_engine_is_followed() {
        let mut fit = CostFit::default();
        for i in 0..3_000 {
            fit.record(&work(f64::from(i % 10), 0.0), 10.0);
        }
        assert!(fit.runs() <= 2_000.0);
        for i in 0..3_000 {
            fit.record(&work(f64::from(i % 10), 0.0), 40.0);
        }
        let fitted = fit.coefficients(&[1.0; WORK_TERMS]).expect("enough runs");
        let predicted = work(5.0, 0.0).cost(&fitted);
        assert!(predicted > 30.0, "{fitted:?} predicts {predicted}");
    }
}
