#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Runs inside the VM (through devtools/vm-run): wd.ko and wd_dummy.ko in
# Debian's kernel. Every check prints "PASS: ..." or "FAIL: ..."; the exit
# status is 1 if any check failed.
#   kmod_guest.sh <repo> <build dir> main|stress
# WD_KO_DIR: where wd.ko and wd_dummy.ko are (default: <build dir>/kmod;
# the package test gives the modules DKMS built from wrapdrive-dkms, the
# arm64 test build/kmod/arm64). WD_KMOD_TEST: the wd_kmod_test binary
# (default: <build dir>/test/vm/wd_kmod_test; arm64: the cross-built one).
set -u
top=$1
build=$2
section=$3
ko=${WD_KO_DIR:-$build/kmod}
t=${WD_KMOD_TEST:-$build/test/vm/wd_kmod_test}
echo "modules: $ko"
fails=0
cls=/sys/class/wd_dev

pass() { echo "PASS: $*"; }
stamp() { echo "[${SECONDS}s] $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() {	# ok DESCRIPTION COMMAND...: pass if COMMAND succeeds
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
eq() {	# eq DESCRIPTION GOT WANT
	if [ "$2" = "$3" ]; then pass "$1 = '$2'"; else fail "$1: got '$2', want '$3'"; fi
}

# Write VALUE to FILE; prints the errno name of a failed write, or "ok".
wr() {
	local out
	out=$( (printf '%s' "$2" >"$1") 2>&1) && { echo ok; return; }
	case "$out" in
	*"Invalid argument"*) echo EINVAL ;;
	*"Numerical result out of range"*) echo ERANGE ;;
	*"File exists"*) echo EEXIST ;;
	*"Too many users"*) echo EUSERS ;;
	*"Device or resource busy"*) echo EBUSY ;;
	*"Permission denied"*) echo EACCES ;;
	*"No such device"*) echo ENODEV ;;
	*) echo "other($out)" ;;
	esac
}

load() {	# load [wd_dummy params...]
	insmod "$ko/wd.ko" && insmod "$ko/wd_dummy.ko" "$@"
}

unload() {
	rmmod wd_dummy && rmmod wd
}

