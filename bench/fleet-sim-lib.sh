# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the benchmarks that run the app against simulated agents.
#
# fleet_sim_start NODES: starts $sim (bench/seye-fleet-sim: seed 1, 1 Hz, no node going
# offline, at nice 10) serving NODES agents, its list in $work/list and its log in
# $work/sim.log; sets sim_pid, and node_args to one --node HOST:PORT a node.
fleet_sim_start() {
  nice -n 10 "$sim" -n "$1" --seed 1 --offline 0 --list "$work/list" 2>"$work/sim.log" &
  sim_pid=$!
  for _ in $(seq 300); do [ -s "$work/list" ] && break; sleep 0.1; done
  [ -s "$work/list" ] || { say "the simulator did not start"; cat "$work/sim.log" >&2; exit 1; }
  node_args=()
  while read -r _ _ url; do node_args+=(--node "${url#http://}"); done < "$work/list"
}

# start_x DISPLAY: an Xvfb (1280x800, no window manager) on the first free display from
# DISPLAY; prints its number, and leaves its pid in $work/xN.xpid for the cleanup.
start_x() {
  local d=$1
  while [ -e "/tmp/.X$d-lock" ] || [ -e "/tmp/.X11-unix/X$d" ]; do d=$((d + 1)); done
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  echo $! > "$work/x$d.xpid"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  echo "$d"
}

# app_start NAME APP ARGS...: APP (the app) given ARGS, under an Xvfb of its own (start_x
# from $display, which moves past it), with its own session bus, settings (mDNS discovery
# and notifications off: it follows the nodes it is given and nothing else) and history
# store under $work/NAME, at nice ${app_nice:-0}; its pid in $work/NAME.pid, its display
# number in $work/NAME.display, its output in $work/NAME-app.log. Needs $build and $app_id.
app_start() {
  local name=$1 app=$2 d; shift 2
  mkdir -p "$work/$name/config/glib-2.0/settings" "$work/$name/data"
  printf '[%s]\ndiscovery=false\nnotifications=false\n' "$(echo "$app_id" | tr . /)" \
    > "$work/$name/config/glib-2.0/settings/keyfile"
  d=$(start_x "$display"); display=$((d + 1))
  echo "$d" > "$work/$name.display"
  DISPLAY=:$d GSETTINGS_BACKEND=keyfile GSETTINGS_SCHEMA_DIR=$build/data \
  XDG_CONFIG_HOME=$work/$name/config XDG_DATA_HOME=$work/$name/data \
    nice -n "${app_nice:-0}" dbus-run-session -- sh -c 'echo $$ > "$0"; exec "$@"' "$work/$name.pid" \
    "$app" "$@" >"$work/$name-app.log" 2>&1 &
}
