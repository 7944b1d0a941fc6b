SELECT s_nationkey FROM supplier EXCEPT ALL SELECT c_nationkey FROM customer WHERE c_acctbal > 9990
