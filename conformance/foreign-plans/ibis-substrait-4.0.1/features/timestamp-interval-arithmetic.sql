SELECT o_orderkey, CAST(o_orderdate AS TIMESTAMP) + INTERVAL '1 day 2 hours' AS later, CAST(o_orderdate AS TIMESTAMP) - INTERVAL '3 days 4 hours' AS earlier FROM orders WHERE o_orderkey < 100
