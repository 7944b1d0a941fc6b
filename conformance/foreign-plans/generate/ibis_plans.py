"""Plans from ibis-substrait 4.0.1 (ibis-framework 9.5.0, substrait 0.20.0 Python package; spec
0.50, `producer: "ibis-substrait"`): ibis expressions compiled with its SubstraitCompiler.

Usage: python ibis_substrait.py OUT_DIR

Sets, under OUT_DIR/ibis-substrait-4.0.1/:
* `dataframe`: the 24 cases of dataframe_cases.py written as ibis expressions over the TPC-H
  tables (the SQL beside each is the same text as the substrait-python set's);
* `tpch`, `features`: the SQL of queries.py turned into ibis expressions by `ibis.parse_sql`
  (sqlglot, DuckDB dialect) and compiled; parse_sql handles few of them, and each failure is
  recorded with its message.
The schemas are those of <corpus>/duckdb-1.1.3-generated/ddl/tpch_ddl.sql (NOT NULL columns).
"""

import datetime
import json
import os
import re
import sys
import traceback
from importlib.metadata import version

import ibis
from ibis import _
from google.protobuf import json_format
from ibis_substrait.compiler.core import SubstraitCompiler

import queries
from dataframe_cases import SQL

D = "!decimal(15,2)"
SCHEMAS = {
    "customer": dict(c_custkey="!int64", c_name="!string", c_address="!string", c_nationkey="!int32",
                     c_phone="!string", c_acctbal=D, c_mktsegment="!string", c_comment="!string"),
    "lineitem": dict(l_orderkey="!int64", l_partkey="!int64", l_suppkey="!int64", l_linenumber="!int64",
                     l_quantity=D, l_extendedprice=D, l_discount=D, l_tax=D, l_returnflag="!string",
                     l_linestatus="!string", l_shipdate="!date", l_commitdate="!date",
                     l_receiptdate="!date", l_shipinstruct="!string", l_shipmode="!string",
                     l_comment="!string"),
    "nation": dict(n_nationkey="!int32", n_name="!string", n_regionkey="!int32", n_comment="!string"),
    "orders": dict(o_orderkey="!int64", o_custkey="!int64", o_orderstatus="!string", o_totalprice=D,
                   o_orderdate="!date", o_orderpriority="!string", o_clerk="!string",
                   o_shippriority="!int32", o_comment="!string"),
    "part": dict(p_partkey="!int64", p_name="!string", p_mfgr="!string", p_brand="!string",
                 p_type="!string", p_size="!int32", p_container="!string", p_retailprice=D,
                 p_comment="!string"),
    "partsupp": dict(ps_partkey="!int64", ps_suppkey="!int64", ps_availqty="!int64",
                     ps_supplycost=D, ps_comment="!string"),
    "region": dict(r_regionkey="!int32", r_name="!string", r_comment="!string"),
    "supplier": dict(s_suppkey="!int64", s_name="!string", s_address="!string", s_nationkey="!int32",
                     s_phone="!string", s_acctbal=D, s_comment="!string"),
}
TABLES = {name: ibis.table(schema, name=name) for name, schema in SCHEMAS.items()}


def money(text):
    """A DECIMAL(15,2) value: ibis-substrait 4.0.1 cannot write decimal literals
    (`_literal_decimal` raises NotImplementedError), so a string literal cast to the type."""
    return ibis.literal(text).cast("decimal(15,2)")


def i32(value):
    return ibis.literal(value, type="int32")


def day(text):
    return ibis.literal(datetime.date.fromisoformat(text))


