#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench/agent-load.sh [SECONDS]   load the agent and report what it costs
#
# 1. wrk with 256 connections for SECONDS (default 30) against /v1/metrics:
#    requests a second, errors, the agent's RSS before and after, and the
#    spread of the sampling clock during the load (from /v1/history).
#    The agent runs with --rate-limit 0: every wrk connection comes from
#    127.0.0.1, and 50 requests a second from one address is the default cap.
# 2. 1000 idle sockets held open (more than the 256-connection cap) while curl
#    asks for /v1/node ten times: how long curl takes, and how many of the idle
#    sockets the agent has closed (evicted at the cap, then at the idle limit).
#
# Needs wrk, curl and python3; uses the agent of $SEYE_BUILD_DIR (default _build).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${SEYE_BUILD_DIR:-$top/_build}
agent_exe=${SEYE_AGENT:-$build_dir/src/agent/sorcerers-eye-agent}
seconds=${1:-30}
interval=0.25
idle_timeout=5

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "agent-load: $tool is missing" >&2; exit 1; }
done
[ -x "$agent_exe" ] || { echo "agent-load: no agent at $agent_exe (build first)" >&2; exit 1; }

log=$(mktemp)
agent_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT

start_agent() {
  "$agent_exe" --bind 127.0.0.1 --port 0 --no-mdns --interval "$interval" \
    --node-id 0123456789abcdef0123456789abcdef --name load "$@" 2>"$log" &
  agent_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's|.*Listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { cat "$log" >&2; exit 1; }
  base=http://127.0.0.1:$port
  sleep 1
}

stop_agent() {
  kill "$agent_pid"
  wait "$agent_pid" || true
  agent_pid=""
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$agent_pid/status"; }

echo "== wrk: 256 connections, ${seconds} s, GET /v1/metrics (agent: --interval $interval --rate-limit 0)"
start_agent --rate-limit 0
rss_before=$(rss_kb)
start_ms=$(($(date +%s%3N)))
wrk -t 2 -c 256 -d "${seconds}s" --latency "$base/v1/metrics" | tee /dev/stderr >"$log.wrk"
end_ms=$(($(date +%s%3N)))
rss_after=$(rss_kb)
curl -fsS "$base/v1/history?since=$start_ms" >"$log.history"
stop_agent

rps=$(awk '/Requests\/sec/ { print $2 }' "$log.wrk")
non2xx=$(awk '/Non-2xx/ { print $5 }' "$log.wrk")
socket_errors=$(grep -o 'Socket errors:.*' "$log.wrk" || true)
echo "requests/s: $rps; non-2xx: ${non2xx:-0}; ${socket_errors:-socket errors: none}"
echo "RSS before: ${rss_before} kB; after: ${rss_after} kB"
python3 - "$log.history" "$interval" "$end_ms" <<'PY'
import json, statistics, sys
doc = json.load(open(sys.argv[1]))
interval_ms = float(sys.argv[2]) * 1000
end_ms = int(sys.argv[3])
times = [s["time"] for s in doc["samples"] if s["time"] <= end_ms]
gaps = [b - a for a, b in zip(times, times[1:])]
if not gaps:
    sys.exit("no samples during the load")
dev = [abs(g - interval_ms) for g in gaps]
print(f"sampling during the load: {len(times)} samples, interval {interval_ms:.0f} ms; "
      f"gaps min {min(gaps)} ms, max {max(gaps)} ms, mean {statistics.mean(gaps):.1f} ms, "
      f"stdev {statistics.pstdev(gaps):.1f} ms; largest deviation {max(dev):.0f} ms")
PY
rm -f "$log.wrk" "$log.history"

echo
echo "== 1000 idle sockets (cap 256, --idle-timeout $idle_timeout) and curl meanwhile"
start_agent --idle-timeout "$idle_timeout"
rss_before=$(rss_kb)
python3 - "$port" "$idle_timeout" "$base" <<'PY'
import resource, socket, subprocess, sys, time
port, idle, base = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
times = []
for _ in range(10):
    t = time.monotonic()
    r = subprocess.run(["curl", "-fsS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}",
                        base + "/v1/node"], capture_output=True, text=True)
    times.append((time.monotonic() - t) * 1000)
    if r.stdout != "200":
        sys.exit(f"curl failed while 1000 sockets were held: {r.stdout} {r.stderr}")
def closed_count():
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            n += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            n += 1
    return n
print(f"curl while 1000 sockets are held: 10/10 answered 200, slowest {max(times):.0f} ms, "
      f"median {sorted(times)[5]:.0f} ms")
print(f"idle sockets closed by the agent at once (evicted at the cap): {closed_count()} of 1000")
time.sleep(idle + 1.5)
print(f"after the idle limit ({idle} s): {closed_count()} of 1000 closed")
PY
echo "RSS before: ${rss_before} kB; after: $(rss_kb) kB"
stop_agent
