SELECT o_orderpriority, min(CAST(o_orderdate AS TIMESTAMP)) AS first, max(CAST(o_orderdate AS TIMESTAMP)) AS last FROM orders GROUP BY o_orderpriority
