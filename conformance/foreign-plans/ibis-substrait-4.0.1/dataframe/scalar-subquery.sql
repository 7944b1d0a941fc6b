SELECT s_name, s_acctbal FROM supplier
WHERE s_acctbal > (SELECT CAST(avg(s_acctbal) * 1.8 AS DECIMAL(15,2)) FROM supplier)
ORDER BY s_name
