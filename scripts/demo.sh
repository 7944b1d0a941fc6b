#!/usr/bin/env bash
# The main job: builds Switchyard, generates TPC-H sample data if missing, and compiles and
# runs a few queries through Substrait on the embedded DataFusion engine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
cargo build -p switchyard-cli
exec "$CARGO_TARGET_DIR/debug/switchyard" demo "$@"
