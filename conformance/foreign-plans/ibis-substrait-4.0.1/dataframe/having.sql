SELECT o_custkey, count(*) AS orders FROM orders
GROUP BY o_custkey HAVING count(*) > 25
ORDER BY o_custkey