def dataframe_cases():
    """name -> a function building the case's ibis expression (one failing case fails alone)."""
    c, l, n, o, p, r, s = (TABLES[x] for x in ["customer", "lineitem", "nation", "orders", "part", "region", "supplier"])
    cases = {}

    def case(name):
        def register(build):
            cases[name] = build
            return build
        return register

    @case("filter-project-arithmetic")
    def build():
        return l.filter((_.l_quantity < money("3")) & (_.l_discount >= money("0.09"))).select(
            "l_orderkey", "l_linenumber", disc_price=lambda t: t.l_extendedprice * (money("1") - t.l_discount))

    @case("pricing-summary")
    def build():
        return (l.filter(_.l_shipdate <= day("1998-09-02"))
                .group_by(["l_returnflag", "l_linestatus"])
                .aggregate(sum_qty=_.l_quantity.sum(), sum_base_price=_.l_extendedprice.sum(),
                           avg_disc=_.l_discount.mean(), count_order=_.count())
                .order_by(["l_returnflag", "l_linestatus"]))

    @case("forecast-revenue")
    def build():
        return l.filter(
            (_.l_shipdate >= day("1994-01-01")) & (_.l_shipdate < day("1995-01-01"))
            & _.l_discount.between(money("0.05"), money("0.07")) & (_.l_quantity < money("24"))
        ).aggregate(revenue=(_.l_extendedprice * _.l_discount).sum())

    @case("join-group-count")
    def build():
        return (c.join(o, c.c_custkey == o.o_custkey).group_by("c_mktsegment")
                .aggregate(orders=_.count(), total=_.o_totalprice.sum()).order_by("c_mktsegment"))

    @case("three-way-join")
    def build():
        j = s.join(n, s.s_nationkey == n.n_nationkey).join(r, _.n_regionkey == r.r_regionkey)
        return (j.filter(_.r_name.isin(["ASIA", "EUROPE"])).group_by(["r_name", "n_name"])
                .aggregate(suppliers=_.count()).order_by(["r_name", "n_name"]))

    @case("left-join-count")
    def build():
        c40 = c.filter(_.c_custkey < 40)
        return (c40.join(o, c40.c_custkey == o.o_custkey, how="left").group_by("c_custkey")
                .aggregate(orders=_.o_orderkey.count()).order_by("c_custkey"))

    @case("top-n")
    def build():
        return (o.select("o_orderkey", "o_custkey", "o_totalprice")
                .order_by([ibis.desc("o_totalprice"), "o_orderkey"]).limit(10))

    @case("limit-offset")
    def build():
        return n.select("n_name").order_by("n_name").limit(5, offset=10)

    @case("union-all")
    def build():
        return (n.filter(_.n_regionkey == i32(1)).select(name=_.n_name)
                .union(r.select(name=r.r_name)))

    @case("union-distinct")
    def build():
        return n.select(k=n.n_regionkey).union(c.select(k=c.c_nationkey), distinct=True)

    @case("intersect")
    def build():
        return (c.filter(_.c_acctbal > money("9000")).select(k=_.c_nationkey)
                .intersect(s.filter(_.s_acctbal < money("0")).select(k=_.s_nationkey)))

    @case("except")
    def build():
        return (n.select(k=n.n_nationkey)
                .difference(s.filter(_.s_acctbal > money("9900")).select(k=_.s_nationkey)))

    @case("anti-join")
    def build():
        return (c.join(o, c.c_custkey == o.o_custkey, how="anti")
                .select("c_custkey").order_by("c_custkey"))

    @case("semi-join")
    def build():
        n2 = n.filter(_.n_regionkey == i32(2))
        return (s.join(n2, s.s_nationkey == n2.n_nationkey, how="semi")
                .select("s_suppkey", "s_name").order_by("s_suppkey"))

    @case("case-when")
    def build():
        return n.select(
            "n_name",
            region=ibis.case().when(n.n_regionkey == i32(0), "africa")
            .when(n.n_regionkey == i32(1), "america").else_("other").end(),
        ).order_by("n_name")

    @case("string-functions")
    def build():
        return (p.filter(_.p_name.like("%green%") & (_.p_partkey < 200))
                .select("p_partkey", name=_.p_name.upper(), type_prefix=_.p_type.substr(0, 5))
                .order_by("p_partkey"))

    @case("in-list-and-or")
    def build():
        return (o.filter(_.o_orderstatus.isin(["F", "P"]) | (_.o_totalprice > money("400000")))
                .group_by("o_orderpriority").aggregate(orders=_.count()).order_by("o_orderpriority"))

    @case("cast-to-double")
    def build():
        return (s.filter(_.s_suppkey < 10)
                .select("s_suppkey", third=_.s_acctbal.cast("float64") / ibis.literal(3.0))
                .order_by("s_suppkey"))

    @case("count-distinct-min-max")
    def build():
        return (l.group_by("l_shipmode")
                .aggregate(suppliers=_.l_suppkey.nunique(), first=_.l_shipdate.min(),
                           last=_.l_shipdate.max())
                .order_by("l_shipmode"))

    @case("cross-join")
    def build():
        return n.cross_join(r).filter(_.r_regionkey < i32(2)).select("n_name", "r_name")

    @case("scalar-subquery")
    def build():
        threshold = (s.s_acctbal.mean() * money("1.8")).cast("decimal(15,2)")
        return (s.filter(s.s_acctbal > threshold)
                .select("s_name", "s_acctbal").order_by("s_name"))

    @case("window-row-number")
    def build():
        return n.select(
            "n_name", "n_regionkey",
            rn=ibis.row_number().over(group_by=n.n_regionkey, order_by=n.n_name) + 1)

    @case("having")
    def build():
        return (o.group_by("o_custkey").aggregate(orders=_.count())
                .filter(_.orders > 25).order_by("o_custkey"))

    @case("date-range-null-checks")
    def build():
        return (o.filter(_.o_orderdate.between(day("1995-03-01"), day("1995-03-10"))
                         & _.o_comment.notnull())
                .group_by("o_orderdate").aggregate(orders=_.count()).order_by("o_orderdate"))

    return cases


