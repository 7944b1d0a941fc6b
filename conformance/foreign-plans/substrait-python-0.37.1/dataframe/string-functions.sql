SELECT p_partkey, upper(p_name) AS name, substring(p_type, 1, 5) AS type_prefix
FROM part
WHERE p_name LIKE '%green%' AND p_partkey < 200
ORDER BY p_partkey
