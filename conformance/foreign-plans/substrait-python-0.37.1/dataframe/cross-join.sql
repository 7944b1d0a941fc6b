SELECT n_name, r_name FROM nation CROSS JOIN region WHERE r_regionkey < 2
