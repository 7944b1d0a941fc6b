SELECT n_name, CASE n_regionkey WHEN 0 THEN 'africa' WHEN 1 THEN 'america' ELSE 'other' END AS region FROM nation
