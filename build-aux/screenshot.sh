#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# build-aux/screenshot.sh [BUILD_DIR] [OUTPUT.png]
#
# Takes a screenshot of the real app watching a few live agents on this machine,
# under Xvfb (no window manager, so no shadows): the picture for the README and the
# metainfo (data/screenshots/main.png). The agents run on loopback and are given to
# the app with --node, so it works with or without avahi-daemon. The fleet tells its
# truth: one agent is killed (Offline), one stopped (Left the network), and one
# reads a recorded machine in trouble (memory 96 %, as root also /data 97 % full on
# a tmpfs of its own), selected so the detail pane shows its alerts and disks.
set -euo pipefail

# As root, in a mount namespace of its own: the full disk is a tmpfs nobody else sees.
if [ "$(id -u)" = 0 ] && [ -z "${SEYE_SCREENSHOT_NS:-}" ] && command -v unshare >/dev/null; then
  SEYE_SCREENSHOT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

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
  [ -n "${SEYE_SCREENSHOT_NS:-}" ] && umount "$work/hot/data" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The machine in trouble: the recorded 2-core tree of the tests, memory 96 % used.
hot=2
mkdir -p "$work/hot"
cp -r "$top/tests/data/proc/basic-2core/." "$work/hot/"
cat > "$work/hot/proc/meminfo" <<'MEMINFO'
MemTotal:        4000000 kB
MemFree:           60000 kB
MemAvailable:     160000 kB
Buffers:           10000 kB
Cached:            80000 kB
SwapTotal:       2000000 kB
SwapFree:        1500000 kB
SReclaimable:      10000 kB
MEMINFO
if [ -n "${SEYE_SCREENSHOT_NS:-}" ]; then
  printf '/dev/sdz1 /data ext4 rw,relatime 0 0\n/dev/vda1 / ext4 rw,relatime 0 0\n' > "$work/hot/proc/mounts"
  mkdir -p "$work/hot/data"
  mount -t tmpfs -o size=4096k tmpfs "$work/hot/data"
  head -c $((4096 * 1024 * 97 / 100)) /dev/zero > "$work/hot/data/filler"
fi

nodes=()
for i in "${!names[@]}"; do
  root=()
  [ "$i" = "$hot" ] && root=(--root "$work/hot")
  "$agent" --bind 127.0.0.1 --port 0 --no-mdns --interval 1 --name "${names[$i]}" \
    --node-id "$(printf '5c2ee%027x' "$i")" "${root[@]}" 2>"$work/agent-$i.log" &
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
printf '[%s]\ndiscovery=false\nwindow-width=1600\nwindow-height=900\npane-position=840\nnotifications=false\n' \
  "$(echo "$app_id" | tr . /)" > "$work/config/glib-2.0/settings/keyfile"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GTK_A11Y=none
export LANG=${LANG:-C.UTF-8}
# A third of the way in, one agent dies (SIGKILL) and one stops (SIGTERM).
( sleep $((settle / 3)); kill -KILL "${pids[4]}" 2>/dev/null; kill -TERM "${pids[5]}" 2>/dev/null ) &
pids+=($!)

hot_id=$(printf '5c2ee%027x' "$hot")
object_path=/$(echo "$app_id" | tr . /)
xvfb-run -a -s '-screen 0 1600x900x24' dbus-run-session -- sh -c '
  "$0" "$@" 2>/dev/null &
  app=$!
  sleep 5
  # Select the machine in trouble, as its notification would.
  gdbus call --session --dest "'"$app_id"'" --object-path "'"$object_path"'" \
    --method org.gtk.Actions.Activate show-node "[<\"'"$hot_id"'\">]" "{}" >/dev/null
  sleep '"$((settle - 5))"'
  import -window root "'"$output"'"
  kill $app
' "$app" "${nodes[@]}"

echo "screenshot: wrote $output"
