"""A second consumer for the ibis-substrait and substrait-python plans: pyarrow 26's Acero
(`pyarrow.substrait.run_query`, spec 0.44; the virtualenv of scripts/interop-venv.sh) runs each
plan over the TPC-H sf0.01 Parquet files; answers.py compares what it returns with DuckDB 2's
answer (`acero_check` in the manifest). Each plan runs in a child process of its own (Acero
can crash on a plan it does not understand).

Usage: python acero_check.py OUT_DIR
Results: $FOREIGN_PLANS_WORK/acero/<producer folder>/<set>/<name>.parquet, or `.error` text.
"""

import glob
import json
import multiprocessing
import os
import re
import signal
import sys

import queries

PRODUCERS = ("ibis-substrait-", "substrait-python-")


def tables():
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = os.path.join(queries.corpus_dir(), "duckdb-1.1.3-generated/data/tpch")
    out = {}
    for path in sorted(glob.glob(os.path.join(data, "*.parquet"))):
        table = pq.read_table(path)
        fields = [pa.field(f.name, pa.string(), f.nullable) if f.type == pa.string_view() else f
                  for f in table.schema]
        out[os.path.basename(path)[: -len(".parquet")]] = table.cast(pa.schema(fields))
    return out


def run_one(plan_path, out):
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pyarrow.substrait as substrait

    try:
        data = tables()
        with open(plan_path, "rb") as f:
            plan = f.read()
        reader = substrait.run_query(pa.py_buffer(plan), table_provider=lambda names, _: data[names[-1]])
        pq.write_table(reader.read_all(), out + ".parquet")
    except Exception as error:
        # protobuf's debug text is made unstable on purpose (a random marker and spacing)
        message = re.sub(r"goo\.gle/debug\w*\s*", "", f"{type(error).__name__}: {error}")
        with open(out + ".error", "w") as f:
            f.write(" ".join(message.split()) + "\n")


def main():
    out_root = sys.argv[1]
    work = os.path.join(os.environ.get("FOREIGN_PLANS_WORK", "/var/tmp/switchyard-foreign-plans-work"), "acero")
    context = multiprocessing.get_context("spawn")
    ran = failed = 0
    for generation in sorted(glob.glob(os.path.join(out_root, "*", "generation.json"))):
        folder = os.path.basename(os.path.dirname(generation))
        if not folder.startswith(PRODUCERS):
            continue
        with open(generation) as f:
            entries = json.load(f)["entries"]
        for entry in entries:
            if entry["outcome"] != "produced" or entry["set"] == "tpcds":
                continue
            target = os.path.join(work, folder, entry["set"])
            os.makedirs(target, exist_ok=True)
            out = os.path.join(target, entry["query"])
            for old in (out + ".parquet", out + ".error"):
                if os.path.exists(old):
                    os.remove(old)
            plan = os.path.join(os.path.dirname(generation), entry["set"], entry["query"] + ".plan.pb")
            child = context.Process(target=run_one, args=(plan, out))
            child.start()
            child.join()
            if child.exitcode and child.exitcode < 0:
                with open(out + ".error", "w") as f:
                    f.write(f"Acero crashed ({signal.Signals(-child.exitcode).name})\n")
            ran += 1
            failed += os.path.exists(out + ".error")
    print(f"acero: ran {ran} plans, {failed} refused or failed", file=sys.stderr)


if __name__ == "__main__":
    main()