# The documented reclaim: owner dead and not open -> write 1 to remove.
reclaim() {
	local q owner state n=0
	for q in "$cls"/*/mdev_supported_types/*/devices/*; do
		[ -e "$q" ] || continue
		owner=$(cat "$q/params/owner")
		state=$(cat "$q/params/state")
		if [ "$state" != open ] && ! kill -0 "$owner" 2>/dev/null; then
			echo 1 >"$q/remove" && n=$((n + 1))
		fi
	done
	echo "$n"
}

nqueues() {
	find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 | wc -l
}

# ---- sysfs ABI ------------------------------------------------------------
sysfs_checks() {
	local d=$cls/wd_dummy0 ty u u2 v i long bad
	ty=$d/mdev_supported_types/wd_dummy-memcpy
	ok "class wd_dev lists wd_dummy0 and wd_dummy1 only" \
		test "$(ls "$cls" | tr '\n' ' ')" = "wd_dummy0 wd_dummy1 "
	ok "wd_dummy0 is on bus wd, bound to driver wd_dummy" \
		test "$(basename "$(readlink -f "$d/driver")")" = wd_dummy
	eq "numa_zone_id" "$(cat "$d/wrapdrive_dev/numa_zone_id")" -1
	eq "priority" "$(cat "$d/wrapdrive_dev/priority")" 10
	eq "max_queues" "$(cat "$d/wrapdrive_dev/max_queues")" 4
	eq "type directories" "$(ls "$d/mdev_supported_types")" wd_dummy-memcpy
	eq "type name" "$(cat "$ty/name")" memcpy
	eq "type flags" "$(cat "$ty/flags")" 0x0
	eq "type device_api" "$(cat "$ty/device_api")" wd_dummy_v1
	eq "type description" "$(cat "$ty/description")" \
		"memcpy and fill by IOVA, in order (device_api wd_dummy_v1); flags 0x0"
	eq "type available_instances" "$(cat "$ty/available_instances")" 4
	eq "type devices/" "$(ls "$ty/devices" | wc -l)" 0
	eq "mode of create" "$(stat -c %a "$ty/create")" 200
	eq "mode of flags" "$(stat -c %a "$ty/flags")" 444
	eq "mode of numa_zone_id" "$(stat -c %a "$d/wrapdrive_dev/numa_zone_id")" 644
	eq "mode of priority" "$(stat -c %a "$d/wrapdrive_dev/priority")" 644
	eq "mode of max_queues" "$(stat -c %a "$d/wrapdrive_dev/max_queues")" 444

	# Garbage into every rw attribute: an error, and nothing changes.
	long=$(head -c 5000 /dev/zero | tr '\0' 7)
	for v in abc $'\n' " 0" 1.5 0x0 00x 2 7 1024 -2 99999999999999999999 "$long" "0 1" "-"; do
		r=$(wr "$d/wrapdrive_dev/numa_zone_id" "$v")
		[ "$r" != ok ] || fail "numa_zone_id accepted '${v:0:20}'"
	done
	eq "numa_zone_id after garbage" "$(cat "$d/wrapdrive_dev/numa_zone_id")" -1
	eq "numa_zone_id = 0 (online)" "$(wr "$d/wrapdrive_dev/numa_zone_id" 0)" ok
	eq "numa_zone_id" "$(cat "$d/wrapdrive_dev/numa_zone_id")" 0
	eq "numa_zone_id = -1 (unknown)" "$(wr "$d/wrapdrive_dev/numa_zone_id" -1)" ok
	eq "numa_zone_id = 1 (offline)" "$(wr "$d/wrapdrive_dev/numa_zone_id" 1)" EINVAL
	for v in abc $'\n' -1 101 1000 1e2 0x10 "$long" " 5" 5.0; do
		r=$(wr "$d/wrapdrive_dev/priority" "$v")
		[ "$r" != ok ] || fail "priority accepted '${v:0:20}'"
	done
	eq "priority after garbage" "$(cat "$d/wrapdrive_dev/priority")" 10
	eq "priority = 101" "$(wr "$d/wrapdrive_dev/priority" 101)" ERANGE
	eq "priority = 100" "$(wr "$d/wrapdrive_dev/priority" 100)" ok
	eq "priority" "$(cat "$d/wrapdrive_dev/priority")" 100
	eq "priority = 0" "$(wr "$d/wrapdrive_dev/priority" 0)" ok
	wr "$d/wrapdrive_dev/priority" 10 >/dev/null
	eq "write to read-only max_queues" "$(wr "$d/wrapdrive_dev/max_queues" 5)" EACCES
	eq "write to read-only flags" "$(wr "$ty/flags" 1)" EACCES

	# create: malformed UUIDs
	for v in $'\n' not-a-uuid 0123456789abcdef0123456789abcdef \
		12345678-1234-1234-1234-1234567890ag 12345678-1234-1234-1234-1234567890ab-1 \
		12345678+1234-1234-1234-1234567890ab "$long"; do
		r=$(wr "$ty/create" "$v")
		[ "$r" = EINVAL ] || fail "create '${v:0:40}': $r, want EINVAL"
	done
	eq "available after malformed creates" "$(cat "$ty/available_instances")" 4
	eq "queues after malformed creates" "$(nqueues)" 0

	# create: one, its params, duplicate, beyond the limit
	u=$(cat /proc/sys/kernel/random/uuid)
	ok "create $u" eval 'echo "$u" >"$ty/create"'	# in this shell: the owner
	eq "available after create" "$(cat "$ty/available_instances")" 3
	ok "queue listed in the type's devices/" test -e "$ty/devices/$u"
	eq "params/state" "$(cat "/sys/bus/mdev/devices/$u/params/state")" created
	eq "params/owner (the creating shell)" "$(cat "/sys/bus/mdev/devices/$u/params/owner")" $$
	eq "params/depth" "$(cat "/sys/bus/mdev/devices/$u/params/depth")" 512
	eq "mode of params/depth" "$(stat -c %a "/sys/bus/mdev/devices/$u/params/depth")" 644
	eq "mode of params/owner" "$(stat -c %a "/sys/bus/mdev/devices/$u/params/owner")" 444
	eq "mode of params/state" "$(stat -c %a "/sys/bus/mdev/devices/$u/params/state")" 444
	eq "mdev_type link" "$(basename "$(readlink "/sys/bus/mdev/devices/$u/mdev_type")")" \
		wd_dummy-memcpy
	ok "queue has a VFIO group node" \
		test -c "/dev/vfio/$(basename "$(readlink "/sys/bus/mdev/devices/$u/iommu_group")")"
	eq "write to params/owner" "$(wr "/sys/bus/mdev/devices/$u/params/owner" 1)" EACCES
	eq "write to params/state" "$(wr "/sys/bus/mdev/devices/$u/params/state" open)" EACCES
	for v in abc $'\n' 0 1 8 15 100 8192 -16 0x40 "$long" 4294967296; do
		r=$(wr "/sys/bus/mdev/devices/$u/params/depth" "$v")
		[ "$r" != ok ] || fail "depth accepted '${v:0:20}'"
	done
	eq "depth after garbage" "$(cat "/sys/bus/mdev/devices/$u/params/depth")" 512
	eq "depth = 16" "$(wr "/sys/bus/mdev/devices/$u/params/depth" 16)" ok
	eq "depth = 4096" "$(wr "/sys/bus/mdev/devices/$u/params/depth" 4096)" ok
	eq "depth" "$(cat "/sys/bus/mdev/devices/$u/params/depth")" 4096
	eq "duplicate UUID" "$(wr "$ty/create" "$u")" EEXIST
	eq "duplicate UUID on another device" \
		"$(wr "$cls/wd_dummy1/mdev_supported_types/wd_dummy-memcpy/create" "$u")" EEXIST
	eq "upper-case form of the same UUID" "$(wr "$ty/create" "${u^^}")" EEXIST
	for i in 1 2 3; do
		wr "$ty/create" "$(cat /proc/sys/kernel/random/uuid)" >/dev/null
	done
	eq "available at the limit" "$(cat "$ty/available_instances")" 0
	u2=$(cat /proc/sys/kernel/random/uuid)
	eq "create beyond the limit" "$(wr "$ty/create" "$u2")" EUSERS
	eq "other device unaffected" \
		"$(cat "$cls/wd_dummy1/mdev_supported_types/wd_dummy-memcpy/available_instances")" 4
	eq "remove 'abc'" "$(wr "/sys/bus/mdev/devices/$u/remove" abc)" EINVAL
	eq "remove 0 (no-op)" "$(wr "/sys/bus/mdev/devices/$u/remove" 0)" ok
	ok "queue still there" test -e "/sys/bus/mdev/devices/$u"
	bad=0
	for q in "$ty"/devices/*; do
		[ "$(wr "$q/remove" 1)" = ok ] || bad=$((bad + 1))
	done
	eq "remove all: failures" "$bad" 0
	eq "available after removing all" "$(cat "$ty/available_instances")" 4
	eq "queues left" "$(nqueues)" 0
}

# ---- permissions: udevd with our rule, then an unprivileged user ------------
perm_checks() {
	local gid=4242 rules=/run/udev/rules.d helper pid r u
	if [ ! -x /lib/systemd/systemd-udevd ]; then
		# the arm64 guest's root is an extract without udev
		echo "SKIP: permissions (no systemd-udevd in this root)"
		return
	fi
	# The host root is read-only: give the guest a group "wrapdrive" and
	# the rule file pointing at the helper in the source tree.
	cp /etc/group /run/tmp/group && echo "wrapdrive:x:$gid:" >>/run/tmp/group &&
		mount --bind /run/tmp/group /etc/group
	mkdir -p "$rules"
	helper=$top/kmod/udev/wd-udev-perms
	sed "s|/usr/lib/wrapdrive/wd-udev-perms|$helper|" "$top/kmod/udev/90-wrapdrive.rules" \
		>"$rules/90-wrapdrive.rules"
	# systemd tools do nothing in a chroot unless told to.
	export SYSTEMD_IGNORE_CHROOT=1
	/lib/systemd/systemd-udevd --daemon 2>/dev/null
	sleep 1
	udevadm trigger --subsystem-match=wd --action=change
	udevadm settle -t 30
	r=$(stat -c '%G %a' "$cls/wd_dummy1/mdev_supported_types/wd_dummy-memcpy/create")
	eq "udev: create is group-writable" "$r" "wrapdrive 220"
	ok "uid 65534 in group wrapdrive: create, open, copy, remove" \
		setpriv --reuid=65534 --regid=$gid --clear-groups "$t" perm wd_dummy1
	r=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$t" create wd_dummy1)
	eq "uid 65534 outside the group: create" "$r" "create: Permission denied"
	# A queue is bound to its creator's uid: another member cannot open it.
	u=$(setpriv --reuid=65534 --regid=$gid --clear-groups "$t" create wd_dummy1)
	udevadm settle -t 30
	r=$(setpriv --reuid=65533 --regid=$gid --clear-groups "$t" open "$u" | head -n 1)
	eq "uid 65533 in the group opens uid 65534's queue" "$r" "open: Operation not permitted"
	eq "params/uid" "$(cat "/sys/bus/mdev/devices/$u/params/uid")" 65534
	ok "its creator opens it; pwrite takes whole registers only" \
		setpriv --reuid=65534 --regid=$gid --clear-groups "$t" open "$u"
	ok "root (CAP_SYS_ADMIN) opens it" "$t" open "$u"
	echo 1 >"/sys/bus/mdev/devices/$u/remove"
	eq "queues left" "$(nqueues)" 0
	pid=$(pidof systemd-udevd)
	[ -z "$pid" ] || kill "$pid"
}

# "remove" of an open queue waits for its user (the VFIO core's rule);
# it must finish, and free the instance, once the user is gone.
remove_while_open() {
	local out=$TMPDIR/hold.out pid u rpid ty r n
	ty=$cls/wd_dummy0/mdev_supported_types/wd_dummy-memcpy
	"$t" hold wd_dummy0 >"$out" 2>&1 &
	pid=$!
	for n in $(seq 100); do grep -q READY "$out" && break; sleep 0.1; done
	u=$(awk '/READY/ { print $2 }' "$out")
	ok "holder started" test -n "$u"
	echo 1 >"/sys/bus/mdev/devices/$u/remove" &
	rpid=$!
	sleep 1
	ok "remove of an open queue waits" kill -0 "$rpid"
	ok "the holder still runs meanwhile" kill -0 "$pid"
	r=$(timeout 5 sh -c "echo 1 >/sys/bus/mdev/devices/$u/remove" 2>&1)
	ok "a second remove meanwhile returns at once (${r:-ok})" test $? != 124
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	ok "remove finishes once the holder is killed" wait "$rpid"
	ok "queue gone" test ! -e "/sys/bus/mdev/devices/$u"
	eq "available_instances" "$(cat "$ty/available_instances")" 4
}

main_section() {
	ok "load wd.ko and wd_dummy.ko devices=2 queues=4" load devices=2 queues=4
	sysfs_checks
	echo "--- copy, type1 v2 container"
	ok "wd_kmod_test copy wd_dummy0" "$t" copy wd_dummy0
	echo "--- copy, type1 v1 container (DPDK's EAL)"
	ok "wd_kmod_test copy wd_dummy1 v1" "$t" copy wd_dummy1 v1
	echo "--- GUP / MADV_DONTNEED"
	ok "wd_kmod_test gup wd_dummy0" "$t" gup wd_dummy0
	ok "wd_kmod_test gup wd_dummy1 v1" "$t" gup wd_dummy1 v1
	echo "--- remove while open"
	remove_while_open
	echo "--- permissions"
	perm_checks
	ok "unload" unload
	ok "class wd_dev gone" test ! -e "$cls"
}

# ---- stress: load/unload, kill ------------------------------------------------
meminfo() {
	awk '/^(SUnreclaim|VmallocUsed):/ { printf "%s %s kB  ", $1, $2 }' /proc/meminfo
}

load_unload() {
	local i bad=0 u pid out
	out=$TMPDIR/hold.out
	# A queue held open pins the module.
	load devices=1 queues=2 || fail "load"
	"$t" hold wd_dummy0 >"$out" 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q READY "$out" && break; sleep 0.1; done
	ok "holder started" grep -q READY "$out"
	ok "rmmod wd_dummy refused while a queue is open" sh -c '! rmmod wd_dummy 2>/dev/null'
	ok "rmmod wd refused while wd_dummy is loaded" sh -c '! rmmod wd 2>/dev/null'
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	ok "unload with a released queue left" unload
	echo "memory before: $(meminfo)"
	for i in $(seq 20); do
		[ "$i" != 6 ] || echo "memory after 5 rounds: $(meminfo)"
		[ $((i % 5)) != 1 ] || stamp "load/unload round $i"
		if ! load devices=$((i % 3 + 1)) queues=$((i % 4 + 3)); then
			bad=$((bad + 1))
			continue
		fi
		"$t" openclose wd_dummy0 >/dev/null || bad=$((bad + 1))
		u=$("$t" create wd_dummy0) || bad=$((bad + 1))
		"$t" openclose wd_dummy0 >/dev/null || bad=$((bad + 1))
		[ "$(nqueues)" = 3 ] || bad=$((bad + 1))
		unload || bad=$((bad + 1))
		[ ! -e "/sys/bus/mdev/devices/$u" ] || bad=$((bad + 1))
	done
	eq "20 load/unload rounds with created, opened, closed queues: failures" "$bad" 0
	echo "memory after 20 rounds: $(meminfo)"
	ok "nothing of ours left in sysfs" test ! -e "$cls" -a ! -e /sys/bus/wd
}

kill_test() {
	local round pid out dev bad=0 n u state avail leftover=0 late=0
	load devices=2 queues=2 || fail "load"
	out=$TMPDIR/hold.out
	for round in $(seq 100); do
		dev=wd_dummy$((round % 2))
		[ $((round % 10)) != 1 ] || stamp "kill round $round"
		: >"$out"
		"$t" hold "$dev" >"$out" 2>&1 &
		pid=$!
		for n in $(seq 200); do grep -q READY "$out" && break; sleep 0.05; done
		if ! grep -q READY "$out"; then
			bad=$((bad + 1))
			echo "round $round: holder not ready: $(cat "$out")"
		fi
		u=$(awk '/READY/ { print $2 }' "$out")
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		if [ -n "$u" ]; then
			# The last reference to the device file may be dropped
			# by a deferred fput (the engine held the mm): allow 2 s.
			for n in $(seq 40); do
				state=$(cat "/sys/bus/mdev/devices/$u/params/state" 2>/dev/null)
				[ "$state" = open ] || break
				late=$((late + 1))
				sleep 0.05
			done
			[ "$state" = released ] || {
				bad=$((bad + 1))
				echo "round $round: state '$state' after SIGKILL"
			}
		fi
		n=$(reclaim)
		[ "$n" = 1 ] || { bad=$((bad + 1)); echo "round $round: reclaimed $n"; }
		avail=$(cat "$cls/$dev/mdev_supported_types/wd_dummy-memcpy/available_instances")
		[ "$avail" = 2 ] || { bad=$((bad + 1)); echo "round $round: available $avail"; }
		[ "$(nqueues)" = 0 ] || leftover=$((leftover + 1))
	done
	eq "100 SIGKILL rounds with copies in flight: failures" "$bad" 0
	echo "released after the owner was reaped: $late x 50 ms of waiting in 100 rounds"
	eq "rounds that left an mdev behind" "$leftover" 0
	eq "available_instances wd_dummy0" \
		"$(cat "$cls/wd_dummy0/mdev_supported_types/wd_dummy-memcpy/available_instances")" 2
	eq "available_instances wd_dummy1" \
		"$(cat "$cls/wd_dummy1/mdev_supported_types/wd_dummy-memcpy/available_instances")" 2
	ok "unload" unload
}

stress_section() {
	echo "--- load/unload"
	load_unload
	echo "--- kill"
	kill_test
}

case "$section" in
main) main_section ;;
stress) stress_section ;;
*) echo "usage: $0 <repo> <build> main|stress"; exit 2 ;;
esac
if dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace:' >/dev/null; then
	fail "kernel log shows a problem"
else
	pass "kernel log clean"
fi
echo "$fails check(s) failed"
[ "$fails" = 0 ]
