SELECT s_suppkey, abs(s_acctbal) AS magnitude FROM supplier WHERE s_acctbal < 0
