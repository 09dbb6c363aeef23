#!/usr/bin/env bash
# The Debian package, end to end: build it with CPack from a build directory, inspect it, check
# packaging/runtime-packages against the libraries its binaries load, install it on this machine
# with dpkg, check what its maintainer scripts made, verify the systemd unit, start the
# installed parley the way the unit does (its user, its working directory, its environment
# files), then remove and purge it and check what stays and what goes.
#
#   bash test/package/package_test.sh BUILD_DIR     (ctest's debian_package runs it)
#
# Installing needs root and changes this machine (a parley system user remains, as Debian keeps
# system users): CI's machine is disposable. Without root, or when a parley package is already
# installed (the purge would delete its data), it exits 77, which CTest reports as skipped.
set -euo pipefail

skip() {
  echo "SKIP: $*"
  exit 77
}
die() {
  echo "FAIL: $*" >&2
  exit 1
}
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# expect WHAT ACTUAL EXPECTED
expect() {
  if [ "$2" != "$3" ]; then
    fail "$1: expected '$3', got '$2'"
  fi
}
# expect_file WHAT PATH OWNER:GROUP MODE (as stat prints them)
expect_file() {
  if [ ! -e "$2" ]; then
    fail "$1: $2 is missing"
    return
  fi
  expect "$1 ($2): owner and mode" "$(stat -c '%U:%G %a' "$2")" "$3 $4"
}

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
build_dir=$(realpath "$1")
source_dir=$(realpath "$(dirname "$0")/../..")
cpack=${CPACK:-cpack}
[ -x "$build_dir/parley" ] || die "$build_dir/parley is missing: build first"
[ "$(id -u)" -eq 0 ] || skip "installing the package needs root (CI runs as root)"
if dpkg-query -W -f='${Status}' parley 2>/dev/null | grep -q 'installed\|config-files'; then
  skip "a parley package is already installed here; this test installs and purges its own"
fi
for tool in dpkg-deb objdump ldd setpriv curl systemd-analyze zcat "$cpack"; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh installs it)"
done

work=$(mktemp -d /tmp/parley-package.XXXXXX)
server_pid=
installed=no
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" || true
  fi
  if [ "$installed" = yes ]; then
    dpkg --purge parley >/dev/null 2>&1 || echo "cleanup: dpkg --purge parley failed" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Non-comment, non-empty lines of packaging/runtime-packages, sorted.
runtime_packages=$(grep -v '^[[:space:]]*\(#\|$\)' "$source_dir/packaging/runtime-packages" | sort -u)
[ "$(echo "$runtime_packages" | wc -l)" -ge 3 ] || die "packaging/runtime-packages lists too little"

echo "== cpack -G DEB"
(cd "$build_dir" && "$cpack" -G DEB -B "$work/cpack" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; die "cpack failed"; }
debs=("$work"/cpack/parley_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  die "expected one parley_*.deb, found: ${debs[*]}"
fi
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

echo "== dpkg-deb --info"
project_version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
[ -n "$project_version" ] || die "no CMAKE_PROJECT_VERSION in $build_dir/CMakeCache.txt"
expect "Package" "$(dpkg-deb --field "$deb" Package)" parley
expect "Version" "$(dpkg-deb --field "$deb" Version)" "$project_version-1"
expect "Architecture" "$(dpkg-deb --field "$deb" Architecture)" "$(dpkg --print-architecture)"
# Depends: the runtime list and adduser, for postinst.
expect "Depends" "$(dpkg-deb --field "$deb" Depends | tr -d ' ' | tr ',' '\n' | sort)" \
  "$(printf '%s\nadduser\n' "$runtime_packages" | sort)"
dpkg-deb --control "$deb" "$work/control"
for script in postinst prerm postrm; do
  if [ ! -x "$work/control/$script" ]; then
    fail "control: $script missing or not executable"
  elif ! cmp -s "$work/control/$script" "$source_dir/packaging/$script"; then
    fail "control: $script differs from packaging/$script"
  fi
done
expect "conffiles" "$(cat "$work/control/conffiles" 2>/dev/null)" /etc/parley/parley.env

echo "== dpkg-deb --contents"
# "mode owner/group size date time ./path" -> "./path mode owner/group", without directories.
dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $6, $1, $2 }' | sort >"$work/contents"
for entry in "./usr/bin/parley -rwxr-xr-x root/root" "./usr/bin/parley-bench -rwxr-xr-x root/root" \
  "./lib/systemd/system/parley.service -rw-r--r-- root/root" \
  "./etc/parley/parley.env -rw-r----- root/root" \
  "./usr/share/man/man1/parley.1.gz -rw-r--r-- root/root" \
  "./usr/share/doc/parley/install.md -rw-r--r-- root/root"; do
  grep -qxF "$entry" "$work/contents" || fail "contents: no '$entry'"
