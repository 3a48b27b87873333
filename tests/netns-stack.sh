#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Separate hosts on one machine, for the network fault tests: network namespaces
# joined by veth pairs to one bridge, each with its own D-Bus system bus and
# avahi-daemon, so mDNS really crosses a (virtual) wire.
#
#   bridge seye-br0 (root namespace) 10.231.0.1/24: the app's side
#   host "lan":  namespace seye-lan, 10.231.0.2: the avahi-daemon the app browses through
#   host "nI":   namespace seye-nI, 10.231.0.(10+I): a node (I = 1..N)
# Each host's end of its link is "eth0"; the root end is "seye-HOST-p", on the bridge.
# Each host's system bus is the socket $STATE_DIR/HOST/bus (a path, so reachable from
# every namespace: the app in the root namespace browses through the lan host's).
#
#   netns-stack.sh check            exit 0 when it can be set up here, 77 (reason on stderr) when not
#   netns-stack.sh hold N           take the lock, clear leftovers, set up N nodes, print "ready",
#                                   keep it all until stdin closes or a TERM/INT/HUP, then tear down
#   netns-stack.sh down             tear everything down (also what a killed run left); idempotent
#   netns-stack.sh link HOST up|down      plug or cut HOST's link (its port on the bridge)
#   netns-stack.sh avahi-restart HOST     restart HOST's avahi-daemon
#   netns-stack.sh address HOST     print HOST's IPv4 address
#   netns-stack.sh bus HOST         print HOST's D-Bus address
#
# Nothing leaves this machine: the bridge has no uplink and the subnet is private.
# Exit 77: cannot be set up here (reason on stderr).
set -u

STATE_DIR=${SEYE_NETNS_STATE_DIR:-/run/sorcerers-eye-netns}
LOCK="$STATE_DIR.lock"
BRIDGE=seye-br0
SUBNET=10.231.0
MAX_NODES=20

say() { echo "netns-stack: $*" >&2; }

need() {
  command -v "$1" >/dev/null 2>&1 || { say "$1 is not installed (install package $2)"; exit 77; }
}

host_ns() { echo "seye-$1"; }
host_port() { echo "seye-$1-p"; }

host_address() {
  case "$1" in
    lan) echo "$SUBNET.2" ;;
    n[0-9]*) echo "$SUBNET.$((10 + ${1#n}))" ;;
    *) say "no host named '$1' (lan, n1, n2, ...)"; return 1 ;;
  esac
}

bus_address() { echo "unix:path=$STATE_DIR/$1/bus"; }

avahi_answers() {
  DBUS_SYSTEM_BUS_ADDRESS=$(bus_address "$1") dbus-send --system --print-reply \
    --dest=org.freedesktop.Avahi / org.freedesktop.Avahi.Server.GetState 2>/dev/null |
    grep -q 'int32 2'   # AVAHI_SERVER_RUNNING: its host name is established
}

check() {
  need ip iproute2
  need dbus-daemon dbus
  need dbus-send dbus
  need avahi-daemon avahi-daemon
  need flock util-linux
  if [ "$(id -u)" != 0 ]; then
    say "network namespaces need root (you are $(id -un)): run the tests as root"
    exit 77
  fi
  if ! ip netns add seye-probe 2>"$STATE_DIR.probe"; then
    say "cannot create a network namespace here: $(cat "$STATE_DIR.probe")"
    rm -f "$STATE_DIR.probe"
    exit 77
  fi
  rm -f "$STATE_DIR.probe"
  if ! ip -n seye-probe link add seye-probe-a type veth peer name seye-probe-b 2>/dev/null; then
    ip netns del seye-probe
    say "cannot create veth pairs here (no veth support in this kernel?)"
    exit 77
  fi
  ip netns del seye-probe
}

