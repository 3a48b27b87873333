#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/app-fleet.sh [BUILD_DIR] [SIZES] [RENDERERS]
#
# The app in steady state against fleets of simulated agents, every size and renderer in
# one run, side by side with gnome-system-monitor showing this one machine (the peer):
# these machines are noisy, so figures taken at different times do not compare.
#
#   SIZES      node counts, default "50 200 1000"
#   RENDERERS  GSK_RENDERER values, "default" for GTK's own choice; default "cairo default"
#
# Each app gets a simulator of its own (bench/seye-fleet-sim, seed 1, 1 Hz, the default
# patterns: idle, busy, hot and a few nodes going offline now and then), its own Xvfb
# screen (1280x800, no window manager), session bus, settings (mDNS discovery off, so it
# follows its simulator's nodes and nothing else) and history store. The simulators
# listen on consecutive ports from SEYE_BENCH_PORT (default 20000), below the kernel's
# ephemeral range: a node that went offline must find its port free when it comes back,
# and with thousands of connections open an ephemeral one is soon someone else's. The
# simulator says
# every second how many of its online nodes had a sample go out to the app in the last
# 3 s (--stats): the app must follow every node, not only run.
#
# The app fills its in-memory history in 10.5 minutes (10 minutes of samples, the
# longest live range, plus 30 s). Timeline (seconds, set in the environment):
#   SEYE_BENCH_FILL     660  the buffers fill; nothing is measured
#   SEYE_BENCH_MEASURE  600  CPU (every thread's run time) and RSS every 10 s
# RSS is "flat" when its growth over the measured window is under 2 % (printed).
# At the end one table, in Markdown, on standard output; the samples in $SEYE_BENCH_LOG
# (a directory, default: none kept).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
read -r -a sizes <<< "${2:-50 200 1000}"
read -r -a renderers <<< "${3:-cairo default}"
fill=${SEYE_BENCH_FILL:-660}
measure=${SEYE_BENCH_MEASURE:-600}
step=10
sim=$build/bench/seye-fleet-sim
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
[ -x "$sim" ] && [ -x "$app" ] || { say "build $build first (the app and bench/seye-fleet-sim)"; exit 1; }

work=$(mktemp -d)
cleanup() {
  # The programs first (killing dbus-run-session leaves its child running), then the
  # simulators and the X servers.
  for f in "$work"/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  for f in "$work"/*.xpid "$work"/*.spid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${SEYE_BENCH_LOG:-}" ] && { mkdir -p "$SEYE_BENCH_LOG"; cp "$work"/*.csv "$work"/*.log "$SEYE_BENCH_LOG"/ 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/fleet-sim-lib.sh
. "$top/bench/fleet-sim-lib.sh"

app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
export NO_AT_BRIDGE=1 GTK_A11Y=none
names=()
display=150
next_port=${SEYE_BENCH_PORT:-20000}

# One simulator and one app: "SIZE-RENDERER".
start_app() {
  local n=$1 renderer=$2 name=$1-$2 args=() d
  nice -n 5 "$sim" -n "$n" --seed 1 --base-port "$next_port" --list "$work/$name.list" \
    --stats "$work/$name.stats" 2>"$work/$name-sim.log" &
  next_port=$((next_port + n))
  echo $! > "$work/$name.spid"
  for _ in $(seq 200); do [ -s "$work/$name.list" ] && break; sleep 0.1; done
  [ -s "$work/$name.list" ] || { say "the simulator for $name did not start"; cat "$work/$name-sim.log" >&2; exit 1; }
  while read -r _ _ url; do args+=(--node "${url#http://}"); done < "$work/$name.list"

  mkdir -p "$work/$name/config/glib-2.0/settings" "$work/$name/data"
  printf '[%s]\ndiscovery=false\nnotifications=false\n' "$(echo "$app_id" | tr . /)" \
    > "$work/$name/config/glib-2.0/settings/keyfile"
  d=$(start_x "$display"); display=$((d + 1))
  (
    [ "$renderer" = default ] && unset GSK_RENDERER || export GSK_RENDERER=$renderer
    DISPLAY=:$d GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR=$build/data \
    XDG_CONFIG_HOME=$work/$name/config XDG_DATA_HOME=$work/$name/data \
      exec dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/$name.pid" "$app" "${args[@]}"
  ) >"$work/$name-app.log" 2>&1 &
  names+=("$name")
}

for n in "${sizes[@]}"; do
  for r in "${renderers[@]}"; do start_app "$n" "$r"; done
done
d=$(start_x "$display")
DISPLAY=:$d GSETTINGS_BACKEND=memory \
  dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/gsm.pid" gnome-system-monitor --show-resources-tab \
  >"$work/gsm-app.log" 2>&1 &
names+=(gsm)
for name in "${names[@]}"; do
  for _ in $(seq 100); do [ -s "$work/$name.pid" ] && break; sleep 0.1; done
  [ -s "$work/$name.pid" ] || { say "$name did not start"; exit 1; }
done

run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { printf "%.0f", n }'; }
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
alive() {
  for name in "${names[@]}"; do
    kill -0 "$(cat "$work/$name.pid")" 2>/dev/null || { say "$name died"; cat "$work/$name-app.log" >&2; exit 1; }
  done
}

say "${names[*]} started; the buffers fill for ${fill}s, then ${measure}s measured"
sleep "$fill"
alive

# Every $step seconds, one line per program: time, CPU ns so far, RSS, served of online.
for name in "${names[@]}"; do echo "t,cpu_ns,rss_kib,served,online" > "$work/$name.csv"; done
end=$((SECONDS + measure))
while :; do
  now=$(date +%s.%N)
  for name in "${names[@]}"; do
    pid=$(cat "$work/$name.pid")
    served=- online=-
    [ -s "$work/$name.stats" ] && read -r _ served _ online _ < "$work/$name.stats"
    echo "$now,$(run_ns "$pid"),$(rss_kib "$pid"),$served,$online" >> "$work/$name.csv"
  done
  [ $SECONDS -ge $end ] && break
  sleep "$step"
done
alive

# CPU over the whole window; RSS first, last and its growth; the worst share of online
# nodes that had a sample in the last 3 s.
summary() {
  awk -F, -v name="$1" 'NR == 2 { t0 = $1; c0 = $2; r0 = $3 }
    NR >= 2 { t1 = $1; c1 = $2; r1 = $3; if ($3 > rmax) rmax = $3; if (rmin == "" || $3 < rmin) rmin = $3
              if ($5 != "-" && $5 > 0) { s = $4 / $5; if (worst == "" || s < worst) { worst = s; ws = $4; wo = $5 } } }
    END {
      fresh = worst == "" ? "–" : sprintf("%.1f %% (%d of %d)", worst * 100, ws, wo)
      printf "| %s | %.2f %% | %.1f MiB | %.1f–%.1f MiB | %+.1f %% | %s |\n",
             name, (c1 - c0) / 1e9 / (t1 - t0) * 100, r1 / 1024, rmin / 1024, rmax / 1024,
             (r1 - r0) / r0 * 100, fresh }' "$work/$2.csv"
}

echo "Steady state: ${measure}s measured after ${fill}s; $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| program | CPU, % of one core | RSS at the end | RSS over the window | RSS growth | nodes fresh (worst) |"
echo "|---|---|---|---|---|---|"
for name in "${names[@]}"; do
  if [ "$name" = gsm ]; then
    summary "gnome-system-monitor (Resources, this machine)" gsm
  else
    summary "sorcerers-eye, ${name%%-*} nodes, renderer ${name#*-}" "$name"
  fi
done