done
# Nothing else outside the documentation: no headers, static libraries or stray build files.
outside=$(awk '{ print $1 }' "$work/contents" | grep -v '^\./usr/share/doc/parley/' |
  grep -vxF -e ./usr/bin/parley -e ./usr/bin/parley-bench -e ./lib/systemd/system/parley.service \
    -e ./etc/parley/parley.env -e ./usr/share/man/man1/parley.1.gz || true)
expect "contents: files beyond the expected ones" "$outside" ""

echo "== runtime-packages against the binaries' DT_NEEDED libraries"
dpkg-deb --extract "$deb" "$work/root"
# The package owning a library: dpkg records some under /lib, others under /usr/lib (merged /usr
# makes both paths work), so the other spelling is tried too.
owner_of() {
  local path=$1 alternative owners
  case $path in
    /usr/*) alternative=${path#/usr} ;;
    *) alternative=/usr$path ;;
  esac
  owners=$(dpkg-query -S "$path" 2>/dev/null || dpkg-query -S "$alternative" 2>/dev/null) || return 1
  # "libssl3:amd64: /lib/..." or "a, b: /path" -> one package name per line, without the arch.
  echo "${owners%%: /*}" | tr ',' '\n' | sed 's/^ *//; s/:.*//'
}
needed_packages=
used_packages=
[ -f "$build_dir/build.ninja" ] || die "$build_dir/build.ninja is missing: build with -G Ninja"
for binary in parley parley-bench; do
  path="$work/root/usr/bin/$binary"
  libraries=$(objdump -p "$path" | awk '$1 == "NEEDED" { print $2 }')
  [ -n "$libraries" ] || fail "$binary: no DT_NEEDED entries (objdump -p)"
  # The loader resolves each name as it would at run time: "name => /path (address)".
  ldd_output=$(ldd "$path")
  # What the loader maps, indirect libraries included, and the shared libraries the link step
  # names (build.ninja): --as-needed keeps a linked library only where the code refers to it,
  # which depends on the build (CI's clang build with UBSan refers to libboost_container, the gcc
  # Release build does not), so a package may be listed for either reason.
  for resolved in $(echo "$ldd_output" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }') \
    $(awk -v target="build $binary:" 'index($0, target) == 1 { link = 1; next }
        link && /^build / { link = 0 }
        link && $1 == "LINK_LIBRARIES" { for (i = 3; i <= NF; i++) if ($i ~ /\.so/) print $i }' \
      "$build_dir/build.ninja" | xargs -r realpath); do
    if owner=$(owner_of "$resolved"); then
      used_packages+="$owner"$'\n'
    fi
  done
  for library in $libraries; do
    resolved=$(echo "$ldd_output" | awk -v name="$library" '$1 == name && $2 == "=>" { print $3 }')
    if [ -z "$resolved" ] || [ "$resolved" = "not" ]; then
      fail "$binary: $library is not found by the loader"
      continue
    fi
    if ! owner=$(owner_of "$resolved"); then
      fail "$binary: no Debian package owns $resolved ($library)"
      continue
    fi
    # GCC's sanitizer runtimes (a -DPARLEY_SANITIZE=ON build) are not dependencies of a release
    # package; clang (CI's sanitizer build) links them statically.
    case $library in
      libasan.so.* | libubsan.so.* | libtsan.so.* | liblsan.so.*)
        echo "  ($binary: $library from $owner is a sanitizer runtime: not a runtime package)"
        continue
        ;;
    esac
    echo "  $binary: $library -> $resolved -> $owner"
    needed_packages+="$owner"$'\n'
  done
done
needed_packages=$(echo -n "$needed_packages" | sort -u)
used_packages=$(echo -n "$used_packages" | sort -u)
# Every direct need is listed; nothing is listed that the binaries neither load nor link.
not_listed=$(comm -13 <(echo "$runtime_packages") <(echo "$needed_packages"))
not_used=$(comm -23 <(echo "$runtime_packages") <(echo "$used_packages"))
expect "runtime-packages: needed (DT_NEEDED) but not listed" "$not_listed" ""
expect "runtime-packages: listed but neither loaded nor linked" "$not_used" ""

echo "== dpkg -i"
installed=yes
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/dpkg-install.log" 2>&1 ||
  { cat "$work/dpkg-install.log"; die "dpkg -i failed"; }
