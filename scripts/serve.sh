#!/usr/bin/env bash
# The first README command: install, build, and run the server on its embedded defaults
# (127.0.0.1:8080, ./parley.db, no Redis). Extra arguments go to parley, e.g. --log-level debug.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh -DPARLEY_TESTS=OFF
exec ./build/parley "$@"
