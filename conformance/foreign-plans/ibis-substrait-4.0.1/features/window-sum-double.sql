SELECT s_suppkey, sum(CAST(s_acctbal AS DOUBLE)) OVER (PARTITION BY s_nationkey) AS total FROM supplier
