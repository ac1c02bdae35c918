#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Inside the VM, with wd.ko and wd_dummy.ko (devices=2 queues=4) loaded:
# libwd's vfio backend end to end, then DPDK on real mdevs (the wd bus
# opening queues into EAL's VFIO container, hugepage memory mapped by
# VFIO): the bus DMA scenario and Debian's dmadev_autotest on
# dma_wd_dummy against the kernel engine. Prints PASS:/FAIL: lines.
#   dpdk_guest.sh <repo> <build dir> [all|libwd]
# "libwd": libwd's part only (the arm64 guest, without the DPDK apps).
set -u
top=$1
build=$2
section=${3:-all}
export WD_BUILD_DIR=$build
unset WD_EMU WD_SYSFS_ROOT
export LD_LIBRARY_PATH=$build/drivers/bus/wd:$build/drivers/dma/wd_dummy:$build/lib/wd
log=$TMPDIR/dpdk_guest.log

check() { # name command...
	local name=$1
	shift
	if "$@" >"$log" 2>&1; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		tail -n 40 "$log"
	fi
}

no_queues_left() {
	local n
	n=$(ls /sys/bus/mdev/devices 2>/dev/null | wc -l)
	[ "$n" = 0 ] || { ls -l /sys/bus/mdev/devices; return 1; }
	for t in /sys/class/wd_dev/*/mdev_supported_types/*; do
		[ "$(cat "$t/available_instances")" = 4 ] ||
			{ echo "$t: $(cat "$t/available_instances") available"; return 1; }
	done
}

check "libwd vfio backend end to end" "$build/test/vm/libwd_vfio_test"
# An odd size: VFIO maps whole pages, libwd widens the share.
head -c 20000000 /dev/urandom >"$TMPDIR/odd.in"
check "wd-copy of a 20000000-byte file through wd_dummy.ko" \
	"$build/app/wd-copy/wd-copy" --verify "$TMPDIR/odd.in" "$TMPDIR/odd.out"
rm -f "$TMPDIR/odd.in" "$TMPDIR/odd.out"
check "no queue left after libwd" no_queues_left
[ "$section" != libwd ] || exit 0

eal="-l 0-1 -m 128 --iova-mode=va --no-pci --file-prefix=wdvm"
# shellcheck disable=SC2086
check "bus DMA on real mdevs (hugepages through VFIO, external memory)" \
	"$build/test/dpdk/test_bus_wd" dma -d librte_bus_wd.so -d librte_dma_wd_dummy.so \
	$eal -b wd:wd_dummy1
check "no queue left after rte_eal_cleanup" no_queues_left

autotest() {
	local out=$TMPDIR/dmadev.out
	# shellcheck disable=SC2086
	DPDK_TEST=dmadev_autotest dpdk-test -d librte_bus_wd.so -d librte_dma_wd_dummy.so \
		$eal >"$out" 2>&1
	local rc=$?
	tr '\r' '\n' <"$out" | grep -v '^Ops submitted' | grep -v '^$'
	[ $rc = 0 ] && grep -q '^Test OK' "$out" || return 1
	for t in 'Running copy Tests' 'Running burst capacity Tests' \
		'Running error handling Tests' 'Running fill Tests'; do
		sed -n '/instance [0-9]* \[wd_dummy0\]/,/Test dmadev instance/p' "$out" |
			grep -q "$t" || { echo "wd_dummy0 skipped: $t"; return 1; }
	done
}
check "dmadev_autotest on dma_wd_dummy (kernel engine)" autotest
check "no queue left after dmadev_autotest" no_queues_left
exit 0
