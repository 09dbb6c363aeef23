#!/usr/bin/env bash
# The standard benchmark set (docs/benchmarks.md): builds Release, starts parley on loopback,
# runs each scenario PARLEY_BENCH_RUNS times (default 3), and writes the medians with their
# min-max spread, server CPU time and peak RSS to bench/results/<date>-<host>.md, the same
# machine-readable in <date>-<host>.tsv, and pictures of it against the previous run's .tsv
# (bench/plot.sh). Not part of the test command. Only loopback traffic; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
# Without tests on a first build; an existing build directory keeps its own settings.
bash scripts/build.sh $([ -f build/CMakeCache.txt ] || echo -DPARLEY_TESTS=OFF) >/dev/null

runs=${PARLEY_BENCH_RUNS:-3}
threads=${PARLEY_BENCH_THREADS:-$(nproc)}
work=$(mktemp -d)
name="$(date -u +%Y-%m-%d)-$(hostname -s)"
out="bench/results/$name.md"
tsv="bench/results/$name.tsv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# What was built: the commit, and whether the checkout's sources differed from it.
build_of=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
[ -z "$(git status --porcelain -- src include CMakeLists.txt cmake 2>/dev/null)" ] ||
  build_of+=" with uncommitted changes to its sources"
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
# User-mode ticks: of the whole machine, and of the server(s) with Redis. With parley-bench's
# own user time they tell what other processes (a compiler, say) took during a run.
machine_user_ticks() { awk '$1 == "cpu" {print $2 + $3}' /proc/stat; }
ours_user_ticks() {
  cat "/proc/$server_pid/stat" ${second_pid:+"/proc/$second_pid/stat"} \
    ${redis_pid:+"/proc/$redis_pid/stat"} | awk '{t += $14} END {print t}'
}
hz=$(getconf CLK_TCK)
TIMEFORMAT=%3U
# measured CMD...: runs CMD (stdout to run.json) and appends "others_user_s X" to case.txt.
measured() {
  local m0 o0 bench_user
  m0=$(machine_user_ticks) o0=$(ours_user_ticks)
  bench_user=$({ time "$@" >"$work/run.json" 2>&3; } 3>&2 2>&1)
  echo "others_user_s $(awk -v m="$(( $(machine_user_ticks) - m0 ))" -v o="$(( $(ours_user_ticks) - o0 ))" \
    -v b="$bench_user" -v hz="$hz" 'BEGIN {x = (m - o) / hz - b; print (x > 0 ? x : 0)}')" >>"$work/case.txt"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
peak_kib() { cat "/proc/$server_pid/status" ${second_pid:+"/proc/$second_pid/status"} | awk '/^VmHWM/ {k += $2} END {print k}'; }

bench() { ./build/parley-bench --url "ws://127.0.0.1:$port" --threads "$threads" --server-pid "$server_pid" --json "$@"; }
starter=start_server

declare -a rows tsv_rows
# tsv_row ID METRIC TITLE: the .tsv line of the case in case.txt: METRIC's median, min and max,
# the latency percentiles' medians, the most errors of a run, others' user CPU; "-" if absent.
tsv_row() {
  local id=$1 metric=$2 title=$3 k
  local line="$id"$'\t'"$metric"$'\t'$(col "$metric" | awk '{a[NR] = $1}
    END {printf "%.6g\t%.6g\t%.6g", a[int((NR + 1) / 2)], a[1], a[NR]}')
  for k in lat_p50 lat_p90 lat_p99 lat_max errors others_user_s; do
    line+=$'\t'$(col $k | awk -v k=$k '{a[NR] = $1}
      END {if (!NR) print "-"; else printf "%.6g\n", k == "errors" ? a[NR] : a[int((NR + 1) / 2)]}')
  done
  tsv_rows+=("$line"$'\t'"$title")
}
# col KEY: KEY's values in case.txt, sorted; runs that reported none are left out.
col() { awk -v k="$1" '$1 == k && $2 != "" {print $2}' "$work/case.txt" | sort -g; }

# run_case ID METRIC TITLE KEY... -- BENCH-ARGS: runs the bench `runs` times on a fresh server
# each time, reporting the median of each JSON key plus server CPU seconds and peak RSS; ID and
# METRIC (a key: the scenario's headline figure) name its row in the .tsv and the pictures.
run_case() {
  local id=$1 metric=$2 title=$3; shift 3
  local keys=()
  while [ "$1" != "--" ]; do keys+=("$1"); shift; done
  shift
  local i k
  : >"$work/case.txt"
  for i in $(seq 1 "$runs"); do
    $starter
    local t0; t0=$(cpu_ticks)
    if [ -n "$second_pid" ]; then
      measured ./build/parley-bench --url "ws://127.0.0.1:$second_port" \
        --publisher-url "ws://127.0.0.1:$port" --threads "$threads" --json "$@"
    else
      measured bench "$@"
    fi
    local cpu; cpu=$(( $(cpu_ticks) - t0 ))
    echo "cpu_s $(awk -v t="$cpu" -v hz="$(getconf CLK_TCK)" 'BEGIN{print t/hz}')" >>"$work/case.txt"
    echo "peak_rss_mib $(awk -v k="$(peak_kib)" 'BEGIN{print k/1024}')" >>"$work/case.txt"
    for k in "${keys[@]}" errors; do echo "$k $(field "$k" <"$work/run.json")" >>"$work/case.txt"; done
    # latency_ms's percentiles (the first of each name in the JSON).
    for k in p50 p90 p99 max; do echo "lat_$k $(field "$k" <"$work/run.json")" >>"$work/case.txt"; done
    stop_server
  done
  local row="| $title |$(figures "$work/case.txt" "${keys[@]}" errors cpu_s peak_rss_mib others_user_s)"
  rows+=("$row")
  tsv_row "$id" "$metric" "$title"
  echo "$row"
}

# Idle sessions: server RSS per session while N are held.
run_idle() {
  local n=$1
  : >"$work/case.txt"
  for _ in $(seq 1 "$runs"); do
    start_server
    local before; before=$(rss_kib)
    measured bench connections --connections "$n" --duration 4 &
    local bench_pid=$!
    for _ in $(seq 1 600); do
      local open
      open=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "parley_ws_sessions" {print $2}')
      [ "${open:-0}" -ge "$n" ] && break
      sleep 0.1
    done
    local during; during=$(rss_kib)
    wait "$bench_pid"
    echo "bytes_per_session $(( (during - before) * 1024 / n ))" >>"$work/case.txt"
    for k in open_s errors; do echo "$k $(field "$k" <"$work/run.json")" >>"$work/case.txt"; done
    stop_server
  done
  local row="| connections $n idle |$(figures "$work/case.txt" bytes_per_session open_s errors others_user_s)"
  rows+=("$row")
  tsv_row "idle-$n" bytes_per_session "connections $n idle"
  echo "$row"
}

run_case cycle cases_per_s "cycle -w 20 -r 1500" cases_per_s p99 server_cpu_us_per_case client_cpu_us_per_case -- \
  cycle -w 20 -r 1500
run_case seed-compat cases_per_s "cycle --seed-compat -w 20 -r 1500" cases_per_s p99 server_cpu_us_per_case \
  client_cpu_us_per_case -- cycle --seed-compat -w 20 -r 1500
run_case fanout-1x1000 deliveries_per_s "fanout 1 x 1000, max rate, 10 s" deliveries_per_s lost duplicated out_of_order p99 -- \
  fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
run_case fanout-100x10 deliveries_per_s "fanout 100 subs x 10 pubs x 100/s, 10 s" p50 p99 lost deliveries_per_s -- \
  fanout --subscribers 100 --publishers 10 --rate 100 --duration 10
run_idle 10000
run_idle 19000
starter=start_cluster
# With --publisher-url the publisher's window is paced by a probe subscriber on the other
# instance (its own echo would come back long before that instance delivered).
run_case cluster-1x1000 deliveries_per_s \
  "fanout 1 x 1000 across 2 instances + Redis (publisher on a, subscribers on b), max rate, 10 s" \
  deliveries_per_s lost duplicated out_of_order p99 -- \
  fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
starter=start_server
run_case store-bound deliveries_per_s "store-bound: 200 channels x (1 pub + 1 sub), 10 s" sent deliveries_per_s lost -- \
  fanout --channels 200 --subscribers 200 --publishers 200 --rate 0 --duration 10

{
  echo "# parley benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(uname -sr)."
  echo "Client and server share the machine; loopback only; server with --rate-limit 0;"
  echo "client --threads $threads. Each figure: median of $runs runs (min-max), fresh server per run."
  echo "Build of $build_of."
  echo "latency in ms (p50/p99 keys), cpu_s = server CPU seconds, peak_rss_mib = server peak RSS,"
  echo "others_user_s = user CPU seconds other processes (not the server, Redis or parley-bench) took"
  echo "during a run. Load average (1, 5, 15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| scenario | figures |"
  echo "|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "![each scenario against the previous run]($name-throughput.svg)"
  echo
  echo "![latency per scenario]($name-latency.svg)"
} >"$out"
{
  echo "# parley bench/run.sh results, $(date -u +%Y-%m-%dT%H:%MZ), $(hostname -s), $(nproc) cores;" \
    "median (min, max) of $runs runs, latency medians in ms, client --threads $threads;"
  echo "# build of $build_of; load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  printf '# %s\n' "$(printf '%s\t' id metric median min max p50_ms p90_ms p99_ms max_ms errors_max \
    others_user_s title | sed 's/\t$//')"
  printf '%s\n' "${tsv_rows[@]}"
} >"$tsv"
echo "wrote $out and $tsv"
bash bench/plot.sh "$tsv"
