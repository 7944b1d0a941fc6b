"""Expected answers from DuckDB 2 (PyPI `duckdb==2.0.1`, the version of the project's
embedded DuckDB) running each case's SQL directly over the same data (never through
Substrait), and the manifest of every plan.

Usage: python answers.py OUT_DIR TPCDS_DIR

Reads OUT_DIR/*/generation.json (written by the generators), writes next to each case's
`.sql` a `<name>.answer.csv` (header row, DuckDB's CSV text) and `<name>.answer.parquet`
(exact column types), and OUT_DIR/manifest.json. When a DuckDB 1.1.3 round trip of the plan
was kept ($FOREIGN_PLANS_WORK, duckdb_substrait.py) it is compared with the answer too.
"""

import decimal
import glob
import json
import math
import os
import re
import sys

import duckdb

import queries

DATASETS = {
    "tpch": {
        "name": "tpch-sf0.01",
        "description": "TPC-H scale 0.01, DuckDB dbgen, the corpus's Parquet files (DDL: NOT NULL columns, DECIMAL(15,2))",
        "corpus_path": "duckdb-1.1.3-generated/data/tpch",
        "ddl": "duckdb-1.1.3-generated/ddl/tpch_ddl.sql",
    },
    "features": None,  # same as tpch
    "tpcds": {
        "name": "tpcds-sf0.01",
        "description": "TPC-DS scale 0.01 from scripts/tpcds-data.sh (dsdgen of duckdb-extension-tpcds 1.5.5), one Parquet file per table",
        "generate": "scripts/tpcds-data.sh DIR 0.01",
    },
}
DATASETS["features"] = DATASETS["tpch"]
DATASETS["dataframe"] = DATASETS["tpch"]
TPCDS_SCALE = os.environ.get("SWITCHYARD_FOREIGN_TPCDS_SCALE", "0.01")
if TPCDS_SCALE != "0.01":
    DATASETS["tpcds"] = dict(DATASETS["tpcds"], name=f"tpcds-sf{TPCDS_SCALE}",
                             description=DATASETS["tpcds"]["description"].replace("0.01", TPCDS_SCALE),
                             generate=f"scripts/tpcds-data.sh DIR {TPCDS_SCALE}")


# Plans found (by reading them) not to mean their SQL: a correct consumer disagrees with the
# answer. Keyed by (producer folder, set, query).
KNOWN_WRONG = {
    ("duckdb-1.1.3", "tpch", "q13"): "NOT LIKE written as not_equal:string_string",
    ("duckdb-1.1.3", "features", "intersect-all"): "INTERSECT ALL written as SET_OP_INTERSECTION_PRIMARY",
    ("duckdb-1.1.3", "tpcds", "q18"): "GROUP BY ROLLUP written as one grouping set of all four keys",
    ("duckdb-1.1.3", "tpcds", "q22"): "GROUP BY ROLLUP written as one grouping set of all four keys",
    ("ibis-substrait-4.0.1", "features", "offset"): "ibis.parse_sql dropped the OFFSET (FetchRel count 5, no offset)",
    ("ibis-substrait-4.0.1", "features", "distinct"): "ibis.parse_sql dropped the DISTINCT",
    ("ibis-substrait-4.0.1", "features", "right-join"): "ibis.parse_sql dropped the select list (all columns of both tables)",
    ("ibis-substrait-4.0.1", "features", "cross-join"): "ibis.parse_sql dropped the select list (all columns of both tables)",
    ("ibis-substrait-4.0.1", "features", "cross-rel"): "ibis.parse_sql dropped the select list (all columns of both tables)",
    ("ibis-substrait-4.0.1", "features", "join-non-equi"): "ibis.parse_sql dropped the select list (all columns of both tables)",
    ("ibis-substrait-4.0.1", "dataframe", "semi-join"): "the select was dropped: 2 root names for the semi join's 7 columns (the first two are the answer's)",
    ("ibis-substrait-4.0.1", "features", "left-semi-join"): "ibis.parse_sql made a LEFT join of all columns",
    ("ibis-substrait-4.0.1", "features", "left-anti-join"): "ibis.parse_sql made a LEFT join of all columns",
    ("ibis-substrait-4.0.1", "features", "right-semi-join"): "ibis.parse_sql made a RIGHT join of all columns",
    ("ibis-substrait-4.0.1", "features", "right-anti-join"): "ibis.parse_sql made a RIGHT join of all columns",
    ("duckdb-1.1.3", "features", "union-distinct"): "UNION (distinct) written as SET_OP_UNION_ALL with nothing removing duplicates",
    ("duckdb-1.1.3", "features", "set-union-distinct"): "UNION (distinct) written as SET_OP_UNION_ALL with nothing removing duplicates",
    ("duckdb-1.1.3", "features", "timestamp-interval-arithmetic"): "interval microseconds overflow 32 bits: 2 hours (7,200,000,000 us) written as microseconds -1389934592, 4 hours as 1515098112",
    ("ibis-substrait-4.0.1", "dataframe", "string-functions"): "substring start written 0-based (i8 0) where Substrait's substring is 1-based, so 5 characters from 1 became 4",
    ("ibis-substrait-4.0.1", "features", "left-join"): "count(o_orderkey) written as count with no argument (count of rows), which counts the null-extended row of a customer without orders",
}


