#!/usr/bin/env bash
# The test suite: formatting, lints, and every test of every crate.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
# The independent reference every suite grades engines against (DuckDB 2.0.1 and the published
# TPC-H answers, from PyPI): made once here, so parallel test binaries never race to make it.
scripts/reference-venv.sh >/dev/null
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
