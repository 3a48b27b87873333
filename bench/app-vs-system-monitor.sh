#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/app-vs-system-monitor.sh [BUILD_DIR] [N_AGENTS] [SECONDS]
#
# Sorcerer's Eye watching N agents (default 50) on loopback at 1 Hz, against
# gnome-system-monitor showing its Resources tab for this one machine, in the same
# run. Each program gets its own Xvfb screen (1280x800, no window manager), a private
# session bus and the memory GSettings backend; after a warm-up, their CPU time
# (utime + stime from /proc/PID/stat) and memory (RSS, PSS) are measured over SECONDS
# (default 60). The target: Sorcerer's Eye on N nodes costs less CPU than
# gnome-system-monitor on one. Set GSK_RENDERER to compare renderers (default: GTK's).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
n_agents=${2:-50}
duration=${3:-60}
warmup=${SEYE_BENCH_WARMUP:-15}
agent=$build/src/agent/sorcerers-eye-agent
app=$build/src/app/sorcerers-eye

say() { printf 'bench: %s\n' "$*" >&2; }

if ! command -v gnome-system-monitor >/dev/null; then
  say "installing gnome-system-monitor"
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends gnome-system-monitor >&2
fi
for tool in Xvfb dbus-run-session gnome-system-monitor; do
  command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
done
[ -x "$agent" ] && [ -x "$app" ] || { say "build $build first (agent and app)"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  # The programs themselves first: killing dbus-run-session leaves its child running.
  # dbus-run-session then stops its bus and exits by itself.
  for f in "$work"/app.pid "$work"/gsm.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  for f in "$work"/xvfb-*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "starting $n_agents agents"
nodes=()
for i in $(seq 1 "$n_agents"); do
  "$agent" --bind 127.0.0.1 --port 0 --no-mdns --interval 1 --name "bench-$i" \
    --node-id "$(printf 'be0c4%027x' "$i")" 2>"$work/agent-$i.log" &
  pids+=($!)
done
for i in $(seq 1 "$n_agents"); do
  port=""
  for _ in $(seq 100); do
    port=$(grep -o 'Listening on http://127.0.0.1:[0-9]*' "$work/agent-$i.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { say "agent $i did not start"; cat "$work/agent-$i.log" >&2; exit 1; }
  nodes+=(--node "127.0.0.1:$port")
done

free_display() {
  local d=$1
  while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
  echo "$d"
}

start_x() {
  local d
  d=$(free_display "$1")
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  # Called in $(...): a subshell, so the pid goes to a file for cleanup, not to pids.
  echo $! > "$work/xvfb-$d.pid"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  echo "$d"
}

export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none

# The app watches these agents and nothing else: with mDNS discovery on it would also
# watch whatever else announces itself here (other agents, test runs). Its settings and
# history store are its own, fresh for each run.
app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
mkdir -p "$work/config/glib-2.0/settings"
printf '[%s]\ndiscovery=false\n' "$(echo "$app_id" | tr . /)" > "$work/config/glib-2.0/settings/keyfile"
display_app=$(start_x 140)
display_gsm=$(start_x $((display_app + 1)))

# Each under its own session bus; the program's pid is written to a file.
DISPLAY=:$display_app GSETTINGS_SCHEMA_DIR=$build/data GSETTINGS_BACKEND=keyfile \
  XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data \
  dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/app.pid" "$app" "${nodes[@]}" \
  >"$work/app.log" 2>&1 &
pids+=($!)
DISPLAY=:$display_gsm \
  dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/gsm.pid" gnome-system-monitor --show-resources-tab \
  >"$work/gsm.log" 2>&1 &
pids+=($!)

for _ in $(seq 50); do [ -s "$work/app.pid" ] && [ -s "$work/gsm.pid" ] && break; sleep 0.1; done
app_pid=$(cat "$work/app.pid")
gsm_pid=$(cat "$work/gsm.pid")

say "warming up for ${warmup}s (history fills, windows settle)"
sleep "$warmup"
kill -0 "$app_pid" && kill -0 "$gsm_pid" || { say "a program died"; cat "$work/app.log" "$work/gsm.log" >&2; exit 1; }

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Run time of every thread in nanoseconds: clock ticks (10 ms) are too coarse for a
# program that runs some 6 ms a second. Threads that end meanwhile are missed here
# (not by ticks): both figures are printed.
run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { printf "%.0f", n }'; }
kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/$3"; }

hz=$(getconf CLK_TCK)
app_t0=$(ticks "$app_pid"); gsm_t0=$(ticks "$gsm_pid")
app_n0=$(run_ns "$app_pid"); gsm_n0=$(run_ns "$gsm_pid")
t0=$(date +%s.%N)
app_rss_max=0; gsm_rss_max=0
end=$((SECONDS + duration))
while [ $SECONDS -lt $end ]; do
  r=$(kib "$app_pid" VmRSS status); [ "$r" -gt "$app_rss_max" ] && app_rss_max=$r
  r=$(kib "$gsm_pid" VmRSS status); [ "$r" -gt "$gsm_rss_max" ] && gsm_rss_max=$r
  sleep 1
done
app_t1=$(ticks "$app_pid"); gsm_t1=$(ticks "$gsm_pid")
app_n1=$(run_ns "$app_pid"); gsm_n1=$(run_ns "$gsm_pid")
t1=$(date +%s.%N)

# What each showed, to check that both really drew (SEYE_BENCH_SHOTS=DIR).
if [ -n "${SEYE_BENCH_SHOTS:-}" ] && command -v import >/dev/null; then
  mkdir -p "$SEYE_BENCH_SHOTS"
  import -display ":$display_app" -window root "$SEYE_BENCH_SHOTS/bench-sorcerers-eye.png"
  import -display ":$display_gsm" -window root "$SEYE_BENCH_SHOTS/bench-gnome-system-monitor.png"
fi
report() {
  local name=$1 pid=$2 ta=$3 tb=$4 na=$5 nb=$6 rss_max=$7
  awk -v n="$name" -v a="$ta" -v b="$tb" -v na="$na" -v nb="$nb" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
      -v rss="$(kib "$pid" VmRSS status)" -v pss="$(kib "$pid" Pss smaps_rollup)" -v max="$rss_max" \
      'BEGIN { printf "%-34s CPU %6.3f %% of one core (in ticks %5.2f %%)   RSS %6.1f MiB (max %6.1f)   PSS %6.1f MiB\n",
               n, (nb - na) / 1e9 / (t1 - t0) * 100, (b - a) / hz / (t1 - t0) * 100,
               rss / 1024, max / 1024, pss / 1024 }'
}

echo "renderer: ${GSK_RENDERER:-GTK default}; ${duration}s after ${warmup}s warm-up; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
report "sorcerers-eye ($n_agents nodes, 1 Hz)" "$app_pid" "$app_t0" "$app_t1" "$app_n0" "$app_n1" "$app_rss_max"
report "gnome-system-monitor (Resources)" "$gsm_pid" "$gsm_t0" "$gsm_t1" "$gsm_n0" "$gsm_n1" "$gsm_rss_max"
