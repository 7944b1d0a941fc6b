//! Started queries waiting for, or being read through, their Flight ticket.
//!
//! A query starts when it is submitted (Flight `GetFlightInfo`, control `Submit`): routing,
//! fallback and the first batch happen then, so errors reach the client on that call. Its
//! stream is parked under a fresh, unguessable id until a `DoGet` with the ticket takes it.
//! Tickets are single-use and belong to the principal that started the query. A query not
//! fetched within [`PICKUP_TIMEOUT`] is dropped, freeing its slot; one still running at its
//! deadline is stopped, fetched or not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use arrow_flight::sql::{Any, ProstMessageExt, TicketStatementQuery};
use datafusion::execution::SendableRecordBatchStream;
use prost::Message;
use tokio::task::AbortHandle;
use tokio::time::Instant;
use uuid::Uuid;

use crate::error::ServiceError;
use crate::limits::Admission;
use crate::query_stream::{Completion, QueryStream, Running, Stop};

/// How long a started query waits for its `DoGet` before it is dropped.
pub const PICKUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A started query's id: the handle inside its Flight ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QueryId(String);

impl QueryId {
    /// A fresh, random id.
    pub fn generate() -> Self {
        Self(Uuid::new_v4().simple().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Flight ticket bytes that redeem the query: a Flight SQL `TicketStatementQuery`,
    /// so any Flight SQL client's `DoGet` dispatches it.
    pub fn ticket(&self) -> Vec<u8> {
        TicketStatementQuery {
            statement_handle: self.0.clone().into(),
        }
        .as_any()
        .encode_to_vec()
    }

    /// The id in a statement handle.
    pub fn from_handle(handle: &[u8]) -> Result<Self, ServiceError> {
        std::str::from_utf8(handle)
            .map(|id| Self(id.to_string()))
            .map_err(|_| ServiceError::InvalidArgument("the ticket's handle is not text".into()))
    }

    /// The id in ticket bytes made by [`Self::ticket`].
    pub fn from_ticket(ticket: &[u8]) -> Result<Self, ServiceError> {
        let invalid = || ServiceError::InvalidArgument("not a ticket this service made".into());
        let any = Any::decode(ticket).map_err(|_| invalid())?;
        let statement: TicketStatementQuery =
            any.unpack().map_err(|_| invalid())?.ok_or_else(invalid)?;
        Self::from_handle(&statement.statement_handle)
    }
}

/// A started query, ready to park.
pub struct Parked {
    /// Its result stream, first batch included.
    pub stream: SendableRecordBatchStream,
    /// Its slot.
    pub admission: Admission,
    /// When it must be done.
    pub deadline: Instant,
    /// Its time limit, for messages.
    pub timeout: Duration,
    /// The engine running it.
    pub engine: String,
    /// What to learn from it when it completes.
    pub completion: Option<Completion>,
}

/// Every started query, by id.
#[derive(Debug, Default)]
pub struct Queries {
    entries: Mutex<HashMap<QueryId, Entry>>,
}

#[derive(Debug)]
struct Entry {
    owner: Arc<str>,
    running: Arc<Running>,
    taken: bool,
    timer: AbortHandle,
    completion: Option<Completion>,
}

impl Queries {
    /// Parks a started query for `owner` and arms its pickup and deadline timers.
    pub fn park(self: &Arc<Self>, owner: Arc<str>, parked: Parked) -> QueryId {
        let id = QueryId::generate();
        let running = Arc::new(Running::new(
            parked.stream,
            parked.admission,
            parked.timeout,
            parked.engine,
        ));
        let pickup = Instant::now() + PICKUP_TIMEOUT;
        let deadline = parked.deadline;
        let timer = tokio::spawn({
            let queries = Arc::downgrade(self);
            let weak_running = Arc::downgrade(&running);
            let id = id.clone();
            async move {
                tokio::time::sleep_until(pickup.min(deadline)).await;
                if let Some(queries) = queries.upgrade() {
                    queries.expire_unclaimed(&id);
                }
                tokio::time::sleep_until(deadline).await;
                if let Some(running) = weak_running.upgrade() {
                    running.stop(Stop::Deadline);
                }
            }
        })
        .abort_handle();
        let entry = Entry {
            owner,
            running,
            taken: false,
            timer,
            completion: parked.completion,
        };
        self.lock().insert(id.clone(), entry);
        id
    }

    /// Takes the stream of `owner`'s query `id` for its `DoGet`.
    pub fn take(self: &Arc<Self>, owner: &str, id: &QueryId) -> Result<QueryStream, ServiceError> {
        let mut entries = self.lock();
        let entry = entries
            .get_mut(id)
            .filter(|entry| &*entry.owner == owner && !entry.taken)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no query {} to fetch: tickets are single-use, expire after {} s unfetched, \
                     and belong to the principal that made them",
                    id.as_str(),
                    PICKUP_TIMEOUT.as_secs()
                ))
            })?;
        entry.taken = true;
        let running = Arc::clone(&entry.running);
        let completion = entry.completion.take();
        drop(entries);
        Ok(QueryStream::new(
            id.clone(),
            running,
            Arc::clone(self),
            completion,
        ))
    }

    /// Stops `owner`'s query `id`, parked or streaming; `false` when there is none running.
    pub fn cancel(&self, owner: &str, id: &QueryId) -> bool {
        let mut entries = self.lock();
        let Some(entry) = entries.get(id).filter(|entry| &*entry.owner == owner) else {
            return false;
        };
        let running = Arc::clone(&entry.running);
        // A parked query is forgotten at once; a streaming one when its stream is dropped.
        if !entry.taken
            && let Some(removed) = entries.remove(id)
        {
            removed.timer.abort();
        }
        drop(entries);
        running.stop(Stop::Cancelled)
    }

    /// Stops every query (at the end of a graceful shutdown); returns how many were running.
    pub fn cancel_all(&self) -> usize {
        let running: Vec<Arc<Running>> = self
            .lock()
            .values()
            .map(|entry| Arc::clone(&entry.running))
            .collect();
        running
            .iter()
            .filter(|running| running.stop(Stop::ShuttingDown))
            .count()
    }

    /// Queries parked or streaming now.
    pub fn active(&self) -> usize {
        self.lock().len()
    }

    /// Forgets query `id` (its stream was dropped).
    pub(crate) fn remove(&self, id: &QueryId) {
        if let Some(entry) = self.lock().remove(id) {
            entry.timer.abort();
        }
    }

    /// Drops query `id` if its `DoGet` never came.
    fn expire_unclaimed(&self, id: &QueryId) {
        let mut entries = self.lock();
        if entries.get(id).is_some_and(|entry| !entry.taken)
            && let Some(entry) = entries.remove(id)
        {
            drop(entries);
            tracing::debug!(query = id.as_str(), "dropped: never fetched");
            entry.running.stop(Stop::Expired);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<QueryId, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
