SELECT n_nationkey, CAST(n_name AS BYTEA) AS raw FROM nation
