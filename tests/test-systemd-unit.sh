#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An installed unit must load (systemd-analyze verify) and stay hardened
# (systemd-analyze security --offline): an exposure above 2.5 fails. And the
# agent's must still let it see every process for /v1/processes:
# ProtectProc=default, no ProcSubset=pid.
# Arguments: the configured unit, the built program it runs, and "agent" for
# the agent's unit.
set -u
unit=$1
agent=$2
kind=${3:-}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  if [ "${CI:-}" = true ]; then echo "systemd-analyze is not installed (package systemd)"; exit 1; fi
  echo "1..0 # SKIP systemd-analyze is not installed (apt-get install systemd)"
  exit 0
fi

if [ "$kind" = agent ]; then echo "1..3"; else echo "1..2"; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
name=$(basename "$unit")
# verify wants ExecStart to exist: point it at the program just built.
sed "s|^ExecStart=[^ ]*|ExecStart=$agent|" "$unit" > "$dir/$name"

if out=$(systemd-analyze verify --man=no "$dir/$name" 2>&1); then
  echo "ok 1 systemd-analyze verify"
else
  echo "not ok 1 systemd-analyze verify"; printf '%s\n' "$out" | sed 's/^/# /'; exit 1
fi

out=$(systemd-analyze security --offline=true --threshold=25 --no-pager \
        "$dir/$name" 2>&1)
rc=$?
level=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ $rc -eq 0 ] && [ -n "$level" ]; then
  echo "ok 2 systemd-analyze security: exposure $level (at most 2.5)"
else
  echo "not ok 2 systemd-analyze security: exposure ${level:-unknown} (at most 2.5)"
  printf '%s\n' "$out" | grep -E '✗' | sed 's/^/# /'
  exit 1
fi

[ "$kind" = agent ] || exit 0

if grep -qx 'ProtectProc=default' "$unit" && ! grep -q '^ProcSubset=pid' "$unit" &&
   [ "$(grep -c '^ProtectProc=' "$unit")" -eq 1 ]; then
  echo "ok 3 ProtectProc=default and no ProcSubset=pid: /v1/processes sees every process"
else
  echo "not ok 3 the unit hides processes from the agent (ProtectProc other than default, or ProcSubset=pid)"
  exit 1
fi
