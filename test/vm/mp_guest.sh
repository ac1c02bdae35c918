#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Inside the VM (through devtools/vm-run): DPDK secondary processes on the
# kernel engines. test/dpdk/multi_process.sh with WD_MP_KERNEL=1 on
# wd_sec.ko, wd_dummy.ko and wd_hns.ko through VFIO (the secondaries open
# the primary's queues through EAL's VFIO and map their register pages at
# the primary's addresses): crypto/dma clients with a SIGKILLed
# secondary, dpdk-proc-info and dpdk-dumpcap on testpmd, symmetric_mp.
# Then no queue is open, the orphans of processes that exited without
# cleanup are reclaimed and the modules unload. Prints PASS:/FAIL:.
#   mp_guest.sh <repo> <build dir>
set -u
top=$1
build=$2
ko=${WD_KO_DIR:-$build/kmod}
log=$TMPDIR/mp_guest.log
unset WD_EMU WD_SYSFS_ROOT

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
nqueues() { find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 | wc -l; }

if insmod "$ko/wd.ko" && insmod "$ko/wd_dummy.ko" && insmod "$ko/wd_sec.ko" &&
	insmod "$ko/wd_hns.ko"; then
	pass "wd.ko, wd_dummy.ko, wd_sec.ko, wd_hns.ko loaded"
else
	fail "loading the modules"
	exit 1
fi
for part in crypto net symmp; do
	if WD_MP_KERNEL=1 "$top/test/dpdk/multi_process.sh" "$top/devtools/wd-env" "$build" \
		"$part" >"$log" 2>&1; then
		sed 's/^/  /' "$log" | grep -v '^  EAL:'
		pass "multi_process.sh $part on the kernel engines"
	else
		tail -n 80 "$log"
		fail "multi_process.sh $part on the kernel engines"
	fi
done
# Every process is gone: no queue is open. symmetric_mp exits from its
# signal handler without rte_eal_cleanup(), so its queues stay as orphans
# (as after any crash) until reclaimed: wd-devbind.py --clean takes them.
open_q=0
for st in /sys/bus/mdev/devices/*/params/state; do
	[ -e "$st" ] && [ "$(cat "$st")" = open ] && open_q=$((open_q + 1))
done
if [ "$open_q" = 0 ]; then pass "no queue open"; else fail "$open_q queues still open"; fi
left=$(nqueues)
python3 "$top/usertools/wd-devbind.py" --clean >"$log" 2>&1 || { cat "$log"; fail "--clean"; }
n=$(nqueues)
if [ "$n" = 0 ]; then
	pass "no queue left ($left orphans reclaimed by wd-devbind.py --clean)"
else
	fail "$n queues left after wd-devbind.py --clean"
fi
if rmmod wd_hns wd_sec wd_dummy wd; then
	pass "modules unloaded"
else
	fail "rmmod"
fi
