//! Substrait → DataFusion logical plan, shared by the native engine and the SQL translators.

use std::future::Future;

use datafusion::error::DataFusionError;
use datafusion::execution::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion_substrait::extensions::Extensions;
use datafusion_substrait::logical_plan::consumer::from_substrait_plan_with_consumer;
use switchyard_producer::ValidatedPlan;

use crate::declared_output::conform_to_declared;
use crate::duplicate_output_names::{restore_names, with_unique_root_names};
use crate::error::EngineError;
use crate::subquery_scopes::ScopedConsumer;

/// Consumes `plan` against the tables registered in `state`.
///
/// datafusion-substrait panics on some malformed plans (a sort field without a direction, a
/// field index past its input); a panic must not take the caller down, so the plan is
/// consumed on its own task and a panic becomes [`EngineError::Plan`].
pub async fn substrait_to_logical(
    engine: &str,
    state: &SessionState,
    plan: &ValidatedPlan,
) -> Result<LogicalPlan, EngineError> {
    let state = state.clone();
    let owned = plan.clone();
    let name = engine.to_string();
    contained(engine, async move {
        let consumed = async {
            let extensions = Extensions::try_from(&owned.plan().extensions)?;
            if !extensions.type_variations.is_empty() {
                return Err(DataFusionError::NotImplemented(
                    "type variation extensions are not supported".to_string(),
                ));
            }
            let consumer = ScopedConsumer::new(&extensions, &state);
            let logical = match with_unique_root_names(owned.plan()) {
                None => from_substrait_plan_with_consumer(&consumer, owned.plan()).await?,
                Some((renamed, names)) => {
                    let logical = from_substrait_plan_with_consumer(&consumer, &renamed).await?;
                    restore_names(logical, &names)?
                }
            };
            conform_to_declared(logical, owned.output_types())
        };
        consumed.await.map_err(|source| EngineError::Plan {
            engine: name,
            source,
        })
    })
    .await
}

/// Runs `work` (consuming a plan and planning it) on a task of its own, so that a panic in
/// DataFusion on a malformed plan (fuzzing found them in consumption and in planning after
/// it) becomes [`EngineError::Plan`] instead of taking the caller down.
pub async fn contained<T: Send + 'static>(
    engine: &str,
    work: impl Future<Output = Result<T, EngineError>> + Send + 'static,
) -> Result<T, EngineError> {
    tokio::spawn(work)
        .await
        .map_err(|join_error| EngineError::Plan {
            engine: engine.to_string(),
            source: DataFusionError::Substrait(format!(
                "malformed plan: {}",
                panic_message(join_error)
            )),
        })?
}

/// The message a panicking task left, as text.
fn panic_message(error: tokio::task::JoinError) -> String {
    if !error.is_panic() {
        return error.to_string();
    }
    let payload = error.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the consumer panicked".to_string())
}
