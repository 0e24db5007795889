#!/usr/bin/env bash
# Runs test files with the stock Deno for Windows under Wine 10.
#
# usage: .ci/windows.sh [test files...]   (default: the portable suite, $PORTABLE below)
#
# 1. makes a Debian trixie chroot with Wine 10 in $LIBC_SOCKET_WINE_CACHE/trixie
#    (default /var/cache/libc-socket/wine): `debootstrap --variant=minbase`, then
#    `apt-get install wine wine64 netbase` inside; kept between runs (Debian 12's
#    Wine 8 can't run deno.exe: no ProcessPrng, and its VirtualAlloc2 refuses
#    V8). Wine's resolver is the chroot's: netbase gives it /etc/services and
#    /etc/protocols, and an /etc/hosts naming localhost is written (a Windows
#    machine has all three: C:\Windows\System32\drivers\etc);
# 2. fetches deno.exe from npm (`npm pack @deno/win32-x64@$DENO_VERSION`, then
#    untar) into $DENO_WIN_CACHE (default ~/.cache/deno-win);
# 3. in a private mount namespace (every mount goes when the run ends): /proc,
#    /dev, this checkout at /repo and deno.exe at /opt/deno-win inside the
#    chroot; runs `deno.exe test --allow-all --parallel` there under Wine, with
#    the Wine prefix kept in $LIBC_SOCKET_WINE_CACHE/prefix. Tests that need what
#    Wine lacks (python3, AF_UNIX, /proc, POSIX tools) print `skip: <test>:
#    needs <capability>: <why>` and are ignored (tests/_caps.ts);
# 4. ends with the line "windows (wine): N passed, M failed".
#
# Needs root (debootstrap, chroot, mount). One run at a time per cache (flock).
#
# Environment: DENO_VERSION (default 2.9.6), LIBC_SOCKET_WINE_CACHE,
# DENO_WIN_CACHE, WINDOWS_DENO_TEST_FLAGS (extra flags for `deno test`;
# default --no-check --parallel: the native phase type-checks; files run on
# $WINDOWS_JOBS threads, default 2), WINDOWS_TIMEOUT (seconds for the test
# run, default 600).
# Exits non-zero if a test fails or no summary line is found.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$(pwd)"

DENO_VERSION="${DENO_VERSION:-2.9.6}"
CACHE="${LIBC_SOCKET_WINE_CACHE:-/var/cache/libc-socket/wine}"
ROOT="$CACHE/trixie"
PREFIX="$CACHE/prefix"
DENO_WIN="${DENO_WIN_CACHE:-$HOME/.cache/deno-win}"
PKG="@deno/win32-x64"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
FLAGS="${WINDOWS_DENO_TEST_FLAGS---no-check --parallel}"

# The test files that run on Windows (each skips what it can't do there).
PORTABLE=(
  tests/sys/windows_smoke_test.ts
  tests/sys/windows_test.ts
  tests/socket/seed_test.ts
  tests/socket/seed_objects_test.ts
  tests/socket/async_test.ts
  tests/socket/async_pending_test.ts
  tests/socket/timeout_test.ts
  tests/socket/errors_test.ts
  tests/socket/error_messages_test.ts
  tests/socket/error_stack_test.ts
  tests/socket/handles_test.ts
  tests/socket/resolver_test.ts
  tests/select/select_test.ts
  tests/selectors/selectors_test.ts
  tests/selectors/selectors_cpython_test.ts
  tests/socketserver/socketserver_test.ts
  tests/socketserver/concurrent_test.ts
)

