#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# A DPDK secondary process never harms the primary. The primary is DPDK's
# dma example (dmafwd, unmodified, --copy-type hw) on two dma_wd_dummy
# devices and two net_wd ports on TAP wires; the secondary is Debian's
# dpdk-proc-info with the same WD_EMU in its environment and every wd
# plugin loaded. The wd bus in the secondary must refuse with one log
# line and probe nothing; the primary must keep copying frames (checked
# with traffic before and after) and exit cleanly.
# Needs hugepages (secondaries cannot use --no-huge): the test runs in a
# private mount and network namespace, mounts its own hugetlbfs, raises
# vm.nr_hugepages by what it needs and gives them back at the end; it is
# skipped (77) when the machine cannot provide them.
#   secondary_refused.sh <wd-env> <build dir>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
PAGES=320	# 2 MiB pages: dmafwd's pool of 64 Ki mbufs and the rest
if [ -z "${WD_IN_NS:-}" ]; then
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	[ -w /proc/sys/vm/nr_hugepages ] || { echo "SKIP: cannot set vm.nr_hugepages"; exit 77; }
	WD_IN_NS=1 exec unshare -m -n --propagation private "$0" "$@" ||
		{ echo "SKIP: unshare -m -n failed"; exit 77; }
fi
ip tuntap add dev wdcaptest mode tap 2>/dev/null || { echo "SKIP: no CAP_NET_ADMIN"; exit 77; }
ip tuntap del dev wdcaptest mode tap
export WD_SYSFS_ROOT=/nonexistent
export WD_EMU=wd_dummy_v1:2,hisi_hns_v1:2:queues=1:wire=tap
work=$(mktemp -d)
prefix=wdmp$$
pid=""
raised=0
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	umount "$work/huge" 2>/dev/null
	if [ $raised = 1 ]; then
		now=$(cat /proc/sys/vm/nr_hugepages)
		echo $((now > PAGES ? now - PAGES : 0)) >/proc/sys/vm/nr_hugepages
	fi
	rm -rf "$work" "/var/run/dpdk/$prefix"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	echo "--- dmafwd (primary) output:"
	tr '\033' '\n' <"$work/out" | grep -v '^\[' | grep -v '^ *$' | tail -30
	[ -f "$work/sec" ] && { echo "--- dpdk-proc-info (secondary) output:"; tail -20 "$work/sec"; }
	exit 1
}
app=$("$top/devtools/build-example" dma) || exit 1

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

# 100 frames into both TAPs; each must come back copied (dmafwd sends a
# copy out of the port a frame came in on).
traffic() { # tag
	/usr/bin/python3 - "$1" <<'PY'
import select, socket, struct, sys, time
N = 100
tag = sys.argv[1].encode()
IFS = ('hisi_hns0', 'hisi_hns1')
socks = []
for name in IFS:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    s.bind((name, 0))
    socks.append(s)
sent = {}
for seq in range(N):
    body = struct.pack('!I', seq) + tag + bytes((seq + k) & 0xff for k in range(40 + seq * 9))
    sent[seq] = body
    socks[seq % 2].send(b'\x02\x00\x00\x00\x00\x09\x02\x00\x00\x00\x00\x08\x88\xb5' + body)
    time.sleep(0.002)
seen = set()
end = time.time() + 3
while time.time() < end and len(seen) < N:
    for s in select.select(socks, [], [], 0.2)[0]:
        f, addr = s.recvfrom(4096)
        seq = struct.unpack('!I', f[14:18])[0]
        if addr[2] != socket.PACKET_OUTGOING and f[14:] == sent.get(seq):
            seen.add(seq)
print('%s: %d of %d frames came back copied' % (tag.decode(), len(seen), N))
sys.exit(0 if len(seen) == N else 1)
PY
}

# shellcheck source=dmafwd_tap.sh
. "$(dirname "$0")/dmafwd_tap.sh"
# shellcheck disable=SC2086
dmafwd_start $EAL
traffic before || fail "the primary does not forward"

# the secondary, with WD_EMU and all wd plugins, while the primary copies
"$wdenv" dpdk-proc-info $EAL --proc-type=secondary --log-level=bus.wd:info -- --stats \
	>"$work/sec" 2>&1
src=$?
grep -q 'secondary process: WrapDrive devices stay with the primary' "$work/sec" ||
	fail "the secondary did not log the refusal"
[ "$(grep -c 'WrapDrive devices stay with the primary' "$work/sec")" = 1 ] ||
	fail "the refusal was logged more than once"
grep -Eq 'found wd_|bound to|dmadev [0-9]+ with' "$work/sec" && fail "the secondary probed devices"
sleep 1
kill -0 $pid 2>/dev/null || { wait $pid; echo "primary exit status $?"; pid=""; fail "the primary died"; }
traffic after || fail "the primary stopped forwarding after the secondary ran"
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $pid 2>/dev/null && fail "dmafwd did not exit after SIGINT"
wait $pid
rc=$?
pid=""
[ $rc = 0 ] || fail "dmafwd exit status $rc"
grep -q 'Bye' "$work/out" || fail "dmafwd did not exit cleanly"
echo "secondary (dpdk-proc-info) exit status $src; its wd bus line:"
grep 'stay with the primary' "$work/sec"
echo "PASS: the secondary refused the wd devices; the primary kept copying and exited cleanly"
