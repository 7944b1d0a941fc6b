SELECT s_suppkey FROM nation RIGHT ANTI JOIN supplier ON s_nationkey = n_nationkey AND n_regionkey = 0
