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
# targets). The simulator serves from its own process and is not counted. The two views
# run at the same time (both apps follow the same simulated nodes), so that the load of
# the machine weighs on both alike; SEYE_BENCH_APART=1 runs them one after the other.
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
  for pid_file in "$work"/app-*/app.pid; do
    [ -s "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
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

# Starts the app in @view under an Xvfb of its own, with settings of its own.
launch() {
  local view=$1 dir=$work/app-$1
  mkdir -p "$dir/config/glib-2.0/settings"
  printf '[%s]\ndiscovery=false\nnotifications=false\nview="%s"\n' \
    "$(echo "$app_id" | tr . /)" "$view" > "$dir/config/glib-2.0/settings/keyfile"
  XDG_CONFIG_HOME=$dir/config XDG_DATA_HOME=$dir/data GSETTINGS_BACKEND=keyfile \
  GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none \
    xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
    sh -c 'echo $$ > "$0"; exec "$@"' "$dir/app.pid" "$app" "${node_args[@]}" >"$dir/app.log" 2>&1 &
  xvfb_pids+=("$!")
  for _ in $(seq 100); do [ -s "$dir/app.pid" ] && break; sleep 0.1; done
  [ -s "$dir/app.pid" ] || { say "the app did not start"; exit 1; }
}

xvfb_pids=()
app_pid() { cat "$work/app-$1/app.pid"; }
rss_mib() { awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# Both views run at once, over the same seconds, against the same simulator: a machine
# busy with other work (which makes the app fall behind and cost more) weighs on both
# alike. With SEYE_BENCH_APART=1 one after the other, as before.
measure() {
  local views=("$@") pids=() n0=() n1=() t0 t1 i
  for view in "${views[@]}"; do launch "$view"; pids+=("$(app_pid "$view")"); done
  sleep "$warmup"
  for i in "${!views[@]}"; do
    kill -0 "${pids[$i]}" || { say "the app died"; cat "$work/app-${views[$i]}/app.log" >&2; exit 1; }
    n0[$i]=$(run_ns "${pids[$i]}")
  done
  t0=$(date +%s.%N)
  sleep "$duration"
  for i in "${!views[@]}"; do n1[$i]=$(run_ns "${pids[$i]}"); done
  t1=$(date +%s.%N)
  for i in "${!views[@]}"; do
    awk -v v="${views[$i]}" -v a="${n0[$i]}" -v b="${n1[$i]}" -v t0="$t0" -v t1="$t1" \
        -v rss="$(rss_mib "${pids[$i]}")" \
        'BEGIN { printf "%-5s CPU %6.2f %% of one core   RSS %6.1f MiB\n", v, (b - a) / 1e9 / (t1 - t0) * 100, rss }'
    kill "${pids[$i]}"
  done
  wait "${xvfb_pids[@]}" 2>/dev/null || true
  xvfb_pids=()
}

echo "$nodes simulated nodes, renderer $GSK_RENDERER, ${duration}s after ${warmup}s; $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SEYE_BENCH_APART:-0}" = 1 ]; then
  measure list
  measure map
else
  measure list map
fi