def write(out_dir, name, sql, build, entry, entries):
    with open(os.path.join(out_dir, f"{name}.sql"), "w") as fh:
        fh.write(sql if sql.endswith("\n") else sql + "\n")
    try:
        plan = SubstraitCompiler().compile(build())
    except Exception as error:
        entry["outcome"] = "refused"
        # object addresses (`<... object at 0x7f...>`) would change from run to run
        entry["message"] = re.sub(r" at 0x[0-9a-f]+", "", f"{type(error).__name__}: {str(error).strip()}")
        entries.append(entry)
        return
    text = json_format.MessageToJson(plan, indent=1)
    with open(os.path.join(out_dir, f"{name}.plan.json"), "w") as fh:
        fh.write(text + "\n")
    with open(os.path.join(out_dir, f"{name}.plan.pb"), "wb") as fh:
        fh.write(plan.SerializeToString())
    entry["outcome"] = "produced"
    entry["spec_version"] = json.loads(text).get("version", {})
    entries.append(entry)


def fresh(path):
    os.makedirs(path, exist_ok=True)
    for old in os.listdir(path):
        os.remove(os.path.join(path, old))
    return path


def main():
    out_root = sys.argv[1]
    producer_version = version("ibis-substrait")
    producer_dir = os.path.join(out_root, f"ibis-substrait-{producer_version}")
    entries = []
    built = dataframe_cases()
    out_dir = fresh(os.path.join(producer_dir, "dataframe"))
    for name, sql in SQL.items():
        entry = {"set": "dataframe", "query": name, "sql_source": "generate/dataframe_cases.py"}
        write(out_dir, name, sql.strip() + "\n", built[name], entry, entries)
    catalog = {name: ibis.schema(schema) for name, schema in SCHEMAS.items()}
    for set_name, cases in [("tpch", queries.tpch_queries()), ("features", queries.feature_queries())]:
        out_dir = fresh(os.path.join(producer_dir, set_name))
        for name, text, source in cases:
            _, query, _ = queries.last_select(text)
            entry = {"set": set_name, "query": name, "sql_source": source, "via": "ibis.parse_sql"}
            write(out_dir, name, text, lambda: ibis.parse_sql(query, catalog, dialect="duckdb"), entry, entries)
    for set_name in ["dataframe", "tpch", "features"]:
        got = [e for e in entries if e["set"] == set_name]
        print(f"ibis-substrait {producer_version} {set_name}: "
              f"{sum(e['outcome'] == 'produced' for e in got)} of {len(got)} compiled", file=sys.stderr)
    with open(os.path.join(producer_dir, "generation.json"), "w") as fh:
        json.dump({"producer": "ibis-substrait (ibis expressions)", "producer_version": producer_version,
                   "packages": [f"ibis-substrait=={producer_version}",
                                f"ibis-framework=={version('ibis-framework')}",
                                f"substrait=={version('substrait')}", f"sqlglot=={version('sqlglot')}"],
                   "entries": entries}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
