SELECT n_name, n_regionkey,
       row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS rn
FROM nation
