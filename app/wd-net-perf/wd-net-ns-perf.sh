#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Kernel stack to kernel stack through testpmd: two network namespaces,
# ns1 and ns2, each with one interface that a testpmd port reaches; testpmd
# forwards in io mode between its two ports; the kernel's pktgen in ns1
# sends UDP frames to ns2 for a fixed time, and the frames ns2's interface
# receives per second are the result. One row per PMD and frame size:
#   net_wd         two net_wd ports on the kernel HNS engine (wd_hns.ko
#                  loaded: devices hisi_hns0/1, netdevs wdhns0/1)
#   net_tap        two TAP interfaces testpmd creates
#   net_af_packet  two veth pairs, testpmd on the root ends
# Runs as root, inside the VM (devtools/vm-run, see wd-net-ns-perf-vm) or
# on any Linux host with hugepages; the only traffic is between the
# namespaces it creates (192.0.2.0/24, documentation addresses).
#
#   app/wd-net-perf/wd-net-ns-perf.sh [seconds (5)]
#
# Environment: WD_BUILD_DIR (build dir), PMDS (default "net_wd net_tap
# net_af_packet"), SIZES (frame sizes with FCS, default "64 1518").
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-5}
work=$(mktemp -d)
pid=""
unset WD_EMU

cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del wdns1 2>/dev/null
	ip netns del wdns2 2>/dev/null
	ip link del wdv1p 2>/dev/null
	ip link del wdv2p 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "wd-net-ns-perf: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (namespaces, pktgen)"
# pktgen; tun and veth for the peers (/dev/net/tun appears with tun.ko)
for m in pktgen tun veth; do
	modprobe $m 2>/dev/null
done
[ -e /proc/net/pktgen/pgctrl ] || die "no pktgen (modprobe pktgen failed)"

# testpmd in the background, commands through a FIFO.
tp_start() { # EAL args...
	rm -f "$work/in"
	mkfifo "$work/in"
	stdbuf -oL -eL "$top/devtools/wd-env" dpdk-testpmd -l 0-1 -m 256 --no-pci \
		--iova-mode=va --file-prefix=wdnsperf "$@" -- -i --forward-mode=io \
		--total-num-mbufs=8192 --rxd=512 --txd=512 <"$work/in" >"$work/out" 2>&1 &
	pid=$!
	exec 3>"$work/in"
	local i
	for i in $(seq 600); do
		grep -q 'testpmd> ' "$work/out" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tail -20 "$work/out" >&2
	die "testpmd did not start"
}
tp_stop() {
	echo quit >&3
	exec 3>&-
	local i
	for i in $(seq 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
}

# The PMD's two interfaces end up as $if1 in wdns1 and $if2 in wdns2.
setup() { # pmd
	ip netns add wdns1
	ip netns add wdns2
	case $1 in
	net_wd)
		[ -e /sys/class/wd_dev/hisi_hns1 ] || die "net_wd: load wd.ko and wd_hns.ko first"
		if1=wdhns0
		if2=wdhns1
		ip link set $if1 netns wdns1 || die "net_wd: no $if1"
		ip link set $if2 netns wdns2 || die "net_wd: no $if2"
		tp_start --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,dev=hisi_hns1
		;;
	net_tap)
		if1=wdtap1
		if2=wdtap2
		tp_start --vdev net_tap0,iface=$if1 --vdev net_tap1,iface=$if2
		# started while the TAPs are in testpmd's namespace (it sets
		# their links up by name), then moved; the queues are fds
		echo "start" >&3
		sleep 1
		if ! ip link set $if1 netns wdns1 || ! ip link set $if2 netns wdns2; then
			tail -20 "$work/out" >&2
			die "net_tap: testpmd made no $if1/$if2"
		fi
		;;
	net_af_packet)
		if1=wdv1
		if2=wdv2
		ip link add $if1 netns wdns1 type veth peer name wdv1p
		ip link add $if2 netns wdns2 type veth peer name wdv2p
		ip link set wdv1p up
		ip link set wdv2p up
		tp_start --vdev net_af_packet0,iface=wdv1p --vdev net_af_packet1,iface=wdv2p
		;;
	*) die "unknown PMD $1" ;;
	esac
	ip -n wdns1 addr add 192.0.2.1/24 dev $if1
	ip -n wdns2 addr add 192.0.2.2/24 dev $if2
	ip -n wdns1 link set $if1 up
	ip -n wdns2 link set $if2 up
	echo "start" >&3
	# the path works before it is measured
	ip netns exec wdns1 ping -c 1 -W 5 192.0.2.2 >/dev/null ||
		ip netns exec wdns1 ping -c 2 -W 5 192.0.2.2 >/dev/null ||
		die "$1: no ping between the namespaces"
}

teardown() {
	tp_stop
	ip netns del wdns1
	ip netns del wdns2
	ip link del wdv1p 2>/dev/null
	ip link del wdv2p 2>/dev/null
	# netdevs of a module go back to the root namespace
	sleep 0.5
}

rx_packets() {
	ip netns exec wdns2 cat /sys/class/net/$if2/statistics/rx_packets
}

pgset() { # file command
	ip netns exec wdns1 sh -c "echo '$2' > /proc/net/pktgen/$1" ||
		die "pktgen: '$2' refused by $1"
}

# pktgen frames of $1 bytes (with FCS) from wdns1 to wdns2 for $secs;
# prints the receive rate in packets per second.
measure() { # size
	local mac thr=kpktgend_0 r0 r1 t0 t1
	mac=$(ip netns exec wdns2 cat /sys/class/net/$if2/address)
	pgset $thr "rem_device_all"
	pgset $thr "add_device $if1"
	pgset "$if1" "count 0"
	pgset "$if1" "pkt_size $(($1 - 4))"
	pgset "$if1" "delay 0"
	pgset "$if1" "dst 192.0.2.2"
	pgset "$if1" "dst_mac $mac"
	pgset "$if1" "udp_dst_min 9"
	pgset "$if1" "udp_dst_max 9"
	ip netns exec wdns1 sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	local gen=$!
	sleep 1		# ramp up
	r0=$(rx_packets)
	t0=$(date +%s%N)
	sleep "$secs"
	r1=$(rx_packets)
	t1=$(date +%s%N)
	ip netns exec wdns1 sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait $gen 2>/dev/null
	echo $(((r1 - r0) * 1000000000 / (t1 - t0)))
}

pmds=${PMDS:-net_wd net_tap net_af_packet}
sizes=${SIZES:-64 1518}
declare -A pps
for pmd in $pmds; do
	setup "$pmd"
	for size in $sizes; do
		pps[$pmd,$size]=$(measure "$size")
		echo "$pmd $size B: ${pps[$pmd,$size]} pps" >&2
	done
	teardown
done

printf '%-14s %6s %12s' PMD frame "rx pps"
first=${pmds%% *}
for p in $pmds; do
	[ "$p" = "$first" ] || printf '  %-16s' "vs $p"
done
echo
for size in $sizes; do
	for pmd in $pmds; do
		printf '%-14s %4d B %12d' "$pmd" "$size" "${pps[$pmd,$size]}"
		if [ "$pmd" = "$first" ]; then
			for p in $pmds; do
				[ "$p" = "$first" ] && continue
				awk -v a="${pps[$pmd,$size]}" -v b="${pps[$p,$size]}" \
					'BEGIN { printf "  x%-15.2f", (b > 0 ? a / b : 0) }'
			done
		fi
		echo
	done
done
