#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/app-frames.sh [BUILD_DIR] [NODES] [RENDERERS]
#
# How long the app takes to list NODES (default 1000) simulated agents, and how long its
# frames take while the list sorts, filters and scrolls. The fleet simulator
# (bench/seye-fleet-sim, seed 1, 1 Hz, --offline 0) serves the nodes; for each renderer
# in RENDERERS (default "cairo gl": values of GSK_RENDERER, "app" for none set, the
# app's own choice) the app runs under its own Xvfb (1280x800, no window manager) with
# fresh settings, given every node with --node, and logs two diagnostics
# (G_MESSAGES_DEBUG, see README): "all N nodes listed and online" and the time of each
# frame ("frame 3.41 ms, CPU 3.02 ms (layout 0.80, paint 2.10)": from the frame clock's
# before-paint to its after-paint, and the main thread's CPU time meanwhile).
#
# Start: from the app's launch until every node is listed and online. Then, driven with
# xdotool: sort (a click on the Name, CPU and Memory column headers, each twice),
# filter (typing "sim-01" into the search entry, a key every 150 ms, then erasing
# it), scroll (the wheel, 60 steps down then up, every 50 ms, and Page Down/Up).
# For each: frames, the 99th percentile and the longest, in length and in CPU time. On a
# machine busy with other work a frame lasts longer than the CPU time it takes: the
# load average is printed with each run.
#
# Then the floor, beside it: bench/list-floor, GTK 4.8's own column view of as many rows
# of GtkInscriptions with nothing of the app, driven through the same sorts, search and
# scrolling by itself, its frames logged the same way (SEYE_BENCH_FLOOR=0: not run).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
nodes=${2:-1000}
renderers=${3:-cairo gl}
sim=$build/bench/seye-fleet-sim
app=$build/src/app/sorcerers-eye

say() { printf 'bench: %s\n' "$*" >&2; }

if ! command -v xdotool >/dev/null; then
  say "installing xdotool"
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends xdotool >&2
fi
for tool in Xvfb dbus-run-session xdotool; do
  command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
done
[ -x "$sim" ] && [ -x "$app" ] || { say "build $build first"; exit 1; }

work=$(mktemp -d)
sim_pid=
xvfb_pid=
cleanup() {
  [ -s "$work/app.pid" ] && kill "$(cat "$work/app.pid")" 2>/dev/null || true
  sleep 0.5
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/fleet-sim-lib.sh
. "$top/bench/fleet-sim-lib.sh"
fleet_sim_start "$nodes"

app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
schema_path=$(echo "$app_id" | tr . /)

free_display() {
  local d=$1
  while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
  echo "$d"
}

# The frame times logged since line @1 of the log: "count p99 max" in ms; @2 "cpu" for
# the CPU time of the frames instead of their length.
frames_since() {
  local pattern='s/.*seye-frames-DEBUG.*: frame \([0-9.]*\) ms.*/\1/p'
  [ "${2:-}" = cpu ] && pattern='s/.*seye-frames-DEBUG.*: frame .*, CPU \([0-9.]*\) ms.*/\1/p'
  tail -n +"$(($1 + 1))" "$work/app.log" | sed -n "$pattern" |
    sort -g | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "0 - -"; exit }
      i = int(NR * 0.99 + 0.999); if (i > NR) i = NR
      printf "%d %.1f %.1f\n", NR, v[i], v[NR] }'
}
lines() { wc -l < "$work/app.log"; }

report() {
  local what=$1 from=$2 n p99 max n_cpu p99_cpu max_cpu
  read -r n p99 max < <(frames_since "$from")
  read -r n_cpu p99_cpu max_cpu < <(frames_since "$from" cpu)
  printf '  %-8s %4d frames   99th percentile %6s ms   longest %6s ms   (CPU: %6s, %6s ms)\n' \
    "$what" "$n" "$p99" "$max" "$p99_cpu" "$max_cpu"
}

