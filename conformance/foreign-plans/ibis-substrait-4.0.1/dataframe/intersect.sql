SELECT c_nationkey AS k FROM customer WHERE c_acctbal > 9000
INTERSECT
SELECT s_nationkey FROM supplier WHERE s_acctbal < 0
