SELECT c_mktsegment, count(*) AS orders, sum(o_totalprice) AS total
FROM customer JOIN orders ON c_custkey = o_custkey
GROUP BY c_mktsegment
ORDER BY c_mktsegment
