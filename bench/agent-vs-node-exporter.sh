#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# sorcerers-eye-agent and prometheus-node-exporter side by side on loopback, in one run:
#   resident memory, CPU seconds per request (over REQUESTS keep-alive requests, less each
#   one's idle CPU over the same time), payload bytes, and requests per second with wrk.
# Also the size of the agent's JSON sample for an 8-core machine (a recorded tree with
# 8 cores built from this machine's /proc). Memory is read after the load, as resident
# (RSS: what the target is about), proportional (PSS) and private (USS) set sizes
# (these two depend on what else runs: library pages shared with other processes
# count less), and beside them the RSS of the smallest libsoup 3 server under the
# same requests (bench/soup-floor.c), the floor for any server built on libsoup.
# The agent runs with --rate-limit 0: wrk is one client asking some 20,000 times a
# second, far past the default 50 a second per client, and would measure 429s.
#
#   bench/agent-vs-node-exporter.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$top/_build}
agent=$build_dir/src/agent/sorcerers-eye-agent
requests=${REQUESTS:-2000}
wrk_seconds=${WRK_SECONDS:-10}
agent_port=17373
ne_port=19100
floor_port=17999

need=()
for p in wrk prometheus-node-exporter python3 bc; do command -v "$p" >/dev/null || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=("${need[@]/python3/python3-minimal}")
  echo "installing ${pkgs[*]}" >&2
  sudo_=(); [ "$(id -u)" = 0 ] || sudo_=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_[@]}" apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
