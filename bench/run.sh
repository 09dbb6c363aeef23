#!/usr/bin/env bash
# The standard benchmark set (docs/benchmarks.md): builds Release, starts parley on loopback,
# runs each scenario PARLEY_BENCH_RUNS times (default 3), and writes the medians with their
# min-max spread, server CPU time and peak RSS to bench/results/<date>-<host>.md.
# Not part of the test command. Only loopback traffic; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without tests on a first build; an existing build directory keeps its own settings.
bash scripts/build.sh $([ -f build/CMakeCache.txt ] || echo -DPARLEY_TESTS=OFF) >/dev/null

runs=${PARLEY_BENCH_RUNS:-3}
threads=${PARLEY_BENCH_THREADS:-$(nproc)}
work=$(mktemp -d)
out="bench/results/$(date -u +%Y-%m-%d)-$(hostname -s).md"
port=18500
server_pid=
second_pid=
second_port=
redis_pid=

stop_server() {
  stop_pid "$server_pid"
  stop_pid "$second_pid"
  stop_pid "$redis_pid"
  server_pid= second_pid= redis_pid=
}
trap 'stop_server; rm -rf "$work"' EXIT
source bench/lib.sh

start_server() {
  port=$((port + 1))
  rm -f "$work"/bench.db*
  launch "$port" "$@"
  server_pid=$launched
}

# Two instances joined by a fresh redis-server; the bench's subscribers use the second.
start_cluster() {
  port=$((port + 3))
  rm -f "$work"/bench.db*
  launch_cluster "$port"
  server_pid=$launched redis_pid=$launched_redis second_pid=$launched_second
  second_port=$((port + 1))
}

# Server CPU ticks and peak RSS (both instances added up in a cluster run).
cpu_ticks() { cat "/proc/$server_pid/stat" ${second_pid:+"/proc/$second_pid/stat"} | awk '{t += $14 + $15} END {print t}'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
peak_kib() { cat "/proc/$server_pid/status" ${second_pid:+"/proc/$second_pid/status"} | awk '/^VmHWM/ {k += $2} END {print k}'; }

bench() { ./build/parley-bench --url "ws://127.0.0.1:$port" --threads "$threads" --server-pid "$server_pid" --json "$@"; }
starter=start_server

declare -a rows
# run_case TITLE KEY... -- BENCH-ARGS: runs the bench `runs` times on a fresh server each time,
# reporting the median of each JSON key plus server CPU seconds and peak RSS.
run_case() {
  local title=$1; shift
  local keys=()
  while [ "$1" != "--" ]; do keys+=("$1"); shift; done
  shift
  local i k
  : >"$work/case.txt"
  for i in $(seq 1 "$runs"); do
    $starter
    local t0; t0=$(cpu_ticks)
    if [ -n "$second_pid" ]; then
      ./build/parley-bench --url "ws://127.0.0.1:$second_port" --publisher-url "ws://127.0.0.1:$port" \
        --threads "$threads" --json "$@" >"$work/run.json"
    else
      bench "$@" >"$work/run.json"
    fi
    local cpu; cpu=$(( $(cpu_ticks) - t0 ))
    echo "cpu_s $(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN{print t/hz}')" >>"$work/case.txt"
    echo "peak_rss_mib $(awk -v k="$(peak_kib)" 'BEGIN{print k/1024}')" >>"$work/case.txt"
    for k in "${keys[@]}" errors; do echo "$k $(field "$k" <"$work/run.json")" >>"$work/case.txt"; done
    stop_server
  done
  local row="| $title |$(figures "$work/case.txt" "${keys[@]}" errors cpu_s peak_rss_mib)"
  rows+=("$row")
  echo "$row"
}

# Idle sessions: server RSS per session while N are held.
run_idle() {
  local n=$1
  : >"$work/idle.txt"
  for _ in $(seq 1 "$runs"); do
    start_server
    local before; before=$(rss_kib)
    bench connections --connections "$n" --duration 4 >"$work/idle.json" &
    local bench_pid=$!
    for _ in $(seq 1 600); do
      local open
      open=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "parley_ws_sessions" {print $2}')
      [ "${open:-0}" -ge "$n" ] && break
      sleep 0.1
    done
    local during; during=$(rss_kib)
    wait "$bench_pid"
    echo "$(( (during - before) * 1024 / n ))" >>"$work/idle.txt"
    echo "open_s $(field open_s <"$work/idle.json") errors $(field errors <"$work/idle.json")" >>"$work/idle-extra.txt"
    stop_server
  done
  local row="| connections $n idle | bytes/session $(stats <"$work/idle.txt") | $(tail -1 "$work/idle-extra.txt") |"
  rows+=("$row")
  echo "$row"
}

run_case "cycle -w 20 -r 1500" cases_per_s p99 server_cpu_us_per_case client_cpu_us_per_case -- \
  cycle -w 20 -r 1500
run_case "cycle --seed-compat -w 20 -r 1500" cases_per_s p99 server_cpu_us_per_case \
  client_cpu_us_per_case -- cycle --seed-compat -w 20 -r 1500
run_case "fanout 1 x 1000, max rate, 10 s" deliveries_per_s lost duplicated out_of_order p99 -- \
  fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
run_case "fanout 100 subs x 10 pubs x 100/s, 10 s" p50 p99 lost deliveries_per_s -- \
  fanout --subscribers 100 --publishers 10 --rate 100 --duration 10
run_idle 10000
run_idle 19000
starter=start_cluster
# With --publisher-url the publisher's window is paced by a probe subscriber on the other
# instance (its own echo would come back long before that instance delivered).
run_case "fanout 1 x 1000 across 2 instances + Redis (publisher on a, subscribers on b), max rate, 10 s" \
  deliveries_per_s lost duplicated out_of_order p99 -- \
  fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
starter=start_server
run_case "store-bound: 200 channels x (1 pub + 1 sub), 10 s" sent deliveries_per_s lost -- \
  fanout --channels 200 --subscribers 200 --publishers 200 --rate 0 --duration 10

{
  echo "# parley benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(uname -sr)."
  echo "Client and server share the machine; loopback only; server with --rate-limit 0;"
  echo "client --threads $threads. Each figure: median of $runs runs (min-max), fresh server per run."
  echo "latency in ms (p50/p99 keys), cpu_s = server CPU seconds, peak_rss_mib = server peak RSS."
  echo
  echo "| scenario | figures |"
  echo "|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$out"
echo "wrote $out"
