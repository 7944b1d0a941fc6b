//! The service's one path for every query, whichever protocol it came in by: credentials →
//! principal, SQL or plan bytes → checked plan (size, depth, policy), admission → started
//! query parked under a ticket. The Flight SQL and control endpoints only convert.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use datafusion::arrow::datatypes::SchemaRef;
use switchyard_consumer::substrait_to_logical::substrait_to_logical;
use switchyard_producer::{SqlDialect, ValidatedPlan, import_plan_bytes};
use switchyard_router::{Clearance, RouteDecision, Switchyard, VerifyRecord};
use tokio::time::Instant;
use tonic::metadata::MetadataMap;

use crate::auth::{Authenticator, Principal};
use crate::column_policy::check_plan;
use crate::error::ServiceError;
use crate::limits::Limits;
use crate::prepared::{Prepared, PreparedStatements};
use crate::query_stream::{Completion, QueryStream};
use crate::shadow::{Shadow, ShadowCounts};
use crate::tickets::{Parked, Queries, QueryId};

/// What a client asked to run.
#[derive(Debug, Clone)]
pub enum QuerySource {
    /// SQL text, compiled with the catalog.
    Sql {
        /// The text: optional `CREATE VIEW`s and one query.
        sql: String,
        /// Its dialect.
        dialect: SqlDialect,
    },
    /// A Substrait plan, binary or JSON (detected); other producers' plans are imported.
    Plan(Bytes),
}

/// How a client wants a query run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run on this engine instead of the one routing picks.
    pub engine: Option<String>,
    /// Run only on the engine routing picks, with no fallback.
    pub strict: bool,
    /// A shorter time limit than the service's.
    pub timeout: Option<Duration>,
}

/// A query that has started and waits for its `DoGet`.
#[derive(Debug)]
pub struct Started {
    /// Its ticket's id.
    pub id: QueryId,
    /// The schema of its results.
    pub schema: SchemaRef,
    /// Where it runs and why, with the engines tried.
    pub decision: RouteDecision,
}

/// Everything a request needs, shared by the endpoints.
#[derive(Debug)]
pub struct Gateway {
    switchyard: Arc<Switchyard>,
    auth: Authenticator,
    limits: Limits,
    queries: Arc<Queries>,
    prepared: PreparedStatements,
    shadow: Option<Arc<Shadow>>,
}

impl Gateway {
    /// Reads the `service` section of `switchyard`'s configuration.
    pub fn new(switchyard: Arc<Switchyard>) -> Result<Self, ServiceError> {
        let config = &switchyard.config().file.service;
        let auth = Authenticator::new(config, switchyard.catalog())?;
        let limits = Limits::new(config.limits);
        let shadow = Shadow::new(
            switchyard.config().file.routing.verify.as_ref(),
            config.limits.max_concurrent_queries,
        )
        .map(Arc::new);
        Ok(Self {
            shadow,
            auth,
            limits,
            switchyard,
            queries: Arc::new(Queries::default()),
            prepared: PreparedStatements::default(),
        })
    }

    /// The opened configuration.
    pub fn switchyard(&self) -> &Arc<Switchyard> {
        &self.switchyard
    }

    /// The limits and query slots.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many shadow verification runs there were, by outcome (`None` without
    /// `routing.verify`).
    pub fn shadow_counts(&self) -> Option<ShadowCounts> {
        self.shadow.as_ref().map(|s| s.counts())
    }

    /// Clears `engine`'s suspect marks (for `feature_set`, or all), recording the clearance
    /// in the verification log; returns how many marks were cleared.
    pub fn clear_suspect(
        &self,
        engine: &str,
        feature_set: Option<String>,
    ) -> Result<usize, ServiceError> {
        self.switchyard
            .engines()
            .get(engine)
            .map_err(|e| ServiceError::InvalidArgument(e.to_string()))?;
        let suspects = self.switchyard.router().suspects();
        let before = suspects.list().len();
        let record = VerifyRecord::Cleared(Clearance {
            at: switchyard_router::verify_log::now(),
            engine: engine.to_string(),
            feature_set,
        });
        self.switchyard.record_verification(&record)?;
        Ok(before - suspects.list().len())
    }

    /// The started queries.
    pub fn queries(&self) -> &Arc<Queries> {
        &self.queries
    }

    /// The principal a request's credentials name.
    pub fn authenticate(&self, metadata: &MetadataMap) -> Result<Principal, ServiceError> {
        self.auth.authenticate(metadata)
    }

    /// Credentials check for the Flight handshake; see [`Authenticator::handshake`].
    pub fn handshake(
        &self,
        metadata: &MetadataMap,
        payload: Option<(String, String)>,
    ) -> Result<Option<(Principal, String)>, ServiceError> {
        self.auth.handshake(metadata, payload)
    }

