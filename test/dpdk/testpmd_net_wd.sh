#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Acceptance of net_wd with Debian's dpdk-testpmd (emulated HNS ring pairs):
#   b2b   two net_wd ports cabled back to back (one device, wire=pair): io,
#         mac, txonly (also 3-segment frames) and jumbo frames over RX BDs;
#         after each run an rxonly pass drains the wire, then every packet
#         and byte one port sent is one the other received
#   peer  the same over two devices (wire=peer, one engine each), io only
#   multiq  two ports of 2 queue pairs each (4 ring pairs, 0<->2, 1<->3), io
#   tap   one port on a TAP wire: the kernel pings an address behind it and
#         testpmd's icmpecho answers (needs CAP_NET_ADMIN and /dev/net/tun)
#   csum  RX/TX IPv4/UDP/TCP checksum offloads offered; on a TAP wire,
#         frames with bad checksums from the kernel side are flagged
#         (testpmd's csum engine counts them) and come back repaired by the
#         device (testpmd asks for hw checksums); good ones flagged GOOD
#   baddevargs  bad devargs fail with a clear message
#   testpmd_net_wd.sh <wd-env> <build dir> <scenario>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
scenario=$3
export WD_SYSFS_ROOT=/nonexistent
work=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	exec 3>&- 2>/dev/null
	[ -n "${KEEP:-}" ] && cp "$work/out" /tmp/hnswork/tp.out; rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- testpmd output:"; tr -d '\r' <"$work/out" | tail -60; exit 1; }
# -m 128: bus/wd unmaps page by page at exit, slowly for large memory
EAL="--no-huge -m 128 --no-pci --no-shconf"
TP="-i --total-num-mbufs=8192 --rxd=512 --txd=512"

