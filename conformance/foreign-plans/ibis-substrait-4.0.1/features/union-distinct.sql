SELECT n_regionkey AS k FROM nation UNION SELECT r_regionkey FROM region
