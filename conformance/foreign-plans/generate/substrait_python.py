"""Plans built with the `substrait` Python package (PyPI `substrait[extensions]==0.37.1`, spec
0.106 through `substrait-protobuf`/`substrait-extensions` 0.106.0): its DataFrame API
(`substrait.dataframe`) over the TPC-H tables, each case paired with the SQL it means.

Usage: python substrait_python.py OUT_DIR

Writes OUT_DIR/substrait-python-<version>/dataframe/<name>.{plan.json,plan.pb,sql} and
OUT_DIR/substrait-python-<version>/generation.json. The table schemas are the ones of
<corpus>/duckdb-1.1.3-generated/ddl/tpch_ddl.sql (NOT NULL columns, DECIMAL(15,2) money).
"""

import datetime
import decimal
import json
import os
import sys
import traceback
from importlib.metadata import version

from google.protobuf import json_format

import substrait.dataframe as sub
from dataframe_cases import SQL
from substrait import algebra_pb2 as stalg

f = sub.f
col, lit = sub.col, sub.lit


def dec():
    return sub.decimal(2, 15, nullable=False)  # this package's decimal() takes (scale, precision)


STRING, I64, I32, DATE = sub.string.non_null, sub.i64.non_null, sub.i32.non_null, sub.date.non_null

SCHEMAS = {
    "customer": {"c_custkey": I64, "c_name": STRING, "c_address": STRING, "c_nationkey": I32,
                 "c_phone": STRING, "c_acctbal": dec(), "c_mktsegment": STRING, "c_comment": STRING},
    "lineitem": {"l_orderkey": I64, "l_partkey": I64, "l_suppkey": I64, "l_linenumber": I64,
                 "l_quantity": dec(), "l_extendedprice": dec(), "l_discount": dec(), "l_tax": dec(),
                 "l_returnflag": STRING, "l_linestatus": STRING, "l_shipdate": DATE,
                 "l_commitdate": DATE, "l_receiptdate": DATE, "l_shipinstruct": STRING,
                 "l_shipmode": STRING, "l_comment": STRING},
    "nation": {"n_nationkey": I32, "n_name": STRING, "n_regionkey": I32, "n_comment": STRING},
    "orders": {"o_orderkey": I64, "o_custkey": I64, "o_orderstatus": STRING, "o_totalprice": dec(),
               "o_orderdate": DATE, "o_orderpriority": STRING, "o_clerk": STRING,
               "o_shippriority": I32, "o_comment": STRING},
    "part": {"p_partkey": I64, "p_name": STRING, "p_mfgr": STRING, "p_brand": STRING,
             "p_type": STRING, "p_size": I32, "p_container": STRING, "p_retailprice": dec(),
             "p_comment": STRING},
    "partsupp": {"ps_partkey": I64, "ps_suppkey": I64, "ps_availqty": I64,
                 "ps_supplycost": dec(), "ps_comment": STRING},
    "region": {"r_regionkey": I32, "r_name": STRING, "r_comment": STRING},
    "supplier": {"s_suppkey": I64, "s_name": STRING, "s_address": STRING, "s_nationkey": I32,
                 "s_phone": STRING, "s_acctbal": dec(), "s_comment": STRING},
}


def t(name):
    return sub.read_named_table(name, SCHEMAS[name])


def d(text):
    return lit(datetime.date.fromisoformat(text))


def money(text):
    """A DECIMAL(15,2) literal, like the columns it meets."""
    return lit(decimal.Decimal(text), sub.decimal(2, 15, nullable=False))


CASES = []


def case(name):
    def register(build):
        CASES.append((name, SQL[name].strip() + "\n", build))
        return build
    return register


@case("filter-project-arithmetic")
def _():
    return (t("lineitem")
            .filter((col("l_quantity") < money("3")) & (col("l_discount") >= money("0.09")))
            .select("l_orderkey", "l_linenumber",
                    (col("l_extendedprice") * (money("1") - col("l_discount"))).alias("disc_price")))


