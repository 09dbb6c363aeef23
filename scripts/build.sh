#!/usr/bin/env bash
# Installs what is missing, then configures and builds parley into ./build (Release).
# Extra arguments go to CMake, e.g. scripts/build.sh -DPARLEY_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Relative paths in ccache's hash: a fresh clone elsewhere reuses what an earlier build cached.
# With debug information (-g, as CI's RelWithDebInfo) ccache would also hash the working
# directory; CCACHE_NOHASHDIR drops it, at the price of debug information naming the directory
# of whichever build compiled a file first.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
build_dir=${PARLEY_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${PARLEY_BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build_dir"
