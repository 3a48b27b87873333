#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/discovery-fetch.sh [BUILD_DIR] [N_NODES] [RUNS]
#
# How long `seye fetch --json` takes to find N services over mDNS and fetch
# every node (issue 15: 1,000 nodes in at most 5 s). The fleet simulator
# announces N nodes (default 1000) on loopback through the avahi-daemon of the
# tests (tests/mdns-stack.sh, avahi-daemon's stock limits); once all are
# established, `seye fetch --json` runs RUNS times (default 3), each timed from
# exec to exit, and its output is checked: N nodes, each with a sample.
# The mDNS stack's lock is held exclusively meanwhile (no mDNS test of another
# run sees a thousand strange services); run as root where no avahi-daemon runs.
# SEYE_FETCH_ARGS: more arguments for seye fetch (e.g. "--discovery-time 5").
#
# Measured 2026-12-05 (2 vCPU, quiet machine, avahi-daemon of tests/mdns-stack.sh,
# stock limits, default --discovery-time 1.5): `bench/discovery-fetch.sh _build 1000 5`:
# 1.95, 1.61, 1.58, 1.57, 1.82 s, 1000 of 1000 listed with a sample each;
# `bench/discovery-fetch.sh _build 1100 3`: 2.59, 1.89, 1.59 s, 1100 of 1100.
# (With a load average of 5 to 8 from other builds: 1.9 to 4.3 s.)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
n_nodes=${2:-1000}
runs=${3:-3}
sim=$build/bench/seye-fleet-sim
seye=$build/src/cli/seye
state_dir=${SEYE_MDNS_STATE_DIR:-/run/sorcerers-eye-tests}

say() { printf 'bench: %s\n' "$*" >&2; }

[ -x "$sim" ] && [ -x "$seye" ] || { say "build $build first (bench/seye-fleet-sim, src/cli/seye)"; exit 1; }

mkdir -p "$state_dir"
exec 9>"$state_dir/stack.lock"
say "waiting for the mDNS stack's lock (other runs' mDNS tests)"
flock -w 300 -x 9 || { say "the mDNS stack has been busy for 300 s"; exit 1; }
SEYE_MDNS_LOCK_HELD=1 sh "$top/tests/mdns-stack.sh" ensure 9>&-

work=$(mktemp -d)
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$sim" -n "$n_nodes" --interval 1 --offline 0 --announce --prefix "bench$$" --list "$work/list" \
  2>"$work/sim.log" 9>&- &
sim_pid=$!
for _ in $(seq 600); do grep -q "services announced" "$work/sim.log" && break; sleep 0.1; done
grep -q "services announced" "$work/sim.log" || { say "the simulator did not announce"; cat "$work/sim.log" >&2; exit 1; }
say "$(grep "services announced" "$work/sim.log" | sed 's/.*mDNS: //')"
# Every node has a sample to give (they are made every second from the start).
sleep 2

for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086 # the extra arguments are words
  "$seye" fetch --json ${SEYE_FETCH_ARGS-} >"$work/fetch.json" 2>"$work/fetch.err" 9>&- || true
  end=$(date +%s.%N)
  python3 - "$work/fetch.json" "$n_nodes" "bench$$-" "$start" "$end" <<'PY'
import json, sys
nodes = [n for n in json.load(open(sys.argv[1])) if str(n.get("name", "")).startswith(sys.argv[3])]
sampled = [n for n in nodes if n.get("reachable") and n.get("cpu_percent") is not None]
print(f"bench: seye fetch --json: {float(sys.argv[5]) - float(sys.argv[4]):.2f} s, "
      f"{len(nodes)} of {sys.argv[2]} nodes listed, {len(sampled)} with a sample")
PY
  [ -s "$work/fetch.err" ] && sed 's/^/bench:   stderr: /' "$work/fetch.err" | head -5 >&2
done
