//! A started query's stream, shared by the `DoGet` that reads it and whatever may stop it:
//! a cancel, its deadline, shutdown, or the client going away.
//!
//! Stopping drops the engine's stream at once, which is what stops the engine (DataFusion
//! aborts its tasks, DuckDB is interrupted, PostgreSQL is sent a cancel request), even while
//! the `DoGet` is not being polled because the client is slow to read. The reader then gets
//! one error saying why, and the query's slot is free.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::execution::SendableRecordBatchStream;
use futures::task::AtomicWaker;
use futures::{Stream, StreamExt};
use switchyard_consumer::EngineError;
use switchyard_router::{RouteDecision, Switchyard};

use crate::error::ServiceError;
use crate::limits::Admission;
use crate::shadow::Tee;
use crate::tickets::{Queries, QueryId};

/// Why a query stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// It returned everything, or failed (the error was the reader's last item).
    Finished,
    /// A client cancelled it.
    Cancelled,
    /// The service is shutting down.
    ShuttingDown,
    /// It ran past its time limit.
    Deadline,
    /// Its `DoGet` never came.
    Expired,
    /// Its reader went away.
    Dropped,
}

/// What the router learns from a query that completes: how long its engine took.
#[derive(Debug)]
pub struct Completion {
    /// Where the run is recorded.
    pub switchyard: Arc<Switchyard>,
    /// The decision that sent the plan to the engine.
    pub decision: RouteDecision,
    /// The engine that ran it.
    pub engine: String,
    /// Time from submitting the plan to its first batch.
    pub start_time: Duration,
    /// The batches kept for a shadow verification run, when the sample picked this query.
    pub tee: Option<Tee>,
}

/// The stoppable part of a query.
pub(crate) struct Running {
    state: Mutex<RunState>,
    waker: AtomicWaker,
    timeout: Duration,
    engine: String,
}

struct RunState {
    stream: Option<SendableRecordBatchStream>,
    admission: Option<Admission>,
    stop: Option<Stop>,
    reported: bool,
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("engine", &self.engine)
            .field("stop", &self.lock().stop)
            .finish_non_exhaustive()
    }
}

impl Running {
    pub(crate) fn new(
        stream: SendableRecordBatchStream,
        admission: Admission,
        timeout: Duration,
        engine: String,
    ) -> Self {
        Self {
            state: Mutex::new(RunState {
                stream: Some(stream),
                admission: Some(admission),
                stop: None,
                reported: false,
            }),
            waker: AtomicWaker::new(),
            timeout,
            engine,
        }
    }

    /// Drops the engine's stream and frees the slot; `false` when it had already stopped.
    pub(crate) fn stop(&self, why: Stop) -> bool {
        let (stream, admission) = {
            let mut state = self.lock();
            if state.stream.is_none() {
                return false;
            }
            state.stop = Some(why);
            (state.stream.take(), state.admission.take())
        };
        // The engine stops first, then the next query may start.
        drop(stream);
        drop(admission);
        self.waker.wake();
        true
    }

    fn lock(&self) -> MutexGuard<'_, RunState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl RunState {
    /// The query ended by itself: the engine's stream and the slot go now, before the reader
    /// sees the end, so a client that starts its next query at once finds the slot free.
    fn finish(&mut self) {
        self.stream = None;
        self.admission = None;
        self.stop = Some(Stop::Finished);
        self.reported = true;
    }

    /// Why the query stopped, the first time a reader asks and only if it should hear it.
    fn unreported_stop(&mut self) -> Option<Stop> {
        match self.stop {
            Some(Stop::Finished | Stop::Dropped) | None => None,
            Some(why) if !self.reported => {
                self.reported = true;
                Some(why)
            }
            Some(_) => None,
        }
    }
}

/// A query's results, read by one `DoGet`.
#[derive(Debug)]
pub struct QueryStream {
    id: QueryId,
    schema: SchemaRef,
    running: Arc<Running>,
    queries: Arc<Queries>,
    completion: Option<Completion>,
    engine_time: Duration,
}

impl QueryStream {
    pub(crate) fn new(
        id: QueryId,
        running: Arc<Running>,
        queries: Arc<Queries>,
        completion: Option<Completion>,
    ) -> Self {
        let schema = running
            .lock()
            .stream
            .as_ref()
            .map(|stream| stream.schema())
            .unwrap_or_else(|| Arc::new(datafusion::arrow::datatypes::Schema::empty()));
        Self {
            id,
            schema,
            running,
            queries,
            completion,
            engine_time: Duration::ZERO,
        }
    }

    /// The schema of every batch.
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn stop_error(&self, why: Stop) -> ServiceError {
        let id = self.id.as_str();
        match why {
            Stop::ShuttingDown => ServiceError::Cancelled(format!(
                "query {id} was cancelled: the service is stopping"
            )),
            Stop::Deadline | Stop::Expired => ServiceError::DeadlineExceeded(format!(
                "query {id} ran past its time limit of {} ms (service.limits.query_timeout_ms, \
                 or the request's timeout)",
                self.running.timeout.as_millis()
            )),
            Stop::Cancelled | Stop::Finished | Stop::Dropped => {
                ServiceError::Cancelled(format!("query {id} was cancelled"))
            }
        }
    }

    /// Tells the router how long the engine took, off the async threads (it may write the
    /// learned-runtimes file). Time the client spent not reading is not counted.
    fn record_completion(&mut self) {
        if let Some(mut done) = self.completion.take() {
            // The client has every batch: the shadow run starts now, in the background.
            if let Some(tee) = done.tee.take() {
                tee.finish(Arc::clone(&done.switchyard), done.engine.clone());
            }
            let elapsed = done.start_time + self.engine_time;
            tokio::task::spawn_blocking(move || {
                done.switchyard
                    .router()
                    .record_run(&done.decision, &done.engine, elapsed);
            });
        }
    }
}

impl Stream for QueryStream {
    type Item = Result<RecordBatch, ServiceError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.running.waker.register(cx.waker());
        let mut state = this.running.lock();
        let Some(stream) = state.stream.as_mut() else {
            let stopped = state.unreported_stop();
            drop(state);
            return Poll::Ready(stopped.map(|why| Err(this.stop_error(why))));
        };
        let begun = std::time::Instant::now();
        let polled = stream.poll_next_unpin(cx);
        this.engine_time += begun.elapsed();
        match polled {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(batch))) => {
                if let Some(tee) = this.completion.as_mut().and_then(|c| c.tee.as_mut()) {
                    tee.keep(&batch);
                }
                Poll::Ready(Some(Ok(batch)))
            }
            Poll::Ready(Some(Err(source))) => {
                state.finish();
                drop(state);
                Poll::Ready(Some(Err(ServiceError::from(EngineError::Execution {
                    engine: this.running.engine.clone(),
                    source,
                }))))
            }
            Poll::Ready(None) => {
                state.finish();
                drop(state);
                this.record_completion();
                Poll::Ready(None)
            }
        }
    }
}

impl Drop for QueryStream {
    fn drop(&mut self) {
        // A client that goes away mid-stream stops its query here.
        if self.running.stop(Stop::Dropped) {
            tracing::debug!(query = self.id.as_str(), "stopped: its reader went away");
        }
        self.queries.remove(&self.id);
    }
}
