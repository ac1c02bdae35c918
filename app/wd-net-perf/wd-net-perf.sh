#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# testpmd io forwarding over two back-to-back ports, net_wd (emulated HNS
# ring pairs on a pair wire) against Debian's net_memif and net_ring pairs
# in the same run, at 64 B and 1518 B. Layout on 2 CPUs: testpmd's main
# lcore on CPU 0 (interactive: it sleeps in read()), its one forwarding
# lcore on CPU 1, the emulated engine where the wd bus places it (CPU 0,
# the main lcore's, SCHED_FIFO: doc/guides/buses/wd.rst). Prints Mpps
# (frames forwarded per second, both directions) and the forwarding
# core's cycles per packet.
#
#   app/wd-net-perf/wd-net-perf.sh [seconds (3)] [bursts in flight per port (8)]
#
# Environment: WD_BUILD_DIR (build dir), PMDS (default "net_wd net_memif net_ring"),
# SIZES (default "64 1518"), WD_HUGE_DIR (a hugetlbfs mount: DPDK's memory
# in hugepages there; default --no-huge, 4 KiB pages).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-3}
bursts=${2:-8}
export WD_SYSFS_ROOT=/nonexistent
export WD_EMU=hisi_hns_v1:1:queues=2:wire=pair
if [ -n "${WD_HUGE_DIR:-}" ]; then
	mem=(--huge-dir "$WD_HUGE_DIR" --huge-unlink --file-prefix "wdnet$$")
else
	mem=(--no-huge)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

vdevs() {
	case $1 in
	net_wd) echo "--vdev net_wd0 --vdev net_wd1" ;;
	net_memif) echo "--vdev net_memif0,role=server,socket=$work/memif.sock" \
		"--vdev net_memif1,role=client,socket=$work/memif.sock" ;;
	net_ring) echo "--vdev net_ring0 --vdev net_ring1" ;;
	esac
}

run() { # pmd size
	local mbufs=16384
	# shellcheck disable=SC2046
	{
		sleep 2
		echo "set txpkts $2"
		echo "start tx_first $bursts"
		sleep 1
		echo "show port stats all"
		sleep "$secs"
		echo "show port stats all"
		echo "stop"
		sleep 1
		echo "quit"
	} | stdbuf -oL "$top/devtools/wd-env" dpdk-testpmd -l 0-1 "${mem[@]}" -m 512 --no-pci \
		--no-shconf $(vdevs "$1") -- -i --total-num-mbufs=$mbufs --rxd="${RING:-1024}" --txd="${RING:-1024}" \
		--record-core-cycles --max-pkt-len=1518 >"$work/$1.$2" 2>&1
	local rc=${PIPESTATUS[1]}
	[ "$rc" = 0 ] || { echo "$1 $2 B: testpmd exited with $rc" >&2; tail -5 "$work/$1.$2" >&2; }
	# Rx-pps of both ports from the second report; cycles/packet from stop.
	tr -d '\r' <"$work/$1.$2" | awk -v pmd="$1" -v size="$2" '
		/Rx-pps:/ { n++; if (n > 2) pps += $2 }
		/CPU cycles\/packet=/ { split($0, a, "CPU cycles/packet="); split(a[2], b, " ");
			cyc = b[1] }
		END { printf "%-10s %5s B  %7.2f Mpps  %8s cycles/packet\n", pmd, size,
			pps / 1e6, cyc == "" ? "?" : cyc }'
}

printf '%-10s %7s  %12s  %s\n' PMD frame "io fwd rate" "fwd-core cycles/packet"
for size in ${SIZES:-64 1518}; do
	for pmd in ${PMDS:-net_wd net_memif net_ring}; do
		run "$pmd" "$size"
	done
done
