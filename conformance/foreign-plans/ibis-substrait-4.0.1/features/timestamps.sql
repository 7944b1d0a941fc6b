SELECT o_orderkey, CAST(o_orderdate AS TIMESTAMP) AS ordered FROM orders WHERE CAST(o_orderdate AS TIMESTAMP) < TIMESTAMP '1992-01-10 00:00:00'
