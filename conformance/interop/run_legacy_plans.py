"""Runs exported Substrait plans on the real older consumers and writes what they return.

Usage: python run_legacy_plans.py CASES.json

CASES.json: {"data": DIR, "cases": [{"plan": FILE, "consumer": "acero" | "duckdb-1.1", "out": FILE}]}
DIR holds one Parquet file per table (NAME.parquet). For each case, the consumer's result is
written to OUT as an Arrow IPC file, or its error to OUT + ".error" (one line, the consumer's
own message). Consumers: pyarrow's Acero (`pyarrow.substrait.run_query`) and DuckDB 1.1.3 with
the substrait extension 1.1.3 from PyPI (`duckdb-extension-substrait`), loaded from its file.

Each Acero case runs in a child process: pyarrow 26 crashes on some plans (a segmentation
fault), and the crash must end that case only. A child killed by a signal leaves the error
"Acero crashed (SIGNAL) while STAGE".
"""

import glob
import json
import multiprocessing
import os
import signal
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


def run_acero(plan, tables, stage):
    import pyarrow.substrait as substrait

    def provider(names, _schema):
        name = names[-1]
        if name not in tables:
            raise KeyError(f"no table {name}")
        return tables[name]

    stage("starting the plan (run_query)")
    reader = substrait.run_query(pa.py_buffer(plan), table_provider=provider)
    stage("reading its result (read_all)")
    return reader.read_all()


def write_result(result, out):
    with pa.OSFile(out, "wb") as sink:
        with pa.ipc.new_file(sink, result.schema) as writer:
            writer.write_table(result)


def write_error(message, out):
    with open(out + ".error", "w") as f:
        f.write(" ".join(message.split()) + "\n")


def acero_case(plan_file, data, out, stage_file):
    """One Acero case, in a child process; notes each stage in STAGE_FILE first, so that a
    crash can be placed."""

    def stage(what):
        with open(stage_file, "w") as f:
            f.write(what)

    try:
        stage("loading the tables")
        tables = acero_tables(data)
        with open(plan_file, "rb") as f:
            plan = f.read()
        result = run_acero(plan, tables, stage)
        stage("writing the result")
        write_result(result, out)
    except Exception as error:  # the consumer's refusal is the case's outcome
        write_error(f"{type(error).__name__}: {error}", out)


def run_acero_isolated(case, data):
    """Runs an Acero case in a fresh process; turns its death by a signal into the error."""
    stage_file = case["out"] + ".stage"
    child = multiprocessing.get_context("spawn").Process(
        target=acero_case, args=(case["plan"], data, case["out"], stage_file)
    )
    child.start()
    child.join()
    stage = "starting"
    if os.path.exists(stage_file):
        with open(stage_file) as f:
            stage = f.read()
        os.remove(stage_file)
    if child.exitcode == 0:
        return
    if child.exitcode < 0:
        name = signal.Signals(-child.exitcode).name
        write_error(f"Acero crashed ({name}) while {stage}", case["out"])
    else:
        write_error(f"Acero's process exited with status {child.exitcode} while {stage}", case["out"])


def run_duckdb(plan, con):
    return con.from_substrait(proto=plan).arrow()


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    data = job["data"]
    con = None
    for case in job["cases"]:
        if case["consumer"] == "acero":
            run_acero_isolated(case, data)
            continue
        with open(case["plan"], "rb") as f:
            plan = f.read()
        try:
            if case["consumer"] == "duckdb-1.1":
                con = con if con is not None else duckdb_connection(data)
                result = run_duckdb(plan, con)
            else:
                raise ValueError(f"unknown consumer {case['consumer']}")
            write_result(result, case["out"])
        except Exception as error:  # the consumer's refusal is the case's outcome
            # DuckDB turns some refusals (an unsupported join type) into fatal errors that
            # invalidate the database; the next case gets a fresh one, so each outcome is the
            # plan's own.
            con = None
            write_error(f"{type(error).__name__}: {error}", case["out"])


if __name__ == "__main__":
    main()
