#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Debian's own rawdev_autotest with raw_wd_hns loaded and three emulated
# hisi_hns_v1 devices (hisi_hns0 <-> hisi_hns1 cabled with wire=peer,
# hisi_hns2 on a pair wire; engines on CPU 1). It checks rawdev_skeleton,
# then runs every rawdev's selftest: each of ours must run and pass.
#   rawdev_autotest.sh <wd-env> <build dir>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
WD_EMU=hisi_hns_v1:2:wire=peer:cpu=1,hisi_hns_v1:1:queues=2:wire=pair:cpu=1 \
DPDK_TEST=rawdev_autotest "$wdenv" dpdk-test -l 0 --no-huge -m 512 --no-pci --no-shconf \
	--log-level=pmd.raw.wd_hns:info >"$out" 2>&1
rc=$?
tr '\r' '\n' <"$out" | grep -v '^$'
fail() { echo "FAIL: $*"; exit 1; }
[ $rc = 0 ] || fail "dpdk-test exited with $rc"
grep -q '^Test OK' "$out" || fail "rawdev_autotest did not pass"
for d in hisi_hns0 hisi_hns1 hisi_hns2; do
	grep -q "^Rawdev [0-9]* ($d) selftest: Passed" "$out" || fail "$d: selftest not run or failed"
done
echo "PASS: rawdev_autotest on raw_wd_hns (hisi_hns0..2: peer and pair wires, loopback selftest)"
