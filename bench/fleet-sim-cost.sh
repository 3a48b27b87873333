#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/fleet-sim-cost.sh [BUILD_DIR] [N_NODES] [SECONDS]
#
# What a fleet costs: N simulated nodes (default 1000) at 1 Hz, every one
# followed by the app's own client (SeyeMonitor, in bench/seye-fleet-follow.c)
# over /v1/stream. One monitor follows them all, as the app and `seye observe`
# do; SEYE_BENCH_PER_FOLLOWER=K shares them among ceil(N / K) followers instead
# (as was needed while one monitor held at most 256 connections). After a
# warm-up (SEYE_BENCH_WARMUP, default 15 s: the first /v1/history of every node
# is behind), the CPU time (utime + stime from /proc/PID/stat) of the simulator
# and of the followers is measured over SECONDS (default 60), and their
# resident memory at the end. The followers say how long after their start
# every node first had a fresh sample and was online, and how many nodes had a
# sample of the last 3 s at the end: every one must have. Everything runs under
# nice -n 10 (SEYE_BENCH_NICE): others may be measuring on this machine.
# Arguments for the simulator: SEYE_FLEET_SIM_ARGS, by default "--offline 0"
# (a node that is away at the end would not be fresh; the other patterns, busy
# and hot, are the simulator's defaults).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
n_nodes=${2:-1000}
duration=${3:-60}
warmup=${SEYE_BENCH_WARMUP:-15}
niceness=${SEYE_BENCH_NICE:-10}
per_follower=${SEYE_BENCH_PER_FOLLOWER:-$n_nodes}
sim=$build/bench/seye-fleet-sim
follow=$build/bench/seye-fleet-follow

say() { printf 'bench: %s\n' "$*" >&2; }

[ -x "$sim" ] && [ -x "$follow" ] || { say "build $build first (bench/seye-fleet-sim, bench/seye-fleet-follow)"; exit 1; }
[ "$per_follower" -gt 0 ] || { say "SEYE_BENCH_PER_FOLLOWER must be above 0"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2086 # the extra arguments are words
nice -n "$niceness" "$sim" -n "$n_nodes" --interval 1 --list "$work/list" ${SEYE_FLEET_SIM_ARGS---offline 0} \
  2>"$work/sim.log" &
sim_pid=$!
pids+=("$sim_pid")
for _ in $(seq 100); do [ -s "$work/list" ] && break; sleep 0.1; done
[ -s "$work/list" ] || { say "the simulator did not start"; cat "$work/sim.log" >&2; exit 1; }

n_followers=$(( (n_nodes + per_follower - 1) / per_follower ))
say "$n_nodes nodes, followed by $n_followers monitor(s); ${warmup}s warm-up, then ${duration}s measured"
follower_pids=()
for i in $(seq 0 $((n_followers - 1))); do
  nice -n "$niceness" "$follow" --list "$work/list" --first $((i * per_follower)) --count "$per_follower" \
    --seconds $((warmup + duration + 3)) --every "$((warmup + duration))" >"$work/follow-$i.log" 2>&1 &
  pids+=($!)
  follower_pids+=($!)
done

sleep "$warmup"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
follower_ticks() { local sum=0 pid; for pid in "${follower_pids[@]}"; do sum=$((sum + $(ticks "$pid"))); done; echo "$sum"; }
hz=$(getconf CLK_TCK)
t0=$(ticks "$sim_pid"); f0=$(follower_ticks); s0=$(date +%s.%N)
sleep "$duration"
t1=$(ticks "$sim_pid"); f1=$(follower_ticks); s1=$(date +%s.%N)
rss=$(rss_kib "$sim_pid")
follower_rss=0
for pid in "${follower_pids[@]}"; do follower_rss=$((follower_rss + $(rss_kib "$pid"))); done

# The followers' last line: how many of their nodes were fresh; and when all first were.
sleep 4
fresh=0; followed=0; first=""
for i in $(seq 0 $((n_followers - 1))); do
  line=$(tail -n 1 "$work/follow-$i.log")
  followed=$((followed + $(echo "$line" | awk '{ print $4 }')))
  fresh=$((fresh + $(echo "$line" | awk '{ print $6 }')))
  first="$first $(awk '/^all .* fresh and online/ { print $(NF - 4) " s" }' "$work/follow-$i.log")"
done
grep -h "Only .* files may be open" "$work"/follow-*.log >&2 || true

echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
awk -v n="$n_nodes" -v a="$t0" -v b="$t1" -v fa="$f0" -v fb="$f1" -v hz="$hz" -v s0="$s0" -v s1="$s1" \
    -v rss="$rss" -v frss="$follower_rss" -v k="$n_followers" -v fresh="$fresh" -v followed="$followed" \
    -v first="$first" \
  'BEGIN { printf "seye-fleet-sim, %d nodes at 1 Hz: CPU %.2f %% of one core over %.0f s, RSS %.1f MiB\n",
           n, (b - a) / hz / (s1 - s0) * 100, s1 - s0, rss / 1024
           printf "seye-fleet-follow x %d (SeyeMonitor, no GTK): CPU %.2f %% of one core, RSS %.1f MiB; " \
                  "every node fresh and online after:%s\n",
           k, (fb - fa) / hz / (s1 - s0) * 100, frss / 1024, first
           printf "%d of %d followed nodes fresh at the end\n", fresh, followed }'
[ "$fresh" -eq "$n_nodes" ]
