SELECT c_custkey FROM customer LEFT ANTI JOIN orders ON c_custkey = o_custkey
