# Shared by the benchmark scripts (sourced): starting and stopping a parley on loopback and
# reading figures. Expects $work (a temporary directory) to be set by the caller.

# stop_pid PID: TERM, then waits up to 10 s for the process to go.
stop_pid() {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1"
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  fi
}

# launch PORT ARGS...: one parley ($parley_bin if set, else ./build/parley) on the shared bench
# database ($bench_db if set, else $work/bench.db), its log in $work/server.log; waits until it
# answers (over HTTPS when ARGS give it a certificate) and sets $launched to its pid.
# PARLEY_PRELOAD, when set, is preloaded into it.
launch() {
  local p=$1; shift
  local scheme=http
  [[ " $* " == *" --tls-cert "* ]] && scheme=https
  LD_PRELOAD=${PARLEY_PRELOAD:-} "${parley_bin:-./build/parley}" --listen "127.0.0.1:$p" \
    --db "${bench_db:-$work/bench.db}" \
    --rate-limit 0 --auth-rate 0 --jwt-secret bench-secret --log-level warn --static-dir "$work" "$@" \
    2>>"$work/server.log" &
  launched=$!
  for _ in $(seq 1 100); do
    curl -sfk "$scheme://127.0.0.1:$p/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start" >&2
  exit 1
}

# launch_redis PORT: a redis-server without persistence on loopback, its log in
# $work/redis.log; waits until it is ready and sets $launched to its pid.
launch_redis() {
  : >"$work/redis.log"
  redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    >>"$work/redis.log" 2>&1 &
  launched=$!
  for _ in $(seq 1 100); do
    grep -q "Ready to accept" "$work/redis.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "redis-server did not start" >&2
  exit 1
}

# launch_cluster PORT ARGS...: a redis-server on PORT+2 and two parley instances joined by it,
# a on PORT and b on PORT+1 (ARGS to both); waits until b hears a. Sets $launched_redis,
# $launched (a) and $launched_second (b).
launch_cluster() {
  local p=$1; shift
  launch_redis "$((p + 2))"
  launched_redis=$launched
  local url="redis://127.0.0.1:$((p + 2))"
  launch "$((p + 1))" --redis-url "$url" --instance-id b "$@"
  launched_second=$launched
  launch "$p" --redis-url "$url" --instance-id a "$@"
  for _ in $(seq 1 100); do
    curl -s "http://127.0.0.1:$((p + 1))/metrics" | grep -q '^parley_cluster_peers 1' && return 0
    sleep 0.1
  done
}

# figures FILE KEY...: " KEY median (min-max) |" for each KEY, from FILE's "KEY value" lines.
figures() {
  local file=$1 k; shift
  for k in "$@"; do printf ' %s %s |' "$k" "$(awk -v k="$k" '$1 == k {print $2}' "$file" | stats)"; done
}

# field KEY: the first numeric "KEY": value of the JSON on stdin.
field() { grep -o "\"$1\":[0-9.eE+-]*" | head -1 | cut -d: -f2; }
# median and spread of numbers on stdin, one per line: "median (min-max)"
stats() { sort -g | awk '{a[NR]=$1} END {printf "%.4g (%.4g-%.4g)", a[int((NR+1)/2)], a[1], a[NR]}'; }
