#!/usr/bin/env bash
# What TLS costs (docs/benchmarks.md, "TLS cost"): the same build, ws:// against wss://, on the
# settings of bench/run.sh. Runs are interleaved (plain, TLS, plain, TLS, ...) so a machine that
# gets busier or quieter during the script weighs on both sides alike; each run has a fresh
# server. Prints one markdown row per scenario and side: the median of PARLEY_TLS_ROUNDS (3) runs
# with its min-max. Loopback only; every wait is bounded. Needs openssl and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
# Two parallel jobs at most: the machine may be shared.
cmake --build build -j2 --target parley parley-bench >/dev/null

rounds=${PARLEY_TLS_ROUNDS:-3}
idle_sessions=${PARLEY_TLS_IDLE_SESSIONS:-5000}
threads=${PARLEY_BENCH_THREADS:-$(nproc)}
work=$(mktemp -d)
port=18900
server_pid=
trap 'stop_pid "$server_pid"; rm -rf "$work"' EXIT
source bench/lib.sh

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# start SIDE: a fresh server, plain or with the certificate; sets $scheme and $http for it.
start() {
  stop_pid "$server_pid"
  port=$((port + 1))
  rm -f "$work"/bench.db*
  if [ "$1" = tls ]; then
    launch "$port" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
    scheme=wss http=https
  else
    launch "$port"
    scheme=ws http=http
  fi
  server_pid=$launched
}
bench() {
  ./build/parley-bench --url "$scheme://127.0.0.1:$port" --threads "$threads" \
    --server-pid "$server_pid" --json "$@"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }

# measure SIDE SCENARIO: one run on a fresh server; appends "SIDE KEY VALUE" lines to figures.txt.
measure() {
  local side=$1 what=$2 k
  start "$side"
  case $what in
    fanout)
      bench fanout --subscribers 1000 --publishers 1 --rate 0 --duration 10 >"$work/run.json"
      for k in deliveries_per_s p99 lost errors; do
        echo "$side fanout.$k $(field "$k" <"$work/run.json")" >>"$work/figures.txt"
      done
      ;;
    cycle)
      bench cycle -w 20 -r 1500 >"$work/run.json"
      for k in cases_per_s p99 server_cpu_us_per_case client_cpu_us_per_case errors; do
        echo "$side cycle.$k $(field "$k" <"$work/run.json")" >>"$work/figures.txt"
      done
      ;;
    idle)
      # bench/run.sh's method: server RSS before, and once every session is open.
      local before; before=$(rss_kib)
      bench connections --connections "$idle_sessions" --duration 4 >"$work/run.json" &
      local bench_pid=$! open
      for _ in $(seq 1 600); do
        open=$(curl -sk "$http://127.0.0.1:$port/metrics" | awk '$1 == "parley_ws_sessions" {print $2}')
        [ "${open:-0}" -ge "$idle_sessions" ] && break
        sleep 0.1
      done
      local during; during=$(rss_kib)
      wait "$bench_pid"
      echo "$side idle.bytes_per_session $(( (during - before) * 1024 / idle_sessions ))" \
        >>"$work/figures.txt"
      for k in open_s errors; do
        echo "$side idle.$k $(field "$k" <"$work/run.json")" >>"$work/figures.txt"
      done
      ;;
  esac
  stop_pid "$server_pid"
  server_pid=
}

: >"$work/figures.txt"
for what in fanout idle cycle; do
  for _ in $(seq 1 "$rounds"); do
    measure plain "$what"
    measure tls "$what"
  done
done

echo "| figure | ws:// | wss:// |"
echo "|---|---|---|"
for key in $(awk '{print $2}' "$work/figures.txt" | awk '!seen[$0]++'); do
  row="| $key |"
  for side in plain tls; do
    row+=" $(awk -v s="$side" -v k="$key" '$1 == s && $2 == k {print $3}' "$work/figures.txt" | stats) |"
  done
  echo "$row"
done
echo
echo "Each run, in order:"
cat "$work/figures.txt"
