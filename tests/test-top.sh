#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the real `seye top` and `seye run` ($SEYE_CLI) in tmux against real
# agents ($SEYE_AGENT): the process list of a node with a busy loop the test
# starts, the sort keys, a pegged core in bold and red, the node going away and
# coming back, the terminal restored on q and Ctrl+C, plain blocks without a
# terminal; and `seye run` asking before it runs. TAP output.
set -u

: "${SEYE_CLI:?set SEYE_CLI to the seye binary}"
: "${SEYE_AGENT:?set SEYE_AGENT to the sorcerers-eye-agent binary}"

if ! command -v tmux >/dev/null 2>&1; then
  echo "1..0 # SKIP tmux is not installed (apt-get install tmux)"
  exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/seye-test-top-XXXXXX")
SOCKET="seye-test-top-$$"
AGENT_PIDS=""
BUSY_PID=""
N=0
FAILED=0
ESC=$(printf '\033')

tm() { tmux -L "$SOCKET" "$@"; }

cleanup() {
  tm kill-server 2>/dev/null
  for pid in $AGENT_PIDS $BUSY_PID; do kill "$pid" 2>/dev/null; done
  for pid in $AGENT_PIDS $BUSY_PID; do wait "$pid" 2>/dev/null; done
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
    tm capture-pane -p -t top 2>/dev/null | sed 's/^/#   /'
  fi
}

# start_agent LOG ARGS... -> sets PORT and AGENT_PID (not in a subshell: the pid must be kept)
start_agent() {
  PORT=""
  log="$WORK/$1.log"
  shift
  "$SEYE_AGENT" --bind 127.0.0.1 --no-mdns "$@" >/dev/null 2>"$log" &
  AGENT_PID=$!
  AGENT_PIDS="$AGENT_PIDS $AGENT_PID"
  i=0
  while [ $i -lt 100 ]; do
    port=$(sed -n 's/.*Listening on https\{0,1\}:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    if [ -n "$port" ]; then PORT=$port; return 0; fi
    i=$((i + 1)); sleep 0.1
  done
  echo "# agent did not start:" >&2
  cat "$log" >&2
  return 1
}

screen() { tm capture-pane -p -t top; }

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

launch() {   # command line, run in the "top" session
  tm kill-session -t top 2>/dev/null
  tm new-session -d -s top -x 120 -y 30 "TERM=xterm-256color $1; echo SEYE-EXITED rc=\$?; sleep 600"
}

restored() {
  [ "$(tm display -p -t top '#{alternate_on}')" = 0 ] && [ "$(tm display -p -t top '#{cursor_flag}')" = 1 ]
}

echo "1..14"

# A shell spinning under a name of its own (at most 15 bytes: the kernel's comm),
# for 5 minutes at most should this script be killed before it stops it.
BUSY=topsh-$$
cp /bin/sh "$WORK/$BUSY"
# Run before the other tests' processes where that is allowed (root, as in CI), so
# that it keeps its core on a machine busy with them.
NICE=""
nice -n -15 true 2>/dev/null && NICE="nice -n -15"
timeout 300 $NICE "$WORK/$BUSY" -c 'while :; do :; done' >/dev/null 2>&1 &
BUSY_PID=$!

start_agent top-node --port 0 --name top-node --interval 0.5 || exit 1
PORT_T=$PORT

# A session of its own keeps the tmux server up while "top" is replaced.
tm new-session -d -s keep "sleep 3600"

launch "'$SEYE_CLI' top 127.0.0.1:$PORT_T --interval 0.5"

wait_for "$BUSY" && wait_for "PID USER" &&
  screen | head -n 1 | grep -q "^top-node — CPU [0-9]* % of [0-9]* cores\{0,1\} · memory .* — [0-9]* processes"
ok $? "the node's summary, the columns and the busy loop are shown"

screen | tail -n 1 | grep -q "c CPU.*m memory.*i I/O.*q quit.*sorted by CPU" &&
  screen | sed -n 3p | grep -q "CPU%\*"
ok $? "sorted by CPU at first; the bottom line says which keys do what"

# A process at 90 % of a core or more is bold and red; one well below is not. One
# capture with its attributes, and the same lines without them to read. On a
# machine busy with other tests the loop gets less than a core in some windows:
# the screen is read until one window shows it at 90 % or more (30 s at most).
pegged_ok=1
cpu=""
i=0
while [ $i -lt 300 ]; do
  cap=$(tm capture-pane -e -p -t top)
  plain=$(printf '%s\n' "$cap" | sed "s/$ESC\[[0-9;]*m//g")
  row=$(printf '%s\n' "$plain" | grep -n " $BUSY\$" | head -n 1)
  cpu=$(echo "$row" | awk '{ print $5 }')
  if [ -n "$cpu" ] && [ "${cpu%%.*}" -ge 90 ]; then
    line=$(printf '%s\n' "$cap" | sed -n "${row%%:*}p")
    idle_n=$(printf '%s\n' "$plain" | awk 'NR > 3 && $1 ~ /^[0-9]+$/ && $4 ~ /^[0-9.]+$/ && $4 + 0 < 50 { print NR; exit }')
    idle=$(printf '%s\n' "$cap" | sed -n "${idle_n:-1}p")
    case "$line" in *"$ESC[1m"*"$ESC[31m$cpu"*) pegged_ok=0 ;; esac
    case "$idle" in *"$ESC[31m"*|*"$ESC[1m"*) pegged_ok=1 ;; esac
    [ -n "$idle_n" ] || pegged_ok=1
    break
  fi
  i=$((i + 1)); sleep 0.1
