#!/usr/bin/env bash
# A Python virtualenv with the ADBC Flight SQL driver and pyarrow, for the third-party client
# test (cli/tests/adbc.rs runs service/tests/adbc/test_adbc.py with it).
#
#   scripts/adbc-venv.sh [DIR]   creates DIR (default /var/tmp/switchyard-venv) when missing,
#                                installs the packages when they are not importable, and
#                                prints the path of its python
#
# Nothing is installed outside DIR. Debian's python3-venv is installed with apt when the
# interpreter cannot make virtualenvs.
set -euo pipefail

VENV=${1:-${SWITCHYARD_VENV:-/var/tmp/switchyard-venv}}
PACKAGES=(adbc-driver-flightsql adbc-driver-manager pyarrow pytest)

die() { echo "adbc-venv: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is not installed"

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! python3 -m venv "$VENV" >&2; then
        echo "adbc-venv: installing Debian's python3-venv" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq python3-venv >&2
        rm -rf "$VENV"
        python3 -m venv "$VENV" >&2 || die "cannot create a virtualenv at $VENV"
    fi
fi

if ! "$VENV/bin/python" -c 'import adbc_driver_flightsql.dbapi, pyarrow, pytest' 2>/dev/null; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}" >&2 \
        || die "pip could not install ${PACKAGES[*]}"
fi

echo "$VENV/bin/python"
