#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the real `seye observe` ($SEYE_CLI) in tmux against real agents
# ($SEYE_AGENT): rows appear, s cycles the sort, / filters, the terminal is
# restored on q and on Ctrl+C, resize is handled, lines come out without a terminal,
# and hostile names (over mDNS and in /v1/node) are shown, never obeyed.
# TAP output.
set -u

: "${SEYE_CLI:?set SEYE_CLI to the seye binary}"
: "${SEYE_AGENT:?set SEYE_AGENT to the sorcerers-eye-agent binary}"
: "${SEYE_FAKE_AGENT:?set SEYE_FAKE_AGENT to the seye-fake-agent test binary}"

if ! command -v tmux >/dev/null 2>&1; then
  echo "1..0 # SKIP tmux is not installed (apt-get install tmux)"
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/seye-test-observe-XXXXXX")
SOCKET="seye-test-observe-$$"
AGENT_PIDS=""
PUBLISH_PIDS=""
N=0
FAILED=0

tm() { tmux -L "$SOCKET" "$@"; }

cleanup() {
  tm kill-server 2>/dev/null
  for pid in $AGENT_PIDS $PUBLISH_PIDS; do kill "$pid" 2>/dev/null; done
  for pid in $AGENT_PIDS; do wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ok() {
  N=$((N + 1))
  if [ "$1" = 0 ]; then
    echo "ok $N - $2"
  else
    echo "not ok $N - $2"
    FAILED=1
    echo "# screen was:"
    tm capture-pane -p -t observe 2>/dev/null | sed 's/^/#   /'
  fi
}

# Node N of this run: what seye_test_node_id() makes in the C tests (the avahi-daemon
# that announces them is shared with other test runs).
node_id() {
  printf '5e%08x%014x%08x' $$ 0 "$1"
}

start_agent() {   # name id -> sets PORT (not in a subshell: the pid must be kept)
  PORT=""
  "$SEYE_AGENT" --bind 127.0.0.1 --port 0 --no-mdns --interval 0.5 --name "$1" --node-id "$2" \
    >/dev/null 2>"$WORK/$1.log" &
  AGENT_PIDS="$AGENT_PIDS $!"
  i=0
  while [ $i -lt 100 ]; do
    port=$(sed -n 's/.*Listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$1.log" | head -n 1)
    if [ -n "$port" ]; then PORT=$port; return 0; fi
    i=$((i + 1)); sleep 0.1
  done
  echo "# agent $1 did not start:" >&2
  cat "$WORK/$1.log" >&2
  return 1
}

start_fake() {   # name log-name args... -> sets PORT, as start_agent
  PORT=""
  log="$WORK/$1.log"
  shift
  "$SEYE_FAKE_AGENT" --bind 127.0.0.1 --port 0 "$@" >/dev/null 2>"$log" &
  AGENT_PIDS="$AGENT_PIDS $!"
  i=0
  while [ $i -lt 100 ]; do
    port=$(sed -n 's/.*Listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    if [ -n "$port" ]; then PORT=$port; return 0; fi
    i=$((i + 1)); sleep 0.1
  done
  echo "# fake agent did not start:" >&2
  cat "$log" >&2
  return 1
}

screen() { tm capture-pane -p -t observe; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT
wait_for() {
  i=0
  limit=$(( ${2:-10} * 10 ))
  while [ $i -lt $limit ]; do
    screen | grep -q -- "$1" && return 0
    i=$((i + 1)); sleep 0.1
  done
  return 1
}

# wait_gone TEXT [SECONDS]
wait_gone() {
  i=0
  limit=$(( ${2:-10} * 10 ))
  while [ $i -lt $limit ]; do
    screen | grep -q -- "$1" || return 0
    i=$((i + 1)); sleep 0.1
  done
  return 1
}

echo "1..18"

# The tests over mDNS (hostile names, a look-alike) need avahi-daemon: started by
# tests/mdns-stack.sh where none runs, and held with a shared lock for as long as
# this test runs (as every mDNS test does), so the end of another test run does not
# stop it under us. Under CI=true they must run: a skip is a failure there.
AVAHI=no
REASON="avahi-publish is not installed (package avahi-utils)"
STACK_LOCK=${SEYE_MDNS_STATE_DIR:-/run/sorcerers-eye-tests}/stack.lock
if command -v avahi-publish >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && mkdir -p "$(dirname "$STACK_LOCK")" 2>/dev/null && exec 7>"$STACK_LOCK"; then
    flock -w 150 -s 7 || echo "# another test run has held the mDNS stack for 150 s" >&2
  fi
  # Not with the lock: a daemon started here would hold it for ever.
  if REASON=$(sh "$SEYE_TESTS_DIR/mdns-stack.sh" ensure 2>&1 7>&-); then AVAHI=yes; fi
fi

no_avahi() {   # what: a loud skip, or a failure under CI=true
  N=$((N + 1))
  if [ "${CI:-}" = true ]; then
    echo "not ok $N - $1: no avahi-daemon ($REASON); under CI=true this is a failure"
    FAILED=1
  else
    echo "#####################################################################" >&2
    echo "# SKIPPING: $1: no avahi-daemon ($REASON)" >&2
    echo "#####################################################################" >&2
    echo "ok $N # SKIP $1: no avahi-daemon"
  fi
}

start_agent alpha-obs d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1 || exit 1
PORT_A=$PORT
start_agent beta-obs d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2 || exit 1
PORT_B=$PORT

# A session of its own keeps the tmux server up while "observe" is replaced:
# without it, killing the only session ends the server, and a new session
# started at that moment fails ("server exited unexpectedly").
tm new-session -d -s keep "sleep 3600"

launch() {
  tm kill-session -t observe 2>/dev/null
  tm new-session -d -s observe -x 120 -y 30 \
    "TERM=xterm-256color '$SEYE_CLI' observe --no-discovery --interval 0.5 \
       --host 127.0.0.1:$PORT_A --host 127.0.0.1:$PORT_B --host 127.0.0.1:1; \
     echo SEYE-EXITED rc=\$?; sleep 600"
}

launch

wait_for alpha-obs && wait_for beta-obs && wait_for "Online"
ok $? "a row per node appears"

wait_for "127.0.0.1 .*Offline" 5
ok $? "an unreachable node shows as offline"

screen | tail -n 1 | grep -q "Up/Down select.*s sort: cpu.*/ filter.*q quit"
ok $? "the bottom line says which keys do what"

tm send-keys -t observe s
wait_for "s sort: memory" 3 && screen | sed -n 2p | grep -q "MEMORY\*"
ok $? "s cycles the sort column (cpu -> memory)"

tm send-keys -t observe s s s s s
wait_for "s sort: cpu" 3
ok $? "s cycles back round to cpu"

# Down selects the second row. Sorted by CPU, a node whose sample is late for a
# moment (a loaded machine, samples every 0.5 s) sorts after the offline one,
# which has no cores to show: then the first row, an online node, is taken.
tm send-keys -t observe Down
if ! wait_for "Cores of " 3; then
  tm send-keys -t observe Up Up
  wait_for "Cores of " 3
fi
ok $? "the selected node's cores are shown"

tm send-keys -t observe / b e t a
wait_for "Filter: beta_" 3 && wait_gone alpha-obs 3 && screen | grep -q beta-obs
ok $? "/ filters the rows as one types"

tm send-keys -t observe Enter
wait_for "/ filter: beta" 3 && ! screen | grep -q alpha-obs
ok $? "Enter keeps the filter"

tm send-keys -t observe / Escape
wait_for alpha-obs 3
ok $? "Esc clears the filter"

# G and g (End and Home, whose sequences tmux and terminfo may not agree on):
# the last and the first row. The two agents only, by name.
tm send-keys -t observe / o b s Enter S
wait_for "s sort: name" 3 && tm send-keys -t observe G && wait_for "Cores of beta-obs" 5 &&
  tm send-keys -t observe g && wait_for "Cores of alpha-obs" 5
ok $? "G selects the last row, g the first"
tm send-keys -t observe / Escape s
wait_for "s sort: cpu" 3

tm resize-window -t observe -x 80 -y 20 2>/dev/null || tm resize-pane -t observe -x 80 -y 20
sleep 0.5
wait_for "q quit" 3 && [ "$(screen | wc -l)" -le 20 ] && screen | grep -q beta-obs
ok $? "a resized terminal is redrawn"

tm send-keys -t observe q
wait_for "SEYE-EXITED rc=0" 5 &&
  [ "$(tm display -p -t observe '#{alternate_on}')" = 0 ] &&
  [ "$(tm display -p -t observe '#{cursor_flag}')" = 1 ]
ok $? "q exits with 0, leaves the alternate screen and shows the cursor"

launch
wait_for alpha-obs
tm send-keys -t observe C-c
wait_for "SEYE-EXITED rc=130" 5 &&
  [ "$(tm display -p -t observe '#{alternate_on}')" = 0 ] &&
  [ "$(tm display -p -t observe '#{cursor_flag}')" = 1 ]
ok $? "Ctrl+C exits and restores the terminal too"

"$SEYE_CLI" observe --no-discovery --interval 0.5 --count 2 --host "127.0.0.1:$PORT_A" \
  >"$WORK/lines.txt" 2>"$WORK/lines.err" </dev/null
rc=$?
[ $rc = 0 ] && [ "$(grep -c 'alpha-obs (127.0.0.1:'"$PORT_A"') Online cpu [0-9]* % memory ' "$WORK/lines.txt")" = 2 ] &&
  ! grep -q "$(printf '\033')" "$WORK/lines.txt"
ok $? "without a terminal: one plain line per node per interval"
[ $rc = 0 ] || cat "$WORK/lines.txt" "$WORK/lines.err" | sed 's/^/#   /'

# Hostile names. Over mDNS (anyone on the LAN can announce one; the attack of
# issue 11 retitles the terminal and clears it) and in /v1/node (a real agent takes
# C1, bidi, zero-width and separator characters in --name): shown escaped.
ESC_SHOWN='\\x1b]0;PWNED\\x07\\x1b\[2J'
RLO=$(printf '\342\200\256')
if [ $AVAHI = yes ]; then
  PREFIX="obs-san-$$"
  avahi-publish -s "$PREFIX-c0 $(printf '\033]0;PWNED\a\033[2J')" _sorcerers-eye._tcp 9 txtvers=1 \
    "id=$(node_id 1)" >/dev/null 2>&1 &
  PUBLISH_PIDS="$PUBLISH_PIDS $!"
  avahi-publish -s "$PREFIX-bidi ${RLO}gnp.exe" _sorcerers-eye._tcp 9 txtvers=1 \
    "id=$(node_id 2)" >/dev/null 2>&1 &
  PUBLISH_PIDS="$PUBLISH_PIDS $!"
  tm kill-session -t observe 2>/dev/null
  tm new-session -d -s observe -x 160 -y 30 \
    "TERM=xterm-256color '$SEYE_CLI' observe --interval 0.5 --filter '$PREFIX'; sleep 600"
  # The name column cuts long names; the selected node's line below has them in full.
  wait_for "$PREFIX-bidi U+202Egnp.exe:" 15 && wait_for "$PREFIX-c0 " 5 && tm send-keys -t observe Down &&
    wait_for "$PREFIX-c0 $ESC_SHOWN: " 5 &&
    ! screen | grep -q "$RLO" && [ "$(tm display -p -t observe '#{pane_title}')" != PWNED ]
  ok $? "mDNS names with escape sequences and bidi overrides are shown, not obeyed"
else
  no_avahi "hostile mDNS names"
fi

HOSTILE_NAME=$(printf 'obs-hostile \302\233\342\200\256x\342\200\213y\342\200\250z')
start_agent "$HOSTILE_NAME" d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3 || exit 1
tm kill-session -t observe 2>/dev/null
tm new-session -d -s observe -x 120 -y 30 \
  "TERM=xterm-256color '$SEYE_CLI' observe --no-discovery --interval 0.5 --host 127.0.0.1:$PORT; sleep 600"
wait_for "obs-hostile U+009BU+202ExU+200ByU+2028z" 10 && ! screen | grep -q "$RLO"
ok $? "a /v1/node name with C1, bidi, zero-width and separator characters is shown escaped"

# An agent that says who it is and then drips its stream and /v1/metrics, never a
# sample: never "Online"; "Connecting", then "Not responding".
start_fake drip-obs --node-id d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6 --name drip-obs --drip || exit 1
PORT_D=$PORT
"$SEYE_CLI" observe --no-discovery --interval 0.5 --count 16 --host "127.0.0.1:$PORT_D" \
  >"$WORK/drip.txt" 2>"$WORK/drip.err" </dev/null
grep -q "request /v1/node" "$WORK/drip-obs.log" &&
  ! grep -q "Online" "$WORK/drip.txt" &&
  [ "$(grep -c 'drip-obs (127.0.0.1:'"$PORT_D"') Not responding' "$WORK/drip.txt")" -ge 8 ]
ok $? "an agent that never sends a sample is not online: not responding"
sed 's/^/#   /' "$WORK/drip.txt"

# A real agent and a look-alike announcing its node id over mDNS (the shared
# avahi-daemon): two rows, the real one online at its address with its own
# numbers, both saying that two machines claim the node.
if [ $AVAHI = yes ]; then
  LOOK=look-obs-$$
  LOOK_ID=$(node_id 3)
  PORT=""
  "$SEYE_AGENT" --bind 127.0.0.1 --port 0 --interval 0.5 --name "$LOOK" --node-id "$LOOK_ID" \
    >/dev/null 2>"$WORK/$LOOK.log" &
  AGENT_PIDS="$AGENT_PIDS $!"
  start_fake "$LOOK-fake" --node-id "$LOOK_ID" --name "$LOOK-fake" --tls --announce || exit 1
  PORT_F=$PORT
  i=0
  while [ $i -lt 100 ] && ! { grep -q "mDNS: announced" "$WORK/$LOOK.log" && grep -q "mDNS: announced" "$WORK/$LOOK-fake.log"; }; do
    i=$((i + 1)); sleep 0.1
  done
  PORT_R=$(sed -n 's/.*Listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$LOOK.log" | head -n 1)
  "$SEYE_CLI" observe --interval 0.5 --count 8 --filter "$LOOK" >"$WORK/look.txt" 2>"$WORK/look.err" </dev/null
  grep -q "$LOOK (127.0.0.1:$PORT_R) Online: two machines claim this node: .*127.0.0.1:$PORT_R.*cpu" "$WORK/look.txt" &&
    grep -q "$LOOK (127.0.0.1:$PORT_R) Online: two machines claim this node: .*127.0.0.1:$PORT_F" "$WORK/look.txt" &&
    grep -q "$LOOK-fake (127.0.0.1:$PORT_F) Online: two machines claim this node: .*load 66.60" "$WORK/look.txt" &&
    ! grep -q "$LOOK (127.0.0.1:$PORT_F)" "$WORK/look.txt"
  ok $? "a look-alike with the same node id is a row of its own; both say two machines claim it"
  tail -n 4 "$WORK/look.txt" | sed 's/^/#   /'
else
  no_avahi "a look-alike over mDNS"
fi

exit $FAILED
