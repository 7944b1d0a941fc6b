"""The SQL of the hand-built DataFrame cases over the TPC-H tables, shared by the producers that
build them with their own DataFrame APIs (substrait_python.py, ibis_plans.py): name -> SQL."""

SQL = {
    "filter-project-arithmetic": """
SELECT l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount) AS disc_price
FROM lineitem
WHERE l_quantity < 3 AND l_discount >= 0.09
""",
    "pricing-summary": """
SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty,
       sum(l_extendedprice) AS sum_base_price, avg(l_discount) AS avg_disc, count(*) AS count_order
FROM lineitem
WHERE l_shipdate <= DATE '1998-09-02'
GROUP BY l_returnflag, l_linestatus
ORDER BY l_returnflag, l_linestatus
""",
    "forecast-revenue": """
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24
""",
    "join-group-count": """
SELECT c_mktsegment, count(*) AS orders, sum(o_totalprice) AS total
FROM customer JOIN orders ON c_custkey = o_custkey
GROUP BY c_mktsegment
ORDER BY c_mktsegment
""",
    "three-way-join": """
SELECT r_name, n_name, count(*) AS suppliers
FROM supplier JOIN nation ON s_nationkey = n_nationkey JOIN region ON n_regionkey = r_regionkey
WHERE r_name IN ('ASIA', 'EUROPE')
GROUP BY r_name, n_name
ORDER BY r_name, n_name
""",
    "left-join-count": """
SELECT c_custkey, count(o_orderkey) AS orders
FROM customer LEFT JOIN orders ON c_custkey = o_custkey
WHERE c_custkey < 40
GROUP BY c_custkey
ORDER BY c_custkey
""",
    "top-n": """
SELECT o_orderkey, o_custkey, o_totalprice
FROM orders
ORDER BY o_totalprice DESC, o_orderkey
LIMIT 10
""",
    "limit-offset": """
SELECT n_name FROM nation ORDER BY n_name LIMIT 5 OFFSET 10
""",
    "union-all": """
SELECT n_name AS name FROM nation WHERE n_regionkey = 1
UNION ALL
SELECT r_name FROM region
""",
    "union-distinct": """
SELECT n_regionkey AS k FROM nation
UNION
SELECT c_nationkey FROM customer
""",
    "intersect": """
SELECT c_nationkey AS k FROM customer WHERE c_acctbal > 9000
INTERSECT
SELECT s_nationkey FROM supplier WHERE s_acctbal < 0
""",
    "except": """
SELECT n_nationkey AS k FROM nation
EXCEPT
SELECT s_nationkey FROM supplier WHERE s_acctbal > 9900
""",
    "anti-join": """
SELECT c_custkey FROM customer
WHERE NOT EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey)
ORDER BY c_custkey
""",
    "semi-join": """
SELECT s_suppkey, s_name FROM supplier
WHERE EXISTS (SELECT 1 FROM nation WHERE n_nationkey = s_nationkey AND n_regionkey = 2)
ORDER BY s_suppkey
""",
    "case-when": """
SELECT n_name,
       CASE WHEN n_regionkey = 0 THEN 'africa' WHEN n_regionkey = 1 THEN 'america' ELSE 'other' END AS region
FROM nation
ORDER BY n_name
""",
    "string-functions": """
SELECT p_partkey, upper(p_name) AS name, substring(p_type, 1, 5) AS type_prefix
FROM part
WHERE p_name LIKE '%green%' AND p_partkey < 200
ORDER BY p_partkey
""",
    "in-list-and-or": """
SELECT o_orderpriority, count(*) AS orders
FROM orders
WHERE o_orderstatus IN ('F', 'P') OR o_totalprice > 400000
GROUP BY o_orderpriority
ORDER BY o_orderpriority
""",
    "cast-to-double": """
SELECT s_suppkey, CAST(s_acctbal AS DOUBLE) / 3.0 AS third
FROM supplier WHERE s_suppkey < 10
ORDER BY s_suppkey
""",
    "count-distinct-min-max": """
SELECT l_shipmode, count(DISTINCT l_suppkey) AS suppliers, min(l_shipdate) AS first, max(l_shipdate) AS last
FROM lineitem
GROUP BY l_shipmode
ORDER BY l_shipmode
""",
    "cross-join": """
SELECT n_name, r_name FROM nation CROSS JOIN region WHERE r_regionkey < 2
""",
    "scalar-subquery": """
SELECT s_name, s_acctbal FROM supplier
WHERE s_acctbal > (SELECT CAST(avg(s_acctbal) * 1.8 AS DECIMAL(15,2)) FROM supplier)
ORDER BY s_name
""",
    "window-row-number": """
SELECT n_name, n_regionkey,
       row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS rn
FROM nation
""",
    "having": """
SELECT o_custkey, count(*) AS orders FROM orders
GROUP BY o_custkey HAVING count(*) > 25
ORDER BY o_custkey
""",
    "date-range-null-checks": """
SELECT o_orderdate, count(*) AS orders
FROM orders
WHERE o_orderdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-10' AND o_comment IS NOT NULL
GROUP BY o_orderdate
ORDER BY o_orderdate
""",
}
