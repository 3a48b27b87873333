#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/fleet-map-cost.sh [BUILD_DIR] [NODES] [SECONDS]
#
# What the fleet map costs against the list: the app under Xvfb (1280x800, GTK_A11Y=none)
# watches NODES (default 250) simulated agents (bench/seye-fleet-sim, seed 1, 1 Hz,
# --offline 0) given with --node, once in list view and once in map view, each run with
# settings of its own. After a warm-up (SEYE_BENCH_WARMUP, default 20 s) its CPU time
# (every thread's run time, /proc/PID/task/*/schedstat) and RSS are read over SECONDS
# (default 60). Set GSK_RENDERER to compare renderers (default: cairo, as the issue's
# targets). The simulator serves from its own process and is not counted.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
nodes=${2:-250}
duration=${3:-60}
warmup=${SEYE_BENCH_WARMUP:-20}
sim=$build/bench/seye-fleet-sim
app=$build/src/app/sorcerers-eye
export GSK_RENDERER=${GSK_RENDERER:-cairo}

say() { printf 'bench: %s\n' "$*" >&2; }
for tool in xvfb-run dbus-run-session; do
  command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
done
[ -x "$sim" ] && [ -x "$app" ] || { say "build $build first"; exit 1; }

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -s "$work/app.pid" ] && kill "$(cat "$work/app.pid")" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/fleet-sim-lib.sh
. "$top/bench/fleet-sim-lib.sh"
fleet_sim_start "$nodes"

app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { printf "%.0f", n }'; }

# One run of the app in @view: "view CPU% RSS-MiB" on stdout.
measure() {
  local view=$1 pid xvfb n0 n1 t0 t1
  rm -rf "$work/config" "$work/data" "$work/app.pid"
  mkdir -p "$work/config/glib-2.0/settings"
  printf '[%s]\ndiscovery=false\nnotifications=false\nview="%s"\n' \
    "$(echo "$app_id" | tr . /)" "$view" > "$work/config/glib-2.0/settings/keyfile"
  XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSETTINGS_BACKEND=keyfile \
  GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none \
    xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
    sh -c 'echo $$ > "$0"; exec "$@"' "$work/app.pid" "$app" "${node_args[@]}" >"$work/app-$view.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 100); do [ -s "$work/app.pid" ] && break; sleep 0.1; done
  pid=$(cat "$work/app.pid")
  sleep "$warmup"
  kill -0 "$pid" || { say "the app died"; cat "$work/app-$view.log" >&2; exit 1; }
  n0=$(run_ns "$pid"); t0=$(date +%s.%N)
  sleep "$duration"
  n1=$(run_ns "$pid"); t1=$(date +%s.%N)
  awk -v v="$view" -v a="$n0" -v b="$n1" -v t0="$t0" -v t1="$t1" \
      -v rss="$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")" \
      'BEGIN { printf "%-5s CPU %6.2f %% of one core   RSS %6.1f MiB\n", v, (b - a) / 1e9 / (t1 - t0) * 100, rss / 1024 }'
  kill "$pid"
  wait "$xvfb" 2>/dev/null || true
}

echo "$nodes simulated nodes, renderer $GSK_RENDERER, ${duration}s after ${warmup}s; $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
measure list
measure map
