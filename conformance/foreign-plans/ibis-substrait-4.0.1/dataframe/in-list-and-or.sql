SELECT o_orderpriority, count(*) AS orders
FROM orders
WHERE o_orderstatus IN ('F', 'P') OR o_totalprice > 400000
GROUP BY o_orderpriority
ORDER BY o_orderpriority
