#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The agent's process list (GET /v1/processes) against Glances' (GET /api/3/processlist,
# `glances -w --disable-webui`) and `ps -e -o pid,comm,pcpu,rss`, in one run, with the
# processes this machine runs (about 100 here) and with 1,000 more (`sleep` processes this
# script starts, and kills: only those).
#
# For each number of processes:
#   idle      IDLE_SECONDS with nobody asking: the CPU of the agent and of both Glances,
#             and the agent's scans of /proc/[pid] (its debug log names each one: "processes:
#             scan N"); the first window is before anybody ever asked the agent.
#   watched   one client asks every 2 s (0.5 Hz) for WATCH_SECONDS, on one keep-alive
#             connection, of one server at a time: the wall time of each answer (median),
#             the server's CPU (utime + stime of its process) over the window per answer and
#             as % of one core. Both measure when asked: the agent takes a scan for a
#             request when its last is a second old or older, Glances refreshes everything
#             it watches at most once a second (--cached-time 1, its default).
#   ps        the same listing by ps, PS_RUNS times: wall time (median), and its own CPU
#             (rusage of the children) per run.
# Glances runs twice: as it ships (every plugin), and with the process plugins only
# (--disable-plugin all --enable-plugin processcount,processlist), the fairest peer.
# The agent answers with its default limit (20); one more row asks for limit=200.
#
#   bench/processes-vs-glances.sh [BUILD_DIR]
#   (environment: SLEEPERS=1000 IDLE_SECONDS=30 WATCH_SECONDS=60 PS_RUNS=30)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$top/_build}
agent=$build_dir/src/agent/sorcerers-eye-agent
agent_port=17414
glances_port=17461
glances_procs_port=17462

# Glances 3.3 from Debian (its web server needs python3-bottle, for Debian's python3 that
# runs it, whatever python3 comes first in PATH), curl to wait for ports.
need=()
command -v glances >/dev/null || need+=(glances)
/usr/bin/python3 -c 'import bottle' 2>/dev/null || need+=(python3-bottle)
command -v curl >/dev/null || need+=(curl)
command -v ps >/dev/null || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$agent" ] || { echo "build first: build-aux/dev build" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

G_MESSAGES_DEBUG=seye-agent "$agent" --no-mdns --bind 127.0.0.1 --port $agent_port 2>"$tmp/agent.log" &
pids+=($!); agent_pid=$!
glances -w --disable-webui --disable-autodiscover -B 127.0.0.1 -p $glances_port \
  >"$tmp/glances.log" 2>&1 &
pids+=($!); glances_pid=$!
glances -w --disable-webui --disable-autodiscover -B 127.0.0.1 -p $glances_procs_port \
  --disable-plugin all --enable-plugin processcount,processlist >"$tmp/glances-procs.log" 2>&1 &
pids+=($!); glances_procs_pid=$!
# Ports only: nobody asks for a process list before the first idle window.
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$agent_port/v1/node" 2>/dev/null &&
    curl -fsS -o /dev/null "http://127.0.0.1:$glances_port/api/3/pluginslist" 2>/dev/null &&
    curl -fsS -o /dev/null "http://127.0.0.1:$glances_procs_port/api/3/pluginslist" 2>/dev/null && break
  sleep 0.2
done
sleep 2

cat > "$tmp/measure.py" <<'PY'
import http.client, os, re, resource, signal, statistics, subprocess, sys, time

(agent_pid, agent_port, agent_log, glances_pid, glances_port,
 glances_procs_pid, glances_procs_port) = sys.argv[1:8]
SLEEPERS = int(os.environ.get("SLEEPERS", "1000"))
IDLE = float(os.environ.get("IDLE_SECONDS", "30"))
WATCH = float(os.environ.get("WATCH_SECONDS", "60"))
PS_RUNS = int(os.environ.get("PS_RUNS", "30"))
PERIOD = 2.0

def cpu_seconds(pid):
    """utime + stime of a whole process, from its CPU-time clock: in ns, where the
    ticks of /proc/PID/stat (1/100 s) are too coarse for an idle minute."""
    return time.clock_gettime(((~int(pid)) << 3) | 2)

def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], sum(v)

def n_processes():
    return sum(1 for d in os.listdir("/proc") if d.isdigit())

def agent_scans():
    with open(agent_log) as f:
        found = re.findall(r"processes: scan (\d+)", f.read())
    return int(found[-1]) if found else 0

def sleep_until(t):
    while (left := t - time.monotonic()) > 0:
        time.sleep(left)

class Window:
    """CPU of some processes and of the whole machine over a stretch of time."""
    def __init__(self, pids):
        self.pids = pids
        self.c0 = {p: cpu_seconds(p) for p in pids}
        self.m0 = machine_busy()
        self.t0 = time.monotonic()
    def close(self):
        self.seconds = time.monotonic() - self.t0
        self.cpu = {p: cpu_seconds(p) - self.c0[p] for p in self.pids}
        m1 = machine_busy()
        self.machine = 100.0 * (m1[0] - self.m0[0]) / max(1, m1[1] - self.m0[1])
        return self

