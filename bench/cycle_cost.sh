#!/usr/bin/env bash
# What one case of `parley-bench cycle` (connect, upgrade, join, send and its echo, leave,
# close) costs the server: CPU µs, syscalls by name, heap allocations and store-thread jobs per
# case; and parley-bench's own CPU µs per case. Prints a markdown table (docs/benchmarks.md keeps
# its figures). Each count is the difference between a run of N cases per worker and a run of 1,
# so the bench's own sign-ups and logins cancel out. Loopback only; every wait is bounded.
# Needs strace; PARLEY_COST_RUNS (3) CPU runs, PARLEY_COST_CASES (1500) and
# PARLEY_COST_TRACED_CASES (150) cases per worker, 20 workers.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without tests on a first build; an existing build directory keeps its own settings.
bash scripts/build.sh $([ -f build/CMakeCache.txt ] || echo -DPARLEY_TESTS=OFF) >/dev/null
runs=${PARLEY_COST_RUNS:-3}
cases=${PARLEY_COST_CASES:-1500}
traced=${PARLEY_COST_TRACED_CASES:-150}
workers=20
work=$(mktemp -d)
server_pid=
port=18700
trap 'stop_pid "$server_pid"; rm -rf "$work"' EXIT
source bench/lib.sh

start() {
  stop_pid "$server_pid"
  port=$((port + 1))
  rm -f "$work"/bench.db*
  launch "$port"
  server_pid=$launched
}
cycle() {
  ./build/parley-bench --url "ws://127.0.0.1:$port" --server-pid "$server_pid" --json \
    cycle -w "$workers" -r "$1"
}
store_jobs() {
  curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "parley_store_jobs_total" {print $2}'
}
# allocations: asks the preloaded counter (bench/tools/alloc_count.c) and reads its answer.
allocations() {
  local before; before=$(grep -c '^allocations' "$work/server.log" || true)
  kill -USR2 "$server_pid"
  for _ in $(seq 1 50); do
    [ "$(grep -c '^allocations' "$work/server.log" || true)" -gt "$before" ] && break
    sleep 0.1
  done
  grep '^allocations' "$work/server.log" | tail -1 | cut -d' ' -f2
}
# traced CASES: strace -c summary of the server while parley-bench runs CASES per worker.
traced() {
  : >"$work/strace.err"
  strace -c -f -p "$server_pid" -o "$work/strace.$1" 2>"$work/strace.err" &
  local tracer=$!
  for _ in $(seq 1 50); do grep -q attached "$work/strace.err" && break; sleep 0.1; done
  cycle "$1" >/dev/null
  kill -INT "$tracer"
  wait "$tracer" || true
}

# 1. CPU per case, server and client, on an unobserved server.
: >"$work/cpu.txt"
for _ in $(seq 1 "$runs"); do
  start
  cycle 1 >/dev/null  # accounts, channels and memberships exist from here on, as in a long run
  cycle "$cases" >"$work/run.json"
  echo "$(field server_cpu_us_per_case <"$work/run.json") $(field client_cpu_us_per_case \
    <"$work/run.json") $(field cases_per_s <"$work/run.json")" >>"$work/cpu.txt"
done

# 2. Allocations and store jobs per case (allocation counter preloaded).
PARLEY_PRELOAD="$PWD/build/alloc_count.so"
cc -O2 -shared -fPIC -o "$PARLEY_PRELOAD" bench/tools/alloc_count.c
PARLEY_PRELOAD=$PARLEY_PRELOAD start
cycle 1 >/dev/null
a0=$(allocations); j0=$(store_jobs)
cycle 1 >/dev/null
a1=$(allocations); j1=$(store_jobs)
cycle "$cases" >/dev/null
a2=$(allocations); j2=$(store_jobs)
n=$((workers * (cases - 1)))
allocs_per_case=$(awk -v a="$(( (a2 - a1) - (a1 - a0) ))" -v n="$n" 'BEGIN {printf "%.1f", a / n}')
jobs_per_case=$(awk -v a="$(( (j2 - j1) - (j1 - j0) ))" -v n="$n" 'BEGIN {printf "%.2f", a / n}')

# 3. Syscalls per case, by name.
start
cycle 1 >/dev/null
traced 1
traced "$traced"
syscalls=$(awk -v n="$((workers * (traced - 1)))" '
  FNR == 1 { file++ }
  $1 ~ /^[0-9.]+$/ && NF >= 5 {
    name = $NF; calls = $4
    if (name == "total") next
    if (file == 1) base[name] += calls; else run[name] += calls
  }
  END {
    for (s in run) { d = (run[s] - base[s]) / n; total += d; if (d >= 0.05) printf "%s %.2f\n", s, d }
    printf "TOTAL %.1f\n", total
  }' "$work/strace.1" "$work/strace.$traced" | sort -k2 -gr)

echo "| figure | per case |"
echo "|---|---|"
echo "| server CPU, µs (median of $runs, min-max) | $(awk '{print $1}' "$work/cpu.txt" | stats) |"
echo "| parley-bench CPU, µs | $(awk '{print $2}' "$work/cpu.txt" | stats) |"
echo "| cases/s (-w $workers -r $cases) | $(awk '{print $3}' "$work/cpu.txt" | stats) |"
echo "| server syscalls | $(echo "$syscalls" | awk '$1 == "TOTAL" {print $2}') |"
echo "| server heap allocations | $allocs_per_case |"
echo "| store-thread jobs | $jobs_per_case |"
echo
echo "Server syscalls per case: $(echo "$syscalls" | awk '$1 != "TOTAL" {printf "%s%s %s", sep, $1, $2; sep=", "}')"
