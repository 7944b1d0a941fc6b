SELECT s_name, s_acctbal FROM supplier WHERE s_acctbal > (SELECT avg(s_acctbal) * 1.8 FROM supplier)
