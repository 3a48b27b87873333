#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes sure a D-Bus system bus and avahi-daemon run, for the mDNS tests.
#
#   mdns-stack.sh ensure    start what is missing (as root); exit 0 when both run
#   mdns-stack.sh restart   restart the avahi-daemon this script started
#   mdns-stack.sh stop      stop what this script started, unless a test of any
#                           run still uses it
#
# A daemon that already runs (a desktop) is used as it is and never touched.
# What this script starts keeps mDNS on loopback only: it sends nothing to the
# network. Exit 0: ready. Exit 77: cannot be started here (reason on stderr).
#
# Several test runs on one machine share one daemon (there is one system bus).
# Every test that uses it holds a shared lock on $STATE_DIR/stack.lock for its
# life (tests/seye-test-mdns.c); a test that stops or restarts the daemon holds
# it exclusively and says so with SEYE_MDNS_LOCK_HELD=1. So `stop` at the end of
# one run leaves the daemon to a run whose tests still hold the lock: the last
# run to end stops it. `ensure` is serialised by $STATE_DIR/ensure.lock, so two
# runs never start two daemons.
set -u

STATE_DIR=${SEYE_MDNS_STATE_DIR:-/run/sorcerers-eye-tests}
CONF="$STATE_DIR/avahi-daemon.conf"
LOG="$STATE_DIR/avahi-daemon.log"
OWNED="$STATE_DIR/avahi-owned"
STACK_LOCK="$STATE_DIR/stack.lock"
ENSURE_LOCK="$STATE_DIR/ensure.lock"

say() { echo "mdns-stack: $*" >&2; }

bus_runs() {
  [ -S /run/dbus/system_bus_socket ] &&
    dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.GetId >/dev/null 2>&1
}

# Running means answering on the system bus: a pid file can be stale or missing.
avahi_runs() {
  dbus-send --system --print-reply --dest=org.freedesktop.Avahi / \
    org.freedesktop.Avahi.Server.GetVersionString >/dev/null 2>&1
}

need() {
  command -v "$1" >/dev/null 2>&1 || { say "$1 is not installed (install package $2)"; exit 77; }
}

start_avahi() {
  mkdir -p "$STATE_DIR"
  cat > "$CONF" <<CONF
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
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
  rm -f /run/avahi-daemon/pid
  # Not with our lock descriptors: a daemon holding them would hold the locks.
  avahi-daemon --no-drop-root --no-chroot --debug -f "$CONF" >"$LOG" 2>&1 8>&- 9>&- &
  echo $! > "$OWNED"
  i=0
  while [ $i -lt 100 ]; do
    avahi_runs && return 0
    i=$((i + 1)); sleep 0.1
  done
  say "avahi-daemon did not come up; its log ($LOG):"
  tail -n 20 "$LOG" >&2
  return 1
}

stop_pid() {
  kill "$1" 2>/dev/null
  i=0
  while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
  # Its pid file, and only its own.
  [ "$(cat /run/avahi-daemon/pid 2>/dev/null)" = "$1" ] && rm -f /run/avahi-daemon/pid
  return 0
}

stop_avahi() {
  [ -f "$OWNED" ] || return 0
  stop_pid "$(cat "$OWNED")"
  rm -f "$OWNED"
}

# Takes the stack lock exclusively on fd 9 unless the caller already holds it;
# waits up to $1 seconds (0: not at all). Fails when others still hold it.
lock_stack() {
  [ "${SEYE_MDNS_LOCK_HELD:-0}" = 1 ] && return 0
  mkdir -p "$STATE_DIR" 2>/dev/null || return 0
  exec 9>"$STACK_LOCK" || return 0
  if [ "$1" = 0 ]; then flock -n -x 9; else flock -w "$1" -x 9; fi
}

case "${1:-ensure}" in
  ensure)
    if avahi_runs; then exit 0; fi
    need flock util-linux
    if [ "$(id -u)" = 0 ]; then
      mkdir -p "$STATE_DIR"
      exec 8>"$ENSURE_LOCK"
      flock -w 60 -x 8 || { say "another test run has been starting avahi-daemon for 60 s"; exit 77; }
      # That run may have started it while we waited.
      if avahi_runs; then exit 0; fi
    fi
    need dbus-daemon dbus
    need avahi-daemon avahi-daemon
    need dbus-send dbus
    if [ "$(id -u)" != 0 ]; then
      say "no avahi-daemon runs and starting one needs root (you are $(id -un)):"
      say "start it with 'sudo systemctl start avahi-daemon', or run the tests as root"
      exit 77
    fi
    if ! bus_runs; then
      mkdir -p /run/dbus
      rm -f /run/dbus/pid
      if ! dbus-daemon --system --fork 8>&- 9>&-; then
        say "dbus-daemon --system did not start"
        exit 77
      fi
    fi
    if [ -f "$OWNED" ] && kill -0 "$(cat "$OWNED")" 2>/dev/null; then
      stop_avahi
    fi
    # An avahi-daemon that does not answer on the bus (wedged, or left from a
    # run that lost its bus) would keep a new one from taking the name. One in
    # another network namespace is another host (tests/netns-stack.sh): not ours.
    for pid in $(pgrep -x avahi-daemon); do
      [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/self/ns/net)" ] || continue
      say "stopping avahi-daemon $pid: it does not answer on the system bus"
      stop_pid "$pid"
    done
    rm -f /run/avahi-daemon/pid
    start_avahi || exit 77
    ;;
  restart)
    [ -f "$OWNED" ] || { say "avahi-daemon was not started by this script; not restarting it"; exit 77; }
    lock_stack 120 || { say "another test run has used avahi-daemon for 120 s; not restarting it"; exit 1; }
    stop_avahi
    start_avahi || exit 1
    ;;
  owned)
    [ -f "$OWNED" ] && kill -0 "$(cat "$OWNED")" 2>/dev/null
    ;;
  stop)
    [ -f "$OWNED" ] || exit 0
    if ! lock_stack 0; then
      say "avahi-daemon is still used by another test run; that run stops it"
      exit 0
    fi
    stop_avahi
    ;;
  *)
    say "usage: $0 ensure|restart|owned|stop"
    exit 2
    ;;
esac
