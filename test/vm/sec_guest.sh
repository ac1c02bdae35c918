#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Inside the VM (through devtools/vm-run): wd_sec.ko, the SEC v1 engine,
# under the same user driver and PMD as the in-process model. Sysfs of the
# three types; the engine BD by BD against OpenSSL (libwd's VFIO backend);
# Debian's dpdk-test-crypto-perf verify and cryptodev suite on
# crypto_wd_sec with hugepages mapped through VFIO; wd-devbind.py; 100
# SIGKILL rounds with BDs in flight; unload and reload with a queue open.
# Prints PASS:/FAIL: lines.
#   sec_guest.sh <repo> <build dir> [all|engine|kernel]
# "engine": all but the DPDK apps (the arm64 guest under TCG); "kernel"
# (an arm64 guest without our arm64 build): load, sysfs, wd-devbind.py,
# unload and reload, units after reload, unload.
# WD_KO_DIR: where wd.ko and wd_sec.ko are (default <build dir>/kmod).
set -u
top=$1
build=$2
section=${3:-all}
ko=${WD_KO_DIR:-$build/kmod}
cls=/sys/class/wd_dev
d=$cls/hisi_sec0
chk=$build/test/crypto/sec_engine_check
devbind=$top/usertools/wd-devbind.py
log=$TMPDIR/sec_guest.log
unset WD_EMU WD_SYSFS_ROOT
export WD_BUILD_DIR=$build

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
stamp() { echo "[${SECONDS}s] $*"; }
eq() {	# eq DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then pass "$1 = '$2'"; else fail "$1: got '$2', want '$3'"; fi
}
check() { # check DESCRIPTION COMMAND...: output shown only on failure
	local what=$1
	shift
	if "$@" >"$log" 2>&1; then
		pass "$what"
	else
		fail "$what"
		tail -n 60 "$log"
	fi
}
# check_stream DESCRIPTION COMMAND...: like check, its output shown indented
# as it comes (long steps: progress on the console)
check_stream() {
	local what=$1 rc
	shift
	"$@" 2>&1 | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" = 0 ]; then pass "$what"; else fail "$what (status $rc)"; fi
}
nqueues() { find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 | wc -l; }
avail() { cat "$d/mdev_supported_types/hisi_sec-$1/available_instances"; }
reclaim() {	# the documented reclaim (doc/guides/kernel.rst)
	local q n=0
	for q in "$cls"/*/mdev_supported_types/*/devices/*; do
		[ -e "$q" ] || continue
		if [ "$(cat "$q/params/state")" != open ] &&
			! kill -0 "$(cat "$q/params/owner")" 2>/dev/null; then
			echo 1 >"$q/remove" && n=$((n + 1))
		fi
	done
	echo "$n"
}

load() {
	insmod "$ko/wd.ko" && insmod "$ko/wd_sec.ko" "$@"
}

sysfs_checks() {
	local t u
	eq "class wd_dev" "$(ls "$cls" | tr '\n' ' ')" "hisi_sec0 "
	eq "type directories" "$(ls "$d/mdev_supported_types" | tr '\n' ' ')" \
		"hisi_sec-chain hisi_sec-cipher hisi_sec-digest "
	for t in cipher digest chain; do
		eq "$t: device_api" "$(cat "$d/mdev_supported_types/hisi_sec-$t/device_api")" \
			hisi_sec_v1
		eq "$t: name" "$(cat "$d/mdev_supported_types/hisi_sec-$t/name")" "$t"
		eq "$t: available_instances" "$(avail "$t")" 16
	done
	eq "cipher: description" "$(cat "$d/mdev_supported_types/hisi_sec-cipher/description")" \
		"cipher BDs: AES ECB/CBC/CTR/XTS, DES/3DES ECB/CBC; flags 0x0"
	eq "flags" "$(cat "$d/mdev_supported_types/hisi_sec-digest/flags")" 0x0
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" >"$d/mdev_supported_types/hisi_sec-cipher/create"
	eq "instances are shared: digest after one cipher queue" "$(avail digest)" 15
	eq "params/depth" "$(cat "/sys/bus/mdev/devices/$u/params/depth")" 512
	eq "params/uid" "$(cat "/sys/bus/mdev/devices/$u/params/uid")" 0
	eq "params/state" "$(cat "/sys/bus/mdev/devices/$u/params/state")" created
	echo 1 >"/sys/bus/mdev/devices/$u/remove"
	eq "available after remove" "$(avail chain)" 16
}

devbind_checks() {
	local u out
	out=$(python3 "$devbind" --status 2>&1)
	if grep -q 'hisi_sec0' <<<"$out" && grep -q 'hisi_sec_v1' <<<"$out"; then
		pass "wd-devbind.py --status lists hisi_sec0 and its device_api"
	else
		fail "wd-devbind.py --status: $out"
	fi
	u=$(python3 "$devbind" --create hisi_sec0:chain -n 2 2>&1)
	eq "wd-devbind.py --create hisi_sec0:chain -n 2: queues" "$(nqueues)" 2
	eq "available after create" "$(avail cipher)" 14
	python3 "$devbind" --remove hisi_sec0:chain >/dev/null 2>&1
	eq "wd-devbind.py --remove hisi_sec0:chain: queues" "$(nqueues)" 0
	eq "available after remove" "$(avail cipher)" 16
	[ -n "$u" ] || fail "no UUIDs printed by --create"
}

kill_rounds() {
	local round pid out=$TMPDIR/hold.out n u state bad=0 late=0
	for round in $(seq 100); do
		[ $((round % 20)) != 1 ] || stamp "kill round $round"
		: >"$out"
		"$chk" --hold >"$out" 2>&1 &
		pid=$!
		for n in $(seq 400); do grep -q READY "$out" && break; sleep 0.05; done
		u=$(awk '/READY/ { print $2 }' "$out")
		[ -n "$u" ] || { bad=$((bad + 1)); echo "round $round: $(cat "$out")"; }
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		if [ -n "$u" ]; then
			for n in $(seq 60); do
				state=$(cat "/sys/bus/mdev/devices/$u/params/state" 2>/dev/null)
				[ "$state" = open ] || break
				late=$((late + 1))
				sleep 0.05
			done
			[ "$state" = released ] ||
				{ bad=$((bad + 1)); echo "round $round: state '$state'"; }
		fi
		n=$(reclaim)
		[ "$n" = 1 ] || { bad=$((bad + 1)); echo "round $round: reclaimed $n"; }
		[ "$(avail chain)" = 16 ] ||
			{ bad=$((bad + 1)); echo "round $round: available $(avail chain)"; }
	done
	eq "100 SIGKILL rounds with BDs in flight: failures" "$bad" 0
	echo "waited for the deferred close: $late x 50 ms in 100 rounds"
	eq "mdevs left" "$(nqueues)" 0
}

unload_reload() {
	local pid out=$TMPDIR/hold.out n
	: >"$out"
	"$chk" --hold >"$out" 2>&1 &
	pid=$!
	for n in $(seq 400); do grep -q READY "$out" && break; sleep 0.05; done
	check "rmmod wd_sec refused while a queue has BDs in flight" \
		sh -c '! rmmod wd_sec 2>/dev/null'
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	sleep 1
	check "rmmod wd_sec wd with a released queue left" rmmod wd_sec wd
	check "nothing of ours left in sysfs" test ! -e "$cls" -a ! -e /sys/bus/wd
	check "load again (devices=2 queues=4)" load devices=2 queues=4
	eq "units after reload" "$(ls "$cls" | tr '\n' ' ')" "hisi_sec0 hisi_sec1 "
	eq "available_instances after reload" "$(avail chain)" 4
	check "the engine checks on hisi_sec1 after reload" "$chk" hisi_sec1
	eq "mdevs left" "$(nqueues)" 0
}

# Without the user-space half: the module's own life cycle.
kernel_only() {
	check "rmmod wd_sec wd" rmmod wd_sec wd
	check "nothing of ours left in sysfs" test ! -e "$cls" -a ! -e /sys/bus/wd
	check "load again (devices=2 queues=4)" load devices=2 queues=4
	eq "units after reload" "$(ls "$cls" | tr '\n' ' ')" "hisi_sec0 hisi_sec1 "
	eq "available_instances after reload" "$(avail chain)" 4
	check "rmmod wd_sec wd after reload" rmmod wd_sec wd
	check "nothing of ours left after the second unload" test ! -e "$cls"
}

# The engine through libwd and DPDK, kill rounds, unload with a queue open.
with_user_space() {
	stamp "engine against OpenSSL"
	check "sec_engine_check: every BD kind against OpenSSL, error completions, guard pages" \
		"$chk"
	grep -E '^(PASS|FAIL)' "$log" | grep -c PASS | sed 's/^/  engine checks passed: /'
	eq "mdevs left after libwd" "$(nqueues)" 0
	devbind_checks
	if [ "$section" = engine ]; then
		echo "(Debian's DPDK apps on crypto_wd_sec left out: section engine)"
	else
		with_dpdk
	fi
	stamp "kill"
	kill_rounds
	stamp "unload/reload"
	unload_reload
}

# Debian's DPDK apps on crypto_wd_sec over the kernel engine.
with_dpdk() {
	stamp "DPDK crypto-perf verify"
	check_stream "dpdk-test-crypto-perf --ptest verify on crypto_wd_sec (kernel engine, hugepages)" \
		python3 -u "$top/test/crypto/perf_verify.py" "$top/devtools/wd-env" "$build" \
		"$build/test/crypto/evp_cipher" --kernel
	stamp "DPDK cryptodev suite"
	check_stream "DPDK cryptodev suite on crypto_wd_sec (kernel engine)" \
		sh "$top/test/crypto/cryptodev_suite.sh" "$top/devtools/wd-env" "$build" \
		"$build/test/crypto/libwd_uadk_shim.so" 138 kernel
	eq "mdevs left after DPDK" "$(nqueues)" 0
}

stamp "wd_sec.ko"
check "load wd.ko and wd_sec.ko" load
sysfs_checks
case "$section" in
kernel)
	devbind_checks
	stamp "unload/reload"
	kernel_only
	;;
*) with_user_space ;;
esac
if dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace:' >/dev/null; then
	fail "kernel log shows a problem"
else
	pass "kernel log clean"
fi
exit 0