@case("pricing-summary")
def _():
    return (t("lineitem")
            .filter(col("l_shipdate") <= d("1998-09-02"))
            .group_by("l_returnflag", "l_linestatus")
            .agg(f.sum(col("l_quantity")).alias("sum_qty"),
                 f.sum(col("l_extendedprice")).alias("sum_base_price"),
                 f.avg(col("l_discount")).alias("avg_disc"),
                 f.count().alias("count_order"))
            .sort("l_returnflag", "l_linestatus"))


@case("forecast-revenue")
def _():
    return (t("lineitem")
            .filter((col("l_shipdate") >= d("1994-01-01")) & (col("l_shipdate") < d("1995-01-01"))
                    & col("l_discount").between(money("0.05"), money("0.07"))
                    & (col("l_quantity") < money("24")))
            .aggregate((), f.sum(col("l_extendedprice") * col("l_discount")).alias("revenue")))


@case("join-group-count")
def _():
    return (t("customer").join(t("orders"), col("c_custkey") == col("o_custkey"))
            .group_by("c_mktsegment")
            .agg(f.count().alias("orders"), f.sum(col("o_totalprice")).alias("total"))
            .sort("c_mktsegment"))


@case("three-way-join")
def _():
    return (t("supplier").join(t("nation"), col("s_nationkey") == col("n_nationkey"))
            .join(t("region"), col("n_regionkey") == col("r_regionkey"))
            .filter(col("r_name").is_in(["ASIA", "EUROPE"]))
            .group_by("r_name", "n_name")
            .agg(f.count().alias("suppliers"))
            .sort("r_name", "n_name"))


@case("left-join-count")
def _():
    return (t("customer").filter(col("c_custkey") < lit(40))
            .join(t("orders"), col("c_custkey") == col("o_custkey"), how="left")
            .group_by("c_custkey")
            .agg(f.count(col("o_orderkey")).alias("orders"))
            .sort("c_custkey"))


@case("top-n")
def _():
    return (t("orders").select("o_orderkey", "o_custkey", "o_totalprice")
            .sort("o_totalprice", "o_orderkey", descending=[True, False])
            .limit(10))


@case("limit-offset")
def _():
    return t("nation").select("n_name").sort("n_name").limit(5, offset=10)


@case("union-all")
def _():
    return (t("nation").filter(col("n_regionkey") == lit(1, sub.i32)).select(col("n_name").alias("name"))
            .union(t("region").select(col("r_name").alias("name"))))


@case("union-distinct")
def _():
    return (t("nation").select(col("n_regionkey").alias("k"))
            .union(t("customer").select(col("c_nationkey").alias("k")), distinct=True))


@case("intersect")
def _():
    return (t("customer").filter(col("c_acctbal") > money("9000")).select(col("c_nationkey").alias("k"))
            .intersect(t("supplier").filter(col("s_acctbal") < money("0"))
                       .select(col("s_nationkey").alias("k"))))


@case("except")
def _():
    return (t("nation").select(col("n_nationkey").alias("k"))
            .except_(t("supplier").filter(col("s_acctbal") > money("9900"))
                     .select(col("s_nationkey").alias("k"))))


@case("anti-join")
def _():
    return (t("customer").join(t("orders"), col("c_custkey") == col("o_custkey"), how="left_anti")
            .select("c_custkey").sort("c_custkey"))


@case("semi-join")
def _():
    return (t("supplier")
            .join(t("nation").filter(col("n_regionkey") == lit(2, sub.i32)),
                  col("s_nationkey") == col("n_nationkey"), how="left_semi")
            .select("s_suppkey", "s_name").sort("s_suppkey"))


@case("case-when")
def _():
    return (t("nation")
            .select("n_name",
                    sub.when(col("n_regionkey") == lit(0, sub.i32)).then(lit("africa"))
                    .when(col("n_regionkey") == lit(1, sub.i32)).then(lit("america"))
                    .otherwise(lit("other")).alias("region"))
            .sort("n_name"))


@case("string-functions")
def _():
    return (t("part")
            .filter(f.like(col("p_name"), lit("%green%")) & (col("p_partkey") < lit(200)))
            .select("p_partkey", f.upper(col("p_name")).alias("name"),
                    f.substring(col("p_type"), lit(1, sub.i32), lit(5, sub.i32)).alias("type_prefix"))
            .sort("p_partkey"))


