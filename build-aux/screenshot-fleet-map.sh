#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# build-aux/screenshot-fleet-map.sh [BUILD_DIR] [OUTPUT.png] [NODES]
#
# Takes the README's picture of the fleet map (data/screenshots/fleet-map.png): the real
# app under Xvfb, in map view, watching NODES (default 1000) simulated agents on loopback
# (bench/seye-fleet-sim, seed 1: a role and a rack tag each, 2 % hot, 1 % that go offline
# now and then, here within the first half minute), given with --node. The first hot node
# is selected, so the detail pane beside the map shows it. With xdotool the pointer is
# moved out of the way first.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
output=${2:-$top/data/screenshots/fleet-map.png}
nodes=${3:-1000}
sim=$build/bench/seye-fleet-sim
app=$build/src/app/sorcerers-eye
settle=${SEYE_SCREENSHOT_SETTLE:-40}
size=${SEYE_SCREENSHOT_SIZE:-1280x800}

for tool in xvfb-run dbus-run-session import gdbus python3; do
  command -v "$tool" >/dev/null || { echo "screenshot: $tool is missing" >&2; exit 1; }
done
[ -x "$sim" ] && [ -x "$app" ] || { echo "screenshot: build $build first" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$sim" -n "$nodes" --seed 1 --offline 0.01 --offline-every 30 --offline-for 25 \
  --list "$work/list" 2>"$work/sim.log" &
pids+=($!)
for _ in $(seq 100); do
  [ -s "$work/list" ] && break
  sleep 0.1
done
[ -s "$work/list" ] || { echo "screenshot: the simulator did not start" >&2; cat "$work/sim.log" >&2; exit 1; }
args=()
while read -r _ _ url; do
  args+=(--node "${url#http://}")
done < "$work/list"

# Settings of its own: only these nodes, the map, the window as big as the screen.
app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
width=${size%x*}
height=${size#*x}
mkdir -p "$work/config/glib-2.0/settings"
printf '[%s]\ndiscovery=false\nwindow-width=%s\nwindow-height=%s\npane-position=%s\nnotifications=false\nview="map"\n' \
  "$(echo "$app_id" | tr . /)" "$width" "$height" "$((width * 58 / 100))" > "$work/config/glib-2.0/settings/keyfile"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none
export LANG=${LANG:-C.UTF-8}

# The node shown: the first hot one (CPU or memory over 90 %), by its node id.
shown=${SEYE_SCREENSHOT_NODE:-$(python3 - "$work/list" <<'PY'
import json, sys, urllib.request
for line in open(sys.argv[1]):
    url = line.split()[2]
    sample = json.load(urllib.request.urlopen(url + "/v1/metrics", timeout=5))
    memory = sample.get("memory", {})
    if sample.get("cpu", {}).get("busy", 0) >= 90 or memory.get("used", 0) >= 0.9 * memory.get("total", 1):
        print(json.load(urllib.request.urlopen(url + "/v1/node", timeout=5))["node_id"])
        break
PY
)}
object_path=/$(echo "$app_id" | tr . /)
xvfb-run -a -s "-screen 0 ${size}x24" dbus-run-session -- sh -c '
  "$0" "$@" 2>/dev/null &
  app=$!
  sleep 6
  if [ -n "'"$shown"'" ]; then
    gdbus call --session --dest "'"$app_id"'" --object-path "'"$object_path"'" \
      --method org.gtk.Actions.Activate show-node "[<\"'"$shown"'\">]" "{}" >/dev/null || true
  fi
  sleep '"$((settle - 6))"'
  # The pointer out of the way: no tooltip, no hover.
  command -v xdotool >/dev/null && xdotool mousemove 0 '"$((height - 1))"' && sleep 1
  import -window root "'"$output"'"
  kill $app
' "$app" "${args[@]}"

echo "screenshot: wrote $output ($nodes simulated nodes)"
