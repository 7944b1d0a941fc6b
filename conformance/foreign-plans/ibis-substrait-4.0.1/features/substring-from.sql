SELECT n_name, substring(n_name FROM 3) AS rest, substr(n_name, 2) AS tail FROM nation
