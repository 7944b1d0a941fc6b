SELECT n_regionkey AS k FROM nation
UNION
SELECT c_nationkey FROM customer
