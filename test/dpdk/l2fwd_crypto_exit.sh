#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 WrapDrive authors
#
# DPDK's l2fwd-crypto example, unmodified (built from dpdk-doc), on two
# net_wd ports (back to back) and two crypto_wd_sec devices whose
# numa_zone_id is unknown, with no socket devarg:
#  - it finds its crypto devices (a real NUMA node, not "Invalid crypto
#    device id used"), runs its AES-CBC + HMAC-SHA1 chain loop;
#  - on SIGINT it exits through rte_eal_cleanup() without stopping its
#    cryptodevs: no "remove failed", every device closed, exit status 0.
#   l2fwd_crypto_exit.sh <wd-env> <build dir>
set -u
wdenv=$1
export WD_BUILD_DIR=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
export WD_SYSFS_ROOT=/nonexistent
export WD_EMU=hisi_sec_v1:2,hisi_hns_v1:1:queues=2:wire=pair
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; echo "--- l2fwd-crypto output:"; grep -v '^ *$' "$work/out" | tail -40; exit 1; }

app=$("$top/devtools/build-example" l2fwd-crypto) || exit 1
key16=00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f
key64=$key16:$key16:$key16:$key16
"$wdenv" "$app" -l 0-1 --no-huge -m 512 --no-pci --no-shconf \
	--log-level=bus.wd:info --vdev net_wd0,dev=hisi_hns0 --vdev net_wd1,dev=hisi_hns0 -- \
	-p 0x3 -T 1 --chain CIPHER_HASH --cipher_op ENCRYPT --cipher_algo aes-cbc \
	--cipher_key $key16 --auth_op GENERATE --auth_algo sha1-hmac --auth_key $key64 \
	>"$work/out" 2>&1 &
pid=$!
i=0
until [ "$(grep -c 'entering main loop' "$work/out")" = 2 ]; do
	kill -0 $pid 2>/dev/null || break
	[ $i -lt 300 ] || break
	sleep 0.1
	i=$((i + 1))
done
sleep 1
kill -INT $pid 2>/dev/null
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $pid 2>/dev/null && { kill -9 $pid; fail "did not exit after SIGINT"; }
wait $pid
rc=$?
grep -q 'Invalid crypto device id' "$work/out" && fail "crypto device has no NUMA node"
[ "$(grep -c 'entering main loop' "$work/out")" = 2 ] || fail "forwarding loop not reached"
grep -q 'remove failed' "$work/out" && fail "cleanup could not remove a device"
grep -q 'left [0-9]* queues open' "$work/out" && fail "a driver left queues open"
for d in hisi_sec0 hisi_sec1; do
	grep -q "Closing crypto device $d" "$work/out" || fail "$d not closed at cleanup"
done
[ $rc = 0 ] || fail "exit status $rc"
echo "l2fwd-crypto: found both crypto_wd_sec devices (socket 0), exited cleanly"
