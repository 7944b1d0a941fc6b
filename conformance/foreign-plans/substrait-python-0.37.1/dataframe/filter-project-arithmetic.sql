SELECT l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount) AS disc_price
FROM lineitem
WHERE l_quantity < 3 AND l_discount >= 0.09
