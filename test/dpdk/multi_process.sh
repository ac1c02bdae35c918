#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# DPDK secondary processes on the primary's wd devices (emulated), with
# real clients:
#   crypto  mp_client primary ciphers on crypto_wd_sec queue pair 0 and
#           copies on dma_wd_dummy vchan 0; secondaries run verified ops
#           on queue pair 1 / vchan 1; dpdk-proc-info --show-crypto shows
#           the counters; a secondary SIGKILLed with ops in flight and one
#           started with another WD_EMU harm nothing: the primary ends
#           with 0 errors and a later secondary works on the same queues.
#   net     dpdk-testpmd (io) on two net_wd ports whose wires are TAPs;
#           dpdk-proc-info --stats/--xstats show its counters while it
#           forwards, dpdk-dumpcap captures from net_wd0 into a pcapng
#           file that tcpdump reads; raw_wd_hns refuses in a secondary.
#   symmp   DPDK's symmetric_mp example, two processes, one queue each
#           of two net_wd ports (2 ring pairs each): every injected frame
#           is forwarded, by both processes; a SIGKILLed secondary and
#           its successor leave the primary forwarding.
# Secondaries need hugepages: the test runs in a private mount and network
# namespace, mounts its own hugetlbfs, raises vm.nr_hugepages by what it
# needs and gives them back at the end; it is skipped (77) when the
# machine cannot provide them.
# WD_MP_KERNEL=1 (the VM tier, test/vm/mp_guest.sh): the same on the
# kernel engines, wd_sec.ko, wd_dummy.ko and wd_hns.ko (its netdevs
# wdhns0/1 are the wires), through VFIO: no WD_EMU, no network namespace.
#   multi_process.sh <wd-env> <build dir> crypto|net|symmp
set -u
wdenv=$1
export WD_BUILD_DIR=$2
part=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
PAGES=400	# 2 MiB pages: symmetric_mp's pool of 64 Ki mbufs and the rest
kernel=${WD_MP_KERNEL:-0}
if [ "$kernel" = 1 ]; then
	IF0=wdhns0
	IF1=wdhns1
	unset WD_EMU WD_SYSFS_ROOT
else
	IF0=hisi_hns0
	IF1=hisi_hns1
fi
if [ -z "${WD_IN_NS:-}" ]; then
	[ -w /proc/sys/vm/nr_hugepages ] || { echo "SKIP: cannot set vm.nr_hugepages"; exit 77; }
	if [ "$kernel" = 1 ]; then
		WD_IN_NS=1 exec unshare -m --propagation private "$0" "$@" ||
			{ echo "SKIP: unshare -m failed"; exit 77; }
	fi
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	WD_IN_NS=1 exec unshare -m -n --propagation private "$0" "$@" ||
		{ echo "SKIP: unshare -m -n failed"; exit 77; }
fi
if [ "$kernel" = 0 ]; then
	ip tuntap add dev wdcaptest mode tap 2>/dev/null || { echo "SKIP: no CAP_NET_ADMIN"; exit 77; }
	ip tuntap del dev wdcaptest mode tap
	export WD_SYSFS_ROOT=/nonexistent
