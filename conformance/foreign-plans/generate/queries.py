"""The query texts every producer set starts from, read from the shared corpus and the project.

Used by every generator (any Python 3.9+, no third-party imports):
* TPC-H: the project's `tpch` suite text, `<corpus>/tpc-sql/datafusion-benchmarks/tpch/queries/qN.sql`
  (q15 defines and drops a view around its query).
* TPC-DS: the project's `tpcds` suite text, `<corpus>/tpc-sql/datafusion-benchmarks/tpcds/queries/qN.sql`,
  with `+ 30 days` written `+ INTERVAL '30' DAY` and the four two-part files split into `qNa`/`qNb`,
  exactly as `conformance/src/corpus.rs` (`tpcds_queries`) does.
* features: the `features` suite's SQL texts, extracted from `conformance/src/feature_queries.rs`.
"""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def corpus_dir():
    env = os.environ.get("SWITCHYARD_CORPUS")
    if env:
        return env
    for base in [os.getcwd(), REPO]:
        path = base
        while True:
            candidate = os.path.join(path, "shared", "corpus")
            if os.path.isfile(os.path.join(candidate, "README.md")):
                return candidate
            parent = os.path.dirname(path)
            if parent == path:
                break
            path = parent
    raise SystemExit("cannot find the shared corpus (shared/corpus beside the project); set SWITCHYARD_CORPUS")


def split_statements(text):
    """Statements separated by semicolons outside quotes and `--` comments; empty ones dropped."""
    parts, current, quote, meaningful, i = [], [], None, False, 0
    while i < len(text):
        c = text[i]
        if quote:
            current.append(c)
            if c == quote:
                quote = None
        elif c in "'\"":
            quote, meaningful = c, True
            current.append(c)
        elif c == "-" and text[i + 1 : i + 2] == "-":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            current.append(text[i:end])
            i = end
            continue
        elif c == ";":
            if meaningful:
                parts.append("".join(current).strip() + "\n")
            current, meaningful = [], False
        else:
            current.append(c)
            if not c.isspace():
                meaningful = True
        i += 1
    if meaningful:
        parts.append("".join(current).strip() + "\n")
    return parts


_DAYS = re.compile(r"([+-])(\s*)(\d+)(\s+)days\b", re.IGNORECASE)


def day_intervals(sql):
    """`<date> + 30 days` -> `<date> + INTERVAL '30' DAY`, as conformance/src/corpus.rs
    `day_intervals` does, except inside double-quoted names (`"31-60 days"` stays; the Rust
    function rewrites that one too)."""
    pieces = re.split(r'("[^"]*")', sql)
    return "".join(
        p if p.startswith('"') else _DAYS.sub(lambda m: f"{m.group(1)}{m.group(2)}INTERVAL '{m.group(3)}' DAY", p)
        for p in pieces
    )


def tpch_queries():
    """[(name, full_text)] for q01..q22; full_text may hold several statements (q15)."""
    base = os.path.join(corpus_dir(), "tpc-sql/datafusion-benchmarks/tpch/queries")
    out = []
    for n in range(1, 23):
        with open(os.path.join(base, f"q{n}.sql")) as f:
            out.append((f"q{n:02}", f.read(), f"tpc-sql/datafusion-benchmarks/tpch/queries/q{n}.sql"))
    return out


def tpcds_queries():
    base = os.path.join(corpus_dir(), "tpc-sql/datafusion-benchmarks/tpcds/queries")
    out = []
    for n in range(1, 100):
        with open(os.path.join(base, f"q{n}.sql")) as f:
            text = day_intervals(f.read())
        parts = split_statements(text)
        source = f"tpc-sql/datafusion-benchmarks/tpcds/queries/q{n}.sql"
        if len(parts) == 1:
            out.append((f"q{n:02}", text, source))
        else:
            for i, part in enumerate(parts):
                out.append((f"q{n:02}{chr(ord('a') + i)}", part, source))
    return out


def _rust_string(literal):
    """The value of a Rust string literal body (escapes and `\\`-newline continuations)."""
    out, i = [], 0
    while i < len(literal):
        c = literal[i]
        if c == "\\":
            nxt = literal[i + 1]
            if nxt == "\n":
                i += 2
                while i < len(literal) and literal[i] in " \t\n\r":
                    i += 1
                continue
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}[nxt])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


_CALL = re.compile(r'\b(query|rewritten)\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', re.S)


def feature_queries():
    """[(name, sql)] from conformance/src/feature_queries.rs: each case's own SQL (for a
    `rewritten` case the SQL it means, not the one DataFusion compiles it from)."""
    path = os.path.join(REPO, "conformance/src/feature_queries.rs")
    with open(path) as f:
        text = f.read()
    body = text[text.index("pub const FEATURE_QUERIES") : text.index("#[cfg(test)]")]
    return [
        (_rust_string(m.group(2)), _rust_string(m.group(3)) + "\n", "conformance/src/feature_queries.rs")
        for m in _CALL.finditer(body)
    ]


def last_select(text):
    """The statement to plan in a multi-statement text: the one that is a query (q15's middle one)."""
    parts = split_statements(text)
    queries = [p for p in parts if not re.match(r"\s*(--[^\n]*\n\s*)*(create|drop)\b", p, re.I)]
    setup = [p for p in parts if re.match(r"\s*(--[^\n]*\n\s*)*create\b", p, re.I)]
    teardown = [p for p in parts if re.match(r"\s*(--[^\n]*\n\s*)*drop\b", p, re.I)]
    assert len(queries) == 1, text
    return setup, queries[0], teardown


def top_level_order_by(sql):
    """True when the statement's outermost query ends in ORDER BY (at parenthesis depth 0)."""
    text = re.sub(r"--[^\n]*", " ", sql)
    text = re.sub(r"'(?:[^']|'')*'", "''", text)
    depth, flat = 0, []
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            flat.append(c)
    return re.search(r"\border\s+by\b", "".join(flat), re.I) is not None
