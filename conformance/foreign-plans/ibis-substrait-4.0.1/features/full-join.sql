SELECT n_name, s_name FROM (SELECT * FROM nation WHERE n_regionkey < 3) n FULL JOIN (SELECT * FROM supplier WHERE s_acctbal > 8000) s ON s_nationkey = n_nationkey
