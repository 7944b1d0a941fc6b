"""The published TPC-H answer sets, as DuckDB's `tpch` extension ships them (PyPI
`duckdb-extension-tpch==1.5.5`, loaded from its file: no network), one pipe-separated file per
query and scale: OUT_DIR/tpch/sf0.01/q01.csv ... (scales 0.01, 0.1 and 1), and the query texts
they answer (the extension's substitution parameters): OUT_DIR/tpch/q01.sql ...

The TPC-DS extension publishes answers at scale 1 only, which the project's TPC-DS suite
(scale 0.01) cannot use, so they are not written.

Usage: python published_answers.py OUT_DIR   (OUT_DIR is replaced only when complete)
"""

import glob
import os
import shutil
import sys

import duckdb
import duckdb_extension_tpch


def main():
    out = sys.argv[1]
    base = os.path.dirname(duckdb_extension_tpch.__file__)
    extension = glob.glob(os.path.join(base, "**", "tpch.duckdb_extension"), recursive=True)
    if not extension:
        raise SystemExit(f"no tpch.duckdb_extension under {base}")
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{extension[0]}'")
    partial = out + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    rows = con.execute("SELECT query_nr, scale_factor, answer FROM tpch_answers()").fetchall()
    for query, scale, text in rows:
        folder = os.path.join(partial, "tpch", f"sf{scale:g}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"q{query:02}.csv"), "w") as f:
            f.write(text)
    # The answers are those of the extension's own query texts (its substitution parameters,
    # not every TPC-H kit's): kept beside them, so a query is held to its own answer only.
    for query, text in con.execute("SELECT query_nr, query FROM tpch_queries()").fetchall():
        with open(os.path.join(partial, "tpch", f"q{query:02}.sql"), "w") as f:
            f.write(text)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(partial, out)
    print(f"{len(rows)} published TPC-H answers in {out}")


if __name__ == "__main__":
    main()
