SELECT o_orderkey, date_part('year', CAST(o_orderdate AS TIMESTAMP)) AS year FROM orders WHERE o_orderkey < 100