# One run with GSK_RENDERER=@1 ("app": unset).
run() {
  local renderer=$1 d pid win t0 t1 from x y
  rm -rf "$work/config" "$work/data" "$work/app.pid"
  mkdir -p "$work/config/glib-2.0/settings"
  printf '[%s]\ndiscovery=false\nnotifications=false\nview="list"\n' "$schema_path" \
    > "$work/config/glib-2.0/settings/keyfile"
  d=$(free_display 160)
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  export DISPLAY=:$d

  : > "$work/app.log"
  t0=$(date +%s.%N)
  (
    [ "$renderer" = app ] && unset GSK_RENDERER || export GSK_RENDERER=$renderer
    XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSETTINGS_BACKEND=keyfile \
    GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none \
    G_MESSAGES_DEBUG="seye-frames seye-node-list seye-renderer" \
      exec dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/app.pid" "$app" "${node_args[@]}"
  ) >"$work/app.log" 2>&1 &
  for _ in $(seq 1200); do
    grep -q "all $nodes nodes listed and online" "$work/app.log" && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  for _ in $(seq 100); do [ -s "$work/app.pid" ] && break; sleep 0.1; done
  pid=$(cat "$work/app.pid")
  grep -q "all $nodes nodes listed and online" "$work/app.log" ||
    { say "$renderer: not every node listed and online within 120 s"; tail "$work/app.log" >&2; exit 1; }
  if [ "$renderer" = app ]; then
    echo "renderer: the app's choice ($(sed -n 's/.*seye-renderer-DEBUG: [0-9:.]*: //p' "$work/app.log" | head -n1))"
  else
    echo "renderer: GSK_RENDERER=$renderer"
  fi
  awk -v a="$t0" -v b="$t1" -v n="$nodes" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { printf "  start    all %d nodes listed and online %.1f s after launch (load average %s)\n", n, b - a, load }'

  sleep 3
  win=$(xdotool search --sync --onlyvisible --pid "$pid" 2>/dev/null | head -n1)
  xdotool windowfocus --sync "$win" 2>/dev/null || true

  # Sort: the column headers of the list, left to right, clicked twice each.
  from=$(lines)
  for x in ${SEYE_BENCH_HEADERS:-265 490 640}; do
    for _ in 1 2; do
      xdotool mousemove --window "$win" "$x" "${SEYE_BENCH_HEADER_Y:-146}" click 1
      sleep 1
    done
  done
  report sort "$from"
  grep -o 'sort-column=.*' "$work/config/glib-2.0/settings/keyfile" >/dev/null ||
    say "$renderer: the clicks did not sort (no sort-column saved): set SEYE_BENCH_HEADERS / SEYE_BENCH_HEADER_Y"

  # Filter: the search entry, a key at a time, then erased.
  from=$(lines)
  xdotool key --window "$win" ctrl+f
  sleep 0.5
  xdotool type --window "$win" --delay 150 "sim-01"
  sleep 1
  for _ in 1 2 3 4 5 6; do xdotool key --window "$win" BackSpace; sleep 0.15; done
  xdotool key --window "$win" Escape
  sleep 1
  report filter "$from"

  # Scroll: the wheel over the list, then the keyboard.
  from=$(lines)
  xdotool mousemove --window "$win" 300 400
  xdotool click --repeat 60 --delay 50 5
  xdotool click --repeat 60 --delay 50 4
  xdotool click 1
  for _ in 1 2 3 4 5; do xdotool key --window "$win" Page_Down; sleep 0.1; done
  for _ in 1 2 3 4 5; do xdotool key --window "$win" Page_Up; sleep 0.1; done
  sleep 1
  report scroll "$from"

  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=
  rm -f "$work/app.pid"
}

# The floor's frames in @1 (sort, filter, scroll): "count p99 max" of their length and
# of their CPU time, from the lines between "phase @1" and the next phase.
floor_frames() {
  sed -n -e 's/^phase \(.*\)/phase \1/p' \
         -e 's/.*seye-frames-DEBUG.*: frame \([0-9.]*\) ms, CPU \([0-9.]*\) ms.*/\1 \2/p' "$work/floor.log" |
    awk -v p="$1" -v col="$2" '/^phase / { cur = $2; next } cur == p { print $col }' | sort -g |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "0 - -"; exit }
      i = int(NR * 0.99 + 0.999); if (i > NR) i = NR
      printf "%d %.1f %.1f\n", NR, v[i], v[NR] }'
}

# GTK's own list through the same drive, with GSK_RENDERER=@1 (the app's choice here: Cairo).
floor_run() {
  local renderer=$1 d what n p99 max n_cpu p99_cpu max_cpu
  [ "$renderer" = app ] && renderer=cairo
  d=$(free_display 160)
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  DISPLAY=:$d GSK_RENDERER=$renderer NO_AT_BRIDGE=1 GTK_A11Y=none G_MESSAGES_DEBUG=seye-frames \
    "$build/bench/list-floor" "$nodes" >"$work/floor.log" 2>&1 ||
    { say "list-floor failed"; tail "$work/floor.log" >&2; exit 1; }
  kill "$xvfb_pid" 2>/dev/null || true
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=
  echo "floor: bench/list-floor, $nodes rows of GTK's column view, GSK_RENDERER=$renderer (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for what in sort filter scroll; do
    read -r n p99 max < <(floor_frames "$what" 1)
    read -r n_cpu p99_cpu max_cpu < <(floor_frames "$what" 2)
    printf '  %-8s %4d frames   99th percentile %6s ms   longest %6s ms   (CPU: %6s, %6s ms)\n' \
      "$what" "$n" "$p99" "$max" "$p99_cpu" "$max_cpu"
  done
}

echo "$nodes simulated nodes at 1 Hz; $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for r in $renderers; do
  run "$r"
  if [ "${SEYE_BENCH_FLOOR:-1}" != 0 ] && [ -x "$build/bench/list-floor" ]; then
    floor_run "$r"
  fi
done
