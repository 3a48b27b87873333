#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# build-aux/screenshot.sh [BUILD_DIR] [OUTPUT.png]
#
# Takes a screenshot of the real app watching a few live agents on this machine,
# under Xvfb (no window manager, so no shadows): the picture for the README and the
# metainfo (data/screenshots/main.png). The agents run on loopback and are given to
# the app with --node, so it works with or without avahi-daemon.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
output=${2:-$top/data/screenshots/main.png}
agent=$build/src/agent/sorcerers-eye-agent
app=$build/src/app/sorcerers-eye
names=(atlas borealis cygnus draco eridanus fornax)
settle=${SEYE_SCREENSHOT_SETTLE:-40}

for tool in xvfb-run dbus-run-session import; do
  command -v "$tool" >/dev/null || { echo "screenshot: $tool is missing" >&2; exit 1; }
done
[ -x "$agent" ] && [ -x "$app" ] || { echo "screenshot: build $build first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

nodes=()
for i in "${!names[@]}"; do
  "$agent" --bind 127.0.0.1 --port 0 --no-mdns --interval 1 --name "${names[$i]}" \
    --node-id "$(printf '5c2ee%027x' "$i")" 2>"$work/agent-$i.log" &
  pids+=($!)
done
for i in "${!names[@]}"; do
  for _ in $(seq 50); do
    port=$(grep -o 'Listening on http://127.0.0.1:[0-9]*' "$work/agent-$i.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "screenshot: agent ${names[$i]} did not start" >&2; cat "$work/agent-$i.log" >&2; exit 1; }
  nodes+=(--node "127.0.0.1:$port")
done

# Some work for the graphs to show: a core busy in bursts while the app watches.
( end=$((SECONDS + settle)); while [ $SECONDS -lt $end ]; do timeout 3 sh -c 'while :; do :; done' || true; sleep 2; done ) &
pids+=($!)

# Settings of its own: only these agents, not whatever else announces itself on the LAN.
app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
mkdir -p "$work/config/glib-2.0/settings"
printf '[%s]\ndiscovery=false\n' "$(echo "$app_id" | tr . /)" > "$work/config/glib-2.0/settings/keyfile"
export XDG_CONFIG_HOME=$work/config GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none
export LANG=${LANG:-C.UTF-8}
xvfb-run -a -s '-screen 0 1280x760x24' dbus-run-session -- sh -c '
  "$0" "$@" 2>/dev/null &
  app=$!
  sleep '"$settle"'
  import -window root "'"$output"'"
  kill $app
' "$app" "${nodes[@]}"

echo "screenshot: wrote $output"
