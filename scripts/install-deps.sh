#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and running parley needs.
# The one list of dependencies: the README commands, .ci/run and the Dockerfile all call this.
# Idempotent: when everything is present it only checks (no apt-get update).
# With --browser it also installs what the web client's browser test needs: Debian's chromium
# and Node.js with npm (the test drives chromium through npm's playwright-core). With --clang,
# clang and libFuzzer's runtime, for the sanitizer and fuzz builds (scripts/test.sh, fuzz.sh).
# With --bench, gnuplot (without X11) for the pictures of bench/plot.sh.
set -euo pipefail

# systemd (for systemd-analyze) and adduser: the Debian package test verifies the unit and
# installs the package, which depends on adduser.
packages=(
  g++ cmake ninja-build ccache pkg-config git ca-certificates curl
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev
  libsqlite3-dev sqlite3 libhiredis-dev libssl-dev openssl libpq-dev catch2
  redis-server nginx-light postgresql iproute2 clang-format prometheus
  systemd adduser
)
for flag in "$@"; do
  case $flag in
    --browser)
      packages+=(chromium)
      # A Node.js from elsewhere (nodesource) brings its own npm and conflicts with Debian's.
      command -v node >/dev/null || packages+=(nodejs)
      command -v npm >/dev/null || packages+=(npm)
      ;;
    --clang) packages+=(clang libclang-rt-14-dev) ;;
    --bench) packages+=(gnuplot-nox) ;;
    *) echo "install-deps: unknown option $flag" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=sudo
else
  sudo_cmd=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