    /// Compiles or decodes the query and checks it: size, depth, and what the principal may
    /// read.
    pub async fn plan(
        &self,
        principal: &Principal,
        source: QuerySource,
    ) -> Result<ValidatedPlan, ServiceError> {
        let plan = match source {
            QuerySource::Sql { sql, dialect } => self.compile_sql(sql, dialect).await?,
            QuerySource::Plan(bytes) => {
                self.limits.check_size("plan", bytes.len())?;
                let (plan, _report) = import_plan_bytes(&bytes, self.switchyard.catalog())?;
                ValidatedPlan::new(plan)?
            }
        };
        self.limits.check_depth(&plan)?;
        check_plan(self.switchyard.producer(), principal, &plan).await?;
        Ok(plan)
    }

    /// Compiles SQL on a blocking thread: planning is CPU work, and the producer's future
    /// holds the SQL parser's dialect, which is not `Send`, across awaits.
    async fn compile_sql(
        &self,
        sql: String,
        dialect: SqlDialect,
    ) -> Result<ValidatedPlan, ServiceError> {
        self.limits.check_size("SQL text", sql.len())?;
        let switchyard = Arc::clone(&self.switchyard);
        let runtime = tokio::runtime::Handle::current();
        let compiled = tokio::task::spawn_blocking(move || {
            runtime.block_on(switchyard.producer().compile_sql_cached(&sql, dialect))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("compiling SQL: {e}")))??;
        Ok(ValidatedPlan::new(compiled.plan.clone())?)
    }

    /// Where `plan` would run and why, without running it.
    pub fn explain(
        &self,
        plan: &ValidatedPlan,
        engine: Option<&str>,
    ) -> Result<RouteDecision, ServiceError> {
        Ok(self.switchyard.explain(plan, engine)?)
    }

    /// Admits and starts `plan` (routing, fallback, first batch) and parks its stream.
    pub async fn start(
        &self,
        principal: &Principal,
        plan: &ValidatedPlan,
        options: &RunOptions,
    ) -> Result<Started, ServiceError> {
        let timeout = self.limits.timeout(options.timeout);
        let deadline = Instant::now() + timeout;
        let admission = self.limits.admit(deadline).await?;
        let engine = match (&options.engine, options.strict) {
            (Some(engine), _) => Some(engine.clone()),
            (None, true) => self.switchyard.explain(plan, None)?.chosen,
            (None, false) => None,
        };
        let began = std::time::Instant::now();
        let run = tokio::time::timeout_at(deadline, self.switchyard.run(plan, engine.as_deref()))
            .await
            .map_err(|_| {
                ServiceError::DeadlineExceeded(format!(
                    "the query ran past its time limit of {} ms before its first rows \
                     (service.limits.query_timeout_ms, or the request's timeout)",
                    timeout.as_millis()
                ))
            })??;
        let start_time = began.elapsed();
        let schema = run.stream.schema();
        let engine = run.engine.name().to_string();
        let completion = Completion {
            switchyard: Arc::clone(&self.switchyard),
            decision: run.decision.clone(),
            engine: engine.clone(),
            start_time,
            tee: self
                .shadow
                .as_ref()
                .and_then(|shadow| shadow.tee_for(plan, &self.limits)),
        };
        let parked = Parked {
            stream: run.stream,
            admission,
            deadline,
            timeout,
            engine,
            completion: Some(completion),
        };
        let id = self.queries.park(principal.shared_name(), parked);
        Ok(Started {
            id,
            schema,
            decision: run.decision,
        })
    }

    /// The results of `principal`'s started query `id`.
    pub fn fetch(&self, principal: &Principal, id: &QueryId) -> Result<QueryStream, ServiceError> {
        self.queries.take(principal.name(), id)
    }

    /// Stops `principal`'s query `id`; `false` when it is not running.
    pub fn cancel(&self, principal: &Principal, id: &QueryId) -> bool {
        self.queries.cancel(principal.name(), id)
    }

    /// Keeps a checked plan under a new handle, with the schema of its results.
    pub async fn prepare(
        &self,
        principal: &Principal,
        plan: ValidatedPlan,
    ) -> Result<(String, SchemaRef), ServiceError> {
        let state = self.switchyard.producer().session().state();
        let logical = substrait_to_logical("prepared statement", &state, &plan)
            .await
            .map_err(ServiceError::unreadable_plan)?;
        let schema = Arc::clone(logical.schema().inner());
        let handle = self
            .prepared
            .insert(principal.shared_name(), plan, Arc::clone(&schema))?;
        Ok((handle, schema))
    }

    /// `principal`'s prepared statement `handle`.
    pub fn prepared(&self, principal: &Principal, handle: &[u8]) -> Result<Prepared, ServiceError> {
        self.prepared.get(principal.name(), handle)
    }

    /// Closes `principal`'s prepared statement `handle`, if it is open.
    pub fn close_prepared(&self, principal: &Principal, handle: &[u8]) {
        self.prepared.close(principal.name(), handle);
    }
}