cat "$work/dpkg-install.log"
expect "dpkg status" "$(dpkg-query -W -f='${Status}' parley)" "install ok installed"
expect "dpkg -i output: warnings and errors" \
  "$(grep -i 'warning\|error' "$work/dpkg-install.log" || true)" ""

# The system user of postinst, the one the unit runs as.
unit=/lib/systemd/system/parley.service
unit_value() { sed -n "s/^$1=//p" "$unit"; }
user=$(unit_value User)
expect "unit User" "$user" parley
expect "unit Group" "$(unit_value Group)" parley
if passwd_entry=$(getent passwd parley); then
  IFS=: read -r _ _ uid gid _ home shell <<<"$passwd_entry"
  if [ "$uid" -lt 100 ] || [ "$uid" -ge 1000 ]; then
    fail "user parley: uid $uid is not a system uid"
  fi
  expect "user parley: home" "$home" /var/lib/parley
  expect "user parley: shell" "$shell" /usr/sbin/nologin
  expect "user parley: primary group" "$(getent group "$gid" | cut -d: -f1)" parley
else
  fail "postinst made no parley user"
fi

expect_file "state directory" /var/lib/parley parley:parley 750
expect_file "generated key file" /etc/parley/secret.env root:parley 640
secret_lines=$(grep -c '^PARLEY_JWT_SECRET=' /etc/parley/secret.env || true)
expect "secret.env: PARLEY_JWT_SECRET lines" "$secret_lines" 1
grep -qE '^PARLEY_JWT_SECRET=[0-9a-f]{64}$' /etc/parley/secret.env ||
  fail "secret.env: PARLEY_JWT_SECRET is not 64 hex digits (32 random bytes)"
expect_file "conffile" /etc/parley/parley.env root:parley 640
cmp -s /etc/parley/parley.env "$build_dir/packaging/parley.env" ||
  fail "/etc/parley/parley.env differs from the generated $build_dir/packaging/parley.env"
expect "dpkg conffiles" "$(dpkg-query -W -f='${Conffiles}' parley | awk '{ print $1 }' | sed '/^$/d')" \
  /etc/parley/parley.env
expect "statoverride" "$(dpkg-statoverride --list /etc/parley/parley.env)" \
  "root parley 640 /etc/parley/parley.env"
cmp -s "$unit" "$source_dir/packaging/parley.service" || fail "$unit differs from packaging/"

echo "== systemd-analyze verify"
# Offline (no systemd needs to run): it parses the unit and its dependencies and checks that
# ExecStart exists. --man=no: it would run man(1) for Documentation=man:parley(1), and man-db
# is not installed everywhere (the man page itself is checked below). An unknown or misspelt
# setting is only a warning (exit 0), so any output at all fails the test.
if ! verify_output=$(systemd-analyze verify --man=no "$unit" 2>&1); then
  fail "systemd-analyze verify failed: $verify_output"
else
  expect "systemd-analyze verify: output" "$verify_output" ""
fi

echo "== the installed parley, started as the unit starts it"
exec_start=$(unit_value ExecStart)
expect "unit ExecStart" "$exec_start" /usr/bin/parley
working_dir=$(unit_value WorkingDirectory)
expect "unit WorkingDirectory" "$working_dir" /var/lib/parley
mapfile -t env_files < <(unit_value EnvironmentFile)
expect "unit EnvironmentFile" "${env_files[*]}" "/etc/parley/secret.env /etc/parley/parley.env"
umask_value=$(unit_value UMask)

version_output=$("$exec_start" --version)
[[ $version_output == "parley $project_version"* ]] ||
  fail "--version: expected 'parley $project_version...', got '$version_output'"

# A clean environment and the unit's files read in order, as systemd does (later files win),
# but on a port of the kernel's choosing. The sanitizer options pass through so that a report
# of a sanitized build aborts and shows in the log.
server_log=$work/server.log
(
  cd "$working_dir"
  umask "$umask_value"
  exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
    ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
    bash -c 'set -a; for f in "$@"; do . "$f"; done; set +a; export PARLEY_LISTEN=127.0.0.1:0
             exec setpriv --reuid=parley --regid=parley --init-groups --no-new-privs /usr/bin/parley' \
    load_env "${env_files[@]}"
) >"$server_log" 2>&1 &
server_pid=$!

