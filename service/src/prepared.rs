//! Prepared statements: plans checked once (compiled, validated, policy-checked) and kept
//! under a handle, so each execution starts straight from the plan.
//!
//! A handle belongs to the principal that prepared it. Statements idle for longer than
//! [`PREPARED_IDLE_TIMEOUT`] are dropped, and at most [`MAX_PREPARED`] are kept, so clients
//! that never close theirs cannot grow the server without bound.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use datafusion::arrow::datatypes::SchemaRef;
use switchyard_producer::ValidatedPlan;
use uuid::Uuid;

use crate::error::ServiceError;

/// How long an unused prepared statement is kept.
pub const PREPARED_IDLE_TIMEOUT: Duration = Duration::from_secs(3600);

/// The most prepared statements kept at once, over every principal.
pub const MAX_PREPARED: usize = 10_000;

/// The open prepared statements, by handle.
#[derive(Debug, Default)]
pub struct PreparedStatements {
    entries: Mutex<HashMap<String, Prepared>>,
}

/// One prepared statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    owner: Arc<str>,
    /// The checked plan.
    pub plan: ValidatedPlan,
    /// The schema of its results.
    pub schema: SchemaRef,
    last_used: Instant,
}

impl PreparedStatements {
    /// Keeps `plan` for `owner`; returns its handle.
    pub fn insert(
        &self,
        owner: Arc<str>,
        plan: ValidatedPlan,
        schema: SchemaRef,
    ) -> Result<String, ServiceError> {
        let now = Instant::now();
        let mut entries = self.lock();
        entries
            .retain(|_, prepared| now.duration_since(prepared.last_used) < PREPARED_IDLE_TIMEOUT);
        if entries.len() >= MAX_PREPARED {
            return Err(ServiceError::ResourceExhausted(format!(
                "{MAX_PREPARED} prepared statements are open, the most this service keeps; \
                 close some"
            )));
        }
        let handle = Uuid::new_v4().simple().to_string();
        entries.insert(
            handle.clone(),
            Prepared {
                owner,
                plan,
                schema,
                last_used: now,
            },
        );
        Ok(handle)
    }

    /// `owner`'s statement `handle`, marked as used.
    pub fn get(&self, owner: &str, handle: &[u8]) -> Result<Prepared, ServiceError> {
        let now = Instant::now();
        let mut entries = self.lock();
        let found = std::str::from_utf8(handle)
            .ok()
            .and_then(|key| entries.get_mut(key))
            .filter(|prepared| {
                &*prepared.owner == owner
                    && now.duration_since(prepared.last_used) < PREPARED_IDLE_TIMEOUT
            });
        match found {
            Some(prepared) => {
                prepared.last_used = now;
                Ok(prepared.clone())
            }
            None => Err(ServiceError::NotFound(format!(
                "no prepared statement with that handle: it was closed, idle for over {} \
                 minutes, or prepared by another principal",
                PREPARED_IDLE_TIMEOUT.as_secs() / 60
            ))),
        }
    }

    /// Closes `owner`'s statement `handle`; `false` when there was none.
    pub fn close(&self, owner: &str, handle: &[u8]) -> bool {
        let Ok(key) = std::str::from_utf8(handle) else {
            return false;
        };
        let mut entries = self.lock();
        if entries
            .get(key)
            .is_some_and(|prepared| &*prepared.owner == owner)
        {
            entries.remove(key);
            return true;
        }
        false
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Prepared>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
