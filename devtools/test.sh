#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# The whole test suite (the README's test command; .ci/run calls it):
#   set-up (quiet when nothing is missing), the normal build and the
#   ASan+UBSan build, then every meson test suite of the normal build
#   (unit, dpdk, style, build, package, vm) and the user-space suites again under
#   the sanitizers, then the arm64 tier (devtools/build-arm64 --test: cross
#   build, suite "arm64" under qemu-aarch64). Ends with "N passed, N failed";
#   exits non-zero on any failure.
#
# Environment: WD_TEST_SUITES="unit dpdk" limits the normal build's suites (and
# runs the arm64 tier only when it names "arm64").
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
passed=0
failed=0
skipped=0

if [ "$(id -u)" = 0 ]; then
	devtools/setup.sh --quiet --no-run || { echo "0 passed, 1 failed (set-up)"; exit 1; }
fi

step_fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# The set-up's cache (WD_CACHE, as devtools/setup.sh takes it) holds the
# DPDK driver-SDK headers.
sdk_opt=-Ddpdk_sdk_dir=${WD_CACHE:-$top/.deps}/dpdk-sdk/include

configure() { # dir [meson options]
	local dir=$1
	shift
	set -- "$sdk_opt" "$@"
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

# count <meson test output file>: adds its result counts to the totals.
count() {
	local ok xf fail up to sk
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1")
	xf=$(sed -n 's/^Expected Fail: *\([0-9]*\).*/\1/p' "$1")
	fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$1")
	up=$(sed -n 's/^Unexpected Pass: *\([0-9]*\).*/\1/p' "$1")
	to=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$1")
	sk=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$1")
	if [ -z "$ok" ]; then
		step_fail "meson test did not run ($1)"
		return
	fi
	passed=$((passed + ok + ${xf:-0}))
	failed=$((failed + ${fail:-0} + ${up:-0} + ${to:-0}))
	skipped=$((skipped + ${sk:-0}))
}

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== build"
if configure build && ninja -C build >"$log/build" 2>&1; then
	passed=$((passed + 1))
else
	cat "$log/build"
	step_fail "build"
fi
echo "== build-asan (ASan+UBSan, user space)"
if configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dkmod=disabled &&
	ninja -C build-asan >"$log/asan" 2>&1; then
	passed=$((passed + 1))
else
	cat "$log/asan"
	step_fail "build-asan"
fi

suites=${WD_TEST_SUITES:-}
suite_args=()
for s in $suites; do
	suite_args+=(--suite "$s")
done
# The arm64 cross build first: the vm suite's vm-arm64-kmod runs its
# programs in the arm64 guest (its tests run in the arm64 step below).
case " ${suites:-vm} " in
*" vm "*)
	echo "== build-arm64 (cross build, for the arm64 VM tier)"
	devtools/build-arm64 >"$log/arm64-build" 2>&1
	case $? in
	0) ;;
	77) grep '^SKIP' "$log/arm64-build" ;;
	*) tail -n 30 "$log/arm64-build"; echo "(the arm64 step below reports the failure)" ;;
	esac
	;;
esac
echo "== tests (build)"
meson test -C build --print-errorlogs ${suite_args[@]+"${suite_args[@]}"} \
	2>&1 | tee "$log/t1"
count "$log/t1"

echo "== tests (build-asan: user-space suites)"
if meson test -C build-asan --list 2>/dev/null | grep -q '^wrapdrive:unit'; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --suite unit 2>&1 | tee "$log/t2"
	count "$log/t2"
else
	echo "(no unit tests yet)"
fi

# The arm64 tier: cross build, then the "arm64" suite under qemu-aarch64
# (devtools/build-arm64; a SKIP line says what is missing where it cannot
# run). Part of the whole run, or of WD_TEST_SUITES when it names arm64.
case " ${suites:-arm64} " in
*" arm64 "*)
	echo "== arm64 (cross build, tests under qemu-aarch64)"
	devtools/build-arm64 --test >"$log/arm64" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		grep '^SKIP' "$log/arm64"
		skipped=$((skipped + 1))
	elif ! grep -q '^arm64 build: OK' "$log/arm64"; then
		cat "$log/arm64"
		step_fail "arm64 build"
	else
		sed -n '/^arm64 build: OK/,$p' "$log/arm64"
		passed=$((passed + 1))
		count "$log/arm64"
	fi
	;;
esac

echo
[ $skipped = 0 ] || echo "($skipped skipped)"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
