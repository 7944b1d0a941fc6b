#!/usr/bin/env bash
# Which Substrait release added each proto field and enum value that the `substrait` crate's
# descriptors (spec 0.85) do not have: reads every `substrait-protobuf` release from PyPI
# (0.86.0 to 0.108.0) in a virtualenv of its own and writes
# producer/src/unknown_fields/field_versions.tsv, which the unknown-field check reads to name
# the release a refused field comes from. The output is committed; CI does not run this.
# Usage: scripts/generate-field-versions.sh
# Environment: SWITCHYARD_FIELD_VERSIONS_VENV (default /var/tmp/switchyard-field-versions-venv),
# FIELD_VERSIONS_WORK (downloaded wheels, default /var/tmp/switchyard-field-versions-work).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SWITCHYARD_FIELD_VERSIONS_VENV:-/var/tmp/switchyard-field-versions-venv}"
export FIELD_VERSIONS_WORK="${FIELD_VERSIONS_WORK:-/var/tmp/switchyard-field-versions-work}"
if ! "$venv/bin/python" -c "import google.protobuf" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "protobuf>=6,<7"
fi
versions=(0.86.0 0.87.0 0.88.0 0.88.1 0.89.0 0.90.0 0.91.0 0.92.0 0.92.1 0.93.0 0.94.0 0.95.0
  0.96.0 0.97.0 0.98.0 0.99.0 0.100.0 0.101.0 0.102.0 0.103.0 0.103.1 0.104.0 0.105.0 0.106.0
  0.107.0 0.108.0)
"$venv/bin/python" "$root/scripts/field_versions.py" 0.85.0 \
  "$root/producer/src/unknown_fields/field_versions.tsv" "${versions[@]}"
