#!/usr/bin/env bash
# The second README command (and what .ci/run calls): install, build, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser
# playwright-core only, as locked (it downloads no browser: the test drives Debian's chromium).
npm ci --prefix test/browser --no-audit --no-fund --loglevel=error
bash scripts/build.sh -DPARLEY_TESTS=ON
cd "${PARLEY_BUILD_DIR:-build}"
ctest --output-on-failure --timeout 900
