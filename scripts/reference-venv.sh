#!/usr/bin/env bash
# The independent reference the conformance suites grade every engine against, installed from
# PyPI into virtualenvs of their own (offline afterwards):
#   * DuckDB 2.0.1's Python package, which runs each query's original SQL text directly
#     (conformance/interop/reference_answers.py);
#   * the published TPC-H answer sets, extracted once from DuckDB 1.5.5's tpch extension
#     (conformance/interop/published_answers.py) into the first virtualenv's `published/`.
# Prints the reference's python. SWITCHYARD_ANSWERS_VENV and SWITCHYARD_PUBLISHED_VENV override
# where the virtualenvs live.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SWITCHYARD_ANSWERS_VENV:-/var/tmp/switchyard-answers-venv}"
published_venv="${SWITCHYARD_PUBLISHED_VENV:-/var/tmp/switchyard-published-venv}"
if ! "$venv/bin/python" -c "import duckdb; assert duckdb.__version__ == '2.0.1'" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "duckdb==2.0.1" >&2
fi
if [[ ! -d "$venv/published/tpch" ]]; then
  if ! "$published_venv/bin/python" -c "import duckdb, duckdb_extension_tpch" 2>/dev/null; then
    python3 -m venv "$published_venv" >&2
    "$published_venv/bin/pip" install -q --disable-pip-version-check \
      "duckdb==1.5.5" "duckdb-extension-tpch==1.5.5" >&2
  fi
  "$published_venv/bin/python" "$root/conformance/interop/published_answers.py" "$venv/published" >&2
fi
echo "$venv/bin/python"
