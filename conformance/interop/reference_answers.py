"""The independent answer: DuckDB 2 (PyPI `duckdb==2.0.1`) running a query's original SQL text
directly over the catalog's files, never through Substrait or Switchyard's SQL translation.

One long-lived process per catalog, driven by `conformance/src/reference/` over JSON lines:

* stdin, first line: {"tables": {NAME: {"path": P, "format": "parquet"|"csv"}},
                      "published_dir": DIR or null}
* stdin, then one line per query: {"sql": TEXT, "out": PATH.parquet, "published": "tpch/q01" or null}
* stdout, one line per query: {"ok": true, "rows": N, "ordered": BOOL, "columns": [...],
                               "published": {"status": "agrees"|"differs"|"none", "message": M}}
                              or {"ok": false, "error": MESSAGE}

The answer is written to `out` (Parquet, DuckDB's own column types) through a temporary file
renamed into place, so a cached answer is never half-written.

Published answers (`published_dir`, written by `published_answers.py` from DuckDB 1.5.5's
`tpch` extension) are a second reference: when the catalog holds the eight TPC-H tables, its
scale factor is read from `supplier`'s cardinality (TPC-H clause 4.2.5: SF x 10,000 rows) and,
when the extension publishes that scale, the query's answer is held to the published one.
"""

import decimal
import json
import math
import os
import re
import sys

import duckdb

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "foreign-plans", "generate"))
import queries  # noqa: E402  (split_statements: the project's one statement splitter)

TPCH_TABLES = {"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}


def run(con, statement):
    """Runs one statement to its end (DuckDB 2 keeps a connection busy until a result is fully
    fetched) and returns its rows."""
    return con.execute(statement).fetchall()


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def ident(text):
    return '"' + text.replace('"', '""') + '"'


def open_catalog(tables):
    # One thread: an unordered answer comes out in the same row order every run.
    con = duckdb.connect(config={"threads": 1})
    for name, table in sorted(tables.items()):
        reader = "read_parquet" if table.get("format", "parquet") == "parquet" else "read_csv_auto"
        run(con, f"CREATE VIEW {ident(name)} AS SELECT * FROM {reader}({quote(table['path'])})")
    return con


def tpch_scale(con, tables):
    """The TPC-H scale factor of the catalog, or None when it does not hold TPC-H."""
    if not TPCH_TABLES <= set(tables):
        return None
    suppliers = run(con, "SELECT count(*) FROM supplier")[0][0]
    return suppliers / 10000


def published_answer(published_dir, scale, key):
    """The published answer's path for `tpch/q01` at `scale`, or None."""
    if not published_dir or scale is None or not key:
        return None
    suite, query = key.split("/", 1)
    path = os.path.join(published_dir, suite, f"sf{scale:g}", f"{query}.csv")
    return path if os.path.exists(path) else None


def as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    return None


def same_value(ours, published_text):
    """Whether DuckDB's value agrees with the published text (printed by DuckDB 1.5.5: doubles
    in full, decimals at their scale)."""
    if ours is None:
        return published_text == ""
    number = as_number(ours)
    if number is not None:
        try:
            theirs = float(published_text)
        except ValueError:
            return False
        if math.isinf(number) or math.isinf(theirs):
            return number == theirs
        digits = len(published_text.split(".", 1)[1]) if "." in published_text else 0
        return abs(number - theirs) <= max(1e-9 * max(abs(number), abs(theirs)), 0.5 * 10.0 ** -digits)
    return str(ours) == published_text


def check_published(con, rows, columns, path):
    """Holds DuckDB's rows to the published answer at `path`: (status, message)."""
    published = run(
        con, f"SELECT * FROM read_csv({quote(path)}, delim='|', header=true, all_varchar=true, quote='', escape='')"
    )
    if len(published) != len(rows):
        return "differs", f"the published answer has {len(published)} rows, DuckDB's {len(rows)}"
    if published and len(published[0]) != len(columns):
        return "differs", f"the published answer has {len(published[0])} columns, DuckDB's {len(columns)}"
    # Row order is checked against the engine; here the two answers are compared as multisets.
    def key(row):
        return [(0, as_number(v)) if as_number(v) is not None else (1, "" if v is None else str(v)) for v in row]

    def published_key(row):
        out = []
        for text in row:
            text = "" if text is None else text
            try:
                out.append((0, float(text)))
            except ValueError:
                out.append((1, text))
        return out

    ours = sorted(rows, key=key)
    theirs = sorted(published, key=published_key)
    for index, (a, b) in enumerate(zip(ours, theirs)):
        for column, (x, y) in enumerate(zip(a, b)):
            if not same_value(x, "" if y is None else y):
                return "differs", f"row {index} (sorted), column {columns[column]['name']}: published {y!r}, DuckDB {x!r}"
    return "agrees", None


def answer(con, request, scale, published_dir):
    setup, query, teardown = [], None, []
    for statement in queries.split_statements(request["sql"]):
        head = re.sub(r"^\s*(--[^\n]*\n\s*)*", "", statement).lower()
        if head.startswith("create"):
            setup.append(statement)
        elif head.startswith("drop"):
            teardown.append(statement)
        elif query is None:
            query = statement
        else:
            raise ValueError("the SQL holds more than one query")
    if query is None:
        raise ValueError("the SQL holds no query")
    try:
        for statement in setup:
            run(con, statement)
        relation = con.sql(query)
        columns = [{"name": n, "type": str(t)} for n, t in zip(relation.columns, relation.types)]
        rows = relation.fetchall()
        out = request["out"]
        partial = out + ".partial"
        run(con, f"COPY ({query}) TO {quote(partial)} (FORMAT parquet)")
        os.replace(partial, out)
        published = {"status": "none", "message": None}
        path = published_answer(published_dir, scale, request.get("published"))
        if path:
            status, message = check_published(con, rows, columns, path)
            published = {"status": status, "message": message}
        return {
            "ok": True,
            "rows": len(rows),
            "ordered": queries.top_level_order_by(query),
            "columns": columns,
            "published": published,
            "duckdb": duckdb.__version__,
        }
    finally:
        for statement in teardown:
            try:
                run(con, statement)
            except duckdb.Error:
                pass


def main():
    init = json.loads(sys.stdin.readline())
    con = open_catalog(init["tables"])
    scale = tpch_scale(con, init["tables"])
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(con, json.loads(line), scale, init.get("published_dir"))
        except Exception as error:  # every failure is the query's answer, never the server's end
            reply = {"ok": False, "error": f"{type(error).__name__}: {str(error).strip()}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
