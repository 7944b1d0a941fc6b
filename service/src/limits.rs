//! The limits that keep one client from starving the others: how large and deep a plan may
//! be, how many queries run and wait at once, and how long one may take.
//!
//! A query holds an [`Admission`] from the moment it starts until its last batch is sent
//! (or it fails, is cancelled, runs out of time, or its client goes away). When every slot
//! is taken, up to `max_queued_queries` more wait for one; the rest are refused at once
//! with `ResourceExhausted`, which clients can retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use switchyard_producer::ValidatedPlan;
use switchyard_router::LimitsConfig;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::error::ServiceError;

/// The service's limits and its query slots (clones share the slots).
#[derive(Debug, Clone)]
pub struct Limits {
    config: LimitsConfig,
    slots: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
}

/// One running query's slot; dropping it lets the next query in.
#[derive(Debug)]
pub struct Admission {
    _permit: OwnedSemaphorePermit,
}

impl Limits {
    /// Limits as configured (already validated: every count and size is at least 1).
    pub fn new(config: LimitsConfig) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(config.max_concurrent_queries)),
            waiting: Arc::new(AtomicUsize::new(0)),
            config,
        }
    }

    /// The configured values.
    pub fn config(&self) -> &LimitsConfig {
        &self.config
    }

    /// Refuses plan bytes or SQL text larger than `max_plan_bytes`.
    pub fn check_size(&self, what: &str, bytes: usize) -> Result<(), ServiceError> {
        Ok(self.config.check_plan_bytes(what, bytes)?)
    }

    /// Refuses plans whose relation tree is deeper than `max_plan_depth`.
    pub fn check_depth(&self, plan: &ValidatedPlan) -> Result<(), ServiceError> {
        Ok(self.config.check_plan_depth(plan)?)
    }

    /// A query's time limit: what the request asks for, at most `query_timeout_ms`.
    pub fn timeout(&self, requested: Option<Duration>) -> Duration {
        self.config.query_timeout(requested)
    }

    /// Takes a slot, waiting in the queue until `deadline` if every slot is taken; refuses
    /// at once when the queue is full too.
    pub async fn admit(&self, deadline: Instant) -> Result<Admission, ServiceError> {
        if let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() {
            return Ok(Admission { _permit: permit });
        }
        let _place =
            QueuePlace::take(&self.waiting, self.config.max_queued_queries).ok_or_else(|| {
                ServiceError::ResourceExhausted(format!(
                    "{} queries are running and {} waiting, the most this service allows \
                     (service.limits.max_concurrent_queries and max_queued_queries); try again \
                     later",
                    self.config.max_concurrent_queries, self.config.max_queued_queries
                ))
            })?;
        match tokio::time::timeout_at(deadline, Arc::clone(&self.slots).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Admission { _permit: permit }),
            Ok(Err(_)) => Err(ServiceError::Internal("the query slots are closed".into())),
            Err(_) => Err(ServiceError::DeadlineExceeded(
                "the query spent its whole time limit waiting for a slot".into(),
            )),
        }
    }

    /// A slot for background work (a shadow verification run), only if one is free now and
    /// no query is waiting for one: background work never queues and never takes a slot a
    /// client is waiting for.
    pub fn try_admit_idle(&self) -> Option<Admission> {
        if self.waiting() > 0 {
            return None;
        }
        let permit = Arc::clone(&self.slots).try_acquire_owned().ok()?;
        Some(Admission { _permit: permit })
    }

    /// Queries waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// Queries holding a slot now.
    pub fn running(&self) -> usize {
        self.config
            .max_concurrent_queries
            .saturating_sub(self.slots.available_permits())
    }
}

/// A place in the queue, given back when the query gets a slot or gives up.
struct QueuePlace(Arc<AtomicUsize>);

impl QueuePlace {
    fn take(waiting: &Arc<AtomicUsize>, most: usize) -> Option<Self> {
        waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < most).then_some(n + 1)
            })
            .ok()
            .map(|_| Self(Arc::clone(waiting)))
    }
}

impl Drop for QueuePlace {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(running: usize, queued: usize) -> Limits {
        Limits::new(LimitsConfig {
            max_concurrent_queries: running,
            max_queued_queries: queued,
            ..LimitsConfig::default()
        })
    }

    #[tokio::test]
    async fn a_full_queue_is_refused_and_a_freed_slot_admits_the_next() {
        let limits = Arc::new(limits(1, 1));
        let far = Instant::now() + Duration::from_secs(30);
        let first = limits.admit(far).await.expect("a free slot");
        let waiter = {
            let limits = Arc::clone(&limits);
            tokio::spawn(async move { limits.admit(far).await.map(|_| ()) })
        };
        // Let the second query take its place in the queue.
        while limits.waiting() == 0 {
            tokio::task::yield_now().await;
        }
        let refused = limits.admit(far).await.expect_err("queue full");
        assert!(
            matches!(refused, ServiceError::ResourceExhausted(_)),
            "{refused}"
        );
        drop(first);
        waiter
            .await
            .expect("joins")
            .expect("admitted once the slot is free");
        assert_eq!(limits.waiting(), 0);
        assert_eq!(limits.running(), 0);
    }

    #[tokio::test]
    async fn waiting_past_the_deadline_is_a_deadline_error() {
        let limits = limits(1, 4);
        let _first = limits.admit(Instant::now() + Duration::from_secs(30)).await;
        let late = limits
            .admit(Instant::now() + Duration::from_millis(20))
            .await
            .expect_err("no slot in time");
        assert!(matches!(late, ServiceError::DeadlineExceeded(_)), "{late}");
    }

    #[test]
    fn requests_may_shorten_the_time_limit_but_not_lengthen_it() {
        let limits = limits(1, 0);
        let most = Duration::from_millis(LimitsConfig::default().query_timeout_ms);
        assert_eq!(limits.timeout(None), most);
        assert_eq!(limits.timeout(Some(Duration::ZERO)), most);
        assert_eq!(
            limits.timeout(Some(Duration::from_millis(5))),
            Duration::from_millis(5)
        );
        assert_eq!(limits.timeout(Some(most * 2)), most);
    }
}
