#!/usr/bin/env bash
# ThreadSanitizer run (docs/security.md, "ThreadSanitizer"): builds the server, parley-bench and
# the end-to-end tests with clang's TSan into ./build-tsan and runs the end-to-end tests on them,
# all of them or those the arguments name (Catch2 test specs, e.g. "[cluster]"). A data race in a
# server fails the test that started it (the test support scans each server's output); one in a
# test program fails the run through TSan's exit status.
# Usage: bash scripts/tsan.sh [test-spec...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --clang
export CCACHE_BASEDIR="$PWD"
build_dir=build-tsan
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPARLEY_TSAN=ON -DPARLEY_TESTS=ON >/dev/null
fi
cmake --build "$build_dir" --target parley parley-bench parley_e2e
# history_size=4: longer memory of past accesses, so both sides of a race get their stacks.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:history_size=4:second_deadlock_stack=1}
cd "$build_dir/test"
spec=$(IFS=,; echo "$*")
./parley_e2e ${spec:+"$spec"}