# testpmd in the background, commands through a FIFO.
tp_start() { # vdev args...
	mkfifo "$work/in"
	stdbuf -oL -eL "$wdenv" dpdk-testpmd -l 0-1 $EAL "$@" -- $TP ${TP_EXTRA:-} <"$work/in" \
		>"$work/out" 2>&1 &
	pid=$!
	exec 3>"$work/in"
	tp_wait 'testpmd> ' 30 || fail "testpmd did not start"
}
tp() { echo "$*" >&3; }
# wait until the output has a line matching $1 (count $3, default any new)
tp_wait() { # pattern timeout_s
	local i=0
	while [ $i -lt $(($2 * 10)) ]; do
		grep -q "$1" "$work/out" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
tp_quit() {
	tp quit
	local i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$pid" 2>/dev/null && fail "testpmd did not exit"
	wait "$pid"
	local rc=$?
	pid=""
	[ $rc = 0 ] || fail "testpmd exited with $rc"
}

# The last statistics of a port:
# "<rx-pkts> <rx-bytes> <tx-pkts> <tx-bytes> <rx-err> <tx-err> <rx-missed>"
port_stats() { # port
	tr -d '\r' <"$work/out" | awk -v hdr="# NIC statistics for port $1 " '
		index($0, hdr) { on = 1; rp = rb = re = tp = tb = te = rm = "?"; next }
		on && /^ *#+ *$/ { on = 0 }
		on && /RX-packets:/ { rp = $2; rm = $4; rb = $6 }
		on && /RX-errors:/ { re = $2 }
		on && /TX-packets:/ { tp = $2; te = $4; tb = $6 }
		END { print rp, rb, tp, tb, re, te, rm }'
}
nstats() { grep -c "NIC statistics for port 1 " "$work/out"; }

# One forwarding run, then drain with rxonly; check conservation: what a
# port sent, the other received or (without flow control) missed for
# want of RX buffers. MIN: packets port 0 must send at least (1000).
# MISSED=0: no packet may be missed.
run_mode() { # mode extra-commands...
	local mode=$1 n s0 s1 i
	shift
	[ $# = 0 ] || echo "$mode with: $*"
	tp "clear port stats all"
	for c in "$@"; do tp "$c"; done
	tp "set fwd $mode"
	if [ "$mode" = io ] || [ "$mode" = mac ]; then tp "start tx_first 4"; else tp start; fi
	sleep 1
	tp stop
	tp "set fwd rxonly"
	tp start
	sleep 0.5
	tp stop
	n=$(nstats)
	tp "show port stats all"
	i=0
	while [ "$(nstats)" = "$n" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 0.2
	s0=$(port_stats 0)
	s1=$(port_stats 1)
	# shellcheck disable=SC2086
	set -- $s0 $s1
	echo "$mode: port0 rx $1 pkts/$2 B missed $7, tx $3 pkts/$4 B;" \
		"port1 rx $8 pkts/$9 B missed ${14}, tx ${10} pkts/${11} B"
	[ "$3" -gt "${MIN:-1000}" ] || fail "$mode: port 0 sent only $3 packets"
	[ "$3" = $(($8 + ${14})) ] || fail "$mode: port 0 sent $3, port 1 got $8 + missed ${14}"
	[ "${10}" = $(($1 + $7)) ] || fail "$mode: port 1 sent ${10}, port 0 got $1 + missed $7"
	if [ "$7" = 0 ] && [ "${14}" = 0 ]; then
		[ "$4" = "$9" ] && [ "${11}" = "$2" ] || fail "$mode: bytes $4 -> $9, ${11} -> $2"
	fi
	[ "${MISSED:-any}" = any ] || [ "$7${14}" = 00 ] || fail "$mode: missed $7 + ${14}"
	[ "$5$6${12}${13}" = 0000 ] || fail "$mode: errors $5 $6 ${12} ${13}"
}

b2b() { # vdev args
	tp_start "$@"
	MISSED=0 run_mode io
	MISSED=0 run_mode mac
	# txonly floods a receiver nobody reads: drops by design, counted
	run_mode txonly
	# with 802.3x flow control the sender waits instead: nothing lost
	MIN=500 MISSED=0 run_mode txonly "set flow_ctrl rx on 0" "set flow_ctrl tx on 0" \
		"set flow_ctrl rx on 1" "set flow_ctrl tx on 1"
	run_mode txonly "set flow_ctrl rx off 0" "set flow_ctrl tx off 0" \
		"set flow_ctrl rx off 1" "set flow_ctrl tx off 1" "set txpkts 64,64,72"
	# jumbo: 3000-byte frames in 2 TX segments land in 2 RX BDs of 2048,
	# which needs the scatter offload: refused without it
	tp "port stop all"
	tp "port config mtu 0 3000"
	tp "port start 0"
	tp_wait 'exceed an RX buffer of 2048 bytes; enable RTE_ETH_RX_OFFLOAD_SCATTER' 10 ||
		fail "3000-byte frames accepted without the scatter offload"
	tp "port stop all"
	tp "port config 0 rx_offload scatter on"
	tp "port config 1 rx_offload scatter on"
	tp "port config mtu 0 3000"
	tp "port config mtu 1 3000"
	tp "port start all"
	run_mode txonly "set txpkts 1500,1500"
	tp "show port xstats 1"
	tp_quit
	grep -q "wire_rx_pauses" "$work/out" || fail "no wire xstats"
	grep -q "wire_tx_link_down_drops: 0" "$work/out" || fail "frames dropped on the wire"
}

case $scenario in
b2b)
	# one device, ring pair 0 <-> 1, its engine on CPU 0 (testpmd waits
	# for commands there), forwarding on CPU 1
	export WD_EMU=hisi_hns_v1:1:queues=2:wire=pair:cpu=0
	b2b --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,mac=02:00:00:00:00:11
	echo "PASS: net_wd back to back (pair wire): io, mac, txonly, multi-segment, jumbo"
	;;
peer)
	export WD_EMU=hisi_hns_v1:2:wire=peer:cpu=0
	tp_start --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,dev=hisi_hns1
	MISSED=0 run_mode io
	tp_quit
	echo "PASS: net_wd back to back (peer wire, two devices)"
	;;
multiq)
	export WD_EMU=hisi_hns_v1:1:queues=4:wire=pair:cpu=0
	TP_EXTRA="--rxq=2 --txq=2" tp_start --vdev net_wd0,queues=2 --vdev net_wd1,queues=2
	MISSED=0 run_mode io
	tp "show port stats all"
	tp_quit
	echo "PASS: net_wd back to back with 2 queue pairs per port"
	;;
