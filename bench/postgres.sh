#!/usr/bin/env bash
# PostgreSQL next to SQLite (docs/benchmarks.md, "PostgreSQL"): the store-bound and the
# cross-instance scenarios of bench/run.sh on both engines. SQLite gets a fresh file per run;
# PostgreSQL (Debian's, started here as the postgres user on a loopback port, with its default
# durability: fsync and synchronous_commit on) a fresh database per run. Runs alternate engines
# so a machine that gets busier or quieter weighs on both alike. Prints one markdown row per
# scenario and engine: medians of PARLEY_PG_ROUNDS (3) runs with min-max, plus messages per
# commit and the mean commit time from the first instance's /metrics.
# Only loopback traffic; every wait is bounded. Needs root (to run PostgreSQL as postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
# Two parallel jobs at most: the machine may be shared.
cmake --build build -j2 --target parley parley-bench >/dev/null

rounds=${PARLEY_PG_ROUNDS:-3}
threads=${PARLEY_BENCH_THREADS:-$(nproc)}
work=$(mktemp -d)
chmod 711 "$work"
port=19100
pg_port=19099
server_pid= second_pid= redis_pid= pg_pid= bench_db=
source bench/lib.sh

stop_all() {
  stop_pid "$server_pid"
  stop_pid "$second_pid"
  stop_pid "$redis_pid"
  server_pid= second_pid= redis_pid=
}
trap 'stop_all; [ -n "$pg_pid" ] && kill -INT "$pg_pid" 2>/dev/null; sleep 1; rm -rf "$work"' EXIT

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir "$work/pg" && chown postgres: "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" -A trust -U parley -E UTF8 --locale=C >/dev/null
as_postgres "$pg_bin/postgres" -D "$work/pg" -p "$pg_port" -k "$work/pg" \
  -c listen_addresses=127.0.0.1 -c max_connections=100 2>"$work/pg.log" &
pg_pid=$!
for _ in $(seq 1 100); do
  grep -q "ready to accept connections" "$work/pg.log" && break
  sleep 0.1
done
psql_run() { psql -h 127.0.0.1 -p "$pg_port" -U parley -d postgres -Atqc "$1"; }

# use_engine ENGINE: points the next launches at a fresh SQLite file or PostgreSQL database.
use_engine() {
  rm -f "$work"/bench.db*
  if [ "$1" = postgres ]; then
    psql_run "DROP DATABASE IF EXISTS bench WITH (FORCE)"
    psql_run "CREATE DATABASE bench"
    bench_db="postgres://parley@127.0.0.1:$pg_port/bench"
  else
    bench_db="$work/bench.db"
  fi
}

start_one() {
  port=$((port + 3))
  launch "$port"
  server_pid=$launched
}

start_two() {
  port=$((port + 3))
  launch_cluster "$port"
  server_pid=$launched redis_pid=$launched_redis second_pid=$launched_second
}

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v k="$1" '$1 == k {print $2}'; }

# run_case TITLE STARTER KEY... -- BENCH-ARGS
run_case() {
  local title=$1 starter=$2; shift 2
  local keys=()
  while [ "$1" != "--" ]; do keys+=("$1"); shift; done
  shift
  local engine i k
  for engine in sqlite postgres; do : >"$work/$engine.txt"; done
  for i in $(seq 1 "$rounds"); do
    for engine in sqlite postgres; do
      use_engine "$engine"
      $starter
      if [ -n "$second_pid" ]; then
        ./build/parley-bench --url "ws://127.0.0.1:$((port + 1))" \
          --publisher-url "ws://127.0.0.1:$port" --threads "$threads" --json "$@" >"$work/run.json"
      else
        ./build/parley-bench --url "ws://127.0.0.1:$port" --threads "$threads" --json "$@" \
          >"$work/run.json"
      fi
      local commits stored seconds
      commits=$(metric parley_store_commit_seconds_count)
      stored=$(metric parley_messages_total)
      seconds=$(metric parley_store_commit_seconds_sum)
      {
        for k in "${keys[@]}" errors; do echo "$k $(field "$k" <"$work/run.json")"; done
        echo "msgs_per_commit $(awk -v m="$stored" -v c="$commits" 'BEGIN{print (c > 0 ? m / c : 0)}')"
        echo "commit_ms $(awk -v s="$seconds" -v c="$commits" 'BEGIN{print (c > 0 ? 1000 * s / c : 0)}')"
      } >>"$work/$engine.txt"
      stop_all
    done
  done
  for engine in sqlite postgres; do
    echo "| $title | $engine |$(figures "$work/$engine.txt" "${keys[@]}" errors msgs_per_commit commit_ms)"
  done
}

run_case "store-bound: 200 channels x (1 pub + 1 sub), 10 s" start_one sent deliveries_per_s p99 \
  lost -- fanout --channels 200 --subscribers 200 --publishers 200 --rate 0 --duration 10
run_case "store-bound across 2 instances: 200 channels, pubs on a, subs on b, 10 s" start_two \
  sent deliveries_per_s p99 lost -- \
  fanout --channels 200 --subscribers 200 --publishers 200 --rate 0 --duration 10
run_case "fanout 1 x 1000 across 2 instances + Redis, max rate, 10 s" start_two deliveries_per_s \
  p99 lost duplicated out_of_order -- fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10
