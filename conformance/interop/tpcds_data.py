"""Generates TPC-DS data with dsdgen (DuckDB's tpcds extension, loaded from its PyPI package
without network access) and writes one Parquet file per table plus a switchyard.yaml catalog.

Usage: python tpcds_data.py DIR SCALE

The files are written into a temporary folder beside DIR and renamed into place at the end,
so an interrupted run leaves no half-written data set behind.
"""

import glob
import os
import shutil
import sys
import tempfile

import duckdb
import duckdb_extension_tpcds


def main():
    target, scale = sys.argv[1], float(sys.argv[2])
    base = os.path.dirname(duckdb_extension_tpcds.__file__)
    extension = glob.glob(os.path.join(base, "**", "tpcds.duckdb_extension"), recursive=True)
    if not extension:
        raise SystemExit(f"no tpcds.duckdb_extension under {base}")
    parent = os.path.dirname(os.path.abspath(target)) or "."
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".tpcds-", dir=parent)
    try:
        con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
        con.execute(f"LOAD '{extension[0]}'")
        con.execute(f"CALL dsdgen(sf={scale})")
        tables = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        lines = ["tables:"]
        for table in sorted(tables):
            path = os.path.join(work, f"{table}.parquet")
            con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
            lines += [f"  {table}:", f"    path: {table}.parquet", "    format: parquet"]
        with open(os.path.join(work, "switchyard.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if os.path.exists(target):
            shutil.rmtree(target)
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    print(f"TPC-DS scale {scale}: {len(tables)} tables in {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
