SELECT o_orderdate, count(*) AS orders
FROM orders
WHERE o_orderdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-10' AND o_comment IS NOT NULL
GROUP BY o_orderdate
ORDER BY o_orderdate
