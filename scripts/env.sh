# Sourced by the scripts: one build folder outside the clone, shared by every run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/switchyard-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
