//! A cache of compiled plans keyed by a canonical fingerprint of the request.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use datafusion_substrait::substrait::proto::Plan;
use lru::LruCache;

use crate::canonical_sql::canonical_sql;
use crate::dialect::SqlDialect;

/// What identifies a compiled plan: the canonical SQL, its dialect, and the configuration
/// version (a changed catalog can change the plan of the same text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanKey {
    canonical_sql: String,
    dialect: SqlDialect,
    config_version: Arc<str>,
}

impl PlanKey {
    /// The key of `sql` in `dialect` under configuration `config_version`.
    pub fn new(sql: &str, dialect: SqlDialect, config_version: Arc<str>) -> Self {
        Self {
            canonical_sql: canonical_sql(sql, dialect),
            dialect,
            config_version,
        }
    }
}

/// A compiled plan with its binary encoding, shared by every hit.
#[derive(Debug)]
pub struct CompiledPlan {
    /// The Substrait plan.
    pub plan: Plan,
    /// The plan's protobuf bytes.
    pub bytes: Vec<u8>,
}

/// A bounded LRU cache of compiled plans, safe to share between threads.
#[derive(Debug)]
pub struct PlanCache {
    entries: Mutex<LruCache<PlanKey, Arc<CompiledPlan>>>,
}

impl PlanCache {
    /// A cache holding at most `capacity` plans (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The cached plan for `key`, if any.
    pub fn get(&self, key: &PlanKey) -> Option<Arc<CompiledPlan>> {
        self.lock().get(key).cloned()
    }

    /// Stores a plan.
    pub fn insert(&self, key: PlanKey, plan: Arc<CompiledPlan>) {
        self.lock().put(key, plan);
    }

    /// How many plans are cached.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<PlanKey, Arc<CompiledPlan>>> {
        // A panic while holding the lock cannot leave the LRU half-updated in a way that
        // matters for a cache, so a poisoned lock is still usable.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