tap)
	[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
	ip tuntap add dev wdcaptest mode tap 2>/dev/null || { echo "SKIP: no CAP_NET_ADMIN"; exit 77; }
	ip tuntap del dev wdcaptest mode tap
	export WD_EMU=hisi_hns_v1:1:wire=tap:cpu=0
	ifname=hisi_hns0
	tp_start --vdev net_wd0,mac=02:00:00:00:0a:02
	ip link show "$ifname" >/dev/null 2>&1 || fail "no TAP $ifname"
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" 2>/dev/null
	ip link set "$ifname" up
	ip addr add 198.18.0.1/24 dev "$ifname"
	tp "set fwd icmpecho"
	tp start
	# The kernel's own ping (ARP, then ICMP echo) through a raw socket.
	/usr/bin/python3 - 198.18.0.2 >"$work/ping" 2>&1 <<'PY'
import os, socket, struct, sys, time
dst = sys.argv[1]
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(1.0)
ok = 0
for seq in range(1, 6):
    payload = b'wrapdrive-net_wd' * 3
    hdr = struct.pack('!BBHHH', 8, 0, 0, os.getpid() & 0xffff, seq)
    pkt = struct.pack('!BBHHH', 8, 0, csum(hdr + payload), os.getpid() & 0xffff, seq) + payload
    t0 = time.time()
    s.sendto(pkt, (dst, 0))
    try:
        while True:
            data, addr = s.recvfrom(2048)
            icmp = data[(data[0] & 15) * 4:]
            if addr[0] == dst and icmp[0] == 0 and struct.unpack('!H', icmp[6:8])[0] == seq:
                print('reply from %s seq=%d time=%.3f ms' % (dst, seq, (time.time() - t0) * 1e3))
                ok += 1
                break
    except socket.timeout:
        print('no reply seq=%d' % seq)
print('%d/5 replies' % ok)
sys.exit(0 if ok >= 3 else 1)
PY
	prc=$?
	cat "$work/ping"
	tp stop
	tp "show port stats 0"
	sleep 0.5
	tp_quit
	[ $prc = 0 ] || fail "the kernel's ping got no answer through net_wd"
	grep -q "ARP" "$work/out" || true
	echo "PASS: TAP wire: the kernel's ping to 198.18.0.2 answered by testpmd icmpecho on net_wd"
	;;
csum)
	# Checksum offloads: offered, accepted by testpmd, done by the device.
	# One port on a TAP wire (in a private network namespace); frames with
	# wrong checksums come from the kernel side (a packet socket): the port
	# flags them (testpmd's csum engine counts Bad-ipcsum/Bad-l4csum), the
	# engine sends each back asking the port for the checksums (hw), and
	# every frame returns to the TAP with right ones (checked here).
	if [ -z "${WD_IN_NETNS:-}" ]; then
		[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
		WD_IN_NETNS=1 exec unshare -n "$0" "$@" || { echo "SKIP: unshare -n"; exit 77; }
	fi
	ip tuntap add dev wdcaptest mode tap 2>/dev/null || { echo "SKIP: no CAP_NET_ADMIN"; exit 77; }
	ip tuntap del dev wdcaptest mode tap
	export WD_EMU=hisi_hns_v1:1:wire=tap:cpu=0
	tp_start --vdev net_wd0,mac=02:00:00:00:0a:02
	tp "show port 0 rx_offload capabilities"
	tp "show port 0 tx_offload capabilities"
	tp_wait 'Tx Offloading Capabilities of port 0' 10 || fail "no offload capabilities shown"
	sleep 0.3
	for o in IPV4_CKSUM UDP_CKSUM TCP_CKSUM; do
		awk '/Rx Offloading Capabilities of port 0/ { on = 1 } on && /Per Port/ { print; exit }' \
			"$work/out" | grep -qw "$o" || fail "RX $o not offered"
		awk '/Tx Offloading Capabilities of port 0/ { on = 1 } on && /Per Port/ { print; exit }' \
			"$work/out" | grep -qw "$o" || fail "TX $o not offered"
	done
	tp "port stop all"
	for o in ipv4_cksum udp_cksum tcp_cksum; do tp "port config 0 rx_offload $o on"; done
	for o in ip udp tcp; do tp "csum set $o hw 0"; done
	tp "port start all"
	echo 1 >/proc/sys/net/ipv6/conf/hisi_hns0/disable_ipv6 2>/dev/null
	ip link set hisi_hns0 up || fail "no TAP hisi_hns0"
	tp "set fwd csum"
	tp "set verbose 1"
	tp start
	sleep 0.5
	/usr/bin/python3 - >"$work/frames" 2>&1 <<'PY'
import select, socket, struct, sys, time

def isum(b, s=0):
    if len(b) & 1:
        b += b'\0'
    s += sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def frame(seq, v6, tcp, good):
    pay = struct.pack('!I', seq) + bytes((seq + k) & 0xff for k in range(20 + seq * 7 % 900))
    l4 = (struct.pack('!HHIIBBHHH', 4000 + seq, 80, seq, 0, 0x50, 0x18, 512, 0, 0) if tcp
          else struct.pack('!HHHH', 4000 + seq, 80, 8 + len(pay), 0)) + pay
    proto = 6 if tcp else 17
    if v6:
        src, dst = bytes(range(16)), bytes(range(16, 32))
        l3 = struct.pack('!IHBB', 0x60000000, len(l4), proto, 64) + src + dst
        ps = src + dst + struct.pack('!IxxxB', len(l4), proto)
    else:
        src, dst = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
        l3 = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(l4), seq, 0, 64, proto, 0) + src + dst
        c = ~isum(l3) & 0xffff
        l3 = l3[:10] + struct.pack('!H', c if good else c ^ 0x5a5a) + l3[12:]
        ps = src + dst + struct.pack('!xBH', proto, len(l4))
    c = ~isum(l4, isum(ps)) & 0xffff or 0xffff
    off = 16 if tcp else 6
    l4 = l4[:off] + struct.pack('!H', c if good else c ^ 0x1234) + l4[off + 2:]
    eth = b'\x02\x00\x00\x00\x0a\x02\x02\x00\x00\x00\x0a\x01' + (b'\x86\xdd' if v6 else b'\x08\x00')
    return eth + l3 + l4

