SELECT CAST(s_acctbal AS REAL) AS real_balance, CAST(s_acctbal AS DOUBLE) / 3.0 AS third FROM supplier WHERE s_suppkey < 10
