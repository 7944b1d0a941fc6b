//! Record batch streams fed by a worker (a blocking thread or another task) through a channel.

use std::pin::Pin;
use std::task::{Context, Poll};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use futures::Stream;
use tokio::sync::mpsc;

/// Batches in flight between the worker and the reader; small, so a slow reader slows the
/// worker instead of piling results up in memory.
pub const CHANNEL_BATCHES: usize = 4;

/// The worker's end: send batches until the reader goes away.
pub type BatchSender = mpsc::Sender<Result<RecordBatch, DataFusionError>>;

/// Something to do when the reader drops the stream (interrupt the engine's query, say).
pub trait OnDrop: Send + 'static {
    /// Called once, when the stream is dropped.
    fn reader_gone(&mut self);
}

/// A channel whose receiving end is a DataFusion record batch stream with `schema`; when the
/// stream is dropped, `on_drop` runs.
pub fn batch_channel(
    schema: SchemaRef,
    on_drop: impl OnDrop,
) -> (BatchSender, SendableRecordBatchStream) {
    let (sender, receiver) = mpsc::channel(CHANNEL_BATCHES);
    let stream = ReceiverWithGuard {
        receiver,
        on_drop: Some(Box::new(on_drop)),
    };
    (
        sender,
        Box::pin(RecordBatchStreamAdapter::new(schema, stream)),
    )
}

struct ReceiverWithGuard {
    receiver: mpsc::Receiver<Result<RecordBatch, DataFusionError>>,
    on_drop: Option<Box<dyn OnDrop>>,
}

impl Stream for ReceiverWithGuard {
    type Item = Result<RecordBatch, DataFusionError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.receiver.poll_recv(cx);
        if let Poll::Ready(None) = polled {
            // The worker finished: nothing is left to interrupt.
            self.on_drop = None;
        }
        polled
    }
}

impl Drop for ReceiverWithGuard {
    fn drop(&mut self) {
        if let Some(mut on_drop) = self.on_drop.take() {
            on_drop.reader_gone();
        }
    }
}
