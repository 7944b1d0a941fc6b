SELECT n_name,
       CASE WHEN n_regionkey = 0 THEN 'africa' WHEN n_regionkey = 1 THEN 'america' ELSE 'other' END AS region
FROM nation
ORDER BY n_name
