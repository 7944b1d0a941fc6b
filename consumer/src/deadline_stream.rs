//! A result stream with a deadline: past it, the stream ends with an error (and dropping it
//! lets the engine stop), for engines that can otherwise wait forever (a Ballista job that
//! lost an executor can stay unfinished).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use datafusion::error::DataFusionError;
use datafusion::execution::{RecordBatchStream, SendableRecordBatchStream};
use futures::{Future, Stream};
use tokio::time::Sleep;

/// `inner`, ended by the error `message` if it has not finished within `limit`.
pub fn with_deadline(
    inner: SendableRecordBatchStream,
    limit: Duration,
    message: String,
) -> SendableRecordBatchStream {
    Box::pin(DeadlineStream {
        schema: inner.schema(),
        inner,
        sleep: Box::pin(tokio::time::sleep(limit)),
        message,
        done: false,
    })
}

struct DeadlineStream {
    schema: SchemaRef,
    inner: SendableRecordBatchStream,
    sleep: Pin<Box<Sleep>>,
    message: String,
    done: bool,
}

impl Stream for DeadlineStream {
    type Item = Result<RecordBatch, DataFusionError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = self.inner.as_mut().poll_next(cx) {
            self.done = item.is_none();
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.done = true;
            return Poll::Ready(Some(Err(DataFusionError::Execution(self.message.clone()))));
        }
        Poll::Pending
    }
}

impl RecordBatchStream for DeadlineStream {
    fn schema(&self) -> SchemaRef {
        SchemaRef::clone(&self.schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::Schema;
    use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
    use futures::StreamExt;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_stream_that_never_ends_is_ended_with_the_error() {
        let schema = Arc::new(Schema::empty());
        let never = RecordBatchStreamAdapter::new(Arc::clone(&schema), futures::stream::pending());
        let mut stream = with_deadline(
            Box::pin(never),
            Duration::from_millis(20),
            "too slow".to_string(),
        );
        let first = stream.next().await;
        assert!(matches!(first, Some(Err(e)) if e.to_string().contains("too slow")));
        assert!(stream.next().await.is_none());
    }

    #[tokio::test]
    async fn a_stream_that_ends_in_time_is_untouched() {
        let schema = Arc::new(Schema::empty());
        let batch = RecordBatch::new_empty(Arc::clone(&schema));
        let items = futures::stream::iter(vec![Ok(batch)]);
        let mut stream = with_deadline(
            Box::pin(RecordBatchStreamAdapter::new(schema, items)),
            Duration::from_secs(5),
            "too slow".to_string(),
        );
        assert!(matches!(stream.next().await, Some(Ok(_))));
        assert!(stream.next().await.is_none());
    }
}
