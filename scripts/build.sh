#!/usr/bin/env bash
# Installs what is missing, then configures and builds parley into ./build (Release).
# Extra arguments go to CMake, e.g. scripts/build.sh -DPARLEY_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Relative paths in ccache's hash: a fresh clone elsewhere reuses what an earlier build cached.
export CCACHE_BASEDIR="$PWD"
build_dir=${PARLEY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${PARLEY_BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build_dir"