# The log names the port ("listening on 127.0.0.1:N"); then /readyz must answer 200. Bounded
# in attempts and in time (a sanitized build starts slower); a server that exits fails at once.
port=
ready=no
deadline=$((SECONDS + 60))
for attempt in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  if [ -z "$port" ]; then
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]\+\).*/\1/p' "$server_log" | head -1)
  fi
  if [ -n "$port" ] &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/readyz")" = 200 ]; then
    ready=yes
    break
  fi
  [ $SECONDS -lt $deadline ] || break
  sleep 0.1
done
if [ "$ready" != yes ]; then
  cat "$server_log" >&2
  die "the installed parley did not answer /readyz with 200 (port '${port}', $attempt attempts)"
fi
echo "ready on 127.0.0.1:$port after $attempt attempts"

expect "server process user" "$(ps -o user= -p "$server_pid")" parley
expect "/readyz" "$(curl -s --max-time 5 "http://127.0.0.1:$port/readyz")" '{"status":"ok"}'
metrics_version=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" |
  sed -n 's/^parley_build_info{.*version="\([^"]*\)".*/\1/p')
expect "parley_build_info version" "parley $metrics_version" "$version_output"
# The packaged paths took effect: the database and the uploads are in the state directory.
expect_file "database" /var/lib/parley/parley.db parley:parley 640
expect_file "uploads" /var/lib/parley/uploads parley:parley 750
# secret.env was read: no per-process random key.
if grep -q 'PARLEY_JWT_SECRET is empty' "$server_log"; then
  fail "the server did not get PARLEY_JWT_SECRET from secret.env"
fi

echo "== the man page against --help"
man_page=$(zcat /usr/share/man/man1/parley.1.gz)
help_options=$("$exec_start" --help | sed -n 's/^  \(--[a-z][a-z-]*\).*/\1/p')
documented_keys=$(grep -c '^# \?PARLEY_[A-Z_]*=' "$source_dir/.env.example")
[ "$(echo "$help_options" | wc -l)" -ge "$documented_keys" ] ||
  fail "--help lists fewer options than .env.example has keys: ${help_options//$'\n'/ }"
for option in $help_options; do
  # man_page.awk writes every '-' as roff's '\-'.
  grep -qF -- "${option//-/\\-}" <<<"$man_page" || fail "man page: no $option"
done
grep -qxF ".TH PARLEY 1 \"\" \"${version_output//-/\\-}\" \"User Commands\"" <<<"$man_page" ||
  fail "man page: its .TH line does not name '$version_output'"

echo "== SIGTERM"
kill -TERM "$server_pid"
# The drain takes up to 8 s with connections open, far less without: 30 s is the bound.
status=0
if ! timeout 30 tail --pid="$server_pid" -s 0.1 -f /dev/null; then
  fail "parley did not exit within 30 s of SIGTERM"
  kill -KILL "$server_pid" 2>/dev/null || true
fi
wait "$server_pid" || status=$?
server_pid=
expect "exit status after SIGTERM" "$status" 0
report=$(grep -E -A40 '==[0-9]+==ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|: runtime error: ' \
  "$server_log" || true)
expect "sanitizer report in the server's output" "$report" ""
if [ "$status" != 0 ]; then
  cat "$server_log" >&2
fi

echo "== dpkg -r: the program goes, the configuration and the data stay"
dpkg -r parley >"$work/dpkg-remove.log" 2>&1 || { cat "$work/dpkg-remove.log"; die "dpkg -r failed"; }
expect "dpkg status after remove" "$(dpkg-query -W -f='${Status}' parley)" "deinstall ok config-files"
for gone in /usr/bin/parley /usr/bin/parley-bench "$unit" /usr/share/man/man1/parley.1.gz; do
  [ ! -e "$gone" ] || fail "dpkg -r left $gone"
done
for kept in /etc/parley/parley.env /etc/parley/secret.env /var/lib/parley/parley.db; do
  [ -e "$kept" ] || fail "dpkg -r deleted $kept"
done

echo "== dpkg -P: the configuration, the key and the data go; the system user stays"
dpkg -P parley >"$work/dpkg-purge.log" 2>&1 || { cat "$work/dpkg-purge.log"; die "dpkg -P failed"; }
installed=no
purged_status=$(dpkg-query -W -f='${Status}' parley 2>/dev/null || true)
case $purged_status in
  "" | *not-installed) ;;
  *) fail "dpkg status after purge: $purged_status" ;;
esac
for gone in /etc/parley /var/lib/parley /var/log/parley; do
  [ ! -e "$gone" ] || fail "dpkg -P left $gone"
done
expect "statoverride after purge" "$(dpkg-statoverride --list /etc/parley/parley.env || true)" ""
getent passwd parley >/dev/null || fail "dpkg -P deleted the parley system user (postrm keeps it)"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
