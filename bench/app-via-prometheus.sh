#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/app-via-prometheus.sh [BUILD_DIR] [SIZES] [SECONDS]
#
# The app watching a simulated fleet through a real Prometheus, against the app watching
# the same fleet directly, in one run. For each size (default "100 1000"):
#   - a simulator (bench/seye-fleet-sim, seed 1, 1 Hz) followed by an app directly (--node);
#   - a second simulator scraped by a real Prometheus (Debian's `prometheus`, on loopback,
#     scrape interval SEYE_BENCH_SCRAPE, default 5s, a store of its own) and an app
#     given only --prometheus.
# Each app has its own Xvfb screen (1280x800, Cairo), session bus, settings (mDNS off) and
# store. After a warm-up (SEYE_BENCH_WARMUP, default 60 s: Prometheus has scraped every
# target and the apps have their nodes) the apps' and Prometheus' CPU (every thread's run
# time) and RSS are measured over SECONDS (default 300). Prometheus' own counter of API
# requests (prometheus_http_requests_total) gives the queries the app sent per refresh, a
# refresh being a scrape interval: it must not grow with the node count.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$top/_build}
read -r -a sizes <<< "${2:-100 1000}"
duration=${3:-300}
warmup=${SEYE_BENCH_WARMUP:-60}
scrape=${SEYE_BENCH_SCRAPE:-5s}
sim=$build/bench/seye-fleet-sim
app=$build/src/app/sorcerers-eye

say() { printf 'bench: %s\n' "$*" >&2; }
for tool in Xvfb dbus-run-session prometheus curl; do
  command -v "$tool" >/dev/null || { say "$tool is missing (build-aux/dev installs it)"; exit 1; }
done
[ -x "$sim" ] && [ -x "$app" ] || { say "build $build first (the app and bench/seye-fleet-sim)"; exit 1; }

work=$(mktemp -d)
cleanup() {
  for f in "$work"/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  for f in "$work"/*.xpid "$work"/*.spid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/fleet-sim-lib.sh
. "$top/bench/fleet-sim-lib.sh"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Ports from SEYE_BENCH_PORT (default 26000), below the kernel's ephemeral range, so that
# a node back from an outage finds its port free.
next_port=${SEYE_BENCH_PORT:-26000}
start_sim() {
  local name=$1 n=$2
  nice -n 5 "$sim" -n "$n" --seed 1 --base-port "$next_port" --list "$work/$name.list" 2>"$work/$name-sim.log" &
  next_port=$((next_port + n))
  echo $! > "$work/$name.spid"
  for _ in $(seq 200); do [ -s "$work/$name.list" ] && break; sleep 0.1; done
  [ -s "$work/$name.list" ] || { say "the simulator $name did not start"; cat "$work/$name-sim.log" >&2; exit 1; }
}

app_id=$(basename "$(ls "$build"/data/*.desktop | head -n1)" .desktop)
export NO_AT_BRIDGE=1 GTK_A11Y=none GSK_RENDERER=cairo
display=170

start_app() {
  local name=$1; shift
  app_start "$name" "$app" "$@"
  for _ in $(seq 100); do [ -s "$work/$name.pid" ] && break; sleep 0.1; done
}

# A Prometheus scraping the simulator $1 (its /metrics), on a port of its own.
start_prometheus() {
  local name=$1 port
  port=$(free_port)
  {
    printf 'global:\n  scrape_interval: %s\n  scrape_timeout: %s\nscrape_configs:\n' "$scrape" "$scrape"
    printf '  - job_name: fleet\n    metrics_path: /metrics\n    static_configs:\n      - targets:\n'
    while read -r _ _ url; do printf '          - "%s"\n' "${url#http://}"; done < "$work/$name.list"
  } > "$work/$name-prometheus.yml"
  prometheus --config.file="$work/$name-prometheus.yml" --storage.tsdb.path="$work/$name-tsdb" \
    --web.listen-address="127.0.0.1:$port" >"$work/$name-prometheus.log" 2>&1 &
  echo $! > "$work/$name-prom.pid"
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/-/ready" >/dev/null || { say "prometheus did not start"; cat "$work/$name-prometheus.log" >&2; exit 1; }
  echo "$port" > "$work/$name.port"
}

programs=()
for n in "${sizes[@]}"; do
  start_sim "direct-$n" "$n"
  args=()
  while read -r _ _ url; do args+=(--node "${url#http://}"); done < "$work/direct-$n.list"
  start_app "direct-$n" "${args[@]}"
  start_sim "prom-$n" "$n"
  start_prometheus "prom-$n"
  start_app "prom-$n" --prometheus "http://127.0.0.1:$(cat "$work/prom-$n.port")"
  programs+=("direct-$n" "prom-$n" "prom-$n-prom")
done

run_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { printf "%.0f", n }'; }
rss_mib() { awk '$1 == "VmRSS:" { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# The API requests Prometheus has answered, all handlers under /api/v1/query*.
queries() {
  curl -fs "http://127.0.0.1:$1/metrics" |
    awk '/^prometheus_http_requests_total\{.*handler="\/api\/v1\/query/ { n += $NF } END { printf "%d", n }'
}
up_count() {
  curl -fs "http://127.0.0.1:$1/api/v1/query?query=sum(up)" | grep -o '"value":\[[^]]*\]' | grep -o '"[0-9.]*"\]' | tr -d '"]'
}
alive() {
  for p in "${programs[@]}"; do
    kill -0 "$(cat "$work/$p.pid")" 2>/dev/null || { say "$p died"; cat "$work/${p%-prom}-app.log" "$work/${p%-prom}-prometheus.log" 2>/dev/null | tail -20 >&2; exit 1; }
  done
}

say "${sizes[*]} nodes, directly and through Prometheus (scrape $scrape); warming up for ${warmup}s"
sleep "$warmup"
alive

declare -A c0 q0
for p in "${programs[@]}"; do c0[$p]=$(run_ns "$(cat "$work/$p.pid")"); done
for n in "${sizes[@]}"; do q0[$n]=$(queries "$(cat "$work/prom-$n.port")"); done
t0=$(date +%s.%N)
sleep "$duration"
alive
t1=$(date +%s.%N)

echo "${duration}s after ${warmup}s; scrape interval $scrape; Cairo; $(nproc) CPUs:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| program | CPU, % of one core | RSS | API queries per refresh |"
echo "|---|---|---|---|"
for n in "${sizes[@]}"; do
  port=$(cat "$work/prom-$n.port")
  q1=$(queries "$port")
  for p in "direct-$n" "prom-$n" "prom-$n-prom"; do
    pid=$(cat "$work/$p.pid")
    case $p in
      direct-*) what="sorcerers-eye, $n nodes directly"; per=– ;;
      *-prom) what="prometheus scraping $n targets (up: $(up_count "$port"))"; per=– ;;
      *) what="sorcerers-eye, $n nodes through Prometheus"
         per=$(awk -v a="${q0[$n]}" -v b="$q1" -v t0="$t0" -v t1="$t1" -v s="${scrape%s}" \
               'BEGIN { printf "%.1f", (b - a) / ((t1 - t0) / s) }') ;;
    esac
    awk -v w="$what" -v a="${c0[$p]}" -v b="$(run_ns "$pid")" -v t0="$t0" -v t1="$t1" -v r="$(rss_mib "$pid")" -v q="$per" \
      'BEGIN { printf "| %s | %.2f %% | %s MiB | %s |\n", w, (b - a) / 1e9 / (t1 - t0) * 100, r, q }'
  done
done
