#!/usr/bin/env bash
# Runs every fuzz target for a million executions or SECONDS (default 1800), whichever comes
# first, one after another on one core, and prints a Markdown table of the results.
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); seeds come from
# fuzz/seed.sh. Crashes are written to fuzz/artifacts/TARGET/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-1800}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_binary read_json import_normalize plan_features translate_sql)
target_dir="${FUZZ_TARGET_DIR:-/var/tmp/switchyard-fuzz-target}"
logs="$here/logs"
mkdir -p "$logs"
cd "$here"
cargo +nightly fuzz build -s none --target-dir "$target_dir" >&2
echo "| target | executions | seconds | execs/s | peak RSS (MB) | corpus | crashes |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  log="$logs/$target.log"
  status=0
  cargo +nightly fuzz run -s none --target-dir "$target_dir" "$target" "corpus/$target" -- \
    -runs=1000000 -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"$log" 2>&1 || status=$?
  # libFuzzer's own figures: the fuzzing time, not the build before it.
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rss=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  elapsed=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1)
  [ -n "$elapsed" ] || elapsed=$(( ${execs:-0} / (${rate:-0} > 0 ? ${rate:-1} : 1) ))
  corpus=$(ls "corpus/$target" | wc -l)
  crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  [ "$status" -eq 0 ] || crashes="$crashes (exit $status, see fuzz/logs/$target.log)"
  echo "| $target | ${execs:-?} | $elapsed | ${rate:-?} | ${rss:-?} | $corpus | $crashes |"
done
