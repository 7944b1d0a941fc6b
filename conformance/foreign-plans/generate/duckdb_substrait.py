"""Plans from DuckDB 1.1.3's substrait extension (PyPI `duckdb==1.1.3` +
`duckdb-extension-substrait==1.1.3`, the extension loaded from its file, no network).

Usage: python duckdb_substrait.py OUT_DIR TPCDS_DIR

For each query of the `tpch`, `tpcds` and `features` sets (queries.py) it writes, under
OUT_DIR/duckdb-1.1.3/<set>/: `<name>.sql` (the text planned and answered), and when DuckDB
produces a plan `<name>.plan.json` (get_substrait_json) and `<name>.plan.pb` (get_substrait,
binary substrait.Plan). Outcomes go to OUT_DIR/duckdb-1.1.3/generation.json. It also runs each
binary plan back through DuckDB 1.1.3's own `from_substrait` and keeps that result (Parquet,
under $FOREIGN_PLANS_WORK, not committed) for answers.py to compare with DuckDB 2's answer.

Data: TPC-H sf0.01 from <corpus>/duckdb-1.1.3-generated (its DDL, NOT NULL columns, filled from
its Parquet files); TPC-DS from TPCDS_DIR (scripts/tpcds-data.sh, tables created from the files).
"""

import glob
import json
import os
import sys

import duckdb
import duckdb_extension_substrait

import queries

PRODUCER = "duckdb-1.1.3"


def connect():
    base = os.path.dirname(duckdb_extension_substrait.__file__)
    extension = glob.glob(os.path.join(base, "extensions", "*", "substrait.duckdb_extension"))
    if not extension:
        raise SystemExit(f"no substrait.duckdb_extension under {base}")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{extension[0]}'")
    return con


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


def message(error):
    return f"{type(error).__name__}: {str(error).strip()}"


def produce(con, set_name, name, text, source, out_dir, work_dir):
    entry = {"set": set_name, "query": name, "sql_source": source}
    with open(os.path.join(out_dir, f"{name}.sql"), "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")
    setup, query, teardown = queries.last_select(text)
    try:
        for statement in setup:
            con.execute(statement)
        try:
            plan_json = con.execute("CALL get_substrait_json(?)", [query]).fetchone()[0]
            plan_pb = con.execute("CALL get_substrait(?)", [query]).fetchone()[0]
        except Exception as error:  # the producer refused
            entry["outcome"] = "refused"
            entry["message"] = message(error)
            return entry
        parsed = json.loads(plan_json)
        with open(os.path.join(out_dir, f"{name}.plan.json"), "w") as f:
            json.dump(parsed, f, indent=1)
            f.write("\n")
        with open(os.path.join(out_dir, f"{name}.plan.pb"), "wb") as f:
            f.write(plan_pb)
        entry["outcome"] = "produced"
        entry["spec_version"] = parsed.get("version", {})
        # DuckDB 1.1.3 reading its own plan back: a check on the plan, not the answer.
        try:
            path = os.path.join(work_dir, f"{name}.parquet")
            con.execute(
                f"COPY (SELECT * FROM from_substrait($plan)) TO '{path}' (FORMAT parquet)",
                {"plan": plan_pb},
            )
            entry["roundtrip"] = "ran"
        except Exception as error:
            entry["roundtrip"] = "failed"
            entry["roundtrip_message"] = message(error)
        return entry
    finally:
        for statement in teardown:
            try:
                con.execute(statement)
            except Exception:
                pass


def main():
    out_root, tpcds_dir = sys.argv[1], sys.argv[2]
    corpus = queries.corpus_dir()
    work_root = os.environ.get("FOREIGN_PLANS_WORK", "/var/tmp/switchyard-foreign-plans-work")
    producer_dir = os.path.join(out_root, PRODUCER)
    sets = [
        ("tpch", queries.tpch_queries(), lambda: tpch_connection(corpus)),
        ("features", queries.feature_queries(), lambda: tpch_connection(corpus)),
        ("tpcds", queries.tpcds_queries(), lambda: tpcds_connection(tpcds_dir)),
    ]
    entries = []
    for set_name, cases, make in sets:
        out_dir = os.path.join(producer_dir, set_name)
        work_dir = os.path.join(work_root, PRODUCER, set_name)
        for d in (out_dir, work_dir):
            os.makedirs(d, exist_ok=True)
            for old in glob.glob(os.path.join(d, "*")):
                os.remove(old)
        con = make()
        produced = 0
        for name, text, source in cases:
            entry = produce(con, set_name, name, text, source, out_dir, work_dir)
            if "invalidated" in entry.get("message", "") + entry.get("roundtrip_message", ""):
                # an earlier query's fatal error poisoned the database: retry on a fresh one
                con.close()
                con = make()
                entry = produce(con, set_name, name, text, source, out_dir, work_dir)
            if "FatalException" in entry.get("message", "") + entry.get("roundtrip_message", ""):
                con.close()
                con = make()  # this query's fatal error: the next one starts afresh
            produced += entry["outcome"] == "produced"
            entries.append(entry)
        con.close()
        print(f"{PRODUCER} {set_name}: {produced} of {len(cases)} planned", file=sys.stderr)
    with open(os.path.join(producer_dir, "generation.json"), "w") as f:
        json.dump(
            {"producer": "DuckDB substrait extension", "producer_version": duckdb.__version__,
             "packages": ["duckdb==1.1.3", "duckdb-extension-substrait==1.1.3"], "entries": entries},
            f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
