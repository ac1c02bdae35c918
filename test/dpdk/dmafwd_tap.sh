# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# Sourced by the dmafwd tests: start DPDK's dma example (dmafwd, default
# options, --copy-type hw) on dma_wd_dummy and two net_wd ports whose wires
# are TAPs (raw_wd_hns kept off the ring pairs), wait until it forwards,
# and bring the TAPs up. Uses the caller's $wdenv, $app, $work and fail();
# sets $pid. Extra arguments are EAL options.
dmafwd_start() {
	local i=0 d
	stdbuf -oL "$wdenv" "$app" -l 0-1 -m 512 "$@" -b wd:hisi_hns0 -b wd:hisi_hns1 \
		--vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,dev=hisi_hns1 -- --copy-type hw \
		>"$work/out" 2>&1 &
	pid=$!
	until grep -q 'Aggregate statistics' "$work/out"; do
		kill -0 "$pid" 2>/dev/null || { pid=""; fail "dmafwd stopped"; }
		[ $i -lt 300 ] || fail "dmafwd did not start forwarding"
		sleep 0.1
		i=$((i + 1))
	done
	for d in hisi_hns0 hisi_hns1; do
		echo 1 >"/proc/sys/net/ipv6/conf/$d/disable_ipv6" 2>/dev/null
		ip link set "$d" up || fail "no TAP $d"
	done
}