def paced(pid, port, path, answers, warm):
    """One keep-alive client asking every PERIOD s; the server's CPU over the window."""
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    def get():
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200, (path, r.status, body[:200])
        return len(body)
    for _ in range(warm):
        get()
        time.sleep(PERIOD)
    walls, sizes = [], []
    window = Window([pid])
    start = time.monotonic()
    for i in range(answers):
        sleep_until(start + i * PERIOD)
        t = time.perf_counter()
        sizes.append(get())
        walls.append(time.perf_counter() - t)
    sleep_until(start + answers * PERIOD)
    window.close()
    conn.close()
    return dict(wall=statistics.median(walls), cpu=window.cpu[pid] / answers,
                percent=100.0 * window.cpu[pid] / window.seconds, bytes=statistics.median(sizes),
                answers=answers, seconds=window.seconds, machine=window.machine)

def ps_runs():
    walls = []
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(PS_RUNS):
        t = time.perf_counter()
        out = subprocess.run(["ps", "-e", "-o", "pid,comm,pcpu,rss"], check=True,
                             stdout=subprocess.PIPE).stdout
        walls.append(time.perf_counter() - t)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) / PS_RUNS
    return dict(wall=statistics.median(walls), cpu=cpu, bytes=len(out), answers=PS_RUNS)

def ms(s):
    return f"{s * 1000:.1f} ms" if s >= 0.001 else f"{s * 1e6:.0f} µs"

def phase(label):
    n = n_processes()
    print(f"\n== {label}: {n} processes ==", flush=True)
    servers = {"agent": agent_pid, "glances": glances_pid, "glances-procs": glances_procs_pid}
    scans0 = agent_scans()
    idle = Window(list(servers.values()))
    time.sleep(IDLE)
    idle.close()
    scans_idle = agent_scans() - scans0
    agent_idle = idle.cpu[agent_pid] / idle.seconds
    print(f"idle {idle.seconds:.0f} s, nobody asking (machine {idle.machine:.0f} % busy):")
    for name, pid in servers.items():
        print(f"  {name:14} CPU {100 * idle.cpu[pid] / idle.seconds:6.3f} % of a core"
              f" ({1000 * idle.cpu[pid]:.1f} ms)")
    print(f"  agent's /proc/[pid] scans while idle: {scans_idle}")

    answers = int(WATCH / PERIOD)
    rows = []
    scans0 = agent_scans()
    a = paced(agent_pid, agent_port, "/v1/processes", answers, 1)
    scans = agent_scans() - scans0
    per_scan = (a["cpu"] * a["answers"] - agent_idle * a["seconds"]) / max(1, scans)
    rows.append(("agent /v1/processes", a))
    time.sleep(7)   # its scans stop 5 s after the last request
    rows.append(("agent ?limit=200", paced(agent_pid, agent_port, "/v1/processes?limit=200",
                                           max(5, answers // 3), 1)))
    time.sleep(7)
    rows.append(("glances (all plugins)", paced(glances_pid, glances_port, "/api/3/processlist",
                                                answers, 2)))
    rows.append(("glances (process plugins)", paced(glances_procs_pid, glances_procs_port,
                                                    "/api/3/processlist", answers, 2)))
    rows.append(("ps -e -o pid,comm,pcpu,rss", ps_runs()))

    print(f"one client every {PERIOD:.0f} s ({answers} answers, {answers * PERIOD:.0f} s; ps run"
          f" {PS_RUNS} times):")
    print(f"  {'':28} {'wall/answer':>12} {'CPU/answer':>11} {'CPU % core':>10} {'bytes':>8}"
          f" {'machine':>8}")
    for name, r in rows:
        percent = f"{r['percent']:.2f} %" if "percent" in r else "-"
        machine = f"{r['machine']:.0f} %" if "machine" in r else "-"
        print(f"  {name:28} {ms(r['wall']):>12} {ms(r['cpu']):>11} {percent:>10}"
              f" {r['bytes']:>8.0f} {machine:>8}")
    print(f"  agent: {scans} scans while asked, {ms(per_scan)} CPU a scan (less its idle CPU)")
    g = rows[2][1]["percent"]; gp = rows[3][1]["percent"]
    g_idle = 100 * idle.cpu[glances_pid] / idle.seconds
    gp_idle = 100 * idle.cpu[glances_procs_pid] / idle.seconds
    extra = max(a["percent"] - 100 * agent_idle, 1e-9)
    print(f"  agent's CPU is 1/{g / max(a['percent'], 1e-9):.1f} of Glances' (all plugins),"
          f" 1/{gp / max(a['percent'], 1e-9):.1f} of Glances' (process plugins); target: at most 1/10")
    print(f"  less each one's idle CPU (the agent samples the machine every second whether"
          f" asked or not): 1/{(g - g_idle) / extra:.1f} and 1/{(gp - gp_idle) / extra:.1f}",
          flush=True)

sleepers = []
def stop(signum, frame):
    raise SystemExit(1)
signal.signal(signal.SIGTERM, stop)
try:
    phase("as the machine runs")
    for _ in range(SLEEPERS):
        sleepers.append(subprocess.Popen(["sleep", "100000"], stdin=subprocess.DEVNULL))
    time.sleep(2)
    phase(f"with {SLEEPERS} sleep processes more")
finally:
    # Only the processes this script started.
    for p in sleepers:
        p.kill()
    for p in sleepers:
        p.wait()
PY

echo "Process lists: $agent (source $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'))," \
  "$(glances --version 2>&1 | head -1), $(ps --version); $(nproc) cores, $(uname -r), $(date -u +%FT%TZ)"
python3 "$tmp/measure.py" "$agent_pid" $agent_port "$tmp/agent.log" \
  "$glances_pid" $glances_port "$glances_procs_pid" $glances_procs_port
