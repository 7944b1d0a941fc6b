//! Learning from measured runtimes, so estimates follow what engines actually do.
//!
//! Three memories, all updated after every completed run, consulted in this order:
//! - per plan fingerprint and engine, the measured time itself (averaged with the previous
//!   one), used instead of the model the next time the same plan is routed;
//! - per engine, once it has `MIN_FIT_RUNS` runs, cost coefficients fitted to them (see
//!   `cost_fit`): the profile's constants replaced by what this engine's runs show, term by
//!   term, so an engine that is slow to start but fast at joins is priced as such;
//! - per engine, a correction factor: an exponentially weighted mean (weight 0.2 for the
//!   newest run) of `ln(measured / model)`, applied to every model estimate for that engine,
//!   so a profile that is off by a constant factor is corrected within a few runs.
//!
//! With `routing.learned_file` set they persist as JSON between processes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::cost::{WORK_TERMS, WorkTerms};
use crate::cost_fit::CostFit;

/// The weight of the newest run in the per-engine correction.
const CORRECTION_WEIGHT: f64 = 0.2;
/// Plans remembered before the oldest half is dropped.
const MAX_PLANS: usize = 10_000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Memory {
    /// Engine → mean of ln(measured / model).
    engine_log_correction: HashMap<String, f64>,
    /// "fingerprint engine" → measured ms, with a sequence number for eviction.
    plan_ms: HashMap<String, (f64, u64)>,
    sequence: u64,
    /// Engine → cost coefficients fitted to its runs.
    #[serde(default)]
    engine_fit: HashMap<String, CostFit>,
}

/// Measured runtimes, shared by every routing decision.
#[derive(Debug, Default)]
pub struct RuntimeMemory {
    memory: Mutex<Memory>,
    file: Option<PathBuf>,
}

/// What the memory says about one engine for one plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Learned {
    /// Nothing yet.
    Nothing,
    /// This plan ran on this engine before, in this many ms.
    Measured(f64),
    /// The engine's cost coefficients fitted to this many of its runs.
    Fitted {
        /// Cost per unit of each work term.
        coefficients: [f64; WORK_TERMS],
        /// Runs' worth of evidence behind them.
        runs: f64,
    },
    /// Other plans ran on this engine; its model estimates are off by this factor.
    Correction(f64),
}

impl RuntimeMemory {
    /// An empty memory, or one read from `file` (a missing file is an empty memory; an
    /// unreadable one is an error).
    pub fn open(file: Option<&Path>) -> Result<Self, String> {
        let memory = match file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            _ => Memory::default(),
        };
        Ok(Self {
            memory: Mutex::new(memory),
            file: file.map(Path::to_path_buf),
        })
    }

    /// What is known about `engine` running the plan `fingerprint`; `prior` is the
    /// profile's coefficients, which a fit starts from.
    pub fn recall(&self, engine: &str, fingerprint: &str, prior: &[f64; WORK_TERMS]) -> Learned {
        let memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((ms, _)) = memory.plan_ms.get(&key(fingerprint, engine)) {
            return Learned::Measured(*ms);
        }
        if let Some(fit) = memory.engine_fit.get(engine)
            && let Some(coefficients) = fit.coefficients(prior)
        {
            return Learned::Fitted {
                coefficients,
                runs: fit.runs(),
            };
        }
        match memory.engine_log_correction.get(engine) {
            Some(log) => Learned::Correction(log.exp()),
            None => Learned::Nothing,
        }
    }

    /// Forgets every recorded run. A `routing.learned_file` keeps its content until the next
    /// record rewrites it.
    pub fn clear(&self) {
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        *memory = Memory::default();
    }

    /// Records a completed run: `model_ms` is what the model (before learning) estimated,
    /// of which `move_ms` for moving tables; `work` the work it priced. With a file, it is
    /// rewritten while the memory is locked, so concurrent runs cannot write an older memory
    /// over a newer one.
    pub fn record(&self, engine: &str, fingerprint: &str, run: &RecordedRun) {
        let RecordedRun {
            model_ms,
            move_ms,
            measured_ms,
            work,
        } = *run;
        if !(model_ms > 0.0 && measured_ms > 0.0 && model_ms.is_finite() && measured_ms.is_finite())
        {
            return;
        }
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory
            .engine_fit
            .entry(engine.to_string())
            .or_default()
            .record(&work, measured_ms - move_ms);
        let observed = (measured_ms / model_ms).ln();
        let log = memory
            .engine_log_correction
            .entry(engine.to_string())
            .or_insert(observed);
        *log = (1.0 - CORRECTION_WEIGHT) * *log + CORRECTION_WEIGHT * observed;
        memory.sequence += 1;
        let sequence = memory.sequence;
        let entry = memory
            .plan_ms
            .entry(key(fingerprint, engine))
            .or_insert((measured_ms, sequence));
        *entry = ((entry.0 + measured_ms) / 2.0, sequence);
        if memory.plan_ms.len() > MAX_PLANS {
            let cutoff = sequence.saturating_sub(MAX_PLANS as u64 / 2);
            memory.plan_ms.retain(|_, (_, seq)| *seq > cutoff);
        }
        if let Some(path) = &self.file {
            let written = switchyard_consumer::write_atomically(path, |out| {
                serde_json::to_writer(out, &*memory)?;
                Ok(())
            });
            if let Err(e) = written {
                tracing::warn!("cannot save measured runtimes to {}: {e}", path.display());
            }
        }
    }
}

/// One completed run, as [`RuntimeMemory::record`] learns from it.
#[derive(Debug, Clone, Copy)]
pub struct RecordedRun {
    /// The model's estimate before learning (ms).
    pub model_ms: f64,
    /// The part of `model_ms` for moving tables (ms), which is not learned.
    pub move_ms: f64,
    /// The measured time (ms).
    pub measured_ms: f64,
    /// The work the model priced.
    pub work: WorkTerms,
}

fn key(fingerprint: &str, engine: &str) -> String {
    format!("{fingerprint} {engine}")
}
