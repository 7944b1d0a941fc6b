#!/usr/bin/env bash
# TPC-DS data for the differential suite: dsdgen as DuckDB's tpcds extension runs it (both
# from PyPI, in a virtualenv of their own), written as one Parquet file per table with a
# switchyard.yaml catalog beside them.
# Usage: scripts/tpcds-data.sh DIR [SCALE]   (SCALE defaults to 0.01; DIR is reused when its
# catalog exists). SWITCHYARD_TPCDS_VENV overrides where the virtualenv lives.
set -euo pipefail
dir="${1:?usage: scripts/tpcds-data.sh DIR [SCALE]}"
scale="${2:-0.01}"
if [[ -f "$dir/switchyard.yaml" ]]; then
  exit 0
fi
venv="${SWITCHYARD_TPCDS_VENV:-/var/tmp/switchyard-tpcds-venv}"
if ! "$venv/bin/python" -c "import duckdb, duckdb_extension_tpcds" 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check \
    "duckdb==1.5.5" "duckdb-extension-tpcds==1.5.5" >&2
fi
"$venv/bin/python" "$(dirname "$0")/../conformance/interop/tpcds_data.py" "$dir" "$scale"