done
[ $pegged_ok = 0 ] || echo "# the busy loop's row: ${row:-none} (at 90 % of a core or more within 30 s?)"
ok $pegged_ok "a process keeping a core busy is bold, its CPU % red; one below half a core is not"

tm send-keys -t top m
wait_for "sorted by memory" 3 && screen | sed -n 3p | grep -q " MEM\*" && ! screen | sed -n 3p | grep -q "CPU%\*"
ok $? "m sorts by memory: the header says so"

tm send-keys -t top i
wait_for "sorted by I/O" 3 && screen | sed -n 3p | grep -q "READ/s\* *WRITE/s\*"
ok $? "i sorts by I/O"

tm send-keys -t top c
wait_for "sorted by CPU" 3 && screen | sed -n 3p | grep -q "CPU%\*"
ok $? "c sorts by CPU again"

tm resize-window -t top -x 80 -y 15 2>/dev/null || tm resize-pane -t top -x 80 -y 15
sleep 1
wait_for "q quit" 3 && [ "$(screen | wc -l)" -le 15 ] && screen | grep -q "PID USER"
ok $? "a resized terminal is redrawn"

# The node goes away: said on the screen, and tried again until it is back.
kill "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
wait_for "Trying again every 0.5 s — " 10 && sleep 1 && ! screen | grep -q "SEYE-EXITED"
ok $? "a node that goes away is said to be so, and top keeps going"

start_agent top-node-2 --port "$PORT_T" --name top-node --interval 0.5 || exit 1
i=0
while [ $i -lt 100 ] && screen | grep -q "Trying again"; do i=$((i + 1)); sleep 0.1; done
! screen | grep -q "Trying again" && screen | head -n 1 | grep -q "^top-node — CPU " && wait_for "By CPU, every 0.5 s; updated" 5
ok $? "back when the node is back"

tm send-keys -t top q
wait_for "SEYE-EXITED rc=0" 5 && restored
ok $? "q exits with 0, leaves the alternate screen and shows the cursor"

launch "'$SEYE_CLI' top 127.0.0.1:$PORT_T"
wait_for "PID USER"
tm send-keys -t top C-c
wait_for "SEYE-EXITED rc=130" 5 && restored
ok $? "Ctrl+C exits and restores the terminal too"

# Without a terminal: a block of plain lines per update, until interrupted.
"$SEYE_CLI" top "127.0.0.1:$PORT_T" --interval 0.5 --limit 3 >"$WORK/plain.txt" 2>"$WORK/plain.err" </dev/null &
PLAIN=$!
i=0
while [ $i -lt 100 ] && [ "$(grep -c ' top-node — ' "$WORK/plain.txt")" -lt 3 ]; do i=$((i + 1)); sleep 0.1; done
kill -INT $PLAIN
i=0
while [ $i -lt 50 ] && kill -0 $PLAIN 2>/dev/null; do i=$((i + 1)); sleep 0.1; done
kill -KILL $PLAIN 2>/dev/null && echo "# seye top did not end on SIGINT"
wait $PLAIN
rc=$?
[ $rc = 130 ] && [ "$(grep -c '^[0-9:]* top-node — CPU' "$WORK/plain.txt")" -ge 3 ] &&
  [ "$(grep -c '^ *PID  *USER  *S  *CPU%\*' "$WORK/plain.txt")" -ge 3 ] &&
  ! grep -q "$ESC" "$WORK/plain.txt"
ok $? "without a terminal: plain blocks, one per update, no escape sequences"
[ $rc = 130 ] || cat "$WORK/plain.txt" "$WORK/plain.err" | sed 's/^/#   /'

# seye run asks on the terminal, naming the action and the node.
mkdir -p "$WORK/act"
cat >"$WORK/act/agent.conf" <<'EOF'
[agent]
auth=token
tls=true
[actions]
hello=/usr/bin/printf 'hello from the node\\n'
EOF
start_agent act-node --port 0 --name act-node --config "$WORK/act/agent.conf" --state-dir "$WORK/act/state" || exit 1
PIN=$("$SEYE_AGENT" --pairing-info --tls --auth=token --state-dir "$WORK/act/state" | sed -n 's/^Fingerprint: *//p')
RUN="'$SEYE_CLI' run https://127.0.0.1:$PORT hello --pin $PIN --token-file '$WORK/act/state/token'"

launch "$RUN"
wait_for "Run “hello” on act-node? \[y/N\]" 10 && tm send-keys -t top y Enter &&
  wait_for "SEYE-EXITED rc=0" 10 && screen | grep -q "^hello from the node$" && screen | grep -q "^Finished in "
ok $? "seye run asks first; y runs it"

launch "$RUN"
wait_for "Run “hello” on act-node? \[y/N\]" 10 && tm send-keys -t top Enter &&
  wait_for "SEYE-EXITED rc=2" 10 && screen | grep -q "^Not run\.$" && ! screen | grep -q "hello from the node"
ok $? "anything but y runs nothing"

exit $FAILED
