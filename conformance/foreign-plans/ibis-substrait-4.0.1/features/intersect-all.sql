SELECT c_nationkey FROM customer WHERE c_acctbal > 9000 INTERSECT ALL SELECT s_nationkey FROM supplier