# A zombie is gone: it only waits for its parent (this shell, for the daemons it started).
alive() {
  [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

stop_pid() {
  local i
  kill "$1" 2>/dev/null || return 0
  i=0
  while alive "$1" && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  return 0
}

# Everything this script ever made, whatever state a killed run left it in.
down() {
  local namespaces ns pids pid link i
  namespaces=$(ip netns list 2>/dev/null | awk '/^seye-/ { print $1 }')
  # Whatever runs on the hosts: all asked at once, then whoever is left killed.
  pids=$(for ns in $namespaces; do ip netns pids "$ns" 2>/dev/null; done)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  i=0
  while [ $i -lt 50 ]; do
    for pid in $pids; do alive "$pid" && break; pid=; done
    [ -z "${pid:-}" ] && break
    i=$((i + 1)); sleep 0.1
  done
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  for ns in $namespaces; do ip netns del "$ns" 2>/dev/null; done
  for link in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep '^seye-'); do
    ip link del "$link" 2>/dev/null
  done
  rm -rf "$STATE_DIR"
  return 0
}

write_configs() {
  local dir
  dir="$STATE_DIR/$1"
  mkdir -p "$dir"
  # A system bus like Debian's, with avahi's policy, on a socket of its own.
  cat > "$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>/usr/share/dbus-1/system.d/avahi-dbus.conf</include>
</busconfig>
CONF
  # mDNS on the host's own link only, under a host name of its own (they share one
  # UTS namespace, and one name on several hosts would collide).
  cat > "$dir/avahi-daemon.conf" <<CONF
[server]
host-name=seye-$1
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
disallow-other-stacks=yes
enable-dbus=yes
ratelimit-interval-usec=0

[wide-area]
enable-wide-area=no

[publish]
publish-hinfo=no
publish-workstation=no

[reflector]
enable-reflector=no
CONF
}

# Daemons keep neither the lock (fd 9) nor our stdin/stdout: a killed holder must
# release the lock, and whoever reads our stdout must see its end.
start_avahi() {
  local dir i
  dir="$STATE_DIR/$1"
  # Its own /run/avahi-daemon (pid file, socket) in the mount namespace ip netns exec makes.
  ip netns exec "$(host_ns "$1")" env DBUS_SYSTEM_BUS_ADDRESS="$(bus_address "$1")" \
    sh -c 'mount -t tmpfs tmpfs /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --debug -f "$0"' \
    "$dir/avahi-daemon.conf" </dev/null >>"$dir/avahi-daemon.log" 2>&1 9>&- &
  echo $! > "$dir/avahi.pid"
  i=0
  while [ $i -lt 200 ]; do
    avahi_answers "$1" && return 0
    kill -0 "$(cat "$dir/avahi.pid")" 2>/dev/null || break
    i=$((i + 1)); sleep 0.1
  done
  say "avahi-daemon on host $1 did not reach the running state in 20 s; its log ($dir/avahi-daemon.log):"
  tail -n 20 "$dir/avahi-daemon.log" >&2
  return 1
}

add_host() {
  local ns port dir
  ns=$(host_ns "$1")
  port=$(host_port "$1")
  dir="$STATE_DIR/$1"
  write_configs "$1"
  ip netns add "$ns" &&
    ip link add "$port" type veth peer name eth0 netns "$ns" &&
    ip link set "$port" master "$BRIDGE" &&
    ip link set "$port" up &&
    ip -n "$ns" link set lo up &&
    ip -n "$ns" addr add "$(host_address "$1")/24" dev eth0 &&
    ip -n "$ns" link set eth0 up || { say "cannot set up host $1"; return 1; }
  ip netns exec "$ns" dbus-daemon --config-file="$dir/bus.conf" --fork --print-pid \
    </dev/null >"$dir/dbus.pid" 2>"$dir/dbus.log" 9>&- ||
    { say "dbus-daemon on host $1 did not start: $(cat "$dir/dbus.log")"; return 1; }
  start_avahi "$1"
}

up() {
  local n i
  n=$1
  mkdir -p "$STATE_DIR"
  ip link add "$BRIDGE" type bridge &&
    ip addr add "$SUBNET.1/24" dev "$BRIDGE" &&
    ip link set "$BRIDGE" up || { say "cannot create the bridge $BRIDGE"; return 1; }
  add_host lan || return 1
  i=1
  while [ $i -le "$n" ]; do
    add_host "n$i" || return 1
    i=$((i + 1))
  done
}

hold() {
  local n
  n=$1
  case "$n" in
    ''|*[!0-9]*) say "hold needs a number of nodes"; exit 2 ;;
  esac
  if [ "$n" -lt 1 ] || [ "$n" -gt $MAX_NODES ]; then say "1 to $MAX_NODES nodes"; exit 2; fi
  check
  # One set of hosts at a time on this machine, whatever build directory runs the tests.
  exec 9>"$LOCK"
  if ! flock -w 600 9; then
    say "another run holds $LOCK for more than 10 minutes"
    exit 1
  fi
  down
  trap 'down; exit 0' TERM INT HUP
  if ! up "$n"; then
    down
    exit 1
  fi
  echo ready
  # Until whoever started us closes our stdin, or dies.
  while read -r _; do :; done
  down
}

case "${1:-}" in
  check)
    check
    ;;
  hold)
    hold "${2:-}"
    ;;
  down)
    exec 9>"$LOCK"
    flock -w 600 9 || { say "another run holds $LOCK"; exit 1; }
    down
    ;;
  link)
    [ $# = 3 ] || { say "usage: $0 link HOST up|down"; exit 2; }
    ip link set "$(host_port "$2")" "$3"
    ;;
  avahi-restart)
    [ $# = 2 ] || { say "usage: $0 avahi-restart HOST"; exit 2; }
    [ -f "$STATE_DIR/$2/avahi.pid" ] || { say "no host $2"; exit 2; }
    stop_pid "$(cat "$STATE_DIR/$2/avahi.pid")"
    start_avahi "$2"
    ;;
  address)
    host_address "${2:-}"
    ;;
  bus)
    bus_address "${2:-}"
    ;;
  *)
    say "usage: $0 check|hold N|down|link HOST up|down|avahi-restart HOST|address HOST|bus HOST"
    exit 2
    ;;
esac
