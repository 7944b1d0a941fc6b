SELECT o_orderpriority, min(o_clerk) AS first, max(o_clerk) AS last FROM orders GROUP BY o_orderpriority
