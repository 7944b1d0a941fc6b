SELECT o_orderkey, o_orderdate + INTERVAL '1' YEAR AS next_year FROM orders WHERE o_orderkey < 100
