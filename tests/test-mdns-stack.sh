#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two test runs on one machine share the avahi-daemon that tests/mdns-stack.sh
# starts: the end of one run must not stop it while a test of another run still
# uses it, and two runs starting it at once must start one daemon, not two.
# A test of another run is played by a process holding the stack's lock shared,
# as tests/seye-test-mdns.c does for every mDNS test. TAP output.
set -u

: "${SEYE_TESTS_DIR:?set SEYE_TESTS_DIR to the tests directory}"

STACK="$SEYE_TESTS_DIR/mdns-stack.sh"
STATE_DIR=${SEYE_MDNS_STATE_DIR:-/run/sorcerers-eye-tests}
LOCK="$STATE_DIR/stack.lock"
N=0
FAILED=0
HOLDER=""

cleanup() {
  [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
  # Leave the stack as the other mDNS tests expect it: running.
  sh "$STACK" ensure >/dev/null 2>&1
}
trap cleanup EXIT INT TERM

ok() {
  N=$((N + 1))
  if [ "$1" = 0 ]; then echo "ok $N - $2"; else echo "not ok $N - $2"; FAILED=1; fi
}

avahi_runs() {
  dbus-send --system --print-reply --dest=org.freedesktop.Avahi / \
    org.freedesktop.Avahi.Server.GetVersionString >/dev/null 2>&1
}

skip_all() {
  if [ "${CI:-}" = true ]; then
    echo "Bail out! $1 (under CI=true this is a failure, not a skip)"
    exit 1
  fi
  echo "#####################################################################" >&2
  echo "# SKIPPING mDNS STACK TEST: $1" >&2
  echo "#####################################################################" >&2
  echo "1..0 # SKIP $1"
  exit 0
}

if ! command -v flock >/dev/null 2>&1; then
  skip_all "flock is not installed (package util-linux)"
fi
reason=$(sh "$STACK" ensure 2>&1)
[ $? = 0 ] || skip_all "no avahi-daemon and none can be started here: $reason"
[ "$(id -u)" = 0 ] || skip_all "the stack's lock lives in $STATE_DIR, which only root can write"

mkdir -p "$STATE_DIR"
echo "1..5"

# Another run's test holds the lock for as long as it lives.
# (One process holds it, so that killing it frees the lock.)
( exec 7>"$LOCK" && flock -s 7 && exec sleep 60 ) &
HOLDER=$!
i=0
while flock -n -x "$LOCK" true 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done

said=$(sh "$STACK" stop 2>&1)
status=$?
avahi_runs
ok $? "the end of one run leaves avahi-daemon running while another run's test uses it"
if sh "$STACK" owned; then
  case "$said" in
    *"still used by another test run"*) ok 0 "and says so" ;;
    *) echo "# stop said: $said"; ok 1 "and says so" ;;
  esac
else
  ok "$status" "a daemon the script did not start is never stopped (# it is this machine's)"
fi

kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
HOLDER=""

if ! sh "$STACK" owned; then
  # Under CI nothing runs before the tests: the daemon must be the script's.
  if [ "${CI:-}" = true ]; then
    ok 1 "under CI=true the tests start avahi-daemon themselves, yet it is not theirs"
  else
    ok 0 "avahi-daemon is this machine's, not the script's # SKIP nothing of ours to stop or start"
  fi
  ok 0 "# SKIP avahi-daemon is this machine's"
  ok 0 "# SKIP avahi-daemon is this machine's"
  exit $FAILED
fi

# Holding the lock alone (as a test that stops the daemon does), stop does stop it.
exec 9>"$LOCK"
if ! flock -w 150 -x 9; then
  ok 1 "took the stack's lock within 150 s"
  exit 1
fi
SEYE_MDNS_LOCK_HELD=1 sh "$STACK" stop
! avahi_runs && ! sh "$STACK" owned
ok $? "with nobody else using it, stop stops the daemon it started"

# Two runs ensure at once: one daemon, both ready.
SEYE_MDNS_LOCK_HELD=1 sh "$STACK" ensure & first=$!
SEYE_MDNS_LOCK_HELD=1 sh "$STACK" ensure & second=$!
wait $first; a=$?
wait $second; b=$?
[ $a = 0 ] && [ $b = 0 ] && avahi_runs
ok $? "two runs starting the stack at once are both ready"

count=0
for pid in $(pgrep -x avahi-daemon); do
  [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/self/ns/net)" ] && count=$((count + 1))
done
[ "$count" = 1 ]
ok $? "and one avahi-daemon runs, not two (found $count)"
exec 9>&-

exit $FAILED