say() { echo "windows: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  echo "windows: needs root (debootstrap, chroot, mount)"
  echo "windows (wine): 0 passed, 1 failed"
  exit 1
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9

# Runs a command inside the chroot, with /proc and /dev, in a private mount
# namespace: nothing stays mounted after it.
in_chroot() {
  unshare --mount --propagation private /bin/bash -euc '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
      LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  ' in_chroot "$ROOT" "$@"
}

# --- 1. the trixie chroot with Wine 10 ----------------------------------------
PACKAGES=(wine wine64 netbase)

wine_ready() {
  [ -x "$ROOT/usr/lib/wine/wine64" ] || return 1
  local p
  for p in "${PACKAGES[@]}"; do
    chroot "$ROOT" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed" || return 1
  done
}

if ! wine_ready; then
  start=$(date +%s)
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
  fi
  # debootstrap leaves $ROOT/debootstrap until it has finished
  if [ ! -x "$ROOT/usr/bin/apt-get" ] || [ -d "$ROOT/debootstrap" ]; then
    say "debootstrap --variant=minbase trixie $ROOT"
    rm -rf "$ROOT"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR" >&2
  fi
  say "installing ${PACKAGES[*]} in the chroot"
  in_chroot apt-get update -qq >&2
  in_chroot apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2
  in_chroot apt-get clean
  wine_ready || {
    echo "windows: Wine is still missing from $ROOT"
    echo "windows (wine): 0 passed, 1 failed"
    exit 1
  }
  say "chroot ready in $(($(date +%s) - start))s"
fi

# --- 2. deno.exe from npm --------------------------------------------------------
installed=""
if [ -f "$DENO_WIN/package/package.json" ]; then
  installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$DENO_WIN/package/package.json" |
    head -n1)"
fi
if [ ! -f "$DENO_WIN/package/deno.exe" ] || [ "$installed" != "$DENO_VERSION" ]; then
  say "fetching $PKG@$DENO_VERSION into $DENO_WIN"
  mkdir -p "$DENO_WIN"
  tgz="$(cd "$DENO_WIN" && npm pack --silent "$PKG@$DENO_VERSION")"
  rm -rf "$DENO_WIN/package"
  tar -xzf "$DENO_WIN/$tgz" -C "$DENO_WIN"
  rm -f "$DENO_WIN/$tgz"
fi

# --- 3. run the tests under Wine ----------------------------------------------------
# debootstrap writes no /etc/hosts: localhost, as Windows resolves it
if [ ! -s "$ROOT/etc/hosts" ]; then
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
fi

if (($# == 0)); then
  set -- "${PORTABLE[@]}"
fi

mkdir -p "$PREFIX" "$ROOT/repo" "$ROOT/opt/deno-win" "$ROOT/opt/wineprefix"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
set +e
# shellcheck disable=SC2016 # expanded by the inner shell
timeout --kill-after=10 "${WINDOWS_TIMEOUT:-600}" \
  unshare --mount --propagation private /bin/bash -euc '
    root=$1 repo=$2 deno=$3 prefix=$4 flags=$5
    shift 5
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind "$repo" "$root/repo"
    mount --bind -o ro "$deno" "$root/opt/deno-win"
    mount --bind "$prefix" "$root/opt/wineprefix"
    env=(/usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8
      XDG_RUNTIME_DIR=/tmp WINEPREFIX=/opt/wineprefix WINEDEBUG=-all
      DENO_DISABLE_NODE_SHIM=1 NO_COLOR=1 DENO_JOBS="${WINDOWS_JOBS:-2}")
    set +e
    # shellcheck disable=SC2086 # flags is a list of flags
    chroot "$root" /bin/sh -c "cd /repo && exec \"\$@\"" sh "${env[@]}" \
      wine /opt/deno-win/deno.exe test --allow-all $flags "$@"
    rc=$?
    # the Wine server of this prefix lingers after the last process: stop it
    chroot "$root" "${env[@]}" wineserver -k 2>/dev/null
    exit $rc
  ' run "$ROOT" "$REPO" "$DENO_WIN/package" "$PREFIX" "$FLAGS" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
secs=$(($(date +%s) - start))

# Deno's summary: "ok | 12 passed | 0 failed (3s)" or "FAILED | 11 passed | 1 failed ..."
summary="$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n1 || true)"
if [ -z "$summary" ]; then
  echo "windows: no test summary found (exit $rc, ${secs}s)"
  echo "windows (wine): 0 passed, 1 failed"
  exit $((rc == 0 ? 1 : rc))
fi
passed="$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")"
echo "windows: deno.exe test took ${secs}s under Wine"
echo "windows (wine): $passed passed, $failed failed"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit $((rc == 0 ? 1 : rc))
fi