fi
[ -x "$agent" ] || { echo "build first: build-aux/dev build" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup"; }
uss_kb() { awk '/^Private_(Clean|Dirty):/ {n += $2} END {print n}' "/proc/$1/smaps_rollup"; }
hz=$(getconf CLK_TCK)

"$agent" --no-mdns --bind 127.0.0.1 --port $agent_port --rate-limit 0 2>"$tmp/agent.log" &
pids+=($!); agent_pid=$!
prometheus-node-exporter --web.listen-address=127.0.0.1:$ne_port >"$tmp/ne.log" 2>&1 &
pids+=($!); ne_pid=$!
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$agent_port/v1/node" 2>/dev/null &&
    curl -fsS -o /dev/null "http://127.0.0.1:$ne_port/metrics" 2>/dev/null && break
  sleep 0.2
done
sleep 2

# Keep-alive client: N requests on one connection, prints nothing.
cat > "$tmp/client.py" <<'PY'
import http.client, sys
host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
c = http.client.HTTPConnection(host, port)
for _ in range(n):
    c.request("GET", path)
    r = c.getresponse(); r.read()
    assert r.status == 200, r.status
PY

# CPU per request: CPU during N requests less the process's own idle CPU over as long.
cpu_per_request() {
  local pid=$1 port=$2 path=$3
  local t0 c0 t1 c1 dt used idle_c0 idle_c1
  t0=$(date +%s.%N); c0=$(cpu_ticks "$pid")
  python3 "$tmp/client.py" 127.0.0.1 "$port" "$path" "$requests"
  t1=$(date +%s.%N); c1=$(cpu_ticks "$pid")
  dt=$(echo "$t1 - $t0" | bc -l)
  idle_c0=$(cpu_ticks "$pid"); sleep "$dt"; idle_c1=$(cpu_ticks "$pid")
  used=$(echo "(($c1 - $c0) - ($idle_c1 - $idle_c0)) / $hz / $requests" | bc -l)
  if [ "$(echo "$used < 0" | bc -l)" = 1 ]; then used=0; fi
  printf '%.6f' "$used"
}

# Requests per second; a run with errors or answers other than 2xx is no figure.
rps() {
  local out
  out=$(wrk -t2 -c16 -d"${wrk_seconds}s" "$1")
  if grep -Eq 'Non-2xx|Socket errors' <<<"$out"; then
    echo "wrk against $1 got errors or non-2xx answers:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

agent_cpu=$(cpu_per_request "$agent_pid" $agent_port /metrics)
agent_cpu_json=$(cpu_per_request "$agent_pid" $agent_port /v1/metrics)
ne_cpu=$(cpu_per_request "$ne_pid" $ne_port /metrics)
agent_bytes=$(curl -fsS "http://127.0.0.1:$agent_port/metrics" | wc -c)
agent_json_bytes=$(curl -fsS "http://127.0.0.1:$agent_port/v1/metrics" | wc -c)
ne_bytes=$(curl -fsS "http://127.0.0.1:$ne_port/metrics" | wc -c)
agent_rps=$(rps "http://127.0.0.1:$agent_port/metrics")
agent_rps_json=$(rps "http://127.0.0.1:$agent_port/v1/metrics")
ne_rps=$(rps "http://127.0.0.1:$ne_port/metrics")
agent_rss=$(rss_kb "$agent_pid"); agent_pss=$(pss_kb "$agent_pid"); agent_uss=$(uss_kb "$agent_pid")
ne_rss=$(rss_kb "$ne_pid"); ne_pss=$(pss_kb "$ne_pid"); ne_uss=$(uss_kb "$ne_pid")
# The floor: the smallest libsoup 3 server, under the same requests.
floor=$build_dir/bench/soup-floor
floor_rss=""
if [ -x "$floor" ]; then
  "$floor" $floor_port 2>"$tmp/floor.log" &
  pids+=($!); floor_pid=$!
  sleep 0.5
  python3 "$tmp/client.py" 127.0.0.1 $floor_port / "$requests"
  rps "http://127.0.0.1:$floor_port/" >/dev/null
  floor_rss=$(rss_kb "$floor_pid"); floor_pss=$(pss_kb "$floor_pid")
fi


# An 8-core machine: this machine's /proc with its stat widened to 8 cores.
root=$tmp/root8
mkdir -p "$root/proc/net" "$root/proc/sys/kernel" "$root/etc" "$root/sys/block"
for f in meminfo loadavg uptime diskstats mounts cpuinfo; do cat "/proc/$f" > "$root/proc/$f"; done
cat /proc/net/dev > "$root/proc/net/dev"
cat /proc/sys/kernel/hostname > "$root/proc/sys/kernel/hostname"
cat /proc/sys/kernel/osrelease > "$root/proc/sys/kernel/osrelease"
cp /etc/os-release "$root/etc/os-release" 2>/dev/null || cp /usr/lib/os-release "$root/etc/os-release"
for b in /sys/block/*; do
  mkdir -p "$root/sys/block/$(basename "$b")"
  [ -e "$b/device" ] && mkdir -p "$root/sys/block/$(basename "$b")/device"
done
awk '/^cpu / {print; line=$0; next} /^cpu[0-9]/ {if (!done) {for (i = 0; i < 8; i++) {l=$0; sub(/^cpu[0-9]+/, "cpu" i, l); print l}; done=1}; next} {print}' \
  /proc/stat > "$root/proc/stat"
"$agent" --no-mdns --bind 127.0.0.1 --port $((agent_port + 1)) --root "$root" \
  --node-id 0123456789abcdef0123456789abcdef 2>"$tmp/agent8.log" &
pids+=($!)
sleep 2.5
json8=$(curl -fsS "http://127.0.0.1:$((agent_port + 1))/v1/metrics" | wc -c)
cores8=$(curl -fsS "http://127.0.0.1:$((agent_port + 1))/v1/node" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cores"])')

ratio() { echo "$1 / $2" | bc -l | xargs printf "%.2f"; }

cat <<REPORT
Sorcerer's Eye agent vs prometheus-node-exporter $(prometheus-node-exporter --version 2>&1 | awk 'NR==1 {print $3}'), loopback, $(nproc) cores, one run

                          agent            node_exporter     ratio
resident memory (RSS)     $(printf '%-16s %-17s' "${agent_rss} kB" "${ne_rss} kB") agent is $(ratio "$agent_rss" "$ne_rss")x (target < 0.25x)
proportional memory (PSS) $(printf '%-16s %-17s' "${agent_pss} kB" "${ne_pss} kB") agent is $(ratio "$agent_pss" "$ne_pss")x
private memory (USS)      $(printf '%-16s %-17s' "${agent_uss} kB" "${ne_uss} kB") agent is $(ratio "$agent_uss" "$ne_uss")x
$( [ -n "$floor_rss" ] && echo "  (the smallest libsoup 3 server, bench/soup-floor.c, same requests: RSS ${floor_rss} kB, PSS ${floor_pss} kB: $(ratio "$floor_rss" "$ne_rss")x)")
CPU s / request /metrics  $(printf '%-16s %-17s' "$agent_cpu" "$ne_cpu") $( [ "$(echo "$agent_cpu == 0" | bc -l)" = 1 ] && echo "agent below measurement" || echo "agent is 1/$(ratio "$ne_cpu" "$agent_cpu")") (target < 1/20)
CPU s / request JSON      $(printf '%-16s' "$agent_cpu_json")
payload /metrics          $(printf '%-16s %-17s' "$agent_bytes B" "$ne_bytes B")
payload /v1/metrics       ${agent_json_bytes} B (this machine, $(nproc) cores); ${json8} B with ${cores8} cores (target < 2048 B)
requests/s /metrics (wrk) $(printf '%-16s %-17s' "$agent_rps" "$ne_rps") agent is $(ratio "$agent_rps" "$ne_rps")x (target >= 50x)
requests/s /v1/metrics    $(printf '%-16s' "$agent_rps_json")
(CPU per request over $requests keep-alive requests less idle CPU; wrk -t2 -c16 -d${wrk_seconds}s)
REPORT