def connect():
    # one thread: unordered answers come out in the same row order every run
    return duckdb.connect(config={"threads": 1})


def tpch_connection(corpus):
    con = connect()
    root = os.path.join(corpus, "duckdb-1.1.3-generated")
    with open(os.path.join(root, "ddl/tpch_ddl.sql")) as f:
        for statement in queries.split_statements(f.read()):
            con.execute(statement)
    for path in sorted(glob.glob(os.path.join(root, "data/tpch/*.parquet"))):
        table = os.path.basename(path)[: -len(".parquet")]
        con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet('{path}')")
    return con


def tpcds_connection(tpcds_dir):
    con = connect()
    for path in sorted(glob.glob(os.path.join(tpcds_dir, "*.parquet"))):
        table = os.path.basename(path)[: -len(".parquet")]
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def canonical(value):
    if isinstance(value, bool):
        return ("v", str(value))
    if isinstance(value, (int, float)):
        return ("f", float(value))
    if isinstance(value, decimal.Decimal):
        return ("f", float(value))
    if value is None:
        return ("n", "")
    return ("v", str(value))


def same_rows(expected, actual):
    if len(expected) != len(actual):
        return f"{len(actual)} rows, expected {len(expected)}"
    key = lambda row: [canonical(v) for v in row]
    for a, b in zip(sorted(map(key, expected)), sorted(map(key, actual))):
        if len(a) != len(b):
            return f"{len(b)} columns, expected {len(a)}"
        for x, y in zip(a, b):
            if x[0] == "f" and y[0] == "f":
                if not math.isclose(x[1], y[1], rel_tol=1e-6, abs_tol=1e-9):
                    return f"value {y[1]!r}, expected {x[1]!r}"
            elif x != y:
                return f"value {y[1]!r}, expected {x[1]!r}"
    return None


def answer(con, case_dir, entry, work_dir):
    name = entry["query"]
    with open(os.path.join(case_dir, f"{name}.sql")) as f:
        text = f.read()
    setup, query, teardown = queries.last_select(text)
    result = {"ordered": queries.top_level_order_by(query)}
    try:
        for statement in setup:
            con.execute(statement)
        rel = con.sql(query)
        columns = [{"name": n, "type": str(t)} for n, t in zip(rel.columns, rel.types)]
        rows = rel.fetchall()
        csv_path = os.path.join(case_dir, f"{name}.answer.csv")
        parquet_path = os.path.join(case_dir, f"{name}.answer.parquet")
        con.execute(f"COPY ({query}) TO '{csv_path}' (FORMAT csv, HEADER)")
        con.execute(f"COPY ({query}) TO '{parquet_path}' (FORMAT parquet)")
        result.update(answer="computed", columns=columns, rows=len(rows))
        if not rows:
            result["answer_note"] = "empty: proves nothing"
        elif all(v is None for row in rows for v in row):
            result["answer_note"] = "all NULL: proves little"
        roundtrip = os.path.join(work_dir, f"{name}.parquet")
        if entry.get("roundtrip") == "ran" and os.path.exists(roundtrip):
            actual = con.sql(f"SELECT * FROM read_parquet('{roundtrip}')").fetchall()
            problem = same_rows(rows, actual)
            result["duckdb_1_1_3_roundtrip"] = "agrees" if problem is None else "differs"
            if problem:
                result["duckdb_1_1_3_roundtrip_message"] = problem
        acero = os.path.join(work_dir.replace(os.sep + producer_of(work_dir) + os.sep,
                                              os.sep + "acero" + os.sep + producer_of(work_dir) + os.sep), name)
        if entry["outcome"] == "produced" and os.path.exists(acero + ".parquet"):
            actual = con.sql(f"SELECT * FROM read_parquet('{acero}.parquet')").fetchall()
            problem = same_rows(rows, actual)
            if problem is None and result["ordered"] and [list(map(canonical, r)) for r in rows] != [list(map(canonical, r)) for r in actual]:
                problem = "same rows in another order"
            result["acero_check"] = "agrees" if problem is None else "differs"
            if problem:
                result["acero_check_message"] = problem
        elif entry["outcome"] == "produced" and os.path.exists(acero + ".error"):
            with open(acero + ".error") as f:
                result["acero_check"] = "failed"
                result["acero_check_message"] = f.read().strip()[:300]
    except Exception as error:
        result.update(answer="error", answer_message=f"{type(error).__name__}: {str(error).strip()}")
    finally:
        for statement in teardown:
            try:
                con.execute(statement)
            except Exception:
                pass
    return result


