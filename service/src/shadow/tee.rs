//! The client's batches, kept as they stream past for a sampled query's shadow run.

use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use switchyard_producer::ValidatedPlan;
use switchyard_router::Switchyard;

use super::Shadow;
use crate::limits::Limits;

/// The most of a client's answer kept for comparison; a larger answer is not verified.
pub const MAX_TEED_BYTES: usize = 64 << 20;

/// A sampled query's answer so far.
#[derive(Debug)]
pub struct Tee {
    shadow: Arc<Shadow>,
    plan: ValidatedPlan,
    limits: Limits,
    limit: Duration,
    batches: Vec<RecordBatch>,
    bytes: usize,
    overflowed: bool,
}

impl Tee {
    pub(super) fn new(shadow: Arc<Shadow>, plan: ValidatedPlan, limits: Limits) -> Self {
        Self {
            shadow,
            plan,
            limit: limits.timeout(None),
            limits,
            batches: Vec::new(),
            bytes: 0,
            overflowed: false,
        }
    }

    /// Keeps a batch the client is sent (its buffers are shared, not copied).
    pub fn keep(&mut self, batch: &RecordBatch) {
        if self.overflowed {
            return;
        }
        self.bytes += batch.get_array_memory_size();
        if self.bytes > MAX_TEED_BYTES {
            self.overflowed = true;
            self.batches = Vec::new();
            self.shadow.count_too_large();
        } else {
            self.batches.push(batch.clone());
        }
    }

    /// The client has the whole answer from `engine`: start the shadow run.
    pub fn finish(self, switchyard: Arc<Switchyard>, engine: String) {
        if self.overflowed {
            return;
        }
        self.shadow.start(
            switchyard,
            &self.limits,
            self.plan,
            engine,
            self.batches,
            self.limit,
        );
    }
}
