#!/usr/bin/env bash
# The second README command (and what .ci/run calls): install, build, and run every test.
#
# One build serves everything, in ./build-check: clang with AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage (PARLEY_FUZZ). The whole suite (unit,
# end to end, cluster, browser) runs on it, so every test also checks the server it drives for
# memory errors, leaks and undefined behaviour; then each libFuzzer target runs for
# PARLEY_FUZZ_SECONDS (default 30; docs/fuzzing.md). Two builds (a plain one for the tests, one
# for the fuzzers) would not fit CI's budget of 30 minutes on two cores; this one does
# (docs/security.md, "What CI proves").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser --clang
# playwright-core only, as locked (it downloads no browser: the test drives Debian's chromium).
npm ci --prefix test/browser --no-audit --no-fund --loglevel=error
build_dir=${PARLEY_BUILD_DIR:-build-check}
CC=clang CXX=clang++ PARLEY_BUILD_DIR="$build_dir" PARLEY_BUILD_TYPE=RelWithDebInfo \
  bash scripts/build.sh -DPARLEY_TESTS=ON -DPARLEY_FUZZ=ON
# Any report fails the run: ASan and UBSan abort the process they find something in, and the
# tests stop every server they start with SIGTERM and fail on a report in its output
# (LeakSanitizer's included, which runs at that exit).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$build_dir" && ctest --output-on-failure --timeout 900 -j2)
PARLEY_FUZZ_BUILD_DIR="$build_dir" bash scripts/fuzz.sh "${PARLEY_FUZZ_SECONDS:-30}"