def producer_of(work_dir):
    """The producer folder's name in $FOREIGN_PLANS_WORK/<producer>/<set>."""
    return os.path.basename(os.path.dirname(work_dir))


def spec_version(version):
    if not version:
        return None
    return f"{version.get('majorNumber', 0)}.{version.get('minorNumber', 0)}.{version.get('patchNumber', 0)}"


def main():
    out_root, tpcds_dir = sys.argv[1], sys.argv[2]
    corpus = queries.corpus_dir()
    work_root = os.environ.get("FOREIGN_PLANS_WORK", "/var/tmp/switchyard-foreign-plans-work")
    manifest = {
        "about": "Plans written by other Substrait producers, each with the SQL it means and DuckDB's answer to that SQL; "
                 "regenerate with scripts/generate-foreign-plans.sh. Paths are relative to this file; data set "
                 "paths are relative to the shared corpus (../shared/corpus) or made by the named script.",
        "answers_by": f"DuckDB {duckdb.__version__} (Python package duckdb=={duckdb.__version__}) running the SQL file directly",
        "datasets": {DATASETS["tpch"]["name"]: DATASETS["tpch"], DATASETS["tpcds"]["name"]: DATASETS["tpcds"]},
        "producers": {},
        "plans": [],
    }
    connections = {}
    validator = {}
    validator_file = os.path.join(work_root, "validator.json")
    if os.path.exists(validator_file):
        with open(validator_file) as f:
            validator = json.load(f)
    for generation in sorted(glob.glob(os.path.join(out_root, "*", "generation.json"))):
        producer_dir = os.path.dirname(generation)
        producer_folder = os.path.basename(producer_dir)
        with open(generation) as f:
            info = json.load(f)
        manifest["producers"][producer_folder] = {
            "producer": info["producer"], "producer_version": info["producer_version"],
            "packages": info["packages"], "generation": f"{producer_folder}/generation.json"}
        for entry in info["entries"]:
            set_name = entry["set"]
            dataset = DATASETS[set_name]
            key = dataset["name"]
            if key not in connections:
                connections[key] = tpch_connection(corpus) if set_name != "tpcds" else tpcds_connection(tpcds_dir)
            case_dir = os.path.join(producer_dir, set_name)
            work_dir = os.path.join(work_root, producer_folder, set_name)
            result = answer(connections[key], case_dir, entry, work_dir)
            if entry["outcome"] == "produced" and result.get("answer") == "computed":
                with open(os.path.join(case_dir, f"{entry['query']}.plan.json")) as f:
                    root = json.load(f)["relations"][-1]["root"]
                names = root.get("names", [])
                wanted = [c["name"] for c in result["columns"]]
                # RelRoot.names lists struct fields' names too; the answers here have none
                result["root_names_match_answer"] = names == wanted
                if names != wanted:
                    result["root_names"] = names
            rel = lambda suffix: f"{producer_folder}/{set_name}/{entry['query']}{suffix}"
            record = {
                "producer": info["producer"],
                "producer_version": info["producer_version"],
                "set": set_name,
                "query": entry["query"],
                "dataset": key,
                "sql": rel(".sql"),
                "sql_source": entry["sql_source"],
                "outcome": entry["outcome"],
            }
            if (producer_folder, set_name, entry["query"]) in KNOWN_WRONG and entry["outcome"] == "produced":
                record["known_wrong_plan"] = KNOWN_WRONG[(producer_folder, set_name, entry["query"])]
            if entry["outcome"] == "produced":
                record.update(plan_json=rel(".plan.json"), plan_pb=rel(".plan.pb"),
                              spec_version=spec_version(entry.get("spec_version")),
                              plan_producer_field=entry.get("spec_version", {}).get("producer"))
                checked = validator.get(f"{producer_folder}/{set_name}/{entry['query']}")
                if checked is not None:
                    record["validator_result"] = {-1: "invalid", 0: "undecided", 1: "valid"}.get(checked["result"], "failed")
                    if checked["errors"]:
                        record["validator_errors"] = checked["errors"]
                if "roundtrip" in entry:
                    record["duckdb_1_1_3_roundtrip"] = entry["roundtrip"]
                    if "roundtrip_message" in entry:
                        record["duckdb_1_1_3_roundtrip_message"] = entry["roundtrip_message"]
            else:
                record["message"] = entry.get("message")
            if result.get("answer") == "computed":
                record.update(answer_csv=rel(".answer.csv"), answer_parquet=rel(".answer.parquet"))
            record.update(result)
            manifest["plans"].append(record)
    with open(os.path.join(out_root, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    plans = manifest["plans"]
    produced = [p for p in plans if p["outcome"] == "produced"]
    print(f"manifest: {len(plans)} cases, {len(produced)} plans, "
          f"{sum(p.get('answer') == 'computed' for p in produced)} with answers, "
          f"{sum('answer_note' in p for p in produced)} empty or all-NULL", file=sys.stderr)


if __name__ == "__main__":
    main()
