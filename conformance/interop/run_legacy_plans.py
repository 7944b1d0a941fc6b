"""Runs exported Substrait plans on the real older consumers and writes what they return.

Usage: python run_legacy_plans.py CASES.json

CASES.json: {"data": DIR, "cases": [{"plan": FILE, "consumer": "acero" | "duckdb-1.1", "out": FILE}]}
DIR holds one Parquet file per table (NAME.parquet). For each case, the consumer's result is
written to OUT as an Arrow IPC file, or its error to OUT + ".error" (one line, the consumer's
own message). Consumers: pyarrow's Acero (`pyarrow.substrait.run_query`) and DuckDB 1.1.3 with
the substrait extension 1.1.3 from PyPI (`duckdb-extension-substrait`), loaded from its file.
"""

import glob
import json
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq


def duckdb_connection(data):
    import duckdb
    import duckdb_extension_substrait

    base = os.path.dirname(duckdb_extension_substrait.__file__)
    extension = glob.glob(os.path.join(base, "extensions", "*", "substrait.duckdb_extension"))
    if not extension:
        raise RuntimeError(f"no substrait.duckdb_extension under {base}")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{extension[0]}'")
    for path in sorted(glob.glob(os.path.join(data, "*.parquet"))):
        table = os.path.splitext(os.path.basename(path))[0]
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def acero_tables(data):
    tables = {}
    for path in sorted(glob.glob(os.path.join(data, "*.parquet"))):
        table = pq.read_table(path)
        # Acero's Substrait consumer knows no string views; plain strings carry the same data.
        fields = [
            pa.field(f.name, pa.string(), f.nullable) if f.type == pa.string_view() else f
            for f in table.schema
        ]
        tables[os.path.splitext(os.path.basename(path))[0]] = table.cast(pa.schema(fields))
    return tables


def run_acero(plan, tables):
    import pyarrow.substrait as substrait

    def provider(names, _schema):
        name = names[-1]
        if name not in tables:
            raise KeyError(f"no table {name}")
        return tables[name]

    reader = substrait.run_query(pa.py_buffer(plan), table_provider=provider)
    return reader.read_all()


def run_duckdb(plan, con):
    return con.from_substrait(proto=plan).arrow()


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    data = job["data"]
    con = None
    tables = None
    for case in job["cases"]:
        with open(case["plan"], "rb") as f:
            plan = f.read()
        try:
            if case["consumer"] == "acero":
                tables = tables if tables is not None else acero_tables(data)
                result = run_acero(plan, tables)
            elif case["consumer"] == "duckdb-1.1":
                con = con if con is not None else duckdb_connection(data)
                result = run_duckdb(plan, con)
            else:
                raise ValueError(f"unknown consumer {case['consumer']}")
            with pa.OSFile(case["out"], "wb") as sink:
                with pa.ipc.new_file(sink, result.schema) as writer:
                    writer.write_table(result)
        except Exception as error:  # the consumer's refusal is the case's outcome
            message = " ".join(f"{type(error).__name__}: {error}".split())
            if case["consumer"] == "duckdb-1.1":
                # DuckDB turns some refusals (an unsupported join type) into fatal errors
                # that invalidate the database; the next case gets a fresh one, so each
                # outcome is the plan's own.
                con = None
            with open(case["out"] + ".error", "w") as f:
                f.write(message + "\n")


if __name__ == "__main__":
    main()