fi
# emu <WD_EMU>: the emulated devices of a part (the kernel's in the VM)
emu() {
	[ "$kernel" = 1 ] || export WD_EMU=$1
}
work=$(mktemp -d)
prefix=wdmp$$
pids=""
raised=0
cleanup() {
	local p
	for p in $pids; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	umount "$work/huge" 2>/dev/null
	if [ $raised = 1 ]; then
		now=$(cat /proc/sys/vm/nr_hugepages)
		echo $((now > PAGES ? now - PAGES : 0)) >/proc/sys/vm/nr_hugepages
	fi
	rm -rf "$work" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
fail() {
	local f
	echo "FAIL: $*"
	for f in "$work"/*.out; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f"):"
		tr '\033' '\n' <"$f" | grep -v '^\[' | grep -v '^ *$' | tail -25
	done
	exit 1
}

# hugepages: this test's share, on a private hugetlbfs mount
free0=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
echo $(($(cat /proc/sys/vm/nr_hugepages) + PAGES)) >/proc/sys/vm/nr_hugepages 2>/dev/null
raised=1
free1=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
if [ $((free1 - free0)) -lt $PAGES ]; then
	echo "SKIP: the kernel gave $((free1 - free0)) of $PAGES hugepages"
	exit 77
fi
mkdir "$work/huge"
mount -t hugetlbfs -o pagesize=2M nodev "$work/huge" || { echo "SKIP: cannot mount hugetlbfs"; exit 77; }
EAL="--file-prefix $prefix --huge-dir $work/huge --no-pci"
SEC="--proc-type=secondary"

# start <name> <command...>: in the background, output in $work/<name>.out,
# input from $START_IN (default /dev/null)
start() {
	local name=$1
	shift
	stdbuf -oL -eL "$@" <"${START_IN:-/dev/null}" >"$work/$name.out" 2>&1 &
	eval "pid_$name=$!"
	pids="$pids $!"
}
# wait_for <name> <pattern> <seconds>
wait_for() {
	local i=0 pid
	eval "pid=\$pid_$1"
	until grep -q "$2" "$work/$1.out" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ $i -lt $(($3 * 10)) ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# finish <name> <signal>: stop it, wait, return its exit status
finish() {
	local pid i=0
	eval "pid=\$pid_$1"
	kill "-$2" "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$pid" 2>/dev/null && fail "$1 did not exit after SIG$2"
	wait "$pid"
}
alive() { # name
	local pid
	eval "pid=\$pid_$1"
	kill -0 "$pid" 2>/dev/null || fail "$1 died"
}

# UDP frames of many flows into TAP $1; counts those that come out of
# TAP $2 (all of them must, within 3 s).
traffic() { # in out count tag
	/usr/bin/python3 - "$@" <<'PY'
import select, socket, struct, sys, time
tx_if, rx_if, n, tag = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
rx.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
rx.bind((rx_if, 0))
tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
tx.bind((tx_if, 0))
def frame(seq):
    payload = tag + struct.pack('!I', seq) + bytes(seq & 0xff for _ in range(18 + seq % 64))
    udp = struct.pack('!HHHH', 1024 + seq % 97, 4789, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), seq & 0xffff, 0, 64, 17, 0,
                     bytes((198, 51, 100, 1 + seq % 50)), bytes((203, 0, 113, 7)))
    s = sum(struct.unpack('!10H', ip))
    s = (s & 0xffff) + (s >> 16)
    ip = ip[:10] + struct.pack('!H', ~((s & 0xffff) + (s >> 16)) & 0xffff) + ip[12:]
    return b'\x02\x00\x00\x00\x00\x09\x02\x00\x00\x00\x00\x08\x08\x00' + ip + udp
seen = set()
def drain(timeout):
    while select.select([rx], [], [], timeout)[0]:
        f, addr = rx.recvfrom(4096)
        if addr[2] == socket.PACKET_OUTGOING or len(f) < 50 or f[42:42 + len(tag)] != tag:
            continue
        seen.add(struct.unpack('!I', f[42 + len(tag):46 + len(tag)])[0])
        timeout = 0
for seq in range(n):
    tx.send(frame(seq))
    if seq % 16 == 15:
        drain(0.001)
end = time.time() + 3
while time.time() < end and len(seen) < n:
    drain(0.2)
print('%s: %d of %d frames came out of %s' % (tag.decode(), len(seen), n, rx_if))
sys.exit(0 if len(seen) == n else 1)
PY
}

taps_up() {
	local d i
	for d in "$@"; do
		i=0	# the model makes the TAP when the ring pair starts
		until ip link show "$d" >/dev/null 2>&1 || [ $i -ge 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		echo 1 >"/proc/sys/net/ipv6/conf/$d/disable_ipv6" 2>/dev/null
		ip link set "$d" up || fail "no TAP $d"
	done
}

# <name> took <n> ops with 0 errors: "<who>: N ops, 0 errors; N copies, 0 copy errors"
mp_result() { # name who
	sed -n "s/^$2: \([0-9]*\) ops, \([0-9]*\) errors; \([0-9]*\) copies, \([0-9]*\) copy errors/\1 \2 \3 \4/p" \
		"$work/$1.out"
}

case "$part" in
crypto)
	emu hisi_sec_v1:1,wd_dummy_v1:1:queues=2
	client=$WD_BUILD_DIR/test/dpdk/mp_client
	DEVS="-a wd:hisi_sec0 -a wd:wd_dummy0,queues=2"
	# shellcheck disable=SC2086
	# net_null0: dpdk-proc-info of 22.11 exits when there is no port at all
	start prim "$wdenv" "${WD_DEBUG_PRIM:-$client}" -l 0 $EAL $DEVS --vdev net_null0 -- primary
	wait_for prim 'primary: ready' 30 || fail "the primary did not start"
	# shellcheck disable=SC2086
	"$wdenv" "${WD_DEBUG_SEC:-$client}" -l 1 $EAL $SEC $DEVS --log-level=bus.wd:info \
		--log-level=pmd.crypto.wd_sec:info -- secondary 3000 >"$work/sec1.out" 2>&1 ||
		fail "the secondary's ops were not all right"
	read -r ok err cp cperr <<<"$(mp_result sec1 secondary)"
	[ "${ok:-0}" = 3000 ] && [ "$err" = 0 ] && [ "$cp" = 3000 ] && [ "$cperr" = 0 ] ||
		fail "secondary: '$ok $err $cp $cperr'"
	grep -q 'cryptodev 0 of the primary process' "$work/sec1.out" ||
		fail "the secondary did not attach to the primary's cryptodev"
	echo "secondary: 3000 ciphered ops and 3000 copies verified on queue pair 1 / vchan 1"
	# shellcheck disable=SC2086
	"$wdenv" dpdk-proc-info $EAL $SEC $DEVS -- --show-crypto >"$work/info.out" 2>&1 ||
		fail "dpdk-proc-info --show-crypto failed"
	enq=$(sed -n "s/.*enqueue count (\([0-9]*\)) error (0).*/\1/p" "$work/info.out" | head -1)
	[ "${enq:-0}" -gt 3000 ] || fail "dpdk-proc-info: enqueued count '${enq:-}'"
	echo "dpdk-proc-info --show-crypto: enqueue count $enq, 0 errors"

	# killed with ops in flight on both devices
	# shellcheck disable=SC2086
	start hang "$wdenv" "$client" -l 1 $EAL $SEC $DEVS -- hang
	wait_for hang 'hang: in flight' 30 || fail "the hanging secondary did not submit"
	finish hang KILL
	alive prim
	# another WD_EMU: the primary's devices are used all the same
	# shellcheck disable=SC2086
	WD_EMU=hisi_sec_v1:3,wd_dummy_v1:4 "$wdenv" "$client" -l 1 $EAL $SEC $DEVS \
		-- secondary 500 >"$work/sec2.out" 2>&1 || fail "the secondary with another WD_EMU"
	# what the killed one left in flight came out done, to the next user
	grep -q '^drained: 256 ops done, 0 failed; 32 copies, 0 failed' "$work/sec2.out" ||
		fail "the killed secondary's ops: $(grep '^drained' "$work/sec2.out")"
	grep -q "WD_EMU='hisi_sec_v1:3,wd_dummy_v1:4' here, '${WD_EMU:-}' in the primary" \
		"$work/sec2.out" || fail "no word about the WD_EMU mismatch"
	echo "a secondary after the SIGKILLed one, with another WD_EMU: took its 256 ops and 32" \
		"copies (all done right), then 500 + 500 verified"
	# no wd bus in the secondary at all: nothing probed, nothing broken
	# shellcheck disable=SC2086
	dpdk-proc-info $EAL $SEC -- --show-crypto >"$work/nobus.out" 2>&1
	alive prim
	finish prim INT || fail "the primary failed"
	read -r ok err cp cperr <<<"$(mp_result prim primary)"
	[ "${ok:-0}" -gt 0 ] && [ "$err" = 0 ] && [ "$cp" -gt 0 ] && [ "$cperr" = 0 ] ||
		fail "primary: '$ok $err $cp $cperr'"
	echo "PASS: primary ciphered $ok ops and made $cp copies, 0 errors, through it all"
	;;
net)
	emu hisi_hns_v1:2:queues=1:wire=tap
	DEVS="-b wd:hisi_hns0 -b wd:hisi_hns1 --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,dev=hisi_hns1"
	mkfifo "$work/in"
	exec 3<>"$work/in"	# read-write: opening it does not wait for a reader
	# shellcheck disable=SC2086
	START_IN=$work/in start tp "$wdenv" dpdk-testpmd -l 0-1 $EAL $DEVS -- -i \
		--forward-mode=io --no-mlockall
	wait_for tp 'testpmd> ' 30 || fail "testpmd did not start"
	echo start >&3
	taps_up $IF0 $IF1
	traffic $IF0 $IF1 200 before || fail "testpmd does not forward"
	# shellcheck disable=SC2086
	"$wdenv" dpdk-proc-info $EAL $SEC --log-level=pmd.raw.wd_hns:notice -- --stats \
		>"$work/stats.out" 2>&1 || fail "dpdk-proc-info --stats failed"
	rx0=$(awk '/NIC statistics for port 0/ { p = 1 } p && /RX-packets:/ { print $2; exit }' \
		"$work/stats.out")
	tx1=$(awk '/NIC statistics for port 1/ { p = 1 } p && /TX-packets:/ { print $2; exit }' \
		"$work/stats.out")
	[ "${rx0:-0}" -ge 200 ] && [ "${tx1:-0}" -ge 200 ] ||
		fail "dpdk-proc-info --stats: port 0 RX '${rx0:-}', port 1 TX '${tx1:-}'"
	grep -q 'rawdev has no multi-process support' "$work/stats.out" ||
		fail "raw_wd_hns did not say why it stays out of the secondary"
	echo "dpdk-proc-info --stats: port 0 RX-packets $rx0, port 1 TX-packets $tx1"
	# shellcheck disable=SC2086
	"$wdenv" dpdk-proc-info $EAL $SEC -- --xstats >"$work/xstats.out" 2>&1 ||
		fail "dpdk-proc-info --xstats failed"
	wrx=$(awk '/statistics for port 0/ { p = 1 } p && /wire_rx_packets:/ { print $2; exit }' \
		"$work/xstats.out")
	[ "${wrx:-0}" -ge 200 ] || fail "dpdk-proc-info --xstats: wire_rx_packets '${wrx:-}'"
	echo "dpdk-proc-info --xstats: port 0 wire_rx_packets $wrx"
	# dpdk-dumpcap makes its own EAL arguments (no -d): the PMD comes
	# preloaded. So does librte_mempool_dpaa, which Debian's dpdk-testpmd
	# links: it registers first there, and mempool drivers are numbered in
	# the order they register; without it dumpcap's "ring_mp_mc" pool is
	# "dpaa2" in testpmd, and every copy of a frame fails (not ours: the
	# same with net_null).
	WD_PLUGINS=0 start cap "$wdenv" env \
		LD_PRELOAD="librte_mempool_dpaa.so.23 librte_net_wd.so" dpdk-dumpcap \
		--file-prefix=$prefix -i net_wd0 -p -w "$work/cap.pcapng"
	wait_for cap 'Packets captured' 30 || fail "dpdk-dumpcap did not start"
	sleep 0.5
	traffic $IF0 $IF1 100 dumpcap || fail "testpmd stopped forwarding under capture"
	# -p: without it dumpcap turns promiscuous mode off at exit (even
	# though testpmd had it on), and net_wd then filters these frames out
	finish cap INT || fail "dpdk-dumpcap failed"
	tcpdump -nr "$work/cap.pcapng" >"$work/cap.txt" 2>/dev/null
	n=$(grep -Ec '198\.51\.100\.[0-9]+\.[0-9]+ > 203\.0\.113\.7\.4789' "$work/cap.txt")
	[ "$n" = 100 ] || fail "tcpdump read $n of our 100 frames from the capture"
	echo "dpdk-dumpcap: tcpdump reads $n of the injected frames from net_wd0's capture"
	alive tp
	traffic $IF0 $IF1 200 after || fail "testpmd stopped forwarding"
	echo quit >&3
	finish tp TERM >/dev/null 2>&1
	grep -q 'Bye' "$work/tp.out" || fail "testpmd did not exit cleanly"
	! grep -E 'cannot (un)?map|ERR' "$work/tp.out" || fail "testpmd logged errors"
	echo "PASS: proc-info and dumpcap on net_wd; testpmd forwarded before, during and after"
	;;
symmp)
	emu hisi_hns_v1:2:queues=2:wire=tap
	app=$("$top/devtools/build-example" multi_process/symmetric_mp) || exit 1
	DEVS="-b wd:hisi_hns0 -b wd:hisi_hns1 --vdev net_wd0,dev=hisi_hns0,queues=2"
	DEVS="$DEVS --vdev net_wd1,dev=hisi_hns1,queues=2"
	ARGS="-p 3 --num-procs=2"
	# shellcheck disable=SC2086
	start p0 "$wdenv" "$app" -l 0 $EAL $DEVS --proc-type=primary -- $ARGS --proc-id=0
	wait_for p0 'using queue 0' 30 || fail "symmetric_mp 0 did not start"
	# shellcheck disable=SC2086
	start p1 "$wdenv" "$app" -l 1 $EAL $SEC -- $ARGS --proc-id=1
	wait_for p1 'using queue 1' 30 || fail "symmetric_mp 1 did not start"
	taps_up $IF0 $IF1
	traffic $IF0 $IF1 400 east || fail "not every frame was forwarded 0 -> 1"
	traffic $IF1 $IF0 400 west || fail "not every frame was forwarded 1 -> 0"
	finish p1 INT || fail "symmetric_mp 1 failed"
	rx1=$(sed -n 's/^Port 0: RX - \([0-9]*\).*/\1/p' "$work/p1.out")
	[ "${rx1:-0}" -gt 0 ] || fail "the secondary forwarded nothing"
	echo "symmetric_mp secondary: $(grep '^Port' "$work/p1.out" | tr '\n' ' ')"
	# the secondary dies by SIGKILL; a new one takes its queues
	# shellcheck disable=SC2086
	start p1b "$wdenv" "$app" -l 1 $EAL $SEC -- $ARGS --proc-id=1
	wait_for p1b 'using queue 1' 30 || fail "symmetric_mp 1 did not start again"
	finish p1b KILL
	alive p0
	# shellcheck disable=SC2086
	start p1c "$wdenv" "$app" -l 1 $EAL $SEC -- $ARGS --proc-id=1
	wait_for p1c 'using queue 1' 30 || fail "symmetric_mp 1 did not start after the kill"
	traffic $IF0 $IF1 400 again || fail "not every frame forwarded after the kill"
	finish p1c INT || fail "symmetric_mp 1 (third) failed"
	finish p0 INT || fail "symmetric_mp 0 failed"
	rx0=$(sed -n 's/^Port 0: RX - \([0-9]*\).*/\1/p' "$work/p0.out")
	[ "${rx0:-0}" -gt 0 ] || fail "the primary forwarded nothing"
	echo "symmetric_mp primary: $(grep '^Port' "$work/p0.out" | tr '\n' ' ')"
	echo "PASS: symmetric_mp on net_wd, both processes forwarding, every frame out"
	;;
*)
	echo "usage: multi_process.sh <wd-env> <build dir> crypto|net|symmp" >&2
	exit 2
	;;
esac
