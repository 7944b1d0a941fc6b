SELECT s_suppkey, CAST(s_acctbal AS DOUBLE) / 3.0 AS third
FROM supplier WHERE s_suppkey < 10
ORDER BY s_suppkey
