#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# DPDK's dma example (dmafwd), unmodified (built from dpdk-doc), with its
# default options (--copy-type hw, ring size 2048) on two dma_wd_dummy
# devices (ring depth 512) and two net_wd ports whose wires are TAP
# interfaces. The kernel injects frames into both TAPs; dmafwd copies
# each one with the DMA engine and sends the copy back out of its port;
# every frame must come back out of its TAP with its payload intact,
# dmafwd's DMA counters must show the copies, and it must exit cleanly.
# Runs in a private network namespace (TAP names cannot clash).
#   dmafwd_net_wd.sh <wd-env> <build dir>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${WD_IN_NETNS:-}" ]; then
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	WD_IN_NETNS=1 exec unshare -n "$0" "$@" || { echo "SKIP: unshare -n failed"; exit 77; }
fi
ip tuntap add dev wdcaptest mode tap 2>/dev/null || { echo "SKIP: no CAP_NET_ADMIN"; exit 77; }
ip tuntap del dev wdcaptest mode tap
export WD_SYSFS_ROOT=/nonexistent
export WD_EMU=wd_dummy_v1:2,hisi_hns_v1:2:queues=1:wire=tap
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	echo "--- dmafwd output:"
	tr '\033' '\n' <"$work/out" | grep -v '^\[' | grep -v '^ *$' | tail -40
	exit 1
}
app=$("$top/devtools/build-example" dma) || exit 1

# shellcheck source=dmafwd_tap.sh
. "$(dirname "$0")/dmafwd_tap.sh"
dmafwd_start --no-huge --no-pci --no-shconf
grep -q 'Ring Size = 2048' "$work/out" || fail "not the default ring size"

# 400 frames of 60..1514 bytes, into the two TAPs in turn; dmafwd sends
# each copy back out of the port it came in on.
/usr/bin/python3 - >"$work/frames" 2>&1 <<'PY'
import select, socket, struct, sys, time
N = 400
IFS = ('hisi_hns0', 'hisi_hns1')
socks = []
for name in IFS:
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
    s.bind((name, 0))
    socks.append(s)
sent = {}
for seq in range(N):
    size = 60 + (seq * 379) % (1514 - 60 + 1)
    body = struct.pack('!I', seq) + bytes((seq * 7 + k) & 0xff for k in range(size - 18))
    frame = b'\x02\x00\x00\x00\x00\x09' + b'\x02\x00\x00\x00\x00\x08' + b'\x88\xb5' + body
    sent[seq] = body
    socks[seq % 2].send(frame)
    time.sleep(0.002)
bad = 0
seen = set()
end = time.time() + 3
while time.time() < end and len(seen) < N:
    ready, _, _ = select.select(socks, [], [], 0.2)
    for s in ready:
        f, addr = s.recvfrom(4096)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        seq = struct.unpack('!I', f[14:18])[0]
        if seq in sent and IFS[seq % 2] == addr[0] and f[14:] == sent[seq]:
            seen.add(seq)
        else:
            bad += 1
print('sent %d frames, %d came back copied intact, %d damaged' % (N, len(seen), bad))
sys.exit(0 if len(seen) == N and bad == 0 else 1)
PY
prc=$?
cat "$work/frames"
sleep 1.5	# one more statistics print
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $pid 2>/dev/null && fail "dmafwd did not exit after SIGINT"
wait $pid
rc=$?
pid=""
[ $prc = 0 ] || fail "frames lost or damaged through dmafwd"
[ $rc = 0 ] || fail "dmafwd exit status $rc"
grep -q 'Bye' "$work/out" || fail "no clean exit"
grep -Eq 'remove failed|left [0-9]+ queues open' "$work/out" && fail "cleanup errors"
# the last statistics print: copies done by the two DMA channels, none failed
tr '\033' '\n' <"$work/out" | awk '
	/Total completed ops:/ && !/ops\/s/ { c[ch] = $4 }
	/Total failed ops:/ && !/ops\/s/ { f[ch] = $4 }
	/^DMA channel/ { ch = $3 }
	END { for (k in c) { n++; tc += c[k]; tf += f[k] }; print n, tc, tf }' >"$work/dma"
read -r nch completed failed <"$work/dma"
echo "dmafwd: $nch DMA channels, $completed copies completed, $failed failed"
[ "${nch:-0}" = 2 ] || fail "expected 2 DMA channels in dmafwd's statistics"
[ "${completed:-0}" -ge 400 ] || fail "only ${completed:-0} DMA copies completed"
[ "${failed:-1}" = 0 ] || fail "$failed DMA copies failed"
echo "PASS: dmafwd (default ring size 2048, --copy-type hw) copied every frame via dma_wd_dummy"
