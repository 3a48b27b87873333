#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/fuzz/run-long.sh [SECONDS]   run every fuzzer for SECONDS (default 600)
#
# Builds the fuzzers with clang, ASan and UBSan in _build-asan (as build-aux/dev
# test does) and runs them two at a time. New inputs go to
# _build-asan/tests/fuzz/corpus/<target>; a crash, leak or UB stops that fuzzer
# and leaves its input as _build-asan/tests/fuzz/<target>-crash-*.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${SEYE_ASAN_BUILD_DIR:-$top/_build-asan}
seconds=${1:-600}
jobs=${FUZZ_JOBS:-2}

if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang meson setup "$build_dir" "$top" -Dapp=false -Dfuzz=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
meson compile -C "$build_dir"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export G_DEBUG=fatal-criticals G_SLICE=always-malloc

targets=(fuzz-json-sample fuzz-json-node-info fuzz-json-history fuzz-proc fuzz-txt fuzz-prometheus)
out=$build_dir/tests/fuzz
status=0

run_one() {
  local name=$1
  mkdir -p "$out/corpus/$name"
  if "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/$name-" \
       "$out/corpus/$name" "$top/tests/fuzz/corpus/$name" >"$out/$name.log" 2>&1; then
    echo "$name: $(grep -o 'number_of_executed_units: [0-9]*' "$out/$name.log" | grep -o '[0-9]*') runs, no crash"
  else
    echo "$name: FAILED, see $out/$name.log"
    return 1
  fi
}

running=0
for name in "${targets[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done

exit $status