@case("in-list-and-or")
def _():
    return (t("orders")
            .filter(col("o_orderstatus").is_in(["F", "P"]) | (col("o_totalprice") > money("400000")))
            .group_by("o_orderpriority").agg(f.count().alias("orders"))
            .sort("o_orderpriority"))


@case("cast-to-double")
def _():
    return (t("supplier").filter(col("s_suppkey") < lit(10))
            .select("s_suppkey", (col("s_acctbal").cast(sub.fp64.non_null) / lit(3.0)).alias("third"))
            .sort("s_suppkey"))


@case("count-distinct-min-max")
def _():
    return (t("lineitem").group_by("l_shipmode")
            .agg(f.count(col("l_suppkey")).distinct().alias("suppliers"),
                 f.min(col("l_shipdate")).alias("first"), f.max(col("l_shipdate")).alias("last"))
            .sort("l_shipmode"))


@case("cross-join")
def _():
    return (t("nation").cross_join(t("region")).filter(col("r_regionkey") < lit(2, sub.i32))
            .select("n_name", "r_name"))


@case("scalar-subquery")
def _():
    threshold = (t("supplier").aggregate((), f.avg(col("s_acctbal")).alias("a"))
                 .select((col("a") * money("1.8")).cast(dec()).alias("x")))
    return (t("supplier").filter(col("s_acctbal") > sub.scalar_subquery(threshold))
            .select("s_name", "s_acctbal").sort("s_name"))


@case("window-row-number")
def _():
    return (t("nation").select(
        "n_name", "n_regionkey",
        f.row_number().over(partition_by=[col("n_regionkey")], order_by=[col("n_name")]).alias("rn")))


@case("having")
def _():
    return (t("orders").group_by("o_custkey").agg(f.count().alias("orders"))
            .filter(col("orders") > lit(25)).sort("o_custkey"))


@case("date-range-null-checks")
def _():
    return (t("orders")
            .filter(col("o_orderdate").between(d("1995-03-01"), d("1995-03-10"))
                    & col("o_comment").is_not_null())
            .group_by("o_orderdate").agg(f.count().alias("orders")).sort("o_orderdate"))


def main():
    out_root = sys.argv[1]
    producer_version = version("substrait")
    producer_dir = os.path.join(out_root, f"substrait-python-{producer_version}")
    out_dir = os.path.join(producer_dir, "dataframe")
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, old))
    entries = []
    for name, sql, build in CASES:
        entry = {"set": "dataframe", "query": name, "sql_source": "generate/dataframe_cases.py"}
        with open(os.path.join(out_dir, f"{name}.sql"), "w") as fh:
            fh.write(sql)
        try:
            plan = build().to_plan()
        except Exception as error:
            entry["outcome"] = "refused"
            entry["message"] = f"{type(error).__name__}: {error}"
            traceback.print_exc()
            entries.append(entry)
            continue
        text = json_format.MessageToJson(plan, indent=1)
        with open(os.path.join(out_dir, f"{name}.plan.json"), "w") as fh:
            fh.write(text + "\n")
        with open(os.path.join(out_dir, f"{name}.plan.pb"), "wb") as fh:
            fh.write(plan.SerializeToString())
        entry["outcome"] = "produced"
        entry["spec_version"] = json.loads(text).get("version", {})
        entries.append(entry)
    produced = sum(e["outcome"] == "produced" for e in entries)
    print(f"substrait-python {producer_version}: {produced} of {len(entries)} built", file=sys.stderr)
    with open(os.path.join(producer_dir, "generation.json"), "w") as fh:
        json.dump({"producer": "substrait (Python package, DataFrame API)",
                   "producer_version": producer_version,
                   "packages": [f"substrait[extensions]=={producer_version}",
                                f"substrait-protobuf=={version('substrait-protobuf')}",
                                f"substrait-extensions=={version('substrait-extensions')}"],
                   "entries": entries}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
