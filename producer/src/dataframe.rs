//! A DataFrame front-end: build Substrait plans from catalog tables without writing SQL.
//!
//! ```
//! use std::sync::Arc;
//! use datafusion::arrow::array::{Int64Array, StringArray};
//! use datafusion::arrow::datatypes::{DataType, Field, Schema};
//! use datafusion::arrow::record_batch::RecordBatch;
//! use datafusion::datasource::MemTable;
//! use datafusion::functions_aggregate::expr_fn::sum;
//! use datafusion::prelude::{col, lit};
//! use switchyard_producer::{Catalog, Producer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let schema = Arc::new(Schema::new(vec![
//!     Field::new("region", DataType::Utf8, false),
//!     Field::new("amount", DataType::Int64, false),
//! ]));
//! let batch = RecordBatch::try_new(
//!     schema.clone(),
//!     vec![
//!         Arc::new(StringArray::from(vec!["east", "west", "east"])),
//!         Arc::new(Int64Array::from(vec![10, 20, 30])),
//!     ],
//! )?;
//! let sales = MemTable::try_new(schema, vec![vec![batch]])?;
//! let catalog = Catalog::new().with_table("sales", Arc::new(sales));
//! let producer = Producer::new(catalog, "example")?;
//!
//! let plan = producer
//!     .table("sales")
//!     .await?
//!     .filter(col("amount").gt(lit(5)))?
//!     .aggregate(vec![col("region")], vec![sum(col("amount")).alias("total")])?
//!     .sort(vec![col("total").sort(false, true)])?
//!     .limit(0, Some(10))?
//!     .to_substrait()?;
//!
//! let root = plan.relations[0].rel_type.as_ref().expect("a root relation");
//! assert!(matches!(
//!     root,
//!     switchyard_producer::substrait::proto::plan_rel::RelType::Root(r) if r.names == ["region", "total"]
//! ));
//! # Ok(())
//! # }
//! ```

use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan, SortExpr};
use datafusion_substrait::substrait::proto::Plan;

use crate::error::{ProducerError, Result};
use crate::to_substrait::logical_to_substrait;

/// A query under construction; each step checks names and types at once.
#[derive(Debug, Clone)]
pub struct Frame {
    df: DataFrame,
}

impl Frame {
    pub(crate) fn new(df: DataFrame) -> Self {
        Self { df }
    }

    fn step(result: datafusion::error::Result<DataFrame>) -> Result<Self> {
        result.map(Self::new).map_err(ProducerError::Sql)
    }

    /// Keeps the rows where `predicate` is true.
    pub fn filter(self, predicate: Expr) -> Result<Self> {
        Self::step(self.df.filter(predicate))
    }

    /// Computes these expressions as the output columns.
    pub fn select(self, exprs: Vec<Expr>) -> Result<Self> {
        Self::step(self.df.select(exprs))
    }

    /// Groups by `group_by` and computes the aggregate expressions `aggregates`.
    pub fn aggregate(self, group_by: Vec<Expr>, aggregates: Vec<Expr>) -> Result<Self> {
        Self::step(self.df.aggregate(group_by, aggregates))
    }

    /// Joins with `right` on equal columns (`left_columns[i] = right_columns[i]`) and an
    /// optional extra predicate.
    pub fn join(
        self,
        right: Frame,
        join_type: JoinType,
        left_columns: &[&str],
        right_columns: &[&str],
        filter: Option<Expr>,
    ) -> Result<Self> {
        Self::step(
            self.df
                .join(right.df, join_type, left_columns, right_columns, filter),
        )
    }

    /// Joins with `right` on arbitrary predicates.
    pub fn join_on(self, right: Frame, join_type: JoinType, on: Vec<Expr>) -> Result<Self> {
        Self::step(self.df.join_on(right.df, join_type, on))
    }

    /// Sorts by these keys.
    pub fn sort(self, keys: Vec<SortExpr>) -> Result<Self> {
        Self::step(self.df.sort(keys))
    }

    /// Skips `skip` rows and keeps at most `fetch`.
    pub fn limit(self, skip: usize, fetch: Option<usize>) -> Result<Self> {
        Self::step(self.df.limit(skip, fetch))
    }

    /// Names this frame, to qualify its columns in a self-join.
    pub fn alias(self, name: &str) -> Result<Self> {
        Self::step(self.df.alias(name))
    }

    /// The logical plan built so far.
    pub fn logical_plan(&self) -> &LogicalPlan {
        self.df.logical_plan()
    }

    /// Produces the Substrait plan, through the same path as SQL.
    pub fn to_substrait(&self) -> Result<Plan> {
        let (state, plan) = self.df.clone().into_parts();
        logical_to_substrait(plan, &state)
    }
}
