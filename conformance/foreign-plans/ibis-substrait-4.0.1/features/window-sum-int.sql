SELECT s_suppkey, sum(CAST(s_suppkey AS INT)) OVER (PARTITION BY s_nationkey) AS total FROM supplier
