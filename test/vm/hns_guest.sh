#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Inside the VM (through devtools/vm-run): wd_hns.ko, HNS ring pairs
# bridged to kernel netdevs, under the same user driver and PMDs as the
# in-process model. Sysfs and the netdevs; libwd's ring tests (loopback,
# bad BDs, multi-BD, checksums) and the kernel wire through a packet
# socket; Debian's rawdev_autotest on raw_wd_hns; dpdk-testpmd icmpecho
# answering the kernel's ping from a network namespace; testpmd io
# forwarding between two namespaces: ping and nc of a file at MTU 1500,
# 576 and 9000 (scatter); SIGKILL of testpmd mid-traffic; unload with a
# queue open, and reload. Prints PASS:/FAIL: lines.
#   hns_guest.sh <repo> <build dir>
set -u
top=$1
build=$2
ko=$build/kmod
cls=/sys/class/wd_dev
d=$cls/hisi_hns0
typ=mdev_supported_types/hisi_hns-ring_pair
wdenv=$top/devtools/wd-env
log=$TMPDIR/hns_guest.log
work=$TMPDIR/hns
mkdir -p "$work"
unset WD_EMU WD_SYSFS_ROOT
export WD_BUILD_DIR=$build
EAL="-l 0-1 -m 256 --iova-mode=va --no-pci"

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
nqueues() { find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 | wc -l; }
avail() { cat "$cls/$1/$typ/available_instances"; }
# carrier of a netdev (in a namespace with NS=name): 1, 0, or "down"
carrier() { # ifname [netns]
	local c
	if [ -n "${2:-}" ]; then
		c=$(ip netns exec "$2" cat "/sys/class/net/$1/carrier" 2>/dev/null)
	else
		c=$(cat "/sys/class/net/$1/carrier" 2>/dev/null)
	fi
	echo "${c:-down}"
}
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
# dpdk-testpmd in the background, commands through a FIFO (as in
# test/dpdk/testpmd_net_wd.sh).
tp_pid=""
tp_start() { # testpmd options before "--"... -- testpmd options after
	rm -f "$work/in" "$work/tp.out"
	mkfifo "$work/in"
	local pre=() post=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	post=("$@")
	stdbuf -oL -eL "$wdenv" dpdk-testpmd $EAL --file-prefix=hnstp "${pre[@]}" -- \
		-i --total-num-mbufs=4096 --rxd=512 --txd=512 "${post[@]}" \
		<"$work/in" >"$work/tp.out" 2>&1 &
	tp_pid=$!
	exec 3>"$work/in"
	tp_wait 'testpmd> ' 60 || { echo "testpmd did not start:"; tail -30 "$work/tp.out"; return 1; }
}
tp() { echo "$*" >&3; }
tp_wait() { # pattern timeout_s
	local i=0
	while [ $i -lt $(($2 * 10)) ]; do
		grep -q "$1" "$work/tp.out" 2>/dev/null && return 0
		kill -0 "$tp_pid" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
tp_quit() {
	local i=0 rc
	tp quit
	while kill -0 "$tp_pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$tp_pid" 2>/dev/null; then
		kill -9 "$tp_pid"
		echo "testpmd did not exit"
		rc=1
	else
		wait "$tp_pid"
		rc=$?
	fi
	exec 3>&-
	tp_pid=""
	return $rc
}
tp_show() { tr -d '\r' <"$work/tp.out" | grep -v '^testpmd> $' | tail -n "${1:-40}"; }
wait_carrier() { # ifname netns want
	local i
	for i in $(seq 100); do
		[ "$(carrier "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}
ns() { ip netns exec "$@"; }
# ns_setup NETNS IFNAME ADDR: the netdev moved into a new namespace, up
ns_setup() {
	ip netns add "$1" || return 1
	ip link set "$2" netns "$1" || return 1
	ns "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	ns "$1" ip link set lo up
	ns "$1" ip addr add "$3/24" dev "$2"
	ns "$1" ip link set "$2" up
}
ns_clean() { ip netns del ns1 2>/dev/null; ip netns del ns2 2>/dev/null; sleep 0.5; }
ping_ok() { # netns dst [ping options]: 5 echo replies
	local n=$1 dst=$2 out
	shift 2
	out=$(ns "$n" ping -c 5 -i 0.2 -W 3 "$@" "$dst" 2>&1)
	echo "$out"
	grep -q ' 5 received' <<<"$out"
}
# nc_copy BYTES: a file of random bytes from ns1 to ns2 over TCP, intact
nc_copy() {
	local in=$work/nc.in out=$work/nc.out spid i
	head -c "$1" /dev/urandom >"$in"
	rm -f "$out"
	ns ns2 timeout 120 nc -l 192.0.2.2 5001 >"$out" &
	spid=$!
	for i in $(seq 100); do	# listening (a loaded guest is slow to start nc)
		ns ns2 ss -Hltn | grep -q ':5001 ' && break
		sleep 0.2
	done
	ns ns1 timeout 120 nc -N 192.0.2.2 5001 <"$in" || { echo "nc client failed"; }
	wait "$spid"
	ls -l "$in" "$out"
	[ "$(sha256sum <"$in")" = "$(sha256sum <"$out")" ]
}
# nc_flows N: N TCP connections at once from ns1 to ns2, each file intact
nc_flows() {
	local i pids=() bad=0
	for i in $(seq "$1"); do
		head -c 200000 /dev/urandom >"$work/f$i.in"
		ns ns2 timeout 120 nc -l 192.0.2.2 $((5100 + i)) >"$work/f$i.out" &
		pids+=($!)
	done
	for i in $(seq 100); do	# every server listening
		[ "$(ns ns2 ss -Hltn | grep -c ':51[0-9][0-9] ')" -ge "$1" ] && break
		sleep 0.2
	done
	for i in $(seq "$1"); do
		ns ns1 timeout 120 nc -N 192.0.2.2 $((5100 + i)) <"$work/f$i.in" &
		pids+=($!)
	done
	wait "${pids[@]}"	# not testpmd, also a child of this shell
	for i in $(seq "$1"); do
		cmp -s "$work/f$i.in" "$work/f$i.out" || { echo "flow $i differs"; bad=1; }
		rm -f "$work/f$i.in" "$work/f$i.out"
	done
	return $bad
}
# per ring pair counters of a netdev: rp_count NETNS IFNAME COUNTER
rp_count() {
	ns "$1" ethtool -S "$2" | awk -v c="$3" '$1 ~ "^rp[0-9]+_" c ":" { printf "%s ", $2 }'
}
set_mtu() { ns ns1 ip link set wdhns0 mtu "$1" && ns ns2 ip link set wdhns1 mtu "$1"; }
load() {
	insmod "$ko/wd.ko" 2>/dev/null
	insmod "$ko/wd_hns.ko" "$@"
}

sysfs_checks() {
	local u
	eq "class wd_dev" "$(ls "$cls" | tr '\n' ' ')" "hisi_hns0 hisi_hns1 "
	eq "type directories" "$(ls "$d/mdev_supported_types" | tr '\n' ' ')" \
		"hisi_hns-ring_pair "
	eq "device_api" "$(cat "$d/$typ/device_api")" hisi_hns_v1
	eq "name" "$(cat "$d/$typ/name")" ring_pair
	eq "available_instances" "$(avail hisi_hns0)" 4
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" >"$d/$typ/create"
	eq "available after one create" "$(avail hisi_hns0)" 3
	eq "params/depth" "$(cat "/sys/bus/mdev/devices/$u/params/depth")" 1024
	echo 1 >"/sys/bus/mdev/devices/$u/remove"
	eq "available after remove" "$(avail hisi_hns0)" 4
	eq "netdevs" "$(ls /sys/class/net | grep wdhns | tr '\n' ' ')" "wdhns0 wdhns1 "
	eq "wdhns0 MAC" "$(cat /sys/class/net/wdhns0/address)" 02:77:64:68:00:00
	eq "wdhns1 MAC" "$(cat /sys/class/net/wdhns1/address)" 02:77:64:68:00:01
	eq "wdhns0 MTU" "$(cat /sys/class/net/wdhns0/mtu)" 1500
	eq "wdhns0 max MTU" "$(ip -d link show wdhns0 | grep -o 'maxmtu [0-9]*')" "maxmtu 9582"
	ip link set wdhns0 up
	eq "wdhns0 up, no queue: carrier" "$(carrier wdhns0)" 0
	eq "wdhns0 driver" "$(ethtool -i wdhns0 | awk '/^driver:/ { print $2 }')" wd_hns
	eq "ethtool -S counters" "$(ethtool -S wdhns0 | grep -c 'rp[0-3]_')" 36
	ip link set wdhns0 down
}

rawdev() {
	local out=$work/raw.out rc d
	DPDK_TEST=rawdev_autotest "$wdenv" dpdk-test $EAL --file-prefix=hnsraw \
		--log-level=pmd.raw.wd_hns:info >"$out" 2>&1
	rc=$?
	tr '\r' '\n' <"$out" | grep -v '^$' | tail -n 30
	[ $rc = 0 ] && grep -q '^Test OK' "$out" || return 1
	for d in hisi_hns0 hisi_hns1; do
		grep -q "^Rawdev [0-9]* ($d) selftest: Passed" "$out" ||
			{ echo "$d: selftest not run or failed"; return 1; }
	done
}

icmpecho() {
	ns_setup ns1 wdhns0 192.0.2.1 || return 1
	eq "wdhns0 in ns1, no queue: carrier" "$(carrier wdhns0 ns1)" 0
	check "testpmd starts with net_wd on hisi_hns0" \
		tp_start --vdev net_wd0,dev=hisi_hns0,mac=02:00:00:00:0a:02 || return 1
	tp "set fwd icmpecho"
	tp start
	check "carrier of wdhns0 (in ns1) on with testpmd's ring pair running" \
		wait_carrier wdhns0 ns1 1
	check "ping from ns1 through wdhns0: testpmd icmpecho answers ARP and ICMP" \
		ping_ok ns1 192.0.2.2
	check "ARP entry of the net_wd port" \
		sh -c "ip netns exec ns1 ip neigh show 192.0.2.2 | grep -q 02:00:00:00:0a:02"
	tp stop
	check "testpmd quits cleanly" tp_quit
	check "carrier off after testpmd quit" wait_carrier wdhns0 ns1 0
	eq "mdevs left after testpmd" "$(nqueues)" 0
}

# io forwarding between ns1 (wdhns0, 192.0.2.1) and ns2 (wdhns1, 192.0.2.2)
iofwd() { # label testpmd-options-after-"--"... (QP=2: two queue pairs a port)
	local label=$1 q=${QP:-1}
	shift
	check "$label: testpmd io forwarding, two net_wd ports on hisi_hns0 and hisi_hns1" \
		tp_start --vdev "net_wd0,dev=hisi_hns0,queues=$q" \
		--vdev "net_wd1,dev=hisi_hns1,queues=$q" -- --rxq="$q" --txq="$q" "$@" ||
		return 1
	tp "set fwd io"
	tp start
	check "$label: carriers on" sh -c 'true' && wait_carrier wdhns0 ns1 1 &&
		wait_carrier wdhns1 ns2 1 || fail "$label: carriers"
}

io_tests() {
	ns_setup ns2 wdhns1 192.0.2.2 || return 1
	set_mtu 1500
	QP=2 iofwd "MTU 1500, 2 ring pairs a port" || return 1
	check "ping ns1 -> ns2 through testpmd" ping_ok ns1 192.0.2.2
	check "16 TCP flows at once, each file intact" nc_flows 16
	check "wdhns0 spread the flows over both ring pairs: rp0/rp1 tx_packets" sh -c \
		"ip netns exec ns1 ethtool -S wdhns0 |
		awk '/rp[01]_tx_packets:/ && \$2 > 0 { n++ } END { exit n != 2 }'"
	echo "  wdhns0 tx_packets per ring pair: $(rp_count ns1 wdhns0 tx_packets)"
	echo "  wdhns1 tx_packets per ring pair: $(rp_count ns2 wdhns1 tx_packets)"
	check "ping 64-byte frames (-s 18)" ping_ok ns1 192.0.2.2 -s 18
	check "ping MTU-sized frames (-s 1472, DF)" ping_ok ns1 192.0.2.2 -s 1472 -M do
	check "nc of 4 MB at MTU 1500: sha256 equal" nc_copy 4000000
	set_mtu 576
	check "nc of 2 MB at MTU 576: sha256 equal" nc_copy 2000000
	check "ping MTU-sized frames at 576 (-s 548, DF)" ping_ok ns1 192.0.2.2 -s 548 -M do
	tp "show port stats all"
	sleep 1
	tp_show 30
	check "ethtool -S wdhns0: ring pair 0 carried frames both ways" sh -c \
		"ip netns exec ns1 ethtool -S wdhns0 | awk '/rp0_(rx|tx)_packets/ && \$2 > 100 { n++ } END { exit n != 2 }'"
	ns ns1 ethtool -S wdhns0 | grep -E 'rp0_|no_ring' | tr -s ' ' | tr '\n' ' '
	echo
	check "ethtool -S wdhns0 and wdhns1: no errors" sh -c \
		"{ ip netns exec ns1 ethtool -S wdhns0; ip netns exec ns2 ethtool -S wdhns1; } |
		awk '/_errors:/ && \$2 != 0 { bad = 1; print } END { exit bad }'"
	tp stop
	check "testpmd quits" tp_quit
	set_mtu 9000
	iofwd "MTU 9000" --max-pkt-len=9018 --mbuf-size=4224 --enable-scatter || return 1
	check "ping jumbo frames (-s 8972, DF)" ping_ok ns1 192.0.2.2 -s 8972 -M do
	check "nc of 4 MB at MTU 9000 (scatter): sha256 equal" nc_copy 4000000
	tp stop
	check "testpmd quits" tp_quit
	set_mtu 1500
	eq "mdevs left after testpmd" "$(nqueues)" 0
}

kill_test() {
	local spid n
	iofwd "SIGKILL" || return 1
	head -c 50000000 /dev/urandom >"$work/big"
	ns ns2 timeout 60 nc -l 192.0.2.2 5002 >/dev/null &
	spid=$!
	sleep 0.5
	ns ns1 timeout 60 nc -N 192.0.2.2 5002 <"$work/big" >/dev/null 2>&1 &
	sleep 2
	kill -9 "$tp_pid"
	wait "$tp_pid" 2>/dev/null
	exec 3>&-
	tp_pid=""
	check "carrier of wdhns0 off after SIGKILL" wait_carrier wdhns0 ns1 0
	check "carrier of wdhns1 off after SIGKILL" wait_carrier wdhns1 ns2 0
	for n in $(seq 60); do
		[ "$(cat /sys/bus/mdev/devices/*/params/state 2>/dev/null | sort -u)" = released ] &&
			break
		sleep 0.1
	done
	eq "queues of the killed testpmd" \
		"$(cat /sys/bus/mdev/devices/*/params/state 2>/dev/null | tr '\n' ' ')" \
		"released released "
	eq "reclaimed" "$(reclaim)" 2
	eq "available hisi_hns0 after reclaim" "$(avail hisi_hns0)" 4
	eq "available hisi_hns1 after reclaim" "$(avail hisi_hns1)" 4
	eq "mdevs left" "$(nqueues)" 0
	kill "$spid" 2>/dev/null
	pkill -P $$ -x timeout 2>/dev/null
	wait 2>/dev/null
	rm -f "$work/big"
	check "ping fails with no ring pair (no carrier)" sh -c \
		'! ip netns exec ns1 ping -c 1 -W 1 192.0.2.2'
}

unload_reload() {
	local u
	check "testpmd on hisi_hns0 (a queue open)" \
		tp_start --vdev net_wd0,dev=hisi_hns0 || return 1
	tp "set fwd io"
	tp start
	check "rmmod wd_hns refused while a queue is open" \
		sh -c '! rmmod wd_hns 2>/dev/null'
	check "netdevs still there" ns ns1 ip link show wdhns0
	tp stop
	check "testpmd quits" tp_quit
	u=$(cat /proc/sys/kernel/random/uuid)
	echo "$u" >"$d/$typ/create"
	check "rmmod wd_hns with the netdevs in namespaces and a queue created" rmmod wd_hns
	check "the queue went with the module" test ! -e "/sys/bus/mdev/devices/$u"
	check "no netdev left in ns1" sh -c '! ip netns exec ns1 ip link show wdhns0'
	check "nothing of wd_hns left in sysfs" test ! -e "$cls/hisi_hns0"
	ns_clean
	check "load again (devices=3 ring_pairs=2)" insmod "$ko/wd_hns.ko" devices=3 ring_pairs=2
	eq "netdevs after reload" "$(ls /sys/class/net | grep wdhns | tr '\n' ' ')" \
		"wdhns0 wdhns1 wdhns2 "
	eq "available_instances after reload" "$(avail hisi_hns2)" 2
	ip netns add ns3 && ip link set wdhns2 netns ns3 && ip netns del ns3
	for u in $(seq 50); do ip link show wdhns2 >/dev/null 2>&1 && break; sleep 0.1; done
	check "a deleted namespace gives wdhns2 back to the initial one" ip link show wdhns2
	check "rmmod wd_hns wd" rmmod wd_hns wd
}

stamp "wd_hns.ko"
check "load wd.ko and wd_hns.ko" load
sysfs_checks
stamp "libwd ring tests on the kernel engine"
ip link set wdhns1 up
check "test_hns --kernel: loopback, bad BDs, multi-BD, checksums, the kernel wire" \
	"$build/test/unit/test_hns" --kernel
grep -E 'checks' "$log" | sed 's/^/  /'
eq "mdevs left after libwd" "$(nqueues)" 0
eq "available after libwd" "$(avail hisi_hns1)" 4
ip link set wdhns1 down
stamp "rawdev_autotest"
check "rawdev_autotest on raw_wd_hns (kernel engine: hisi_hns0, hisi_hns1)" rawdev
grep -E 'selftest' "$log" | sed 's/^/  /'
eq "mdevs left after rawdev_autotest" "$(nqueues)" 0
stamp "testpmd icmpecho"
icmpecho
stamp "testpmd io between two namespaces"
io_tests
stamp "SIGKILL"
kill_test
stamp "unload/reload"
unload_reload
ns_clean
if dmesg | grep -E 'BUG:|WARNING:|Oops|Call Trace:' >/dev/null; then
	fail "kernel log shows a problem"
else
	pass "kernel log clean"
fi
exit 0