def sums_ok(f):
    v6 = f[12:14] == b'\x86\xdd'
    if v6:
        l3, l4 = f[14:54], f[54:]
        proto = l3[6]
        l4 = l4[:struct.unpack('!H', l3[4:6])[0]]
        ps = l3[8:40] + struct.pack('!IxxxB', len(l4), proto)
    else:
        l3 = f[14:34]
        if isum(l3) != 0xffff:
            return False
        proto = l3[9]
        l4 = f[34:14 + struct.unpack('!H', l3[2:4])[0]]
        ps = l3[12:20] + struct.pack('!xBH', proto, len(l4))
    return isum(l4, isum(ps)) == 0xffff

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
s.bind(('hisi_hns0', 0))
sent = {}
n = 0
for good in (False, True):
    for v6 in (False, True):
        for tcp in (False, True):
            for k in range(25):
                sent[n] = (v6, tcp, good)
                s.send(frame(n, v6, tcp, good))
                n += 1
                time.sleep(0.002)
back, wrong = set(), 0
end = time.time() + 3
while time.time() < end and len(back) < n:
    if not select.select([s], [], [], 0.2)[0]:
        continue
    f, addr = s.recvfrom(4096)
    if addr[2] == socket.PACKET_OUTGOING or f[12:14] not in (b'\x08\x00', b'\x86\xdd'):
        continue
    off = 54 if f[12:14] == b'\x86\xdd' else 34
    proto = f[20] if off == 54 else f[23]
    seq = struct.unpack('!I', f[off + (20 if proto == 6 else 8):][:4])[0]
    if seq in sent:
        if sums_ok(f):
            back.add(seq)
        else:
            wrong += 1
