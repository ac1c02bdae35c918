#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Debian's own dmadev_autotest with dma_wd_dummy loaded and one emulated
# wd_dummy_v1 device (engine on CPU 1, application on CPU 0). It tests
# dma_skeleton and every dmadev it finds; ours must get every test,
# including error handling and fill, and pass.
#   dmadev_autotest.sh <wd-env> <build dir>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
WD_EMU=wd_dummy_v1:1:cpu=1 DPDK_TEST=dmadev_autotest "$wdenv" dpdk-test -l 0 --no-huge \
	-m 512 --no-pci --no-shconf >"$out" 2>&1
rc=$?
tr '\r' '\n' <"$out" | grep -v '^Ops submitted' | grep -v '^$'
fail() { echo "FAIL: $*"; exit 1; }
[ $rc = 0 ] || fail "dpdk-test exited with $rc"
grep -q '^Test OK' "$out" || fail "dmadev_autotest did not pass"
sed -n '/Test dmadev instance [0-9]* \[wd_dummy0\]/,/Test dmadev instance/p' "$out" |
	tr '\r' '\n' >"$out.wd"
for t in 'Running copy Tests' 'Running burst capacity Tests' \
	'Running error handling Tests' 'Running fill Tests'; do
	grep -q "$t" "$out.wd" || { rm -f "$out.wd"; fail "wd_dummy0 skipped: $t"; }
done
rm -f "$out.wd"
echo "PASS: dmadev_autotest on dma_wd_dummy (copy, burst capacity, error handling, fill)"
