#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# DPDK's generic cryptodev suite (Debian's dpdk-test) on crypto_wd_sec:
# the suite of crypto_uadk, a driver Debian does not build, pointed at
# ours by the test-only shim libwd_uadk_shim.so. Requires 0 failures and
# at least MIN executed tests (all that the capabilities allow today).
# With "kernel", on wd_sec.ko's queues through VFIO and hugepages (VM tier)
# instead of an emulated device.
#   cryptodev_suite.sh <wd-env> <build dir> <shim> <min executed> [kernel]
set -u
wdenv=$1
export WD_BUILD_DIR=$2
shim=$3
min=$4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ "${5:-}" = kernel ]; then
	LD_PRELOAD=$shim DPDK_TEST=cryptodev_uadk_autotest "$wdenv" dpdk-test \
		-l 0,1 -m 512 --iova-mode=va --file-prefix=wdsuite --no-pci >"$out" 2>&1
else
	LD_PRELOAD=$shim WD_EMU=hisi_sec_v1:1 DPDK_TEST=cryptodev_uadk_autotest "$wdenv" \
		dpdk-test -l 0,1 --no-huge -m 1024 --no-pci --no-shconf >"$out" 2>&1
fi
rc=$?
grep -E 'TestCase .* (failed|succeeded)$' "$out" | grep failed
total() { sed -n "s/^ + Tests $1 : *\([0-9]*\)/\1/p" "$out" | tail -n 1; }
exe=$(total Executed)
pass=$(total Passed)
fail=$(total Failed)
skip=$(total Skipped)
echo "cryptodev suite on crypto_wd_sec: ${exe:-?} executed, ${pass:-?} passed," \
	"${fail:-?} failed, ${skip:-?} skipped (unsupported algorithms)"
[ -n "$exe" ] || { tail -n 30 "$out"; echo "FAIL: no summary"; exit 1; }
[ "$fail" = 0 ] || { echo "FAIL: $fail tests failed"; exit 1; }
[ "$exe" -ge "$min" ] || { echo "FAIL: only $exe executed, expected >= $min"; exit 1; }
[ "$rc" = 0 ] || { echo "FAIL: dpdk-test exited with $rc"; exit 1; }
echo "PASS"
