#!/usr/bin/env bash
# The fuzz smoke run (docs/fuzzing.md): builds the libFuzzer targets of test/fuzz with clang into
# ./build-fuzz (or $PARLEY_FUZZ_BUILD_DIR) and runs each for the given seconds (default 30) on a throwaway copy of its seed
# corpus, so the committed corpus never grows. Fails when any target finds a crash, a broken
# invariant, a leak, a timeout or runs out of memory; the input that did it is printed (base64)
# and kept under build-fuzz/findings/.
# Usage: bash scripts/fuzz.sh [seconds-per-target]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

bash scripts/install-deps.sh --clang

# Relative paths in ccache's hash: a fresh clone elsewhere reuses what an earlier build cached.
export CCACHE_BASEDIR="$PWD"
# PARLEY_FUZZ_BUILD_DIR: an existing PARLEY_FUZZ build to reuse (scripts/test.sh passes its own).
build_dir=${PARLEY_FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPARLEY_FUZZ=ON -DPARLEY_TESTS=OFF >/dev/null
fi
cmake --build "$build_dir" --target parley_fuzzers

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
findings="$build_dir/findings"
passed=0
failed=0
for source in test/fuzz/fuzz_*.cpp; do
  target=$(basename "$source" .cpp)
  cp -r "test/fuzz/corpus/$target" "$work/$target"
  mkdir -p "$work/$target-artifacts"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$work/$target-artifacts/")
  if [ -f "test/fuzz/$target.dict" ]; then
    options+=(-dict="test/fuzz/$target.dict")
  fi
  log="$work/$target.log"
  if "$build_dir/test/fuzz/$target" "${options[@]}" "$work/$target" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
    echo "fuzz: $target: ${runs:-?} runs in ${seconds} s, no finding"
    passed=$((passed + 1))
  else
    echo "fuzz: $target: FAILED" >&2
    tail -n 60 "$log" >&2
    mkdir -p "$findings"
    for artifact in "$work/$target-artifacts"/*; do
      [ -e "$artifact" ] || continue
      cp "$artifact" "$findings/$target-$(basename "$artifact")"
      echo "fuzz: reproducer $findings/$target-$(basename "$artifact") (base64):" >&2
      base64 -w0 "$artifact" >&2
      echo >&2
    done
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
