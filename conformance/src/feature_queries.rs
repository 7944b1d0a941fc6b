//! The `features` suite's queries: one per relation, join type, set operation, subquery kind,
//! window or type the TPC-H queries leave out, over the TPC-H tables.
//!
//! They are the evidence behind the built-in manifests' claims
//! (`conformance/tests/manifest_claims.rs`): an engine's manifest may claim a feature only when
//! a passing case exercises it, and the TPC-H queries and function tests alone never use a
//! `UNION`, a right join or a window. Each answer must have rows at scales 0.01 and 0.1 (the
//! Ballista test's), since an empty answer agrees with anything.
//!
//! Some relations other producers write (Isthmus, DuckDB) never come out of DataFusion's
//! producer: a `SetRel` with a distinct union, intersection or difference (DataFusion writes
//! those as aggregates and semi or anti joins) and a `CrossRel`. Their cases compile SQL that
//! DataFusion writes as the nearest relation and rewrite that one relation
//! ([`PlanRewrite`]); the answer is still DataFusion running the case's own SQL.

use serde_json::Value;
use switchyard_producer::json_walk::{JsonObject, for_each_object};

/// A query that exercises one feature.
#[derive(Debug, Clone, Copy)]
pub struct FeatureQuery {
    /// The case's name in reports, saying what it exercises.
    pub name: &'static str,
    /// The SQL, over the TPC-H tables: what DataFusion runs for the answer, and what the
    /// plan is compiled from unless `rewrite` says otherwise.
    pub sql: &'static str,
    /// How the plan is made when DataFusion's producer cannot write the feature.
    pub rewrite: Option<PlanRewrite>,
    /// The same question in standard SQL, for the reference (DuckDB), where `sql` is
    /// DataFusion's own syntax (`LEFT SEMI JOIN`); `None` when the reference runs `sql`.
    pub reference_sql: Option<&'static str>,
}

impl FeatureQuery {
    /// The SQL the reference runs for this case.
    pub fn reference_sql(&self) -> &'static str {
        self.reference_sql.unwrap_or(self.sql)
    }
}

/// A plan compiled from other SQL, then one kind of relation rewritten into the feature.
#[derive(Debug, Clone, Copy)]
pub struct PlanRewrite {
    /// The SQL the plan is compiled from.
    pub written_as: &'static str,
    /// Rewrites one relation object of the plan's JSON form; true when it changed it.
    pub relation: fn(&mut JsonObject) -> bool,
}

impl PlanRewrite {
    /// Applies the rewrite to every relation of `plan` (its JSON form); returns how many
    /// relations it changed.
    pub fn apply(&self, plan: &mut Value) -> usize {
        let mut changed = 0;
        for_each_object(plan, &mut |object| {
            if (self.relation)(object) {
                changed += 1;
            }
        });
        changed
    }
}

const fn query(name: &'static str, sql: &'static str) -> FeatureQuery {
    FeatureQuery {
        name,
        sql,
        rewrite: None,
        reference_sql: None,
    }
}

/// A case in DataFusion's own SQL syntax, with the standard SQL the reference runs.
const fn dialect_query(
    name: &'static str,
    sql: &'static str,
    reference_sql: &'static str,
) -> FeatureQuery {
    FeatureQuery {
        name,
        sql,
        rewrite: None,
        reference_sql: Some(reference_sql),
    }
}

const fn rewritten(
    name: &'static str,
    sql: &'static str,
    written_as: &'static str,
    relation: fn(&mut JsonObject) -> bool,
) -> FeatureQuery {
    FeatureQuery {
        name,
        sql,
        rewrite: Some(PlanRewrite {
            written_as,
            relation,
        }),
        reference_sql: None,
    }
}

/// A `SetRel`'s operation replaced by `op`.
fn set_operation(object: &mut JsonObject, op: &str) -> bool {
    let Some(set) = object.get_mut("set").and_then(Value::as_object_mut) else {
        return false;
    };
    if set.get("op").and_then(Value::as_str) != Some("SET_OP_UNION_ALL") {
        return false;
    }
    set.insert("op".to_string(), Value::from(op));
    true
}

fn union_distinct(object: &mut JsonObject) -> bool {
    set_operation(object, "SET_OP_UNION_DISTINCT")
}

fn intersection_primary(object: &mut JsonObject) -> bool {
    set_operation(object, "SET_OP_INTERSECTION_PRIMARY")
}

fn minus_primary(object: &mut JsonObject) -> bool {
    set_operation(object, "SET_OP_MINUS_PRIMARY")
}

