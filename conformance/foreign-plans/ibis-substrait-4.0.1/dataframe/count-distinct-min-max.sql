SELECT l_shipmode, count(DISTINCT l_suppkey) AS suppliers, min(l_shipdate) AS first, max(l_shipdate) AS last
FROM lineitem
GROUP BY l_shipmode
ORDER BY l_shipmode
