#!/usr/bin/env bash
# The older Substrait consumers export is checked against, in a virtualenv of their own:
# pyarrow (Acero) and DuckDB 1.1.3 with its substrait extension 1.1.3, all from PyPI.
# Prints the virtualenv's python. SWITCHYARD_INTEROP_VENV overrides where it lives.
set -euo pipefail
venv="${SWITCHYARD_INTEROP_VENV:-/var/tmp/switchyard-interop-venv}"
if ! "$venv/bin/python" -c "import pyarrow.substrait, duckdb, duckdb_extension_substrait" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "duckdb==1.1.3" "duckdb-extension-substrait==1.1.3" "pyarrow==26.0.1" >&2
fi
echo "$venv/bin/python"
