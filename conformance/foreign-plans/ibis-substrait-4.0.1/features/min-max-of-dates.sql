SELECT o_orderpriority, min(o_orderdate) AS first, max(o_orderdate) AS last FROM orders GROUP BY o_orderpriority
