#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# build-aux/screenshot-processes.sh [BUILD_DIR] [OUTPUT.png]
#
# Takes the README's picture of the Processes section (data/screenshots/processes.png):
# the real app under Xvfb watching three live agents on this machine, given with --node,
# one of them selected with its Processes section open, and a process started here that
# keeps a core busy (a copy of /bin/sh under the name "render-worker") at the top. What
# else the list shows is what runs on the machine that takes the picture.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
output=${2:-$top/data/screenshots/processes.png}
agent=$build/src/agent/sorcerers-eye-agent
app=$build/src/app/sorcerers-eye
names=(atlas borealis cygnus)
shown=2
settle=${SEYE_SCREENSHOT_SETTLE:-20}

for tool in xvfb-run dbus-run-session import gdbus; do
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
    --node-id "$(printf '5c2ee%027x' "$((i + 16))")" 2>"$work/agent-$i.log" &
  pids+=($!)
done
for i in "${!names[@]}"; do
  port=
  for _ in $(seq 50); do
    port=$(grep -o 'Listening on http://127.0.0.1:[0-9]*' "$work/agent-$i.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "screenshot: agent ${names[$i]} did not start" >&2; cat "$work/agent-$i.log" >&2; exit 1; }
  nodes+=(--node "127.0.0.1:$port")
done

# The process that keeps a core pegged, under a name of its own.
cp /bin/sh "$work/render-worker"
"$work/render-worker" -c 'while :; do :; done' &
pids+=($!)

# Settings of its own: only these agents, a pane wide enough for every column, the
# Processes section open.
app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
mkdir -p "$work/config/glib-2.0/settings"
printf '[%s]\ndiscovery=false\nwindow-width=1600\nwindow-height=900\npane-position=600\nnotifications=false\nprocesses-expanded=true\nhidden-columns=["disk","address","uptime","rx","tx"]\n' \
  "$(echo "$app_id" | tr . /)" > "$work/config/glib-2.0/settings/keyfile"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none
export LANG=${LANG:-C.UTF-8}

shown_id=$(printf '5c2ee%027x' "$((shown + 16))")
object_path=/$(echo "$app_id" | tr . /)
xvfb-run -a -s '-screen 0 1600x900x24' dbus-run-session -- sh -c '
  "$0" "$@" 2>/dev/null &
  app=$!
  sleep 4
  gdbus call --session --dest "'"$app_id"'" --object-path "'"$object_path"'" \
    --method org.gtk.Actions.Activate show-node "[<\"'"$shown_id"'\">]" "{}" >/dev/null
  sleep '"$((settle - 4))"'
  import -window root "'"$output"'"
  kill $app
' "$app" "${nodes[@]}"

echo "screenshot: wrote $output"
