#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/fleet-memory.sh [BUILD_DIR] [N_NODES] [MINUTES]
#
# What a client holds in memory over time: N simulated nodes (default 200) at 1 Hz
# served by bench/seye-fleet-sim, followed by one SeyeMonitor (bench/seye-fleet-follow,
# no GTK: it fetches /v1/history and streams, as the app does) or, with
# SEYE_BENCH_APP=1, by the app itself (its own Xvfb screen, private session bus, fresh
# settings and history store, as bench/app-vs-system-monitor.sh runs it). Its resident
# memory (VmRSS) is printed every SEYE_BENCH_EVERY seconds (default 60) for MINUTES
# (default 13), with the change since the last line. A client that keeps only what the
# screen shows (10 minutes and a margin) must be flat from then on. Runs under
# nice -n 10 (SEYE_BENCH_NICE). The simulator's arguments: SEYE_FLEET_SIM_ARGS
# (default "--offline 0").
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
n_nodes=${2:-200}
minutes=${3:-13}
every=${SEYE_BENCH_EVERY:-60}
niceness=${SEYE_BENCH_NICE:-10}
sim=$build/bench/seye-fleet-sim
follow=$build/bench/seye-fleet-follow
app=$build/src/app/sorcerers-eye

say() { printf 'bench: %s\n' "$*" >&2; }

[ -x "$sim" ] || { say "no $sim: build $build first"; exit 1; }
if [ -n "${SEYE_BENCH_APP:-}" ]; then
  [ -x "$app" ] || { say "no $app: build $build first"; exit 1; }
  for tool in Xvfb dbus-run-session; do
    command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
  done
else
  [ -x "$follow" ] || { say "no $follow: build $build first"; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
  # The app first: killing dbus-run-session leaves its child running.
  [ -s "$work/app.pid" ] && kill "$(cat "$work/app.pid")" 2>/dev/null || true
  sleep 0.5
  [ -s "$work/xvfb.pid" ] && kill "$(cat "$work/xvfb.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # the extra arguments are words
nice -n "$niceness" "$sim" -n "$n_nodes" --interval 1 --list "$work/list" ${SEYE_FLEET_SIM_ARGS---offline 0} \
  2>"$work/sim.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/list" ] && break; sleep 0.1; done
[ -s "$work/list" ] || { say "the simulator did not start"; cat "$work/sim.log" >&2; exit 1; }

start_app() {
  local d=150 app_id nodes=()
  while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  echo $! > "$work/xvfb.pid"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  # These nodes and nothing else (no mDNS discovery); settings and store of its own.
  app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
  mkdir -p "$work/config/glib-2.0/settings"
  printf '[%s]\ndiscovery=false\n' "$(echo "$app_id" | tr . /)" > "$work/config/glib-2.0/settings/keyfile"
  while read -r word _ uri; do
    [ "$word" = node ] && nodes+=(--node "${uri#http://}")
  done < "$work/list"
  DISPLAY=:$d GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=keyfile NO_AT_BRIDGE=1 GTK_A11Y=none \
    XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSK_RENDERER=${GSK_RENDERER:-cairo} \
    nice -n "$niceness" dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/app.pid" "$app" "${nodes[@]}" \
    >"$work/app.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do [ -s "$work/app.pid" ] && break; sleep 0.1; done
  cat "$work/app.pid"
}

if [ -n "${SEYE_BENCH_APP:-}" ]; then
  pid=$(start_app)
  log=$work/app.log
  what="the app (GSK_RENDERER=${GSK_RENDERER:-cairo})"
else
  nice -n "$niceness" "$follow" --list "$work/list" --every "$every" >"$work/follow.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  log=$work/follow.log
  what="seye-fleet-follow"
fi

say "$n_nodes nodes at 1 Hz, followed by $what; its RSS every ${every}s for $minutes min"
printf '%8s %10s %12s %12s  %s\n' "minute" "RSS MiB" "KiB/node" "delta MiB" "last line of its output"
last=
start=$(date +%s)
end=$((start + minutes * 60))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep "$every"
  kill -0 "$pid" 2>/dev/null || { say "it stopped"; cat "$log" >&2; exit 1; }
  now=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")
  awk -v m="$(( $(date +%s) - start ))" -v r="$now" -v l="${last:-$now}" -v n="$n_nodes" \
      -v f="$(tail -n 1 "$log" | cut -c1-110)" \
    'BEGIN { printf "%8.1f %10.1f %12.1f %12.1f  %s\n", m / 60, r / 1024, r / n, (r - l) / 1024, f }'
  last=$now
done
