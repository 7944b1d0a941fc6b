SELECT s_nationkey, min(CAST(s_acctbal AS DOUBLE)) AS low, max(CAST(s_acctbal AS DOUBLE)) AS high FROM supplier GROUP BY s_nationkey
