#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Proves the VM runner: our module loads in Debian's kernel and a host DPDK
# binary runs in the guest (exit 0); a failing guest command gives its own
# status; a kernel WARNING gives 125 even though the command succeeded.
#   runner_test.sh <repo> <build dir> pass|fail|warn [x86_64|arm64]
# arm64: vm-run --arch arm64 with build/kmod/arm64's wd_vmtest.ko; the
# arm64 root's own dpdk-test (Debian's arm64 package) in the pass case.
set -u
top=$1
build=$2
mode=$3
arch=${4:-x86_64}
vmrun=$top/devtools/vm-run
mod=$build/kmod/wd_vmtest.ko
if [ "$arch" = arm64 ]; then
	# shellcheck source=arm64_prereq.sh
	. "$top/test/vm/arm64_prereq.sh"
	arm64_prereq "vm-arm64-runner-$mode"
	mod=$build/kmod/arm64/wd_vmtest.ko
	vmrun() { "$top/devtools/vm-run" --arch arm64 "$@"; }
	vmrun=vmrun
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT

case "$mode" in
pass)
	"$vmrun" --timeout 300 --load "$mod" -- sh -c \
		'grep -q "^wd_vmtest " /proc/modules && echo MODULE_LOADED;
		 grep HugePages_Total /proc/meminfo;
		 DPDK_TEST=version_autotest dpdk-test -l 0-1 --no-pci --iova-mode=va' \
		>"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc = 0 ] || { echo "FAIL: vm-run returned $rc"; exit 1; }
	grep -q MODULE_LOADED "$out" || { echo "FAIL: module not loaded"; exit 1; }
	grep -q 'HugePages_Total: *[1-9]' "$out" || { echo "FAIL: no hugepages"; exit 1; }
	grep -q '^Test OK' "$out" || { echo "FAIL: dpdk-test did not pass"; exit 1; }
	;;
fail)
	"$vmrun" --timeout 300 -- sh -c 'echo guest-ran; exit 7' >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc = 7 ] || { echo "FAIL: expected status 7, got $rc"; exit 1; }
	grep -q guest-ran "$out" || { echo "FAIL: guest output not streamed"; exit 1; }
	;;
warn)
	"$vmrun" --timeout 300 --load "$mod:warn=1" -- true >"$out" 2>&1
	rc=$?
	cat "$out"
	[ $rc = 125 ] || { echo "FAIL: expected 125 for a kernel warning, got $rc"; exit 1; }
	grep -q 'vm-run:.*WARNING:.*wd_vmtest' "$out" ||
		{ echo "FAIL: warning line not reported"; exit 1; }
	;;
*)
	echo "usage: $0 <repo> <build> pass|fail|warn"; exit 2 ;;
esac
echo "PASS: vm-run $mode"
