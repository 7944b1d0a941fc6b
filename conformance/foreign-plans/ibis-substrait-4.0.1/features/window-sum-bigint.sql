SELECT s_suppkey, sum(s_suppkey) OVER (PARTITION BY s_nationkey) AS total FROM supplier
