#!/usr/bin/env bash
# Seeds every fuzz target from the plans in ../shared/corpus (read in place, copied into the
# ignored fuzz/corpus/ folder that libFuzzer grows). Binary seeds are the same plans encoded
# by `switchyard normalize`, so the binary target starts from real plans too.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$(cd "$here/../../shared/corpus" && pwd)"
switchyard="${SWITCHYARD:-${CARGO_TARGET_DIR:-/var/tmp/switchyard-target}/release/switchyard}"
[ -x "$switchyard" ] || { echo "no switchyard binary at $switchyard (set SWITCHYARD)" >&2; exit 1; }

for target in read_json import_normalize plan_features translate_sql decode_binary; do
  mkdir -p "$here/corpus/$target"
done
# normalize needs a configuration; an empty catalog leaves names as the plans have them.
config="$(mktemp --suffix=.yaml)"
trap 'rm -f "$config"' EXIT
echo 'tables: {}' >"$config"
count=0
while IFS= read -r -d '' plan; do
  grep -q '"relations"' "$plan" || continue
  name="$(echo "$plan" | sha1sum | cut -c1-16)"
  for target in read_json import_normalize plan_features translate_sql; do
    cp "$plan" "$here/corpus/$target/$name.json"
  done
  if "$switchyard" --config "$config" normalize "$plan" -o "$here/corpus/decode_binary/$name.bin" --format binary \
      >/dev/null 2>&1; then
    for target in import_normalize plan_features translate_sql; do
      cp "$here/corpus/decode_binary/$name.bin" "$here/corpus/$target/$name.bin"
    done
  fi
  count=$((count + 1))
done < <(find -L "$corpus/" -name '*.json' -size -1024k -print0)
echo "seeded $count plans ($(ls "$here/corpus/decode_binary" | wc -l) also as binary)"
