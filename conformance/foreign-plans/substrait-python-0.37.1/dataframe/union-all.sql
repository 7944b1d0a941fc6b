SELECT n_name AS name FROM nation WHERE n_regionkey = 1
UNION ALL
SELECT r_name FROM region
