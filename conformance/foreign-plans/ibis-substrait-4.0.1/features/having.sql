SELECT o_orderpriority, count(*) AS orders FROM orders GROUP BY o_orderpriority HAVING count(*) > 100
