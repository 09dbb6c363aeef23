#!/usr/bin/env bash
# Did a change make the server slower? Runs the same parley-bench scenarios against two server
# binaries, alternating (this build's, the other's, this build's, ...) so a machine that gets
# busier or quieter weighs on both alike, each run on a fresh server and SQLite file. Prints one
# markdown row per scenario and binary: medians of PARLEY_AB_ROUNDS (3) runs with min-max.
#   bash bench/compare_builds.sh /path/to/other/build   (a build directory holding `parley`)
# The client is always this build's parley-bench. Loopback only; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
other=${1:?usage: bench/compare_builds.sh OTHER_BUILD_DIR}
[ -x "$other/parley" ] || { echo "no parley in $other" >&2; exit 2; }
cmake --build build -j2 --target parley parley-bench >/dev/null

rounds=${PARLEY_AB_ROUNDS:-3}
threads=${PARLEY_BENCH_THREADS:-$(nproc)}
work=$(mktemp -d)
port=19300
server_pid= parley_bin=
trap 'stop_pid "$server_pid"; rm -rf "$work"' EXIT
source bench/lib.sh

# run_case TITLE KEY... -- BENCH-ARGS
run_case() {
  local title=$1; shift
  local keys=()
  while [ "$1" != "--" ]; do keys+=("$1"); shift; done
  shift
  local side i k
  for side in this other; do : >"$work/$side.txt"; done
  for i in $(seq 1 "$rounds"); do
    for side in this other; do
      parley_bin=$([ "$side" = this ] && echo ./build/parley || echo "$other/parley")
      rm -f "$work"/bench.db*
      port=$((port + 1))
      launch "$port"
      server_pid=$launched
      ./build/parley-bench --url "ws://127.0.0.1:$port" --threads "$threads" \
        --server-pid "$server_pid" --json "$@" >"$work/run.json"
      for k in "${keys[@]}" errors; do echo "$k $(field "$k" <"$work/run.json")"; done \
        >>"$work/$side.txt"
      stop_pid "$server_pid"
      server_pid=
    done
  done
  for side in this other; do
    echo "| $title | $side |$(figures "$work/$side.txt" "${keys[@]}" errors)"
  done
}

run_case "store-bound: 200 channels x (1 pub + 1 sub), 10 s" sent deliveries_per_s p99 lost -- \
  fanout --channels 200 --subscribers 200 --publishers 200 --rate 0 --duration 10
run_case "cycle -w 20 -r 1500" cases_per_s p99 server_cpu_us_per_case -- cycle -w 20 -r 1500
run_case "fanout 1 x 1000, max rate, 10 s" deliveries_per_s p99 lost -- \
  fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
