#!/usr/bin/env bash
# Runs test files on aarch64 Linux under qemu-user emulation.
#
# usage: .ci/aarch64.sh [test files...]     (default: every test under tests/)
#
# 1. installs (apt-get) the cross toolchain, the arm64 glibc and qemu-user
#    if any is missing;
# 2. installs the aarch64 Deno from npm (@deno/linux-arm64-glibc) into
#    $DENO_ARM64_CACHE (default ~/.cache/deno-arm64), and the arm64 OpenSSL 3
#    (libssl3:arm64, fetched by apt-get without touching the host's dpkg) next
#    to it, for the ssl tests;
# 3. runs every file in ONE `deno test` (each Deno start costs seconds under
#    emulation) and prints "aarch64: N passed, M failed".
#
# Tests that spawn Deno (Deno.execPath()) must prefix the command with
# $LIBC_SOCKET_DENO_PREFIX (space-separated words, empty or unset natively):
#
#   const prefix = (Deno.env.get("LIBC_SOCKET_DENO_PREFIX") ?? "").split(" ").filter(Boolean);
#   const [cmd, ...pre] = [...prefix, Deno.execPath()];
#   new Deno.Command(cmd, { args: [...pre, "run", ...] });
#
# QEMU_LD_PREFIX is exported too, so such children find the arm64 libraries.
#
# Environment: DENO_VERSION (default 2.9.6), DENO_ARM64_CACHE,
# AARCH64_DENO_TEST_FLAGS (extra flags for `deno test`, e.g. --parallel).
# Exits non-zero if a test fails or no summary line is found.

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

DENO_VERSION="${DENO_VERSION:-2.9.6}"
CACHE="${DENO_ARM64_CACHE:-$HOME/.cache/deno-arm64}"
SYSROOT=/usr/aarch64-linux-gnu
PKG="@deno/linux-arm64-glibc"
DENO_ARM64="$CACHE/node_modules/$PKG/deno"

# --- 1. toolchain, arm64 runtime libraries, qemu --------------------------------
need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e "$SYSROOT/include/stdio.h" ] || need+=(libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
[ -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ] || need+=(libc6-arm64-cross)
[ -e "$SYSROOT/lib/libgcc_s.so.1" ] || need+=(libgcc-s1-arm64-cross)
if ((${#need[@]})); then
  echo "aarch64: installing ${need[*]}" >&2
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# --- 2. the aarch64 Deno -------------------------------------------------------
installed=""
if [ -f "$CACHE/node_modules/$PKG/package.json" ]; then
  installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$CACHE/node_modules/$PKG/package.json" | head -n1)"
fi
if [ ! -x "$DENO_ARM64" ] || [ "$installed" != "$DENO_VERSION" ]; then
  echo "aarch64: installing $PKG@$DENO_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  # --force: the package declares cpu=arm64, and this host is not.
  (cd "$CACHE" && npm install --force --no-audit --no-fund --loglevel=error \
    "$PKG@$DENO_VERSION" >&2)
  chmod +x "$DENO_ARM64"
fi

# --- 2b. OpenSSL 3 for arm64 (the ssl tests) -----------------------------------
# The ssl module dlopens libssl.so.3, which the cross sysroot lacks. libssl3:arm64
# is downloaded by apt-get into a private state directory (no `dpkg
# --add-architecture`: the host's package database is left alone), unpacked
# into the cache, and shown to the emulated processes only (QEMU_SET_ENV):
# the host programs the tests run (openssl, python3) never see it.
SSL_ROOT="$CACHE/libssl3-arm64"
SSL_LIB="$SSL_ROOT/usr/lib/aarch64-linux-gnu"
if [ ! -e "$SSL_LIB/libssl.so.3" ]; then
  echo "aarch64: fetching libssl3:arm64 into $SSL_ROOT" >&2
  apt_dir="$CACHE/apt-arm64"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  apt_opts=(-qq -o "APT::Architectures::=arm64" -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir" -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=")
  apt-get "${apt_opts[@]}" update
  rm -f "$apt_dir"/libssl3_*_arm64.deb
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" download libssl3:arm64)
  debs=("$apt_dir"/libssl3_*_arm64.deb)
  dpkg-deb -x "${debs[0]}" "$SSL_ROOT"
fi
export QEMU_SET_ENV="LD_LIBRARY_PATH=$SSL_LIB"

# --- 3. run the tests ----------------------------------------------------------
if (($# == 0)); then
  set -- tests/
fi

export QEMU_LD_PREFIX="$SYSROOT"
export LIBC_SOCKET_DENO_PREFIX="qemu-aarch64-static"
export NO_COLOR=1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
start=$(date +%s)
set +e
# shellcheck disable=SC2086 # AARCH64_DENO_TEST_FLAGS is a list of flags
qemu-aarch64-static "$DENO_ARM64" test --no-check --allow-all \
  ${AARCH64_DENO_TEST_FLAGS:-} "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
secs=$(($(date +%s) - start))

# Deno's summary: "ok | 12 passed | 0 failed (3s)" or "FAILED | 11 passed | 1 failed ..."
summary="$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -n1 || true)"
if [ -z "$summary" ]; then
  echo "aarch64: no test summary found (deno exit $rc, ${secs}s)"
  exit $((rc == 0 ? 1 : rc))
fi
passed="$(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")"
failed="$(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")"
echo "aarch64: $passed passed, $failed failed (${secs}s)"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit $((rc == 0 ? 1 : rc))
fi
