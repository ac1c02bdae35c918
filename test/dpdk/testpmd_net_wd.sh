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
	# jumbo: 3000-byte frames in 2 TX segments land in 2 RX BDs of 2048
	tp "port stop all"
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
