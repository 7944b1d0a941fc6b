SELECT CAST(n_nationkey AS TINYINT) + CAST(1 AS TINYINT) AS tiny, CAST(n_nationkey AS SMALLINT) * CAST(2 AS SMALLINT) AS small, CAST(n_regionkey AS INT) - CAST(1 AS INT) AS int FROM nation
