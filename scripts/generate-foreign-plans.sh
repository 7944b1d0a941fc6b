#!/usr/bin/env bash
# Foreign Substrait plans for the conformance suite, made by other producers installed from
# PyPI into virtualenvs of their own under /var/tmp (offline after the install):
#   * DuckDB 1.1.3's substrait extension (get_substrait / get_substrait_json) over the TPC-H,
#     TPC-DS and `features` SQL (scripts/interop-venv.sh's virtualenv);
#   * the `substrait` Python package's DataFrame API (0.37.1, spec 0.106) over TPC-H;
#   * ibis-substrait 4.0.1 (ibis 9.5.0, spec 0.50): the same DataFrame cases as ibis
#     expressions, and the TPC-H and `features` SQL through ibis.parse_sql;
#   * pyarrow 26's Acero running the last two producers' plans, as a second opinion;
#   * substrait-validator 0.1.4 (spec 0.57.1) over every plan;
# then every case's SQL answered by DuckDB 2.0.1 directly (not through Substrait), and
# manifest.json. Data: TPC-H sf0.01 from the corpus (duckdb-1.1.3-generated), TPC-DS sf0.01
# from scripts/tpcds-data.sh. conformance/foreign-plans/README.md describes the output.
# Usage: scripts/generate-foreign-plans.sh [OUT_DIR]   (default conformance/foreign-plans)
# Environment: SWITCHYARD_CORPUS (the shared corpus), SWITCHYARD_FOREIGN_TPCDS (TPC-DS data
# folder, default /var/tmp/switchyard-tpcds-sf$SCALE), SWITCHYARD_FOREIGN_TPCDS_SCALE (default
# 0.01, the project's tpcds suite's; a larger one into another OUT_DIR), FOREIGN_PLANS_WORK
# (scratch, default /var/tmp/switchyard-foreign-plans-work), and where the virtualenvs live:
# SWITCHYARD_SUBSTRAIT_PY_VENV, SWITCHYARD_IBIS_VENV, SWITCHYARD_VALIDATOR_VENV,
# SWITCHYARD_ANSWERS_VENV (DuckDB 1.1.3's: SWITCHYARD_INTEROP_VENV, scripts/interop-venv.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mkdir -p "${1:-$root/conformance/foreign-plans}" && cd "${1:-$root/conformance/foreign-plans}" && pwd)"
generate="$root/conformance/foreign-plans/generate"
scale="${SWITCHYARD_FOREIGN_TPCDS_SCALE:-0.01}"
export SWITCHYARD_FOREIGN_TPCDS_SCALE="$scale"
tpcds="${SWITCHYARD_FOREIGN_TPCDS:-/var/tmp/switchyard-tpcds-sf$scale}"

venv() { # venv DIR IMPORT-CHECK PACKAGE...: a virtualenv with the packages, made once
  local dir="$1" check="$2"
  shift 2
  if ! "$dir/bin/python" -c "$check" 2>/dev/null; then
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install -q --disable-pip-version-check "$@" >&2
  fi
  echo "$dir/bin/python"
}

duckdb113="$(bash "$root/scripts/interop-venv.sh")"
substrait_py="$(venv "${SWITCHYARD_SUBSTRAIT_PY_VENV:-/var/tmp/switchyard-substrait-py-venv}" \
  "import substrait.dataframe, antlr4" \
  "substrait[extensions]==0.37.1" "substrait-protobuf==0.106.0" "substrait-extensions==0.106.0" \
  "substrait-antlr==0.106.0" "antlr4-python3-runtime==4.13.2" "protobuf==6.33.6" "PyYAML==6.0.4")"
ibis="$(venv "${SWITCHYARD_IBIS_VENV:-/var/tmp/switchyard-ibis-venv}" \
  "import ibis_substrait.compiler.core" \
  "ibis-substrait==4.0.1" "ibis-framework==9.5.0" "substrait==0.20.0" "sqlglot==25.20.2" \
  "protobuf==6.33.6" "PyYAML==6.0.4")"
validator="$(venv "${SWITCHYARD_VALIDATOR_VENV:-/var/tmp/switchyard-validator-venv}" \
  "import substrait_validator" "substrait-validator==0.1.4" "protobuf==7.36.2" "PyYAML==6.0.4")"
duckdb2="$(venv "${SWITCHYARD_ANSWERS_VENV:-/var/tmp/switchyard-answers-venv}" \
  "import duckdb; assert duckdb.__version__ == '2.0.1'" "duckdb==2.0.1")"
bash "$root/scripts/tpcds-data.sh" "$tpcds" "$scale"

"$duckdb113" "$generate/duckdb_substrait.py" "$out" "$tpcds"
"$substrait_py" "$generate/substrait_python.py" "$out"
"$ibis" "$generate/ibis_plans.py" "$out"
"$duckdb113" "$generate/acero_check.py" "$out"
"$validator" "$generate/validate.py" "$out"
"$duckdb2" "$generate/answers.py" "$out" "$tpcds"
