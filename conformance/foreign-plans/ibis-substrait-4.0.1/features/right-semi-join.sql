SELECT o_orderkey FROM customer RIGHT SEMI JOIN orders ON c_custkey = o_custkey AND c_acctbal > 9900
