SELECT s_suppkey, sum(s_acctbal) OVER (PARTITION BY s_nationkey) AS total FROM supplier
