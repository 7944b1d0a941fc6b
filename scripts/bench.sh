#!/usr/bin/env bash
# Builds a release binary and runs the benchmarks that write docs/performance.md:
#   scripts/bench.sh                 # engines, routing, service, and the routing-latency criterion bench
#   scripts/bench.sh engines         # only `switchyard bench engines --scale 1`
#   scripts/bench.sh service         # only `switchyard bench service --scale 1` (about 4 minutes of
#                                    # load, then DoGet against pyarrow from scripts/adbc-venv.sh's venv)
# DuckDB's C++ at -O3 takes over an hour on two cores from cold, so the release build goes
# through sccache (installed with apt if missing): an interrupted build keeps every object
# compiled so far, and the next run picks up from there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
if ! command -v sccache >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq sccache >/dev/null
fi
export RUSTC_WRAPPER=sccache SCCACHE_CACHE_SIZE="${SCCACHE_CACHE_SIZE:-20G}"
cargo build --release --workspace --bins --benches
switchyard="$CARGO_TARGET_DIR/release/switchyard"
what="${1:-all}"
case "$what" in
  engines) "$switchyard" bench engines --scale 1 ;;
  routing) "$switchyard" bench routing --scale 1 ;;
  service) "$switchyard" bench service --scale 1 ;;
  latency) cargo bench --workspace --bench route_latency ;;
  all)
    "$switchyard" bench engines --scale 1
    "$switchyard" bench routing --scale 1
    "$switchyard" bench service --scale 1
    cargo bench --workspace --bench route_latency
    ;;
  *) echo "usage: scripts/bench.sh [engines|routing|latency|service|all]" >&2; exit 2 ;;
esac