/// An inner `JoinRel` with no condition written as the `CrossRel` it means.
fn cross(object: &mut JsonObject) -> bool {
    let Some(join) = object.get("join").and_then(Value::as_object) else {
        return false;
    };
    let unconditional = join.get("type").and_then(Value::as_str) == Some("JOIN_TYPE_INNER")
        && !join.contains_key("expression")
        && !join.contains_key("postJoinFilter");
    if !unconditional {
        return false;
    }
    let mut cross = JsonObject::new();
    for key in ["common", "left", "right"] {
        if let Some(value) = join.get(key) {
            cross.insert(key.to_string(), value.clone());
        }
    }
    object.remove("join");
    object.insert("cross".to_string(), Value::Object(cross));
    true
}

/// Every feature query, in report order.
pub const FEATURE_QUERIES: &[FeatureQuery] = &[
    // Set operations.
    query(
        "union-all",
        "SELECT n_name AS name FROM nation WHERE n_regionkey = 1 \
         UNION ALL SELECT r_name FROM region",
    ),
    query(
        "union-distinct",
        "SELECT n_regionkey AS k FROM nation UNION SELECT r_regionkey FROM region",
    ),
    rewritten(
        "set-union-distinct",
        "SELECT n_regionkey AS k FROM nation UNION SELECT c_nationkey FROM customer",
        "SELECT n_regionkey AS k FROM nation UNION ALL SELECT c_nationkey FROM customer",
        union_distinct,
    ),
    rewritten(
        "set-intersection-primary",
        "SELECT c_nationkey AS k FROM customer WHERE c_acctbal > 9000 \
         INTERSECT SELECT s_nationkey FROM supplier WHERE s_acctbal < 0",
        "SELECT c_nationkey AS k FROM customer WHERE c_acctbal > 9000 \
         UNION ALL SELECT s_nationkey FROM supplier WHERE s_acctbal < 0",
        intersection_primary,
    ),
    rewritten(
        "set-minus-primary",
        "SELECT s_nationkey AS k FROM supplier \
         EXCEPT SELECT c_nationkey FROM customer WHERE c_acctbal > 9990",
        "SELECT s_nationkey AS k FROM supplier \
         UNION ALL SELECT c_nationkey FROM customer WHERE c_acctbal > 9990",
        minus_primary,
    ),
    query(
        "intersect",
        "SELECT c_nationkey FROM customer WHERE c_acctbal > 9000 \
         INTERSECT SELECT s_nationkey FROM supplier WHERE s_acctbal < 0",
    ),
    query(
        "intersect-all",
        "SELECT c_nationkey FROM customer WHERE c_acctbal > 9000 \
         INTERSECT ALL SELECT s_nationkey FROM supplier",
    ),
    query(
        "except",
        "SELECT n_nationkey FROM nation \
         EXCEPT SELECT s_nationkey FROM supplier WHERE s_acctbal > 9990",
    ),
    query(
        "except-all",
        "SELECT s_nationkey FROM supplier \
         EXCEPT ALL SELECT c_nationkey FROM customer WHERE c_acctbal > 9990",
    ),
    // Join types, each written so that the rows the join type keeps or drops exist: a third
    // of the customers have no orders, and some nations have no supplier with a high balance.
    query(
        "left-join",
        "SELECT c_custkey, count(o_orderkey) AS orders FROM customer \
         LEFT JOIN orders ON c_custkey = o_custkey GROUP BY c_custkey",
    ),
    query(
        "right-join",
        "SELECT n_name, s_name FROM supplier \
         RIGHT JOIN nation ON s_nationkey = n_nationkey AND s_acctbal > 9000",
    ),
    query(
        "full-join",
        "SELECT n_name, s_name FROM \
         (SELECT * FROM nation WHERE n_regionkey < 3) n \
         FULL JOIN (SELECT * FROM supplier WHERE s_acctbal > 8000) s \
         ON s_nationkey = n_nationkey",
    ),
    dialect_query(
        "left-semi-join",
        "SELECT c_custkey, c_name FROM customer \
         LEFT SEMI JOIN orders ON c_custkey = o_custkey AND o_totalprice > 400000",
        "SELECT c_custkey, c_name FROM customer WHERE EXISTS \
         (SELECT 1 FROM orders WHERE c_custkey = o_custkey AND o_totalprice > 400000)",
    ),
    dialect_query(
        "left-anti-join",
        "SELECT c_custkey FROM customer LEFT ANTI JOIN orders ON c_custkey = o_custkey",
        "SELECT c_custkey FROM customer WHERE NOT EXISTS \
         (SELECT 1 FROM orders WHERE c_custkey = o_custkey)",
    ),
    dialect_query(
        "right-semi-join",
        "SELECT o_orderkey FROM customer \
         RIGHT SEMI JOIN orders ON c_custkey = o_custkey AND c_acctbal > 9900",
        "SELECT o_orderkey FROM orders WHERE EXISTS \
         (SELECT 1 FROM customer WHERE c_custkey = o_custkey AND c_acctbal > 9900)",
    ),
    dialect_query(
        "right-anti-join",
        "SELECT s_suppkey FROM nation \
         RIGHT ANTI JOIN supplier ON s_nationkey = n_nationkey AND n_regionkey = 0",
        "SELECT s_suppkey FROM supplier WHERE NOT EXISTS \
         (SELECT 1 FROM nation WHERE s_nationkey = n_nationkey AND n_regionkey = 0)",
    ),
    query(
        "cross-join",
        "SELECT n_name, r_name FROM nation CROSS JOIN region WHERE r_regionkey < 2",
    ),
    rewritten(
        "cross-rel",
        "SELECT n_name, r_name FROM nation CROSS JOIN region",
        "SELECT n_name, r_name FROM nation CROSS JOIN region",
        cross,
    ),
    query(
        "join-non-equi",
        "SELECT n_name, r_name FROM nation JOIN region \
         ON n_regionkey = r_regionkey AND n_nationkey > r_regionkey * 4",
    ),
    // Subqueries.
    query(
        "exists",
        "SELECT s_name FROM supplier WHERE EXISTS \
         (SELECT 1 FROM nation WHERE n_nationkey = s_nationkey AND n_regionkey = 2)",
    ),
    query(
        "not-exists",
        "SELECT c_custkey FROM customer WHERE NOT EXISTS \
         (SELECT 1 FROM orders WHERE o_custkey = c_custkey)",
    ),
    query(
        "in-subquery",
        "SELECT n_name FROM nation WHERE n_regionkey IN \
         (SELECT r_regionkey FROM region WHERE r_name LIKE 'A%')",
    ),
    query(
        "not-in-subquery",
        "SELECT n_name FROM nation WHERE n_nationkey NOT IN \
         (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000)",
    ),
    query(
        "scalar-subquery",
        "SELECT s_name, s_acctbal FROM supplier \
         WHERE s_acctbal > (SELECT avg(s_acctbal) * 1.8 FROM supplier)",
    ),
    query(
        "exists-or",
        "SELECT n_name FROM nation WHERE n_regionkey = 0 OR EXISTS \
         (SELECT 1 FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9500)",
    ),
    // Windows.
    query(
        "window-ranking",
        "SELECT n_name, n_regionkey, \
         row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS row_number, \
         rank() OVER (ORDER BY n_regionkey) AS rank, \
         dense_rank() OVER (ORDER BY n_regionkey) AS dense_rank \
         FROM nation",
    ),
    // One sum per query: DataFusion names a window over a cast like one over the bare column
    // and refuses two of them in one window.
    query(
        "window-sum-decimal",
        "SELECT s_suppkey, sum(s_acctbal) OVER (PARTITION BY s_nationkey) AS total FROM supplier",
    ),
    query(
        "window-sum-int",
        "SELECT s_suppkey, sum(CAST(s_suppkey AS INT)) OVER (PARTITION BY s_nationkey) AS total \
         FROM supplier",
    ),
    query(
        "window-sum-bigint",
        "SELECT s_suppkey, sum(s_suppkey) OVER (PARTITION BY s_nationkey) AS total FROM supplier",
    ),
    query(
        "window-sum-double",
        "SELECT s_suppkey, sum(CAST(s_acctbal AS DOUBLE)) OVER (PARTITION BY s_nationkey) AS total \
         FROM supplier",
    ),
    query(
        "window-running",
        "SELECT o_orderkey, o_custkey, \
         sum(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderkey \
         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running \
         FROM orders WHERE o_custkey < 20",
    ),
    // Expressions the TPC-H queries leave out.
    query(
        "simple-case",
        "SELECT n_name, CASE n_regionkey WHEN 0 THEN 'africa' WHEN 1 THEN 'america' \
         ELSE 'other' END AS region FROM nation",
    ),
    query(
        "offset",
        "SELECT n_name FROM nation ORDER BY n_name LIMIT 5 OFFSET 10",
    ),
    query("distinct", "SELECT DISTINCT c_mktsegment FROM customer"),
    query(
        "having",
        "SELECT o_orderpriority, count(*) AS orders FROM orders \
         GROUP BY o_orderpriority HAVING count(*) > 100",
    ),
    query(
        "small-integer-types",
        "SELECT CAST(n_nationkey AS TINYINT) + CAST(1 AS TINYINT) AS tiny, \
         CAST(n_nationkey AS SMALLINT) * CAST(2 AS SMALLINT) AS small, \
         CAST(n_regionkey AS INT) - CAST(1 AS INT) AS int \
         FROM nation",
    ),
    query(
        "float-types",
        "SELECT CAST(s_acctbal AS REAL) AS real_balance, \
         CAST(s_acctbal AS DOUBLE) / 3.0 AS third \
         FROM supplier WHERE s_suppkey < 10",
    ),
    query(
        "real-arithmetic",
        "SELECT s_suppkey, CAST(s_acctbal AS REAL) - CAST(1.5 AS REAL) AS less, \
         CAST(s_acctbal AS REAL) * CAST(2 AS REAL) AS twice, \
         CAST(s_acctbal AS REAL) / CAST(4 AS REAL) AS quarter \
         FROM supplier WHERE s_suppkey < 20",
    ),
    query(
        "decimal-abs",
        "SELECT s_suppkey, abs(s_acctbal) AS magnitude FROM supplier WHERE s_acctbal < 0",
    ),
    query(
        "binary",
        "SELECT n_nationkey, CAST(n_name AS BYTEA) AS raw FROM nation",
    ),
    query(
        "date-plus-years",
        "SELECT o_orderkey, o_orderdate + INTERVAL '1' YEAR AS next_year \
         FROM orders WHERE o_orderkey < 100",
    ),
    query(
        "timestamp-interval-arithmetic",
        "SELECT o_orderkey, \
         CAST(o_orderdate AS TIMESTAMP) + INTERVAL '1 day 2 hours' AS later, \
         CAST(o_orderdate AS TIMESTAMP) - INTERVAL '3 days 4 hours' AS earlier \
         FROM orders WHERE o_orderkey < 100",
    ),
    query(
        "timestamp-date-part",
        "SELECT o_orderkey, date_part('year', CAST(o_orderdate AS TIMESTAMP)) AS year \
         FROM orders WHERE o_orderkey < 100",
    ),
    query(
        "substring-from",
        "SELECT n_name, substring(n_name FROM 3) AS rest, substr(n_name, 2) AS tail FROM nation",
    ),
    // One cast per query again: `min(CAST(d AS TIMESTAMP))` and `min(d)` share a name.
    query(
        "min-max-of-dates",
        "SELECT o_orderpriority, min(o_orderdate) AS first, max(o_orderdate) AS last \
         FROM orders GROUP BY o_orderpriority",
    ),
    query(
        "min-max-of-timestamps",
        "SELECT o_orderpriority, min(CAST(o_orderdate AS TIMESTAMP)) AS first, \
         max(CAST(o_orderdate AS TIMESTAMP)) AS last FROM orders GROUP BY o_orderpriority",
    ),
    query(
        "min-max-of-strings",
        "SELECT o_orderpriority, min(o_clerk) AS first, max(o_clerk) AS last \
         FROM orders GROUP BY o_orderpriority",
    ),
    query(
        "min-max-of-doubles",
        "SELECT s_nationkey, min(CAST(s_acctbal AS DOUBLE)) AS low, \
         max(CAST(s_acctbal AS DOUBLE)) AS high FROM supplier GROUP BY s_nationkey",
    ),
    query(
        "avg-of-doubles",
        "SELECT s_nationkey, avg(CAST(s_acctbal AS DOUBLE)) AS mean FROM supplier \
         GROUP BY s_nationkey",
    ),
    query(
        "timestamps",
        "SELECT o_orderkey, CAST(o_orderdate AS TIMESTAMP) AS ordered \
         FROM orders WHERE CAST(o_orderdate AS TIMESTAMP) < TIMESTAMP '1992-01-10 00:00:00'",
    ),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::FEATURE_QUERIES;

    #[test]
    fn feature_query_names_are_unique() {
        let names: HashSet<&str> = FEATURE_QUERIES.iter().map(|query| query.name).collect();
        assert_eq!(names.len(), FEATURE_QUERIES.len());
    }
}
