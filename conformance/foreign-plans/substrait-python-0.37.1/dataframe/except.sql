SELECT n_nationkey AS k FROM nation
EXCEPT
SELECT s_nationkey FROM supplier WHERE s_acctbal > 9900
