//! Shadow verification (`routing.verify`): a sampled fraction of queries is run again on a
//! second engine after its client has every batch, and the two answers are compared.
//!
//! No client waits for it: the client's batches are kept as they stream past (up to
//! [`MAX_TEED_BYTES`]), and the second run starts in the background once the stream has
//! ended. It runs inside the service's query slots but never queues for one: when no slot
//! is free, a client is waiting for one, or [`Shadow`]'s own share is taken, the shadow run
//! is dropped and counted. Outcomes go to the verification log, and a disagreement marks
//! the engine that answered suspect for the plan's feature set (see
//! `switchyard_router::suspects`).

mod sampler;
mod tee;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use serde::Serialize;
use switchyard_conformance::verify::{
    Answer, Comparison, answer_is_ordered, answer_on, compare_answers, second_engine,
};
use switchyard_producer::ValidatedPlan;
use switchyard_router::{PlanFeatures, Switchyard, VerifiedRun, VerifyConfig, VerifyRecord};
use tokio::sync::Semaphore;

use crate::limits::Limits;
pub use sampler::Sampler;
pub use tee::{MAX_TEED_BYTES, Tee};

/// How many shadow runs are counted by outcome.
#[derive(Debug, Default, Serialize, Clone, Copy, PartialEq, Eq)]
pub struct ShadowCounts {
    /// Queries chosen by the sample.
    pub sampled: u64,
    /// Second answers that agreed.
    pub agreed: u64,
    /// Second answers that differed (or one engine failed where the other answered).
    pub disagreed: u64,
    /// Dropped: no free slot (or a client waiting for one), or the shadow share taken.
    pub dropped_busy: u64,
    /// Dropped: the client's answer was larger than [`MAX_TEED_BYTES`].
    pub dropped_large: u64,
    /// Not verified: no second engine could run the plan, or both failed.
    pub unverified: u64,
}

#[derive(Debug, Default)]
struct Counters {
    sampled: AtomicU64,
    agreed: AtomicU64,
    disagreed: AtomicU64,
    dropped_busy: AtomicU64,
    dropped_large: AtomicU64,
    unverified: AtomicU64,
}

/// The shadow verifier of one service.
#[derive(Debug)]
pub struct Shadow {
    config: VerifyConfig,
    sampler: Sampler,
    /// Shadow runs at once: a quarter of the query slots (at least one), so shadows never
    /// hold most of the capacity clients need.
    share: Arc<Semaphore>,
    counters: Counters,
}

impl Shadow {
    /// The verifier for `routing.verify`, when configured with a sample above zero.
    pub fn new(config: Option<&VerifyConfig>, max_concurrent_queries: usize) -> Option<Self> {
        let config = config.filter(|c| c.sample > 0.0)?.clone();
        Some(Self {
            sampler: Sampler::new(config.sample),
            share: Arc::new(Semaphore::new((max_concurrent_queries / 4).max(1))),
            config,
            counters: Counters::default(),
        })
    }

    /// A tee for the next query's batches when the sample picks it.
    pub fn tee_for(self: &Arc<Self>, plan: &ValidatedPlan, limits: &Limits) -> Option<Tee> {
        if !self.sampler.pick() {
            return None;
        }
        self.counters.sampled.fetch_add(1, Ordering::Relaxed);
        Some(Tee::new(Arc::clone(self), plan.clone(), limits.clone()))
    }

    /// The counts so far.
    pub fn counts(&self) -> ShadowCounts {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ShadowCounts {
            sampled: get(&self.counters.sampled),
            agreed: get(&self.counters.agreed),
            disagreed: get(&self.counters.disagreed),
            dropped_busy: get(&self.counters.dropped_busy),
            dropped_large: get(&self.counters.dropped_large),
            unverified: get(&self.counters.unverified),
        }
    }

    pub(crate) fn count_too_large(&self) {
        self.counters.dropped_large.fetch_add(1, Ordering::Relaxed);
    }

    /// Starts the second run of a plan whose client got `batches` from `engine`, in the
    /// background; drops it (counted) when no slot is free without waiting.
    pub(crate) fn start(
        self: &Arc<Self>,
        switchyard: Arc<Switchyard>,
        limits: &Limits,
        plan: ValidatedPlan,
        engine: String,
        batches: Vec<RecordBatch>,
        limit: Duration,
    ) {
        let Ok(share) = Arc::clone(&self.share).try_acquire_owned() else {
            self.counters.dropped_busy.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let Some(admission) = limits.try_admit_idle() else {
            self.counters.dropped_busy.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let shadow = Arc::clone(self);
        tokio::spawn(async move {
            let _held = (share, admission);
            let first = Answer {
                engine,
                outcome: Ok(batches),
            };
            shadow.verify(&switchyard, &plan, first, limit).await;
        });
    }

    async fn verify(
        &self,
        switchyard: &Switchyard,
        plan: &ValidatedPlan,
        first: Answer,
        limit: Duration,
    ) {
        let ranking = switchyard.router().route(plan);
        let second = match second_engine(&ranking, &first.engine, None, &self.config.engines) {
            Ok(second) => second,
            Err(e) => {
                tracing::debug!("shadow run skipped: {e}");
                self.counters.unverified.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let second = answer_on(switchyard, plan, &second, limit).await;
        let ordered = answer_is_ordered(switchyard, plan).await;
        let run = |difference| VerifiedRun {
            at: switchyard_router::verify_log::now(),
            engine: first.engine.clone(),
            verifier: second.engine.clone(),
            plan: plan.fingerprint().to_string(),
            feature_set: PlanFeatures::of(plan).feature_set(),
            rows: first.rows(),
            difference,
        };
        let record = match compare_answers(&first, &second, ordered) {
            Comparison::Agreed => {
                self.counters.agreed.fetch_add(1, Ordering::Relaxed);
                VerifyRecord::Agreed(run(None))
            }
            Comparison::Disagreed(difference) => {
                self.counters.disagreed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    engine = %first.engine,
                    verifier = %second.engine,
                    plan = %plan.fingerprint(),
                    "shadow run disagreed: {difference}"
                );
                VerifyRecord::Disagreed(run(Some(difference)))
            }
            Comparison::BothFailed(errors) => {
                // The client's engine answered; a verifier that failed too proves nothing.
                tracing::debug!("shadow run not verified: {errors}");
                self.counters.unverified.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        if let Err(e) = switchyard.record_verification(&record) {
            tracing::warn!("cannot record a shadow run: {e}");
        }
    }
}
