#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A real agent's /metrics must pass `promtool check metrics` (Debian package prometheus).
#
# promtool 2.42 lints node_exporter's own memory names (node_memory_MemAvailable_bytes
# and kin) as camelCase; we keep those names on purpose so node_exporter dashboards
# work. That one lint on those names is accepted; anything else fails the test.
set -u

if ! command -v promtool >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then echo "promtool is not installed (package prometheus)"; exit 1; fi
  echo "1..0 # SKIP promtool is not installed (apt-get install prometheus)"
  exit 0
fi

echo "1..3"
log=$(mktemp)
out=$(mktemp)
trap 'kill $pid 2>/dev/null; rm -f "$log" "$out"' EXIT

"$SEYE_AGENT" --no-mdns --bind 127.0.0.1 --port 0 --interval 0.25 \
  --node-id 0123456789abcdef0123456789abcdef 2>"$log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*Listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then echo "not ok 1 agent started"; cat "$log"; exit 1; fi
echo "ok 1 agent started on port $port"

sleep 0.6   # a second sample, so rates and percentages are measured
curl -fsS "http://127.0.0.1:$port/metrics" > "$out" || { echo "not ok 2 GET /metrics"; exit 1; }
echo "ok 2 GET /metrics ($(wc -l < "$out") lines)"

problems=$(promtool check metrics < "$out" 2>&1)
rc=$?
unexpected=$(printf '%s\n' "$problems" | grep -v '^$' |
  grep -v -E "^node_memory_[A-Za-z]+_bytes metric names should be written in 'snake_case' not 'camelCase'$" || true)
if { [ $rc -eq 0 ] || [ $rc -eq 3 ]; } && [ -z "$unexpected" ]; then
  echo "ok 3 promtool check metrics (exit $rc; only node_exporter's camelCase memory names linted)"
else
  echo "not ok 3 promtool check metrics (exit $rc)"
  printf '%s\n' "$problems" | sed 's/^/# /'
  exit 1
fi