bad_v4 = sum(1 for v in sent.values() if not v[0] and not v[2])
bad_all = sum(1 for v in sent.values() if not v[2])
print('sent %d frames (%d with a bad IPv4 header sum, %d with a bad L4 sum); '
      '%d came back with right sums, %d with wrong ones' % (n, bad_v4, bad_all, len(back), wrong))
print('expect %d %d' % (bad_v4, bad_all))
sys.exit(0 if len(back) == n and wrong == 0 else 1)
PY
	prc=$?
	cat "$work/frames"
	tp stop
	tp "set verbose 0"
	tp_wait 'Accumulated forward statistics' 10 || fail "csum forwarding did not stop"
	sleep 0.3
	[ $prc = 0 ] || fail "frames came back with wrong checksums or not at all"
	grep -q 'checksum offload is not supported' "$work/out" && fail "testpmd refused a hw checksum"
	read -r _ bad_v4 bad_all <<EOT
$(grep '^expect' "$work/frames")
EOT
	set -- $(tr -d '\r' <"$work/out" | awk '/Forward statistics for port 0/ { on = 1 }
		on && /Bad-ipcsum:/ { print $2, $4; exit }')
	echo "testpmd csum engine: Bad-ipcsum $1 (sent $bad_v4), Bad-l4csum $2 (sent $bad_all)"
	[ "$1" = "$bad_v4" ] || fail "Bad-ipcsum $1, expected $bad_v4"
	# behind a bad IPv4 header the device does not check L4 (UNKNOWN)
	[ "$2" = $((bad_all - bad_v4)) ] || fail "Bad-l4csum $2, expected $((bad_all - bad_v4))"
	good=$(grep -c 'RTE_MBUF_F_RX_L4_CKSUM_GOOD' "$work/out")
	[ "$good" -ge 100 ] || fail "only $good frames flagged L4_CKSUM_GOOD (100 good sent)"
	grep -q 'RTE_MBUF_F_RX_IP_CKSUM_GOOD' "$work/out" || fail "no IP_CKSUM_GOOD flag"
	tp_quit
	echo "PASS: net_wd checksum offloads: offered, flagged on RX, filled in on TX"
	;;
baddevargs)
	export WD_EMU=hisi_hns_v1:1
	for a in "net_wd0,colour=red" "net_wd0,queues=0" "net_wd0,queues=2x" \
		"net_wd0,mac=01:00:5e:00:00:01" "net_wd0,dev=hisi_hns7" "net_wd0,queues=17"; do
		"$wdenv" dpdk-testpmd -l 0-1 $EAL --vdev "$a" -- $TP </dev/null >"$work/out" 2>&1
		grep -q "failed to initialize net_wd0" "$work/out" || fail "$a accepted"
		grep -q "No probed ethernet devices" "$work/out" || fail "$a: a port exists"
		msg=$(grep -E '^(eth_wd_probe|arg_[a-z]+)\(\): ' "$work/out" | head -1)
		[ -n "$msg" ] || fail "$a: no message from net_wd"
		echo "$a: refused: $msg"
	done
	echo "PASS: bad net_wd devargs refused with a message"
	;;
*)
	echo "unknown scenario $scenario"
	exit 2
	;;
esac
