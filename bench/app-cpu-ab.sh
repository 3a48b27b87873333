#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/app-cpu-ab.sh [BUILD_DIR] [NODES] [SECONDS] [APP...]
#
# Builds of the app side by side with gnome-system-monitor, in one run, so that a change
# is measured against the build before it on the same seconds of a noisy machine. Every
# app follows the same simulated fleet (bench/seye-fleet-sim: NODES nodes, default 200,
# seed 1, 1 Hz, no node going offline, at nice 10), each under its own Xvfb screen
# (1280x800, no window manager), session bus, settings (mDNS discovery off) and history
# store; gnome-system-monitor shows this machine's Resources tab. After SEYE_BENCH_WARMUP
# seconds (default 180), each program's CPU over SECONDS (default 120): utime+stime from
# /proc/PID/stat, and every thread's run time. The measured programs run at nice
# SEYE_BENCH_NICE (default -10) so that other work on the machine disturbs them less.
#
#   APP   sorcerers-eye binaries (default the build's own); a copy of an older build's
#         binary runs with BUILD_DIR's schemas
#   The first row of the list (the sort puts alerting nodes first) is clicked in every app
#   after the warm-up (xdotool), so that all show the same node in their detail pane: which
#   one an app selects at start depends on the order its nodes answered, and a busy node's
#   changing alert values cost much more to show than a quiet one's "Online".
#   SEYE_BENCH_PERF=DIR   afterwards `perf record -g` of every app at once for 60 s, into
#         DIR/app-N.data, and `perf report --no-children --sort dso,sym` into DIR/app-N.txt
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
n_nodes=${2:-200}
duration=${3:-120}
shift $(($# < 3 ? $# : 3))
apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=("$build/src/app/sorcerers-eye")
warmup=${SEYE_BENCH_WARMUP:-180}
prio=${SEYE_BENCH_NICE:--10}
sim=$build/bench/seye-fleet-sim

say() { printf 'bench: %s\n' "$*" >&2; }

for tool in Xvfb dbus-run-session gnome-system-monitor; do
  command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
done
[ -x "$sim" ] || { say "build $build first (bench/seye-fleet-sim)"; exit 1; }
for app in "${apps[@]}"; do [ -x "$app" ] || { say "$app is not a program"; exit 1; }; done

work=$(mktemp -d)
cleanup() {
  # The programs first (killing dbus-run-session leaves its child running), then the
  # simulator and the X servers.
  for f in "$work"/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null || true
  for f in "$work"/*.xpid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/fleet-sim-lib.sh
. "$top/bench/fleet-sim-lib.sh"

export NO_AT_BRIDGE=1 GTK_A11Y=none
app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
fleet_sim_start "$n_nodes"

names=()
display=160
app_nice=$prio
for i in "${!apps[@]}"; do
  app_start "app-$i" "${apps[$i]}" "${node_args[@]}"
  names+=("app-$i")
done
d=$(start_x "$display")
DISPLAY=:$d GSETTINGS_BACKEND=memory \
  nice -n "$prio" dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/gsm.pid" \
  gnome-system-monitor --show-resources-tab >"$work/gsm-app.log" 2>&1 &
names+=(gsm)
for name in "${names[@]}"; do
  for _ in $(seq 100); do [ -s "$work/$name.pid" ] && break; sleep 0.1; done
  [ -s "$work/$name.pid" ] || { say "$name did not start"; exit 1; }
done

alive() {
  for name in "${names[@]}"; do
    kill -0 "$(cat "$work/$name.pid")" 2>/dev/null || { say "$name died"; cat "$work/$name-app.log" >&2; exit 1; }
  done
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { printf "%.0f", n }'; }
# Loopback connections the program holds to the simulator: one stream a node.
streams() { ss -tnpH state established 2>/dev/null | grep -c "pid=$1," || true; }

say "${names[*]} started on $n_nodes nodes; ${warmup}s warm-up, then ${duration}s measured"
sleep "$warmup"
alive
if command -v xdotool >/dev/null; then
  for i in "${!apps[@]}"; do
    DISPLAY=:$(cat "$work/app-$i.display") xdotool mousemove 300 175 click 1 mousemove 1270 790
  done
  sleep 5
else
  say "xdotool is missing: each app shows the node it selected by itself"
fi

declare -A t0 n0
for name in "${names[@]}"; do
  pid=$(cat "$work/$name.pid"); t0[$name]=$(ticks "$pid"); n0[$name]=$(run_ns "$pid")
done
s0=$(date +%s.%N)
sleep "$duration"
s1=$(date +%s.%N)
alive

hz=$(getconf CLK_TCK)
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
read -r load1 load5 load15 _ < /proc/loadavg
echo "$n_nodes nodes, ${duration}s after ${warmup}s; nice $prio; renderer ${GSK_RENDERER:-unset}; load $load1 $load5 $load15; $(date -u '+%F %H:%M UTC')"
for name in "${names[@]}"; do
  pid=$(cat "$work/$name.pid")
  if [ "$name" = gsm ]; then
    label=gnome-system-monitor
  else
    label="${apps[${name#app-}]} ($(streams "$pid") streams)"
  fi
  t1=$(ticks "$pid"); n1=$(run_ns "$pid"); rss=$(rss_kib "$pid")
  awk -v l="$label" -v a="${t0[$name]}" -v b="$t1" -v na="${n0[$name]}" -v nb="$n1" -v hz="$hz" \
      -v s0="$s0" -v s1="$s1" -v rss="$rss" \
      'BEGIN { printf "%6.3f %% utime+stime  %6.3f %% run time  %6.1f MiB  %s\n", (b - a) / hz / (s1 - s0) * 100, (nb - na) / 1e9 / (s1 - s0) * 100, rss / 1024, l }'
done

if [ -n "${SEYE_BENCH_PERF:-}" ]; then
  mkdir -p "$SEYE_BENCH_PERF"
  perf_pids=()
  for i in "${!apps[@]}"; do
    perf record -q -g -p "$(cat "$work/app-$i.pid")" -o "$SEYE_BENCH_PERF/app-$i.data" -- sleep 60 2>/dev/null &
    perf_pids+=($!)
  done
  wait "${perf_pids[@]}"
  for i in "${!apps[@]}"; do
    perf report -i "$SEYE_BENCH_PERF/app-$i.data" --no-children --sort dso,sym --stdio 2>/dev/null \
      > "$SEYE_BENCH_PERF/app-$i.txt" || true
  done
  say "perf: $SEYE_BENCH_PERF/app-*.txt"
fi
