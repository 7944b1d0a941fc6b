SELECT s_nationkey, avg(CAST(s_acctbal AS DOUBLE)) AS mean FROM supplier GROUP BY s_nationkey
